/* render.c - the care kinds for people and for scripts (see render.h).
 *
 * Everything walks the kind's field table (ch_kind_fields), so a field
 * added to a kind shows up here without a line of code; only the choice of
 * what a one-line summary holds, and a few labels, are written per kind. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cli.h"
#include "escape.h"
#include "render.h"
#include "../proto/names.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define SEP " \xc2\xb7 "            /* " · " */

/* A growing string; wiped whenever it moves or is dropped, since it holds
 * decrypted care text. A failed allocation is sticky, like cwr_t. */
typedef struct {
	char *p;
	size_t len, cap;
	int err;
} sb_t;

static char *
sb_room(sb_t *b, size_t n)
{
	if (b->err)
		return NULL;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *q = malloc(cap);
		if (!q) {
			b->err = 1;
			return NULL;
		}
		if (b->p) {
			memcpy(q, b->p, b->len);
			sodium_memzero(b->p, b->cap);
			free(b->p);
		}
		b->p = q;
		b->cap = cap;
	}
	return b->p + b->len;
}

static void
sb_put(sb_t *b, const char *s, size_t n)
{
	char *q = sb_room(b, n);
	if (q) {
		memcpy(q, s, n);
		b->len += n;
		b->p[b->len] = '\0';
	}
}

static void
sb_str(sb_t *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/* Someone else's text, escaped (escape.h). */
static void
sb_esc(sb_t *b, const char *s, size_t n, unsigned flags)
{
	size_t need = cli_escape(NULL, 0, s, n, flags);
	char *q = sb_room(b, need);
	if (q) {
		cli_escape(q, need + 1, s, n, flags);
		b->len += need;
	}
}

static char *
sb_take(sb_t *b)
{
	if (b->err || !b->p) {
		if (b->p) {
			sodium_memzero(b->p, b->cap);
			free(b->p);
		}
		b->p = NULL;
		return b->err ? NULL : strdup("");
	}
	char *p = b->p;
	b->p = NULL;
	return p;
}

void
render_free(char **s)
{
	if (*s) {
		sodium_memzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

/* ---- the words ---- */

/* What a summary shows of each kind, in this order, and its main text. */
static const struct {
	const char *head[7];
	const char *text;
} summary[CH_KIND_CARE_LAST + 1] = {
	[CH_KIND_NOTE] = { { NULL }, "text" },
	[CH_KIND_GOAL] = { { "whose", "status" }, "text" },
	[CH_KIND_TASK] = { { "status", "agenda", "due", "owner" }, "text" },
	[CH_KIND_APPOINTMENT] = { { "status", "at", "minutes", "where" }, "what" },
	[CH_KIND_ALERT] = { { "priority", "addressed" }, "text" },
	[CH_KIND_ACK] = { { "alert" }, "text" },
	[CH_KIND_HANDOVER] = { { "from", "to", "contact" }, "text" },
	[CH_KIND_CONSENT] = { { "purpose", "basis", "grantor", "grantee", "role",
	    "until" }, "text" },
	[CH_KIND_CONSULTATION] = { { "answer_by", "invited" }, "agenda" },
	[CH_KIND_ANSWER] = { { "consultation" }, "text" },
	[CH_KIND_DECISION] = { { "due", "carriers" }, "text" },
	[CH_KIND_KEEP] = { { "active", "every_days" }, "text" },
	[CH_KIND_CHECKIN] = { { "keep" }, "text" },
	[CH_KIND_HIDE] = { { "target", "reason" }, NULL },
};

/* Labels that are not the field's name with '_' as ' ' (kind 0: in any
 * kind). */
static const struct {
	uint8_t kind;
	const char *name, *label;
} labels[] = {
	{ CH_KIND_GOAL, "whose", "whose goal" },
	{ CH_KIND_TASK, "agenda", "agenda item" },
	{ 0, "provider", "assigned to" },
	{ 0, "minutes", "duration" },
	{ 0, "orgs", "organizations" },
	{ 0, "addressed", "addressed to" },
	{ 0, "alert", "acknowledges" },
	{ 0, "contact", "contact point" },
	{ 0, "deputy", "deputy contact point" },
	{ 0, "fragility", "psychosocial fragility" },
	{ 0, "network", "can mobilise a network" },
	{ 0, "told", "what the person was told" },
	{ 0, "keep", "keeping an eye" },
	{ 0, "every_days", "check in every" },
	{ 0, "target", "hidden" },
	{ 0, "carriers", "carried out by" },
};

/* Values a summary shows bare ("open", "an earlier alert"); the others
 * after their label ("due 2026-12-05"). */
static int
bare(const ch_field_t *d)
{
	if (d->type == CH_FT_FLAG || d->type == CH_FT_ENTRY)
		return 1;
	return d->type == CH_FT_ENUM && (strcmp(d->name, "status") == 0 ||
	    strcmp(d->name, "priority") == 0 || strcmp(d->name, "reason") == 0 ||
	    strcmp(d->name, "whose") == 0);
}

/* Times shown as a date alone. */
static int
date_only(const char *name)
{
	return strcmp(name, "due") == 0 || strcmp(name, "from") == 0 ||
	    strcmp(name, "until") == 0;
}

static void
sb_label(sb_t *b, uint8_t kind, const char *name)
{
	for (size_t i = 0; i < NELEM(labels); i++)
		if ((labels[i].kind == 0 || labels[i].kind == kind) &&
		    strcmp(labels[i].name, name) == 0) {
			sb_str(b, labels[i].label);
			return;
		}
	for (; *name; name++)
		sb_put(b, *name == '_' ? " " : name, 1);
}

static const ch_field_t *
field_named(uint8_t kind, const char *name)
{
	size_t n;
	const ch_field_t *t = ch_kind_fields(kind, &n);
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

#define AT(f, d) ((const uint8_t *)(f) + (d)->off)
#define TEXT_AT(f, d) (*(char *const *)(const void *)AT(f, d))
#define U32_AT(f, d) (*(const uint32_t *)(const void *)AT(f, d))
#define U64_AT(f, d) (*(const uint64_t *)(const void *)AT(f, d))

static void
sb_org(sb_t *b, const render_ctx_t *c, const uint8_t id[32])
{
	const char *name = c->org_name ? c->org_name(c->arg, id) : NULL;
	if (name)
		sb_esc(b, name, strlen(name), 0);
	else
		sb_str(b, RENDER_UNKNOWN_ORG);
}

/* The value of field d of f on one line; returns 0 (and writes nothing)
 * for an empty optional value ("none" is the caller's word). */
static int
sb_value(sb_t *b, const ch_fields_t *f, const ch_field_t *d,
    const render_ctx_t *c, size_t maxorgs)
{
	const uint8_t *v = AT(f, d);
	char tbuf[32];

	switch (d->type) {
	case CH_FT_ENUM: {
		const char *n = ch_value_name(d->set, *v);
		sb_str(b, n ? n : "?");
		return 1;
	}
	case CH_FT_FLAG:
		if (strcmp(d->name, "active") == 0)
			sb_str(b, *v ? "following, at low intensity" : "stopped");
		else
			sb_str(b, *v ? "yes" : "no");
		return 1;
	case CH_FT_U32: {
		uint32_t x = U32_AT(f, d);
		snprintf(tbuf, sizeof(tbuf), "%lu", (unsigned long)x);
		sb_str(b, tbuf);
		if (strcmp(d->name, "minutes") == 0)
			sb_str(b, " min");
		else if (strcmp(d->name, "every_days") == 0)
			sb_str(b, x == 1 ? " day" : " days");
		return 1;
	}
	case CH_FT_TIME: {
		uint64_t t = U64_AT(f, d);
		if (!t)
			return 0;
		cli_time(t, tbuf);
		if (date_only(d->name))
			tbuf[10] = '\0';
		sb_str(b, tbuf);
		return 1;
	}
	case CH_FT_ENTRY: {
		if (sodium_is_zero(v, 32))
			return 0;
		const char *s = c->entry_name ? c->entry_name(c->arg, v) : NULL;
		const char *k = d->ref ? ch_kind_name(d->ref) : NULL;
		if (s)
			sb_esc(b, s, strlen(s), 0);
		else {
			sb_str(b, "an earlier ");
			sb_str(b, k ? k : "entry");
		}
		return 1;
	}
	case CH_FT_ORG:
		if (sodium_is_zero(v, 32))
			return 0;
		sb_org(b, c, v);
		return 1;
	case CH_FT_KEY: {
		if (sodium_is_zero(v, 32))
			return 0;
		const char *s = c->provider_name ? c->provider_name(c->arg, v) : NULL;
		if (s)
			sb_esc(b, s, strlen(s), 0);
		else
			sb_str(b, "a provider");
		return 1;
	}
	case CH_FT_TEXT:
	case CH_FT_ROLE: {
		const char *s = TEXT_AT(f, d);
		if (!s || !*s)
			return 0;
		sb_esc(b, s, strlen(s), 0);
		return 1;
	}
	case CH_FT_ORGS: {
		const ch_orgs_t *o = (const ch_orgs_t *)(const void *)v;
		if (o->n == 0)
			return 0;
		for (size_t i = 0; i < o->n && i < maxorgs; i++) {
			if (i)
				sb_str(b, ", ");
			sb_org(b, c, o->id[i]);
		}
		if (o->n > maxorgs) {
			snprintf(tbuf, sizeof(tbuf), " and %zu more", o->n - maxorgs);
			sb_str(b, tbuf);
		}
		return 1;
	}
	}
	return 0;
}

/* The start of a text: up to its first line break and max bytes, cut at a
 * character boundary (the text is valid UTF-8), escaped. */
static void
sb_excerpt(sb_t *b, const char *s, size_t max)
{
	size_t n = strcspn(s, "\r\n"), all = strlen(s);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	sb_esc(b, s, n, 0);
	if (n < all)
		sb_str(b, "...");
}

char *
render_summary(const ch_fields_t *f, const render_ctx_t *c)
{
	sb_t b = { 0 };
	size_t nf;

	if (!ch_kind_fields(f->kind, &nf))
		return NULL;
	sb_str(&b, ch_kind_name(f->kind));
	for (size_t i = 0; i < NELEM(summary[0].head); i++) {
		const ch_field_t *d = field_named(f->kind, summary[f->kind].head[i]);
		if (!d)
			break;
		/* A flag shows only when set: "agenda item". */
		if (d->type == CH_FT_FLAG && strcmp(d->name, "active") != 0) {
			if (*AT(f, d)) {
				sb_str(&b, SEP);
				sb_label(&b, f->kind, d->name);
			}
			continue;
		}
		sb_t v = { 0 };
		if (sb_value(&v, f, d, c, 3) && !v.err) {
			sb_str(&b, SEP);
			if (!bare(d)) {
				sb_label(&b, f->kind, d->name);
				sb_str(&b, " ");
			}
			sb_str(&b, v.p);
		}
		b.err |= v.err;
		char *vp = sb_take(&v);
		render_free(&vp);
	}
	const ch_field_t *d = field_named(f->kind, summary[f->kind].text);
	if (d && TEXT_AT(f, d) && *TEXT_AT(f, d)) {
		sb_str(&b, ": ");
		sb_excerpt(&b, TEXT_AT(f, d), RENDER_SUMMARY_TEXT);
	}
	return sb_take(&b);
}

char *
render_lines(const ch_fields_t *f, const render_ctx_t *c, const char *indent)
{
	sb_t b = { 0 };
	size_t nf;
	const ch_field_t *t = ch_kind_fields(f->kind, &nf);

	if (!t)
		return NULL;
	if (!indent)
		indent = "";
	for (size_t i = 0; i < nf; i++) {
		const ch_field_t *d = &t[i];
		sb_str(&b, indent);
		sb_label(&b, f->kind, d->name);
		sb_str(&b, ":");
		const char *s = d->type == CH_FT_TEXT ? TEXT_AT(f, d) : NULL;
		if (s && strpbrk(s, "\r\n")) {
			/* Each line of the text on a line of its own, further in:
			 * escaped with CLI_ESC_LINES, so only \n remains, which
			 * is where the indent goes. */
			sb_t e = { 0 };
			sb_esc(&e, s, strlen(s), CLI_ESC_LINES);
			char *all = sb_take(&e);
			if (!all) {
				b.err = 1;
				break;
			}
			for (char *p = all, *q; *p; p = q) {
				q = strchr(p, '\n');
				q = q ? q + 1 : p + strlen(p);
				sb_str(&b, "\n");
				sb_str(&b, indent);
				sb_str(&b, "  ");
				sb_put(&b, p, (size_t)(q - p) - (q[-1] == '\n'));
			}
			render_free(&all);
			sb_str(&b, "\n");
			continue;
		}
		sb_str(&b, " ");
		if (!sb_value(&b, f, d, c, CH_ORGS_MAX))
			sb_str(&b, d->type == CH_FT_TIME && d->min == 0 &&
			    strcmp(d->name, "until") == 0 ? "open-ended" : "none");
		sb_str(&b, "\n");
	}
	return sb_take(&b);
}

/* ---- JSON ---- */

static json_t *
j_text(const char *s)
{
	/* Texts are valid UTF-8 (the codec checked); a resolver's name that
	 * is not becomes null rather than a broken document. */
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

static json_t *
j_hex(const uint8_t id[32])
{
	char h[65];
	sodium_bin2hex(h, sizeof(h), id, 32);
	return json_string(h);
}

static json_t *
j_party(const uint8_t id[32], const char *name)
{
	return json_pack("{s:o, s:o}", "id", j_hex(id), "name", j_text(name));
}

static json_t *
j_org(const render_ctx_t *c, const uint8_t id[32])
{
	return j_party(id, c->org_name ? c->org_name(c->arg, id) : NULL);
}

static json_t *
j_value(const ch_fields_t *f, const ch_field_t *d, const render_ctx_t *c)
{
	const uint8_t *v = AT(f, d);
	char tbuf[32];

	switch (d->type) {
	case CH_FT_ENUM:
		return j_text(ch_value_name(d->set, *v));
	case CH_FT_FLAG:
		return json_boolean(*v);
	case CH_FT_U32:
		return json_integer(U32_AT(f, d));
	case CH_FT_TIME:
		if (!U64_AT(f, d))
			return json_null();
		cli_time_iso(U64_AT(f, d), tbuf);
		return json_string(tbuf);
	case CH_FT_ENTRY:
		return sodium_is_zero(v, 32) ? json_null() : j_hex(v);
	case CH_FT_ORG:
		return sodium_is_zero(v, 32) ? json_null() : j_org(c, v);
	case CH_FT_KEY:
		if (sodium_is_zero(v, 32))
			return json_null();
		return j_party(v, c->provider_name ? c->provider_name(c->arg, v) : NULL);
	case CH_FT_TEXT:
	case CH_FT_ROLE:
		return j_text(TEXT_AT(f, d) ? TEXT_AT(f, d) : "");
	case CH_FT_ORGS: {
		const ch_orgs_t *o = (const ch_orgs_t *)(const void *)v;
		json_t *a = json_array();
		for (size_t i = 0; a && i < o->n; i++)
			if (json_array_append_new(a, j_org(c, o->id[i])) != 0) {
				json_decref(a);
				return NULL;
			}
		return a;
	}
	}
	return NULL;
}

json_t *
render_json(const ch_fields_t *f, const render_ctx_t *c)
{
	size_t nf;
	const ch_field_t *t = ch_kind_fields(f->kind, &nf);
	json_t *o;

	if (!t || !(o = json_object()))
		return NULL;
	if (json_object_set_new(o, "kind", json_string(ch_kind_name(f->kind))) != 0)
		goto fail;
	for (size_t i = 0; i < nf; i++) {
		json_t *v = j_value(f, &t[i], c);
		if (!v || json_object_set_new(o, t[i].name, v) != 0)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}
