/* conn.c - the provider's home directory and the connection to the daemon
 * (CURVE: our provider key as client key, the org card's key as server key). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <time.h>
#include <sys/time.h>
#include <czmq.h>
#include <sodium.h>

#include "../proto/info.h"
#include "../proto/names.h"
#include "agent.h"
#include "cli.h"
#include "escape.h"

/* The open daemon socket, closed by cli_die so that czmq's exit handler
 * does not add a "dangling socket" line to a one-line error. */
static zsock_t *live_sock;

/* Raw libzmq sockets left open would make czmq's exit handler wait for them
 * forever: every monitor is closed by cli_close, or by cli_die. */
static void *monitors[8];

static void
close_monitor(void *m)
{
	for (size_t i = 0; m && i < sizeof(monitors) / sizeof(monitors[0]); i++) {
		if (monitors[i] != m)
			continue;
		int zero = 0;
		zmq_setsockopt(m, ZMQ_LINGER, &zero, sizeof(zero));
		zmq_close(m);
		monitors[i] = NULL;
	}
}

static void
close_monitors(void)
{
	for (size_t i = 0; i < sizeof(monitors) / sizeof(monitors[0]); i++)
		close_monitor(monitors[i]);
}

static int
keep_monitor(void *m)
{
	for (size_t i = 0; i < sizeof(monitors) / sizeof(monitors[0]); i++)
		if (!monitors[i]) {
			monitors[i] = m;
			return 0;
		}
	return -1;
}

void
cli_die(int code, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL, *shown = NULL;
	int n;
	close_monitors();
	if (live_sock)
		zsock_destroy(&live_sock);
	/* The message may quote what others wrote (the daemon's refusal, a
	 * name on a card): one line, every control shown escaped. */
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n >= 0)
		shown = cli_escape_dup(msg, (size_t)n, 0);
	fprintf(stderr, "cahier: %s\n", shown ? shown : _("out of memory"));
	cli_escape_free(&shown);
	if (n >= 0) {
		sodium_memzero(msg, (size_t)n);
		free(msg);
	}
	exit(code);
}

char *
cli_path(const cli_t *c, const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", c->home, name) < 0)
		cli_die(EXIT_ERR, _("out of memory"));
	return p;
}

static uint8_t *
load_armored(const cli_t *c, const char *file, const char *label, size_t *n)
{
	char *path = cli_path(c, file), *text = NULL;
	size_t tl = 0;
	uint8_t *out = NULL;
	int rc = keys_slurp(path, &text, &tl);
	if (rc)
		cli_die(EXIT_ERR, _("cannot read %s: %s (run 'cahier init' and 'cahier enroll' first)"),
		    path, rc == CH_ERR_IO ? strerror(errno) : ch_strerror(rc));
	if ((rc = keys_dearmor(label, text, tl, &out, n)) != 0)
		cli_die(EXIT_ERR, _("%s is damaged: %s"), path, ch_strerror(rc));
	free(text);
	free(path);
	return out;
}

void
cli_open(cli_t *c)
{
	char *pass = NULL, *path, *text = NULL;
	size_t plen = 0, tl = 0;
	int rc;

	c->cert = load_armored(c, "provider.cert", "PROVIDER CERT", &c->certlen);
	c->card = load_armored(c, "org.card", "ORG CARD", &c->cardlen);
	path = cli_path(c, "daemon");
	if (keys_slurp(path, &text, &tl) != 0)
		cli_die(EXIT_ERR, _("cannot read %s (run 'cahier enroll' first)"), path);
	text[strcspn(text, "\r\n")] = '\0';
	c->endpoint = text;
	free(path);
	path = cli_path(c, "provider.key");
	/* The agent of 'cahier unlock' first, if one answers; else the
	 * passphrase. */
	if (agent_fetch(c->home, c->cert, c->certlen, &c->keys) != 0) {
		rc = keys_pass_read(_("Passphrase of your key: "), c->pass_file, c->pass_fd, 0,
		    &pass, &plen);
		char why[600];
		if (rc)
			cli_die(EXIT_ERR, _("cannot read the passphrase: %s"),
			    keys_pass_why(rc, c->pass_file, why, sizeof(why)));
		rc = keys_file_read(path, KEYS_KIND_PROVIDER, pass, plen, &c->keys);
		keys_pass_free(&pass);
		if (rc == CH_ERR_PASS)
			cli_die(EXIT_ERR, _("wrong passphrase for %s"), path);
		if (rc)
			cli_die(EXIT_ERR, _("cannot open %s: %s"), path, ch_strerror(rc));
	}
	free(path);
	cli_connect(c);
}

/* A daemon that is not running is reported at once, with the command
 * that starts it: for ipc://PATH, a connect to the socket file says
 * whether it exists and whether anything listens there. */
static void
probe_ipc(const char *endpoint)
{
	struct sockaddr_un sa;
	const char *path = endpoint + 6;
	char dir[sizeof(sa.sun_path)];
	if (strncmp(endpoint, "ipc://", 6) != 0 || strlen(path) >= sizeof(sa.sun_path))
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && strcmp(slash, "/client.sock") == 0)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), "DIR");
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	int rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	close(fd);
	if (rc == 0)
		return;
	if (e == ENOENT)
		cli_die(EXIT_ERR, _("your organization's daemon is not running: %s does not exist "
		    "(start it with: cahierd run -d %s)"), path, dir);
	if (e == ECONNREFUSED)
		cli_die(EXIT_ERR, _("your organization's daemon is not running: nothing listens on "
		    "%s (start it with: cahierd run -d %s)"), path, dir);
	if (e == EACCES)
		cli_die(EXIT_ERR, _("you may not use the daemon's socket %s (permission denied)"), path);
}

void
cli_connect(cli_t *c)
{
	keys_card_t card;
	if (keys_card_parse(c->card, c->cardlen, &card) != 0)
		cli_die(EXIT_ERR, _("the org card in %s does not verify"), c->home);
	char server[41];
	zmq_z85_encode(server, card.curve_pk, 32);
	keys_card_clear(&card);
	zsys_init();
	zsys_handler_set(NULL);
	zcert_t *zc = zcert_new_from(c->keys->curve_pk, c->keys->curve_sk);
	zsock_t *s = zsock_new(ZMQ_DEALER);
	if (!zc || !s)
		cli_die(EXIT_ERR, _("cannot create a socket"));
	live_sock = s;
	zcert_apply(zc, s);
	zcert_destroy(&zc);
	zsock_set_curve_serverkey(s, server);
	zsock_set_linger(s, 0);
	/* Watch the handshake: a daemon that refuses our key (unknown or
	 * revoked certificate) closes the connection, and libzmq would
	 * otherwise leave us waiting for the whole timeout. */
	void *ctx = zsys_init();
	char mep[64];
	snprintf(mep, sizeof(mep), "inproc://cahier-monitor-%p", (void *)s);
	if (ctx && zmq_socket_monitor(zsock_resolve(s), mep,
	    ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
	    ZMQ_EVENT_CONNECT_RETRIED) == 0) {
		c->monitor = zmq_socket(ctx, ZMQ_PAIR);
		if (c->monitor && keep_monitor(c->monitor) != 0) {
			zmq_close(c->monitor);
			c->monitor = NULL;
		}
		if (c->monitor && zmq_connect(c->monitor, mep) != 0) {
			close_monitor(c->monitor);
			c->monitor = NULL;
		}
	}
	probe_ipc(c->endpoint);
	if (zsock_connect(s, "%s", c->endpoint) != 0)
		cli_die(EXIT_ERR, _("bad daemon endpoint '%s'"), c->endpoint);
	c->sock = s;
}

void
cli_disconnect(cli_t *c)
{
	zsock_t *s = c->sock;
	if (s == live_sock)
		live_sock = NULL;
	close_monitor(c->monitor);
	c->monitor = NULL;
	zsock_destroy(&s);
	c->sock = NULL;
}

void
cli_close(cli_t *c)
{
	cli_disconnect(c);
	keys_secret_destroy(&c->keys);
	free(c->cert);
	free(c->card);
	free(c->endpoint);
	c->cert = c->card = NULL;
	c->endpoint = NULL;
}

void
cli_reply_free(cli_reply_t *r)
{
	if (r->p) {
		sodium_memzero(r->p, r->n);
		free(r->p);
	}
	r->p = NULL;
	r->n = 0;
}

/* The catalogue's translation of English text s (cli_refusal_words). */
static const char *
tr_gettext(const char *s)
{
	return gettext(s);
}

void
cli_call(cli_t *c, uint8_t type, const uint8_t *req, size_t reqlen,
    cli_reply_t *rep, const uint8_t **body, size_t *bodylen)
{
	uint8_t *msg = NULL, rtype, status;
	size_t len = 0;
	if (ch_msg_encode(CH_MAGIC_REQ, type, 0, req, reqlen, &msg, &len) != 0)
		cli_die(EXIT_ERR, _("request too large"));
	zframe_t *f = zframe_new(msg, len);
	/* A post's request holds the note in clear. */
	sodium_memzero(msg, len);
	free(msg);
	if (zframe_send(&f, c->sock, 0) != 0)
		cli_die(EXIT_ERR, _("cannot send to the daemon at %s"), c->endpoint);
	zmq_pollitem_t items[2] = {
		{ zsock_resolve(c->sock), 0, ZMQ_POLLIN, 0 },
		{ c->monitor, 0, ZMQ_POLLIN, 0 },
	};
	int64_t deadline = zclock_mono() + c->timeout_ms;
	void *which = NULL;
	while (!which) {
		int64_t left = deadline - zclock_mono();
		if (left <= 0 || zmq_poll(items, c->monitor ? 2 : 1, (long)left) < 0)
			break;
		if (items[0].revents & ZMQ_POLLIN)
			which = c->sock;
		else if (c->monitor && (items[1].revents & ZMQ_POLLIN)) {
			zmq_msg_t ev;
			uint16_t event = 0;
			zmq_msg_init(&ev);
			if (zmq_msg_recv(&ev, c->monitor, 0) >= 2)
				memcpy(&event, zmq_msg_data(&ev), 2);
			zmq_msg_close(&ev);
			zmq_msg_init(&ev); /* the second frame: the endpoint */
			(void)zmq_msg_recv(&ev, c->monitor, ZMQ_DONTWAIT);
			zmq_msg_close(&ev);
			if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
				cli_die(EXIT_ERR, _("the daemon at %s refused your key: is your certificate "
				    "known there (cahierd provider add) and not revoked? (a certificate "
				    "issued a moment ago is taken up within a second)"), c->endpoint);
			if (event == ZMQ_EVENT_CONNECT_RETRIED)
				cli_die(EXIT_ERR, _("no daemon answers at %s: the connection was refused "
				    "(is cahierd running there? start it with: cahierd run -d DIR)"),
				    c->endpoint);
			if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
				cli_die(EXIT_ERR, _("the handshake with %s failed: is that the daemon of "
				    "the organization on your card?"), c->endpoint);
		}
	}
	if (!which)
		cli_die(EXIT_ERR, _("no answer from the daemon at %s within %d s "
		    "(is cahierd running, and does it know your certificate?)"),
		    c->endpoint, c->timeout_ms / 1000);
	f = zframe_recv(c->sock);
	if (!f)
		cli_die(EXIT_ERR, _("interrupted"));
	len = zframe_size(f);
	if (!(rep->p = malloc(len ? len : 1)))
		cli_die(EXIT_ERR, _("out of memory"));
	rep->n = len;
	memcpy(rep->p, zframe_data(f), len);
	sodium_memzero(zframe_data(f), len);
	zframe_destroy(&f);
	if (ch_msg_decode(rep->p, rep->n, CH_MAGIC_REP, &rtype, &status, body, bodylen) != 0 ||
	    rtype != type)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	if (status != CH_ST_OK) {
		/* The refusal in the provider's language; cli_die shows it on
		 * one line (its arguments are escaped already). */
		char *text = cli_refusal_words(*body, *bodylen, tr_gettext);
		if (!text)
			cli_die(EXIT_ERR, _("malformed reply from the daemon"));
		cli_die(status == CH_ST_NOCASE ? EXIT_NO : EXIT_ERR, "%s", text);
	}
}

uint64_t
cli_date(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end)
		cli_die(EXIT_ERR, _("not a date: '%s' (give YYYY-MM-DD)"), s);
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t < 0)
		cli_die(EXIT_ERR, _("not a date: '%s' (give YYYY-MM-DD)"), s);
	return (uint64_t)t * 1000;
}

void
cli_case_id(cli_t *c, const char *arg0, uint8_t id[CH_CASE_LEN])
{
	size_t n = strlen(arg0), bl = 0;
	char arg[33];
	/* hex in either case, as people copy it */
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", arg0[i]) || n > 32)
			cli_die(EXIT_ERR, _("'%s' is not a case id (hex, as 'cahier case list' shows)"), arg0);
	for (size_t i = 0; i <= n; i++)
		arg[i] = (char)(arg0[i] >= 'A' && arg0[i] <= 'F' ? arg0[i] - 'A' + 'a' : arg0[i]);
	if (n == 32 && sodium_hex2bin(id, 16, arg, n, NULL, &bl, NULL) == 0 && bl == 16)
		return;
	if (n < 4)
		cli_die(EXIT_ERR, _("case id prefix '%s' is too short (give at least 4 hex digits)"), arg);
	cli_reply_t rep;
	const uint8_t *body;
	size_t bodylen, k;
	ch_caseinfo_t *v;
	cli_call(c, CH_CQ_CASES, NULL, 0, &rep, &body, &bodylen);
	if (ch_caselist_decode(body, bodylen, &v, &k) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	int found = 0;
	for (size_t i = 0; i < k; i++) {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), v[i].case_id, 16);
		if (strncmp(hex, arg, n) == 0) {
			memcpy(id, v[i].case_id, 16);
			found++;
		}
	}
	free(v);
	cli_reply_free(&rep);
	if (found == 0)
		cli_die(EXIT_NO, _("no such case '%s' at this organization"), arg);
	if (found > 1)
		cli_die(EXIT_ERR, _("case id prefix '%s' is ambiguous: give more digits"), arg);
}

void
cli_time(uint64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

void
cli_time_iso(uint64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *
cli_slice_dup(ch_slice_t s)
{
	char *p = malloc(s.n + 1);
	if (!p)
		cli_die(EXIT_ERR, _("out of memory"));
	if (s.n)
		memcpy(p, s.p, s.n);
	p[s.n] = '\0';
	return p;
}

char *
cli_read_text(const char *arg)
{
	if (arg && strcmp(arg, "-") != 0) {
		char *s = strdup(arg);
		if (!s)
			cli_die(EXIT_ERR, _("out of memory"));
		return s;
	}
	size_t cap = 4096, n = 0;
	char *s = malloc(cap);
	size_t r;
	if (!s)
		cli_die(EXIT_ERR, _("out of memory"));
	while ((r = fread(s + n, 1, cap - n - 1, stdin)) > 0) {
		n += r;
		if (n > CH_TEXT_MAX)
			cli_die(EXIT_ERR, _("a text holds at most %u bytes (64 KiB): nothing posted"),
			    CH_TEXT_MAX);
		if (cap - n - 1 == 0) {
			cap *= 2;
			char *t = realloc(s, cap);
			if (!t)
				cli_die(EXIT_ERR, _("out of memory"));
			s = t;
		}
	}
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	s[n] = '\0';
	return s;
}

void
cli_readreq_init(ch_readreq_t *rq, const uint8_t id[16], uint8_t action, uint8_t purpose)
{
	memset(rq, 0, sizeof(*rq));
	rq->action = action;
	rq->purpose = purpose;
	memcpy(rq->case_id, id, 16);
}

void
cli_read(cli_t *c, ch_readreq_t *rq, cli_reply_t *rep, ch_readrep_t *rr)
{
	uint8_t *req = NULL;
	size_t reqlen = 0;
	const uint8_t *body;
	size_t bl;
	struct timeval tv;
	int rc;

	if (rq->purpose == 0) {
		/* No purpose named: the one the reader's role and the read give
		 * (proto/names.h), never one the daemon would refuse. */
		keys_cert_t kc;
		if (keys_cert_parse(c->cert, c->certlen, &kc) != 0)
			cli_die(EXIT_ERR, _("your certificate does not parse"));
		rq->purpose = ch_purpose_default(kc.role, rq->kinds);
		keys_cert_clear(&kc);
	}
	gettimeofday(&tv, NULL);
	rq->time_ms = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
	randombytes_buf(rq->nonce, sizeof(rq->nonce));
	if ((rc = ch_readreq_sign(rq, c->keys->sign_sk, &req, &reqlen)) != 0)
		cli_die(EXIT_ERR, _("cannot make the read request: %s"), ch_strerror(rc));
	cli_call(c, CH_CQ_READ, req, reqlen, rep, &body, &bl);
	free(req);
	if (ch_readrep_decode(body, bl, rr) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
}
