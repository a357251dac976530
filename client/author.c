/* author.c - who wrote an entry, and whether that verifies. See author.h. */
#include <string.h>
#include <sodium.h>

#include "../proto/charter.h"
#include "author.h"

/* The signed provider request embedded in a daemon-written entry, or NULL.
 * It borrows from p's fields. */
static const uint8_t *
embedded_request(const ch_plain_t *p, size_t *len)
{
	const uint8_t *rq = NULL;
	ch_epoch_t ep;
	ch_history_t hi;

	*len = 0;
	if (p->kind == CH_KIND_HISTORY) {
		if (ch_history_decode(p->fields, p->fieldslen, &hi) == 0) {
			rq = hi.request;
			*len = hi.requestlen;
		}
	} else if (p->kind == CH_KIND_CASE_CREATE || p->kind == CH_KIND_EPOCH) {
		if (ch_epoch_decode(p->fields, p->fieldslen, &ep) == 0) {
			rq = ep.request;
			*len = ep.requestlen;
			ch_epoch_clear(&ep);
		}
	}
	return rq && *len ? rq : NULL;
}

int
cli_author_get(const ch_env_t *env, const uint8_t *plain, size_t n, cli_author_t *a)
{
	ch_plain_t p, rp;
	const uint8_t *signed_body = plain, *rq;
	size_t signed_len = n, rql;
	uint8_t audience = env->audience;
	int rc;

	memset(a, 0, sizeof(*a));
	if ((rc = ch_plain_decode(plain, n, &p)) != 0)
		return rc;
	if (p.certlen && keys_cert_parse(p.cert, p.certlen, &a->cert) == 0)
		a->found = 1;
	else if ((rq = embedded_request(&p, &rql)) != NULL &&
	    ch_plain_decode(rq, rql, &rp) == 0 &&
	    keys_cert_parse(rp.cert, rp.certlen, &a->cert) == 0) {
		/* Requests are signed for the network audience (PROTOCOL.md,
		 * "Requests"), whatever audience the entry is sealed under. */
		a->found = 1;
		signed_body = rq;
		signed_len = rql;
		audience = CH_AUD_NETWORK;
	}
	if (a->found)
		a->verified = ch_env_verify(env) == 0 &&
		    memcmp(a->cert.org_id, env->org, 32) == 0 &&
		    ch_plain_verify(signed_body, signed_len, env->case_id, audience,
		    a->cert.provider) == 0;
	return 0;
}

void
cli_author_clear(cli_author_t *a)
{
	if (a->found)
		keys_cert_clear(&a->cert);
	sodium_memzero(a, sizeof(*a));
}
