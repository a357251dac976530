/* fuzz_cert.c - keys_cert_parse: an accepted certificate has a non-empty
 * UTF-8 name, a valid role and an ordered validity period. */
#include "fuzz.h"
#include "../../keys/keys.h"
#include "../../proto/cbuf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	keys_cert_t c;

	fuzz_init();
	if (keys_cert_parse(data, size, &c) == 0) {
		FUZZ_CHECK(c.name != NULL && c.name[0] != '\0');
		FUZZ_CHECK(ch_utf8_valid((const uint8_t *)c.name, strlen(c.name)));
		FUZZ_CHECK(strlen(c.name) <= KEYS_NAME_MAX);
		FUZZ_CHECK(c.role != NULL && c.role[0] != '\0');
		FUZZ_CHECK(strlen(c.role) <= KEYS_ROLE_MAX);
		FUZZ_CHECK(c.valid_from <= c.valid_until);
		FUZZ_CHECK(keys_cert_check_time(&c, c.valid_from) == 0);
		FUZZ_CHECK(memcmp(c.sig, data + size - KEYS_SIG_LEN,
		    KEYS_SIG_LEN) == 0);
		keys_cert_clear(&c);
		FUZZ_CHECK(c.name == NULL && c.role == NULL);
	} else
		FUZZ_CHECK(c.name == NULL && c.role == NULL);
	return 0;
}
