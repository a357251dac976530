/* test_escape.c - client/escape.h: every character a terminal acts on (C0,
 * DEL, C1, the bidirectional controls, the line and paragraph separators)
 * and every byte outside valid UTF-8 comes out as a visible escape; text of
 * any script comes out as it went in; the JSON form round-trips through a
 * JSON parser; notes keep their lines, each indented. */
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
	return TAP_DONE();
}
