/* test_refusal.c - the words of a refusal (proto/refusal.h): golden
 * vectors (also in proto/PROTOCOL.md, "Refusals"), what the decoder
 * refuses, every prefix and every byte changed, the encoder's care of bad
 * arguments, the safe render (%s, %N$s, %% and nothing else); the daemon's
 * builder (daemon/why.h); and the client's words (cli_refusal_words) with
 * a catalogue of its own: a translation used only when its placeholders
 * fit, reasons translated, every argument escaped. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "tap.h"
#include "../client/cli.h"
#include "../daemon/why.h"
#include "../proto/refusal.h"

#define KAT_ROLE "796f757220726f6c65202825732920646f6573206e6f74206f70656e2063617365731f" \
	"747275737465642d706572736f6e"
#define KAT_REASON "63616e6e6f7420636c6f73652074686520636173653a2025731e646174616261736520" \
	"66756c6c"
#define KAT_TWO "2573207761732072656d6f7665642066726f6d207468697320636173652061742065706f" \
	"63682025733a206974206b656570732077686174206974206861642c20616e64206e6f7468696e" \
	"672069742077726974657320746865726520636f756e74731f4d6169736f6e206dc3a964696361" \
	"6c65204e6f72641f37"

static char *
hex(const uint8_t *p, size_t n)
{
	static char buf[2 * CH_REFUSAL_MAX + 1];
	sodium_bin2hex(buf, sizeof(buf), p, n);
	return buf;
}

static ch_refarg_t
arg(const char *s, int msg)
{
	ch_refarg_t a = { s, strlen(s), (uint8_t)msg };
	return a;
}

static int
enc(const char *fmt, const ch_refarg_t *args, size_t n, uint8_t out[CH_REFUSAL_MAX], size_t *len)
{
	ch_refusal_t r;
	memset(&r, 0, sizeof(r));
	r.fmt = fmt;
	r.fmtlen = strlen(fmt);
	r.n = n;
	for (size_t i = 0; i < n && i < CH_REFUSAL_ARGS; i++)
		r.arg[i] = args[i];
	return ch_refusal_encode(&r, out, len);
}

static int
dec(const char *s, ch_refusal_t *r)
{
	return ch_refusal_decode((const uint8_t *)s, strlen(s), r);
}

static uint8_t body[CH_REFUSAL_MAX];
static size_t blen;

TEST(golden_vectors)
{
	ch_refarg_t a[2];
	a[0] = arg("trusted-person", 0);
	check_int(enc("your role (%s) does not open cases", a, 1, body, &blen), ==, 0);
	check_str(hex(body, blen), KAT_ROLE);
	a[0] = arg("database full", 1);
	check_int(enc("cannot close the case: %s", a, 1, body, &blen), ==, 0);
	check_str(hex(body, blen), KAT_REASON);
	a[0] = arg("Maison m\xc3\xa9" "dicale Nord", 0);
	a[1] = arg("7", 0);
	check_int(enc("%s was removed from this case at epoch %s: it keeps what it had, and "
	    "nothing it writes there counts", a, 2, body, &blen), ==, 0);
	check_str(hex(body, blen), KAT_TWO);

	ch_refusal_t r;
	check_int(ch_refusal_decode(body, blen, &r), ==, 0);
	check_int(r.n, ==, 2);
	check_int(r.arg[0].msg, ==, 0);
	check(r.arg[0].n == strlen("Maison m\xc3\xa9" "dicale Nord") &&
	    memcmp(r.arg[0].p, "Maison m\xc3\xa9" "dicale Nord", r.arg[0].n) == 0);
	char text[256];
	check_int(ch_refusal_text(body, blen, text, sizeof(text)), ==, 0);
	check_str(text, "Maison m\xc3\xa9" "dicale Nord was removed from this case at epoch 7: it "
	    "keeps what it had, and nothing it writes there counts");
	/* a line of an older daemon: a format without arguments */
	check_int(dec("no such case at CPAS Elsene", &r), ==, 0);
	check_int(r.n, ==, 0);
}

TEST(what_the_decoder_refuses)
{
	ch_refusal_t r;
	check_int(dec("", &r), ==, CH_ERR_VALUE);                          /* no format */
	check_int(dec("\x1f" "x", &r), ==, CH_ERR_VALUE);
	check_int(dec("role %d", &r), ==, CH_ERR_VALUE);                   /* not %s */
	check_int(dec("role %1$s\x1fx", &r), ==, CH_ERR_VALUE);            /* positional */
	check_int(dec("role %", &r), ==, CH_ERR_VALUE);                    /* a lone % */
	check_int(dec("role %s", &r), ==, CH_ERR_VALUE);                   /* 1 %s, 0 args */
	check_int(dec("role\x1fx", &r), ==, CH_ERR_VALUE);                 /* 0 %s, 1 arg */
	check_int(dec("100%% %s\x1fx", &r), ==, 0);
	check_int(dec("a\tb", &r), ==, CH_ERR_VALUE);                      /* control */
	check_int(dec("a\x7f" "b", &r), ==, CH_ERR_VALUE);
	check_int(dec("caf\xc3", &r), ==, CH_ERR_VALUE);                   /* cut UTF-8 */
	check_int(dec("%s\x1f" "caf\xc3", &r), ==, CH_ERR_VALUE);
	check_int(dec("%s\x1e" "a\tb", &r), ==, CH_ERR_VALUE);             /* a reason: clean */
	check_int(dec("%s\x1e" "a %s", &r), ==, CH_ERR_VALUE);
	check_int(dec("%s\x1e", &r), ==, CH_ERR_VALUE);                    /* an empty reason */
	check_int(dec("%s\x1f" "a\tb\x1b[31m", &r), ==, 0);                /* text may hold controls */
	check_int(dec("%s\x1f", &r), ==, 0);                               /* an empty text */
	uint8_t nul[] = { '%', 's', 0x1f, 'a', 0, 'b' };
	check_int(ch_refusal_decode(nul, sizeof(nul), &r), ==, CH_ERR_VALUE);
	/* the bounds */
	char big[CH_REFUSAL_MAX + 16];
	memset(big, 'a', sizeof(big));
	big[CH_REFUSAL_FMT_MAX] = '\0';
	check_int(dec(big, &r), ==, 0);
	big[CH_REFUSAL_FMT_MAX] = 'a';
	big[CH_REFUSAL_FMT_MAX + 1] = '\0';
	check_int(dec(big, &r), ==, CH_ERR_TOOBIG);
	check_int(ch_refusal_decode((const uint8_t *)big, CH_REFUSAL_MAX + 1, &r), ==, CH_ERR_TOOBIG);
	snprintf(big, sizeof(big), "%%s\x1f");
	memset(big + 3, 'b', CH_REFUSAL_ARG_MAX + 1);
	big[3 + CH_REFUSAL_ARG_MAX + 1] = '\0';
	check_int(dec(big, &r), ==, CH_ERR_TOOBIG);
	big[3 + CH_REFUSAL_ARG_MAX] = '\0';
	check_int(dec(big, &r), ==, 0);
	check_int(dec("%s%s%s%s%s%s%s%s\x1f" "1\x1f" "2\x1f" "3\x1f" "4\x1f" "5\x1f" "6\x1f" "7\x1f" "8",
	    &r), ==, 0);
	check_int(dec("%s%s%s%s%s%s%s%s%s\x1f" "1\x1f" "2\x1f" "3\x1f" "4\x1f" "5\x1f" "6\x1f" "7\x1f"
	    "8\x1f" "9", &r), ==, CH_ERR_TOOBIG);
}

/* Every prefix and every byte changed of a valid body: the decoder answers
 * (0 or an error), and whatever it takes renders in English. */
TEST(every_prefix_and_every_byte)
{
	ch_refarg_t a[2] = { arg("CPAS d'Evere", 0), arg("database full", 1) };
	check_int(enc("cannot open case %s: %s (see the daemon's log)", a, 2, body, &blen), ==, 0);
	ch_refusal_t r;
	char text[CH_REFUSAL_MAX];
	int bad = 0;
	for (size_t n = 0; n <= blen; n++)
		if (ch_refusal_decode(body, n, &r) == 0 &&
		    ch_refusal_text(body, n, text, sizeof(text)) != 0)
			bad++;
	for (size_t i = 0; i < blen; i++)
		for (int v = 0; v < 256; v++) {
			uint8_t t[CH_REFUSAL_MAX];
			memcpy(t, body, blen);
			t[i] = (uint8_t)v;
			if (ch_refusal_decode(t, blen, &r) == 0 &&
			    ch_refusal_text(t, blen, text, sizeof(text)) != 0)
				bad++;
		}
	check_int(bad, ==, 0);
}

TEST(the_encoder_takes_any_argument)
{
	ch_refusal_t r;
	/* separators and bytes that are not UTF-8 become \xHH; controls stay */
	ch_refarg_t a[1] = { { "a\x1f" "b\x1e" "c\xff" "d\x1b" "e", 9, 0 } };
	check_int(enc("name %s", a, 1, body, &blen), ==, 0);
	check_int(ch_refusal_decode(body, blen, &r), ==, 0);
	check_int(r.n, ==, 1);
	check(r.arg[0].n == 18 && memcmp(r.arg[0].p, "a\\x1fb\\x1ec\\xffd\x1b" "e", 18) == 0);
	/* a reason that is not a clean message goes as text */
	a[0] = arg("bad\treason", 1);
	check_int(enc("x: %s", a, 1, body, &blen), ==, 0);
	check_int(ch_refusal_decode(body, blen, &r), ==, 0);
	check_int(r.arg[0].msg, ==, 0);
	a[0] = arg("100%s", 1);
	check_int(enc("x: %s", a, 1, body, &blen), ==, 0);
	check_int(ch_refusal_decode(body, blen, &r), ==, 0);
	check_int(r.arg[0].msg, ==, 0);
	/* a long argument is cut between characters */
	char *longer = malloc(2 * CH_REFUSAL_ARG_MAX + 1);
	for (size_t i = 0; i < CH_REFUSAL_ARG_MAX; i++)
		memcpy(longer + 2 * i, "\xc3\xa9", 2);
	longer[2 * CH_REFUSAL_ARG_MAX] = '\0';
	a[0] = arg(longer, 0);
	check_int(enc("x %s", a, 1, body, &blen), ==, 0);
	check_int(ch_refusal_decode(body, blen, &r), ==, 0);
	check_int(r.arg[0].n, ==, CH_REFUSAL_ARG_MAX);
	memset(longer, 'z', 2 * CH_REFUSAL_ARG_MAX);
	longer[1] = '\x1f';
	a[0] = arg(longer, 0);
	check_int(enc("x %s", a, 1, body, &blen), ==, 0);
	check_int(ch_refusal_decode(body, blen, &r), ==, 0);
	check_int(r.arg[0].n, <=, CH_REFUSAL_ARG_MAX);
	free(longer);
	/* eight arguments at their largest fit the body */
	char *most = malloc(CH_REFUSAL_ARG_MAX + 1);
	memset(most, 'm', CH_REFUSAL_ARG_MAX);
	most[CH_REFUSAL_ARG_MAX] = '\0';
	ch_refarg_t eight[CH_REFUSAL_ARGS];
	for (size_t i = 0; i < CH_REFUSAL_ARGS; i++)
		eight[i] = arg(most, 0);
	char fmt[CH_REFUSAL_FMT_MAX + 1];
	memset(fmt, 'f', CH_REFUSAL_FMT_MAX);
	fmt[CH_REFUSAL_FMT_MAX] = '\0';
	for (size_t i = 0; i < CH_REFUSAL_ARGS; i++)
		memcpy(fmt + 2 * i, "%s", 2);
	check_int(enc(fmt, eight, CH_REFUSAL_ARGS, body, &blen), ==, 0);
	check_int(blen, ==, CH_REFUSAL_MAX);
	check_int(ch_refusal_decode(body, blen, &r), ==, 0);
	free(most);
	/* formats it refuses: the programmer's mistakes */
	check_int(enc("count %d", a, 0, body, &blen), ==, CH_ERR_VALUE);
	check_int(enc("two %s %s", a, 1, body, &blen), ==, CH_ERR_VALUE);
	check_int(enc("", a, 0, body, &blen), ==, CH_ERR_VALUE);
	check_int(enc("%s%s%s%s%s%s%s%s%s", eight, CH_REFUSAL_ARGS + 1, body, &blen), ==, CH_ERR_TOOBIG);
}

static const char *
render(const char *fmt, const ch_refarg_t *a, size_t n)
{
	static char out[256];
	size_t len;
	if (ch_refusal_render(fmt, strlen(fmt), a, n, out, sizeof(out), &len) != 0)
		return "(refused)";
	return out;
}

TEST(render_knows_s_positions_and_percent_only)
{
	ch_refarg_t a[3] = { arg("Ines", 0), arg("CPAS", 0), arg("%s%n%x", 0) };
	check_str(render("%s at %s", a, 2), "Ines at CPAS");
	check_str(render("%2$s: %1$s", a, 2), "CPAS: Ines");
	check_str(render("100%% %s", a, 1), "100% Ines");
	check_str(render("name %s", a + 2, 1), "name %s%n%x");       /* an argument is never a format */
	check_str(render("%s %2$s", a, 2), "(refused)");              /* both kinds */
	check_str(render("%s", a, 2), "(refused)");                   /* an argument left out */
	check_str(render("%1$s %1$s", a, 1), "(refused)");            /* used twice */
	check_str(render("%3$s", a, 2), "(refused)");                 /* no third */
	check_str(render("%d", a, 1), "(refused)");
	check_str(render("%n", a, 1), "(refused)");
	check_str(render("%.8s", a, 1), "(refused)");
	check_str(render("%9$s", a, 1), "(refused)");
	check_str(render("%0$s", a, 1), "(refused)");
	check_str(render("50%", a, 0), "(refused)");
	check_str(render("%1$", a, 1), "(refused)");
	/* like snprintf: the whole length, the text cut to fit */
	char small[6];
	size_t len;
	check_int(ch_refusal_render("%s at %s", 8, a, 2, small, sizeof(small), &len), ==, 0);
	check_int(len, ==, 12);
	check_str(small, "Ines ");
	check_int(ch_refusal_render("%s at %s", 8, a, 2, NULL, 0, &len), ==, 0);
	check_int(len, ==, 12);
}

TEST(the_daemon_builds_its_refusals)
{
	why_t w;
	char num[WHY_NUM_LEN], text[CH_REFUSAL_MAX];
	why_set(&w, "an emergency access lasts at most %s minutes at %s",
	    why_num(num, 240), "CPAS Elsene");
	check_str(why_text(&w, text, sizeof(text)),
	    "an emergency access lasts at most 240 minutes at CPAS Elsene");
	why_set(&w, "cannot close the case: %s", WHY_REASON("database full"));
	check_str(hex(w.body, w.len), KAT_REASON);
	why_set(&w, "no %s of that name", NULL);
	check_str(why_text(&w, text, sizeof(text)), "no  of that name");
	/* a format that does not fit its arguments: said so, never sent */
	why_set(&w, "two %s %s", "one");
	check_str(why_text(&w, text, sizeof(text)), "the daemon could not word its refusal (see its log)");
	why_set(&w, "count %d", "1");
	check_str(why_text(&w, text, sizeof(text)), "the daemon could not word its refusal (see its log)");
}

/* A catalogue of the test's own. */
static const char *
fake_tr(const char *en)
{
	static const char *const tab[][2] = {
		{ "your role (%s) does not open cases", "uw rol (%s) opent geen dossiers" },
		{ "%s is not a member of %s", "%2$s telt %1$s niet onder zijn leden" },
		{ "database full", "databank vol" },
		{ "cannot close the case: %s", "kan het dossier niet sluiten: %s" },
		{ "only %s", "alleen %s en %s" },           /* a bad translation */
		{ "bad reason", "slechte %s reden" },        /* a bad translation of a reason */
		{ "reason %s", "reden %d" },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(en, tab[i][0]) == 0)
			return tab[i][1];
	return en;
}

static char *
words(const char *fmt, const ch_refarg_t *a, size_t n)
{
	static char *last;
	free(last);
	if (enc(fmt, a, n, body, &blen) != 0)
		return last = NULL;
	return last = cli_refusal_words(body, blen, fake_tr);
}

TEST(the_client_words_them_in_its_language)
{
	ch_refarg_t a[2] = { arg("trusted-person", 0), arg("CPAS", 0) };
	check_str(words("your role (%s) does not open cases", a, 1),
	    "uw rol (trusted-person) opent geen dossiers");
	check_str(words("%s is not a member of %s", a, 2), "CPAS telt trusted-person niet onder zijn leden");
	/* not in the catalogue: English */
	check_str(words("no such case %s at %s", a, 2), "no such case trusted-person at CPAS");
	/* a translation whose placeholders do not fit: English */
	check_str(words("only %s", a, 1), "only trusted-person");
	check_str(words("reason %s", a, 1), "reason trusted-person");
	/* a reason translated; a bad translation of it left English */
	a[0] = arg("database full", 1);
	check_str(words("cannot close the case: %s", a, 1), "kan het dossier niet sluiten: databank vol");
	a[0] = arg("bad reason", 1);
	check_str(words("cannot close the case: %s", a, 1), "kan het dossier niet sluiten: bad reason");
	/* a text argument is never translated, even when it is a message */
	a[0] = arg("database full", 0);
	check_str(words("cannot close the case: %s", a, 1),
	    "kan het dossier niet sluiten: database full");
	/* every argument escaped; a conversion in it stays text */
	a[0] = arg("Evere\x1b[2J\n%s%n \xe2\x80\xae" "x", 0);
	check_str(words("your role (%s) does not open cases", a, 1),
	    "uw rol (Evere\\x1b[2J\\n%s%n \\u202ex) opent geen dossiers");
	/* no catalogue at all */
	a[0] = arg("home-nurse", 0);
	check(enc("your role (%s) does not open cases", a, 1, body, &blen) == 0);
	char *en = cli_refusal_words(body, blen, NULL);
	check_str(en, "your role (home-nurse) does not open cases");
	free(en);
	/* a body that does not decode */
	check(cli_refusal_words((const uint8_t *)"role %d", 7, fake_tr) == NULL);
	check(cli_refusal_words((const uint8_t *)"", 0, fake_tr) == NULL);
	free(words("x", NULL, 0));
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	TAP_RUN(golden_vectors);
	TAP_RUN(what_the_decoder_refuses);
	TAP_RUN(every_prefix_and_every_byte);
	TAP_RUN(the_encoder_takes_any_argument);
	TAP_RUN(render_knows_s_positions_and_percent_only);
	TAP_RUN(the_daemon_builds_its_refusals);
	TAP_RUN(the_client_words_them_in_its_language);
	return TAP_DONE();
}
