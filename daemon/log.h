/* log.h - the daemon's log: one line per event on stderr, with a level.
 * Each line is in the daemon's language, as LANGUAGE, LC_ALL, LC_MESSAGES
 * or LANG say when it starts (keys/i18n.h; the service's Environment=):
 * the format given to log_msg, log_err .. log_debug and log_limited is the
 * English source text, looked up in the catalogue (make pot extracts it:
 * a format is a string literal, never text from elsewhere); the values
 * that fill it, among them whatever a peer or a client sent, escaped by
 * the caller, are printed as they are. */
#ifndef CAHIER_LOG_H
#define CAHIER_LOG_H

#include "../keys/i18n.h"

enum { LOG_LVL_ERR = 0, LOG_LVL_WARN = 1, LOG_LVL_INFO = 2, LOG_LVL_DEBUG = 3 };

/* Sets the ident and the level of the lines to come, and starts every
 * window of log_limited afresh. */
void log_init(const char *ident, int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line a peer or a client can cause again and again (a refusal): at most
 * LOG_BURST lines per key (the peer's name, or a reason and the peer's
 * name) in each LOG_WINDOW_MS; when the window ends a line says how many
 * were left out. At most LOG_KEYS keys are followed at once (the oldest
 * window is reused), so the log costs at most LOG_KEYS x (LOG_BURST + 1)
 * lines per window whatever peers send. A key is compared on its first
 * LOG_KEY_LEN - 1 bytes. */
#define LOG_BURST 5
#define LOG_WINDOW_MS 10000
#define LOG_KEYS 64
#define LOG_KEY_LEN 96
void log_limited(int level, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Says how many lines log_limited left out in every window that has ended
 * (called from the loop's timer, so the count is told even when the peer
 * stops). */
void log_limited_flush(void);
#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
