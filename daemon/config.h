/* config.h - cahierd.conf: "key = value" lines, '#' comments. */
#ifndef CAHIER_CONFIG_H
#define CAHIER_CONFIG_H

typedef struct {
	char *name;             /* organization name, for its card */
	char *peer_endpoint;    /* where peers reach us (bound and advertised) */
	char *peer_bind;        /* what we bind for peers (default: peer_endpoint) */
	char *client_endpoint;  /* ipc:// for local clients (default <dir>/client.sock) */
	char *client_tcp;       /* optional tcp:// for clients on laptops */
	char *passphrase_file;  /* unattended start */
	int sync_interval_ms;   /* anti-entropy round (default 1000) */
	int log_level;          /* 0 error .. 3 debug (default 2) */
	int max_open_cases;     /* bounded cache of open case stores (default 64) */
	int rotate_days;        /* cases we coordinate get new keys this often (0 = never) */
	int rotate_entries;     /* ... or after this many entries in an epoch (0 = never) */
	int emergency_minutes;  /* an emergency access lasts this long unless asked
	                         * shorter (default 60) */
	int emergency_max_minutes; /* and never longer (default 240) */
	char *access_hook;      /* a program run for each new access record of a
	                         * case whose person asked to be told (notify.h);
	                         * NULL: none */
} config_t;

/* Reads <dir>/cahierd.conf. Returns 0, or DERR_CONFIG with a one-line
 * reason in err. */
int config_load(const char *dir, config_t *c, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void config_clear(config_t *c);
/* Writes a new <dir>/cahierd.conf (refuses to overwrite). Returns 0, or
 * DERR_CONFIG with a one-line reason in err. */
int config_write(const char *dir, const config_t *c, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
