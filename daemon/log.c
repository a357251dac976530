/* log.c - one line per event on stderr: time, ident, level, message. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <sys/time.h>

#include "log.h"

static const char *log_ident = "cahierd";
static int log_level = LOG_LVL_INFO;

void
log_init(const char *ident, int level)
{
	log_ident = ident;
	log_level = level;
}

void
log_msg(int level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	char when[32];
	struct timeval tv;
	struct tm tm;
	va_list ap;

	if (level > log_level)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03dZ %s %s: ", when, (int)(tv.tv_usec / 1000),
	    log_ident, names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
