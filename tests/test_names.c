/* test_names.c - proto/names.h: every name of every table round-trips to its
 * code, the names are the ones cahier has always shown, unknown codes and
 * names are refused, and the role checks accept and refuse what the three
 * copies they replace did. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "tap.h"
#include "../keys/keys.h"
#include "../proto/charter.h"
#include "../proto/entry.h"
#include "../proto/kinds.h"
#include "../proto/names.h"

/* The words users and scripts see, as the copies replaced by the tables
 * spelled them: they must not move. */
static const struct { uint8_t code; const char *name; } want_auds[] = {
	{ 1, "network" }, { 2, "care" }, { 3, "medical" }, { 4, "social" },
	{ 5, "coordination" }, { 6, "membership" },
};
static const struct { uint8_t code; const char *name; } want_purposes[] = {
	{ 1, "treatment" }, { 2, "emergency" }, { 3, "coordination" },
	{ 4, "own-request" }, { 5, "audit" },
};
static const struct { uint8_t code; const char *name, *text; } want_whys[] = {
	{ 0, "case-opened", "created" },
	{ 1, "org-added", "organization added" },
	{ 2, "org-removed", "organization removed" },
	{ 3, "keys-rotated", "keys rotated" },
	{ 4, "coordination-handed-over", "coordination handed over" },
	{ 5, "people-changed", "people changed" },
};
static const char *const unknown_names[] = {
	"", "Network", "network ", " network", "netw", "networks", "TREATMENT",
	"own_request", "own request", "org added", "created", "?", "unknown",
	"case-opened\n",
};

TEST(audiences)
{
	uint8_t a;

	check_int(CH_AUD_NETWORK, ==, 1);
	check_int(CH_AUD_MEMBERSHIP, ==, 6);
	for (size_t i = 0; i < sizeof(want_auds) / sizeof(want_auds[0]); i++) {
		check_str(ch_aud_name(want_auds[i].code), want_auds[i].name);
		a = 0;
		check_int(ch_aud_parse(want_auds[i].name, &a), ==, 0);
		check_int(a, ==, want_auds[i].code);
	}
	/* Every code names nothing, or a name that parses back to it. */
	for (unsigned c = 0; c < 256; c++) {
		const char *n = ch_aud_name((uint8_t)c);
		check((n != NULL) == (c >= 1 && c <= 6));
		if (n) {
			check_int(ch_aud_parse(n, &a), ==, 0);
			check_int(a, ==, c);
		}
	}
	for (size_t i = 0; i < sizeof(unknown_names) / sizeof(unknown_names[0]); i++) {
		a = 77;
		check_int(ch_aud_parse(unknown_names[i], &a), ==, CH_ERR_VALUE);
		check_int(a, ==, 77);
	}
	a = 77;
	check_int(ch_aud_parse(NULL, &a), ==, CH_ERR_VALUE);
	check_int(ch_aud_parse("treatment", &a), ==, CH_ERR_VALUE);
	check_int(a, ==, 77);
}

TEST(inert_text)
{
	char out[64];
	struct { const char *in; size_t n; const char *want; } v[] = {
		{ "Fatima El Amrani", 16, "Fatima El Amrani" },
		{ "Ine\xcc\x80s \xd9\x81\xd8\xa7\xd8\xb7\xd9\x85\xd8\xa9", 17,
		  "Ine\xcc\x80s \xd9\x81\xd8\xa7\xd8\xb7\xd9\x85\xd8\xa9" },
		{ "a\x1b[2Jb", 6, "a?[2Jb" },                      /* ESC */
		{ "x\ny\r\x7f", 5, "x?y??" },                      /* C0, DEL */
		{ "\xc2\x9b" "1m", 4, "?1m" },                       /* C1 CSI */
		{ "ab\xe2\x80\xae" "cd", 7, "ab?cd" },                 /* RLO */
		{ "\xe2\x81\xa6z\xd8\x9c", 6, "?z?" },             /* LRI, ALM */
		{ "\xe2\x80\xa8", 3, "?" },                         /* LINE SEPARATOR */
		{ "\xff\xc3", 2, "??" },                             /* not UTF-8 */
		{ "\xed\xa0\x80", 3, "???" },                        /* a surrogate */
		{ "a\0b", 3, "a?b" },                                /* NUL inside */
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = ch_text_inert((const uint8_t *)v[i].in, v[i].n, out, sizeof(out));
		check_str(out, v[i].want);
		check_int(n, ==, strlen(v[i].want));
	}
	/* cut at a character boundary: "é" does not fit in 2 bytes with the NUL */
	char small[3];
	check_int(ch_text_inert((const uint8_t *)"a\xc3\xa9", 3, small, sizeof(small)), ==, 1);
	check_str(small, "a");
}

TEST(purposes)
{
	uint8_t p;

	for (size_t i = 0; i < sizeof(want_purposes) / sizeof(want_purposes[0]); i++) {
		check_str(ch_purpose_name(want_purposes[i].code), want_purposes[i].name);
		p = 0;
		check_int(ch_purpose_parse(want_purposes[i].name, &p), ==, 0);
		check_int(p, ==, want_purposes[i].code);
	}
	check_int(CH_PURPOSE_TREATMENT, ==, 1);
	check_int(CH_PURPOSE_AUDIT, ==, 5);
	for (unsigned c = 0; c < 256; c++) {
		const char *n = ch_purpose_name((uint8_t)c);
		check((n != NULL) == (c >= 1 && c <= 5));
		if (n) {
			check_int(ch_purpose_parse(n, &p), ==, 0);
			check_int(p, ==, c);
		}
	}
	for (size_t i = 0; i < sizeof(unknown_names) / sizeof(unknown_names[0]); i++) {
		p = 77;
		check_int(ch_purpose_parse(unknown_names[i], &p), ==, CH_ERR_VALUE);
		check_int(p, ==, 77);
	}
	check_int(ch_purpose_parse(NULL, &p), ==, CH_ERR_VALUE);
	check_int(ch_purpose_parse("medical", &p), ==, CH_ERR_VALUE);
	check_int(p, ==, 77);
}

TEST(reasons_of_an_epoch)
{
	uint8_t w;

	for (size_t i = 0; i < sizeof(want_whys) / sizeof(want_whys[0]); i++) {
		check_str(ch_why_name(want_whys[i].code), want_whys[i].name);
		check_str(ch_why_text(want_whys[i].code), want_whys[i].text);
		w = 99;
		check_int(ch_why_parse(want_whys[i].name, &w), ==, 0);
		check_int(w, ==, want_whys[i].code);
		/* the text is for people: it does not parse */
		w = 99;
		check_int(ch_why_parse(want_whys[i].text, &w), ==, CH_ERR_VALUE);
		check_int(w, ==, 99);
	}
	check_int(CH_WHY_CREATE, ==, 0);
	check_int(CH_WHY_PEOPLE, ==, 5);
	for (unsigned c = 0; c < 256; c++) {
		const char *n = ch_why_name((uint8_t)c), *t = ch_why_text((uint8_t)c);
		check((n != NULL) == (c <= CH_WHY_PEOPLE));
		check((t != NULL) == (n != NULL));
		if (n) {
			check_int(ch_why_parse(n, &w), ==, 0);
			check_int(w, ==, c);
		}
	}
	for (size_t i = 0; i < sizeof(unknown_names) / sizeof(unknown_names[0]); i++) {
		w = 99;
		check_int(ch_why_parse(unknown_names[i], &w), ==, CH_ERR_VALUE);
		check_int(w, ==, 99);
	}
	check_int(ch_why_parse(NULL, &w), ==, CH_ERR_VALUE);
}

TEST(role_syntax)
{
	static const char *const good[] = { "gp", "home-nurse", "social-worker-2",
		"a", "0", "-", "--", "psychiatric-home-care", "trusted-person" };
	static const char *const bad[] = { "", "Gp", "General-Practitioner",
		"social worker", "home_nurse", "home.nurse", "gp\n", "\tgp", "zo\xc3\xab",
		"gp/2", "r\x7f" };
	char big[200];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		check(ch_role_ok(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check(!ch_role_ok(bad[i]));
	check(!ch_role_ok(NULL));
	/* No length bound here: the formats bound their fields. */
	memset(big, 'r', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	check(ch_role_ok(big));
	big[100] = 'R';
	check(!ch_role_ok(big));
	/* Every single byte: only a-z, 0-9 and '-' make a role. */
	for (unsigned b = 1; b < 256; b++) {
		char s[2] = { (char)b, 0 };
		int want = (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-';
		check_int(ch_role_ok(s), ==, want);
	}
}

/* The three places that checked roles on their own now share ch_role_ok and
 * still refuse what they refused, with the same codes. */
TEST(role_check_in_the_codecs)
{
	static const uint8_t card[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	uint8_t *buf = NULL;
	size_t n = 0;
	char role[80];

	check_int(ch_member_encode(card, sizeof(card), "home-care-2", &buf, &n), ==, 0);
	free(buf);
	check_int(ch_member_encode(card, sizeof(card), "Home-care", &buf, &n), ==, CH_ERR_VALUE);
	check_int(ch_member_encode(card, sizeof(card), "", &buf, &n), ==, CH_ERR_VALUE);
	check_int(ch_member_encode(card, sizeof(card), NULL, &buf, &n), ==, CH_ERR_VALUE);
	memset(role, 'r', 65);
	role[65] = '\0';
	check_int(ch_member_encode(card, sizeof(card), role, &buf, &n), ==, CH_ERR_TOOBIG);

	uint8_t prov[32], curve[32], seed[KEYS_SEED_LEN];
	memset(prov, 0x11, sizeof(prov));
	memset(curve, 0x22, sizeof(curve));
	memset(seed, 0x33, sizeof(seed));
	keys_secret_t *org = keys_secret_from_seed(KEYS_KIND_ORG, seed);
	check(org != NULL);
	if (org) {
		check_int(keys_cert_make(org, prov, curve, "A B", "gp", 1, 2, &buf, &n), ==, 0);
		free(buf);
		check_int(keys_cert_make(org, prov, curve, "A B", "GP", 1, 2, &buf, &n), ==,
		    CH_ERR_VALUE);
		check_int(keys_cert_make(org, prov, curve, "A B", "", 1, 2, &buf, &n), ==,
		    CH_ERR_VALUE);
		check_int(keys_cert_make(org, prov, curve, "A B", "home nurse", 1, 2, &buf, &n),
		    ==, CH_ERR_VALUE);
		check_int(keys_cert_make(org, prov, curve, "A B", role, 1, 2, &buf, &n), ==,
		    CH_ERR_TOOBIG);
		keys_secret_destroy(&org);
	}

	ch_personreq_t q;
	memset(&q, 0, sizeof(q));
	q.op = CH_PERSON_SET;
	q.person.name = (char *)(uintptr_t)"Marc Peeters";
	q.person.basis = (char *)(uintptr_t)"";
	q.person.role = (char *)(uintptr_t)"trusted-person";
	check_int(ch_personreq_encode(&q, &buf, &n), ==, 0);
	free(buf);
	q.person.role = (char *)(uintptr_t)"Trusted-person";
	check_int(ch_personreq_encode(&q, &buf, &n), ==, CH_ERR_VALUE);
	q.person.role = role; /* 65 bytes: above CH_ROLE_MAX */
	check_int(ch_personreq_encode(&q, &buf, &n), ==, CH_ERR_VALUE);
	role[64] = '\0';
	check_int(ch_personreq_encode(&q, &buf, &n), ==, 0);
	free(buf);
}

TEST(people_roles)
{
	static const char *const people[] = { "patient", "trusted-person",
		"representative", "informal-carer", "contact-point", "deputy-contact-point" };
	static const char *const others[] = { "gp", "home-nurse", "coordinator",
		"social-worker", "Patient", "patients", "trusted person", "contact",
		"deputy-contact-point-2", "", " patient" };

	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		check(ch_role_is_person(people[i]));
		check(ch_role_ok(people[i]));
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		check(!ch_role_is_person(others[i]));
	check(!ch_role_is_person(NULL));
}

/* The vocabulary: every role of the default audience map and every
 * people's role is known, the list shown to users names exactly the known
 * roles, and the words that slipped through before (family, doctor) are
 * refused. */
TEST(role_vocabulary)
{
	static const char *const refused[] = { "family", "doctor", "nurse-practitioner",
		"Gp", "gp ", "", "coordinatie", "home_nurse" };
	ch_charter_t c;
	char list[1024], *tok, *save = NULL;
	size_t n = 0;

	memset(&c, 0, sizeof(c));
	check_int(ch_charter_default_audiences(&c), ==, 0);
	for (int a = 0; a < 4; a++)
		for (size_t i = 0; i < c.aud[a].nroles; i++)
			check(ch_role_known(c.aud[a].roles[i]));
	ch_charter_clear(&c);
	snprintf(list, sizeof(list), "%s", ch_roles_text());
	for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		check(ch_role_known(tok));
		check(ch_role_ok(tok));
		n++;
	}
	check_int(n, ==, 23);
	/* The people's list names exactly the people's roles. */
	snprintf(list, sizeof(list), "%s", ch_roles_person_text());
	n = 0;
	for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		check(ch_role_is_person(tok));
		check(strstr(ch_roles_text(), tok) != NULL);
		n++;
	}
	check_int(n, ==, 6);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		check(!ch_role_known(refused[i]));
	check(!ch_role_known(NULL));
}

/* The kinds of entry, and the value sets of the care kinds' small enums:
 * the words of the client, its JSON and the docs. */
static const struct { uint8_t code; const char *name; } want_kinds[] = {
	{ 1, "note" }, { 2, "goal" }, { 3, "task" }, { 4, "appointment" },
	{ 5, "alert" }, { 6, "ack" }, { 7, "handover" }, { 8, "consent" },
	{ 9, "consultation" }, { 10, "answer" }, { 11, "decision" },
	{ 12, "keep-an-eye" }, { 13, "check-in" }, { 14, "hide" }, { 15, "erase" },
	{ 16, "case-create" }, { 18, "epoch" }, { 20, "history" },
	{ 21, "revocation" }, { 22, "fork" }, { 32, "access" },
};

TEST(kinds)
{
	uint8_t k;
	size_t nk = sizeof(want_kinds) / sizeof(want_kinds[0]);

	for (size_t i = 0; i < nk; i++) {
		check_str(ch_kind_name(want_kinds[i].code), want_kinds[i].name);
		k = 0;
		check_int(ch_kind_parse(want_kinds[i].name, &k), ==, 0);
		check_int(k, ==, want_kinds[i].code);
	}
	check_int(CH_KIND_HIDE, ==, 14);
	check_int(CH_KIND_EPOCH, ==, 18);
	size_t named = 0;
	for (unsigned c = 0; c < 256; c++) {
		const char *n = ch_kind_name((uint8_t)c);
		if (!n)
			continue;
		named++;
		check_int(ch_kind_parse(n, &k), ==, 0);
		check_int(k, ==, c);
	}
	check_int(named, ==, nk);
	/* Requests (64..70) are never entries: no kind name. */
	for (unsigned c = 64; c <= 70; c++)
		check(ch_kind_name((uint8_t)c) == NULL);
	k = 77;
	static const char *const bad[] = { "Note", "keep an eye", "keep_an_eye",
	    "checkin", "acknowledgement", "note ", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_int(ch_kind_parse(bad[i], &k), ==, CH_ERR_VALUE);
	check_int(ch_kind_parse(NULL, &k), ==, CH_ERR_VALUE);
	check_int(k, ==, 77);
}

static const struct { uint8_t set, code; const char *name; } want_values[] = {
	{ CH_SET_WHOSE, 1, "own" }, { CH_SET_WHOSE, 2, "shared" },
	{ CH_SET_GOAL_STATUS, 1, "active" }, { CH_SET_GOAL_STATUS, 2, "reached" },
	{ CH_SET_GOAL_STATUS, 3, "dropped" },
	{ CH_SET_TASK_STATUS, 1, "open" }, { CH_SET_TASK_STATUS, 2, "done" },
	{ CH_SET_TASK_STATUS, 3, "cancelled" },
	{ CH_SET_APPT_STATUS, 1, "planned" }, { CH_SET_APPT_STATUS, 2, "done" },
	{ CH_SET_APPT_STATUS, 3, "cancelled" },
	{ CH_SET_PRIORITY, 1, "normal" }, { CH_SET_PRIORITY, 2, "high" },
	{ CH_SET_PRIORITY, 3, "urgent" },
	{ CH_SET_ISOLATION, 0, "not-assessed" }, { CH_SET_ISOLATION, 1, "not-isolated" },
	{ CH_SET_ISOLATION, 2, "partly-isolated" }, { CH_SET_ISOLATION, 3, "isolated" },
	{ CH_SET_FRAGILITY, 0, "not-assessed" }, { CH_SET_FRAGILITY, 1, "none" },
	{ CH_SET_FRAGILITY, 2, "some" }, { CH_SET_FRAGILITY, 3, "marked" },
	{ CH_SET_NETWORK, 0, "not-assessed" }, { CH_SET_NETWORK, 1, "able" },
	{ CH_SET_NETWORK, 2, "partly-able" }, { CH_SET_NETWORK, 3, "unable" },
	{ CH_SET_PURPOSE, 1, "treatment" }, { CH_SET_PURPOSE, 5, "audit" },
	{ CH_SET_BASIS, 1, "own-consent" }, { CH_SET_BASIS, 2, "written-mandate" },
	{ CH_SET_BASIS, 3, "legal-order" },
	{ CH_SET_HIDE_REASON, 1, "person-asked" },
	{ CH_SET_HIDE_REASON, 2, "posted-in-error" },
};

TEST(value_sets)
{
	uint8_t v;

	for (size_t i = 0; i < sizeof(want_values) / sizeof(want_values[0]); i++) {
		check_str(ch_value_name(want_values[i].set, want_values[i].code),
		    want_values[i].name);
		v = 99;
		check_int(ch_value_parse(want_values[i].set, want_values[i].name, &v), ==, 0);
		check_int(v, ==, want_values[i].code);
	}
	/* Every set: each name parses back to its value, in that set only
	 * where the word is not shared. */
	for (unsigned s = 0; s < 256; s++) {
		size_t named = 0;
		for (unsigned c = 0; c < 256; c++) {
			const char *n = ch_value_name((uint8_t)s, (uint8_t)c);
			if (!n)
				continue;
			named++;
			check_int(ch_value_parse((uint8_t)s, n, &v), ==, 0);
			check_int(v, ==, c);
		}
		check((named > 0) == (s >= 1 && s <= CH_SET_LAST));
	}
	/* The purposes are the purposes of a read. */
	for (unsigned c = 0; c < 256; c++) {
		const char *a = ch_value_name(CH_SET_PURPOSE, (uint8_t)c);
		const char *b = ch_purpose_name((uint8_t)c);
		check((a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0));
	}
	v = 99;
	check_int(ch_value_parse(CH_SET_TASK_STATUS, "planned", &v), ==, CH_ERR_VALUE);
	check_int(ch_value_parse(CH_SET_PRIORITY, "Urgent", &v), ==, CH_ERR_VALUE);
	check_int(ch_value_parse(CH_SET_BASIS, NULL, &v), ==, CH_ERR_VALUE);
	check_int(ch_value_parse(0, "open", &v), ==, CH_ERR_VALUE);
	check_int(ch_value_parse(200, "open", &v), ==, CH_ERR_VALUE);
	check_int(v, ==, 99);
	check(ch_value_name(0, 1) == NULL);
	check(ch_value_name(CH_SET_HIDE_REASON, 0) == NULL);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 2;
	TAP_RUN(audiences);
	TAP_RUN(inert_text);
	TAP_RUN(purposes);
	TAP_RUN(reasons_of_an_epoch);
	TAP_RUN(role_syntax);
	TAP_RUN(role_check_in_the_codecs);
	TAP_RUN(people_roles);
	TAP_RUN(role_vocabulary);
	TAP_RUN(kinds);
	TAP_RUN(value_sets);
	return TAP_DONE();
}
