/* msg.h - client-to-daemon and daemon-to-daemon messages. Pure: no I/O.
 * Every message is one ZeroMQ frame: magic(4) | version u8 | type u8 |
 * status u8 | body (u32 length + bytes). See PROTOCOL.md. */
#ifndef CAHIER_MSG_H
#define CAHIER_MSG_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
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
};

/* Frame codec. *out is malloc'd; *body borrows from p. */
int ch_msg_encode(const char magic[4], uint8_t type, uint8_t status,
    const uint8_t *body, size_t n, uint8_t **out, size_t *len) CH_WUR;
int ch_msg_decode(const uint8_t *p, size_t n, const char magic[4],
    uint8_t *type, uint8_t *status, const uint8_t **body, size_t *bodylen) CH_WUR;

/* Signed read request: "CHRQ" | version | action | purpose | kind filter
 * (0 = every kind but access records, CH_KIND_ACCESS = the audit) |
 * case_id | time_ms | nonce 16 | provider 32 | sig 64. */
#define CH_READREQ_LEN 147
typedef struct {
	uint8_t action;
	uint8_t purpose;
	uint8_t kind;
	uint8_t case_id[CH_CASE_LEN];
	uint64_t time_ms;
	uint8_t nonce[16];
	uint8_t provider[32];
	uint8_t sig[CH_SIG_LEN];
} ch_readreq_t;
/* Fills r->provider from sign_sk's public half, signs, encodes into out. */
void ch_readreq_sign(ch_readreq_t *r, const uint8_t sign_sk[64],
    uint8_t out[CH_READREQ_LEN]);
/* Decodes and verifies the signature by r->provider. */
int ch_readreq_decode(const uint8_t *p, size_t n, ch_readreq_t *r) CH_WUR;

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

/* ENTRIES body. decode: *items is malloc'd, each slice borrows from p. */
int ch_batch_encode(const uint8_t case_id[CH_CASE_LEN], uint8_t more,
    const ch_slice_t *items, size_t n, uint8_t **out, size_t *len) CH_WUR;
int ch_batch_decode(const uint8_t *p, size_t n, uint8_t case_id[CH_CASE_LEN],
    uint8_t *more, ch_slice_t **items, size_t *nitems) CH_WUR;

/* READ reply: access record id 32 | n u32 x { envelope 206 | org name var |
 * plain var (empty when this daemon holds no key for it) }. */
typedef struct {
	ch_env_t env;
	ch_slice_t orgname;
	ch_slice_t plain;
} ch_readitem_t;
int ch_readrep_decode(const uint8_t *p, size_t n, uint8_t access_id[32],
    ch_readitem_t **items, size_t *nitems) CH_WUR;
int ch_readrep_encode(const uint8_t access_id[32], const ch_readitem_t *items,
    size_t n, uint8_t **out, size_t *len) CH_WUR;

#endif
