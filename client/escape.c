/* escape.c - others' text made safe to show on a terminal. See escape.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "cli.h"
#include "escape.h"

/* The length (1 to 4) of the valid UTF-8 sequence at s[0..n), with its
 * code point in *cp; 0 if s does not start one (a stray continuation byte,
 * a truncated sequence, an overlong form, a surrogate, beyond U+10FFFF). */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t k;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		k = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		k = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		k = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < k)
		return 0;
	for (size_t j = 1; j < k; j++) {
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[j] & 0x3f);
	}
	if ((k == 2 && c < 0x80) || (k == 3 && c < 0x800) || (k == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return k;
}

/* The display width of text and its direction: from our own tables, not
 * from wcwidth(3). wcwidth depends on LC_CTYPE (the user's locale, or one we
 * would have to switch to with uselocale, and C.UTF-8 is not everywhere),
 * on the C library and on its version: the same name could line up on one
 * provider's terminal and not on another's, and the tests could not check
 * bytes. The tables below are fixed, so the output is the same everywhere.
 *
 * The rules (those of glibc's and Markus Kuhn's wcwidth):
 *   width 0: the combining marks (general categories Mn, Me: accents of
 *            decomposed Latin, the Arabic harakat U+064B..U+065F, U+0670,
 *            the Hebrew points, the Indic vowel signs), the format
 *            characters (Cf: ZWJ, ZWNJ, the variation selectors, the
 *            isolates this file adds) except the soft hyphen U+00AD, which
 *            terminals show, and the Hangul jamo vowels and finals that join
 *            a syllable (U+1160..U+11FF, U+D7B0..U+D7FF);
 *   width 2: the East Asian Wide and Fullwidth characters (CJK, kana,
 *            Hangul syllables, fullwidth forms, emoji shown as emoji);
 *   width 1: every other character, ambiguous ones (EastAsianWidth A, such
 *            as the "…" of cli_fit) included, as in a Western locale.
 * A character younger than the tables (Unicode 14.0) counts 1, which is
 * what most terminals do too.
 *
 * Strong right-to-left characters are those of bidirectional class R or AL
 * (Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, the
 * presentation forms, the right-to-left scripts of the supplementary
 * planes). U+061C and U+200F are of those classes but are always escaped.
 *
 * Generated, runs of unassigned code points bridged, by this Python 3
 * program (unicodedata of Python 3.11 is Unicode 14.0.0):
 *
 * import unicodedata as u
 * def cat(cp): return u.category(chr(cp))
 * def cn(cp): return cat(cp) == "Cn"
 * def ZW(cp):
 *     if cp == 0xad: return False                      # soft hyphen: shown, 1
 *     if 0x1160 <= cp <= 0x11ff or 0xd7b0 <= cp <= 0xd7ff: return True  # Hangul jamo V/T
 *     return cat(cp) in ('Mn', 'Me', 'Cf')
 * def WIDE(cp):
 *     if any(a <= cp <= b for a, b in ((0x3400, 0x4dbf), (0x4e00, 0x9fff), (0xf900, 0xfaff),
 *                                      (0x20000, 0x2fffd), (0x30000, 0x3fffd))): return True
 *     return u.east_asian_width(chr(cp)) in ('W', 'F') and not ZW(cp) and not cn(cp)
 * def RTL(cp):
 *     return u.bidirectional(chr(cp)) in ('R', 'AL') and cp not in (0x061c, 0x200f)
 * def ranges(yes, bridge):
 *     out, start, last = [], None, None
 *     for cp in range(0x110000):
 *         if yes(cp):
 *             if start is None: start = cp
 *             last = cp
 *         elif start is not None and not bridge(cp):
 *             out.append((start, last)); start = None
 *     if start is not None: out.append((start, last))
 *     return out
 * tables = {
 *     'zero_width': ranges(ZW, cn),
 *     # zero-width characters inside a wide run do not break it (zero_width is looked up first)
 *     'wide': ranges(WIDE, lambda cp: cn(cp) or ZW(cp)),
 *     # neither do marks, digits or invisible characters inside a right-to-left run
 *     'strong_rtl': ranges(RTL, lambda cp: cn(cp) or u.bidirectional(chr(cp)) in ('NSM', 'AN', 'BN')),
 * }
 * for name, r in tables.items():
 *     print('static const range_t %s[] = {' % name)
 *     line = '\t'
 *     for a, b in r:
 *         it = '{ 0x%04x, 0x%04x },' % (a, b)
 *         if len(line.expandtabs()) + len(it) + 1 > 80:
 *             print(line.rstrip()); line = '\t'
 *         line += it + ' '
 *     print(line.rstrip()); print('};')
 */
typedef struct {
	uint32_t lo, hi;
} range_t;

static const range_t zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x05bf, 0x05bf }, { 0x05c1, 0x05c2 }, { 0x05c4, 0x05c5 },
	{ 0x05c7, 0x05c7 }, { 0x0600, 0x0605 }, { 0x0610, 0x061a },
	{ 0x061c, 0x061c }, { 0x064b, 0x065f }, { 0x0670, 0x0670 },
	{ 0x06d6, 0x06dd }, { 0x06df, 0x06e4 }, { 0x06e7, 0x06e8 },
	{ 0x06ea, 0x06ed }, { 0x070f, 0x070f }, { 0x0711, 0x0711 },
	{ 0x0730, 0x074a }, { 0x07a6, 0x07b0 }, { 0x07eb, 0x07f3 },
	{ 0x07fd, 0x07fd }, { 0x0816, 0x0819 }, { 0x081b, 0x0823 },
	{ 0x0825, 0x0827 }, { 0x0829, 0x082d }, { 0x0859, 0x085b },
	{ 0x0890, 0x089f }, { 0x08ca, 0x0902 }, { 0x093a, 0x093a },
	{ 0x093c, 0x093c }, { 0x0941, 0x0948 }, { 0x094d, 0x094d },
	{ 0x0951, 0x0957 }, { 0x0962, 0x0963 }, { 0x0981, 0x0981 },
	{ 0x09bc, 0x09bc }, { 0x09c1, 0x09c4 }, { 0x09cd, 0x09cd },
	{ 0x09e2, 0x09e3 }, { 0x09fe, 0x0a02 }, { 0x0a3c, 0x0a3c },
	{ 0x0a41, 0x0a51 }, { 0x0a70, 0x0a71 }, { 0x0a75, 0x0a75 },
	{ 0x0a81, 0x0a82 }, { 0x0abc, 0x0abc }, { 0x0ac1, 0x0ac8 },
	{ 0x0acd, 0x0acd }, { 0x0ae2, 0x0ae3 }, { 0x0afa, 0x0b01 },
	{ 0x0b3c, 0x0b3c }, { 0x0b3f, 0x0b3f }, { 0x0b41, 0x0b44 },
	{ 0x0b4d, 0x0b56 }, { 0x0b62, 0x0b63 }, { 0x0b82, 0x0b82 },
	{ 0x0bc0, 0x0bc0 }, { 0x0bcd, 0x0bcd }, { 0x0c00, 0x0c00 },
	{ 0x0c04, 0x0c04 }, { 0x0c3c, 0x0c3c }, { 0x0c3e, 0x0c40 },
	{ 0x0c46, 0x0c56 }, { 0x0c62, 0x0c63 }, { 0x0c81, 0x0c81 },
	{ 0x0cbc, 0x0cbc }, { 0x0cbf, 0x0cbf }, { 0x0cc6, 0x0cc6 },
	{ 0x0ccc, 0x0ccd }, { 0x0ce2, 0x0ce3 }, { 0x0d00, 0x0d01 },
	{ 0x0d3b, 0x0d3c }, { 0x0d41, 0x0d44 }, { 0x0d4d, 0x0d4d },
	{ 0x0d62, 0x0d63 }, { 0x0d81, 0x0d81 }, { 0x0dca, 0x0dca },
	{ 0x0dd2, 0x0dd6 }, { 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a },
	{ 0x0e47, 0x0e4e }, { 0x0eb1, 0x0eb1 }, { 0x0eb4, 0x0ebc },
	{ 0x0ec8, 0x0ecd }, { 0x0f18, 0x0f19 }, { 0x0f35, 0x0f35 },
	{ 0x0f37, 0x0f37 }, { 0x0f39, 0x0f39 }, { 0x0f71, 0x0f7e },
	{ 0x0f80, 0x0f84 }, { 0x0f86, 0x0f87 }, { 0x0f8d, 0x0fbc },
	{ 0x0fc6, 0x0fc6 }, { 0x102d, 0x1030 }, { 0x1032, 0x1037 },
	{ 0x1039, 0x103a }, { 0x103d, 0x103e }, { 0x1058, 0x1059 },
	{ 0x105e, 0x1060 }, { 0x1071, 0x1074 }, { 0x1082, 0x1082 },
	{ 0x1085, 0x1086 }, { 0x108d, 0x108d }, { 0x109d, 0x109d },
	{ 0x1160, 0x11ff }, { 0x135d, 0x135f }, { 0x1712, 0x1714 },
	{ 0x1732, 0x1733 }, { 0x1752, 0x1753 }, { 0x1772, 0x1773 },
	{ 0x17b4, 0x17b5 }, { 0x17b7, 0x17bd }, { 0x17c6, 0x17c6 },
	{ 0x17c9, 0x17d3 }, { 0x17dd, 0x17dd }, { 0x180b, 0x180f },
	{ 0x1885, 0x1886 }, { 0x18a9, 0x18a9 }, { 0x1920, 0x1922 },
	{ 0x1927, 0x1928 }, { 0x1932, 0x1932 }, { 0x1939, 0x193b },
	{ 0x1a17, 0x1a18 }, { 0x1a1b, 0x1a1b }, { 0x1a56, 0x1a56 },
	{ 0x1a58, 0x1a60 }, { 0x1a62, 0x1a62 }, { 0x1a65, 0x1a6c },
	{ 0x1a73, 0x1a7f }, { 0x1ab0, 0x1b03 }, { 0x1b34, 0x1b34 },
	{ 0x1b36, 0x1b3a }, { 0x1b3c, 0x1b3c }, { 0x1b42, 0x1b42 },
	{ 0x1b6b, 0x1b73 }, { 0x1b80, 0x1b81 }, { 0x1ba2, 0x1ba5 },
	{ 0x1ba8, 0x1ba9 }, { 0x1bab, 0x1bad }, { 0x1be6, 0x1be6 },
	{ 0x1be8, 0x1be9 }, { 0x1bed, 0x1bed }, { 0x1bef, 0x1bf1 },
	{ 0x1c2c, 0x1c33 }, { 0x1c36, 0x1c37 }, { 0x1cd0, 0x1cd2 },
	{ 0x1cd4, 0x1ce0 }, { 0x1ce2, 0x1ce8 }, { 0x1ced, 0x1ced },
	{ 0x1cf4, 0x1cf4 }, { 0x1cf8, 0x1cf9 }, { 0x1dc0, 0x1dff },
	{ 0x200b, 0x200f }, { 0x202a, 0x202e }, { 0x2060, 0x206f },
	{ 0x20d0, 0x20f0 }, { 0x2cef, 0x2cf1 }, { 0x2d7f, 0x2d7f },
	{ 0x2de0, 0x2dff }, { 0x302a, 0x302d }, { 0x3099, 0x309a },
	{ 0xa66f, 0xa672 }, { 0xa674, 0xa67d }, { 0xa69e, 0xa69f },
	{ 0xa6f0, 0xa6f1 }, { 0xa802, 0xa802 }, { 0xa806, 0xa806 },
	{ 0xa80b, 0xa80b }, { 0xa825, 0xa826 }, { 0xa82c, 0xa82c },
	{ 0xa8c4, 0xa8c5 }, { 0xa8e0, 0xa8f1 }, { 0xa8ff, 0xa8ff },
	{ 0xa926, 0xa92d }, { 0xa947, 0xa951 }, { 0xa980, 0xa982 },
	{ 0xa9b3, 0xa9b3 }, { 0xa9b6, 0xa9b9 }, { 0xa9bc, 0xa9bd },
	{ 0xa9e5, 0xa9e5 }, { 0xaa29, 0xaa2e }, { 0xaa31, 0xaa32 },
	{ 0xaa35, 0xaa36 }, { 0xaa43, 0xaa43 }, { 0xaa4c, 0xaa4c },
	{ 0xaa7c, 0xaa7c }, { 0xaab0, 0xaab0 }, { 0xaab2, 0xaab4 },
	{ 0xaab7, 0xaab8 }, { 0xaabe, 0xaabf }, { 0xaac1, 0xaac1 },
	{ 0xaaec, 0xaaed }, { 0xaaf6, 0xaaf6 }, { 0xabe5, 0xabe5 },
	{ 0xabe8, 0xabe8 }, { 0xabed, 0xabed }, { 0xd7b0, 0xd7ff },
	{ 0xfb1e, 0xfb1e }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	{ 0xfeff, 0xfeff }, { 0xfff9, 0xfffb }, { 0x101fd, 0x101fd },
	{ 0x102e0, 0x102e0 }, { 0x10376, 0x1037a }, { 0x10a01, 0x10a0f },
	{ 0x10a38, 0x10a3f }, { 0x10ae5, 0x10ae6 }, { 0x10d24, 0x10d27 },
	{ 0x10eab, 0x10eac }, { 0x10f46, 0x10f50 }, { 0x10f82, 0x10f85 },
	{ 0x11001, 0x11001 }, { 0x11038, 0x11046 }, { 0x11070, 0x11070 },
	{ 0x11073, 0x11074 }, { 0x1107f, 0x11081 }, { 0x110b3, 0x110b6 },
	{ 0x110b9, 0x110ba }, { 0x110bd, 0x110bd }, { 0x110c2, 0x110cd },
	{ 0x11100, 0x11102 }, { 0x11127, 0x1112b }, { 0x1112d, 0x11134 },
	{ 0x11173, 0x11173 }, { 0x11180, 0x11181 }, { 0x111b6, 0x111be },
	{ 0x111c9, 0x111cc }, { 0x111cf, 0x111cf }, { 0x1122f, 0x11231 },
	{ 0x11234, 0x11234 }, { 0x11236, 0x11237 }, { 0x1123e, 0x1123e },
	{ 0x112df, 0x112df }, { 0x112e3, 0x112ea }, { 0x11300, 0x11301 },
	{ 0x1133b, 0x1133c }, { 0x11340, 0x11340 }, { 0x11366, 0x11374 },
	{ 0x11438, 0x1143f }, { 0x11442, 0x11444 }, { 0x11446, 0x11446 },
	{ 0x1145e, 0x1145e }, { 0x114b3, 0x114b8 }, { 0x114ba, 0x114ba },
	{ 0x114bf, 0x114c0 }, { 0x114c2, 0x114c3 }, { 0x115b2, 0x115b5 },
	{ 0x115bc, 0x115bd }, { 0x115bf, 0x115c0 }, { 0x115dc, 0x115dd },
	{ 0x11633, 0x1163a }, { 0x1163d, 0x1163d }, { 0x1163f, 0x11640 },
	{ 0x116ab, 0x116ab }, { 0x116ad, 0x116ad }, { 0x116b0, 0x116b5 },
	{ 0x116b7, 0x116b7 }, { 0x1171d, 0x1171f }, { 0x11722, 0x11725 },
	{ 0x11727, 0x1172b }, { 0x1182f, 0x11837 }, { 0x11839, 0x1183a },
	{ 0x1193b, 0x1193c }, { 0x1193e, 0x1193e }, { 0x11943, 0x11943 },
	{ 0x119d4, 0x119db }, { 0x119e0, 0x119e0 }, { 0x11a01, 0x11a0a },
	{ 0x11a33, 0x11a38 }, { 0x11a3b, 0x11a3e }, { 0x11a47, 0x11a47 },
	{ 0x11a51, 0x11a56 }, { 0x11a59, 0x11a5b }, { 0x11a8a, 0x11a96 },
	{ 0x11a98, 0x11a99 }, { 0x11c30, 0x11c3d }, { 0x11c3f, 0x11c3f },
	{ 0x11c92, 0x11ca7 }, { 0x11caa, 0x11cb0 }, { 0x11cb2, 0x11cb3 },
	{ 0x11cb5, 0x11cb6 }, { 0x11d31, 0x11d45 }, { 0x11d47, 0x11d47 },
	{ 0x11d90, 0x11d91 }, { 0x11d95, 0x11d95 }, { 0x11d97, 0x11d97 },
	{ 0x11ef3, 0x11ef4 }, { 0x13430, 0x13438 }, { 0x16af0, 0x16af4 },
	{ 0x16b30, 0x16b36 }, { 0x16f4f, 0x16f4f }, { 0x16f8f, 0x16f92 },
	{ 0x16fe4, 0x16fe4 }, { 0x1bc9d, 0x1bc9e }, { 0x1bca0, 0x1cf46 },
	{ 0x1d167, 0x1d169 }, { 0x1d173, 0x1d182 }, { 0x1d185, 0x1d18b },
	{ 0x1d1aa, 0x1d1ad }, { 0x1d242, 0x1d244 }, { 0x1da00, 0x1da36 },
	{ 0x1da3b, 0x1da6c }, { 0x1da75, 0x1da75 }, { 0x1da84, 0x1da84 },
	{ 0x1da9b, 0x1daaf }, { 0x1e000, 0x1e02a }, { 0x1e130, 0x1e136 },
	{ 0x1e2ae, 0x1e2ae }, { 0x1e2ec, 0x1e2ef }, { 0x1e8d0, 0x1e8d6 },
	{ 0x1e944, 0x1e94a }, { 0xe0001, 0xe01ef },
};
static const range_t wide[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x3247 }, { 0x3250, 0x4dbf }, { 0x4e00, 0xa4c6 },
	{ 0xa960, 0xa97c }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
	{ 0xfe10, 0xfe6b }, { 0xff01, 0xff60 }, { 0xffe0, 0xffe6 },
	{ 0x16fe0, 0x1b2fb }, { 0x1f004, 0x1f004 }, { 0x1f0cf, 0x1f0cf },
	{ 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a }, { 0x1f200, 0x1f320 },
	{ 0x1f32d, 0x1f335 }, { 0x1f337, 0x1f37c }, { 0x1f37e, 0x1f393 },
	{ 0x1f3a0, 0x1f3ca }, { 0x1f3cf, 0x1f3d3 }, { 0x1f3e0, 0x1f3f0 },
	{ 0x1f3f4, 0x1f3f4 }, { 0x1f3f8, 0x1f43e }, { 0x1f440, 0x1f440 },
	{ 0x1f442, 0x1f4fc }, { 0x1f4ff, 0x1f53d }, { 0x1f54b, 0x1f54e },
	{ 0x1f550, 0x1f567 }, { 0x1f57a, 0x1f57a }, { 0x1f595, 0x1f596 },
	{ 0x1f5a4, 0x1f5a4 }, { 0x1f5fb, 0x1f64f }, { 0x1f680, 0x1f6c5 },
	{ 0x1f6cc, 0x1f6cc }, { 0x1f6d0, 0x1f6d2 }, { 0x1f6d5, 0x1f6df },
	{ 0x1f6eb, 0x1f6ec }, { 0x1f6f4, 0x1f6fc }, { 0x1f7e0, 0x1f7f0 },
	{ 0x1f90c, 0x1f93a }, { 0x1f93c, 0x1f945 }, { 0x1f947, 0x1f9ff },
	{ 0x1fa70, 0x1faf6 }, { 0x20000, 0x3fffd },
};
static const range_t strong_rtl[] = {
	{ 0x05be, 0x05f4 }, { 0x0608, 0x0608 }, { 0x060b, 0x060b },
	{ 0x060d, 0x060d }, { 0x061b, 0x061b }, { 0x061d, 0x064a },
	{ 0x066d, 0x06d5 }, { 0x06e5, 0x06e6 }, { 0x06ee, 0x06ef },
	{ 0x06fa, 0x07f5 }, { 0x07fa, 0x08c9 }, { 0xfb1d, 0xfb28 },
	{ 0xfb2a, 0xfd3d }, { 0xfd50, 0xfdc7 }, { 0xfdf0, 0xfdfc },
	{ 0xfe70, 0xfefc }, { 0x10800, 0x1091b }, { 0x10920, 0x10b35 },
	{ 0x10b40, 0x10ff6 }, { 0x1e800, 0x1eebb },
};

static int
in_table(const range_t *t, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;

	if (!n || cp < t[0].lo || cp > t[n - 1].hi)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp > t[mid].hi)
			lo = mid + 1;
		else if (cp < t[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

#define IN(t, cp) in_table((t), sizeof(t) / sizeof((t)[0]), (cp))

/* The columns cp takes on a terminal: 0, 1 or 2. Controls (which escaped
 * text never holds) count 0. */
static size_t
cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 0;
	if (cp < 0x300)
		return 1;
	if (IN(zero_width, cp))
		return 0;
	return IN(wide, cp) ? 2 : 1;
}

/* 1 if cp is a strong right-to-left character. */
static int
is_rtl(uint32_t cp)
{
	return cp >= 0x590 && IN(strong_rtl, cp);
}

/* 1 if a terminal or a text renderer acts on the code point cp instead of
 * showing it: a C0 or C1 control, DEL, a bidirectional control, a line or
 * paragraph separator. */
static int
acts(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/* The output so far: written up to cap, counted in full. */
typedef struct {
	char *p;
	size_t cap, len;
} out_t;

static void
put(out_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->cap)
			o->p[o->len] = s[i];
}

/* U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE. */
#define FSI "\xe2\x81\xa8"
#define PDI "\xe2\x81\xa9"

/* With CLI_ESC_ISOLATE, at the start of each line of the output: if the
 * line, u[0..) up to the next newline kept (CLI_ESC_LINES) or the end,
 * holds a strong right-to-left character written as it is, opens an
 * isolate (FSI) and returns 1: the caller closes it (PDI) at the end of
 * the line. Else returns 0. */
static int
isolate_line(out_t *o, const unsigned char *u, size_t n, unsigned flags)
{
	const unsigned char *nl = (flags & CLI_ESC_LINES) ? memchr(u, '\n', n) : NULL;
	size_t end = nl ? (size_t)(nl - u) : n;

	for (size_t i = 0; i < end;) {
		uint32_t cp;
		size_t k = utf8_next(u + i, end - i, &cp);
		if (k && !acts(cp) && is_rtl(cp)) {
			put(o, FSI, 3);
			return 1;
		}
		i += k ? k : 1;
	}
	return 0;
}

size_t
cli_escape(char *out, size_t outlen, const char *s, size_t n, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	out_t o = { out, outlen, 0 };
	char e[16];   /* "\\u" and up to 8 hex digits, as far as the compiler knows */
	size_t i = 0;
	/* JSON carries the text as it is: no isolate there. */
	int iso = (flags & CLI_ESC_ISOLATE) && !(flags & CLI_ESC_JSON);
	int open = iso && isolate_line(&o, u, n, flags);

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_next(u + i, n - i, &cp);
		if (k && !acts(cp)) {
			put(&o, s + i, k);
			i += k;
			continue;
		}
		if (flags & CLI_ESC_LINES) {
			size_t nl = u[i] == '\n' ? 1 :
			    u[i] == '\r' && i + 1 < n && u[i + 1] == '\n' ? 2 : 0;
			if (nl) {
				if (open)
					put(&o, PDI, 3);
				put(&o, "\n", 1);
				i += nl;
				open = iso && isolate_line(&o, u + i, n - i, flags);
				continue;
			}
		}
		if (flags & CLI_ESC_JSON) {
			/* Only inside JSON strings: the structure is ASCII. */
			snprintf(e, sizeof(e), "\\u%04x", k ? (unsigned)cp : 0xfffdu);
		} else if (!k)
			snprintf(e, sizeof(e), "\\x%02x", u[i]);
		else if (cp == '\n' || cp == '\r' || cp == '\t')
			snprintf(e, sizeof(e), "\\%c", cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't');
		else if (cp < 0x80)
			snprintf(e, sizeof(e), "\\x%02x", (unsigned)cp);
		else
			snprintf(e, sizeof(e), "\\u%04x", (unsigned)cp);
		put(&o, e, strlen(e));
		i += k ? k : 1;
	}
	if (open)
		put(&o, PDI, 3);
	if (outlen)
		out[o.len < outlen ? o.len : outlen - 1] = '\0';
	return o.len;
}

char *
cli_escape_dup(const char *s, size_t n, unsigned flags)
{
	size_t len = cli_escape(NULL, 0, s, n, flags);
	char *p = len < SIZE_MAX ? malloc(len + 1) : NULL;
	if (p)
		cli_escape(p, len + 1, s, n, flags);
	return p;
}

void
cli_escape_free(char **p)
{
	if (*p) {
		sodium_memzero(*p, strlen(*p));
		free(*p);
	}
	*p = NULL;
}

void
cli_fail(const char *why)
{
	fflush(stdout);
	fprintf(stderr, "cahier: %s\n", why);
	_exit(EXIT_ERR);
}

const char *
cli_show(cli_shown_t *sh, const char *s)
{
	if (sh->n == CLI_SHOWN_MAX)
		cli_fail(_("internal error: too many fields on one line of output"));
	if (!s)
		s = "";
	if (!(sh->v[sh->n] = cli_escape_dup(s, strlen(s), CLI_ESC_ISOLATE)))
		cli_fail(_("out of memory"));
	return sh->v[sh->n++];
}

const char *
cli_show_fit(cli_shown_t *sh, const char *s, size_t width)
{
	const char *shown = cli_show(sh, s);
	char *fit = cli_fit(shown, width);
	if (!fit)
		cli_fail(_("out of memory"));
	cli_escape_free(&sh->v[sh->n - 1]);
	return sh->v[sh->n - 1] = fit;
}

void
cli_shown_clear(cli_shown_t *sh)
{
	for (size_t i = 0; i < sh->n; i++)
		cli_escape_free(&sh->v[i]);
	sh->n = 0;
}

void
cli_print_lines(FILE *f, const char *indent, const char *text)
{
	char *t = cli_escape_dup(text, strlen(text), CLI_ESC_LINES | CLI_ESC_ISOLATE);
	if (!t)
		cli_fail(_("out of memory"));
	for (const char *p = t; *p;) {
		size_t n = strcspn(p, "\n");
		fputs(indent, f);
		fwrite(p, 1, n, f);
		fputc('\n', f);
		p += n + (p[n] ? 1 : 0);
	}
	cli_escape_free(&t);
}

/* 1 if cp is one of the isolates U+2066..U+2068 (opens) or U+2069 (closes). */
#define OPENS(cp) ((cp) >= 0x2066 && (cp) <= 0x2068)
#define CLOSES(cp) ((cp) == 0x2069)
#define REGIONAL(cp) ((cp) >= 0x1f1e6 && (cp) <= 0x1f1ff)

size_t
cli_width(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), w = 0;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_next(u + i, n - i, &cp);
		w += k ? cp_width(cp) : 1;
		i += k ? k : 1;
	}
	return w;
}

/* The length in bytes of the cluster at u[0..n) (n > 0), its columns in
 * *w: one character and those that go with it, which a cut must not leave
 * behind: the zero-width characters after it (combining marks, variation
 * selectors, ZWJ), the character after a ZWJ (an emoji sequence, a joined
 * letter), the second regional indicator of a flag. An isolate, a control
 * or a byte outside UTF-8 (counted 1) is a cluster by itself. */
static size_t
cluster(const unsigned char *u, size_t n, size_t *w)
{
	uint32_t cp, prev;
	size_t len = utf8_next(u, n, &cp);
	int flag = 0;

	if (!len) {
		*w = 1;
		return 1;
	}
	*w = cp_width(cp);
	if (acts(cp))
		return len;
	prev = cp;
	while (len < n) {
		uint32_t c;
		size_t k = utf8_next(u + len, n - len, &c);
		if (!k || acts(c))
			break;
		if (prev == 0x200d)
			;
		else if (REGIONAL(cp) && REGIONAL(c) && !flag)
			flag = 1;
		else if (cp_width(c) != 0)
			break;
		*w += cp_width(c);
		len += k;
		prev = c;
	}
	return len;
}

char *
cli_fit(const char *s, size_t width)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, used = 0, open = 0;

	if (cli_width(s) <= width)
		return strdup(s);
	if (width > 0) {
		/* The clusters that fit before the "…" (one column). */
		while (i < n) {
			uint32_t cp = 0;
			size_t cw, k = cluster(u + i, n - i, &cw);
			if (used + cw > width - 1)
				break;
			if (utf8_next(u + i, n - i, &cp) && OPENS(cp))
				open++;
			else if (CLOSES(cp) && open)
				open--;
			used += cw;
			i += k;
		}
	}
	/* The prefix, "…" (U+2026), a PDI for each isolate left open. */
	size_t len = i + (width > 0 ? 3 : 0) + 3 * open;
	char *p = malloc(len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, i);
	size_t k = i;
	if (width > 0) {
		memcpy(p + k, "\xe2\x80\xa6", 3);
		k += 3;
	}
	for (; open; open--, k += 3)
		memcpy(p + k, PDI, 3);
	p[k] = '\0';
	return p;
}

void
cli_pad(FILE *f, const char *s, size_t width)
{
	fputs(s, f);
	for (size_t w = cli_width(s); w < width; w++)
		fputc(' ', f);
}
