/* main.c - cahierd: set up an organization, import peers, certify providers,
 * and run the daemon. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>
#include <jansson.h>
#include <sodium.h>

#include "../proto/names.h"
#include "daemon.h"
#include "derr.h"
#include "log.h"
#include "server.h"

#define EXIT_NO 1
#define EXIT_ERR 2

static void
die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void
die(const char *fmt, ...)
{
	va_list ap;
	fputs("cahierd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_ERR);
}

typedef struct {
	const char *dir;
	const char *pass_file;
	int pass_fd;
	const char *name;
	const char *endpoint;
	const char *bind;
	const char *client_tcp;
	const char *request;
	const char *role;
	const char *out;
	const char *fingerprint;
	int days;
	int yes;
	int replace;
	int sync_ms;
	int verbose;
	int json;
	int help;
} opts_t;

/* The commands of the usage text: the synopsis as typed (never
 * translated; its lines after the first are continued under the command's
 * name), then what it does, in the language of the messages (lines
 * separated by '\n'), from column USAGE_COL. */
#define USAGE_COL 33
static const struct {
	const char *cmd;
	const char *syn;
	const char *what;
} usage_cmds[] = {
	{ "init", "init      -d DIR --name NAME --endpoint tcp://HOST:PORT [--bind EP]\n"
	    "          [--client-tcp EP] [--sync-ms N] [--passphrase-file F]",
	    N_("create an organization: keys, card, config") },
	{ "card", "card      -d DIR", N_("print this organization's card and fingerprint") },
	{ "card", "card      -d DIR --endpoint tcp://HOST:PORT",
	    N_("sign the card again with a new endpoint") },
	{ "peer", "peer add  -d DIR CARD (--fingerprint \"DIGITS\" | --yes)",
	    N_("trust another organization's card") },
	{ "peer", "peer list -d DIR", N_("list trusted organizations") },
	{ "provider", "provider add -d DIR --request FILE --name NAME --role ROLE [--days N]\n"
	    "          [-o CERT] [--replace] [--passphrase-file F]",
	    N_("certify a provider's key (ROLE below);\n"
	    "--replace re-certifies a certified key") },
	{ "provider", "provider list -d DIR", N_("list certified providers") },
	{ "provider", "provider revoke -d DIR KEYID [--yes]",
	    N_("withdraw a provider's certificate (a lost\n"
	    "laptop): refused at once, announced in every case") },
	{ "journal", "journal   -d DIR",
	    N_("what the administrators did (peers added, providers\n"
	    "certified and revoked, configuration changes,\n"
	    "restores), each record chained to the one before") },
	{ "backup", "backup    -d DIR OUT",
	    N_("a consistent copy of the store (the organization\n"
	    "and every case) into the new directory OUT,\n"
	    "while the daemon runs; never the org key") },
	{ "restore", "restore   -d DIR BACKUP",
	    N_("put a backup back into DIR, which holds only\n"
	    "org.key; the daemon then learns its own feeds\n"
	    "from its peers before it writes again") },
	{ "key", "key export -d DIR [--passphrase-file F]",
	    N_("print the org key as a paper recovery key") },
	{ "key", "key import -d DIR [--passphrase-file F]",
	    N_("make org.key again from a recovery key (stdin;\n"
	    "lines with words, as in the printout, are skipped)") },
	{ "status", "status    -d DIR [--json]",
	    N_("the daemon's health: version, uptime, peers\n"
	    "(connected, last heard, clock), cases, forks,\n"
	    "store size and map use, certificates ending") },
	{ "run", "run       -d DIR [--passphrase-file F] [-v]",
	    N_("serve (until SIGINT or SIGTERM; SIGHUP\n"
	    "reloads the peers and providers)") },
};

/* The number of characters of the UTF-8 string s (its bytes that do not
 * continue a character): the width of a label in a column, as a terminal
 * shows it. */
static size_t
width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* s, then spaces up to col characters (at least one). */
static void
put_padded(FILE *f, const char *s, size_t col)
{
	size_t w = width(s);
	fputs(s, f);
	do
		fputc(' ', f);
	while (++w < col);
}

/* One command of the usage text: its synopsis after lead (the first line)
 * or after two spaces (the others), then what it does: on the synopsis's
 * last line when there is room (as far right of lead as USAGE_COL is of two
 * spaces), else and for its other lines from USAGE_COL. */
static void
usage_cmd(FILE *f, size_t i, const char *lead)
{
	const char *syn = usage_cmds[i].syn, *what = _(usage_cmds[i].what);
	const char *pre = lead;
	size_t col = 0, at = width(lead) + USAGE_COL - 2;
	for (;;) {
		const char *nl = strchr(syn, '\n');
		size_t n = nl ? (size_t)(nl - syn) : strlen(syn);
		col = width(pre) + n;
		fprintf(f, "%s%.*s", pre, (int)n, syn);
		if (!nl)
			break;
		fputc('\n', f);
		syn = nl + 1;
		pre = "  ";
	}
	if (col + 1 >= at) {
		fputc('\n', f);
		col = 0;
		at = USAGE_COL;
	}
	for (;;) {
		const char *nl = strchr(what, '\n');
		size_t n = nl ? (size_t)(nl - what) : strlen(what);
		fprintf(f, "%*s%.*s\n", (int)(at - col), "", (int)n, what);
		if (!nl)
			break;
		what = nl + 1;
		col = 0;
		at = USAGE_COL;
	}
}

static void
usage_footer(FILE *f, int roles)
{
	fputs(_("\nPassphrases come from a prompt, --passphrase-file F or --passphrase-fd N,\n"
	    "never from the command line. Exit codes: 0 ok, 1 a negative answer, 2 error.\n"), f);
	if (roles)
		fprintf(f, _("ROLE is one of: %s.\n"), ch_roles_text());
}

static void
usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fprintf(f, _("usage: cahierd <command> [options]\n"
	    "       cahierd --version | --help\n"));
	fputc('\n', f);
	for (size_t i = 0; i < sizeof(usage_cmds) / sizeof(usage_cmds[0]); i++)
		usage_cmd(f, i, "  ");
	usage_footer(f, 1);
	exit(code);
}

/* The usage of command cmd: its synopses, each under the headline's
 * "usage: cahierd ", then the footer. */
static void
usage_of(const char *cmd, int code)
{
	FILE *f = code ? stderr : stdout;
	const char *head = _("usage: cahierd ");
	char *under = NULL;
	size_t hw = width(head);
	if (hw >= 8 && asprintf(&under, "%*scahierd ", (int)(hw - 8), "") < 0)
		under = NULL;
	int any = 0;
	for (size_t i = 0; i < sizeof(usage_cmds) / sizeof(usage_cmds[0]); i++) {
		if (strcmp(usage_cmds[i].cmd, cmd) != 0)
			continue;
		usage_cmd(f, i, any ? (under ? under : head) : head);
		any = 1;
	}
	free(under);
	usage_footer(f, strcmp(cmd, "provider") == 0);
	exit(code);
}

/* The options of every command; each command takes those its allowed
 * list names (space-separated long names), and any other is refused. */
static void
parse_opts(int argc, char **argv, opts_t *o, const char *cmd, const char *allowed)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "passphrase-fd", required_argument, NULL, 'F' },
		{ "name", required_argument, NULL, 'n' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "bind", required_argument, NULL, 'b' },
		{ "client-tcp", required_argument, NULL, 'c' },
		{ "request", required_argument, NULL, 'r' },
		{ "role", required_argument, NULL, 'R' },
		{ "out", required_argument, NULL, 'o' },
		{ "fingerprint", required_argument, NULL, 'f' },
		{ "days", required_argument, NULL, 'D' },
		{ "sync-ms", required_argument, NULL, 's' },
		{ "yes", no_argument, NULL, 'y' },
		{ "replace", no_argument, NULL, 'X' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char seen[32] = "";
	int ch;
	memset(o, 0, sizeof(*o));
	o->pass_fd = -1;
	o->days = 365;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":d:o:vh", lo, NULL)) != -1) {
		if (ch != '?' && ch != ':' && !strchr(seen, ch) && strlen(seen) < sizeof(seen) - 1)
			seen[strlen(seen)] = (char)ch;
		switch (ch) {
		case 'd': o->dir = optarg; break;
		case 'P': o->pass_file = optarg; break;
		case 'F': o->pass_fd = atoi(optarg); break;
		case 'n': o->name = optarg; break;
		case 'e': o->endpoint = optarg; break;
		case 'b': o->bind = optarg; break;
		case 'c': o->client_tcp = optarg; break;
		case 'r': o->request = optarg; break;
		case 'R': o->role = optarg; break;
		case 'o': o->out = optarg; break;
		case 'f': o->fingerprint = optarg; break;
		case 'D': o->days = atoi(optarg); break;
		case 's': o->sync_ms = atoi(optarg); break;
		case 'y': o->yes = 1; break;
		case 'X': o->replace = 1; break;
		case 'v': o->verbose = 1; break;
		case 'J': o->json = 1; break;
		case 'h': o->help = 1; break;
		case ':':
			die(_("%s: %s needs a value (see cahierd %s --help)"), cmd, argv[optind - 1], cmd);
		default:
			die(_("%s: unknown option '%s' (see cahierd %s --help)"), cmd, argv[optind - 1], cmd);
		}
	}
	if (o->help)
		usage_of(cmd, 0);
	for (const char *q = seen; *q; q++) {
		const char *name = NULL;
		for (size_t i = 0; lo[i].name; i++)
			if (lo[i].val == *q)
				name = lo[i].name;
		size_t nl = strlen(name);
		const char *a = allowed;
		int ok = 0;
		while (a && *a && !ok) {
			size_t wl = strcspn(a, " ");
			ok = wl == nl && strncmp(a, name, nl) == 0;
			a += wl + (a[wl] == ' ');
		}
		if (!ok)
			die(_("cahierd %s does not take --%s (see cahierd %s --help)"), cmd, name, cmd);
	}
	if (!o->dir && !(o->dir = getenv("CAHIERD_DIR")))
		die(_("no data directory: give -d DIR (or set CAHIERD_DIR)"));
}

static char *
path_in(const char *dir, const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		die(_("out of memory"));
	return p;
}

/* The org's secrets, unlocked with the passphrase. */
static keys_secret_t *
unlock_org(const opts_t *o, const char *conf_pass_file)
{
	char *pass = NULL, *keyfile = path_in(o->dir, "org.key");
	size_t plen = 0;
	keys_secret_t *k = NULL;
	const char *pf = o->pass_file ? o->pass_file : conf_pass_file;
	int rc = keys_pass_read("Passphrase of the organization key: ", pf,
	    o->pass_fd, 0, &pass, &plen);
	char why[600];
	if (rc)
		die(_("cannot read the passphrase: %s"), keys_pass_why(rc, pf, why, sizeof(why)));
	rc = keys_file_read(keyfile, KEYS_KIND_ORG, pass, plen, &k);
	keys_pass_free(&pass);
	if (rc == CH_ERR_PASS)
		die(_("wrong passphrase for %s"), keyfile);
	if (rc == CH_ERR_IO)
		die(_("cannot read %s: %s"), keyfile, strerror(errno));
	if (rc)
		die(_("cannot open %s: %s"), keyfile, ch_strerror(rc));
	free(keyfile);
	return k;
}

/* Refuses a new passphrase that is easy to guess (keys.h: keys_pass_bits),
 * wiping it first. */
static void
weak_pass(char **pass, const char *const *words)
{
	double bits = keys_pass_bits(*pass, words);
	if (bits >= KEYS_PASS_MIN_BITS)
		return;
	keys_pass_free(pass);
	die(_("this passphrase is too easy to guess (about %d bits, %d at least): take four "
	    "or five words that do not belong together, or a longer sentence (nothing written)"),
	    (int)bits, (int)KEYS_PASS_MIN_BITS);
}

/* Tells a running daemon to reload its peers and providers, and commits. */
static void
bump_gen_commit(store_t *s)
{
	int rc;
	if ((rc = store_gen_bump(s)) != 0 || (rc = store_commit(s)) != 0)
		die(_("cannot commit to the store: %s"), store_strerror(rc));
}

static store_t *
open_store(const char *dir)
{
	store_t *s;
	int rc = store_open(dir, NULL, 4, &s);
	if (rc)
		die(_("cannot open the store in %s: %s"), dir, store_strerror(rc));
	return s;
}

/* One record of the administrators' journal (store.h), in the same
 * transaction as what it records. */
static int
journal(store_t *s, uint8_t action, const char *what)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return store_journal_add(s, (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000,
	    action, what);
}

static const char *
journal_action(uint8_t a)
{
	switch (a) {
	case STORE_J_PEER_ADD: return "peer-add";
	case STORE_J_PROVIDER_ADD: return "certify";
	case STORE_J_PROVIDER_REPLACE: return "re-certify";
	case STORE_J_PROVIDER_REVOKE: return "revoke";
	case STORE_J_CONFIG: return "config";
	case STORE_J_RESTORED: return "restored";
	case STORE_J_INIT: return "init";
	case STORE_J_NOTIFY_ON: return "notify-on";
	case STORE_J_NOTIFY_OFF: return "notify-off";
	case STORE_J_BACKUP: return "backup";
	case STORE_J_RESTORE: return "restore";
	case STORE_J_KEY_EXPORT: return "key-export";
	case STORE_J_KEY_IMPORT: return "key-import";
	case STORE_J_CARD: return "card";
	case STORE_J_PEER_CARD: return "peer-card";
	}
	return "?";
}

typedef struct { size_t n, bad; } jcount_t;

static int
print_journal(void *arg, uint64_t seq, uint64_t time_ms, uint8_t action, const char *text, int ok)
{
	jcount_t *j = arg;
	char when[32] = "?";
	time_t t = (time_t)(time_ms / 1000);
	struct tm tm;
	if (time_ms && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	j->n++;
	if (!ok)
		j->bad++;
	/* The text came from names the administrators gave (checked when
	 * cards and certificates are made): printed as it is stored. */
	printf("%s%6llu  %s  %-10s  %s\n", ok ? "  " : "!!", (unsigned long long)seq, when,
	    journal_action(action), text);
	return 0;
}

/* cahierd journal -d DIR: what this organization's administrators did. */
static int
cmd_journal(int argc, char **argv)
{
	opts_t o;
	jcount_t j = { 0, 0 };
	int intact = 0;
	parse_opts(argc, argv, &o, "journal", "dir");
	store_t *s = open_store(o.dir);
	int rc = store_journal_each(s, print_journal, &j, &intact);
	store_destroy(&s);
	if (rc)
		die(_("cannot read the journal: %s"), store_strerror(rc));
	if (j.bad || !intact) {
		fputs("cahierd: ", stderr);
		if (intact)
			fprintf(stderr, ngettext("the journal was altered: %zu record out of place "
			    "(marked !!)\n", "the journal was altered: %zu records out of place "
			    "(marked !!)\n", j.bad), j.bad);
		else
			fprintf(stderr, ngettext("the journal was altered: %zu record out of place, "
			    "and its last record is not the one it should end with (marked !!)\n",
			    "the journal was altered: %zu records out of place, and its last record "
			    "is not the one it should end with (marked !!)\n", j.bad), j.bad);
		return EXIT_NO;
	}
	fprintf(stderr, ngettext("%zu record, each chained to the one before: intact\n",
	    "%zu records, each chained to the one before: intact\n", j.n), j.n);
	return 0;
}


/* Copies the file from into the new file to (mode), synced. 0, or -1 with
 * errno set. */
static int
copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1, e;
	if (in < 0)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) < 0)
		goto done;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			goto done;
	if (n == 0 && fsync(out) == 0)
		rc = 0;
done:
	e = errno;
	close(in);
	if (out >= 0)
		close(out);
	errno = e;
	return rc;
}

static int
exists(const char *dir, const char *name)
{
	char *p = path_in(dir, name);
	int r = access(p, F_OK) == 0;
	free(p);
	return r;
}

static void
backup_progress(void *arg, size_t done, size_t total)
{
	int *tty = arg;
	if (*tty && (done % 100 == 0 || done == total)) {
		fputc('\r', stderr);
		fprintf(stderr, _("backup: %zu of %zu cases"), done, total);
	}
	if (*tty && done == total)
		fputc('\n', stderr);
}

/* cahierd backup -d DIR OUT: a hot copy of the store. */
static int
cmd_backup(int argc, char **argv)
{
	opts_t o;
	size_t n = 0;
	int tty = isatty(2);
	char what[STORE_JOURNAL_TEXT_MAX];

	parse_opts(argc, argv, &o, "backup", "dir");
	if (optind != argc - 1)
		die(_("backup needs the directory to write the copy into (see cahierd --help)"));
	const char *out = argv[optind];
	if (access(out, F_OK) == 0)
		die(_("%s exists: a backup goes into a new directory"), out);
	if (!exists(o.dir, "org"))
		die(_("%s holds no store (no org/): nothing to back up"), o.dir);
	store_t *s = open_store(o.dir);
	int rc = store_backup(s, out, backup_progress, &tty, &n);
	if (rc) {
		store_destroy(&s);
		die(_("the backup failed (%s): the copy in %s is incomplete, remove it"),
		    store_strerror(rc), out);
	}
	static const struct { const char *name; mode_t mode; } files[] = {
		{ "org.card", 0644 }, { "cahierd.conf", 0600 },
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *from = path_in(o.dir, files[i].name), *to = path_in(out, files[i].name);
		if (copy_file(from, to, files[i].mode) != 0) {
			store_destroy(&s);
			die(_("cannot copy %s to %s: %s: the copy in %s is incomplete, remove it"),
			    from, to, strerror(errno), out);
		}
		free(from);
		free(to);
	}
	snprintf(what, sizeof(what), "backup of the organization and %zu case%s to %.400s", n,
	    n == 1 ? "" : "s", out);
	if ((rc = journal(s, STORE_J_BACKUP, what)) != 0 || (rc = store_commit(s)) != 0)
		die(_("cannot record the backup in the journal: %s"), store_strerror(rc));
	store_destroy(&s);
	printf(ngettext("backed up the organization and %zu case to %s\n",
	    "backed up the organization and %zu cases to %s\n", n), n, out);
	fputs(_("org.key is not in it: keep a copy of org.key, and its passphrase, apart\n"),
	    stdout);
	return 0;
}

/* cahierd restore -d DIR BACKUP: a backup put back into a directory that
 * holds the org key and no store. */
static int
cmd_restore(int argc, char **argv)
{
	opts_t o;
	char what[STORE_JOURNAL_TEXT_MAX];
	size_t n = 0;

	parse_opts(argc, argv, &o, "restore", "dir");
	if (optind != argc - 1)
		die(_("restore needs the backup's directory (see cahierd --help)"));
	const char *bk = argv[optind];
	if (!exists(o.dir, "org.key"))
		die(_("%s has no org.key: put the organization's key file there first "
		    "(a backup never holds it)"), o.dir);
	if (exists(o.dir, "org") || exists(o.dir, "cases"))
		die(_("%s holds a store already (org/ or cases/): restore into a directory that "
		    "holds only org.key"), o.dir);
	if (!exists(bk, "org/data.mdb") || !exists(bk, "cases") || !exists(bk, "org.card"))
		die(_("%s is not a backup of cahierd (no org/data.mdb, cases/ or org.card)"), bk);
	char *lockpath = path_in(o.dir, "cahierd.lock");
	int lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0)
		die(_("a cahierd runs on %s: stop it first"), o.dir);
	free(lockpath);
	/* cases first, org last: a store is there once org/data.mdb is */
	char *from = path_in(bk, "cases"), *to = path_in(o.dir, "cases");
	DIR *dp = opendir(from);
	struct dirent *de;
	if (!dp || mkdir(to, 0700) != 0)
		die(_("cannot restore the cases of %s into %s: %s"), from, to, strerror(errno));
	while ((de = readdir(dp))) {
		char a[4200], b[4200];
		if (strlen(de->d_name) != 32 || strspn(de->d_name, "0123456789abcdef") != 32)
			continue;
		snprintf(a, sizeof(a), "%s/%s/data.mdb", from, de->d_name);
		snprintf(b, sizeof(b), "%s/%s", to, de->d_name);
		if (mkdir(b, 0700) != 0)
			die(_("cannot create %s: %s"), b, strerror(errno));
		snprintf(b, sizeof(b), "%s/%s/data.mdb", to, de->d_name);
		if (copy_file(a, b, 0600) != 0)
			die(_("cannot copy %s: %s"), a, strerror(errno));
		n++;
	}
	closedir(dp);
	free(from);
	free(to);
	static const struct { const char *name; mode_t mode; int need; } files[] = {
		{ "org.card", 0644, 1 }, { "cahierd.conf", 0600, 0 },
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (exists(o.dir, files[i].name))
			continue;   /* the administrator's own file stays */
		from = path_in(bk, files[i].name);
		to = path_in(o.dir, files[i].name);
		if (copy_file(from, to, files[i].mode) != 0 && (files[i].need || errno != ENOENT))
			die(_("cannot copy %s to %s: %s"), from, to, strerror(errno));
		free(from);
		free(to);
	}
	from = path_in(bk, "org/data.mdb");
	to = path_in(o.dir, "org");
	if (mkdir(to, 0700) != 0)
		die(_("cannot create %s: %s"), to, strerror(errno));
	free(to);
	to = path_in(o.dir, "org/data.mdb");
	if (copy_file(from, to, 0600) != 0)
		die(_("cannot copy %s: %s"), from, strerror(errno));
	free(from);
	free(to);
	store_t *s = open_store(o.dir);
	snprintf(what, sizeof(what), "restore of %zu case%s from %.400s", n, n == 1 ? "" : "s", bk);
	int rc;
	if ((rc = journal(s, STORE_J_RESTORE, what)) != 0 || (rc = store_commit(s)) != 0)
		die(_("cannot record the restore in the journal: %s"), store_strerror(rc));
	store_destroy(&s);
	close(lockfd);
	printf(ngettext("restored the organization and %zu case into %s\n",
	    "restored the organization and %zu cases into %s\n", n), n, o.dir);
	fputs(_("At its next start the daemon learns its own feeds from its peers before it\n"
	    "writes to a case again (README, \"If a daemon's store is put back from a copy\").\n"),
	    stdout);
	return 0;
}

/* ---- cahierd status ---- */

typedef struct {
	json_t *soon;           /* certificates that end within 30 days */
	uint64_t now;
} certscan_t;

static int
cert_soon(void *arg, const uint8_t k[32], const uint8_t *v, size_t vlen)
{
	certscan_t *x = arg;
	keys_cert_t c;
	char kid[17], until[32];
	(void)k;
	if (keys_cert_parse(v, vlen, &c) != 0)
		return 0;
	if (c.valid_until < x->now + 30 * 86400) {
		time_t t = (time_t)c.valid_until;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(until, sizeof(until), "%Y-%m-%d", &tm);
		keys_keyid(c.provider, kid);
		json_array_append_new(x->soon, json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", c.name,
		    "role", c.role, "key_id", kid, "valid_until", until, "ended",
		    c.valid_until < x->now));
	}
	keys_cert_clear(&c);
	return 0;
}

static uint64_t
file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void
mib(uint64_t b, char out[32])
{
	snprintf(out, 32, "%.1f MiB", (double)b / 1048576.0);
}

static const char *
ago(const char *iso_when, char out[64])
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (!iso_when || !strptime(iso_when, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		snprintf(out, 64, "%s", _("never"));
		return out;
	}
	long d = (long)(time(NULL) - timegm(&tm));
	if (d < 120)
		snprintf(out, 64, _("%ld s ago"), d < 0 ? 0 : d);
	else if (d < 7200)
		snprintf(out, 64, _("%ld min ago"), d / 60);
	else
		snprintf(out, 64, _("at %s"), iso_when);
	return out;
}

/* cahierd status -d DIR [--json]: what the daemon reported last
 * (status.json, health.h) and what the store holds. Exit 1 when no daemon
 * runs on DIR. */
static int
cmd_status(int argc, char **argv)
{
	opts_t o;
	parse_opts(argc, argv, &o, "status", "dir json");
	char *lockpath = path_in(o.dir, "cahierd.lock"), *sp = path_in(o.dir, "status.json");
	int running = 0, fd = open(lockpath, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		running = flock(fd, LOCK_EX | LOCK_NB) != 0;
		close(fd);
	}
	if (!exists(o.dir, "org/data.mdb"))
		die(_("%s holds no store (no org/): run 'cahierd init' first"), o.dir);
	json_t *st = json_load_file(sp, 0, NULL);
	store_t *s = open_store(o.dir);
	uint8_t (*ids)[16] = NULL;
	size_t n = 0, forks = 0, nf;
	uint64_t cases_bytes = 0, largest = 0;
	if (store_case_list(s, &ids, &n) != 0)
		die(_("cannot list the cases of %s"), o.dir);
	for (size_t i = 0; i < n; i++) {
		char hex[33], p[4300];
		scase_t *c;
		sodium_bin2hex(hex, sizeof(hex), ids[i], 16);
		snprintf(p, sizeof(p), "%s/cases/%s/data.mdb", o.dir, hex);
		uint64_t b = file_size(p);
		cases_bytes += b;
		if (b > largest)
			largest = b;
		if (store_case_get(s, ids[i], 0, &c) == 0 && store_fork_count(c, &nf) == 0)
			forks += nf;
		if (isatty(2) && n > 500 && (i % 500 == 499 || i + 1 == n)) {
			fputc('\r', stderr);
			fprintf(stderr, _("status: %zu of %zu cases looked at"), i + 1, n);
		}
	}
	if (isatty(2) && n > 500)
		fputc('\n', stderr);
	free(ids);
	certscan_t cs = { json_array(), (uint64_t)time(NULL) };
	if (store_providers_each(s, cert_soon, &cs) != 0)
		die(_("cannot read the certified providers of %s"), o.dir);
	store_destroy(&s);
	char *orgp = path_in(o.dir, "org/data.mdb");
	uint64_t org_bytes = file_size(orgp);
	free(orgp);
	json_t *daemon = st && running ? st : json_null();
	if (st && !running)
		json_decref(st);
	if (o.json) {
		json_t *out = json_pack("{s:b, s:o, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:o}",
		    "running", running, "daemon", daemon, "cases", (json_int_t)n, "forks",
		    (json_int_t)forks, "store", "org_bytes", (json_int_t)org_bytes, "org_map",
		    (json_int_t)STORE_ORG_MAP, "cases_bytes", (json_int_t)cases_bytes,
		    "largest_case_bytes", (json_int_t)largest, "case_map", (json_int_t)STORE_CASE_MAP,
		    "certificates_ending", cs.soon);
		char *text = json_dumps(out, JSON_COMPACT | JSON_ENSURE_ASCII);
		printf("%s\n", text ? text : "{}");
		free(text);
		json_decref(out);
	} else {
		char a[32], b[32], c2[32], w[64];
		/* The labels in one column, as wide as the widest in this
		 * language (in characters: a translation may be longer). */
		const char *l_cases = _("cases:"), *l_forks = _("FORKS:"),
		    *l_restored = _("RESTORED:"), *l_store = _("store:"), *l_peers = _("peers:"),
		    *l_certs = _("certificates:"), *l_cert = _("CERTIFICATE:");
		const char *labels[] = { l_cases, l_forks, l_restored, l_store, l_peers, l_certs,
		    l_cert };
		size_t col = 0;
		for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
			if (width(labels[i]) + 1 > col)
				col = width(labels[i]) + 1;
		if (running && json_is_object(daemon)) {
			json_int_t up = json_integer_value(json_object_get(daemon, "uptime_s"));
			printf(_("cahierd %s: running, pid %lld, up %lld h %02lld min (reported %s)\n"),
			    json_string_value(json_object_get(daemon, "version")),
			    (long long)json_integer_value(json_object_get(daemon, "pid")),
			    (long long)up / 3600, (long long)up / 60 % 60,
			    ago(json_string_value(json_object_get(daemon, "written")), w));
		} else
			printf(_("cahierd: not running on %s (start it: cahierd run -d %s)\n"), o.dir,
			    o.dir);
		put_padded(stdout, l_cases, col);
		if (forks)
			printf("%zu\n", n);
		else
			printf(_("%zu, no fork\n"), n);
		if (forks) {
			put_padded(stdout, l_forks, col);
			printf(ngettext("%zu second entry kept as evidence of a fork: see the FORK "
			    "alert in those cases\n", "%zu second entries kept as evidence of a fork: "
			    "see the FORK alert in those cases\n", forks), forks);
		}
		json_t *rs = json_is_object(daemon) ? json_object_get(daemon, "restoring") : NULL;
		if (json_is_object(rs)) {
			put_padded(stdout, l_restored, col);
			printf(_("put back from a copy: %lld of %lld cases ready\n"),
			    (long long)json_integer_value(json_object_get(rs, "cases_ready")),
			    (long long)json_integer_value(json_object_get(rs, "cases")));
		}
		mib(org_bytes, a);
		mib(cases_bytes, b);
		mib(largest, c2);
		put_padded(stdout, l_store, col);
		printf(_("organization %s (%.1f%% of its %u MiB map); cases %s, the largest %s "
		    "(%.2f%% of its %u GiB map)\n"), a,
		    100.0 * (double)org_bytes / (double)STORE_ORG_MAP, (unsigned)(STORE_ORG_MAP >> 20),
		    b, c2, 100.0 * (double)largest / (double)STORE_CASE_MAP,
		    (unsigned)(STORE_CASE_MAP >> 30));
		json_t *ps = json_is_object(daemon) ? json_object_get(daemon, "peers") : NULL;
		if (json_array_size(ps))
			printf("%s\n", l_peers);
		for (size_t i = 0; i < json_array_size(ps); i++) {
			json_t *p = json_array_get(ps, i), *lag = json_object_get(p, "clock_behind_ms");
			const char *name = json_string_value(json_object_get(p, "name"));
			char clk[128] = "";
			if (json_is_integer(lag)) {
				double sec = (double)json_integer_value(lag) / 1000.0;
				snprintf(clk, sizeof(clk), sec < 0 ? _(", clock %.1f s ahead") :
				    _(", clock %.1f s behind (or the delay)"), sec < 0 ? -sec : sec);
			}
			fputs("  ", stdout);
			put_padded(stdout, name ? name : "?", 29);
			printf(_("%s, last heard %s%s%s\n"),
			    json_is_true(json_object_get(p, "connected")) ? _("connected") :
			    _("NOT CONNECTED"),
			    ago(json_string_value(json_object_get(p, "last_heard")), w), clk,
			    json_is_true(json_object_get(p, "catching_up")) ? _(", catching up") : "");
		}
		if (!json_array_size(cs.soon)) {
			put_padded(stdout, l_certs, col);
			printf("%s\n", _("none ends within 30 days"));
		}
		for (size_t i = 0; i < json_array_size(cs.soon); i++) {
			json_t *q = json_array_get(cs.soon, i);
			put_padded(stdout, l_cert, col);
			printf(json_is_true(json_object_get(q, "ended")) ?
			    _("%s (%s), key %s, ended %s: issue a new one "
			    "(cahierd provider add --replace)\n") :
			    _("%s (%s), key %s, ends %s: issue a new one "
			    "(cahierd provider add --replace)\n"),
			    json_string_value(json_object_get(q, "name")),
			    json_string_value(json_object_get(q, "role")),
			    json_string_value(json_object_get(q, "key_id")),
			    json_string_value(json_object_get(q, "valid_until")));
		}
		json_decref(daemon);
		json_decref(cs.soon);
	}
	free(lockpath);
	free(sp);
	return running ? 0 : EXIT_NO;
}

/* Why ep cannot be a card's endpoint (where the other organizations dial
 * in), or NULL: tcp://HOST:PORT, HOST a name, an IPv4 address or an IPv6
 * address in brackets, not a wildcard (that is for --bind), PORT 1..65535. */
static const char *
endpoint_refusal(const char *ep, char *why, size_t n)
{
	if (strncmp(ep, "tcp://", 6) != 0) {
		snprintf(why, n, _("'%s' is not tcp://HOST:PORT"), ep);
		return why;
	}
	const char *h = ep + 6, *colon = strrchr(h, ':');
	if (!colon || colon == h) {
		snprintf(why, n, _("'%s' has no host or no port: tcp://HOST:PORT"), ep);
		return why;
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || port < 1 || port > 65535) {
		snprintf(why, n, _("'%s': the port is a number from 1 to 65535"), ep);
		return why;
	}
	size_t hl = (size_t)(colon - h);
	if ((hl == 1 && h[0] == '*') || (hl == 7 && strncmp(h, "0.0.0.0", 7) == 0) ||
	    (hl == 4 && strncmp(h, "[::]", 4) == 0)) {
		snprintf(why, n, _("'%s' is a wildcard: the card needs an address the other "
		    "organizations can reach (a wildcard goes in --bind)"), ep);
		return why;
	}
	for (size_t i = 0; i < hl; i++) {
		char ch = h[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '.' || ch == '-' || (h[0] == '[' && (ch == ':' || ch == '[' || ch == ']'));
		if (!ok) {
			snprintf(why, n, _("'%s': the host holds '%c' (a name, an IPv4 address, or an "
			    "IPv6 address in brackets)"), ep, ch);
			return why;
		}
	}
	if (h[0] == '[' && h[hl - 1] != ']') {
		snprintf(why, n, _("'%s': an IPv6 address goes in brackets"), ep);
		return why;
	}
	return NULL;
}

/* Sets key = value in DIR/cahierd.conf (the line replaced, or added),
 * through a temporary file renamed into place. */
static void
conf_set(const char *dir, const char *key, const char *value)
{
	char *path = path_in(dir, "cahierd.conf"), *tmp = path_in(dir, ".cahierd.conf.tmp");
	FILE *in = fopen(path, "r"), *out;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), done = 0;
	char line[4096];
	if (!in || fd < 0 || !(out = fdopen(fd, "w")))
		die(_("cannot rewrite %s: %s"), path, strerror(errno));
	size_t kl = strlen(key);
	while (fgets(line, sizeof(line), in)) {
		const char *q = line + strspn(line, " \t");
		if (strncmp(q, key, kl) == 0 && strchr(" \t=", q[kl])) {
			if (!done)
				fprintf(out, "%s = %s\n", key, value);
			done = 1;
		} else
			fputs(line, out);
	}
	if (!done)
		fprintf(out, "%s = %s\n", key, value);
	fclose(in);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0 || rename(tmp, path) != 0)
		die(_("cannot rewrite %s: %s"), path, strerror(errno));
	free(path);
	free(tmp);
}

/* A card as the administrator reads it: the name, then its endpoint and
 * fingerprint under labels of one width (in characters). */
static void
card_lines(FILE *f, const char *name, const char *endpoint, const char *fpr)
{
	const char *le = _("endpoint:"), *lf = _("fingerprint:");
	size_t col = 1 + (width(le) > width(lf) ? width(le) : width(lf));
	fprintf(f, "%s\n  ", name);
	put_padded(f, le, col);
	fprintf(f, "%s\n  ", endpoint);
	put_padded(f, lf, col);
	fprintf(f, "%s\n", fpr);
}

static void
print_card(const uint8_t *card, size_t n, FILE *f)
{
	keys_card_t c;
	char fpr[KEYS_FPR_LEN];
	if (keys_card_parse(card, n, &c) != 0)
		die(_("damaged card"));
	keys_fingerprint(c.org_id, fpr);
	card_lines(f, c.name, c.endpoint, fpr);
	keys_card_clear(&c);
}

static int
cmd_init(int argc, char **argv)
{
	opts_t o;
	config_t c;
	char err[512], *pass = NULL, *text = NULL, fpr[KEYS_FPR_LEN], comment[600];
	size_t plen = 0, cl = 0;
	uint8_t *card = NULL;
	char abspf[PATH_MAX];

	parse_opts(argc, argv, &o, "init", "dir name endpoint bind client-tcp sync-ms passphrase-file passphrase-fd");
	if (!o.name || !o.endpoint)
		die(_("init needs --name and --endpoint (see cahierd --help)"));
	char epwhy[600];
	if (endpoint_refusal(o.endpoint, epwhy, sizeof(epwhy)))
		die(_("--endpoint %s (nothing written)"), epwhy);
	if (mkdir(o.dir, 0700) != 0 && errno != EEXIST)
		die(_("cannot create %s: %s"), o.dir, strerror(errno));
	char *keyfile = path_in(o.dir, "org.key");
	if (access(keyfile, F_OK) == 0)
		die(_("%s exists: this directory holds an organization already"), keyfile);
	keys_secret_t *k = keys_secret_new(KEYS_KIND_ORG);
	if (!k)
		die(_("out of memory"));
	/* The card first, in memory: a name or an endpoint it refuses stops
	 * here, before any file is written. */
	int rc = keys_card_make(k, o.name, o.endpoint, (uint64_t)time(NULL), &card, &cl);
	if (rc)
		die(_("cannot make the card: %s (a name is 1 to %d bytes of text, no control "
		    "characters)"), ch_strerror(rc), KEYS_NAME_MAX);
	rc = keys_pass_read("New passphrase for the organization key: ",
	    o.pass_file, o.pass_fd, 1, &pass, &plen);
	char why[600];
	if (rc)
		die(_("cannot read the passphrase: %s"), keys_pass_why(rc, o.pass_file, why, sizeof(why)));
	const char *words1[] = { o.name, "cahier", "cahierd", NULL };
	weak_pass(&pass, words1);
	rc = keys_file_write(keyfile, k, pass, plen);
	keys_pass_free(&pass);
	if (rc)
		die(_("cannot write %s: %s"), keyfile, ch_strerror(rc));
	memset(&c, 0, sizeof(c));
	c.name = (char *)(uintptr_t)o.name;
	c.peer_endpoint = (char *)(uintptr_t)o.endpoint;
	c.peer_bind = (char *)(uintptr_t)(o.bind ? o.bind : o.endpoint);
	c.client_tcp = (char *)(uintptr_t)o.client_tcp;
	c.sync_interval_ms = o.sync_ms > 0 ? o.sync_ms : 1000;
	if (o.pass_file) {
		if (!realpath(o.pass_file, abspf))
			die(_("cannot resolve %s: %s"), o.pass_file, strerror(errno));
		c.passphrase_file = abspf;
	}
	if (config_write(o.dir, &c, err, sizeof(err)) != 0)
		die("%s", err);
	keys_fingerprint(k->sign_pk, fpr);
	snprintf(comment, sizeof(comment), "%s - fingerprint %s", o.name, fpr);
	char *cardfile = path_in(o.dir, "org.card");
	if ((rc = keys_armor("ORG CARD", comment, card, cl, &text)) != 0 ||
	    (rc = keys_write_new(cardfile, text, strlen(text), 0644)) != 0)
		die(_("cannot write %s: %s"), cardfile, ch_strerror(rc));
	store_t *s = open_store(o.dir);
	store_destroy(&s);
	printf(_("created organization %s in %s\n"), o.name, o.dir);
	{
		const char *lc = _("card:"), *lf = _("fingerprint:");
		size_t col = 1 + (width(lc) > width(lf) ? width(lc) : width(lf));
		fputs("  ", stdout);
		put_padded(stdout, lc, col);
		printf(_("%s (give it to the other organizations)\n"), cardfile);
		fputs("  ", stdout);
		put_padded(stdout, lf, col);
		printf(_("%s (read it to them by phone)\n"), fpr);
	}
	free(text);
	free(card);
	free(cardfile);
	free(keyfile);
	keys_secret_destroy(&k);
	return 0;
}

static uint8_t *
read_card_file(const char *path, size_t *n)
{
	char *text = NULL;
	size_t tl = 0;
	uint8_t *card = NULL;
	int rc = keys_slurp(path, &text, &tl);
	if (rc)
		die(_("cannot read %s: %s"), path, rc == CH_ERR_IO ? strerror(errno) : ch_strerror(rc));
	rc = keys_dearmor("ORG CARD", text, tl, &card, n);
	free(text);
	if (rc)
		die(_("%s is not an org card: %s"), path, ch_strerror(rc));
	return card;
}

/* Records what in the journal when DIR holds a store. */
static void
journal_if_store(const char *dir, uint8_t action, const char *what)
{
	if (!exists(dir, "org/data.mdb"))
		return;
	store_t *s = open_store(dir);
	int rc;
	if ((rc = journal(s, action, what)) != 0 || (rc = store_commit(s)) != 0)
		die(_("cannot record it in the journal: %s"), store_strerror(rc));
	store_destroy(&s);
}

/* cahierd key export | import -d DIR: the org key as a paper recovery key
 * (KEYS-FORMAT.md, "Recovery key"), and back. */
static int
cmd_key(int argc, char **argv)
{
	opts_t o;
	config_t cfg;
	char err[512], fpr[KEYS_FPR_LEN], text[KEYS_RECOVERY_TEXT];

	parse_opts(argc, argv, &o, "key", "dir passphrase-file passphrase-fd");
	if (optind != argc - 1)
		die(_("key needs export or import (see cahierd --help)"));
	const char *sub = argv[optind];
	if (strcmp(sub, "export") == 0) {
		const char *pf = NULL;
		if (config_load(o.dir, &cfg, err, sizeof(err)) == 0)
			pf = cfg.passphrase_file;
		keys_secret_t *k = unlock_org(&o, pf);
		keys_fingerprint(k->sign_pk, fpr);
		keys_recovery_encode(k->seed, text);
		keys_secret_destroy(&k);
		journal_if_store(o.dir, STORE_J_KEY_EXPORT,
		    "the org key printed as a recovery key (cahierd key export)");
		/* The printout's words are skipped by key import, whatever
		 * their language: only the lines of digits are read. */
		printf(_("cahier organization recovery key\n"
		    "organization fingerprint %s\n\n%s\n\n"
		    "Whoever holds these digits holds the organization's key: keep them on\n"
		    "paper, in a safe, never in a file or a mail. 'cahierd key import'\n"
		    "makes org.key again from them.\n"), fpr, text);
		sodium_memzero(text, sizeof(text));
		if (pf)
			config_clear(&cfg);
		return 0;
	}
	if (strcmp(sub, "import") != 0)
		die(_("unknown key command '%s' (export, import)"), sub);
	char *keyfile = path_in(o.dir, "org.key"), *in, *pass = NULL;
	if (access(keyfile, F_OK) == 0)
		die(_("%s exists: import makes a new org.key in a directory that has none"), keyfile);
	if (mkdir(o.dir, 0700) != 0 && errno != EEXIST)
		die(_("cannot create %s: %s"), o.dir, strerror(errno));
	if (isatty(0))
		fputs(_("Type the recovery key (18 groups of 6 digits), then an empty line:\n"),
		    stderr);
	if (!(in = sodium_malloc(4096)))
		die(_("out of memory"));
	size_t n = 0;
	char line[512];
	while (fgets(line, sizeof(line), stdin)) {
		size_t l = strlen(line);
		if (isatty(0) && (l == 0 || line[0] == '\n'))
			break;
		/* the printout's words (and its fingerprint line) are not the key */
		int words = 0;
		for (size_t i = 0; i < l; i++)
			words |= (line[i] >= 'a' && line[i] <= 'z') || (line[i] >= 'A' && line[i] <= 'Z');
		if (words)
			continue;
		if (n + l >= 4096)
			die(_("the recovery key is 18 groups of 6 digits: this is far longer"));
		memcpy(in + n, line, l);
		n += l;
	}
	sodium_memzero(line, sizeof(line));
	in[n] = '\0';
	uint8_t seed[KEYS_SEED_LEN];
	int g, rc = keys_recovery_decode(in, seed, &g);
	sodium_free(in);
	if (rc == KEYS_RECOVERY_CHAR)
		die(_("the recovery key holds only digits (spaces, dashes and line breaks are ignored)"));
	if (rc == KEYS_RECOVERY_LENGTH)
		die(_("the recovery key is 18 groups of 6 digits (108 digits): count them again"));
	if (rc == KEYS_RECOVERY_GROUP)
		die(_("group %d of the recovery key is mistyped (its last digit checks the other "
		    "five): look at it again"), g);
	if (rc)
		die(_("every group reads, but the whole does not match its checksum: a group "
		    "may come from another key, or two groups may be swapped"));
	keys_secret_t *k = keys_secret_from_seed(KEYS_KIND_ORG, seed);
	sodium_memzero(seed, sizeof(seed));
	if (!k)
		die(_("out of memory"));
	keys_fingerprint(k->sign_pk, fpr);
	char *cardfile = path_in(o.dir, "org.card");
	if (access(cardfile, F_OK) == 0) {
		size_t cl = 0;
		uint8_t *card = read_card_file(cardfile, &cl);
		keys_card_t c;
		if (keys_card_parse(card, cl, &c) != 0)
			die(_("%s is damaged"), cardfile);
		if (memcmp(c.org_id, k->sign_pk, 32) != 0) {
			char want[KEYS_FPR_LEN];
			keys_fingerprint(c.org_id, want);
			die(_("this recovery key is another organization's (fingerprint %s), not the "
			    "key of %s in %s (fingerprint %s)"), fpr, c.name, cardfile, want);
		}
		keys_card_clear(&c);
		free(card);
	}
	free(cardfile);
	size_t plen = 0;
	rc = keys_pass_read("New passphrase for the organization key: ", o.pass_file, o.pass_fd,
	    1, &pass, &plen);
	char why[600];
	if (rc)
		die(_("cannot read the passphrase: %s"), keys_pass_why(rc, o.pass_file, why, sizeof(why)));
	const char *words2[] = { "cahier", "cahierd", NULL };
	weak_pass(&pass, words2);
	rc = keys_file_write(keyfile, k, pass, plen);
	keys_pass_free(&pass);
	keys_secret_destroy(&k);
	if (rc)
		die(_("cannot write %s: %s"), keyfile, rc == CH_ERR_IO ? strerror(errno) : ch_strerror(rc));
	journal_if_store(o.dir, STORE_J_KEY_IMPORT,
	    "org.key made again from the recovery key (cahierd key import)");
	printf(_("wrote %s: the organization with fingerprint %s\n"), keyfile, fpr);
	free(keyfile);
	return 0;
}

static int
cmd_card(int argc, char **argv)
{
	opts_t o;
	char *text = NULL, *path;
	size_t tl = 0, n = 0;
	parse_opts(argc, argv, &o, "card", "dir endpoint passphrase-file passphrase-fd");
	path = path_in(o.dir, "org.card");
	if (keys_slurp(path, &text, &tl) != 0)
		die(_("cannot read %s (run 'cahierd init' first)"), path);
	uint8_t *card = read_card_file(path, &n);
	if (o.endpoint) {
		/* A new endpoint: the card signed again by the same key, issued
		 * now; the peers take it over the old one (peer add). */
		char why[600], comment[700], fpr[KEYS_FPR_LEN];
		keys_card_t old;
		config_t cfg;
		if (endpoint_refusal(o.endpoint, why, sizeof(why)))
			die(_("--endpoint %s (nothing changed)"), why);
		if (keys_card_parse(card, n, &old) != 0)
			die(_("%s is damaged"), path);
		memset(&cfg, 0, sizeof(cfg));
		int loaded = config_load(o.dir, &cfg, why, sizeof(why)) == 0;
		const char *pf = loaded ? cfg.passphrase_file : NULL;
		keys_secret_t *k = unlock_org(&o, pf);
		if (memcmp(k->sign_pk, old.org_id, 32) != 0)
			die(_("%s does not belong to org.key"), path);
		uint8_t *nc = NULL;
		size_t ncl = 0;
		uint64_t issued = (uint64_t)time(NULL);
		if (issued <= old.issued)
			issued = old.issued + 1;
		int rc = keys_card_make(k, old.name, o.endpoint, issued, &nc, &ncl);
		keys_secret_destroy(&k);
		if (rc)
			die(_("cannot make the card: %s"), ch_strerror(rc));
		keys_fingerprint(old.org_id, fpr);
		snprintf(comment, sizeof(comment), "%s - fingerprint %s", old.name, fpr);
		char *armored = NULL, *tmp = path_in(o.dir, ".org.card.tmp");
		unlink(tmp);
		if ((rc = keys_armor("ORG CARD", comment, nc, ncl, &armored)) != 0 ||
		    (rc = keys_write_new(tmp, armored, strlen(armored), 0644)) != 0 ||
		    rename(tmp, path) != 0)
			die(_("cannot write %s: %s"), path, rc ? ch_strerror(rc) : strerror(errno));
		if (loaded) {
			if (cfg.peer_bind && strcmp(cfg.peer_bind, cfg.peer_endpoint) == 0)
				conf_set(o.dir, "peer_bind", o.endpoint);
			config_clear(&cfg);
		}
		conf_set(o.dir, "peer_endpoint", o.endpoint);
		char what[STORE_JOURNAL_TEXT_MAX];
		snprintf(what, sizeof(what), "card signed again: endpoint %.200s (was %.200s)",
		    o.endpoint, old.endpoint);
		journal_if_store(o.dir, STORE_J_CARD, what);
		printf(_("org.card signed again with endpoint %s (was %s), fingerprint %s unchanged.\n"
		    "Restart the daemon to listen there, and give the new org.card to every partner\n"
		    "organization: there 'cahierd peer add -d DIR org.card' takes it in place of the\n"
		    "old one (the same key: no fingerprint to check again).\n"),
		    o.endpoint, old.endpoint, fpr);
		keys_card_clear(&old);
		free(armored);
		free(tmp);
		free(nc);
		free(card);
		free(text);
		free(path);
		return 0;
	}
	fputs(text, stdout);
	print_card(card, n, stderr);
	free(card);
	free(text);
	free(path);
	return 0;
}

static int
digits_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a && (*a < '0' || *a > '9'))
			a++;
		while (*b && (*b < '0' || *b > '9'))
			b++;
		if (*a != *b)
			return 0;
		if (!*a)
			return 1;
		a++;
		b++;
	}
}

static int
print_peer(void *arg, const uint8_t k[32], const uint8_t *v, size_t vlen)
{
	(void)arg; (void)k;
	print_card(v, vlen, stdout);
	return 0;
}

static int
cmd_peer(int argc, char **argv)
{
	opts_t o;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		usage_of("peer", argc < 2 ? EXIT_ERR : 0);
	const char *sub = argv[1];
	parse_opts(argc - 1, argv + 1, &o, "peer", "dir fingerprint yes");
	store_t *s = open_store(o.dir);
	if (strcmp(sub, "add") == 0) {
		if (optind + 1 != argc - 1)
			die(_("peer add needs one card file"));
		const char *file = argv[optind + 1];
		size_t n = 0;
		uint8_t *card = read_card_file(file, &n);
		keys_card_t c;
		char fpr[KEYS_FPR_LEN], mine[KEYS_FPR_LEN];
		int rc = keys_card_parse(card, n, &c);
		if (rc)
			die(_("%s does not verify: %s"), file, ch_strerror(rc));
		keys_fingerprint(c.org_id, fpr);
		/* Our own card is not a peer. */
		char *own = path_in(o.dir, "org.card");
		size_t on = 0;
		uint8_t *oc = read_card_file(own, &on);
		keys_card_t occ;
		if (keys_card_parse(oc, on, &occ) == 0) {
			keys_fingerprint(occ.org_id, mine);
			if (memcmp(occ.org_id, c.org_id, 32) == 0)
				die(_("%s is this organization's own card"), file);
			keys_card_clear(&occ);
		}
		free(oc);
		free(own);
		/* A peer already: a card signed again by the same key (a new
		 * endpoint, cahierd card --endpoint) takes the old one's place,
		 * with no fingerprint to check again; an older or the same card
		 * changes nothing. */
		uint8_t *had = NULL;
		size_t hl = 0;
		if (store_peer_get(s, c.org_id, &had, &hl) == 0) {
			keys_card_t hc;
			if (keys_card_parse(had, hl, &hc) != 0)
				die(_("the card held for this organization does not verify"));
			free(had);
			if (c.issued <= hc.issued) {
				fputs("cahierd: ", stderr);
				fprintf(stderr, _("%s is a peer already, with this card or a newer "
				    "one: nothing changed\n"), c.name);
				keys_card_clear(&hc);
				keys_card_clear(&c);
				free(card);
				store_destroy(&s);
				return EXIT_NO;
			}
			char what[STORE_JOURNAL_TEXT_MAX];
			snprintf(what, sizeof(what), "peer card updated: %.200s, endpoint %.120s (was %.120s)",
			    c.name, c.endpoint, hc.endpoint);
			if ((rc = store_peer_put(s, c.org_id, card, n)) != 0 ||
			    (rc = journal(s, STORE_J_PEER_CARD, what)) != 0)
				die(_("cannot store the card: %s"), store_strerror(rc));
			bump_gen_commit(s);
			printf(_("updated peer %s: endpoint %s (was %s); the same key, fingerprint %s\n"),
			    c.name, c.endpoint, hc.endpoint, fpr);
			keys_card_clear(&hc);
			keys_card_clear(&c);
			free(card);
			store_destroy(&s);
			return 0;
		}
		if (o.fingerprint) {
			/* The card's own fingerprint is not shown: copying it from
			 * here would defeat the check by phone. */
			size_t nd = strspn(o.fingerprint, "0123456789 ");
			size_t digits = 0;
			for (const char *q = o.fingerprint; *q; q++)
				digits += *q >= '0' && *q <= '9';
			if (nd != strlen(o.fingerprint))
				die(_("a fingerprint is six groups of five digits, separated by spaces; "
				    "'%s' holds other characters"), o.fingerprint);
			if (digits != 30)
				die(_("a fingerprint is six groups of five digits (30 digits), you gave %zu: "
				    "ask %s's administrator to read it out again"), digits, c.name);
			if (!digits_equal(o.fingerprint, fpr))
				die(_("fingerprint mismatch for %s: this card is not the one whose "
				    "fingerprint you were given; do not trust it (not added)"), c.name);
		} else if (!o.yes) {
			char line[16];
			card_lines(stderr, c.name, c.endpoint, fpr);
			/* TRANSLATORS: the answer stays "yes", in every language */
			fprintf(stderr, _("Have you checked this fingerprint with %s by phone? [yes/no] "),
			    c.name);
			if (!isatty(0) || !fgets(line, sizeof(line), stdin) ||
			    strncmp(line, "yes", 3) != 0)
				die(_("not added: check the fingerprint, then use --fingerprint \"DIGITS\""));
		}
		char what[STORE_JOURNAL_TEXT_MAX];
		snprintf(what, sizeof(what), "peer added: %s, fingerprint %s, endpoint %s",
		    c.name, fpr, c.endpoint);
		if ((rc = store_peer_put(s, c.org_id, card, n)) != 0 ||
		    (rc = journal(s, STORE_J_PEER_ADD, what)) != 0)
			die(_("cannot store the card: %s"), store_strerror(rc));
		bump_gen_commit(s);
		printf(_("added peer %s (%s)\n"), c.name, fpr);
		keys_card_clear(&c);
		free(card);
	} else if (strcmp(sub, "list") == 0) {
		int rc = store_peers_each(s, print_peer, NULL);
		if (rc)
			die(_("cannot list the peers: %s"), store_strerror(rc));
	} else
		die(_("unknown peer command '%s' (add, list)"), sub);
	store_destroy(&s);
	return 0;
}

static int
print_prov(void *arg, const uint8_t k[32], const uint8_t *v, size_t vlen)
{
	keys_cert_t c;
	char until[32], kid[17];
	(void)arg; (void)k;
	if (keys_cert_parse(v, vlen, &c) != 0)
		return 0;
	time_t t = (time_t)c.valid_until;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(until, sizeof(until), "%Y-%m-%d", &tm);
	keys_keyid(c.provider, kid);
	/* not translated: one provider a line, tab-separated, for scripts */
	printf("%s\t%s\tkey %s\tvalid until %s\n", c.name, c.role, kid, until);
	keys_cert_clear(&c);
	return 0;
}

typedef struct {
	const char *prefix;
	int found;
	uint8_t provider[32];
	char name[400];
} revoke_t;

/* "name (role), key KEYID" of a stored certificate, or "key KEYID" if it
 * does not parse. */
static void
describe_cert(const uint8_t provider[32], const uint8_t *cert, size_t n, char *out,
    size_t outlen)
{
	keys_cert_t c;
	char kid[17];
	keys_keyid(provider, kid);
	if (keys_cert_parse(cert, n, &c) == 0) {
		snprintf(out, outlen, "%s (%s), key %s", c.name, c.role, kid);
		keys_cert_clear(&c);
	} else
		snprintf(out, outlen, "key %s", kid);
}

static int
find_prov(void *arg, const uint8_t k[32], const uint8_t *v, size_t vlen)
{
	revoke_t *rv = arg;
	char kid[17];
	keys_keyid(k, kid);
	if (strncmp(kid, rv->prefix, strlen(rv->prefix)) != 0)
		return 0;
	rv->found++;
	memcpy(rv->provider, k, 32);
	describe_cert(k, v, vlen, rv->name, sizeof(rv->name));
	return 0;
}

/* Stops the walk (1) at the revocation of the provider key in arg. */
static int
find_revoked(void *arg, const uint8_t provider[32], uint64_t when)
{
	(void)when;
	return memcmp(provider, arg, 32) == 0;
}

/* The certificate the store holds for one provider key, if any. */
typedef struct {
	const uint8_t *provider;
	int found;
	char who[400];
} certified_t;

static int
find_cert(void *arg, const uint8_t k[32], const uint8_t *v, size_t vlen)
{
	certified_t *cf = arg;
	if (memcmp(k, cf->provider, 32) != 0)
		return 0;
	cf->found = 1;
	describe_cert(k, v, vlen, cf->who, sizeof(cf->who));
	return 0;
}

/* cahierd provider add. Everything that can be checked is checked before
 * anything is written (the role, the output file, the request, an earlier
 * certificate, the passphrase); then the certificate goes out first (-o,
 * created with O_EXCL, or stdout) and only then into the store, so that a
 * failure leaves the store as it was: a file written for a store that
 * refused it is removed. */
static int
provider_add(const opts_t *o)
{
	config_t cfg;
	char err[512], *text = NULL, comment[400];
	size_t tl = 0, rl = 0, cl = 0;
	uint8_t *req = NULL, *cert = NULL, prov[32], curve[32];
	struct stat st;
	int rc;

	if (!o->request || !o->name || !o->role)
		die(_("provider add needs --request FILE --name NAME --role ROLE"));
	/* A role outside the vocabulary would fall outside every audience. */
	if (!ch_role_known(o->role))
		die(_("unknown role '%s' (known roles: %s)"), o->role, ch_roles_text());
	if (o->days <= 0 || o->days > 3650)
		die(_("--days must be between 1 and 3650"));
	if (o->out && lstat(o->out, &st) == 0)
		die(_("%s exists: give -o a new file (nothing certified)"), o->out);
	if (config_load(o->dir, &cfg, err, sizeof(err)) != 0)
		die("%s", err);
	if ((rc = keys_slurp(o->request, &text, &tl)) != 0)
		die(_("cannot read %s: %s"), o->request, ch_strerror(rc));
	if ((rc = keys_dearmor("PROVIDER REQUEST", text, tl, &req, &rl)) != 0 ||
	    (rc = keys_request_parse(req, rl, prov, curve)) != 0)
		die(_("%s is not a valid provider request: %s"), o->request, ch_strerror(rc));
	free(text);
	text = NULL;
	store_t *s = open_store(o->dir);
	certified_t cf;
	memset(&cf, 0, sizeof(cf));
	cf.provider = prov;
	if ((rc = store_providers_each(s, find_cert, &cf)) != 0)
		die(_("cannot read the providers: %s"), store_strerror(rc));
	if (cf.found && !o->replace)
		die(_("%s is already certified: give --replace to issue a new certificate in "
		    "its place (nothing changed)"), cf.who);
	int revoked = 0;
	if ((rc = store_revocations_each(s, find_revoked, prov)) < 0)
		die(_("cannot read the revoked providers: %s"), store_strerror(rc));
	revoked = rc == 1;
	if (revoked)
		die(_("that key was revoked (a lost or stolen device): the provider makes a new "
		    "key with 'cahier init', and that one is certified (nothing changed)"));
	keys_secret_t *k = unlock_org(o, cfg.passphrase_file);
	uint64_t now = (uint64_t)time(NULL);
	if ((rc = keys_cert_make(k, prov, curve, o->name, o->role, now - 60,
	    now + (uint64_t)o->days * 86400, &cert, &cl)) != 0)
		die(_("cannot certify: %s (a name is 1 to %d bytes of text, no control "
		    "characters)"), ch_strerror(rc), KEYS_NAME_MAX);
	keys_secret_destroy(&k);
	snprintf(comment, sizeof(comment), "%s (%s) at %s", o->name, o->role, cfg.name);
	if ((rc = keys_armor("PROVIDER CERT", comment, cert, cl, &text)) != 0)
		die(_("cannot encode the certificate: %s"), ch_strerror(rc));

	/* The certificate out first, then the store. */
	if (o->out) {
		if ((rc = keys_write_new(o->out, text, strlen(text), 0644)) != 0)
			die(_("cannot write %s: %s (nothing certified)"), o->out, ch_strerror(rc));
	} else if (fputs(text, stdout) == EOF || fflush(stdout) != 0)
		die(_("cannot write the certificate: %s (nothing certified)"), strerror(errno));
	char what[STORE_JOURNAL_TEXT_MAX], kid[17];
	keys_keyid(prov, kid);
	snprintf(what, sizeof(what), "provider %s: %s (%s), key %s, for %d days",
	    cf.found ? "re-certified" : "certified", o->name, o->role, kid, o->days);
	if ((rc = store_provider_put(s, prov, cert, cl)) != 0 ||
	    (rc = journal(s, cf.found ? STORE_J_PROVIDER_REPLACE : STORE_J_PROVIDER_ADD, what)) != 0 ||
	    (rc = store_gen_bump(s)) != 0 || (rc = store_commit(s)) != 0) {
		if (o->out)
			unlink(o->out);
		die(_("cannot store the certificate: %s (%s)"), store_strerror(rc),
		    o->out ? _("the certificate file is removed") :
		    _("discard the certificate printed above: it is not valid"));
	}
	store_destroy(&s);
	if (o->out && cf.found)
		fprintf(stderr, _("re-certified %s (%s); certificate in %s\n"), o->name, o->role,
		    o->out);
	else if (o->out)
		fprintf(stderr, _("certified %s (%s); certificate in %s\n"), o->name, o->role,
		    o->out);
	else if (cf.found)
		fprintf(stderr, _("re-certified %s (%s): the new certificate replaces the old one\n"),
		    o->name, o->role);
	free(text);
	free(cert);
	free(req);
	config_clear(&cfg);
	return 0;
}

static int
cmd_provider(int argc, char **argv)
{
	opts_t o;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		usage_of("provider", argc < 2 ? EXIT_ERR : 0);
	const char *sub = argv[1];
	parse_opts(argc - 1, argv + 1, &o, "provider",
	    "dir request name role days out replace passphrase-file passphrase-fd yes");
	if (strcmp(sub, "list") == 0) {
		store_t *s = open_store(o.dir);
		int rc = store_providers_each(s, print_prov, NULL);
		store_destroy(&s);
		if (rc)
			die(_("cannot list the providers: %s"), store_strerror(rc));
		return 0;
	}
	if (strcmp(sub, "revoke") == 0) {
		if (optind + 1 != argc - 1)
			die(_("provider revoke needs the provider's key id (see cahierd provider list)"));
		const char *kid = argv[optind + 1];
		if (strlen(kid) < 8)
			die(_("give at least 8 hex digits of the key id"));
		store_t *s = open_store(o.dir);
		revoke_t rv;
		memset(&rv, 0, sizeof(rv));
		rv.prefix = kid;
		int rc = store_providers_each(s, find_prov, &rv);
		if (rc)
			die(_("cannot read the providers: %s"), store_strerror(rc));
		if (rv.found == 0)
			die(_("no certified provider with key id %s"), kid);
		if (rv.found > 1)
			die(_("key id %s is ambiguous: give more digits"), kid);
		if (!o.yes) {
			char line[16];
			if (!isatty(0))
				die(_("revoking %s cannot be undone: give --yes to do it"), rv.name);
			/* TRANSLATORS: the answer stays "yes", in every language */
			fprintf(stderr, _("Revoke %s? The key is refused at once, in every case, and "
			    "cannot be certified again. [yes/no] "), rv.name);
			if (!fgets(line, sizeof(line), stdin) || strncmp(line, "yes", 3) != 0)
				die(_("not revoked"));
		}
		char what[STORE_JOURNAL_TEXT_MAX];
		snprintf(what, sizeof(what), "provider revoked: %s", rv.name);
		if ((rc = store_provider_del(s, rv.provider)) != 0 ||
		    (rc = store_revocation_put(s, rv.provider, (uint64_t)time(NULL))) != 0 ||
		    (rc = journal(s, STORE_J_PROVIDER_REVOKE, what)) != 0)
			die(_("cannot update the store: %s"), store_strerror(rc));
		bump_gen_commit(s);
		store_destroy(&s);
		printf(_("revoked %s: the daemon refuses the key at once and announces it in every "
		    "case; nothing it signs from now on counts\n"), rv.name);
		return 0;
	}
	if (strcmp(sub, "add") != 0)
		die(_("unknown provider command '%s' (add, list, revoke)"), sub);
	return provider_add(&o);
}

static int
cmd_run(int argc, char **argv)
{
	opts_t o;
	config_t cfg;
	cahierd_t *d;
	keys_secret_t *keys;
	uint8_t *card;
	size_t cardlen = 0;
	char err[512], *lockpath;
	struct rlimit rl = { 0, 0 };
	int lockfd, rc;

	parse_opts(argc, argv, &o, "run", "dir passphrase-file passphrase-fd verbose");
	if (config_load(o.dir, &cfg, err, sizeof(err)) != 0)
		die("%s", err);
	log_init("cahierd", o.verbose ? LOG_LVL_DEBUG : cfg.log_level);
#ifdef __GLIBC__
	/* Each open case environment holds about 3 MiB of LMDB's write lists
	 * (its dirty-page and free-page lists), allocated when it is opened
	 * and freed when the bounded cache closes it. glibc raises its mmap
	 * threshold past such a block once one is freed, and then serves the
	 * next from the heap, cleared byte by byte (so resident at once) and
	 * not given back when freed: 64 open cases held about 200 MiB. A fixed
	 * threshold keeps every such block mapped on its own: only the pages
	 * a write touches become resident, and closing gives them back. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
	/* Secrets must not reach a core file or a debugger. */
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0);
	lockpath = path_in(o.dir, "cahierd.lock");
	lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd < 0)
		die(_("cannot open %s: %s"), lockpath, strerror(errno));
	if (flock(lockfd, LOCK_EX | LOCK_NB) != 0)
		die(_("another cahierd is already running on %s"), o.dir);
	free(lockpath);
	keys = unlock_org(&o, cfg.passphrase_file);
	char *cardfile = path_in(o.dir, "org.card");
	card = read_card_file(cardfile, &cardlen);
	free(cardfile);
	keys_card_t mine;
	if (keys_card_parse(card, cardlen, &mine) != 0 ||
	    memcmp(mine.org_id, keys->sign_pk, 32) != 0)
		die(_("org.card in %s does not belong to org.key"), o.dir);
	keys_card_clear(&mine);
	if ((rc = cahierd_new(o.dir, &cfg, &keys, &card, cardlen, &d)) != 0)
		die(_("cannot open the store in %s: %s"), o.dir, derr_str(rc));
	rc = server_run(d);
	cahierd_destroy(&d);
	close(lockfd);
	return rc ? EXIT_ERR : 0;
}

int
main(int argc, char **argv)
{
	static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
		{ "init", cmd_init }, { "card", cmd_card }, { "peer", cmd_peer },
		{ "provider", cmd_provider }, { "run", cmd_run }, { "journal", cmd_journal },
		{ "backup", cmd_backup }, { "restore", cmd_restore }, { "key", cmd_key },
		{ "status", cmd_status },
	};
	/* The administrator's language: the messages, and the log's lines,
	 * follow the locale (a service sets it with Environment=). */
	i18n_bind();
	if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0))
		return printf("cahierd %s\n", CAHIER_VERSION) < 0 || fflush(stdout) != 0 ?
		    EXIT_ERR : 0;
	if (sodium_init() < 0)
		die(_("libsodium failed to start"));
	if (argc < 2)
		usage(EXIT_ERR);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		usage(0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fputs("cahierd: ", stderr);
	fprintf(stderr, _("unknown command '%s' (see cahierd --help)\n"), argv[1]);
	return EXIT_ERR;
}
