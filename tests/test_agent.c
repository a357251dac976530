/* test_agent.c - client/agent.h: the durations 'cahier unlock --for' takes,
 * the agent's fixed-size request and reply, the bound on one exchange (a
 * silent or slow peer costs at most the time given, never a hang), and a
 * client that finds no agent, or one that never answers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sodium.h>

#include "tap.h"
#include "../client/agent.h"

static unsigned
dur(const char *s)
{
	unsigned v = 12345;
	return agent_parse_duration(s, &v) == 0 ? v : 0;
}

TEST(durations)
{
	check_int(dur("30m"), ==, 1800);
	check_int(dur("8h"), ==, 8 * 3600);
	check_int(dur("2s"), ==, 2);
	check_int(dur("1h30m"), ==, 5400);
	check_int(dur("90s"), ==, 90);
	check_int(dur("24h"), ==, 24 * 3600);
	check_int(dur("1439m60s"), ==, 24 * 3600);
	check_int(dur("0001m"), ==, 60);
}

TEST(durations_refused)
{
	const char *bad[] = { "", "8", "h", "8x", "8H", "-1h", "+1h", " 8h", "8h ", "0s",
		"0h0m", "24h1s", "25h", "1441m", "86401s", "99999999999999999999h", "1.5h",
		"8hh", "h8", "1d" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned v = 777;
		if (agent_parse_duration(bad[i], &v) == 0 || v != 777) {
			printf("# accepted '%s'\n", bad[i]);
			check(0);
		}
	}
	unsigned v;
	check(agent_parse_duration(NULL, &v) != 0);
}

TEST(request_framing)
{
	uint8_t b[AGENT_REQ_LEN], op = 0;
	const uint8_t want[AGENT_REQ_LEN] = { 'C', 'H', 'A', 'Q', 1, AGENT_OP_KEYS, 0, 0 };
	agent_req_encode(AGENT_OP_KEYS, b);
	check_mem(b, want, sizeof(want));
	check_int(agent_req_decode(b, sizeof(b), &op), ==, 0);
	check_int(op, ==, AGENT_OP_KEYS);
	for (uint8_t o = AGENT_OP_STATUS; o <= AGENT_OP_LOCK; o++) {
		agent_req_encode(o, b);
		check_int(agent_req_decode(b, sizeof(b), &op), ==, 0);
		check_int(op, ==, o);
	}
	/* Every other length, magic, version, op or padding is refused. */
	agent_req_encode(AGENT_OP_STATUS, b);
	check(agent_req_decode(b, sizeof(b) - 1, &op) != 0);
	uint8_t longer[AGENT_REQ_LEN + 1] = { 0 };
	memcpy(longer, b, sizeof(b));
	check(agent_req_decode(longer, sizeof(longer), &op) != 0);
	for (size_t i = 0; i < AGENT_REQ_LEN; i++) {
		uint8_t c[AGENT_REQ_LEN];
		memcpy(c, b, sizeof(c));
		c[i] ^= 0x40;
		check(agent_req_decode(c, sizeof(c), &op) != 0);
	}
	b[5] = 0;
	check(agent_req_decode(b, sizeof(b), &op) != 0);
	b[5] = 4;
	check(agent_req_decode(b, sizeof(b), &op) != 0);
}

TEST(reply_framing)
{
	agent_rep_t r, back;
	uint8_t b[AGENT_REP_LEN];

	memset(&r, 0, sizeof(r));
	r.op = AGENT_OP_KEYS;
	r.status = AGENT_ST_OK;
	r.until = 1700000000ull + 8 * 3600;
	r.pid = 4242;
	randombytes_buf(r.sign_sk, sizeof(r.sign_sk));
	randombytes_buf(r.curve_pk, sizeof(r.curve_pk));
	randombytes_buf(r.curve_sk, sizeof(r.curve_sk));
	agent_rep_encode(&r, b);
	check_mem(b, "CHAR", 4);
	check_int(agent_rep_decode(b, sizeof(b), &back), ==, 0);
	check_int(back.op, ==, AGENT_OP_KEYS);
	check_int(back.until, ==, r.until);
	check_int(back.pid, ==, 4242);
	check_mem(back.sign_sk, r.sign_sk, 64);
	check_mem(back.curve_pk, r.curve_pk, 32);
	check_mem(back.curve_sk, r.curve_sk, 32);
	check(agent_rep_decode(b, sizeof(b) - 1, &back) != 0);

	/* A status or lock reply carries no key, whatever the struct held. */
	r.op = AGENT_OP_STATUS;
	agent_rep_encode(&r, b);
	static const uint8_t zero[128];
	check_mem(b + AGENT_REP_LEN - 128, zero, 128);
	check_int(agent_rep_decode(b, sizeof(b), &back), ==, 0);
	check_mem(back.sign_sk, zero, 64);
	check_mem(back.curve_sk, zero, 32);
	/* ... and one that does is refused, as is any padding set. */
	b[AGENT_REP_LEN - 1] = 1;
	check(agent_rep_decode(b, sizeof(b), &back) != 0);
	agent_rep_encode(&r, b);
	b[7] = 1;
	check(agent_rep_decode(b, sizeof(b), &back) != 0);
	agent_rep_encode(&r, b);
	b[21] = 1;
	check(agent_rep_decode(b, sizeof(b), &back) != 0);
	agent_rep_encode(&r, b);
	b[6] = 9; /* status */
	check(agent_rep_decode(b, sizeof(b), &back) != 0);
	agent_rep_encode(&r, b);
	b[4] = 2; /* version */
	check(agent_rep_decode(b, sizeof(b), &back) != 0);
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

TEST(one_exchange_is_bounded)
{
	int sv[2];
	uint8_t req[AGENT_REQ_LEN];
	struct timespec t0;
	check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
	/* A client that sends three bytes of eight and stops. */
	check(write(sv[1], "CHA", 3) == 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	check(agent_io(sv[0], req, sizeof(req), 0, 200) != 0);
	long ms = ms_since(&t0);
	check(ms >= 150 && ms < 2000);
	/* (those three were consumed) A whole request: read at once. */
	agent_req_encode(AGENT_OP_STATUS, req);
	uint8_t got[AGENT_REQ_LEN];
	check(write(sv[1], req, sizeof(req)) == (ssize_t)sizeof(req));
	check(agent_io(sv[0], got, sizeof(got), 0, 200) == 0);
	check_mem(got, req, sizeof(req));
	/* A client that hung up early. */
	close(sv[1]);
	check(agent_io(sv[0], got, sizeof(got), 0, 200) != 0);
	close(sv[0]);
}

TEST(no_agent_and_a_silent_one)
{
	char dir[128], *path;
	agent_rep_t r;
	struct timespec t0;
	check(tap_tmpdir(dir, sizeof(dir), "agent") != NULL);
	/* No socket: no agent, at once. */
	check(agent_ask(dir, AGENT_OP_STATUS, &r) != 0);
	keys_secret_t *k = (keys_secret_t *)1;
	check(agent_fetch(dir, NULL, 0, &k) != 0);
	check(k == NULL);
	/* A socket that accepts and never answers: given up within the bound. */
	path = agent_sock_path(dir);
	check(path != NULL);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	check(bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	check(listen(l, 4) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	check(agent_ask(dir, AGENT_OP_KEYS, &r) != 0);
	long ms = ms_since(&t0);
	check(ms >= AGENT_IO_MS / 2 && ms < AGENT_IO_MS + 1500);
	static const uint8_t zero[64];
	check_mem(r.sign_sk, zero, 64);
	close(l);
	unlink(path);
	free(path);
	rmdir(dir);
	/* A home too long for a socket path has no agent. */
	char longhome[200];
	memset(longhome, 'a', sizeof(longhome) - 1);
	longhome[0] = '/';
	longhome[sizeof(longhome) - 1] = '\0';
	check(agent_sock_path(longhome) == NULL);
	check(agent_ask(longhome, AGENT_OP_STATUS, &r) != 0);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	TAP_RUN(durations);
	TAP_RUN(durations_refused);
	TAP_RUN(request_framing);
	TAP_RUN(reply_framing);
	TAP_RUN(one_exchange_is_bounded);
	TAP_RUN(no_agent_and_a_silent_one);
	return TAP_DONE();
}
