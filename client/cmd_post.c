/* cmd_post.c - cahier post, and the signed post every writing command uses. */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/info.h"
#include "../proto/names.h"
#include "casearg.h"
#include "cli.h"
#include "escape.h"
#include "post.h"

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
	if (ch_plain_encode(&p, case_id, audience, c->keys->sign_sk, &plain, &pl) != 0)
		cli_die(EXIT_ERR, "entry too large");
	memcpy(rq.case_id, case_id, 16);
	rq.audience = audience;
	rq.plain.p = plain;
	rq.plain.n = pl;
	if (ch_postreq_encode(&rq, &req, &rl) != 0)
		cli_die(EXIT_ERR, "entry too large");
	cli_call(c, CH_CQ_POST, req, rl, &reply, &body, &bl);
	if (ch_postrep_decode(body, bl, rep) != 0)
		cli_die(EXIT_ERR, "malformed reply from the daemon");
	sodium_memzero(plain, pl);
	free(plain);
	sodium_memzero(req, rl);
	free(req);
	cli_reply_free(&reply);
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
		printf("%s: case %s, entry %.16s (seq %llu), committed\n", what, cid, eid,
		    (unsigned long long)rep->seq);
}

int
cmd_post(cli_t *c, int argc, char **argv)
{
	const char *casearg = NULL, *textarg = NULL;
	uint8_t id[16], *fields = NULL, audience = CH_AUD_NETWORK;
	size_t fl = 0;
	ch_postrep_t rep;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: cahier post [--audience AUDIENCE] CASE TEXT\n"
			    "       cahier post [--audience AUDIENCE] CASE - < file\n\n"
			    "Posts a note to the case, signed with your key. AUDIENCE is network\n"
			    "(everyone in the case, the person included: the default), care (the\n"
			    "professionals), medical, social or coordination; 'cahier network CASE'\n"
			    "shows which roles each holds. Only organizations in the audience can\n"
			    "decrypt the note. The daemon answers once the entry is on disk.\n");
			return 0;
		} else if (strcmp(argv[i], "--audience") == 0 && i + 1 < argc) {
			/* Providers never post to the membership audience. */
			const char *a = argv[++i];
			if (ch_aud_parse(a, &audience) != 0 || audience == CH_AUD_MEMBERSHIP)
				cli_die(EXIT_ERR, "unknown audience '%s' (network, care, medical, social, coordination)", a);
		} else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2])
			cli_die(EXIT_ERR, "unknown option '%s' (see cahier post --help)", argv[i]);
		else if (!casearg)
			casearg = argv[i];
		else if (!textarg)
			textarg = argv[i];
		else
			cli_die(EXIT_ERR, "too many arguments (quote the text: cahier post CASE \"...\")");
	}
	if (!casearg)
		cli_die(EXIT_ERR, "usage: cahier post CASE TEXT");
	char *text = cli_read_text(textarg);
	if (!*text)
		cli_die(EXIT_ERR, "empty note: nothing posted");
	if (ch_note_encode(text, &fields, &fl) != 0)
		cli_die(EXIT_ERR, "the note is not valid UTF-8 text or is longer than %u bytes",
		    CH_TEXT_MAX);
	sodium_memzero(text, strlen(text));
	free(text);
	cli_open(c);
	cli_case_arg(c, casearg, id);
	cli_post(c, id, audience, CH_KIND_NOTE, fields, fl, &rep);
	free(fields);
	cli_print_posted(c, &rep, "posted");
	return 0;
}
