/* recovery.c - the paper recovery key of an identity's seed (keys.h,
 * KEYS-FORMAT.md "Recovery key"): digits a person copies by hand and types
 * back, each group with a check digit, so that a slip is found and named. */
#include <string.h>
#include <sodium.h>

#include "keys.h"

/* Damm's quasigroup of order 10: one check digit that finds every single
 * wrong digit and every swap of two neighbours. */
static const uint8_t damm[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 }, { 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 }, { 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 }, { 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 }, { 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 }, { 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
};

/* The check digit of group g (0..KEYS_RECOVERY_GROUPS-1) holding the five
 * digits d: Damm over the group's number (two digits) then d, so that a
 * group typed in another group's place is found too. */
static int
check_digit(int g, const char d[5])
{
	int c = 0;
	c = damm[c][(g / 10) % 10];
	c = damm[c][g % 10];
	for (int i = 0; i < 5; i++)
		c = damm[c][d[i] - '0'];
	return c;
}

static void
checksum(const uint8_t seed[KEYS_SEED_LEN], uint8_t out[4])
{
	static const char dom[] = "cahier-recovery-v1";
	crypto_generichash_state st;
	uint8_t h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)dom, sizeof(dom) - 1);
	crypto_generichash_update(&st, seed, KEYS_SEED_LEN);
	crypto_generichash_final(&st, h, sizeof(h));
	memcpy(out, h, 4);
	sodium_memzero(h, sizeof(h));
}

void
keys_recovery_encode(const uint8_t seed[KEYS_SEED_LEN], char out[KEYS_RECOVERY_TEXT])
{
	uint8_t b[KEYS_SEED_LEN + 4];
	char *q = out;
	memcpy(b, seed, KEYS_SEED_LEN);
	checksum(seed, b + KEYS_SEED_LEN);
	for (int g = 0; g < KEYS_RECOVERY_GROUPS; g++) {
		unsigned v = (unsigned)b[2 * g] << 8 | b[2 * g + 1];
		char d[6];
		d[0] = (char)('0' + v / 10000);
		d[1] = (char)('0' + v / 1000 % 10);
		d[2] = (char)('0' + v / 100 % 10);
		d[3] = (char)('0' + v / 10 % 10);
		d[4] = (char)('0' + v % 10);
		d[5] = (char)('0' + check_digit(g, d));
		if (g)
			*q++ = g % KEYS_RECOVERY_PER_LINE ? ' ' : '\n';
		memcpy(q, d, 6);
		q += 6;
	}
	*q = '\0';
	sodium_memzero(b, sizeof(b));
}

int
keys_recovery_decode(const char *text, uint8_t seed[KEYS_SEED_LEN], int *bad_group)
{
	uint8_t b[KEYS_SEED_LEN + 4], sum[4];
	char d[KEYS_RECOVERY_GROUPS * 6];
	size_t n = 0;
	int rc = 0;

	*bad_group = -1;
	for (const char *p = text; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == sizeof(d)) {
				rc = KEYS_RECOVERY_LENGTH;
				goto out;
			}
			d[n++] = *p;
		} else if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '-') {
			rc = KEYS_RECOVERY_CHAR;
			goto out;
		}
	}
	if (n != sizeof(d)) {
		rc = KEYS_RECOVERY_LENGTH;
		goto out;
	}
	for (int g = 0; g < KEYS_RECOVERY_GROUPS; g++) {
		const char *q = d + 6 * g;
		unsigned v = 0;
		for (int i = 0; i < 5; i++)
			v = v * 10 + (unsigned)(q[i] - '0');
		if (v > 65535 || check_digit(g, q) != q[5] - '0') {
			*bad_group = g + 1;
			rc = KEYS_RECOVERY_GROUP;
			goto out;
		}
		b[2 * g] = (uint8_t)(v >> 8);
		b[2 * g + 1] = (uint8_t)v;
	}
	checksum(b, sum);
	if (sodium_memcmp(sum, b + KEYS_SEED_LEN, 4) != 0) {
		rc = KEYS_RECOVERY_SUM;
		goto out;
	}
	memcpy(seed, b, KEYS_SEED_LEN);
out:
	sodium_memzero(b, sizeof(b));
	sodium_memzero(d, sizeof(d));
	return rc;
}
