/* entry.h - the entry: a signed envelope in clear, and its body, sealed
 * under a case epoch key. Pure: no I/O. See PROTOCOL.md for every byte. */
#ifndef CAHIER_ENTRY_H
#define CAHIER_ENTRY_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define CH_CASE_LEN 16
#define CH_HASH_LEN 32
#define CH_SIG_LEN 64
#define CH_ENV_HDR_LEN 142     /* signed part of the envelope */
#define CH_ENV_LEN 206         /* header + org signature */
#define CH_AAD_LEN 106         /* header up to (not incl.) body_len */
#define CH_BODY_MAX (1u << 20) /* sealed body, bytes */
#define CH_TEXT_MAX (64u * 1024)
#define CH_SLOTS_MAX 512   /* 64 orgs x 6 audiences, with room */
#define CH_SEALED_KEY_LEN 80   /* crypto_box_seal of a 32-byte key */
#define CH_FEEDS_MAX 256       /* orgs in one case */
#define CH_ACCESS_RANGES_MAX 1024 /* ranges in an access record: a page of
                                   * CH_PAGE_MAX entries, each its own range */

/* Audiences (issue 3 adds the others' keys; the codes are fixed now). */
enum {
	CH_AUD_NETWORK = 1, CH_AUD_CARE = 2, CH_AUD_MEDICAL = 3,
	CH_AUD_SOCIAL = 4, CH_AUD_COORDINATION = 5,
	/* The membership key of an epoch: only epoch entries (kinds 16 and 18)
	 * are sealed under it. Every member of the epoch holds it, and a joining
	 * member gets those of all earlier epochs (membership history, never
	 * content). Providers never post to it. */
	CH_AUD_MEMBERSHIP = 6,
};

/* Kinds of body. */
enum {
	CH_KIND_NOTE = 1,
	/* 2..14: the care kinds (kinds.h). */
	CH_KIND_ERASE = 15,        /* an org erases the body of one of its
	                            * entries: fields ch_erase_t */
	CH_KIND_CASE_CREATE = 16,  /* coordinator's genesis: salt, case name */
	/* 17 is retired (a member addition is an epoch entry, charter.h). */
	CH_KIND_ACCESS = 32,       /* access record, written by a daemon */
};

typedef struct {
	uint8_t version;           /* 1 */
	uint8_t case_id[CH_CASE_LEN];
	uint8_t org[32];           /* org_id: Ed25519 public key of the feed */
	uint64_t seq;              /* 1.. */
	uint8_t prev[CH_HASH_LEN]; /* id of entry seq-1; zeros for seq 1 */
	uint32_t epoch;
	uint8_t audience;
	uint64_t time_ms;          /* org's wall clock at append, ms since epoch */
	uint32_t body_len;
	uint8_t body_hash[CH_HASH_LEN]; /* BLAKE2b-256 of the sealed body */
	uint8_t sig[CH_SIG_LEN];   /* Ed25519 by org over the 142-byte header */
} ch_env_t;

/* Encodes the envelope; out must hold CH_ENV_LEN bytes. */
void ch_env_encode(const ch_env_t *e, uint8_t out[CH_ENV_LEN]);
/* Encodes the 142-byte signed header only. */
void ch_env_header(const ch_env_t *e, uint8_t out[CH_ENV_HDR_LEN]);
/* Decodes exactly CH_ENV_LEN bytes (does not verify the signature). */
int ch_env_decode(const uint8_t *p, size_t n, ch_env_t *e) CH_WUR;
/* Signs the header with the org's Ed25519 secret key (fills e->sig). */
void ch_env_sign(ch_env_t *e, const uint8_t sign_sk[64]);
/* 0 if e->sig is the org's signature over the header, else CH_ERR_SIG. */
int ch_env_verify(const ch_env_t *e) CH_WUR;
/* Entry id = BLAKE2b-256 of the 206-byte encoded envelope. */
void ch_env_id(const ch_env_t *e, uint8_t id[CH_HASH_LEN]);

/* A stored or transmitted entry, in one of three forms:
 *   full:   envelope (206) || sealed body (body_len bytes, matching body_hash)
 *   erased: envelope (206) || "CHER" (4) || erasure proof (64): 274 bytes
 *   bare:   envelope (206) alone (an earlier version's "held without its
 *           body"; read, never accepted as a new entry)
 * A sealed body never starts with "CHER" (it would declare 0x4348 > 512 key
 * slots), so 274 bytes with that magic are always the erased form.
 * ch_entry_split checks the framing and the body hash; it does not check
 * the signature nor the proof. *body points into p (NULL unless full). */
#define CH_ERASED_LEN (CH_ENV_LEN + 4 + CH_SIG_LEN)
enum { CH_FORM_FULL = 0, CH_FORM_BARE = 1, CH_FORM_ERASED = 2 };
int ch_entry_split(const uint8_t *p, size_t n, ch_env_t *e,
    const uint8_t **body, size_t *bodylen) CH_WUR;
/* The same, and which form it is (*form); for the erased form *proof
 * points at the 64-byte proof in p (else NULL). */
int ch_entry_form(const uint8_t *p, size_t n, ch_env_t *e,
    const uint8_t **body, size_t *bodylen, int *form,
    const uint8_t **proof) CH_WUR;

/* Erasure proof: Ed25519 by the entry's org over
 * "cahier-erase-v1" (15) || case_id (16) || entry id (32). */
void ch_erasure_sign(const uint8_t case_id[CH_CASE_LEN], const uint8_t id[CH_HASH_LEN],
    const uint8_t sign_sk[64], uint8_t proof[CH_SIG_LEN]);
/* 0 if proof is e->org's erasure of the entry e (its case and id), else
 * CH_ERR_SIG. */
int ch_erasure_verify(const ch_env_t *e, const uint8_t proof[CH_SIG_LEN]) CH_WUR;
/* The erased form of e with proof; out holds CH_ERASED_LEN bytes. */
void ch_entry_erased(const ch_env_t *e, const uint8_t proof[CH_SIG_LEN],
    uint8_t out[CH_ERASED_LEN]);

/* Key slot: an epoch/audience key sealed (crypto_box_seal) to one org. */
typedef struct {
	uint8_t org[32];
	uint32_t epoch;
	uint8_t audience;
	uint8_t sealed[CH_SEALED_KEY_LEN];
} ch_slot_t;

/* Sealed body: key slots in clear, then nonce and ciphertext.
 * ch_body_seal encrypts plain (the encoded plain body) under key with
 * XChaCha20-Poly1305, AAD = the first CH_AAD_LEN header bytes of env
 * (version..time), and writes the sealed body (malloc'd) to *out.
 * ch_body_open verifies and decrypts; the plaintext is malloc'd. */
int ch_body_seal(const ch_env_t *env, const ch_slot_t *slots, size_t nslots,
    const uint8_t key[32], const uint8_t *plain, size_t plainlen,
    uint8_t **out, size_t *outlen) CH_WUR;
/* Lists the key slots of a sealed body; *slots is malloc'd (or NULL if 0). */
int ch_body_slots(const uint8_t *body, size_t n, ch_slot_t **slots,
    size_t *nslots) CH_WUR;
int ch_body_open(const ch_env_t *env, const uint8_t *body, size_t n,
    const uint8_t key[32], uint8_t **plain, size_t *plainlen) CH_WUR;

/* Plain body, the part the author wrote. The provider signs it:
 * sig = Ed25519(provider, "CHPS" || case_id || audience || encoded plain body
 * up to the signature). Org-written kinds (CH_KIND_ACCESS) carry an empty
 * cert and a zero signature. */
typedef struct {
	uint8_t version;           /* 1 */
	uint8_t kind;
	const uint8_t *cert;       /* encoded provider certificate (borrowed) */
	size_t certlen;
	uint64_t hlc;              /* hybrid logical clock: ms << 16 | counter */
	uint8_t reply_to[CH_HASH_LEN];   /* zeros: none */
	uint8_t supersedes[CH_HASH_LEN]; /* zeros: none */
	const uint8_t *fields;     /* the kind's fields, encoded (borrowed) */
	size_t fieldslen;
	uint8_t sig[CH_SIG_LEN];
} ch_plain_t;

/* Encodes p and signs it with the provider's secret key (sk may be NULL for
 * org-written kinds: zero signature). Output malloc'd. */
int ch_plain_encode(ch_plain_t *p, const uint8_t case_id[CH_CASE_LEN],
    uint8_t audience, const uint8_t *sign_sk, uint8_t **out, size_t *len) CH_WUR;
/* Decodes; p's pointers borrow from buf. Does not verify the signature. */
int ch_plain_decode(const uint8_t *buf, size_t n, ch_plain_t *p) CH_WUR;
/* Verifies the provider signature against provider (an Ed25519 public key). */
int ch_plain_verify(const uint8_t *buf, size_t n, const uint8_t case_id[CH_CASE_LEN],
    uint8_t audience, const uint8_t provider[32]) CH_WUR;

/* Fields of the kinds. Text pointers are malloc'd by the decoders; free with
 * the matching *_clear(). */
typedef struct { char *text; } ch_note_t;
int ch_note_encode(const char *text, uint8_t **out, size_t *len) CH_WUR;
int ch_note_decode(const uint8_t *p, size_t n, ch_note_t *out) CH_WUR;
void ch_note_clear(ch_note_t *n);

/* case_id = first 16 bytes of BLAKE2b-256("cahier-case-v1" || org || salt). */
typedef struct { uint8_t salt[16]; char *name; } ch_create_t;
void ch_case_id(const uint8_t org[32], const uint8_t salt[16], uint8_t out[CH_CASE_LEN]);
int ch_create_encode(const uint8_t salt[16], const char *name, uint8_t **out, size_t *len) CH_WUR;
int ch_create_decode(const uint8_t *p, size_t n, ch_create_t *out) CH_WUR;
void ch_create_clear(ch_create_t *c);

typedef struct { const uint8_t *card; size_t cardlen; char *role; } ch_member_t;
int ch_member_encode(const uint8_t *card, size_t cardlen, const char *role,
    uint8_t **out, size_t *len) CH_WUR;
/* card borrows from p; role is malloc'd. */
int ch_member_decode(const uint8_t *p, size_t n, ch_member_t *out) CH_WUR;
void ch_member_clear(ch_member_t *m);

/* Access record (NEN 7513 / FHIR AuditEvent shaped). */
enum { CH_ACT_CREATE = 1, CH_ACT_READ = 2, CH_ACT_UPDATE = 3,
	CH_ACT_DELETE = 4, CH_ACT_EXPORT = 5, CH_ACT_SEARCH = 6,
	CH_ACT_LIST = 7, /* the case's name shown in a case list: no request, no ranges */
	CH_ACT_PRINT = 8 /* a printed export (the booklet, the yellow-box sheet) */ };
enum { CH_OUT_OK = 0, CH_OUT_REFUSED = 1, CH_OUT_FAILED = 2 };
enum { CH_PURPOSE_TREATMENT = 1, CH_PURPOSE_EMERGENCY = 2,
	CH_PURPOSE_COORDINATION = 3, CH_PURPOSE_OWN_REQUEST = 4,
	CH_PURPOSE_AUDIT = 5 };
typedef struct { uint8_t org[32]; uint64_t from, to; } ch_range_t;
typedef struct {
	uint8_t event_id[16];
	uint8_t action;
	uint8_t outcome;
	uint8_t purpose;
	uint64_t time_ms;
	const uint8_t *cert;       /* the reader's certificate (borrowed) */
	size_t certlen;
	const uint8_t *request;    /* the reader's signed request (borrowed) */
	size_t requestlen;
	size_t nranges;
	ch_range_t *ranges;        /* entries touched, per feed; malloc'd by decode */
} ch_access_t;
int ch_access_encode(const ch_access_t *a, uint8_t **out, size_t *len) CH_WUR;
int ch_access_decode(const uint8_t *p, size_t n, ch_access_t *out) CH_WUR;
void ch_access_clear(ch_access_t *a);

/* ERASE (kind 15), written by an org in its own feed: target seq u64 |
 * target id 32 | reason u8 | by 32 (the provider who asked) | proof 64
 * (the erasure proof of the target): exactly 137 bytes. */
enum { CH_ERASE_ASKED = 1, CH_ERASE_RETENTION = 2, CH_ERASE_ERROR = 3 };
#define CH_ERASE_LEN (8 + CH_HASH_LEN + 1 + 32 + CH_SIG_LEN)
typedef struct {
	uint64_t seq;
	uint8_t id[CH_HASH_LEN];
	uint8_t reason;
	uint8_t by[32];
	uint8_t proof[CH_SIG_LEN];
} ch_erase_t;
int ch_erase_encode(const ch_erase_t *x, uint8_t **out, size_t *len) CH_WUR;
int ch_erase_decode(const uint8_t *p, size_t n, ch_erase_t *out) CH_WUR;
/* The request a provider posts (CH_REQ_ERASE, charter.h): target id 32 |
 * reason u8, exactly 33 bytes. */
#define CH_ERASEREQ_LEN (CH_HASH_LEN + 1)
int ch_erasereq_encode(const uint8_t id[CH_HASH_LEN], uint8_t reason, uint8_t **out,
    size_t *len) CH_WUR;
int ch_erasereq_decode(const uint8_t *p, size_t n, uint8_t id[CH_HASH_LEN],
    uint8_t *reason) CH_WUR;

#endif
