/* tap.h - a tiny TAP harness for the unit tests (run them with prove).
 * TEST(name) { ... } declares a test; check(c), check_int(a, op, b) and
 * check_mem(a, b, n) record failures with file:line; tap_main() runs the
 * tests registered with TAP_RUN(name) in main(). */
#ifndef CAHIER_TAP_H
#define CAHIER_TAP_H

#include <stdio.h>
#include <string.h>
#include <stdint.h>

static int tap_n, tap_failed, tap_cur_failed;

#define check(c) do { if (!(c)) { tap_cur_failed = 1; \
	printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #c); } } while (0)
#define check_int(a, op, b) do { long long tap_a = (long long)(a), tap_b = (long long)(b); \
	if (!(tap_a op tap_b)) { tap_cur_failed = 1; \
	printf("# %s:%d: check failed: %s %s %s (%lld vs %lld)\n", __FILE__, __LINE__, \
	    #a, #op, #b, tap_a, tap_b); } } while (0)
#define check_mem(a, b, n) do { if (memcmp((a), (b), (n)) != 0) { tap_cur_failed = 1; \
	printf("# %s:%d: check failed: memory %s != %s\n", __FILE__, __LINE__, #a, #b); } } while (0)
#define check_str(a, b) do { const char *tap_x = (a), *tap_y = (b); \
	if (!tap_x || !tap_y || strcmp(tap_x, tap_y) != 0) { tap_cur_failed = 1; \
	printf("# %s:%d: check failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
	    tap_x ? tap_x : "(null)", tap_y ? tap_y : "(null)"); } } while (0)

#define TEST(name) static void test_##name(void)
#define TAP_RUN(name) do { tap_cur_failed = 0; test_##name(); tap_n++; \
	if (tap_cur_failed) tap_failed++; \
	printf("%s %d - %s\n", tap_cur_failed ? "not ok" : "ok", tap_n, #name); \
	fflush(stdout); } while (0)
#define TAP_DONE() (printf("1..%d\n", tap_n), tap_failed ? 1 : 0)

/* Hex helper for known-answer vectors. Returns bytes written, or -1. */
static inline int
tap_unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex);
	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (int)(n / 2);
}

/* Makes a fresh directory /tmp/cahier-<name>.<random> into buf (mkdtemp);
 * returns buf, or NULL. */
#include <stdlib.h>
static inline char *
tap_tmpdir(char *buf, size_t n, const char *name)
{
	int k = snprintf(buf, n, "/tmp/cahier-%s.", name);
	if (k < 0 || (size_t)k + 7 > n)
		return NULL;
	memset(buf + k, 'X', 6);
	buf[k + 6] = '\0';
	return mkdtemp(buf);
}

#endif
