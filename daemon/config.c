/* config.c - reading and writing cahierd.conf. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../keys/i18n.h"
#include "config.h"
#include "derr.h"

static char *
trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -1;
}

static int
set_int(int *dst, const char *v, int lo, int hi)
{
	char *end;
	long x = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || x < lo || x > hi)
		return DERR_CONFIG;
	*dst = (int)x;
	return 0;
}

/* The access hook is a program the daemon runs with the notebook's audit
 * data (notify.h): an absolute path to a regular, executable file that
 * only its owner (root or the daemon's user) may change, in a directory
 * no one else may change either. 0, or 1 with the reason in err. */
static int
hook_refusal(const char *hook, char *err, size_t errlen, const char *path)
{
	struct stat st;
	char dir[4096];
	if (hook[0] != '/') {
		snprintf(err, errlen, _("%s: access_hook must be an absolute path, not '%s'"), path, hook);
		return 1;
	}
	if (stat(hook, &st) != 0) {
		snprintf(err, errlen, _("%s: access_hook %s: %s"), path, hook, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode) || access(hook, X_OK) != 0) {
		snprintf(err, errlen, _("%s: access_hook %s is not an executable file"), path, hook);
		return 1;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
		snprintf(err, errlen, _("%s: access_hook %s may be changed by others than root "
		    "and this daemon's user (chmod go-w %s)"), path, hook, hook);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s", hook);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) != 0 || (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    ((st.st_mode & 022) && !(st.st_mode & S_ISVTX))) {
		snprintf(err, errlen, _("%s: the directory of access_hook, %s, may be changed by "
		    "others than root and this daemon's user"), path, dir);
		return 1;
	}
	return 0;
}

int
config_load(const char *dir, config_t *c, char *err, size_t errlen)
{
	char path[4096], line[1024];
	FILE *f;
	int lineno = 0;

	memset(c, 0, sizeof(*c));
	c->sync_interval_ms = 1000;
	c->log_level = 2;
	c->max_open_cases = 64;
	c->emergency_minutes = 60;
	c->emergency_max_minutes = 240;
	snprintf(path, sizeof(path), "%s/cahierd.conf", dir);
	if (!(f = fopen(path, "r"))) {
		snprintf(err, errlen, _("cannot read %s: %s (run 'cahierd init' first)"),
		    path, strerror(errno));
		return DERR_CONFIG;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line), *eq, *k, *v;
		int rc = 0;
		if (*s == '\0' || *s == '#')
			continue;
		if (!(eq = strchr(s, '='))) {
			snprintf(err, errlen, _("%s:%d: expected 'key = value'"), path, lineno);
			goto fail;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if (strcmp(k, "name") == 0) rc = set_str(&c->name, v);
		else if (strcmp(k, "peer_endpoint") == 0) rc = set_str(&c->peer_endpoint, v);
		else if (strcmp(k, "peer_bind") == 0) rc = set_str(&c->peer_bind, v);
		else if (strcmp(k, "client_endpoint") == 0) rc = set_str(&c->client_endpoint, v);
		else if (strcmp(k, "client_tcp") == 0) rc = set_str(&c->client_tcp, v);
		else if (strcmp(k, "passphrase_file") == 0) rc = set_str(&c->passphrase_file, v);
		else if (strcmp(k, "sync_interval_ms") == 0) rc = set_int(&c->sync_interval_ms, v, 10, 3600000);
		else if (strcmp(k, "log_level") == 0) rc = set_int(&c->log_level, v, 0, 3);
		else if (strcmp(k, "max_open_cases") == 0) rc = set_int(&c->max_open_cases, v, 1, 100000);
		else if (strcmp(k, "rotate_days") == 0) rc = set_int(&c->rotate_days, v, 0, 3650);
		else if (strcmp(k, "rotate_entries") == 0) rc = set_int(&c->rotate_entries, v, 0, 100000000);
		else if (strcmp(k, "emergency_minutes") == 0) rc = set_int(&c->emergency_minutes, v, 1, 1440);
		else if (strcmp(k, "emergency_max_minutes") == 0) rc = set_int(&c->emergency_max_minutes, v, 1, 1440);
		else if (strcmp(k, "access_hook") == 0) rc = set_str(&c->access_hook, v);
		else {
			snprintf(err, errlen, _("%s:%d: unknown key '%s'"), path, lineno, k);
			goto fail;
		}
		if (rc) {
			snprintf(err, errlen, _("%s:%d: bad value for '%s'"), path, lineno, k);
			goto fail;
		}
	}
	fclose(f);
	if (!c->name || !c->peer_endpoint) {
		snprintf(err, errlen, _("%s: 'name' and 'peer_endpoint' are required"), path);
		config_clear(c);
		return DERR_CONFIG;
	}
	if (c->emergency_minutes > c->emergency_max_minutes) {
		snprintf(err, errlen, _("%s: emergency_minutes (%d) is longer than emergency_max_minutes (%d)"),
		    path, c->emergency_minutes, c->emergency_max_minutes);
		config_clear(c);
		return DERR_CONFIG;
	}
	if (c->access_hook && hook_refusal(c->access_hook, err, errlen, path)) {
		config_clear(c);
		return DERR_CONFIG;
	}
	if (!c->peer_bind && set_str(&c->peer_bind, c->peer_endpoint))
		goto nomem;
	if (!c->client_endpoint) {
		snprintf(path, sizeof(path), "ipc://%s/client.sock", dir);
		if (set_str(&c->client_endpoint, path))
			goto nomem;
	}
	return 0;
nomem:
	snprintf(err, errlen, _("out of memory"));
	config_clear(c);
	return DERR_CONFIG;
fail:
	fclose(f);
	config_clear(c);
	return DERR_CONFIG;
}

void
config_clear(config_t *c)
{
	free(c->name);
	free(c->peer_endpoint);
	free(c->peer_bind);
	free(c->client_endpoint);
	free(c->client_tcp);
	free(c->passphrase_file);
	free(c->access_hook);
	memset(c, 0, sizeof(*c));
}

int
config_write(const char *dir, const config_t *c, char *err, size_t errlen)
{
	char path[4096];
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cahierd.conf", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 ||
	    !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, _("cannot create %s: %s"), path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return DERR_CONFIG;
	}
	/* not translated: the file's keys are what cahierd.conf(5) names */
	fprintf(f, "# cahierd configuration\n");
	fprintf(f, "name = %s\n", c->name);
	fprintf(f, "peer_endpoint = %s\n", c->peer_endpoint);
	if (c->peer_bind && strcmp(c->peer_bind, c->peer_endpoint) != 0)
		fprintf(f, "peer_bind = %s\n", c->peer_bind);
	if (c->client_endpoint)
		fprintf(f, "client_endpoint = %s\n", c->client_endpoint);
	if (c->client_tcp)
		fprintf(f, "client_tcp = %s\n", c->client_tcp);
	if (c->passphrase_file)
		fprintf(f, "passphrase_file = %s\n", c->passphrase_file);
	fprintf(f, "sync_interval_ms = %d\n", c->sync_interval_ms ? c->sync_interval_ms : 1000);
	if (c->rotate_days)
		fprintf(f, "rotate_days = %d\n", c->rotate_days);
	if (c->rotate_entries)
		fprintf(f, "rotate_entries = %d\n", c->rotate_entries);
	if (fflush(f) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, _("cannot write %s: %s"), path, strerror(errno));
		fclose(f);
		return DERR_CONFIG;
	}
	fclose(f);
	return 0;
}
