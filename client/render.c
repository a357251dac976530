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
#include "i18n.h"
#include "render.h"
#include "wbuf.h"
#include "../proto/names.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define SEP " \xc2\xb7 "            /* " · " */

/* An entry's lines are built on a wiped buffer (wbuf.h): they hold
 * decrypted care text. */
typedef wbuf_t sb_t;

static void
sb_str(sb_t *b, const char *s)
{
	wbuf_put(b, s, strlen(s));
}

/* Someone else's text, escaped (escape.h). */
static void
sb_esc(sb_t *b, const char *s, size_t n, unsigned flags)
{
	size_t need = cli_escape(NULL, 0, s, n, flags);
	char *q = wbuf_room(b, need);
	if (q) {
		cli_escape(q, need + 1, s, n, flags);
		b->len += need;
	}
}

/* The string built (the caller frees it with render_free), "" when
 * nothing was put, NULL when b failed; b is empty afterwards. */
static char *
sb_take(sb_t *b)
{
	if (b->err || !b->p) {
		int err = b->err;
		wbuf_clear(b);
		return err ? NULL : strdup("");
	}
	char *p = b->p;
	memset(b, 0, sizeof(*b));
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

/* Every field's label (kind 0: in any kind), in English with its
 * context, for the reader's language. A field of a kind not listed here
 * shows its name with '_' as ' '. */
static const struct {
	uint8_t kind;
	const char *name, *label;
} labels[] = {
	{ CH_KIND_GOAL, "whose", NCTX_("field", "whose goal") },
	{ CH_KIND_TASK, "agenda", NCTX_("field", "agenda item") },
	{ CH_KIND_CONSULTATION, "agenda", NCTX_("field", "agenda") },
	{ CH_KIND_HANDOVER, "from", NCTX_("handover", "from") },
	{ CH_KIND_HANDOVER, "to", NCTX_("handover", "to") },
	{ CH_KIND_CONSENT, "from", NCTX_("consent", "from") },
	{ 0, "text", NCTX_("field", "text") },
	{ 0, "status", NCTX_("field", "status") },
	{ 0, "workers", NCTX_("field", "workers") },
	{ 0, "owner", NCTX_("field", "owner") },
	{ 0, "provider", NCTX_("field", "assigned to") },
	{ 0, "due", NCTX_("field", "due") },
	{ 0, "goal", NCTX_("field", "goal") },
	{ 0, "at", NCTX_("field", "at") },
	{ 0, "minutes", NCTX_("field", "duration") },
	{ 0, "what", NCTX_("field", "what") },
	{ 0, "where", NCTX_("field", "where") },
	{ 0, "with", NCTX_("field", "with") },
	{ 0, "orgs", NCTX_("field", "organizations") },
	{ 0, "priority", NCTX_("field", "priority") },
	{ 0, "addressed", NCTX_("field", "addressed to") },
	{ 0, "alert", NCTX_("field", "acknowledges") },
	{ 0, "contact", NCTX_("field", "contact point") },
	{ 0, "deputy", NCTX_("field", "deputy contact point") },
	{ 0, "isolation", NCTX_("field", "isolation") },
	{ 0, "fragility", NCTX_("field", "psychosocial fragility") },
	{ 0, "network", NCTX_("field", "can mobilise a network") },
	{ 0, "contact_person", NCTX_("field", "contact person") },
	{ 0, "told", NCTX_("field", "what the person was told") },
	{ 0, "purpose", NCTX_("field", "purpose") },
	{ 0, "basis", NCTX_("field", "basis") },
	{ 0, "until", NCTX_("field", "until") },
	{ 0, "grantor", NCTX_("field", "grantor") },
	{ 0, "grantee", NCTX_("field", "grantee") },
	{ 0, "role", NCTX_("field", "role") },
	{ 0, "answer_by", NCTX_("field", "answer by") },
	{ 0, "invited", NCTX_("field", "invited") },
	{ 0, "consultation", NCTX_("field", "consultation") },
	{ 0, "carriers", NCTX_("field", "carried out by") },
	{ 0, "active", NCTX_("field", "active") },
	{ 0, "every_days", NCTX_("field", "check in every") },
	{ 0, "keep", NCTX_("field", "keeping an eye") },
	{ 0, "target", NCTX_("field", "hidden") },
	{ 0, "reason", NCTX_("field", "reason") },
};

const char *
render_word_key(const char *key)
{
	const char *t = gettext(key);
	if (t != key)
		return t;
	const char *s = strchr(key, '\004');
	return s ? s + 1 : key;
}

const char *
render_word(const char *ctx, const char *s)
{
	char key[160];
	if (!s)
		return NULL;
	if ((size_t)snprintf(key, sizeof(key), "%s\004%s", ctx, s) >= sizeof(key))
		return s;
	const char *t = gettext(key);
	return t != key ? t : s;
}

const char *
render_unknown_org(void)
{
	/* RENDER_UNKNOWN_ORG, marked here for the catalogues */
	return _("an organization not in the network");
}

/* The names render_word() looks up, marked for the catalogues: kinds,
 * audiences, the enums' values, the access records' words. */
static const char *const marked[] __attribute__((unused)) = {
	NCTX_("kind", "note"), NCTX_("kind", "goal"), NCTX_("kind", "task"),
	NCTX_("kind", "appointment"), NCTX_("kind", "alert"), NCTX_("kind", "ack"),
	NCTX_("kind", "handover"), NCTX_("kind", "consent"), NCTX_("kind", "consultation"),
	NCTX_("kind", "answer"), NCTX_("kind", "decision"), NCTX_("kind", "keep-an-eye"),
	NCTX_("kind", "check-in"), NCTX_("kind", "hide"), NCTX_("kind", "erase"),
	NCTX_("kind", "entry"),
	NCTX_("audience", "network"), NCTX_("audience", "care"), NCTX_("audience", "medical"),
	NCTX_("audience", "social"), NCTX_("audience", "coordination"),
	NCTX_("audience", "membership"),
	NCTX_("whose", "own"), NCTX_("whose", "shared"),
	NCTX_("goal status", "active"), NCTX_("goal status", "reached"),
	NCTX_("goal status", "dropped"),
	NCTX_("task status", "open"), NCTX_("task status", "done"),
	NCTX_("task status", "cancelled"),
	NCTX_("appointment status", "planned"), NCTX_("appointment status", "done"),
	NCTX_("appointment status", "cancelled"),
	NCTX_("priority", "normal"), NCTX_("priority", "high"), NCTX_("priority", "urgent"),
	NCTX_("isolation", "not-assessed"), NCTX_("isolation", "not-isolated"),
	NCTX_("isolation", "partly-isolated"), NCTX_("isolation", "isolated"),
	NCTX_("fragility", "not-assessed"), NCTX_("fragility", "none"),
	NCTX_("fragility", "some"), NCTX_("fragility", "marked"),
	NCTX_("network", "not-assessed"), NCTX_("network", "able"),
	NCTX_("network", "partly-able"), NCTX_("network", "unable"),
	NCTX_("purpose", "treatment"), NCTX_("purpose", "emergency"),
	NCTX_("purpose", "coordination"), NCTX_("purpose", "own-request"),
	NCTX_("purpose", "audit"),
	NCTX_("basis", "own-consent"), NCTX_("basis", "written-mandate"),
	NCTX_("basis", "legal-order"),
	NCTX_("hide reason", "person-asked"), NCTX_("hide reason", "posted-in-error"),
	NCTX_("action", "create"), NCTX_("action", "read"), NCTX_("action", "update"),
	NCTX_("action", "delete"), NCTX_("action", "export"), NCTX_("action", "search"),
	NCTX_("action", "list"), NCTX_("action", "print"), NCTX_("action", "unknown"),
	NCTX_("outcome", "ok"), NCTX_("outcome", "refused"), NCTX_("outcome", "failed"),
	NCTX_("outcome", "unknown"),
};

/* The context of each value set's words. */
static const char *const set_ctx[CH_SET_LAST + 1] = {
	[CH_SET_WHOSE] = "whose", [CH_SET_GOAL_STATUS] = "goal status",
	[CH_SET_TASK_STATUS] = "task status", [CH_SET_APPT_STATUS] = "appointment status",
	[CH_SET_PRIORITY] = "priority", [CH_SET_ISOLATION] = "isolation",
	[CH_SET_FRAGILITY] = "fragility", [CH_SET_NETWORK] = "network",
	[CH_SET_PURPOSE] = "purpose", [CH_SET_BASIS] = "basis",
	[CH_SET_HIDE_REASON] = "hide reason",
};

const char *
render_kind_word(uint8_t kind)
{
	const char *n = ch_kind_name(kind);
	return render_word("kind", n ? n : "entry");
}

const char *
render_aud_word(uint8_t aud)
{
	const char *n = ch_aud_name(aud);
	return n ? render_word("audience", n) : "?";
}

const char *
render_value_word(uint8_t set, uint8_t v)
{
	const char *n = ch_value_name(set, v);
	if (!n)
		return "?";
	return set <= CH_SET_LAST && set_ctx[set] ? render_word(set_ctx[set], n) : n;
}

const char *
render_action_word(const char *action)
{
	return render_word("action", action);
}

const char *
render_outcome_word(const char *outcome)
{
	return render_word("outcome", outcome);
}

const char *
render_purpose_word(const char *purpose)
{
	return render_word("purpose", purpose);
}

/* The roles as words (DOMAIN.md's names). */
static const struct { const char *role, *words; } role_names[] = {
	{ "gp", N_("GP") }, { "physician", N_("physician") },
	{ "home-nurse", N_("home nurse") }, { "nurse", N_("nurse") },
	{ "home-nursing", N_("home nursing service") },
	{ "psychiatric-home-care", N_("psychiatric home-care team") },
	{ "psychiatric-nurse", N_("psychiatric nurse") }, { "psychologist", N_("psychologist") },
	{ "pharmacist", N_("pharmacist") }, { "social-worker", N_("social worker") },
	{ "social-service", N_("social service") },
	{ "hospital-social-service", N_("hospital social service") },
	{ "home-help", N_("home help") }, { "family-help", N_("family help") },
	{ "coordinator", N_("coordinator") }, { "coordination", N_("coordination") },
	{ "case-manager", N_("case manager") }, { "patient", N_("the person") },
	{ "trusted-person", N_("trusted person") }, { "representative", N_("representative") },
	{ "informal-carer", N_("informal carer") }, { "contact-point", N_("contact point") },
	{ "deputy-contact-point", N_("deputy contact point") },
};

void
render_role_words(const char *role, char *out, size_t n)
{
	if (!role)
		role = "?";
	for (size_t i = 0; i < NELEM(role_names); i++)
		if (strcmp(role, role_names[i].role) == 0) {
			snprintf(out, n, "%s", _(role_names[i].words));
			return;
		}
	snprintf(out, n, "%s", role);
	for (char *p = out; *p; p++)
		if (*p == '-')
			*p = ' ';
}

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
	/* a kind's own label first, then one for any kind */
	for (int any = 0; any < 2; any++)
		for (size_t i = 0; i < NELEM(labels); i++)
			if (labels[i].kind == (any ? 0 : kind) &&
			    strcmp(labels[i].name, name) == 0) {
				sb_str(b, render_word_key(labels[i].label));
				return;
			}
	for (; *name; name++)
		wbuf_put(b, *name == '_' ? " " : name, 1);
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
		sb_str(b, render_unknown_org());
}

/* The value of field d of f on one line; returns 0 (and writes nothing)
 * for an empty optional value ("none" is the caller's word). */
static int
sb_value(sb_t *b, const ch_fields_t *f, const ch_field_t *d,
    const render_ctx_t *c, size_t maxorgs)
{
	const uint8_t *v = AT(f, d);
	char tbuf[64];

	switch (d->type) {
	case CH_FT_ENUM: {
		sb_str(b, render_value_word(d->set, *v));
		return 1;
	}
	case CH_FT_FLAG:
		if (strcmp(d->name, "active") == 0)
			sb_str(b, *v ? _("following, at low intensity") : _("stopped"));
		else
			sb_str(b, *v ? _("yes") : _("no"));
		return 1;
	case CH_FT_U32: {
		uint32_t x = U32_AT(f, d);
		char ubuf[96];
		if (strcmp(d->name, "minutes") == 0)
			snprintf(ubuf, sizeof(ubuf), _("%lu min"), (unsigned long)x);
		else if (strcmp(d->name, "every_days") == 0)
			snprintf(ubuf, sizeof(ubuf), ngettext("%lu day", "%lu days", x),
			    (unsigned long)x);
		else
			snprintf(ubuf, sizeof(ubuf), "%lu", (unsigned long)x);
		sb_str(b, ubuf);
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
		if (s)
			sb_esc(b, s, strlen(s), 0);
		else
			sb_str(b, d->ref == CH_KIND_GOAL ? _("an earlier goal") :
			    d->ref == CH_KIND_CONSULTATION ? _("an earlier consultation") :
			    d->ref == CH_KIND_KEEP ? _("an earlier keep-an-eye") :
			    _("an earlier entry"));
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
			sb_str(b, _("a provider"));
		return 1;
	}
	case CH_FT_TEXT:
	case CH_FT_ROLE: {
		/* a role as it is typed (--role), as the headers show it */
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
			snprintf(tbuf, sizeof(tbuf), _(" and %zu more"), o->n - maxorgs);
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
	sb_str(&b, render_kind_word(f->kind));
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

/* 1 if d is f's main text (RENDER_SKIP_MAIN). */
static int
is_main(const ch_field_t *d)
{
	return d->type == CH_FT_TEXT && (strcmp(d->name, "text") == 0 ||
	    strcmp(d->name, "what") == 0 || strcmp(d->name, "agenda") == 0);
}

const char *
render_main_text(const ch_fields_t *f)
{
	size_t n;
	const ch_field_t *t = ch_kind_fields(f->kind, &n);
	for (size_t i = 0; t && i < n; i++)
		if (is_main(&t[i]))
			return TEXT_AT(f, &t[i]);
	return NULL;
}

char *
render_lines(const ch_fields_t *f, const render_ctx_t *c, const char *indent)
{
	return render_lines_opt(f, c, indent, 0);
}

char *
render_lines_opt(const ch_fields_t *f, const render_ctx_t *c, const char *indent,
    unsigned flags)
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
		if ((flags & RENDER_SKIP_MAIN) && is_main(d))
			continue;
		/* an open-ended "until" says so: it is not empty */
		if ((flags & RENDER_SKIP_EMPTY) && !(d->type == CH_FT_TIME && d->min == 0 &&
		    strcmp(d->name, "until") == 0)) {
			sb_t probe = { 0 };
			int some = sb_value(&probe, f, d, c, 1);
			char *pp = sb_take(&probe);
			render_free(&pp);
			if (!some)
				continue;
		}
		sb_str(&b, indent);
		sb_label(&b, f->kind, d->name);
		/* TRANSLATORS: what follows a field's label, before its value
		 * ("due: 2026-12-05"); French puts a space before it */
		sb_str(&b, CTX_("after a label", ":"));
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
				wbuf_put(&b, p, (size_t)(q - p) - (q[-1] == '\n'));
			}
			render_free(&all);
			sb_str(&b, "\n");
			continue;
		}
		sb_str(&b, " ");
		if (!sb_value(&b, f, d, c, CH_ORGS_MAX))
			sb_str(&b, d->type == CH_FT_TIME && d->min == 0 &&
			    strcmp(d->name, "until") == 0 ? _("open-ended") : _("none"));
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
