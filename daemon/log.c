/* log.c - one line per event on stderr: time, ident, level, message; under
 * journald, the level as a syslog priority prefix and the message only. The
 * message in the daemon's language (log.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <systemd/sd-daemon.h>

#include "../keys/i18n.h"
#include "clock.h"
#include "log.h"

static const char *log_ident = "cahierd";
static int log_level = LOG_LVL_INFO;
static int log_journal;   /* stderr is journald's stream */

static struct {
	char key[LOG_KEY_LEN];
	int64_t start;
	unsigned lines;
	unsigned dropped;
} windows[LOG_KEYS];

void
log_init(const char *ident, int level)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	log_ident = ident;
	log_level = level;
	memset(windows, 0, sizeof(windows));
	/* systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it gave
	 * as stdout or stderr; it counts only if stderr is still that stream
	 * (not a file a child of such a service was redirected to).
	 * journald then stamps each line with the time and the unit, and
	 * takes its priority from the "<N>" prefix (sd-daemon(3)). */
	log_journal = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	    fstat(2, &st) == 0 && (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

/* One line, fmt already in the daemon's language. */
static void
log_line(int level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	static const char *const prio[] = { SD_ERR, SD_WARNING, SD_INFO, SD_DEBUG };
	char when[32];
	struct timeval tv;
	struct tm tm;

	if (level > log_level)
		return;
	if (log_journal) {
		fputs(prio[level], stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		return;
	}
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03dZ %s %s: ", when, (int)(tv.tv_usec / 1000),
	    log_ident, names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* The format is the English source text: its translation, when the
 * catalogue has one, takes its place (msgfmt --check has made sure it
 * keeps the same conversions); what fills it stays as the caller made it. */
static void
log_v(int level, const char *fmt, va_list ap)
{
	if (level <= log_level)
		log_line(level, gettext(fmt), ap);
}

void
log_msg(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v(level, fmt, ap);
	va_end(ap);
}

static void
log_said(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
log_said(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(level, fmt, ap);
	va_end(ap);
}

/* The line that counts what a window left out: its key is a peer's name,
 * or a reason and a peer's name joined by '|'. */
static void
left_out(int level, const char *key, unsigned n, int64_t ms)
{
	const char *bar = strchr(key, '|');
	char why[LOG_KEY_LEN];
	if (bar) {
		/* the reason as the refusal's own line gave it (ingest.c) */
		snprintf(why, sizeof(why), "%.*s", (int)(bar - key), key);
		log_said(level, ngettext("... and %u more line like the last from %s (%s) in %lld s",
		    "... and %u more lines like the last from %s (%s) in %lld s", n), n,
		    bar + 1, gettext(why), (long long)(ms / 1000));
	} else
		log_said(level, ngettext("... and %u more line like the last from %s in %lld s",
		    "... and %u more lines like the last from %s in %lld s", n), n, key,
		    (long long)(ms / 1000));
}

void
log_limited(int level, const char *key, const char *fmt, ...)
{
	int64_t now = clock_now_ms();
	size_t i, oldest = 0;
	va_list ap;

	if (level > log_level)
		return;
	for (i = 0; i < LOG_KEYS; i++) {
		if (strncmp(windows[i].key, key, sizeof(windows[i].key) - 1) == 0 &&
		    windows[i].key[0])
			break;
		if (windows[i].start < windows[oldest].start)
			oldest = i;
	}
	if (i == LOG_KEYS) {
		i = oldest;
		if (windows[i].dropped)
			left_out(level, windows[i].key, windows[i].dropped, now - windows[i].start);
		memset(&windows[i], 0, sizeof(windows[i]));
		snprintf(windows[i].key, sizeof(windows[i].key), "%s", key);
		windows[i].start = now;
	}
	if (now - windows[i].start >= LOG_WINDOW_MS) {
		if (windows[i].dropped)
			left_out(level, windows[i].key, windows[i].dropped, now - windows[i].start);
		windows[i].start = now;
		windows[i].lines = windows[i].dropped = 0;
	}
	if (windows[i].lines == LOG_BURST) {
		windows[i].dropped++;
		return;
	}
	windows[i].lines++;
	va_start(ap, fmt);
	log_v(level, fmt, ap);
	va_end(ap);
}

void
log_limited_flush(void)
{
	int64_t now = clock_now_ms();
	for (size_t i = 0; i < LOG_KEYS; i++) {
		if (!windows[i].key[0] || !windows[i].dropped ||
		    now - windows[i].start < LOG_WINDOW_MS)
			continue;
		left_out(LOG_LVL_WARN, windows[i].key, windows[i].dropped, now - windows[i].start);
		windows[i].start = now;
		windows[i].lines = windows[i].dropped = 0;
	}
}
