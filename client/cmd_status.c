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
simple_help(int argc, char **argv, const char *const *help)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_help(stdout, help);
			return 1;
		}
		cli_die(EXIT_ERR, _("unexpected '%s' (see cahier %s --help)"), argv[i], argv[0]);
	}
	return 0;
}

static const char *const help_status[] = {
	N_("usage: cahier status\n"),
	N_("Shows who you are, your organization and its fingerprint, its daemon,\n"
	    "the daemon's version and for how long it has been running, and what\n"
	    "it holds.\n"),
	NULL
};

static const char *const help_peers[] = {
	N_("usage: cahier peers\n"),
	N_("Lists the organizations your daemon trusts and syncs with, whether each is\n"
	    "connected (your daemon's encrypted connection to it is up, shared case or\n"
	    "not) and when it was last heard from.\n"),
	NULL
};

/* How long the daemon has run, as cahierd status says it: hours and
 * minutes, days past 48 hours. */
static void
uptime_fmt(uint64_t s, char *out, size_t n)
{
	unsigned long long h = s / 3600, m = s / 60 % 60;
	if (h >= 48)
		/* TRANSLATORS: days and hours the daemon has been running */
		snprintf(out, n, _("%llu d %llu h"), h / 24, h % 24);
	else
		/* TRANSLATORS: hours and minutes the daemon has been running */
		snprintf(out, n, _("%llu h %02llu min"), h, m);
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

	if (simple_help(argc, argv, help_status))
		return 0;
	cli_open(c);
	cli_call(c, CH_CQ_STATUS, NULL, 0, &rep, &body, &bl);
	if (ch_status_decode(body, bl, &st) != 0 ||
	    keys_card_parse(st.card.p, st.card.n, &card) != 0 ||
	    keys_cert_parse(st.cert.p, st.cert.n, &cert) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	keys_fingerprint(card.org_id, fpr);
	char version[CH_VERSION_MAX + 1] = "", started[32];
	memcpy(version, st.version.p ? (const char *)st.version.p : "", st.version.n);
	version[st.version.n] = '\0';
	if (c->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:o}",
		    "provider", cert.name, "role", cert.role, "organization", card.name,
		    "fingerprint", fpr, "daemon", c->endpoint, "cases", (int)st.ncases,
		    "peers", (int)st.npeers, "peers_connected", (int)st.nconnected,
		    "own_forks", (int)st.ownforks, "restoring", st.restore_total ?
		    json_pack("{s:i, s:i}", "cases_ready", (int)st.restore_ready,
		    "cases", (int)st.restore_total) : json_null());
		cli_time_iso(st.started_ms, started);
		json_object_set_new(o, "daemon_version", st.version.n ? json_string(version) :
		    json_null());
		json_object_set_new(o, "daemon_started", st.started_ms ? json_string(started) :
		    json_null());
		json_object_set_new(o, "daemon_uptime_s", st.version.n ?
		    json_integer((json_int_t)st.uptime_s) : json_null());
		cli_json_print(o);
		json_decref(o);
	} else {
		cli_shown_t sh = { { NULL }, 0 };
		/* The labels, each as wide as the widest in this language. */
		const char *lab[] = { _("you"), _("organization"), _("fingerprint"),
		    _("daemon"), _("version"), _("up"), _("key"), _("cases"), _("peers"),
		    _("FORK"), _("RESTORED") };
		size_t w = 0;
		for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++)
			if (cli_label_width(lab[i]) > w)
				w = cli_label_width(lab[i]);
		w += 1;
		cli_label(stdout, lab[0], w);
		printf("%s (%s)\n", cli_show(&sh, cert.name), cli_show(&sh, cert.role));
		cli_label(stdout, lab[1], w);
		printf("%s\n", cli_show(&sh, card.name));
		cli_label(stdout, lab[2], w);
		printf("%s\n", fpr);
		cli_label(stdout, lab[3], w);
		printf("%s\n", cli_show(&sh, c->endpoint));
		cli_label(stdout, lab[4], w);
		if (st.version.n)
			printf("cahierd %s\n", version);
		else
			printf("%s\n", _("unknown: a daemon older than this client"));
		if (st.version.n) {
			char up[64];
			uptime_fmt(st.uptime_s, up, sizeof(up));
			cli_time(st.started_ms, started);
			cli_label(stdout, lab[5], w);
			/* TRANSLATORS: how long the daemon has run, then when it started */
			printf(_("%s, since %s\n"), up, started);
		}
		agent_print_status(c, lab[6], w);
		cli_shown_clear(&sh);
		cli_label(stdout, lab[7], w);
		printf("%u\n", st.ncases);
		cli_label(stdout, lab[8], w);
		printf(ngettext("%u (%u connected)\n", "%u (%u connected)\n", st.nconnected),
		    st.npeers, st.nconnected);
		if (st.ownforks) {
			cli_label(stdout, lab[9], w);
			printf(ngettext("this organization's own feed forked in %u case: another "
			    "daemon with its key (a restored backup, a copied data directory) wrote "
			    "there too, and this daemon can no longer write in it. Stop every other "
			    "copy, restore this daemon from its newest backup, or contact the other "
			    "members' administrators ('cahier case list' marks the case, the daemon's "
			    "log says more)\n",
			    "this organization's own feed forked in %u cases: another daemon with "
			    "its key (a restored backup, a copied data directory) wrote there too, "
			    "and this daemon can no longer write in them. Stop every other copy, "
			    "restore this daemon from its newest backup, or contact the other "
			    "members' administrators ('cahier case list' marks the cases, the "
			    "daemon's log says more)\n", st.ownforks), st.ownforks);
		}
		if (st.restore_total) {
			cli_label(stdout, lab[10], w);
			printf(ngettext("this daemon's store was put back from a copy. It writes "
			    "nothing (no post, and no read, which is recorded) in a case until the "
			    "other members' daemons have told it what this organization wrote there "
			    "since: %u of %u case ready. Keep it connected to its peers; the daemon's "
			    "log says more\n",
			    "this daemon's store was put back from a copy. It writes nothing (no "
			    "post, and no read, which is recorded) in a case until the other members' "
			    "daemons have told it what this organization wrote there since: %u of %u "
			    "cases ready. Keep it connected to its peers; the daemon's log says more\n",
			    st.restore_total), st.restore_ready, st.restore_total);
		}
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

	if (simple_help(argc, argv, help_peers))
		return 0;
	cli_open(c);
	cli_call(c, CH_CQ_PEERS, NULL, 0, &rep, &body, &bl);
	if (ch_peerlist_decode(body, bl, &v, &n) != 0)
		cli_die(EXIT_ERR, _("malformed reply from the daemon"));
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		keys_card_t card;
		char fpr[KEYS_FPR_LEN], when[32];
		snprintf(when, sizeof(when), "%s", _("never"));
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
			/* Both states as wide as the wider in this language. */
			const char *on = _("connected"), *off = _("offline");
			size_t sw = cli_width(on) > cli_width(off) ? cli_width(on) : cli_width(off);
			putchar(' ');
			cli_pad(stdout, v[i].connected ? on : off, sw);
			printf(_("  last heard %s\n"), when);
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
