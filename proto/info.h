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

/* STATUS reply: card var | cert var | ncases u32 | npeers u32 | nconnected u32 |
 * ownforks u32 (the cases in which this organization's own feed forked) |
 * restore_ready u32 | restore_total u32 (after a restore, the cases whose
 * own feed this daemon has learnt from its peers, of those it must; both
 * 0 when it is not restoring) | then, from a daemon that sends them:
 * version var (1..CH_VERSION_MAX bytes of printable ASCII) | started_ms u64
 * (when the daemon began serving, ms since 1970) | uptime_s u64 (seconds
 * since, by the daemon's clock). A reply that ends after restore_total
 * comes from a daemon older than these fields: it decodes with an empty
 * version and both times 0, and the encoder writes that short form for an
 * empty version. */
#define CH_VERSION_MAX 64
typedef struct {
	ch_slice_t card;
	ch_slice_t cert;
	uint32_t ncases, npeers, nconnected, ownforks;
	uint32_t restore_ready, restore_total;
	ch_slice_t version;         /* n 0: a daemon that does not say */
	uint64_t started_ms, uptime_s;
} ch_status_t;
/* CH_ERR_VALUE for a version longer than CH_VERSION_MAX or not printable
 * ASCII, or times given without a version. */
int ch_status_encode(const ch_status_t *s, uint8_t **out, size_t *len) CH_WUR;
/* s's slices borrow from p. CH_ERR_VALUE for a version that is empty, not
 * printable ASCII, when the fields are there at all. */
int ch_status_decode(const uint8_t *p, size_t n, ch_status_t *s) CH_WUR;

/* Client request types this file's bodies belong to, after msg.h's 1..5
 * (PROTOCOL.md, "Client requests"): closing a case at this organization,
 * and reopening it. Body: a case reference; reply: empty. */
#define CH_CQ_CLOSE 6
#define CH_CQ_REOPEN 7

/* CASES request: empty, or flags u8: bit0 every case (else the daily list:
 * cases closed here left out), bit1 no names (ids and counts only: the
 * daemon reads no charter and records nothing; the same-name flag is then
 * never set). Other bits are refused. Empty, as a client from before the
 * flags asked: every case, no names (CH_CASES_ALL | CH_CASES_NONAMES). */
#define CH_CASES_DAILY   0x00
#define CH_CASES_ALL     0x01
#define CH_CASES_NONAMES 0x02
int ch_casesreq_encode(uint8_t flags, uint8_t **out, size_t *len) CH_WUR;
/* CH_ERR_VALUE for an undefined bit. */
int ch_casesreq_decode(const uint8_t *p, size_t n, uint8_t *flags) CH_WUR;

/* CLOSE and REOPEN request: case_id 16. */
int ch_caseref_encode(const uint8_t case_id[CH_CASE_LEN], uint8_t **out, size_t *len) CH_WUR;
int ch_caseref_decode(const uint8_t *p, size_t n, uint8_t case_id[CH_CASE_LEN]) CH_WUR;

/* CASES reply: n u32 x { case_id 16 | coordinator 32 | members u16 |
 * entries u64 | epoch u32 | forks u32 | flags u8 | last_ms u64 |
 * since_ms u64 | name text (<= 256) | coordinator name text (<= 256) }.
 * A text is u32 length | UTF-8 without NUL; an empty name: the daemon
 * cannot read the case's charter. */
#define CH_CASE_CLOSED    0x01  /* closed at this organization */
#define CH_CASE_REMOVED   0x02  /* this organization was removed from the case */
#define CH_CASE_SAMENAME  0x04  /* another case the provider sees has the same name */
#define CH_CASE_FORK      0x08  /* a feed of the case forked */
#define CH_CASE_OWNFORK   0x10  /* ... this organization's own feed (with CH_CASE_FORK) */
#define CH_CASE_FLAGS     0x1f  /* every defined bit; others are refused */
#define CH_CASE_NAME_MAX  256
typedef struct {
	uint8_t case_id[CH_CASE_LEN];
	uint8_t coordinator[32];
	uint16_t members;
	uint64_t entries;
	uint32_t epoch;
	uint32_t forks;
	uint8_t flags;           /* CH_CASE_* */
	uint64_t last_ms;        /* newest entry other than an access record, 0 if unknown */
	uint64_t since_ms;       /* closed here (CLOSED) or removed (REMOVED) at, 0 if unknown */
	ch_slice_t name;         /* borrowed: the case's name, or empty */
	ch_slice_t coord_name;   /* borrowed: the coordinator's name */
} ch_caseinfo_t;
int ch_caselist_encode(const ch_caseinfo_t *v, size_t n, uint8_t **out, size_t *len) CH_WUR;
/* *v is malloc'd; its slices borrow from p. */
int ch_caselist_decode(const uint8_t *p, size_t n, ch_caseinfo_t **v, size_t *count) CH_WUR;
/* 1 if two case names are the same for the duplicate flag: equal after
 * folding ASCII A-Z to a-z (no other folding, no Unicode normalisation:
 * "É" and "é" differ), 0 otherwise; two empty names are never the same. */
int ch_casename_same(const ch_slice_t *a, const ch_slice_t *b);

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

/* VERIFY (client request type 9): checks every feed this daemon holds of a
 * case (PROTOCOL.md, "Verifying a case"). Request: case_id 16. Reply:
 *   feeds u32 | entries u64 | sigs u64 |
 *   nnames u16 | nnames x { org 32 | name var (<= 256) } |
 *   n u16 | n x { org 32 | seq u64 | code u8 | other u64 }
 * feeds, entries: what was checked; sigs: the signatures checked (every
 * entry's organization signature, every erasure proof); the names are
 * those of the organizations the findings name (UTF-8, shown escaped); each
 * finding names the feed (org; for CH_VF_BEHIND the member that holds
 * more) and the seq at fault, what is wrong (code),
 * and for CH_VF_GAP / CH_VF_BEYOND / CH_VF_BEHIND the other end of the
 * range (other), else 0. At most CH_VERIFY_MAX findings: a case with more
 * reports the first ones and CH_VF_MORE last. */
#define CH_CQ_VERIFY 9
/* EMERGENCY (client request type 10): break the glass. Request: minutes
 * u32 (0: the daemon's default) | a POST request body of an alert (kind
 * 5) for the network audience, addressed at least to the coordinator,
 * whose text says why. Reply: a POST reply. See PROTOCOL.md, "Emergency
 * access". */
#define CH_CQ_EMERGENCY 10
/* NOTIFY (client request type 11): the person's wish to be told of every
 * new access record of a case, through the provider who asks (PROTOCOL.md,
 * "Notification of reads"). Request: case_id 16 | op u8 (17 bytes); reply:
 * on u8 (0/1) | since u64 (ms; 0 when off) | hook u8 (1 when this daemon
 * runs an access_hook) (10 bytes). */
#define CH_CQ_NOTIFY 11
enum { CH_NOTIFY_ASK = 0, CH_NOTIFY_ON = 1, CH_NOTIFY_OFF = 2 };
typedef struct {
	uint8_t case_id[CH_CASE_LEN];
	uint8_t op;
} ch_notifyreq_t;
typedef struct {
	uint8_t on;
	uint64_t since;
	uint8_t hook;
} ch_notifyrep_t;
/* CH_ERR_VALUE for an op, on or hook out of range. */
int ch_notifyreq_encode(const ch_notifyreq_t *r, uint8_t **out, size_t *len) CH_WUR;
int ch_notifyreq_decode(const uint8_t *p, size_t n, ch_notifyreq_t *r) CH_WUR;
int ch_notifyrep_encode(const ch_notifyrep_t *r, uint8_t **out, size_t *len) CH_WUR;
int ch_notifyrep_decode(const uint8_t *p, size_t n, ch_notifyrep_t *r) CH_WUR;
#define CH_VERIFY_MAX 256
#define CH_VERIFY_NAME_MAX 256
enum {
	CH_VF_GAP = 1,       /* seqs seq..other missing below the feed's head */
	CH_VF_MALFORMED = 2, /* the bytes held are no entry */
	CH_VF_PLACE = 3,     /* the envelope names another case, feed or seq */
	CH_VF_SIG = 4,       /* the organization signature does not verify */
	CH_VF_BODY = 5,      /* the body does not match the envelope's hash */
	CH_VF_CHAIN = 6,     /* prev is not the id of the entry before */
	CH_VF_ERASURE = 7,   /* an erased body's proof does not verify */
	CH_VF_HEAD = 8,      /* the feed's head record is not its last entry */
	CH_VF_BEYOND = 9,    /* entries seq..other held after the head */
	CH_VF_FORK = 10,     /* a second signed entry for seq: fork evidence */
	CH_VF_BEHIND = 11,   /* member org holds this daemon's own feed up
	                      * to other, this daemon only up to seq */
	CH_VF_MORE = 12,     /* more findings than the reply holds */
};
#define CH_VF_LAST CH_VF_MORE
typedef struct {
	uint8_t org[32];
	ch_slice_t name;
} ch_vfname_t;
typedef struct {
	uint8_t org[32];
	uint64_t seq;
	uint8_t code;
	uint64_t other;
} ch_finding_t;
typedef struct {
	uint32_t feeds;
	uint64_t entries, sigs;
	ch_vfname_t *names;
	size_t nnames;
	ch_finding_t *f;
	size_t n;
} ch_verifyrep_t;
int ch_verifyrep_encode(const ch_verifyrep_t *r, uint8_t **out, size_t *len) CH_WUR;
/* r->names and r->f are malloc'd (free with ch_verifyrep_clear); the
 * names borrow from p. */
int ch_verifyrep_decode(const uint8_t *p, size_t n, ch_verifyrep_t *r) CH_WUR;
void ch_verifyrep_clear(ch_verifyrep_t *r);
/* A finding's code in words ("signature does not verify", ...). */
const char *ch_vf_str(uint8_t code);

#endif
