/* cmd_post.c - the signed post every writing command uses, and where a
 * posted entry went (cahier post itself is in cmd_care.c, with note). */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <czmq.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/info.h"
#include "../proto/kinds.h"
#include "../proto/names.h"
#include "cli.h"
#include "escape.h"
#include "post.h"
#include "ref.h"

static uint64_t
now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

void
cli_post(cli_t *c, const uint8_t case_id[16], uint8_t audience, uint8_t kind,
    const uint8_t *fields, size_t fieldslen, ch_postrep_t *rep)
{
	cli_post_ex(c, case_id, audience, kind, fields, fieldslen, NULL, NULL, rep);
}

/* Signs and sends a post, as request type (POST, or EMERGENCY with its
 * minutes before the post request when emergency is not NULL). */
static void
post_call(cli_t *c, const uint32_t *emergency, const uint8_t case_id[16], uint8_t audience,
    uint8_t kind, const uint8_t *fields, size_t fieldslen, const uint8_t *reply_to,
    const uint8_t *supersedes, ch_postrep_t *rep)
{
	ch_plain_t p;
	ch_postreq_t rq;
	uint8_t *plain = NULL, *req = NULL;
	size_t pl = 0, rl = 0, bl = 0;
	const uint8_t *body;
	cli_reply_t reply;

	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.kind = kind;
	p.cert = c->cert;
	p.certlen = c->certlen;
	p.hlc = now_ms() << 16;
	p.fields = fields;
	p.fieldslen = fieldslen;
	if (reply_to)
		memcpy(p.reply_to, reply_to, 32);
	if (supersedes)
		memcpy(p.supersedes, supersedes, 32);
	if (ch_plain_encode(&p, case_id, audience, c->keys->sign_sk, &plain, &pl) != 0)
		cli_die(EXIT_ERR, _("entry too large"));
	memcpy(rq.case_id, case_id, 16);
	rq.audience = audience;
	rq.plain.p = plain;
	rq.plain.n = pl;
	if (ch_postreq_encode(&rq, &req, &rl) != 0)
		cli_die(EXIT_ERR, _("entry too large"));
	if (emergency) {
		uint8_t *e = malloc(rl + 4);
		if (!e)
			cli_die(EXIT_ERR, _("out of memory"));
		e[0] = (uint8_t)(*emergency >> 24);
		e[1] = (uint8_t)(*emergency >> 16);
		e[2] = (uint8_t)(*emergency >> 8);
		e[3] = (uint8_t)*emergency;
		memcpy(e + 4, req, rl);
		sodium_memzero(req, rl);
		free(req);
		req = e;
		rl += 4;
	}
	cli_call(c, emergency ? CH_CQ_EMERGENCY : CH_CQ_POST, req, rl, &reply, &body, &bl);
	if (ch_postrep_decode(body, bl, rep) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	sodium_memzero(plain, pl);
	free(plain);
	sodium_memzero(req, rl);
	free(req);
	cli_reply_free(&reply);
}

void
cli_post_ex(cli_t *c, const uint8_t case_id[16], uint8_t audience, uint8_t kind,
    const uint8_t *fields, size_t fieldslen, const uint8_t *reply_to,
    const uint8_t *supersedes, ch_postrep_t *rep)
{
	post_call(c, NULL, case_id, audience, kind, fields, fieldslen, reply_to, supersedes, rep);
}

void
cli_post_emergency(cli_t *c, const uint8_t case_id[16], uint32_t minutes,
    const uint8_t *fields, size_t fieldslen, ch_postrep_t *rep)
{
	post_call(c, &minutes, case_id, CH_AUD_NETWORK, CH_KIND_ALERT, fields, fieldslen,
	    NULL, NULL, rep);
}

void
cli_print_posted(const cli_t *c, const ch_postrep_t *rep, const char *what)
{
	char cid[33], eid[65];
	sodium_bin2hex(cid, sizeof(cid), rep->case_id, 16);
	sodium_bin2hex(eid, sizeof(eid), rep->id, 32);
	if (c->json) {
		json_t *o = json_pack("{s:s, s:s, s:I}", "case", cid, "entry", eid,
		    "seq", (json_int_t)rep->seq);
		cli_json_print(o);
		json_decref(o);
	} else
		printf(_("%s: committed by your organization's daemon (cahier log shows it)\n"), what);
}

/* One WHERE: the other member organizations and whether each holds seq.
 * Fills *v (malloc'd, names borrowed from *reply). */
static void
where_ask(cli_t *c, const ch_postrep_t *rep, cli_reply_t *reply, ch_whereorg_t **v,
    size_t *n)
{
	ch_wherereq_t rq;
	uint8_t *req = NULL;
	size_t rl = 0, bl = 0;
	const uint8_t *body;

	memcpy(rq.case_id, rep->case_id, 16);
	rq.seq = rep->seq;
	if (ch_wherereq_encode(&rq, &req, &rl) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	cli_call(c, CH_CQ_WHERE, req, rl, reply, &body, &bl);
	free(req);
	if (ch_whererep_decode(body, bl, v, n) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
}

void
cli_report_posted(cli_t *c, const ch_postrep_t *rep, const char *what,
    const uint8_t ref_id[32])
{
	cli_reply_t reply;
	ch_whereorg_t *v = NULL;
	size_t n = 0, held = 0;
	char ref[CLI_REF_CHARS + 1];

	cli_ref_fmt(ref_id ? ref_id : rep->id, ref);
	for (int waited = 0;; waited += CLI_WHERE_POLL_MS) {
		where_ask(c, rep, &reply, &v, &n);
		held = 0;
		for (size_t i = 0; i < n; i++)
			held += v[i].held;
		if (held == n || waited >= CLI_WHERE_WAIT_MS)
			break;
		free(v);
		cli_reply_free(&reply);
		zclock_sleep(CLI_WHERE_POLL_MS);
	}
	if (c->json) {
		char cid[33], eid[65];
		json_t *jh = json_array(), *jn = json_array();
		sodium_bin2hex(cid, sizeof(cid), rep->case_id, 16);
		sodium_bin2hex(eid, sizeof(eid), rep->id, 32);
		for (size_t i = 0; i < n; i++) {
			char *nm = cli_slice_dup(v[i].name);
			json_array_append_new(v[i].held ? jh : jn, json_string(nm));
			free(nm);
		}
		json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:o, s:o}", "entry", eid, "ref", ref,
		    "case", cid, "seq", (json_int_t)rep->seq, "held_by", jh, "not_yet", jn);
		cli_json_print(o);
		json_decref(o);
	} else {
		cli_shown_t sh = { { NULL }, 0 };
		printf("posted %s %s\n", what, ref); /* not translated: scripts read it */
		if (n == 0)
			fputs(_("held by: no other organization in the case\n"), stdout);
		else {
			fputs(_("held by: "), stdout);
			int k = 0;
			for (size_t i = 0; i < n; i++)
				if (v[i].held) {
					char *nm = cli_slice_dup(v[i].name);
					printf("%s%s", k++ ? ", " : "", cli_show(&sh, nm));
					cli_shown_clear(&sh);
					free(nm);
				}
			if (!k)
				fputs(_("no other organization yet"), stdout);
			if (held < n) {
				fputs(_(" (not yet: "), stdout);
				k = 0;
				for (size_t i = 0; i < n; i++)
					if (!v[i].held) {
						char *nm = cli_slice_dup(v[i].name);
						printf("%s%s", k++ ? ", " : "", cli_show(&sh, nm));
						cli_shown_clear(&sh);
						free(nm);
					}
				printf(")");
			}
			printf("\n");
		}
	}
	free(v);
	cli_reply_free(&reply);
}
