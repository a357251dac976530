/* pdf.c - HTML to PDF through headless Chromium (pdf.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "pdf.h"

static int
executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

char *
pdf_renderer(const char *what)
{
	const char *env = getenv("CAHIER_CHROMIUM");
	char *found = NULL;
	if (env && *env) {
		if (!executable(env))
			cli_die(EXIT_ERR, _("%s --pdf: CAHIER_CHROMIUM names '%s', which is not an "
			    "executable file: install the chromium package, or unset it"), what, env);
		if (!(found = strdup(env)))
			cli_die(EXIT_ERR, _("out of memory"));
		return found;
	}
	const char *path = getenv("PATH");
	static const char *const names[] = { "chromium", "chromium-browser" };
	for (size_t k = 0; !found && k < sizeof(names) / sizeof(names[0]); k++) {
		const char *p = path && *path ? path : "/usr/bin:/bin";
		while (!found && *p) {
			const char *end = strchr(p, ':');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			char cand[4096];
			if (len && len + strlen(names[k]) + 2 <= sizeof(cand)) {
				snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, p, names[k]);
				if (executable(cand) && !(found = strdup(cand)))
					cli_die(EXIT_ERR, _("out of memory"));
			}
			p += len + (end ? 1 : 0);
		}
	}
	if (!found)
		cli_die(EXIT_ERR, _("%s --pdf: chromium is not installed: install the chromium "
		    "package (apt-get install chromium), or write HTML (leave out --pdf)"), what);
	return found;
}

/* ---- the private directory and its removal ---- */

typedef struct {
	char dir[4096];
	char page[4200], pdf[4200], log[4200], profile[4200], home[4200];
	size_t pagelen;
} work_t;

/* Overwrites a file's bytes with zeros, then removes it. */
static void
wipe_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			static const char zero[8192];
			off_t left = st.st_size;
			while (left > 0) {
				size_t k = left > (off_t)sizeof(zero) ? sizeof(zero) : (size_t)left;
				ssize_t w = write(fd, zero, k);
				if (w <= 0)
					break;
				left -= w;
			}
			fsync(fd);
		}
		close(fd);
	}
	unlink(path);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (flag == FTW_DP || flag == FTW_D)
		rmdir(path);
	else if (flag == FTW_F)
		wipe_file(path);
	else
		unlink(path);
	return 0;
}

static void
work_remove(work_t *w)
{
	if (!w->dir[0])
		return;
	wipe_file(w->page);
	wipe_file(w->pdf);
	nftw(w->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	rmdir(w->dir);
	w->dir[0] = '\0';
}

static volatile sig_atomic_t stop_sig;

static void
on_signal(int sig)
{
	stop_sig = sig;
}

/* Removes what was written, then exits like cli_die. */
static void fail(work_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void
fail(work_t *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	work_remove(w);
	cli_die(EXIT_ERR, "%s", msg);
}

/* "file://" and path, every byte outside the unreserved set and '/'
 * percent-encoded. */
static void
file_url(const char *path, char *out, size_t n)
{
	size_t k = (size_t)snprintf(out, n, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p && k + 4 < n; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~", *p))
			out[k++] = (char)*p;
		else
			k += (size_t)snprintf(out + k, n - k, "%%%02X", *p);
	}
	out[k] = '\0';
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
child(const work_t *w, const char *renderer)
{
	char a_profile[4300], a_pdf[4300], url[13000];
	int dn = open("/dev/null", O_RDONLY);
	int lg = open(w->log, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (dn < 0 || lg < 0 || dup2(dn, 0) < 0 || dup2(lg, 1) < 0 || dup2(lg, 2) < 0)
		_exit(126);
	setpgid(0, 0);
	/* Chromium's own files (its home, config, cache) go to the private
	 * directory too, and are removed with it. */
	if (setenv("HOME", w->home, 1) || setenv("XDG_CONFIG_HOME", w->home, 1) ||
	    setenv("XDG_CACHE_HOME", w->home, 1))
		_exit(126);
	snprintf(a_profile, sizeof(a_profile), "--user-data-dir=%s", w->profile);
	snprintf(a_pdf, sizeof(a_pdf), "--print-to-pdf=%s", w->pdf);
	file_url(w->page, url, sizeof(url));
	const char *argv[32];
	int k = 0;
	argv[k++] = renderer;
	argv[k++] = "--headless";
	/* root: Chromium's sandbox does not run as root (pdf.h) */
	if (geteuid() == 0)
		argv[k++] = "--no-sandbox";
	argv[k++] = "--disable-gpu";
	argv[k++] = "--no-pdf-header-footer";
	argv[k++] = "--no-first-run";
	argv[k++] = "--no-default-browser-check";
	argv[k++] = "--disable-extensions";
	argv[k++] = "--disable-sync";
	argv[k++] = "--disable-background-networking";
	argv[k++] = "--disable-component-update";
	argv[k++] = "--disable-default-apps";
	argv[k++] = "--disable-breakpad";
	argv[k++] = "--mute-audio";
	/* no network: a proxy that is not there, for loopback too, and no
	 * name resolves */
	argv[k++] = "--proxy-server=127.0.0.1:9";
	argv[k++] = "--proxy-bypass-list=<-loopback>";
	argv[k++] = "--host-resolver-rules=MAP * ~NOTFOUND";
	argv[k++] = a_profile;
	argv[k++] = a_pdf;
	argv[k++] = url;
	argv[k] = NULL;
	execv(renderer, (char *const *)(uintptr_t)argv);
	_exit(127);
}

void
pdf_render(const char *renderer, const char *what, const char *html, size_t n, int outfd)
{
	work_t w;
	memset(&w, 0, sizeof(w));
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 2048)
		tmp = "/tmp";
	snprintf(w.dir, sizeof(w.dir), "%s/cahier-print.XXXXXX", tmp);
	if (!mkdtemp(w.dir)) {
		int e = errno;
		w.dir[0] = '\0';
		cli_die(EXIT_ERR, _("%s --pdf: cannot make a private directory in %s: %s"), what, tmp,
		    strerror(e));
	}
	snprintf(w.page, sizeof(w.page), "%s/page.html", w.dir);
	snprintf(w.pdf, sizeof(w.pdf), "%s/page.pdf", w.dir);
	snprintf(w.log, sizeof(w.log), "%s/chromium.log", w.dir);
	snprintf(w.profile, sizeof(w.profile), "%s/profile", w.dir);
	snprintf(w.home, sizeof(w.home), "%s/home", w.dir);
	if (mkdir(w.profile, 0700) != 0 || mkdir(w.home, 0700) != 0)
		fail(&w, _("%s --pdf: cannot make Chromium's directories in %s"), what, w.dir);

	/* Interrupted from here on: remove what is written, then go. */
	struct sigaction sa, old[3];
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);

	int fd = open(w.page, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		fail(&w, _("%s --pdf: cannot write the page in %s: %s"), what, w.dir, strerror(errno));
	for (size_t off = 0; off < n;) {
		ssize_t k = write(fd, html + off, n - off);
		if (k <= 0) {
			close(fd);
			fail(&w, _("%s --pdf: cannot write the page in %s"), what, w.dir);
		}
		off += (size_t)k;
	}
	close(fd);

	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		fail(&w, _("%s --pdf: cannot start chromium: %s"), what, strerror(errno));
	if (pid == 0)
		child(&w, renderer);
	setpgid(pid, pid);   /* (the child does it too: whichever runs first) */

	double start = now_s(), next_say = start + 5;
	int status = 0, timed_out = 0;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		double t = now_s();
		if (stop_sig || t - start > PDF_TIMEOUT_S) {
			timed_out = !stop_sig;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		if (t >= next_say) {
			fprintf(stderr, _("cahier: rendering the PDF in chromium: %d s so far (stopped "
			    "at %d s)\n"), (int)(t - start), PDF_TIMEOUT_S);
			next_say = t + 10;
		}
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	/* Whatever Chromium left running in its group ends with it. */
	kill(-pid, SIGKILL);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (stop_sig) {
		int sig = stop_sig;
		work_remove(&w);
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(128 + sig);
	}
	if (timed_out)
		fail(&w, _("%s --pdf: chromium did not finish within %d s; stopped it (is the "
		    "machine very busy?)"), what, PDF_TIMEOUT_S);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		int code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (code == 127)
			fail(&w, _("%s --pdf: cannot run %s: install the chromium package"), what, renderer);
		if (code >= 0)
			fail(&w, _("%s --pdf: chromium failed to render the PDF (exit status %d)"), what,
			    code);
		fail(&w, _("%s --pdf: chromium failed to render the PDF (signal %d)"), what,
		    status != -1 && WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}

	/* The PDF, checked and copied to the output. */
	int in = open(w.pdf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[65536];
	ssize_t k = in >= 0 ? read(in, buf, 5) : -1;
	if (k != 5 || memcmp(buf, "%PDF-", 5) != 0) {
		if (in >= 0)
			close(in);
		fail(&w, _("%s --pdf: chromium wrote no PDF"), what);
	}
	size_t total = 0;
	for (;;) {
		size_t off = 0;
		if (total)
			k = read(in, buf, sizeof(buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		while (off < (size_t)k) {
			ssize_t wr = write(outfd, buf + off, (size_t)k - off);
			if (wr < 0 && errno == EINTR)
				continue;
			if (wr <= 0) {
				close(in);
				fail(&w, _("%s --pdf: cannot write the PDF: %s"), what, strerror(errno));
			}
			off += (size_t)wr;
		}
		total += (size_t)k;
	}
	close(in);
	memset(buf, 0, sizeof(buf));
	work_remove(&w);
}
