/* test_keyring.c - the welcome keys held in memory while a case is joined:
 * the latest welcome of a (case, epoch) wins, and a full table makes room
 * for a new one by dropping the oldest, so a daemon joins any number of
 * cases in its life. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "tap.h"
#include "../daemon/keyring.h"

static void
case_of(uint8_t id[16], unsigned i)
{
	memset(id, 0, 16);
	memcpy(id, &i, sizeof(i));
}

TEST(latest_wins)
{
	keyring_t *kr;
	uint8_t id[16], k1[32], k2[32], got[32];
	check(keyring_new(NULL, &kr) == 0);
	case_of(id, 1);
	memset(k1, 1, 32);
	memset(k2, 2, 32);
	check(keyring_welcome_get(kr, id, 0, got) == CH_ERR_NOKEY);
	keyring_welcome_put(kr, id, 0, k1);
	keyring_welcome_put(kr, id, 0, k2);
	check(keyring_welcome_get(kr, id, 0, got) == 0);
	check_mem(got, k2, 32);
	check(keyring_welcome_get(kr, id, 1, got) == CH_ERR_NOKEY);
	keyring_destroy(&kr);
}

TEST(full_table_drops_the_oldest)
{
	keyring_t *kr;
	uint8_t id[16], k[32], got[32];
	unsigned n = KEYRING_WELCOME_MAX + 44;
	check(keyring_new(NULL, &kr) == 0);
	for (unsigned i = 0; i < n; i++) {
		case_of(id, i);
		memset(k, (int)(i & 0xff), 32);
		keyring_welcome_put(kr, id, 1, k);
	}
	for (unsigned i = 0; i < n; i++) {
		case_of(id, i);
		int held = keyring_welcome_get(kr, id, 1, got) == 0;
		check_int(held, ==, i >= n - KEYRING_WELCOME_MAX);
		if (held)
			check(got[0] == (uint8_t)(i & 0xff));
	}
	keyring_destroy(&kr);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	TAP_RUN(latest_wins);
	TAP_RUN(full_table_drops_the_oldest);
	return TAP_DONE();
}
