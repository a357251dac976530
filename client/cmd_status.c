/* cmd_status.c - cahier status and cahier peers. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/info.h"
#include "agent.h"
#include "cli.h"
#include "escape.h"

static int
simple_help(int argc, char **argv, const char *text)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(text, stdout);
			return 1;
		}
		cli_die(EXIT_ERR, _("unexpected '%s' (see cahier %s --help)"), argv[i], argv[0]);
	}
	return 0;
}

int
cmd_status(cli_t *c, int argc, char **argv)
{
	cli_reply_t rep;
	const uint8_t *body;
	size_t bl;
	ch_status_t st;
	keys_card_t card;
	keys_cert_t cert;
	char fpr[KEYS_FPR_LEN];

	if (simple_help(argc, argv, "usage: cahier status\n\nShows who you are, your "
	    "organization and its fingerprint, and what its daemon holds.\n"))
		return 0;
	cli_open(c);
	cli_call(c, CH_CQ_STATUS, NULL, 0, &rep, &body, &bl);
	if (ch_status_decode(body, bl, &st) != 0 ||
	    keys_card_parse(st.card.p, st.card.n, &card) != 0 ||
	    keys_cert_parse(st.cert.p, st.cert.n, &cert) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	keys_fingerprint(card.org_id, fpr);
	if (c->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:o}",
		    "provider", cert.name, "role", cert.role, "organization", card.name,
		    "fingerprint", fpr, "daemon", c->endpoint, "cases", (int)st.ncases,
		    "peers", (int)st.npeers, "peers_connected", (int)st.nconnected,
		    "own_forks", (int)st.ownforks, "restoring", st.restore_total ?
		    json_pack("{s:i, s:i}", "cases_ready", (int)st.restore_ready,
		    "cases", (int)st.restore_total) : json_null());
		cli_json_print(o);
		json_decref(o);
	} else {
		cli_shown_t sh = { { NULL }, 0 };
		printf("you:          %s (%s)\n", cli_show(&sh, cert.name), cli_show(&sh, cert.role));
		printf("organization: %s\n", cli_show(&sh, card.name));
		printf("fingerprint:  %s\n", fpr);
		printf("daemon:       %s\n", cli_show(&sh, c->endpoint));
		agent_print_status(c);
		cli_shown_clear(&sh);
		printf("cases:        %u\n", st.ncases);
		printf("peers:        %u (%u connected)\n", st.npeers, st.nconnected);
		if (st.ownforks)
			printf("FORK:         this organization's own feed forked in %u case%s: "
			    "another daemon with its key (a restored backup, a copied data directory) "
			    "wrote there too, and this daemon can no longer write in %s. Stop every "
			    "other copy, restore this daemon from its newest backup, or contact the "
			    "other members' administrators ('cahier case list' marks the case%s, the "
			    "daemon's log says more)\n", st.ownforks, st.ownforks == 1 ? "" : "s",
			    st.ownforks == 1 ? "it" : "them", st.ownforks == 1 ? "" : "s");
		if (st.restore_total)
			printf("RESTORED:     this daemon's store was put back from a copy. It writes "
			    "nothing (no post, and no read, which is recorded) in a case until the other "
			    "members' daemons have told it what this organization wrote there since: "
			    "%u of %u cases ready. Keep it connected to its peers; the daemon's log "
			    "says more\n", st.restore_ready, st.restore_total);
	}
	keys_card_clear(&card);
	keys_cert_clear(&cert);
	cli_reply_free(&rep);
	return 0;
}

int
cmd_peers(cli_t *c, int argc, char **argv)
{
	cli_reply_t rep;
	const uint8_t *body;
	size_t bl, n;
	ch_peerinfo_t *v;

	if (simple_help(argc, argv, "usage: cahier peers\n\nLists the organizations your "
	    "daemon trusts and syncs with, whether each is\nconnected (your daemon's "
	    "encrypted connection to it is up, shared case or\nnot) and when it was "
	    "last heard from.\n"))
		return 0;
	cli_open(c);
	cli_call(c, CH_CQ_PEERS, NULL, 0, &rep, &body, &bl);
	if (ch_peerlist_decode(body, bl, &v, &n) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		keys_card_t card;
		char fpr[KEYS_FPR_LEN], when[32] = "never";
		if (keys_card_parse(v[i].card.p, v[i].card.n, &card) != 0)
			continue;
		keys_fingerprint(card.org_id, fpr);
		if (v[i].last_heard_ms)
			cli_time(v[i].last_heard_ms, when);
		if (c->json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "name",
			    card.name, "endpoint", card.endpoint, "fingerprint", fpr,
			    "connected", v[i].connected));
		else {
			cli_shown_t sh = { { NULL }, 0 };
			/* Padded by display width, not bytes (escape.h). */
			cli_pad(stdout, cli_show(&sh, card.name), 40);
			putchar(' ');
			cli_pad(stdout, cli_show(&sh, card.endpoint), 28);
			printf(" %s  last heard %s\n", v[i].connected ? "connected" : "offline  ",
			    when);
			cli_shown_clear(&sh);
		}
		keys_card_clear(&card);
	}
	if (c->json) {
		cli_json_print(arr);
	}
	json_decref(arr);
	free(v);
	cli_reply_free(&rep);
	return 0;
}
