/* why.c - the words of a refusal, kept until the reply (see why.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "why.h"

const char why_reason_mark[] = "(reason)";

void
why_setv(why_t *w, const char *const *v, size_t n)
{
	ch_refusal_t r;
	int msg = 0;

	memset(&r, 0, sizeof(r));
	r.fmt = v[0] ? v[0] : "";
	r.fmtlen = strlen(r.fmt);
	for (size_t i = 1; i < n; i++) {
		if (v[i] == why_reason_mark) {
			msg = 1;
			continue;
		}
		if (r.n == CH_REFUSAL_ARGS) {
			r.n++; /* one too many: the encoder refuses */
			break;
		}
		r.arg[r.n].p = v[i] ? v[i] : "";
		r.arg[r.n].n = strlen(r.arg[r.n].p);
		r.arg[r.n].msg = (uint8_t)msg;
		r.n++;
		msg = 0;
	}
	if (ch_refusal_encode(&r, w->body, &w->len) == 0)
		return;
	log_err("BUG: a refusal's format does not fit its %zu arguments: \"%.200s\"", r.n, r.fmt);
	const char *fallback = N_("the daemon could not word its refusal (see its log)");
	w->len = strlen(fallback);
	memcpy(w->body, fallback, w->len);
}

const char *
why_text(const why_t *w, char *out, size_t n)
{
	if (ch_refusal_text(w->body, w->len, out, n) != 0 && n)
		snprintf(out, n, "(a refusal that does not decode)");
	return out;
}

const char *
why_num(char out[WHY_NUM_LEN], uint64_t v)
{
	snprintf(out, WHY_NUM_LEN, "%" PRIu64, v);
	return out;
}
