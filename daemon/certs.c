/* certs.c - the memo of verified provider certificates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "certs.h"

struct certs {
	struct {
		uint8_t hash[32];
		uint8_t provider[32];
		uint8_t org[32];
		char role[KEYS_ROLE_MAX + 1];
		uint64_t from, until;
	} memo[CERTS_MEMO];
	unsigned next;
};

int
certs_new(certs_t **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : CH_ERR_NOMEM;
}

void
certs_destroy(certs_t **cs)
{
	free(*cs);
	*cs = NULL;
}

int
certs_check(certs_t *cs, const uint8_t *cert, size_t certlen,
    const uint8_t org[32], uint64_t time_ms, uint8_t provider[32],
    const char **role)
{
	uint8_t h[32];
	size_t i;

	crypto_generichash(h, sizeof(h), cert, certlen, NULL, 0);
	for (i = 0; i < CERTS_MEMO; i++)
		if (memcmp(cs->memo[i].hash, h, 32) == 0)
			break;
	if (i == CERTS_MEMO) {
		keys_cert_t kc;
		int rc = keys_cert_parse(cert, certlen, &kc);
		if (rc)
			return rc;
		i = cs->next++ % CERTS_MEMO;
		memcpy(cs->memo[i].hash, h, 32);
		memcpy(cs->memo[i].provider, kc.provider, 32);
		memcpy(cs->memo[i].org, kc.org_id, 32);
		snprintf(cs->memo[i].role, sizeof(cs->memo[i].role), "%s", kc.role);
		cs->memo[i].from = kc.valid_from;
		cs->memo[i].until = kc.valid_until;
		keys_cert_clear(&kc);
	}
	if (memcmp(cs->memo[i].org, org, 32) != 0)
		return CH_ERR_VALUE;
	if (time_ms / 1000 < cs->memo[i].from || time_ms / 1000 > cs->memo[i].until)
		return CH_ERR_EXPIRED;
	memcpy(provider, cs->memo[i].provider, 32);
	if (role)
		*role = cs->memo[i].role;
	return 0;
}
