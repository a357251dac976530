/* cmd_case.c - cahier case new | add | list. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/info.h"
#include "cli.h"
#include "post.h"

static void
case_usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fprintf(f, "usage: cahier case new NAME\n"
	    "       cahier case add CASE CARDFILE --role ROLE\n"
	    "       cahier case list\n\n"
	    "new   opens a case coordinated by your organization (the name is encrypted).\n"
	    "add   adds another organization, from its card, with a role such as\n"
	    "      home-nursing, gp, social-service, psychiatric-home-care.\n"
	    "list  the cases your organization holds.\n");
	exit(code);
}

static int
case_new(cli_t *c, const char *name)
{
	keys_card_t card;
	uint8_t salt[16], id[16], *fields = NULL;
	size_t fl = 0;
	ch_postrep_t rep;

	cli_open(c);
	if (keys_card_parse(c->card, c->cardlen, &card) != 0)
		cli_die(EXIT_ERR, "the org card does not verify");
	randombytes_buf(salt, sizeof(salt));
	ch_case_id(card.org_id, salt, id);
	keys_card_clear(&card);
	if (ch_create_encode(salt, name, &fields, &fl) != 0)
		cli_die(EXIT_ERR, "the case name must be 1 to 256 bytes of UTF-8 text");
	cli_post(c, id, CH_AUD_NETWORK, CH_KIND_CASE_CREATE, fields, fl, &rep);
	free(fields);
	if (c->json)
		cli_print_posted(c, &rep, "created");
	else {
		char hex[33];
		sodium_bin2hex(hex, sizeof(hex), id, 16);
		printf("%s\n", hex);
		fprintf(stderr, "opened case %s, coordinated by your organization\n", hex);
	}
	return 0;
}

static int
case_add(cli_t *c, const char *caseid, const char *cardfile, const char *role)
{
	char *text = NULL;
	size_t tl = 0, cl = 0, fl = 0;
	uint8_t *card = NULL, *fields = NULL, id[16];
	keys_card_t kc;
	ch_postrep_t rep;
	char fpr[KEYS_FPR_LEN];

	int rc = keys_slurp(cardfile, &text, &tl);
	if (rc)
		cli_die(EXIT_ERR, "cannot read %s: %s", cardfile, ch_strerror(rc));
	if (keys_dearmor("ORG CARD", text, tl, &card, &cl) != 0 ||
	    keys_card_parse(card, cl, &kc) != 0)
		cli_die(EXIT_ERR, "%s is not a valid org card", cardfile);
	free(text);
	if (ch_member_encode(card, cl, role, &fields, &fl) != 0)
		cli_die(EXIT_ERR, "bad role '%s': use lower-case letters, digits and '-'", role);
	cli_open(c);
	cli_case_id(c, caseid, id);
	cli_post(c, id, CH_AUD_NETWORK, CH_KIND_MEMBER_ADD, fields, fl, &rep);
	keys_fingerprint(kc.org_id, fpr);
	if (c->json)
		cli_print_posted(c, &rep, "added");
	else
		printf("added %s (fingerprint %s) as %s\n", kc.name, fpr, role);
	keys_card_clear(&kc);
	free(card);
	free(fields);
	return 0;
}

static int
case_list(cli_t *c)
{
	uint8_t *frame;
	const uint8_t *body;
	size_t bl, n;
	ch_caseinfo_t *v;
	keys_card_t mine;

	cli_open(c);
	cli_call(c, CH_CQ_CASES, NULL, 0, &frame, &body, &bl);
	if (ch_caselist_decode(body, bl, &v, &n) != 0)
		cli_die(EXIT_ERR, "malformed reply from the daemon");
	if (keys_card_parse(c->card, c->cardlen, &mine) != 0)
		cli_die(EXIT_ERR, "the org card does not verify");
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char hex[33], coord[17];
		sodium_bin2hex(hex, sizeof(hex), v[i].case_id, 16);
		keys_keyid(v[i].coordinator, coord);
		int ours = memcmp(v[i].coordinator, mine.org_id, 32) == 0;
		if (c->json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:i, s:I, s:i, s:i}",
			    "case", hex, "coordinator", coord, "coordinated_here", ours,
			    "members", v[i].members, "entries", (json_int_t)v[i].entries,
			    "epoch", (int)v[i].epoch, "forks", (int)v[i].forks));
		else
			printf("%s  %2u orgs  %6llu entries  coordinator %s%s%s\n", hex,
			    v[i].members, (unsigned long long)v[i].entries,
			    ours ? "(this organization)" : coord,
			    v[i].forks ? "  FORK DETECTED" : "", "");
	}
	if (c->json) {
		json_dumpf(arr, stdout, JSON_COMPACT);
		putchar('\n');
	} else if (n == 0)
		fprintf(stderr, "no cases yet ('cahier case new NAME' opens one)\n");
	json_decref(arr);
	keys_card_clear(&mine);
	free(v);
	free(frame);
	return 0;
}

int
cmd_case(cli_t *c, int argc, char **argv)
{
	const char *role = NULL;
	char *pos[4];
	int np = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			case_usage(0);
		else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			cli_die(EXIT_ERR, "unknown option '%s' (see cahier case --help)", argv[i]);
		else if (np < 4)
			pos[np++] = argv[i];
		else
			case_usage(EXIT_ERR);
	}
	if (np == 0)
		case_usage(EXIT_ERR);
	if (strcmp(pos[0], "new") == 0 && np == 2)
		return case_new(c, pos[1]);
	if (strcmp(pos[0], "add") == 0 && np == 3) {
		if (!role)
			cli_die(EXIT_ERR, "case add needs --role ROLE (e.g. gp, home-nursing, social-service)");
		return case_add(c, pos[1], pos[2], role);
	}
	if (strcmp(pos[0], "list") == 0 && np == 1)
		return case_list(c);
	case_usage(EXIT_ERR);
	return EXIT_ERR;
}
