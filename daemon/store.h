/* store.h - the LMDB store: one environment for the organization and one per
 * case, opened on demand with a bounded cache. The only module that includes
 * lmdb.h. What it holds is ciphertext or public data: entries as received,
 * epoch keys wrapped by the org's storage key, org cards, certificates.
 *
 * Writes go into one write transaction per environment per round of the
 * event loop; store_commit() commits them all (fsync'ed) at the end of the
 * round, so concurrent posts share a commit (group commit). Reads inside a
 * round see that round's writes. */
#ifndef CAHIER_STORE_H
#define CAHIER_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "../proto/err.h"

enum {
	ST_ERR_NOTFOUND = -100,  /* no such key */
	ST_ERR_DB = -101,        /* LMDB failed; see the log */
	ST_ERR_FULL = -102,      /* map full */
};

typedef struct store store_t;
typedef struct scase scase_t;

/* Opens (creating) <dir>/org and the cases directory. storage_key (32 bytes)
 * wraps epoch keys; it is copied into sodium_malloc'd memory. max_open bounds
 * the cache of open case environments. */
int store_open(const char *dir, const uint8_t *storage_key, int max_open,
    store_t **out) CH_WUR;
/* Aborts uncommitted writes, closes every environment, wipes the key. */
void store_destroy(store_t **s);
const char *store_strerror(int err);

/* Commits every write transaction of this round (fsync'ed). On failure
 * every write of the round is lost and the error returned. */
int store_commit(store_t *s) CH_WUR;
void store_abort(store_t *s);

/* Org environment. Small values are copied out into malloc'd buffers. */
int store_org_get(store_t *s, const char *table, const uint8_t *key,
    size_t klen, uint8_t **val, size_t *vlen) CH_WUR;
int store_org_put(store_t *s, const char *table, const uint8_t *key,
    size_t klen, const uint8_t *val, size_t vlen) CH_WUR;
int store_org_del(store_t *s, const char *table, const uint8_t *key,
    size_t klen) CH_WUR;
/* Calls fn for every record of table in key order; fn's pointers live only
 * during the call. A non-zero return from fn stops and is returned. */
typedef int (*store_each_fn)(void *arg, const uint8_t *k, size_t klen,
    const uint8_t *v, size_t vlen);
int store_org_each(store_t *s, const char *table, store_each_fn fn, void *arg);

/* Cases. store_case_get returns the cached handle (opening it if needed;
 * with create set, making the environment). The handle stays valid until
 * store_destroy or until the cache evicts it, which happens only inside
 * store_case_get, never while it has uncommitted writes: do not keep a
 * handle across calls to store_case_get. */
int store_case_exists(store_t *s, const uint8_t id[16]);
int store_case_get(store_t *s, const uint8_t id[16], int create,
    scase_t **out) CH_WUR;
const uint8_t *store_case_id(const scase_t *c);
/* Case ids, malloc'd array of 16-byte ids. */
int store_case_list(store_t *s, uint8_t (**ids)[16], size_t *n) CH_WUR;

/* Feeds. The head of a feed is its highest contiguous seq and that entry's id
 * (seq 0 and zero id for an empty feed). */
int store_head(scase_t *c, const uint8_t org[32], uint64_t *seq,
    uint8_t id[32]) CH_WUR;
/* Appends entry (already verified by the caller) as seq of org's feed and
 * moves the head. seq must be head + 1. */
int store_entry_put(scase_t *c, const uint8_t org[32], uint64_t seq,
    const uint8_t id[32], const uint8_t *entry, size_t n) CH_WUR;
/* Copies out one entry (malloc'd). */
int store_entry_get(scase_t *c, const uint8_t org[32], uint64_t seq,
    uint8_t **entry, size_t *n) CH_WUR;
/* Calls fn(arg, org, seq, entry, n) for seq in [from, to] of org's feed. */
typedef int (*store_entry_fn)(void *arg, const uint8_t org[32], uint64_t seq,
    const uint8_t *entry, size_t n);
int store_feed_each(scase_t *c, const uint8_t org[32], uint64_t from,
    uint64_t to, store_entry_fn fn, void *arg);
/* Every feed head: fn(arg, org, seq, id). */
typedef int (*store_head_fn)(void *arg, const uint8_t org[32], uint64_t seq,
    const uint8_t id[32]);
int store_heads_each(scase_t *c, store_head_fn fn, void *arg);
/* Keeps a second, conflicting entry for (org, seq) as evidence of a fork. */
int store_fork_put(scase_t *c, const uint8_t org[32], uint64_t seq,
    const uint8_t *entry, size_t n) CH_WUR;
int store_fork_count(scase_t *c, size_t *n) CH_WUR;

/* Epoch/audience keys, wrapped at rest with the storage key. */
int store_key_put(scase_t *c, uint32_t epoch, uint8_t audience,
    const uint8_t key[32]) CH_WUR;
/* ST_ERR_NOTFOUND when this org holds no such key. */
int store_key_get(scase_t *c, uint32_t epoch, uint8_t audience,
    uint8_t key[32]) CH_WUR;

/* Small per-case records (public data: member cards and roles, the
 * coordinator). Same conventions as the org table functions. */
int store_case_rec_get(scase_t *c, const char *table, const uint8_t *key,
    size_t klen, uint8_t **val, size_t *vlen) CH_WUR;
int store_case_rec_put(scase_t *c, const char *table, const uint8_t *key,
    size_t klen, const uint8_t *val, size_t vlen) CH_WUR;
int store_case_rec_each(scase_t *c, const char *table, store_each_fn fn,
    void *arg);

#endif
