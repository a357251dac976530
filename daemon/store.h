/* store.h - the schema of cahierd's LMDB store, one typed call per record.
 * The only module that includes lmdb.h: no table name, key layout or byte
 * order is written anywhere else.
 *
 * One environment for the organization (<dir>/org) and one per case
 * (<dir>/cases/<hex id>), opened on demand with a bounded cache. What it
 * holds is ciphertext or public data: entries as received, epoch keys
 * wrapped by the org's storage key, org cards, certificates, ids, counters.
 * Keys of the tables hold no names or text.
 *
 * Writes go into one write transaction per environment per round of the
 * event loop; store_commit() commits them all (fsync'ed) at the end of the
 * round, so concurrent posts share a commit (group commit). Reads inside a
 * round see that round's writes.
 *
 * Every record is encoded with the bounded writer of proto/cbuf.h; integers
 * are big-endian. Each prototype states the bytes of its record as
 * "table: key -> value". Values read are copied out (an MDB_val never
 * outlives its transaction); the caller frees what is malloc'd.
 *
 * Errors: 0, or ST_ERR_* / CH_ERR_* (negative); store_strerror() names
 * both. ST_ERR_NOTFOUND is an ordinary answer ("no such record"). */
#ifndef CAHIER_STORE_H
#define CAHIER_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "../proto/err.h"

enum {
	ST_ERR_NOTFOUND = -100,  /* no such record */
	ST_ERR_DB = -101,        /* LMDB failed, or a record is damaged; logged */
	ST_ERR_FULL = -102,      /* map full */
};

typedef struct store store_t;
typedef struct scase scase_t;

/* Opens (creating) <dir>/org and <dir>/cases. storage_key (32 bytes, or
 * NULL for the admin commands, which never touch case keys) wraps epoch
 * keys; it is copied into sodium_malloc'd memory. max_open bounds the cache
 * of open case environments. */
int store_open(const char *dir, const uint8_t *storage_key, int max_open,
    store_t **out) CH_WUR;
/* Aborts uncommitted writes, closes every environment, wipes the key and
 * sets *s to NULL. */
void store_destroy(store_t **s);
/* The LMDB map of the organization's environment and of each case's: the
 * most each data.mdb may grow to (cahierd status shows how much is used). */
#define STORE_ORG_MAP ((size_t)256 << 20)
#define STORE_CASE_MAP ((size_t)4 << 30)

/* A hot copy of the store into the new directory out (mode 0700): org/
 * and cases/HEX/ as in the data directory, each environment copied by
 * LMDB's own copy (mdb_env_copy2, compacted) in one read transaction of
 * its own, so each is consistent and a running daemon is neither blocked
 * nor blocks it; each copy is synced before the next. What the store holds
 * is what is copied: entries (sealed), keys (wrapped by the storage key,
 * which only the org key gives), tables; never the org key, which is not
 * in the store. progress (may be NULL) is called after each case with the
 * count done and the total. *ncases: the cases copied. */
typedef void (*store_progress_fn)(void *arg, size_t done, size_t total);
int store_backup(store_t *s, const char *out, store_progress_fn progress, void *arg,
    size_t *ncases) CH_WUR;
/* A static description of a store or proto error; never NULL. */
const char *store_strerror(int err);

/* Commits every write transaction of this round (fsync'ed), one
 * environment after the other (LMDB has no transaction across
 * environments). On failure the error of the first that failed is
 * returned: the environments committed before it keep their writes, that
 * one and those after lose theirs (the outbox then sends no reply of the
 * round but errors, and no push). */
int store_commit(store_t *s) CH_WUR;
/* Drops every uncommitted write of this round, and the handles of the
 * cases this round made. WARNING: a case handle taken this round may be
 * invalid after it. */
void store_abort(store_t *s);

/* --- Change numbers ---
 * In memory only, for this run of the daemon: each write that changes what
 * a case holds (an entry appended or given its body or erased, a fork
 * kept, the case made) gives the case the next number of a counter; at
 * open every case held gets one, so that the counter starts at the number
 * of cases. Peers ask for the cases changed after a number they have
 * taken (sync.c, PROTOCOL.md "Checkpoints"). A write aborted later keeps
 * its number (a peer then looks at a case that did not change: harmless).
 * Memory: 40 bytes per case, in a table at most half full. */
uint64_t store_change(const store_t *s);
/* The cases whose number is above since, lowest number first, at most max
 * of them: ids[i] and chg[i] (arrays of max), their count in *n. */
int store_changed_since(store_t *s, uint64_t since, size_t max,
    uint8_t (*ids)[16], uint64_t *chg, size_t *n) CH_WUR;

/* --- The organization's environment --- */

/* meta: "gen" -> u64. The generation of the peers and providers tables:
 * the admin commands bump it, the running daemon reloads when it moves.
 * *gen is 0 when never bumped. */
int store_gen_get(store_t *s, uint64_t *gen) CH_WUR;
int store_gen_bump(store_t *s) CH_WUR;

/* Calls fn(arg, key, value, n) for every record of a table in key order;
 * the pointers live only during the call. A non-zero return from fn stops
 * the walk and is returned. */
typedef int (*store_blob_fn)(void *arg, const uint8_t key[32],
    const uint8_t *val, size_t n);

/* meta: "run" -> a run id (16), and the file <dir>/run holding the same
 * id in hex: which run of the daemon last used this store.
 * store_run_begin starts a run: it draws a new id, writes both (the store
 * first, committed; then the file, fsync'ed and renamed) and says whether
 * the store was restored: it holds a run id but the file is missing or
 * names another (org/ and cases/ were put back from a copy), or an earlier
 * run left it marked restored.
 * meta: "restored" -> empty: set by store_run_begin when it finds a
 * restore, cleared (store_restored_clear, committed with the round) once
 * the daemon has learnt its own feeds' heads from its peers (sync.c). */
int store_run_begin(store_t *s, uint8_t run[16], int *restored) CH_WUR;
/* 1 if marked restored, 0 if not, or a negative error. */
int store_restored(store_t *s) CH_WUR;
int store_restored_clear(store_t *s) CH_WUR;

/* peers: org id (32) -> the org's signed card, as imported. */
int store_peer_put(store_t *s, const uint8_t org[32], const uint8_t *card,
    size_t n) CH_WUR;
/* *card is malloc'd. */
int store_peer_get(store_t *s, const uint8_t org[32], uint8_t **card,
    size_t *n) CH_WUR;
int store_peer_del(store_t *s, const uint8_t org[32]) CH_WUR;
int store_peers_each(store_t *s, store_blob_fn fn, void *arg) CH_WUR;

/* providers: provider key (32) -> the certificate this org issued. */
int store_provider_put(store_t *s, const uint8_t provider[32],
    const uint8_t *cert, size_t n) CH_WUR;
int store_provider_del(store_t *s, const uint8_t provider[32]) CH_WUR;
int store_providers_each(store_t *s, store_blob_fn fn, void *arg) CH_WUR;

/* revoked: provider key (32) -> u64 time of the revocation (s since the
 * Unix epoch). Revoked providers of this org, to announce in every case. */
int store_revocation_put(store_t *s, const uint8_t provider[32],
    uint64_t when) CH_WUR;
typedef int (*store_revocation_fn)(void *arg, const uint8_t provider[32],
    uint64_t when);
int store_revocations_each(store_t *s, store_revocation_fn fn, void *arg) CH_WUR;

/* journal: seq u64 -> time_ms u64 | action u8 | prev 32 | text (UTF-8,
 * at most STORE_JOURNAL_TEXT_MAX bytes): what this organization's
 * administrators did (STORE_J_*), oldest first, each record chained to
 * the one before (prev = BLAKE2b-256(seq u64 || record) of the previous
 * one, zeros for the first); meta "journal" holds the last seq and that
 * hash of the last record. The journal is only appended to. */
#define STORE_JOURNAL_TEXT_MAX 512
enum {
	STORE_J_PEER_ADD = 1, STORE_J_PROVIDER_ADD = 2, STORE_J_PROVIDER_REPLACE = 3,
	STORE_J_PROVIDER_REVOKE = 4, STORE_J_CONFIG = 5, STORE_J_RESTORED = 6,
	STORE_J_INIT = 7, STORE_J_NOTIFY_ON = 8, STORE_J_NOTIFY_OFF = 9,
	STORE_J_BACKUP = 10, STORE_J_RESTORE = 11, STORE_J_KEY_EXPORT = 12,
	STORE_J_KEY_IMPORT = 13, STORE_J_CARD = 14, STORE_J_PEER_CARD = 15,
};
int store_journal_add(store_t *s, uint64_t time_ms, uint8_t action, const char *text) CH_WUR;
/* Calls fn for every record in seq order: ok is 1 when the record follows
 * the one before it (its seq and prev), 0 when not (a record removed,
 * changed or out of place); a record that is not a journal record is
 * given as (its seq or 0, 0, 0, "", 0). *intact: the meta record names
 * the last record walked. */
typedef int (*store_journal_fn)(void *arg, uint64_t seq, uint64_t time_ms, uint8_t action,
    const char *text, int ok);
int store_journal_each(store_t *s, store_journal_fn fn, void *arg, int *intact) CH_WUR;

/* closed: case id (16) -> u64 time closed (ms since the Unix epoch) |
 * provider key (32) of who closed it. A case this organization closed:
 * kept and readable, out of the daily case list, posts to it refused here.
 * No name. store_closed_get: ST_ERR_NOTFOUND when open (when_ms and
 * provider may be NULL); store_closed_del: ST_ERR_NOTFOUND when open. */
int store_closed_put(store_t *s, const uint8_t id[16], uint64_t when_ms,
    const uint8_t provider[32]) CH_WUR;
int store_closed_get(store_t *s, const uint8_t id[16], uint64_t *when_ms,
    uint8_t provider[32]) CH_WUR;
int store_closed_del(store_t *s, const uint8_t id[16]) CH_WUR;

/* notify: case id (16) | provider key (32) -> u64 time it was asked (ms
 * since the Unix epoch). The person asked that each new access record of
 * the case be reported to this provider (their trusted person, contact
 * point, or the person): the daemon runs its access_hook for it
 * (notify.h). No name. store_notify_get and store_notify_del:
 * ST_ERR_NOTFOUND when not asked (since_ms may be NULL). */
int store_notify_put(store_t *s, const uint8_t id[16], const uint8_t provider[32],
    uint64_t since_ms) CH_WUR;
int store_notify_get(store_t *s, const uint8_t id[16], const uint8_t provider[32],
    uint64_t *since_ms) CH_WUR;
int store_notify_del(store_t *s, const uint8_t id[16], const uint8_t provider[32]) CH_WUR;
typedef int (*store_notify_fn)(void *arg, const uint8_t id[16], const uint8_t provider[32],
    uint64_t since_ms);
/* Calls fn for every record, in key order (by case); a non-zero return
 * stops the walk and is returned. */
int store_notify_each(store_t *s, store_notify_fn fn, void *arg) CH_WUR;

/* --- Cases --- */

/* cases: case id (16) -> empty. store_case_get returns the cached handle
 * (opening it if needed; with create set, making the environment and the
 * index record). WARNING: the handle stays valid until store_destroy or
 * until the cache evicts it, which happens only inside store_case_get,
 * never while it has uncommitted writes: do not keep a handle across calls
 * to store_case_get. */
int store_case_exists(store_t *s, const uint8_t id[16]) CH_WUR;
int store_case_get(store_t *s, const uint8_t id[16], int create,
    scase_t **out) CH_WUR;
/* Forgets a case this round made and that turned out not to be one (its
 * welcome refused): drops its uncommitted writes, its index record and its
 * files, and sets *c to NULL. WARNING: only for a case whose environment
 * holds nothing committed. */
int store_case_forget(store_t *s, scase_t **c) CH_WUR;
/* The case's id; lives as long as the handle. */
const uint8_t *store_case_id(const scase_t *c);
/* Every case id, in a malloc'd array of 16-byte ids. */
int store_case_list(store_t *s, uint8_t (**ids)[16], size_t *n) CH_WUR;

/* Feeds.
 * entries: org (32) | seq u64 -> the entry as received (envelope, then the
 *          sealed body or nothing).
 * heads:   org (32) -> seq u64 | id (32) of the feed's highest contiguous
 *          entry.
 * The head of a feed is seq 0 and a zero id while it is empty. */
int store_head(scase_t *c, const uint8_t org[32], uint64_t *seq,
    uint8_t id[32]) CH_WUR;
/* Appends entry (checked in full by the caller) as seq of org's feed and
 * moves the head. seq must be head + 1. */
int store_entry_put(scase_t *c, const uint8_t org[32], uint64_t seq,
    const uint8_t id[32], const uint8_t *entry, size_t n) CH_WUR;
/* Replaces the entry held as seq of org's feed by entry, which has the
 * same id (the same envelope) and carries the body the held one lacks; the
 * head does not move. ST_ERR_NOTFOUND if no entry is held there. */
int store_entry_replace(scase_t *c, const uint8_t org[32], uint64_t seq,
    const uint8_t *entry, size_t n) CH_WUR;
/* Copies out one entry (malloc'd). */
int store_entry_get(scase_t *c, const uint8_t org[32], uint64_t seq,
    uint8_t **entry, size_t *n) CH_WUR;
/* Calls fn(arg, org, seq, entry, n) for seq in [from, to] of org's feed,
 * in order; the entry pointer lives only during the call. */
typedef int (*store_entry_fn)(void *arg, const uint8_t org[32], uint64_t seq,
    const uint8_t *entry, size_t n);
int store_feed_each(scase_t *c, const uint8_t org[32], uint64_t from,
    uint64_t to, store_entry_fn fn, void *arg) CH_WUR;
/* Every feed head: fn(arg, org, seq, id), in org order. */
typedef int (*store_head_fn)(void *arg, const uint8_t org[32], uint64_t seq,
    const uint8_t id[32]);
int store_heads_each(scase_t *c, store_head_fn fn, void *arg) CH_WUR;
/* The sum of every feed's head seq: how many entries the case holds. */
int store_entries_count(scase_t *c, uint64_t *n) CH_WUR;

/* forks: org (32) | seq u64 | BLAKE2b-256 of its envelope (32) -> a second,
 *        conflicting entry for (org, seq), kept as evidence. */
int store_fork_put(scase_t *c, const uint8_t org[32], uint64_t seq,
    const uint8_t *entry, size_t n) CH_WUR;
int store_fork_count(scase_t *c, size_t *n) CH_WUR;
/* Every fork kept: fn(arg, org, seq, entry, n), in key order; the entry
 * lives only during the call (write nothing from fn). */
int store_forks_each(scase_t *c, store_entry_fn fn, void *arg) CH_WUR;
/* meta: "forkrep" | org (32) -> our FORK entry's id (32): this daemon has
 * reported org's fork in the case (one report per feed). _get returns 1,
 * 0, or a negative error. */
int store_fork_reported_get(scase_t *c, const uint8_t org[32]) CH_WUR;
int store_fork_reported_put(scase_t *c, const uint8_t org[32], const uint8_t id[32]) CH_WUR;
/* meta: "fork" | org (32) -> empty: a feed that forked and is no longer
 * accepted, one record per feed. store_forked_get returns 1 if org's feed
 * is marked, 0 if not, or a negative error. (A store written before this
 * layout holds one record "fork" -> org (32); it is honoured too.) */
int store_forked_get(scase_t *c, const uint8_t org[32]) CH_WUR;
int store_forked_put(scase_t *c, const uint8_t org[32]) CH_WUR;

/* keys: epoch u32 | audience u8 -> nonce (24) | XChaCha20-Poly1305 of the
 *       32-byte key under the storage key, AAD = case id | epoch | audience
 *       (a wrapped key cannot be moved to another slot unnoticed).
 * A key once held is never replaced: store_key_put of a second, different
 * key for the same epoch and audience is refused (CH_ERR_VALUE); of the
 * same key, a no-op. store_key_get: ST_ERR_NOTFOUND when this org holds no
 * such key, CH_ERR_DECRYPT when it does not unwrap. */
int store_key_put(scase_t *c, uint32_t epoch, uint8_t audience,
    const uint8_t key[32]) CH_WUR;
int store_key_get(scase_t *c, uint32_t epoch, uint8_t audience,
    uint8_t key[32]) CH_WUR;
/* The case keys one pass over entries needs, each unwrapped once: at most
 * STORE_KEYS_CACHED (epoch, audience) pairs, the last slot reused beyond
 * (a pass meets a few epochs). Set c and n = 0 before use; the keys live
 * in the struct (the caller's stack): wipe it with store_keys_wipe. */
#define STORE_KEYS_CACHED 64
typedef struct {
	scase_t *c;
	struct { uint32_t epoch; uint8_t aud; int ok; uint8_t key[32]; } v[STORE_KEYS_CACHED];
	size_t n;
} store_keys_t;
/* The key of (epoch, audience), or NULL when this organization holds none. */
const uint8_t *store_keys_get(store_keys_t *k, uint32_t epoch, uint8_t audience);
void store_keys_wipe(store_keys_t *k);

/* meta: "coord" -> org (32): the coordinator, from the latest epoch entry.
 * ST_ERR_NOTFOUND before the genesis is accepted. */
int store_coord_get(scase_t *c, uint8_t org[32]) CH_WUR;
int store_coord_put(scase_t *c, const uint8_t org[32]) CH_WUR;
/* meta: "epoch" -> u32: the current epoch (ST_ERR_NOTFOUND before the
 * genesis). */
int store_epoch_get(scase_t *c, uint32_t *epoch) CH_WUR;
int store_epoch_put(scase_t *c, uint32_t epoch) CH_WUR;
/* meta: "excluded" -> u32 | u64: the epoch the coordinator started without
 * a key for this organization (removed, or left out), and the time_ms of
 * the envelope of that epoch entry (a store from before the time was kept
 * holds the u32 alone: store_excluded_when gives 0). ST_ERR_NOTFOUND when
 * none. */
int store_excluded_get(scase_t *c, uint32_t *epoch) CH_WUR;
int store_excluded_when(scase_t *c, uint64_t *time_ms) CH_WUR;
int store_excluded_put(scase_t *c, uint32_t epoch, uint64_t time_ms) CH_WUR;

/* epochs: epoch u32 -> start_ms u64 | org (32) | seq u64 | entries u64 |
 *         charter (the rest: proto/charter.h encoding, names replaced).
 * The derived record of an epoch: when it started, its epoch entry (org,
 * seq), how many entries the case held then, and its charter. */
typedef struct {
	uint64_t start_ms;
	uint8_t org[32];
	uint64_t seq;
	uint64_t entries_at_start;
	uint8_t *charter;       /* malloc'd by store_epochrec_get */
	size_t charterlen;
} store_epochrec_t;
int store_epochrec_put(scase_t *c, uint32_t epoch, const store_epochrec_t *r) CH_WUR;
/* Fills *r; free r->charter with store_epochrec_clear(). */
int store_epochrec_get(scase_t *c, uint32_t epoch, store_epochrec_t *r) CH_WUR;
void store_epochrec_clear(store_epochrec_t *r);

/* revoked: org (32) | provider (32) -> u64 seq of org's REVOKE entry for
 *          that provider (the first one stands). *seq is 0 when none. */
int store_revoked_get(scase_t *c, const uint8_t org[32],
    const uint8_t provider[32], uint64_t *seq) CH_WUR;
int store_revoked_put(scase_t *c, const uint8_t org[32],
    const uint8_t provider[32], uint64_t seq) CH_WUR;

#endif
