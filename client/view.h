/* view.h - how the client shows an entry of a read reply: who wrote it,
 * when, for which audience, what it says (every kind: care entries through
 * render.h, membership changes, access records), or why the reader cannot
 * open it; whether it was edited, hidden, acknowledged. One describe, then
 * text or JSON, for every command that reads (log, audit, show, watch,
 * tasks, alerts).
 *
 * The human form shows no seq, epoch or hex id (--verbose adds them); it
 * shows an entry's short reference (ref.h) where a provider may act on it.
 * Every text others wrote goes through escape.h. */
#ifndef CAHIER_VIEW_H
#define CAHIER_VIEW_H

#include <stdint.h>
#include <jansson.h>
#include "../proto/kinds.h"
#include "../proto/msg.h"
#include "cli.h"

typedef struct view view_t;

/* A view for the reader of c (its organization and role say what "you"
 * and "us" are). verbose: --verbose. Exits when out of memory. */
view_t *view_new(cli_t *c, int verbose);
void view_free(view_t **v);
/* The case as the provider named it (for the hints a view prints, such as
 * "cahier ack CASE REF"); in_show: the view is cahier show's, which prints
 * no hint to run cahier show. */
void view_set_case(view_t *v, const char *casearg, int in_show);
/* Learns the organization names of a reply (before its items are shown). */
void view_learn(view_t *v, const ch_readrep_t *rr);

/* One entry, described. */
typedef struct ventry ventry_t;
/* Describes item it of a reply view_learn() was given; the result borrows
 * from the reply until view_entry_free(). */
ventry_t *view_describe(view_t *v, const ch_readitem_t *it);
void view_entry_free(ventry_t **e);
/* Prints e as text on stdout: a header line, then its lines indented. */
void view_print(view_t *v, const ventry_t *e);
/* e as a JSON object (docs/JSON.md, "Entries"); a new reference. */
json_t *view_json(view_t *v, const ventry_t *e);

/* What commands select on. */
uint8_t view_kind(const ventry_t *e);            /* 0 if not readable */
const ch_fields_t *view_fields(const ventry_t *e); /* NULL unless a care kind */
/* 1 if the entry's (latest) fields name org among its organizations. */
int view_names_org(const ventry_t *e, const uint8_t org[32]);
/* A keep-an-eye: when the next check-in is due (ms), 0 if none. */
uint64_t view_checkin_due(const ventry_t *e);
/* cahier audit's filters of access records: each NULL matches any. */
typedef struct {
	const char *reader;      /* part of the reader's name (ASCII letters in any case) */
	const char *action;      /* create, read, update, delete, export, search, list */
	const char *purpose;     /* treatment, emergency, coordination, own-request, audit */
	const char *outcome;     /* ok, refused, failed */
} view_afilter_t;
/* 1 if e is an access record the filter matches (one that does not open
 * never does). */
int view_access_match(const ventry_t *e, const view_afilter_t *f);
/* An access record's fields, for a report (strings borrow from e). */
typedef struct {
	uint64_t time_ms;
	const char *reader, *role, *org;   /* "?" when unknown */
	const char *action, *purpose, *outcome;
	const char *scope;                 /* "the notebook", "the audit", ... */
	const char *kinds;                 /* "" or "task, keep-an-eye", as words
	                                    * of the reader's language */
	uint64_t count;
	int for_person;
} view_access_t;
/* 0 and *out filled if e is an access record that opened, else -1. */
int view_access_get(const ventry_t *e, view_access_t *out);
/* Our organization's id. */
const uint8_t *view_us(const view_t *v);
/* The provider's own key. */
const uint8_t *view_me(const view_t *v);

#endif
