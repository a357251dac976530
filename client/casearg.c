/* casearg.c - a CASE argument: a case's name, or its hex id or prefix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/info.h"
#include "casearg.h"
#include "escape.h"

void
cli_case_arg(cli_t *c, const char *arg, uint8_t id[CH_CASE_LEN])
{
	size_t n = strlen(arg), bl = 0, k = 0, found = 0;
	if (n == 32 && sodium_hex2bin(id, CH_CASE_LEN, arg, n, NULL, &bl, NULL) == 0 &&
	    bl == CH_CASE_LEN)
		return;
	/* Lower-case hex of 4 digits or more is an id prefix: no names are
	 * asked for (a list of names is recorded in every case it shows). */
	if (n >= 4 && strspn(arg, "0123456789abcdef") == n) {
		cli_case_id(c, arg, id);
		return;
	}
	if (!c->sock)
		cli_open(c);
	cli_reply_t rep;
	const uint8_t *body;
	size_t bodylen;
	ch_caseinfo_t *v;
	uint8_t *req = NULL;
	size_t rl = 0;
	if (ch_casesreq_encode(CH_CASES_ALL, &req, &rl) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	cli_call(c, CH_CQ_CASES, req, rl, &rep, &body, &bodylen);
	free(req);
	if (ch_caselist_decode(body, bodylen, &v, &k) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	char ids[3 * 9 + 8] = "";
	for (size_t i = 0; i < k; i++) {
		/* as the duplicate flag compares: ASCII letters folded */
		ch_slice_t want = { (const uint8_t *)arg, n };
		if (!ch_casename_same(&v[i].name, &want))
			continue;
		if (found < 3) {
			char hex[9];
			/* the first 4 bytes: 8 digits */
			sodium_bin2hex(hex, sizeof(hex), v[i].case_id, 4);
			size_t at = strlen(ids);
			snprintf(ids + at, sizeof(ids) - at, "%s%s", found ? ", " : "", hex);
		}
		memcpy(id, v[i].case_id, CH_CASE_LEN);
		found++;
	}
	free(v);
	cli_reply_free(&rep);
	if (found == 1)
		return;
	cli_shown_t sh = { { NULL }, 0 };
	if (found > 1)
		cli_die(EXIT_ERR, _("%zu cases are named '%s' (ids %s%s): give the id instead; "
		    "'cahier case list --all --verbose' shows them"), found, cli_show(&sh, arg), ids,
		    found > 3 ? ", ..." : "");
	if (strspn(arg, "0123456789abcdefABCDEF") == n) {
		/* no name is this: an id prefix in upper-case hex */
		cli_shown_clear(&sh);
		cli_case_id(c, arg, id);
		return;
	}
	cli_die(EXIT_NO, _("no case named '%s' here ('cahier case list --all' lists the names, "
	    "exactly as they are to be given)"), cli_show(&sh, arg));
}

int
cli_case_standing(cli_t *c, const uint8_t id[CH_CASE_LEN], uint8_t *flags,
    uint64_t *since, char *coord, size_t coordlen)
{
	cli_reply_t rep;
	const uint8_t *body;
	size_t bodylen, k = 0;
	ch_caseinfo_t *v;
	uint8_t *req = NULL;
	size_t rl = 0;
	int rc = -1;

	if (!c->sock)
		cli_open(c);
	if (ch_casesreq_encode(CH_CASES_ALL | CH_CASES_NONAMES, &req, &rl) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	cli_call(c, CH_CQ_CASES, req, rl, &rep, &body, &bodylen);
	free(req);
	if (ch_caselist_decode(body, bodylen, &v, &k) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	for (size_t i = 0; i < k; i++)
		if (memcmp(v[i].case_id, id, CH_CASE_LEN) == 0) {
			*flags = v[i].flags;
			*since = v[i].since_ms;
			size_t n = v[i].coord_name.n < coordlen ? v[i].coord_name.n : coordlen - 1;
			memcpy(coord, v[i].coord_name.p, n);
			coord[n] = '\0';
			rc = 0;
		}
	free(v);
	cli_reply_free(&rep);
	return rc;
}

void
cli_case_name(cli_t *c, const uint8_t id[CH_CASE_LEN], char *out, size_t outlen)
{
	cli_reply_t rep;
	const uint8_t *body;
	size_t bodylen, k = 0;
	ch_caseinfo_t *v;
	uint8_t *req = NULL;
	size_t rl = 0;
	char hex[33];

	sodium_bin2hex(hex, sizeof(hex), id, CH_CASE_LEN);
	snprintf(out, outlen, "case %.8s", hex);
	if (!c->sock)
		cli_open(c);
	if (ch_casesreq_encode(CH_CASES_ALL, &req, &rl) != 0)
		cli_die(EXIT_ERR, _("out of memory"));
	cli_call(c, CH_CQ_CASES, req, rl, &rep, &body, &bodylen);
	free(req);
	if (ch_caselist_decode(body, bodylen, &v, &k) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	for (size_t i = 0; i < k; i++)
		if (memcmp(v[i].case_id, id, CH_CASE_LEN) == 0 && v[i].name.n && v[i].name.n < outlen) {
			memcpy(out, v[i].name.p, v[i].name.n);
			out[v[i].name.n] = '\0';
		}
	free(v);
	cli_reply_free(&rep);
}

void
cli_case_notice(cli_t *c, const uint8_t id[CH_CASE_LEN])
{
	uint8_t flags = 0;
	uint64_t since = 0;
	char coord[CH_CASE_NAME_MAX + 1], when[32] = "";
	cli_shown_t sh = { { NULL }, 0 };

	if (c->json || cli_case_standing(c, id, &flags, &since, coord, sizeof(coord)) != 0)
		return;
	if (since)
		cli_time(since, when);
	if (flags & CH_CASE_REMOVED) {
		const char *who = coord[0] ? cli_show(&sh, coord) : _("the coordinator");
		if (when[0])
			fprintf(stderr, _("This case is closed to your organization: %s removed it "
			    "from the case on %s. You see what was written before; nothing written "
			    "since reaches you.\n"), who, when);
		else
			fprintf(stderr, _("This case is closed to your organization: %s removed it "
			    "from the case. You see what was written before; nothing written "
			    "since reaches you.\n"), who);
	} else if (flags & CH_CASE_CLOSED) {
		if (when[0])
			fprintf(stderr, _("This case is closed at your organization since %s "
			    "(read-only here; 'cahier case reopen' reopens it).\n"), when);
		else
			fputs(_("This case is closed at your organization (read-only here; "
			    "'cahier case reopen' reopens it).\n"), stderr);
	}
	cli_shown_clear(&sh);
}
