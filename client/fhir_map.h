/* fhir_map.h - the entries of an export's read as FHIR R4 resources, in
 * one Bundle of type collection (cahier export CASE --fhir; README.md,
 * "FHIR export", says what each resource holds and which code systems it
 * uses). Pure: no daemon calls, no I/O; fhir.c reads and writes.
 *
 * Each entry of the read becomes one resource, or one part of one (a
 * keep-an-eye is an activity of the CarePlan, its check-ins that
 * activity's progress notes; an access record is an AuditEvent); the
 * charter gives the Patient's name, the CareTeam, the RelatedPersons and
 * the designations (Consent). Resource ids are UUIDs derived from what
 * they stand for (an entry's first version's id, an organization's or a
 * provider's key, the case id), so that the same thing has the same id in
 * every export, whoever runs it. Every text others wrote goes into a JSON
 * string (jansson); the caller prints the bundle through cli_escape
 * (CLI_ESC_JSON), as cli_json_print does. */
#ifndef CAHIER_FHIR_MAP_H
#define CAHIER_FHIR_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "../keys/keys.h"
#include "../proto/charter.h"
#include "../proto/msg.h"
#include "orgarg.h"

/* The base of the project's code systems, identifier systems and
 * extensions: BASE/CodeSystem/role, BASE/sid/entry, ... */
#define FHIR_BASE "https://cahier.example/fhir"

typedef struct {
	const uint8_t *case_id;          /* 16 bytes */
	const char *casename;            /* the case's name, or NULL */
	const keys_cert_t *reader;       /* who exports */
	const ch_readrep_t *pages;       /* the export's read, page by page: the
	                                  * care entries and the access records */
	size_t npages;
	const ch_epoch_t *charter;       /* the newest charter read, or NULL (the
	                                  * people around the person do not read it) */
	const cli_members_t *members;    /* without a charter: the member
	                                  * organizations by name, or NULL */
	uint64_t now_ms;
} fhir_in_t;

/* The Bundle (a new reference): every entry of in->pages and the charter,
 * as resources. *entries: how many entries of the notebook it holds (the
 * charter counts one). Exits (cli_die) when out of memory. */
json_t *fhir_bundle(const fhir_in_t *in, size_t *entries);

#endif
