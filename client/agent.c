/* agent.c - the client agent's durations and messages, and the client's
 * side of its socket (agent.h). The agent process is in cmd_agent.c. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sodium.h>

#include "agent.h"

static const char REQ_MAGIC[4] = { 'C', 'H', 'A', 'Q' };
static const char REP_MAGIC[4] = { 'C', 'H', 'A', 'R' };
#define AGENT_VERSION 1

int
agent_parse_duration(const char *s, unsigned *secs)
{
	unsigned long total = 0;
	int groups = 0;

	if (!s || !*s)
		return -1;
	while (*s) {
		unsigned long v = 0, unit;
		int digits = 0;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (unsigned long)(*s++ - '0');
			if (v > AGENT_MAX_SECS)
				return -1;
			digits++;
		}
		if (!digits)
			return -1;
		switch (*s++) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		default: return -1; /* a bare number, another unit */
		}
		total += v * unit;
		if (total > AGENT_MAX_SECS)
			return -1;
		groups++;
	}
	if (!groups || total == 0)
		return -1;
	*secs = (unsigned)total;
	return 0;
}

void
agent_req_encode(uint8_t op, uint8_t out[AGENT_REQ_LEN])
{
	memcpy(out, REQ_MAGIC, 4);
	out[4] = AGENT_VERSION;
	out[5] = op;
	out[6] = out[7] = 0;
}

static int
known_op(uint8_t op)
{
	return op == AGENT_OP_STATUS || op == AGENT_OP_KEYS || op == AGENT_OP_LOCK;
}

int
agent_req_decode(const uint8_t *p, size_t n, uint8_t *op)
{
	if (n != AGENT_REQ_LEN || memcmp(p, REQ_MAGIC, 4) != 0 || p[4] != AGENT_VERSION ||
	    !known_op(p[5]) || p[6] || p[7])
		return -1;
	*op = p[5];
	return 0;
}

static void
put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void
agent_rep_encode(const agent_rep_t *r, uint8_t out[AGENT_REP_LEN])
{
	memset(out, 0, AGENT_REP_LEN);
	memcpy(out, REP_MAGIC, 4);
	out[4] = AGENT_VERSION;
	out[5] = r->op;
	out[6] = r->status;
	put_be(out + 8, r->until, 8);
	put_be(out + 16, r->pid, 4);
	if (r->op == AGENT_OP_KEYS && r->status == AGENT_ST_OK) {
		memcpy(out + 24, r->sign_sk, 64);
		memcpy(out + 88, r->curve_pk, 32);
		memcpy(out + 120, r->curve_sk, 32);
	}
}

int
agent_rep_decode(const uint8_t *p, size_t n, agent_rep_t *r)
{
	static const uint8_t zero[128];
	memset(r, 0, sizeof(*r));
	if (n != AGENT_REP_LEN || memcmp(p, REP_MAGIC, 4) != 0 || p[4] != AGENT_VERSION ||
	    !known_op(p[5]) || p[6] > AGENT_ST_BAD || p[7] || get_be(p + 20, 4) != 0)
		return -1;
	r->op = p[5];
	r->status = p[6];
	r->until = get_be(p + 8, 8);
	r->pid = (uint32_t)get_be(p + 16, 4);
	if (r->op == AGENT_OP_KEYS && r->status == AGENT_ST_OK) {
		memcpy(r->sign_sk, p + 24, 64);
		memcpy(r->curve_pk, p + 88, 32);
		memcpy(r->curve_sk, p + 120, 32);
	} else if (memcmp(p + 24, zero, sizeof(zero)) != 0)
		return -1;
	return 0;
}

char *
agent_sock_path(const char *home)
{
	struct sockaddr_un sa;
	char *p;
	if (asprintf(&p, "%s/%s", home, AGENT_SOCK) < 0)
		return NULL;
	if (strlen(p) >= sizeof(sa.sun_path)) {
		free(p);
		return NULL;
	}
	return p;
}

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Moves exactly n bytes (send or receive) on the non-blocking fd before
 * the deadline. */
static int
xfer(int fd, uint8_t *p, size_t n, int sending, int64_t deadline)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = sending ? send(fd, p + done, n - done, MSG_NOSIGNAL) :
		    recv(fd, p + done, n - done, 0);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			return -1;
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -1;
		struct pollfd pf = { fd, sending ? POLLOUT : POLLIN, 0 };
		if (poll(&pf, 1, (int)left) < 0 && errno != EINTR)
			return -1;
	}
	return 0;
}

int
agent_io(int fd, uint8_t *p, size_t n, int sending, int ms)
{
	return xfer(fd, p, n, sending, now_ms() + ms);
}

int
agent_ask(const char *home, uint8_t op, agent_rep_t *r)
{
	struct sockaddr_un sa;
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	uint8_t req[AGENT_REQ_LEN], *rep;
	char *path = agent_sock_path(home);
	int fd = -1, rc = -1;

	memset(r, 0, sizeof(*r));
	if (!path)
		return -1;
	if (!(rep = sodium_malloc(AGENT_REP_LEN))) {
		free(path);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int64_t deadline = now_ms() + AGENT_IO_MS;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		goto out;
	/* Only an agent of our own user may hand us a key. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 ||
	    cred.uid != getuid())
		goto out;
	agent_req_encode(op, req);
	if (xfer(fd, req, sizeof(req), 1, deadline) != 0 ||
	    xfer(fd, rep, AGENT_REP_LEN, 0, deadline) != 0 ||
	    agent_rep_decode(rep, AGENT_REP_LEN, r) != 0 || r->op != op)
		goto out;
	rc = 0;
out:
	if (rc)
		sodium_memzero(r, sizeof(*r));
	if (fd >= 0)
		close(fd);
	sodium_free(rep);
	free(path);
	return rc;
}

int
agent_fetch(const char *home, const uint8_t *cert, size_t certlen,
    keys_secret_t **out)
{
	agent_rep_t *r = sodium_malloc(sizeof(*r));
	keys_cert_t kc;
	keys_secret_t *k = NULL;
	int rc = -1;

	*out = NULL;
	if (!r)
		return -1;
	if (agent_ask(home, AGENT_OP_KEYS, r) != 0 || r->status != AGENT_ST_OK)
		goto out;
	if (keys_cert_parse(cert, certlen, &kc) != 0)
		goto out;
	/* An agent started before a new key was made holds the old one. */
	int same = sodium_memcmp(kc.provider, r->sign_sk + 32, 32) == 0 &&
	    sodium_memcmp(kc.curve_pk, r->curve_pk, 32) == 0;
	keys_cert_clear(&kc);
	if (!same || !(k = keys_secret_new(KEYS_KIND_PROVIDER)))
		goto out;
	/* The client uses the signing and the CURVE keys only: no seed. */
	sodium_memzero(k, sizeof(*k));
	k->kind = KEYS_KIND_PROVIDER;
	memcpy(k->sign_sk, r->sign_sk, 64);
	memcpy(k->sign_pk, r->sign_sk + 32, 32);
	memcpy(k->curve_pk, r->curve_pk, 32);
	memcpy(k->curve_sk, r->curve_sk, 32);
	*out = k;
	rc = 0;
out:
	sodium_free(r); /* wipes */
	return rc;
}
