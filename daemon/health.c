/* health.c - the daemon's status file for its administrator (health.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>

#include "clock.h"
#include "health.h"
#include "log.h"

#ifndef CAHIER_VERSION
#define CAHIER_VERSION "unknown"
#endif

static json_t *
iso(int64_t ms)
{
	char out[32];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (ms <= 0 || !gmtime_r(&t, &tm) || !strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(out);
}

const char *
health_version(void)
{
	return CAHIER_VERSION;
}

int
health_write(cahierd_t *d, int64_t started_ms, int stopping)
{
	int64_t now = clock_now_ms();
	uint8_t (*ids)[16] = NULL;
	size_t ncases = 0;
	char path[4200], tmp[4300], kid[17];
	json_t *o = json_object(), *peers = json_array();

	if (store_case_list(d->store, &ids, &ncases) != 0)
		ncases = 0;
	free(ids);
	json_object_set_new(o, "version", json_string(CAHIER_VERSION));
	json_object_set_new(o, "pid", json_integer((json_int_t)getpid()));
	json_object_set_new(o, "organization", json_string(d->cfg.name));
	json_object_set_new(o, "started", iso(started_ms));
	json_object_set_new(o, "written", iso(now));
	json_object_set_new(o, "uptime_s", json_integer((json_int_t)((now - started_ms) / 1000)));
	json_object_set_new(o, "stopping", json_boolean(stopping));
	json_object_set_new(o, "cases", json_integer((json_int_t)ncases));
	if (restore_active(d->run)) {
		size_t ready, total;
		restore_progress(d->run, &ready, &total);
		json_object_set_new(o, "restoring", json_pack("{s:I, s:I}", "cases_ready",
		    (json_int_t)ready, "cases", (json_int_t)total));
	} else
		json_object_set_new(o, "restoring", json_null());
	for (size_t i = 0; i < peers_count(d->peers); i++) {
		peer_t *p = peers_at(d->peers, i);
		json_t *q = json_object();
		keys_keyid(p->org, kid);
		json_object_set_new(q, "name", json_string(p->card.name ? p->card.name : "?"));
		json_object_set_new(q, "key_id", json_string(kid));
		json_object_set_new(q, "endpoint", json_string(p->card.endpoint ? p->card.endpoint : ""));
		json_object_set_new(q, "connected", json_boolean(p->dealer_ok ||
		    (p->last_heard && now - p->last_heard < 3 * d->cfg.sync_interval_ms + 2000)));
		json_object_set_new(q, "last_heard", iso(p->last_heard));
		json_object_set_new(q, "catching_up", json_boolean(now < p->busy_until));
		json_object_set_new(q, "clock_behind_ms", p->clock_at && now - p->clock_at < 3600000 ?
		    json_integer((json_int_t)p->clock_lag) : json_null());
		json_array_append_new(peers, q);
	}
	json_object_set_new(o, "peers", peers);
	snprintf(path, sizeof(path), "%s/status.json", d->dir);
	snprintf(tmp, sizeof(tmp), "%s/.status.json.tmp", d->dir);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = -1;
	if (fd >= 0) {
		char *text = json_dumps(o, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		size_t n = text ? strlen(text) : 0;
		if (text && write(fd, text, n) == (ssize_t)n && write(fd, "\n", 1) == 1)
			rc = 0;
		free(text);
		if (close(fd) != 0)
			rc = -1;
		if (rc == 0 && rename(tmp, path) != 0)
			rc = -1;
	}
	json_decref(o);
	if (rc)
		log_limited(LOG_LVL_WARN, "health", "cannot write %s", path);
	return rc;
}
