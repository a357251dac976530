/* test_escape.c - client/escape.h: every character a terminal acts on (C0,
 * DEL, C1, the bidirectional controls, the line and paragraph separators)
 * and every byte outside valid UTF-8 comes out as a visible escape; text of
 * any script comes out as it went in; the JSON form round-trips through a
 * JSON parser; notes keep their lines, each indented. Display widths count
 * columns, not bytes; padding lines up names of any script; cutting never
 * splits a character or its marks; right-to-left text is isolated (one
 * FSI/PDI pair on its line) and never in JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "tap.h"
#include "../client/escape.h"

/* The escaped text of s[0..n) per flags, in a static buffer. */
static const char *
esc(const char *s, size_t n, unsigned flags)
{
	static char out[4096];
	size_t len = cli_escape(out, sizeof(out), s, n, flags);
	if (len >= sizeof(out))
		return "(too long)";
	return out;
}

#define ESC(s) esc((s), strlen(s), 0)

/* 1 if p[0..n) holds a byte a terminal acts on (the classes of escape.h),
 * or one outside valid UTF-8 as far as these tests make it. */
static int
has_raw_control(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	for (size_t i = 0; i < n; i++) {
		if ((u[i] < 0x20 && u[i] != '\n') || u[i] == 0x7f)
			return 1;
		if (u[i] == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f)
			return 1;
		if (u[i] == 0xd8 && i + 1 < n && u[i + 1] == 0x9c)
			return 1;
		if (u[i] == 0xe2 && i + 2 < n && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0x8e || u[i + 2] == 0x8f || (u[i + 2] >= 0xa8 && u[i + 2] <= 0xae)))
			return 1;
		if (u[i] == 0xe2 && i + 2 < n && u[i + 1] == 0x81 && u[i + 2] >= 0xa6 &&
		    u[i + 2] <= 0xa9)
			return 1;
		if (u[i] >= 0xf8)
			return 1;
	}
	return 0;
}

/* The UTF-8 encoding of cp into out (NUL-terminated); returns out. */
static char *
utf8(unsigned cp, char out[5])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		out[1] = 0;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		out[2] = 0;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		out[3] = 0;
	} else {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		out[4] = 0;
	}
	return out;
}

static const unsigned bidi[] = {
	0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
	0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029,
};

TEST(c0_and_del)
{
	char in[8], want[16];

	check_str(ESC("a\nb"), "a\\nb");
	check_str(ESC("a\rb"), "a\\rb");
	check_str(ESC("a\tb"), "a\\tb");
	check_str(ESC("\033[2K"), "\\x1b[2K");
	check_str(ESC("\x7f"), "\\x7f");
	check_str(esc("a\0b", 3, 0), "a\\x00b");
	for (unsigned c = 1; c < 0x20; c++) {
		if (c == '\n' || c == '\r' || c == '\t')
			continue;
		snprintf(in, sizeof(in), "x%cy", (char)c);
		snprintf(want, sizeof(want), "x\\x%02xy", c);
		check_str(ESC(in), want);
	}
	/* The attack of the review: a note that erases its own line and
	 * writes a header signed by someone else. */
	check_str(ESC("ok.\r\033[2K2026-01-01 09:00  Dr. Fake (gp)"),
	    "ok.\\r\\x1b[2K2026-01-01 09:00  Dr. Fake (gp)");
}

TEST(c1)
{
	char in[8], want[16], u[5];

	for (unsigned cp = 0x80; cp <= 0x9f; cp++) {
		snprintf(in, sizeof(in), "x%sy", utf8(cp, u));
		snprintf(want, sizeof(want), "x\\u%04xy", cp);
		check_str(ESC(in), want);
		check_str(esc(in, strlen(in), CLI_ESC_JSON), want);
	}
	/* Its neighbours are text: NBSP, the inverted exclamation mark. */
	check_str(ESC("\xc2\xa0\xc2\xa1"), "\xc2\xa0\xc2\xa1");
}

TEST(bidi_controls)
{
	char in[16], want[16], u[5];

	for (size_t i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		snprintf(in, sizeof(in), "x%sy", utf8(bidi[i], u));
		snprintf(want, sizeof(want), "x\\u%04xy", bidi[i]);
		check_str(ESC(in), want);
		check_str(esc(in, strlen(in), CLI_ESC_JSON), want);
	}
	/* Neighbours that are text or joiners scripts need: ZWNJ, ZWJ,
	 * hyphen, word joiner, the Arabic semicolon and triple dot. */
	static const unsigned keep[] = { 0x200c, 0x200d, 0x2010, 0x2027, 0x202f, 0x2060,
	    0x2065, 0x206a, 0x061b, 0x061d };
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		snprintf(in, sizeof(in), "x%sy", utf8(keep[i], u));
		check_str(ESC(in), in);
	}
}

TEST(text_of_any_script_untouched)
{
	static const char *const texts[] = {
		"Huisbezoek ma. — één patiënt; été, garçon, Œuvre",
		"e\xcc\x81 (NFD)",
		"مرحبا، الضغط ١٢/٨",
		"Привет, давление в норме",
		"日本語 ✓ 한국어",
		"emoji \xf0\x9f\x91\xa9\xe2\x80\x8d\xe2\x9a\x95\xef\xb8\x8f",
		"C:\\Users\\ann \"quoted\" 'single' {json: [1]}",
		"",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		check_str(ESC(texts[i]), texts[i]);
		check_str(esc(texts[i], strlen(texts[i]), CLI_ESC_JSON), texts[i]);
		check_str(esc(texts[i], strlen(texts[i]), CLI_ESC_LINES), texts[i]);
	}
}

TEST(invalid_utf8_shown_as_bytes)
{
	check_str(ESC("a\x80z"), "a\\x80z");                  /* stray continuation */
	check_str(ESC("a\xc3z"), "a\\xc3z");                  /* lead without its tail */
	check_str(ESC("a\xc3"), "a\\xc3");                    /* cut at the end */
	check_str(ESC("a\xe2\x80"), "a\\xe2\\x80");           /* cut at the end */
	check_str(ESC("\xc0\xaf"), "\\xc0\\xaf");             /* overlong '/' */
	check_str(ESC("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");    /* overlong */
	check_str(ESC("\xed\xa0\x80"), "\\xed\\xa0\\x80");    /* a surrogate */
	check_str(ESC("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");   /* > U+10FFFF */
	check_str(ESC("\xf8\xff\xfe"), "\\xf8\\xff\\xfe");
	/* A C1 control written overlong is not let through either. */
	check_str(ESC("\xe0\x82\x9b"), "\\xe0\\x82\\x9b");
	/* A valid character right after an invalid byte survives. */
	check_str(ESC("\xc3\xc3\xa9"), "\\xc3\xc3\xa9");
	check_str(esc("\xc3z\xff", 3, CLI_ESC_JSON), "\\ufffdz\\ufffd");
}

TEST(lines)
{
	check_str(esc("a\nb\r\nc\rd", 8, CLI_ESC_LINES), "a\nb\nc\\rd");
	check_str(esc("a\n\033[2Kb", 7, CLI_ESC_LINES), "a\n\\x1b[2Kb");
	check_str(ESC("a\r\nb"), "a\\r\\nb");

	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	check(f != NULL);
	if (!f)
		return;
	cli_print_lines(f, "    ", "first\nsecond\r\n\rforged header\n\nlast\xe2\x80\xae");
	fclose(f);
	check_str(buf, "    first\n    second\n    \\rforged header\n    \n    last\\u202e\n");
	free(buf);
}

TEST(bounded_like_snprintf)
{
	char out[8];
	memset(out, 'Z', sizeof(out));
	check_int(cli_escape(out, sizeof(out), "ab\033cd", 5, 0), ==, 8);
	check_str(out, "ab\\x1bc");
	check_int(cli_escape(NULL, 0, "\xe2\x80\xae", 3, 0), ==, 6);
	memset(out, 'Z', sizeof(out));
	check_int(cli_escape(out, 1, "abc", 3, 0), ==, 3);
	check_int(out[0], ==, 0);
	check_int(out[1], ==, 'Z');
	/* The worst case: six bytes out for each byte in. */
	check_int(cli_escape(NULL, 0, "\x01\x02\x03", 3, CLI_ESC_JSON), ==, 18);
}

TEST(dup_and_shown)
{
	char *p = cli_escape_dup("x\033y", 3, 0);
	check_str(p, "x\\x1by");
	cli_escape_free(&p);
	check(p == NULL);
	cli_escape_free(&p);

	cli_shown_t sh = { { NULL }, 0 };
	check_str(cli_show(&sh, "Bob \xc2\x9b" "31m"), "Bob \\u009b31m");
	check_str(cli_show(&sh, NULL), "");
	check_str(cli_show(&sh, "Inès"), "Inès");
	check_int(sh.n, ==, 3);
	cli_shown_clear(&sh);
	check_int(sh.n, ==, 0);
	check(sh.v[0] == NULL);
}

#define FSI "\xe2\x81\xa8"
#define PDI "\xe2\x81\xa9"
#define ELL "\xe2\x80\xa6"

/* Names of the tests below. */
#define MULLER "M\xc3\xbcller"                /* precomposed u-diaeresis */
#define MULLER_NFD "Mu\xcc\x88ller"           /* u + combining diaeresis */
#define MOHAMMED "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf"   /* محمد */
/* مُحَمَّد: the same with damma, fatha, fatha+shadda (harakat, width 0) */
#define MOHAMMED_H "\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e\xd9\x85\xd9\x8e\xd9\x91\xd8\xaf"
#define ANDRE "Andr\xc3\xa9"
#define WANG "\xe7\x8e\x8b\xe7\xa7\x80\xe8\x8b\xb1"    /* 王秀英 */
#define GRIN "\xf0\x9f\x98\x80"                       /* U+1F600 */
#define SHALOM "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"      /* שלום */

/* The number of times needle occurs in hay. */
static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

TEST(width)
{
	check_int(cli_width(""), ==, 0);
	check_int(cli_width("Jansen"), ==, 6);
	check_int(cli_width(MULLER), ==, 6);
	check_int(strlen(MULLER), ==, 7);
	check_int(cli_width(MULLER_NFD), ==, 6);
	check_int(strlen(MULLER_NFD), ==, 8);
	check_int(cli_width(MOHAMMED), ==, 4);
	check_int(strlen(MOHAMMED), ==, 8);
	check_int(cli_width(MOHAMMED_H), ==, 4);
	check_int(cli_width("\xd9\xb0"), ==, 0);              /* U+0670 superscript alef */
	check_int(cli_width(ANDRE), ==, 5);
	check_int(cli_width(WANG), ==, 6);
	check_int(cli_width(GRIN), ==, 2);
	check_int(cli_width("\xef\xbc\xa1"), ==, 2);          /* U+FF21 fullwidth A */
	check_int(cli_width("\xea\xb0\x80"), ==, 2);          /* U+AC00 Hangul syllable */
	check_int(cli_width("\xe2\x9c\x93"), ==, 1);          /* U+2713 check mark */
	check_int(cli_width("\xc2\xad"), ==, 1);              /* soft hyphen: shown */
	check_int(cli_width("a\xe2\x80\x8d" "b"), ==, 2);     /* ZWJ */
	check_int(cli_width("\xe2\x9d\xa4\xef\xb8\x8f"), ==, 1);   /* heart + VS16 */
	check_int(cli_width(FSI MOHAMMED PDI), ==, 4);        /* isolates: 0 */
	check_int(cli_width("\xd9\xa1\xd9\xa2"), ==, 2);      /* Arabic-Indic digits */
	/* What escaping adds is ASCII: one column a byte. */
	cli_shown_t sh = { { NULL }, 0 };
	check_int(cli_width(cli_show(&sh, "a\033b")), ==, 6);
	check_int(cli_width(cli_show(&sh, MOHAMMED)), ==, 4);
	check_int(cli_width(cli_show(&sh, "x\xe2\x80\xaey")), ==, 8);
	cli_shown_clear(&sh);
	/* A byte outside UTF-8 (never in escaped text) counts 1. */
	check_int(cli_width("a\xff" "b"), ==, 3);
}

/* Prints a table of names, each padded to 12 columns between bars, and
 * checks every line's bytes and that each bar falls on the same column. */
TEST(pad_aligns)
{
	static const char *const names[] = {
		"Jansen", MULLER, MULLER_NFD, MOHAMMED, MOHAMMED_H, ANDRE, WANG, GRIN,
		"a much longer name",
	};
	static const char *const want[] = {
		"|Jansen      |home-care\n",
		"|" MULLER "      |home-care\n",
		"|" MULLER_NFD "      |home-care\n",
		"|" FSI MOHAMMED PDI "        |home-care\n",
		"|" FSI MOHAMMED_H PDI "        |home-care\n",
		"|" ANDRE "       |home-care\n",
		"|" WANG "      |home-care\n",
		"|" GRIN "          |home-care\n",
		"|a much longer name|home-care\n",     /* printed whole, like %-12s */
	};
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	check(f != NULL);
	if (!f)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cli_shown_t sh = { { NULL }, 0 };
		fputc('|', f);
		cli_pad(f, cli_show(&sh, names[i]), 12);
		fputs("|home-care\n", f);
		cli_shown_clear(&sh);
	}
	fclose(f);
	const char *line = buf;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		size_t len = strcspn(line, "\n") + 1;
		char got[128];
		snprintf(got, sizeof(got), "%.*s", (int)len, line);
		check_str(got, want[i]);
		/* The second bar on display column 13 (the long name aside). */
		const char *bar = strchr(got + 1, '|');
		check(bar != NULL);
		if (bar && i + 1 < sizeof(want) / sizeof(want[0])) {
			char before[128];
			snprintf(before, sizeof(before), "%.*s", (int)(bar - got), got);
			check_int(cli_width(before), ==, 13);
		}
		line += len;
	}
	check(*line == '\0');
	free(buf);
	/* Exactly the width, or wider: no padding. */
	f = open_memstream(&buf, &n);
	check(f != NULL);
	if (!f)
		return;
	cli_pad(f, WANG, 6);
	cli_pad(f, WANG, 5);
	cli_pad(f, "", 2);
	fclose(f);
	check_str(buf, WANG WANG "  ");
	free(buf);
}

/* 1 if s is valid UTF-8: cli_escape shows a byte outside it as \xHH (s
 * holds no backslash nor C0 control in these tests). */
static int
valid_utf8(const char *s)
{
	return strstr(ESC(s), "\\x") == NULL;
}

TEST(fit)
{
	char *p;

#define FIT(s, w, want) do { p = cli_fit((s), (w)); check_str(p, (want)); \
	if (p) { check_int(cli_width(p), <=, (w)); } cli_escape_free(&p); } while (0)
	FIT("Jansen", 6, "Jansen");
	FIT("Jansen", 10, "Jansen");
	FIT("Jansen", 5, "Jans" ELL);
	FIT("Jansen", 1, ELL);
	FIT("Jansen", 0, "");
	FIT(MULLER, 3, "M\xc3\xbc" ELL);
	FIT(MULLER_NFD, 3, "Mu\xcc\x88" ELL);       /* the mark stays with its u */
	FIT(MULLER_NFD, 2, "M" ELL);                /* or goes with it */
	FIT(WANG, 4, "\xe7\x8e\x8b" ELL);           /* 2 + 1: the next would be 5 */
	FIT(WANG, 3, "\xe7\x8e\x8b" ELL);
	FIT(WANG, 2, ELL);
	FIT(GRIN "x", 2, ELL);
	FIT(MOHAMMED_H, 3, "\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e" ELL);
	/* A ZWJ sequence (woman health worker) is not cut inside. */
	FIT("ab\xf0\x9f\x91\xa9\xe2\x80\x8d\xe2\x9a\x95\xef\xb8\x8f" "cd", 5, "ab" ELL);
	/* A flag (two regional indicators) neither. */
	FIT("a\xf0\x9f\x87\xa7\xf0\x9f\x87\xaa" "bc", 3, "a" ELL);
	FIT("a\xf0\x9f\x87\xa7\xf0\x9f\x87\xaa" "bc", 4, "a\xf0\x9f\x87\xa7\xf0\x9f\x87\xaa" ELL);
	/* An isolate cut inside is closed after the "…". */
	FIT(FSI MOHAMMED PDI " (gp)", 4, FSI "\xd9\x85\xd8\xad\xd9\x85" ELL PDI);
	FIT(FSI MOHAMMED PDI " (gp)", 6, FSI MOHAMMED PDI " " ELL);
	FIT("x" FSI MOHAMMED PDI, 1, ELL);
#undef FIT

	/* Every width, every name: valid UTF-8, no more columns than asked,
	 * and the cut (before the "…") never followed by a zero-width mark
	 * left behind. */
	static const char *const names[] = {
		"Jansen", MULLER, MULLER_NFD, MOHAMMED, MOHAMMED_H, ANDRE, WANG, GRIN,
		"e\xcc\x81\xcc\x81\xcc\x81 x", FSI MOHAMMED_H PDI " 12", "\xd9\xb0\xd9\x8b" "ab",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (size_t w = 0; w <= cli_width(names[i]) + 1; w++) {
			p = cli_fit(names[i], w);
			check(p != NULL);
			if (!p)
				continue;
			check(valid_utf8(p));
			check_int(cli_width(p), <=, w);
			check_int(count(p, FSI), ==, count(p, PDI));
			char *ell = strstr(p, ELL);
			if (ell) {
				size_t kept = (size_t)(ell - p);
				check_mem(p, names[i], kept);
				const unsigned char *next = (const unsigned char *)names[i] + kept;
				/* U+0300..U+036F, U+064B..U+065F, U+0670 */
				check(!(next[0] == 0xcc || (next[0] == 0xcd && next[1] < 0xb0)));
				check(!(next[0] == 0xd9 && ((next[1] >= 0x8b && next[1] <= 0x9f) ||
				    next[1] == 0xb0)));
			} else
				check_str(p, w || !cli_width(names[i]) ? names[i] : "");
			cli_escape_free(&p);
		}

	cli_shown_t sh = { { NULL }, 0 };
	check_str(cli_show_fit(&sh, MOHAMMED_H, 3), FSI "\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e" ELL PDI);
	check_str(cli_show_fit(&sh, "Dr. \033[2K", 6), "Dr. \\" ELL);
	check_str(cli_show_fit(&sh, ANDRE, 5), ANDRE);
	check_int(sh.n, ==, 3);
	cli_shown_clear(&sh);
}

TEST(rtl_isolated)
{
	cli_shown_t sh = { { NULL }, 0 };

	check_str(cli_show(&sh, MOHAMMED), FSI MOHAMMED PDI);
	check_str(cli_show(&sh, SHALOM), FSI SHALOM PDI);
	check_str(cli_show(&sh, "Dr. " MOHAMMED " (gp)"), FSI "Dr. " MOHAMMED " (gp)" PDI);
	/* Left-to-right text, digits alone, an escaped Arabic letter mark:
	 * nothing to isolate. */
	check_str(cli_show(&sh, "Jansen"), "Jansen");
	check_str(cli_show(&sh, WANG), WANG);
	check_str(cli_show(&sh, "\xd9\xa1\xd9\xa2"), "\xd9\xa1\xd9\xa2");
	check_str(cli_show(&sh, "x\xd8\x9cy"), "x\\u061cy");
	cli_shown_clear(&sh);

	/* The text's own bidi controls are escaped, an override or a PDI
	 * meant to close the client's isolate early among them: the pair is
	 * the client's, the only one. */
	const char *s = cli_show(&sh, MOHAMMED "\xe2\x80\xae" "X");
	check_str(s, FSI MOHAMMED "\\u202eX" PDI);
	check(strstr(s, "\xe2\x80\xae") == NULL);
	s = cli_show(&sh, MOHAMMED PDI " evil " FSI);
	check_str(s, FSI MOHAMMED "\\u2069 evil \\u2068" PDI);
	check_int(count(s, FSI), ==, 1);
	check_int(count(s, PDI), ==, 1);
	cli_shown_clear(&sh);

	/* A line of a table: the columns after the name stay where and in the
	 * order they are written, bytewise, after the one PDI. */
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	check(f != NULL);
	if (!f)
		return;
	fputs("  ", f);
	cli_pad(f, cli_show(&sh, MOHAMMED " 12"), 10);
	fputc(' ', f);
	cli_pad(f, cli_show(&sh, "huisarts"), 10);
	fputs(" 42 entries\n", f);
	cli_shown_clear(&sh);
	fclose(f);
	check_str(buf, "  " FSI MOHAMMED " 12" PDI "    huisarts   42 entries\n");
	check_int(count(buf, FSI), ==, 1);
	check_int(count(buf, PDI), ==, 1);
	check(strstr(buf, PDI) < strstr(buf, "huisarts"));
	free(buf);

	/* JSON carries the text as it is. */
	check_str(esc(MOHAMMED, strlen(MOHAMMED), CLI_ESC_JSON | CLI_ESC_ISOLATE), MOHAMMED);
	check_str(esc(MOHAMMED "\xe2\x80\xae", strlen(MOHAMMED) + 3,
	    CLI_ESC_JSON | CLI_ESC_ISOLATE), MOHAMMED "\\u202e");
	/* Without the flag, as before. */
	check_str(ESC(MOHAMMED), MOHAMMED);
	/* Bounded like snprintf, isolates counted. */
	char out[6];
	check_int(cli_escape(out, sizeof(out), MOHAMMED, strlen(MOHAMMED), CLI_ESC_ISOLATE), ==,
	    strlen(MOHAMMED) + 6);
	check_str(out, FSI "\xd9\x85");
}

TEST(rtl_lines)
{
	/* Each line of a note isolated on its own, closed before its newline. */
	check_str(esc("ok\n" MOHAMMED " 12\r\nx", strlen("ok\n" MOHAMMED " 12\r\nx"),
	    CLI_ESC_LINES | CLI_ESC_ISOLATE), "ok\n" FSI MOHAMMED " 12" PDI "\nx");
	/* Without CLI_ESC_LINES the note is one line: one pair. */
	check_str(esc(MOHAMMED "\n" SHALOM, strlen(MOHAMMED "\n" SHALOM), CLI_ESC_ISOLATE),
	    FSI MOHAMMED "\\n" SHALOM PDI);

	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	check(f != NULL);
	if (!f)
		return;
	cli_print_lines(f, "    ", "Huisbezoek ok\n" MOHAMMED_H ": " "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7"
	    "\r\n\nlast " SHALOM "\xe2\x80\xae");
	fclose(f);
	check_str(buf, "    Huisbezoek ok\n"
	    "    " FSI MOHAMMED_H ": \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7" PDI "\n"
	    "    \n"
	    "    " FSI "last " SHALOM "\\u202e" PDI "\n");
	free(buf);
}

/* What jansson dumps, escaped for JSON, parses back to the same string,
 * and holds none of the bytes a terminal acts on. */
TEST(json_round_trip)
{
	char s[512], u[5];
	size_t k = 0;

	k += (size_t)snprintf(s + k, sizeof(s) - k, "note\r\033[2K\x7f\t\n");
	for (unsigned cp = 0x80; cp <= 0x9f; cp++)
		k += (size_t)snprintf(s + k, sizeof(s) - k, "%s", utf8(cp, u));
	for (size_t i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++)
		k += (size_t)snprintf(s + k, sizeof(s) - k, "%s", utf8(bidi[i], u));
	k += (size_t)snprintf(s + k, sizeof(s) - k, " été مرحبا Привет \"q\" \\ /");
	json_t *o = json_pack("{s:s}", "text", s);
	check(o != NULL);
	char *dumped = json_dumps(o, JSON_COMPACT);
	check(dumped != NULL);
	if (!o || !dumped)
		return;
	check(has_raw_control(dumped, strlen(dumped)));   /* jansson alone leaves some */
	char *e = cli_escape_dup(dumped, strlen(dumped), CLI_ESC_JSON);
	check(e != NULL);
	check(!has_raw_control(e, strlen(e)));
	check(strchr(e, '\n') == NULL);
	json_error_t err;
	json_t *back = json_loads(e, 0, &err);
	check(back != NULL);
	check_str(json_string_value(json_object_get(back, "text")), s);
	json_decref(back);
	cli_escape_free(&e);
	free(dumped);
	json_decref(o);
}

int
main(void)
{
	TAP_RUN(c0_and_del);
	TAP_RUN(c1);
	TAP_RUN(bidi_controls);
	TAP_RUN(text_of_any_script_untouched);
	TAP_RUN(invalid_utf8_shown_as_bytes);
	TAP_RUN(lines);
	TAP_RUN(bounded_like_snprintf);
	TAP_RUN(dup_and_shown);
	TAP_RUN(json_round_trip);
	TAP_RUN(width);
	TAP_RUN(pad_aligns);
	TAP_RUN(fit);
	TAP_RUN(rtl_isolated);
	TAP_RUN(rtl_lines);
	return TAP_DONE();
}
