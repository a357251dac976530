/* keys.h - identities: secret keys, sealed key files, org cards, provider
 * certificates, fingerprints and passphrases. No sockets, no LMDB. */
#ifndef CAHIER_KEYS_H
#define CAHIER_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include "../proto/err.h"

#define KEYS_PK_LEN 32
#define KEYS_SIG_LEN 64
#define KEYS_SEED_LEN 32
#define KEYS_NAME_MAX 256      /* bytes of UTF-8 in a name */
#define KEYS_ENDPOINT_MAX 256
#define KEYS_ROLE_MAX 64
#define KEYS_FPR_LEN 36        /* "12345 12345 12345 12345 12345 12345" + NUL */

enum { KEYS_KIND_ORG = 1, KEYS_KIND_PROVIDER = 2 };

/* Every secret of one identity, derived from one 32-byte seed (the seed is
 * what the key file seals and what a paper recovery key would hold).
 * Always lives in sodium_malloc'd memory: get it from keys_secret_*() only. */
typedef struct {
	uint8_t kind;
	uint8_t seed[KEYS_SEED_LEN];
	uint8_t sign_pk[32];   /* Ed25519: org_id or provider id */
	uint8_t sign_sk[64];
	uint8_t box_pk[32];    /* X25519: case keys are sealed to it (orgs) */
	uint8_t box_sk[32];
	uint8_t curve_pk[32];  /* X25519: ZeroMQ CURVE transport key */
	uint8_t curve_sk[32];
	uint8_t storage[32];   /* secretbox key wrapping epoch keys at rest (orgs) */
} keys_secret_t;

/* A fresh random identity of the given kind; NULL when out of memory.
 * The caller owns it and releases it with keys_secret_destroy(). */
keys_secret_t *keys_secret_new(uint8_t kind);
/* The paper recovery key of a seed (KEYS-FORMAT.md, "Recovery key"): the
 * seed and a 4-byte checksum as 18 groups of six digits (a 16-bit value in
 * five digits, then a check digit), six groups a line. */
#define KEYS_RECOVERY_GROUPS 18
#define KEYS_RECOVERY_PER_LINE 6
#define KEYS_RECOVERY_TEXT (KEYS_RECOVERY_GROUPS * 7)
void keys_recovery_encode(const uint8_t seed[KEYS_SEED_LEN], char out[KEYS_RECOVERY_TEXT]);
/* Reads a recovery key typed back: digits, with spaces, tabs, newlines and
 * dashes anywhere. 0 and the seed, or: KEYS_RECOVERY_CHAR (another
 * character), KEYS_RECOVERY_LENGTH (not 108 digits), KEYS_RECOVERY_GROUP
 * (group *bad_group, counted from 1, does not match its check digit or is
 * over 65535), KEYS_RECOVERY_SUM (every group reads, but the whole does
 * not match its checksum). Wipes what it read. */
enum { KEYS_RECOVERY_CHAR = 1, KEYS_RECOVERY_LENGTH = 2, KEYS_RECOVERY_GROUP = 3,
	KEYS_RECOVERY_SUM = 4 };
int keys_recovery_decode(const char *text, uint8_t seed[KEYS_SEED_LEN], int *bad_group) CH_WUR;

/* The identity derived from seed (deterministic; used by tests and recovery). */
keys_secret_t *keys_secret_from_seed(uint8_t kind, const uint8_t seed[KEYS_SEED_LEN]);
/* Wipes and frees *k, sets *k to NULL; NULL-safe. */
void keys_secret_destroy(keys_secret_t **k);

/* Key files: a text file with one armored block "CAHIER SECRET KEY".
 * Argon2id13 stretches the passphrase; XChaCha20-Poly1305 seals the seed with
 * the header (kind, KDF parameters, salt, nonce) as additional data.
 * keys_file_write creates path with O_EXCL and mode 0600 (CH_ERR_EXISTS if it
 * exists). keys_file_read returns CH_ERR_PASS for a wrong passphrase,
 * CH_ERR_VALUE when the file holds the other kind of key. */
int keys_file_write(const char *path, const keys_secret_t *k,
    const char *pass, size_t passlen) CH_WUR;
int keys_file_read(const char *path, uint8_t kind, const char *pass,
    size_t passlen, keys_secret_t **out) CH_WUR;
/* The same two, on memory; the text is malloc'd and owned by the caller. */
int keys_file_seal(const keys_secret_t *k, const char *pass, size_t passlen,
    uint64_t opslimit, size_t memlimit, char **text) CH_WUR;
int keys_file_open(const char *text, size_t n, uint8_t kind,
    const char *pass, size_t passlen, keys_secret_t **out) CH_WUR;

/* Org card: {org_id, name, endpoint, box key, CURVE key, issued} signed by
 * the org key. Encoded bytes are malloc'd and owned by the caller. */
typedef struct {
	uint8_t org_id[32];
	char *name;            /* malloc'd, valid UTF-8 */
	char *endpoint;        /* malloc'd, e.g. tcp://127.0.0.1:7101 */
	uint8_t box_pk[32];
	uint8_t curve_pk[32];
	uint64_t issued;       /* unix seconds */
	uint8_t sig[64];
} keys_card_t;

int keys_card_make(const keys_secret_t *org, const char *name,
    const char *endpoint, uint64_t issued, uint8_t **out, size_t *len) CH_WUR;
/* Decodes and verifies the self-signature. On success the caller owns
 * out->name and out->endpoint; release them with keys_card_clear(), which
 * wipes them. */
int keys_card_parse(const uint8_t *p, size_t n, keys_card_t *out) CH_WUR;
void keys_card_clear(keys_card_t *c);

/* Provider certificate: {provider key, CURVE key, org_id, name, role,
 * valid from/until} signed by the org. */
typedef struct {
	uint8_t provider[32];
	uint8_t curve_pk[32];
	uint8_t org_id[32];
	char *name;
	char *role;            /* e.g. home-nurse, gp, social-worker, coordinator */
	uint64_t valid_from;   /* unix seconds */
	uint64_t valid_until;
	uint8_t sig[64];
} keys_cert_t;

int keys_cert_make(const keys_secret_t *org, const uint8_t provider[32],
    const uint8_t curve_pk[32], const char *name, const char *role,
    uint64_t valid_from, uint64_t valid_until, uint8_t **out, size_t *len) CH_WUR;
/* Decodes and verifies the org's signature (not the validity period). On
 * success the caller owns out->name and out->role; release them with
 * keys_cert_clear(), which wipes them. */
int keys_cert_parse(const uint8_t *p, size_t n, keys_cert_t *out) CH_WUR;
void keys_cert_clear(keys_cert_t *c);
/* 0 if t lies in [valid_from, valid_until], else CH_ERR_EXPIRED. */
int keys_cert_check_time(const keys_cert_t *c, uint64_t t) CH_WUR;

/* Provider request: the provider's public keys, self-signed, handed to the
 * org that will certify them. */
int keys_request_make(const keys_secret_t *prov, uint8_t **out, size_t *len) CH_WUR;
int keys_request_parse(const uint8_t *p, size_t n, uint8_t provider[32],
    uint8_t curve_pk[32]) CH_WUR;

/* Armor: "-----BEGIN CAHIER <LABEL>-----", base64 lines, "-----END ...".
 * Lines before BEGIN starting with '#' are comments for people; they are not
 * trusted. keys_armor returns a malloc'd NUL-terminated text (comment may be
 * NULL). keys_dearmor returns malloc'd bytes. */
int keys_armor(const char *label, const char *comment, const uint8_t *p,
    size_t n, char **text) CH_WUR;
int keys_dearmor(const char *label, const char *text, size_t textlen,
    uint8_t **out, size_t *len) CH_WUR;

/* Reads a whole (small, <1 MiB) file into malloc'd memory, NUL-terminated. */
int keys_slurp(const char *path, char **out, size_t *len) CH_WUR;
/* Writes text to path, created with O_EXCL and the given mode. */
int keys_write_new(const char *path, const char *text, size_t n, int mode) CH_WUR;

/* Safety number read over the phone: six groups of five digits derived from
 * BLAKE2b of the org id. Writes KEYS_FPR_LEN bytes including the NUL. */
void keys_fingerprint(const uint8_t org_id[32], char out[KEYS_FPR_LEN]);
/* Short key id: the first 8 bytes of a public key in hex (17 bytes w/ NUL). */
void keys_keyid(const uint8_t pk[32], char out[17]);

/* Passphrases never come from argv. keys_pass_read takes the first line of
 * fd (if fd >= 0), else of the file path (if non-NULL), else prompts on
 * /dev/tty without echo (twice when confirm is set); prompt is English source
 * text, shown in the language of the messages (i18n.h; make pot extracts
 * the literal given here). Returns the passphrase
 * in sodium_malloc'd memory (NUL-terminated) in *out; free it with
 * keys_pass_free(). An empty passphrase is refused (CH_ERR_VALUE). */
int keys_pass_read(const char *prompt, const char *path, int fd, int confirm,
    char **out, size_t *len) CH_WUR;
void keys_pass_free(char **p);
/* How hard a new passphrase is to guess, in bits (log2 of the guesses),
 * by zxcvbn (Dropbox's estimator: dictionaries, names, keyboard patterns,
 * dates, repeats); words (NULL-terminated, at most 8, may be NULL) are
 * guessed first too: the organization's or the provider's name. A new
 * passphrase needs KEYS_PASS_MIN_BITS. */
#define KEYS_PASS_MIN_BITS 40.0
double keys_pass_bits(const char *pass, const char *const *words);
/* What went wrong reading a passphrase (rc from keys_pass_read; path its
 * file or NULL), as one line naming the file and how to fix it: a file
 * others may read ("chmod go-rwx FILE"), missing or unreadable (errno),
 * empty, in the language of the messages (i18n.h). Written into buf (n
 * bytes), which is returned. */
const char *keys_pass_why(int rc, const char *path, char *buf, size_t n);

#endif
