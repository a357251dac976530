/* msg.h - client-to-daemon and daemon-to-daemon messages. Pure: no I/O.
 * Every message is one ZeroMQ frame: magic(4) | version u8 | type u8 |
 * status u8 | body (u32 length + bytes). See PROTOCOL.md. */
#ifndef CAHIER_MSG_H
#define CAHIER_MSG_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "cbuf.h"
#include "entry.h"

#define CH_MSG_MAX (64u << 20)      /* any one frame */
#define CH_BATCH_MAX 512            /* entries in one ENTRIES message */
#define CH_MSG_VERSION 1

/* Magic words. */
#define CH_MAGIC_REQ "CHCQ"   /* client request */
#define CH_MAGIC_REP "CHCR"   /* daemon reply to a client */
#define CH_MAGIC_PEER "CHPM"  /* daemon to daemon */

/* Client request types (the reply carries the same type). */
enum {
	CH_CQ_STATUS = 1,  /* body empty; reply: card var | cert var | ncases u32 | npeers u32 */
	CH_CQ_POST = 2,    /* body: case_id 16 | audience u8 | plain var; reply: id 32 | seq u64 */
	CH_CQ_READ = 3,    /* body: signed read request; reply: ch_readrep */
	CH_CQ_CASES = 4,   /* body empty; reply: n u32 x case summary */
	CH_CQ_PEERS = 5,   /* body empty; reply: n u32 x peer summary */
};
/* Reply status: 0 ok; otherwise the body is one line of UTF-8 text. */
enum {
	CH_ST_OK = 0, CH_ST_BADREQ = 1, CH_ST_DENIED = 2, CH_ST_NOCASE = 3,
	CH_ST_INTERNAL = 4,
};
/* Peer message types. */
enum {
	CH_PM_SYNC = 1,    /* body: ch_vec (my heads of one case) */
	CH_PM_ENTRIES = 2, /* body: case_id 16 | more u8 | n u32 x entry var */
	CH_PM_CHECK = 3,   /* body: ch_mark (my run, my change number) */
	CH_PM_PULL = 4,    /* body: ch_mark (your run, the change taken) */
	CH_PM_CHANGES = 5, /* body: ch_changes (the vectors of cases changed) */
};

/* Frame codec. *out is malloc'd; *body borrows from p. */
int ch_msg_encode(const char magic[4], uint8_t type, uint8_t status,
    const uint8_t *body, size_t n, uint8_t **out, size_t *len) CH_WUR;
int ch_msg_decode(const uint8_t *p, size_t n, const char magic[4],
    uint8_t *type, uint8_t *status, const uint8_t **body, size_t *bodylen) CH_WUR;

/* Signed read request, version 2 (PROTOCOL.md "Read request"): who reads,
 * why, which case, and what exactly: the daemon answers only what the
 * filters select, and the access record keeps this request verbatim. */
#define CH_READREQ_VERSION 2
#define CH_READREQ_MAX 1024       /* fits an access record's request var */
#define CH_SEARCH_MAX 256         /* bytes of the search text */
#define CH_PAGE_MAX 1000          /* entries in one read reply */
#define CH_PAGE_DEFAULT 50
/* flags */
enum {
	CH_RQ_OPEN = 1 << 0,      /* open only: task open, goal active,
	                           * appointment planned, keep-an-eye active */
	CH_RQ_UNACKED = 1 << 1,   /* alerts some addressed org has not acked */
	CH_RQ_VERSIONS = 1 << 2,  /* every version, not only the latest */
	CH_RQ_AFTER = 1 << 3,     /* entries after the cursor (from the first
	                           * without one), oldest first */
	CH_RQ_REFS = 1 << 4,      /* with entry: also the entries referring to it */
	CH_RQ_PREFIX = 1 << 5,    /* entry holds only the first CH_REF_LEN bytes
	                           * of an id (the rest zero): the short
	                           * reference a provider types */
	CH_RQ_ARRIVAL = 1 << 6,   /* entries that arrived after the cursor, in
	                           * the order they arrived: cursor.time is the
	                           * timeline's instance, cursor.seq the count of
	                           * entries seen (a reply's instance/arrived) */
};
#define CH_RQ_FLAGS_ALL 0x7f
#define CH_REF_LEN 5              /* bytes of an id in a short reference */
/* A place in the timeline: (time_ms, org, seq) of an envelope. */
typedef struct {
	uint64_t time;
	uint8_t org[32];
	uint64_t seq;
} ch_cursor_t;
typedef struct {
	uint8_t action;
	uint8_t purpose;
	uint8_t flags;              /* CH_RQ_* */
	uint8_t case_id[CH_CASE_LEN];
	uint64_t time_ms;           /* the client's clock */
	uint8_t nonce[16];
	uint8_t provider[32];       /* filled by ch_readreq_sign */
	uint64_t kinds;             /* bit k: kind k (0..63); 0: every kind but
	                             * access records */
	uint8_t audiences;          /* bit a: audience a (1..6); 0: every one */
	uint8_t org[32];            /* only this feed; zeros: every one */
	uint8_t author[32];         /* only this provider's; zeros: anyone */
	uint64_t since, until;      /* since <= time_ms < until; 0: open */
	uint32_t last;              /* at most so many entries; 0: CH_PAGE_DEFAULT */
	ch_cursor_t cursor;         /* before it (or after it, CH_RQ_AFTER); zeros: the end */
	uint8_t entry[32];          /* only this entry (and its versions); zeros: any */
	char search[CH_SEARCH_MAX + 1]; /* text to find (NUL-terminated); "" none */
	uint8_t sig[CH_SIG_LEN];
} ch_readreq_t;
/* Fills r->provider from sign_sk's public half, signs, and encodes into
 * *out (malloc'd, at most CH_READREQ_MAX bytes). */
int ch_readreq_sign(ch_readreq_t *r, const uint8_t sign_sk[64],
    uint8_t **out, size_t *len) CH_WUR;
/* Decodes and verifies the signature by r->provider. */
int ch_readreq_decode(const uint8_t *p, size_t n, ch_readreq_t *r) CH_WUR;
/* 1 if the cursor is the zero cursor (none). */
int ch_cursor_none(const ch_cursor_t *c);

/* A slice of a message: borrowed bytes. */
typedef struct { const uint8_t *p; size_t n; } ch_slice_t;

/* Version vector of one case: for each feed, the highest contiguous seq. */
typedef struct {
	uint8_t case_id[CH_CASE_LEN];
	size_t n;
	uint8_t (*org)[32];        /* malloc'd by decode, n entries */
	uint64_t *seq;
} ch_vec_t;
int ch_vec_encode(const ch_vec_t *v, uint8_t **out, size_t *len) CH_WUR;
int ch_vec_decode(const uint8_t *p, size_t n, ch_vec_t *v) CH_WUR;
void ch_vec_clear(ch_vec_t *v);

/* CHECK and PULL body: a run of a daemon and a change number in it
 * (PROTOCOL.md "Checkpoints"). */
#define CH_RUN_LEN 16
#define CH_MARK_LEN (CH_RUN_LEN + 8)
typedef struct {
	uint8_t run[CH_RUN_LEN];
	uint64_t change;
} ch_mark_t;
void ch_mark_encode(const ch_mark_t *m, uint8_t out[CH_MARK_LEN]);
int ch_mark_decode(const uint8_t *p, size_t n, ch_mark_t *m) CH_WUR;

/* CHANGES body: the vectors of the cases that changed in run after a
 * change number, lowest change first, up to upto; more = 1 when the
 * sender stopped before its newest change. Each item: the case's change
 * number and its vector (ch_vec). decode: *items is malloc'd, each vec
 * slice borrows from p (decode it with ch_vec_decode). */
#define CH_CHANGES_MAX 256
#define CH_VEC_MAX (CH_CASE_LEN + 2 + (size_t)CH_FEEDS_MAX * 40)
typedef struct {
	uint64_t change;
	ch_slice_t vec;
} ch_changed_t;
int ch_changes_encode(const uint8_t run[CH_RUN_LEN], uint64_t upto, uint8_t more,
    const ch_changed_t *items, size_t n, uint8_t **out, size_t *len) CH_WUR;
int ch_changes_decode(const uint8_t *p, size_t n, uint8_t run[CH_RUN_LEN],
    uint64_t *upto, uint8_t *more, ch_changed_t **items, size_t *nitems) CH_WUR;

/* ENTRIES body. decode: *items is malloc'd, each slice borrows from p. */
int ch_batch_encode(const uint8_t case_id[CH_CASE_LEN], uint8_t more,
    const ch_slice_t *items, size_t n, uint8_t **out, size_t *len) CH_WUR;
int ch_batch_decode(const uint8_t *p, size_t n, uint8_t case_id[CH_CASE_LEN],
    uint8_t *more, ch_slice_t **items, size_t *nitems) CH_WUR;

/* A batch written straight into the frame that carries it: each entry is
 * copied once, into the frame, and ch_batchw_finish writes the frame's
 * header, the case and the count in front of the entries. The frame is
 * byte for byte ch_msg_encode(magic, type, 0, ch_batch_encode(case_id,
 * more, entries)). */
typedef struct {
	cwr_t w;
	size_t n;        /* entries so far */
	size_t bytes;    /* their bytes, without the length prefixes */
	size_t reserve;  /* the room taken at the first entry */
} ch_batchw_t;
/* Starts an empty batch. Nothing is allocated until its first entry,
 * which takes room for reserve bytes of entries at once. */
void ch_batchw_init(ch_batchw_t *b, size_t reserve);
/* Appends an entry: CH_ERR_TOOBIG when the batch holds CH_BATCH_MAX
 * entries already or the frame would pass CH_MSG_MAX (the batch is left
 * as it was and may still be finished), CH_ERR_NOMEM. */
int ch_batchw_add(ch_batchw_t *b, const uint8_t *e, size_t n) CH_WUR;
/* Hands the frame to *out (free() it) and resets b; on an error frees it. */
int ch_batchw_finish(ch_batchw_t *b, const char magic[4], uint8_t type,
    const uint8_t case_id[CH_CASE_LEN], uint8_t more, uint8_t **out, size_t *len) CH_WUR;
/* Frees an unfinished batch (wiping it). */
void ch_batchw_free(ch_batchw_t *b);

/* READ reply (PROTOCOL.md "Read reply"). Each item says whether the reader
 * may open it and, when not, why. */
enum {
	CH_IT_OPEN = 0,        /* plain holds the decrypted plain body */
	CH_IT_BEFORE_JOIN = 1, /* sealed under an epoch this org holds no key of */
	CH_IT_ORG_AUD = 2,     /* an audience this organization is not in */
	CH_IT_ROLE_AUD = 3,    /* an audience the reader's role is not in */
	CH_IT_ERASED = 4,      /* its body was erased */
	CH_IT_HIDDEN = 5,      /* hidden by its author's organization */
};
#define CH_IT_MAX CH_IT_HIDDEN
#define CH_ACKS_MAX 64
typedef struct {
	ch_env_t env;
	uint8_t state;            /* CH_IT_* */
	ch_slice_t plain;         /* CH_IT_OPEN only; empty otherwise */
	uint16_t versions;        /* 1 + valid later versions; > 1: edited */
	uint8_t root[32];         /* id of the first version (own id if none) */
	uint8_t hidden_by[32];    /* CH_IT_HIDDEN: the org, else zeros */
	uint64_t hidden_at;
	uint64_t last_checkin;    /* keep-an-eye: newest check-in time, 0 none */
	uint32_t nrefs;           /* entries that refer to it (answers, replies...) */
	size_t nacks;             /* alert: acknowledgements, <= CH_ACKS_MAX */
	ch_slice_t acks;          /* nacks x { org 32 | time u64 } */
	ch_slice_t orgname;       /* name of env.org, from the reply's table */
} ch_readitem_t;
typedef struct {
	uint8_t org[32];
	ch_slice_t name;
} ch_orgname_t;
typedef struct {
	uint8_t access_id[32];
	uint8_t more;             /* 1: more entries match beyond this page */
	size_t norgs;
	ch_orgname_t *orgs;       /* names of the orgs the items mention */
	size_t n;
	ch_readitem_t *items;
	uint64_t instance;        /* the daemon's timeline of the case: a new
	                           * value whenever it was built anew */
	uint64_t arrived;         /* entries it has taken in so far */
} ch_readrep_t;
#define CH_READREP_ORGS_MAX 1024
/* Encodes r; every item's env.org, hidden_by and ack org must be in r->orgs
 * (CH_ERR_VALUE otherwise). The access id is the first 32 bytes. */
int ch_readrep_encode(const ch_readrep_t *r, uint8_t **out, size_t *len) CH_WUR;
/* Decodes into *r (its arrays malloc'd, its slices borrowed from p; release
 * with ch_readrep_clear); each item's orgname points at the table's name. */
int ch_readrep_decode(const uint8_t *p, size_t n, ch_readrep_t *r) CH_WUR;
void ch_readrep_clear(ch_readrep_t *r);
/* The i-th acknowledgement of an item. */
void ch_readitem_ack(const ch_readitem_t *it, size_t i, uint8_t org[32], uint64_t *time);
/* The name of org in r's table, or NULL. */
const ch_slice_t *ch_readrep_orgname(const ch_readrep_t *r, const uint8_t org[32]);

#endif
