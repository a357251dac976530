/* cmd_init.c - cahier init (key and certificate request) and cahier enroll
 * (install the certificate, the org card and the daemon's address). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"

static int
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

int
cmd_init(cli_t *c, int argc, char **argv)
{
	char *pass = NULL, *text = NULL;
	size_t plen = 0, rl = 0;
	uint8_t *req = NULL;
	int rc;

	if (wants_help(argc, argv)) {
		static const char *const help[] = {
			N_("usage: cahier init\n"),
			N_("Creates your provider key in the home directory (sealed with a passphrase)\n"
			    "and prints a certificate request to hand to your organization's administrator,\n"
			    "who answers with 'cahierd provider add'.\n"),
			NULL
		};
		cli_help(stdout, help);
		return 0;
	}
	if (argc != 1)
		cli_die(EXIT_ERR, _("init takes no arguments (see cahier init --help)"));
	if (mkdir(c->home, 0700) != 0 && errno != EEXIST)
		cli_die(EXIT_ERR, _("cannot create %s: %s"), c->home, strerror(errno));
	char *keyfile = cli_path(c, "provider.key");
	/* before the passphrase is asked for: a key there already stays */
	if (access(keyfile, F_OK) == 0)
		cli_die(EXIT_ERR, _("%s exists: you have a key already"), keyfile);
	char *reqfile = cli_path(c, "provider.request");
	keys_secret_t *k = keys_secret_new(KEYS_KIND_PROVIDER);
	if (!k)
		cli_die(EXIT_ERR, _("out of memory"));
	rc = keys_pass_read(_("New passphrase for your key: "), c->pass_file, c->pass_fd, 1,
	    &pass, &plen);
	char why[600];
	if (rc)
		cli_die(EXIT_ERR, _("cannot read the passphrase: %s"),
		    keys_pass_why(rc, c->pass_file, why, sizeof(why)));
	static const char *const words[] = { "cahier", NULL };
	double bits = keys_pass_bits(pass, words);
	if (bits < KEYS_PASS_MIN_BITS) {
		keys_pass_free(&pass);
		cli_die(EXIT_ERR, _("this passphrase is too easy to guess (about %d bits, %d at "
		    "least): take four or five words that do not belong together, or a longer "
		    "sentence (nothing written)"), (int)bits, (int)KEYS_PASS_MIN_BITS);
	}
	rc = keys_file_write(keyfile, k, pass, plen);
	keys_pass_free(&pass);
	if (rc == CH_ERR_EXISTS)
		cli_die(EXIT_ERR, _("%s exists: you have a key already"), keyfile);
	if (rc)
		cli_die(EXIT_ERR, _("cannot write %s: %s"), keyfile, ch_strerror(rc));
	char kid[17], comment[64];
	keys_keyid(k->sign_pk, kid);
	snprintf(comment, sizeof(comment), "provider key %s", kid);
	if ((rc = keys_request_make(k, &req, &rl)) != 0 ||
	    (rc = keys_armor("PROVIDER REQUEST", comment, req, rl, &text)) != 0 ||
	    (rc = keys_write_new(reqfile, text, strlen(text), 0644)) != 0)
		cli_die(EXIT_ERR, _("cannot write %s: %s"), reqfile, ch_strerror(rc));
	fputs(text, stdout);
	fprintf(stderr, _("created your key %s in %s\nhand %s to your organization's administrator\n"),
	    kid, c->home, reqfile);
	keys_secret_destroy(&k);
	free(text);
	free(req);
	free(keyfile);
	free(reqfile);
	return 0;
}

static void
copy_armored(const cli_t *c, const char *src, const char *label, const char *dst,
    uint8_t **bytes, size_t *n)
{
	char *text = NULL, *path = cli_path(c, dst);
	size_t tl = 0;
	int rc = keys_slurp(src, &text, &tl);
	if (rc)
		cli_die(EXIT_ERR, _("cannot read %s: %s"), src,
		    rc == CH_ERR_IO ? strerror(errno) : ch_strerror(rc));
	if ((rc = keys_dearmor(label, text, tl, bytes, n)) != 0)
		cli_die(EXIT_ERR, _("%s is not a %s: %s"), src, label, ch_strerror(rc));
	unlink(path);
	if ((rc = keys_write_new(path, text, tl, 0644)) != 0)
		cli_die(EXIT_ERR, _("cannot write %s: %s"), path, ch_strerror(rc));
	free(text);
	free(path);
}

int
cmd_enroll(cli_t *c, int argc, char **argv)
{
	const char *cert = NULL, *card = NULL, *daemon = NULL;
	uint8_t *cb = NULL, *kb = NULL, *rb = NULL, prov[32], curve[32];
	size_t cl = 0, kl = 0, rl = 0;
	char *text = NULL;
	size_t tl = 0;
	keys_cert_t ct;
	keys_card_t kc;

	if (wants_help(argc, argv)) {
		static const char *const help[] = {
			N_("usage: cahier enroll --cert FILE --card FILE --daemon ENDPOINT\n"),
			N_("Installs the certificate your organization issued for your key, the\n"
			    "organization's card, and where its daemon listens (ipc://PATH on the\n"
			    "same machine, tcp://HOST:PORT from a laptop).\n"),
			NULL
		};
		cli_help(stdout, help);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc)
			cert = argv[++i];
		else if (strcmp(argv[i], "--card") == 0 && i + 1 < argc)
			card = argv[++i];
		else if (strcmp(argv[i], "--daemon") == 0 && i + 1 < argc)
			daemon = argv[++i];
		else
			cli_die(EXIT_ERR, _("unexpected '%s' (see cahier enroll --help)"), argv[i]);
	}
	if (!cert || !card || !daemon)
		cli_die(EXIT_ERR, _("enroll needs --cert, --card and --daemon"));
	if (strncmp(daemon, "ipc://", 6) != 0 && strncmp(daemon, "tcp://", 6) != 0)
		cli_die(EXIT_ERR, _("daemon endpoint must start with ipc:// or tcp://"));
	/* Our public key, from the request made by init (no passphrase needed). */
	char *reqfile = cli_path(c, "provider.request");
	if (keys_slurp(reqfile, &text, &tl) != 0 ||
	    keys_dearmor("PROVIDER REQUEST", text, tl, &rb, &rl) != 0 ||
	    keys_request_parse(rb, rl, prov, curve) != 0)
		cli_die(EXIT_ERR, _("cannot read %s (run 'cahier init' first)"), reqfile);
	free(text);
	free(reqfile);
	{
		char *t2 = NULL;
		size_t t2l = 0;
		int rc = keys_slurp(cert, &t2, &t2l);
		if (rc)
			cli_die(EXIT_ERR, _("cannot read %s: %s"), cert, ch_strerror(rc));
		rc = keys_dearmor("PROVIDER CERT", t2, t2l, &cb, &cl);
		free(t2);
		if (rc || keys_cert_parse(cb, cl, &ct) != 0)
			cli_die(EXIT_ERR, _("%s is not a valid provider certificate"), cert);
		t2 = NULL;
		rc = keys_slurp(card, &t2, &t2l);
		if (rc)
			cli_die(EXIT_ERR, _("cannot read %s: %s"), card, ch_strerror(rc));
		rc = keys_dearmor("ORG CARD", t2, t2l, &kb, &kl);
		free(t2);
		if (rc || keys_card_parse(kb, kl, &kc) != 0)
			cli_die(EXIT_ERR, _("%s is not a valid org card"), card);
	}
	if (memcmp(ct.provider, prov, 32) != 0 || memcmp(ct.curve_pk, curve, 32) != 0)
		cli_die(EXIT_ERR, _("%s certifies another key than yours"), cert);
	if (memcmp(ct.org_id, kc.org_id, 32) != 0)
		cli_die(EXIT_ERR, _("%s was not issued by %s"), cert, kc.name);
	free(cb);
	free(kb);
	free(rb);
	copy_armored(c, cert, "PROVIDER CERT", "provider.cert", &cb, &cl);
	copy_armored(c, card, "ORG CARD", "org.card", &kb, &kl);
	char *dpath = cli_path(c, "daemon");
	unlink(dpath);
	char line[1100];
	snprintf(line, sizeof(line), "%s\n", daemon);
	if (keys_write_new(dpath, line, strlen(line), 0644) != 0)
		cli_die(EXIT_ERR, _("cannot write %s"), dpath);
	cli_shown_t sh = { { NULL }, 0 };
	/* TRANSLATORS: your name, your role, your organization */
	printf(_("enrolled %s (%s) at %s\n"), cli_show(&sh, ct.name), cli_show(&sh, ct.role),
	    cli_show(&sh, kc.name));
	cli_shown_clear(&sh);
	keys_cert_clear(&ct);
	keys_card_clear(&kc);
	free(cb);
	free(kb);
	free(dpath);
	return 0;
}
