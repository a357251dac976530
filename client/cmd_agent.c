/* cmd_agent.c - cahier unlock (the agent: this binary, forked into the
 * background with the unlocked key) and cahier lock. See agent.h and
 * docs/ARCHITECTURE.md, "The client agent". */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sodium.h>

#include "agent.h"

static int
wants_help(int argc, char **argv, const char *const *help)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_help(stdout, help);
			return 1;
		}
	return 0;
}

/* No core file, no ptrace by other processes of the user, no /proc/PID/mem:
 * set before the key is in memory. */
static void
no_dumps(void)
{
	struct rlimit rl = { 0, 0 };
	if (setrlimit(RLIMIT_CORE, &rl) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		cli_die(EXIT_ERR, _("cannot disable core dumps: %s"), strerror(errno));
}

static int64_t
boot_ms(void)
{
	struct timespec ts;
	/* CLOCK_BOOTTIME counts a suspended laptop's sleep: "8h" is 8 hours
	 * of the provider's day, not 8 hours of the machine being awake. */
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

/* Removes the socket at path if it is still the one we bound. */
static void
remove_socket(const char *path, dev_t dev, ino_t ino)
{
	struct stat sb;
	if (lstat(path, &sb) == 0 && sb.st_dev == dev && sb.st_ino == ino)
		(void)unlink(path);
}

/* The agent: serves lfd until the time runs out, a LOCK, or SIGTERM, SIGINT
 * or SIGHUP; every way out removes the socket and wipes the key. */
static void __attribute__((noreturn))
agent_run(int lfd, const char *sock, dev_t dev, ino_t ino, keys_secret_t *inherited,
    unsigned secs, uint64_t until)
{
	struct sigaction sa;
	sigset_t block, during;
	int64_t deadline = boot_ms() + (int64_t)secs * 1000;

	(void)setsid();
	if (chdir("/") != 0) {
		/* nothing: no path is relative from here on */
	}
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
	}
	/* Nothing inherited stays open (a test's port lock, a pipe someone
	 * waits on to end), but our socket. */
	if ((lfd > 3 && close_range(3, (unsigned)lfd - 1, 0) != 0) ||
	    close_range((unsigned)lfd + 1, ~0u, 0) != 0) {
		long maxfd = sysconf(_SC_OPEN_MAX);
		if (maxfd < 0 || maxfd > 65536)
			maxfd = 65536;
		for (int fd = 3; fd < maxfd; fd++)
			if (fd != lfd)
				(void)close(fd);
	}

	/* Memory locks do not survive fork(): a fresh sodium_malloc'd (hence
	 * mlock'ed) copy, and the inherited one wiped. */
	keys_secret_t *k = keys_secret_from_seed(KEYS_KIND_PROVIDER, inherited->seed);
	keys_secret_destroy(&inherited);
	uint8_t *buf = sodium_malloc(AGENT_REP_LEN);
	agent_rep_t *r = sodium_malloc(sizeof(*r));
	if (!k || !buf || !r)
		goto out;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* The signals arrive only inside ppoll: none is lost between the
	 * check of got_signal and the wait. */
	/* (cmd_unlock blocked them before the fork: one sent before these
	 * handlers were in place waits for ppoll too.) */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &during);
	sigdelset(&during, SIGTERM);
	sigdelset(&during, SIGINT);
	sigdelset(&during, SIGHUP);

	while (!got_signal) {
		int64_t left = deadline - boot_ms();
		if (left <= 0)
			break;
		struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000 };
		struct pollfd pf = { lfd, POLLIN, 0 };
		int n = ppoll(&pf, 1, &ts, &during);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (cfd < 0)
			continue;
		struct ucred cred;
		socklen_t cl = sizeof(cred);
		uint8_t req[AGENT_REQ_LEN], op = 0;
		/* One exchange, bounded: a slow or silent client is dropped
		 * after AGENT_IO_MS. */
		if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 ||
		    cred.uid != getuid() ||
		    agent_io(cfd, req, sizeof(req), 0, AGENT_IO_MS) != 0 ||
		    agent_req_decode(req, sizeof(req), &op) != 0) {
			close(cfd);
			continue;
		}
		memset(r, 0, sizeof(*r));
		r->op = op;
		r->status = AGENT_ST_OK;
		r->until = until;
		r->pid = (uint32_t)getpid();
		if (op == AGENT_OP_KEYS) {
			memcpy(r->sign_sk, k->sign_sk, 64);
			memcpy(r->curve_pk, k->curve_pk, 32);
			memcpy(r->curve_sk, k->curve_sk, 32);
		} else if (op == AGENT_OP_LOCK) {
			/* Wiped before the answer: once 'cahier lock' returns,
			 * the key is gone. */
			remove_socket(sock, dev, ino);
			keys_secret_destroy(&k);
		}
		agent_rep_encode(r, buf);
		(void)agent_io(cfd, buf, AGENT_REP_LEN, 1, AGENT_IO_MS);
		sodium_memzero(buf, AGENT_REP_LEN);
		sodium_memzero(r, sizeof(*r));
		close(cfd);
		if (op == AGENT_OP_LOCK)
			break;
	}
out:
	remove_socket(sock, dev, ino);
	close(lfd);
	keys_secret_destroy(&k);
	if (buf)
		sodium_free(buf);
	if (r)
		sodium_free(r);
	_exit(0);
}

/* what: 0 unlocked now, 1 unlocked already. */
static void
print_until(int already, const agent_rep_t *r)
{
	char when[32];
	cli_time(r->until * 1000, when);
	printf(already ? _("already unlocked until %s (agent pid %u; 'cahier lock' ends it)\n") :
	    _("unlocked until %s (agent pid %u; 'cahier lock' ends it)\n"), when, r->pid);
}

int
cmd_unlock(cli_t *c, int argc, char **argv)
{
	unsigned secs = AGENT_DEFAULT_SECS;
	agent_rep_t st;
	struct stat sb;
	char *pass = NULL;
	size_t plen = 0;
	keys_secret_t *k = NULL;
	int rc;

	static const char *const help[] = {
		N_("usage: cahier unlock [--for DURATION]\n"),
		N_("Asks your passphrase once and keeps your key unlocked for a working\n"
		    "session (DURATION: 8h unless given, at most 24h; e.g. 30m, 8h, 1h30m)\n"
		    "in an agent, a background cahier process that hands it to your own\n"
		    "commands over $CAHIER_HOME/agent.sock. Until then, or 'cahier lock',\n"
		    "no command asks for the passphrase. The agent wipes the key and ends\n"
		    "when its time runs out, on 'cahier lock', or on SIGTERM, SIGINT, SIGHUP.\n"),
		NULL
	};
	if (wants_help(argc, argv, help))
		return 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--for") == 0 && i + 1 < argc) {
			if (agent_parse_duration(argv[++i], &secs) != 0)
				cli_die(EXIT_ERR, _("bad duration '%s': give e.g. 30m, 8h or 1h30m, "
				    "at most 24h"), argv[i]);
		} else
			cli_die(EXIT_ERR, _("unexpected '%s' (see cahier unlock --help)"), argv[i]);
	}
	char *sock = agent_sock_path(c->home);
	if (!sock)
		cli_die(EXIT_ERR, _("the path of %s is too long for the agent's socket: "
		    "use a shorter --home"), c->home);
	if (agent_ask(c->home, AGENT_OP_STATUS, &st) == 0) {
		print_until(1, &st);
		free(sock);
		return 0;
	}
	/* The socket is 0600 and the agent checks its callers' uid; the
	 * directory must be ours alone too, or another user could put a
	 * socket of theirs in its place. */
	if (stat(c->home, &sb) != 0)
		cli_die(EXIT_ERR, _("cannot use %s: %s (run 'cahier init' first)"), c->home,
		    strerror(errno));
	if (sb.st_uid != getuid() || (sb.st_mode & 077))
		cli_die(EXIT_ERR, _("%s must be yours and closed to others for the agent "
		    "(chmod 700 %s)"), c->home, c->home);
	if (lstat(sock, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			cli_die(EXIT_ERR, _("%s exists and is not a socket: remove it"), sock);
		(void)unlink(sock); /* an agent that ended without cleaning up */
	}

	no_dumps();
	char *path = cli_path(c, "provider.key");
	rc = keys_pass_read(_("Passphrase of your key: "), c->pass_file, c->pass_fd, 0,
	    &pass, &plen);
	char why[600];
	if (rc)
		cli_die(EXIT_ERR, _("cannot read the passphrase: %s"),
		    keys_pass_why(rc, c->pass_file, why, sizeof(why)));
	rc = keys_file_read(path, KEYS_KIND_PROVIDER, pass, plen, &k);
	keys_pass_free(&pass);
	if (rc == CH_ERR_PASS)
		cli_die(EXIT_ERR, _("wrong passphrase for %s"), path);
	if (rc)
		cli_die(EXIT_ERR, _("cannot open %s: %s"), path, ch_strerror(rc));
	free(path);

	/* Bound and listening before the fork: when this command returns,
	 * the agent answers (its first callers wait in the backlog). */
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	mode_t old = umask(0177);
	rc = lfd < 0 ? -1 : bind(lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || chmod(sock, 0600) != 0 || listen(lfd, 16) != 0 || lstat(sock, &sb) != 0) {
		int e = errno;
		keys_secret_destroy(&k);
		if (rc == 0)
			(void)unlink(sock);
		cli_die(EXIT_ERR, _("cannot listen on %s: %s"), sock, strerror(e));
	}
	agent_rep_t mine = { 0 };
	mine.until = (uint64_t)time(NULL) + secs;
	/* SIGTERM, SIGINT, SIGHUP held from before the fork until the agent's
	 * wait: one that came before its handlers were set would end it with
	 * its socket left behind. */
	sigset_t block, old_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (pid < 0) {
		int e = errno;
		keys_secret_destroy(&k);
		(void)unlink(sock);
		cli_die(EXIT_ERR, _("cannot start the agent: %s"), strerror(e));
	}
	if (pid == 0)
		agent_run(lfd, sock, sb.st_dev, sb.st_ino, k, secs, mine.until);
	close(lfd);
	keys_secret_destroy(&k);
	mine.pid = (uint32_t)pid;
	print_until(0, &mine);
	free(sock);
	return 0;
}

int
cmd_lock(cli_t *c, int argc, char **argv)
{
	agent_rep_t r;
	struct stat sb;

	static const char *const help[] = {
		N_("usage: cahier lock\n"),
		N_("Ends the agent 'cahier unlock' started: it wipes your key from memory\n"
		    "and exits. The next command asks for the passphrase again.\n"),
		NULL
	};
	if (wants_help(argc, argv, help))
		return 0;
	if (argc != 1)
		cli_die(EXIT_ERR, _("lock takes no arguments (see cahier lock --help)"));
	char *sock = agent_sock_path(c->home);
	if (sock && agent_ask(c->home, AGENT_OP_LOCK, &r) == 0)
		printf(_("locked: the agent (pid %u) wiped your key\n"), r.pid);
	else if (sock && lstat(sock, &sb) == 0 && S_ISSOCK(sb.st_mode) && unlink(sock) == 0)
		fputs(_("locked (removed the socket of an agent that no longer answers)\n"), stdout);
	else
		fputs(_("locked (no agent was running)\n"), stdout);
	free(sock);
	return 0;
}

void
agent_print_status(const cli_t *c, const char *label, size_t width)
{
	agent_rep_t r;
	if (c->json)
		return;
	cli_label(stdout, label, width);
	if (agent_ask(c->home, AGENT_OP_STATUS, &r) == 0) {
		char when[32];
		cli_time(r.until * 1000, when);
		printf(_("unlocked until %s ('cahier lock' ends it)\n"), when);
	} else
		fputs(_("locked ('cahier unlock' keeps it open for a session)\n"), stdout);
}
