/* info.h - bodies of the small client requests and replies: POST, STATUS,
 * CASES, PEERS, WHERE. Pure: no I/O. See PROTOCOL.md, "Client requests". */
#ifndef CAHIER_INFO_H
#define CAHIER_INFO_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "msg.h"

/* POST request: case_id 16 | audience u8 | plain var. */
typedef struct {
	uint8_t case_id[CH_CASE_LEN];
	uint8_t audience;
	ch_slice_t plain;
} ch_postreq_t;
int ch_postreq_encode(const ch_postreq_t *r, uint8_t **out, size_t *len) CH_WUR;
int ch_postreq_decode(const uint8_t *p, size_t n, ch_postreq_t *r) CH_WUR;

/* POST reply: case_id 16 | entry id 32 | seq u64. */
typedef struct {
	uint8_t case_id[CH_CASE_LEN];
	uint8_t id[CH_HASH_LEN];
	uint64_t seq;
} ch_postrep_t;
int ch_postrep_encode(const ch_postrep_t *r, uint8_t **out, size_t *len) CH_WUR;
int ch_postrep_decode(const uint8_t *p, size_t n, ch_postrep_t *r) CH_WUR;

/* STATUS reply: card var | cert var | ncases u32 | npeers u32 | nconnected u32. */
typedef struct {
	ch_slice_t card;
	ch_slice_t cert;
	uint32_t ncases, npeers, nconnected;
} ch_status_t;
int ch_status_encode(const ch_status_t *s, uint8_t **out, size_t *len) CH_WUR;
int ch_status_decode(const uint8_t *p, size_t n, ch_status_t *s) CH_WUR;

/* CASES reply: n u32 x { case_id 16 | coordinator 32 | members u16 |
 * entries u64 | epoch u32 | forks u32 }. */
typedef struct {
	uint8_t case_id[CH_CASE_LEN];
	uint8_t coordinator[32];
	uint16_t members;
	uint64_t entries;
	uint32_t epoch;
	uint32_t forks;
} ch_caseinfo_t;
int ch_caselist_encode(const ch_caseinfo_t *v, size_t n, uint8_t **out, size_t *len) CH_WUR;
/* *v is malloc'd. */
int ch_caselist_decode(const uint8_t *p, size_t n, ch_caseinfo_t **v, size_t *count) CH_WUR;

/* PEERS reply: n u32 x { card var | connected u8 | last_heard_ms u64 }. */
typedef struct {
	ch_slice_t card;
	uint8_t connected;
	uint64_t last_heard_ms;
} ch_peerinfo_t;
int ch_peerlist_encode(const ch_peerinfo_t *v, size_t n, uint8_t **out, size_t *len) CH_WUR;
/* *v is malloc'd; its slices borrow from p. */
int ch_peerlist_decode(const uint8_t *p, size_t n, ch_peerinfo_t **v, size_t *count) CH_WUR;

/* WHERE (client request type 8; 6 and 7 are taken by CLOSE and REOPEN):
 * which organizations of a case hold our organization's entry seq, as
 * their last SYNC said. The type lives here, not in msg.h's CH_CQ_* list,
 * until that list is free to edit. */
#define CH_CQ_WHERE 8
/* WHERE request: case_id 16 | seq u64 (24 bytes); seq 0 asks only for
 * the member organizations (each then held 0). */
typedef struct {
	uint8_t case_id[CH_CASE_LEN];
	uint64_t seq;
} ch_wherereq_t;
int ch_wherereq_encode(const ch_wherereq_t *r, uint8_t **out, size_t *len) CH_WUR;
int ch_wherereq_decode(const uint8_t *p, size_t n, ch_wherereq_t *r) CH_WUR;

/* WHERE reply: n u16 | n x { org 32 | held u8 (0/1) | name var (<= 256) }:
 * every member organization of the case but the daemon's own, whether its
 * last SYNC showed it holding the entry, and its name as the daemon knows
 * it (card or charter; UTF-8, shown escaped). At most CH_WHERE_MAX. */
#define CH_WHERE_MAX 256
#define CH_WHERE_NAME_MAX 256
typedef struct {
	uint8_t org[32];
	uint8_t held;
	ch_slice_t name;
} ch_whereorg_t;
int ch_whererep_encode(const ch_whereorg_t *v, size_t n, uint8_t **out, size_t *len) CH_WUR;
/* *v is malloc'd (NULL when n is 0); each name borrows from p. */
int ch_whererep_decode(const uint8_t *p, size_t n, ch_whereorg_t **v, size_t *count) CH_WUR;

#endif
