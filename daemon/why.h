/* why.h - the words of a refusal, kept until the reply: an English format
 * and its arguments, already encoded as the client reads them
 * (proto/refusal.h), so that the provider reads them in their own
 * language. Every argument is a string: a number is formatted where the
 * refusal is made (why_num). An argument that is itself an English message
 * the client translates (derr_str(), store_strerror(), a reason marked
 * N_) is passed as WHY_REASON(s).
 *
 *     why_t w;
 *     why_set(&w, "unknown role '%s' (one of: %s)", role, ch_roles_text());
 *     why_set(&w, "the new epoch was refused: %s", WHY_REASON(derr_str(rc)));
 *
 * The list is an array of const char *, so the compiler refuses a number
 * where a string belongs; each format is extracted into po/cahier.pot
 * (make pot: -kwhy_set:2, -kcahierd_reply_err:3). */
#ifndef CAHIER_WHY_H
#define CAHIER_WHY_H

#include <stddef.h>
#include <stdint.h>
#include "../proto/refusal.h"

typedef struct {
	size_t len;
	uint8_t body[CH_REFUSAL_MAX];
} why_t;

/* Put before an argument: the client translates it (CH_REFUSAL_MSG). */
extern const char why_reason_mark[];
#define WHY_REASON(s) why_reason_mark, (s)

/* The format and arguments as an array and its length (a NULL argument is
 * taken as ""). */
#define WHY_LIST(...) (const char *const[]){ __VA_ARGS__ }, \
	(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* Sets *w to format v[0] with the arguments v[1..n) (WHY_REASON marks
 * included). A format the encoder refuses (a conversion other than %s,
 * or as many %s as arguments) is a bug: it is logged, and *w says that
 * the daemon could not word its refusal. */
void why_setv(why_t *w, const char *const *v, size_t n);
#define why_set(w, ...) why_setv((w), WHY_LIST(__VA_ARGS__))

/* The English text of w, into out (n bytes, cut to fit); returns out. For
 * the daemon's log. */
const char *why_text(const why_t *w, char *out, size_t n);

/* v in decimal, into out; returns out. */
#define WHY_NUM_LEN 24
const char *why_num(char out[WHY_NUM_LEN], uint64_t v);

#endif
