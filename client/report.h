/* report.h - the report of who read a person's notebook, for the person or
 * their trusted person (cahier audit CASE --for-person): one line per
 * access record, oldest first, in words a person understands (who, which
 * organization and role, what, why), as text or as HTML with print CSS. */
#ifndef CAHIER_REPORT_H
#define CAHIER_REPORT_H

#include <stdio.h>
#include "view.h"

typedef struct {
	FILE *f;
	int html;
	size_t n;
} report_t;

/* Starts the report of the case called casename, printed now. */
void report_begin(report_t *r, FILE *f, int html, const char *casename);
/* One access record. */
void report_line(report_t *r, const view_access_t *a);
/* Ends it: how many records it holds. */
void report_end(report_t *r);

#endif
