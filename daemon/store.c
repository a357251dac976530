/* store.c - LMDB environments for the organization and its cases. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lmdb.h>
#include <sodium.h>

#include "../proto/cbuf.h"
#include "store.h"
#include "log.h"

#define ORG_MAP STORE_ORG_MAP
#define CASE_MAP STORE_CASE_MAP

/* The tables: their names exist only here, their indices only in this file. */
enum { O_META, O_PEERS, O_PROVIDERS, O_CASES, O_REVOKED, O_CLOSED, O_JOURNAL, O_NOTIFY };
static const char *const org_tables[] = { "meta", "peers", "providers", "cases",
	"revoked", "closed", "journal", "notify", NULL };
enum { C_ENTRIES, C_HEADS, C_KEYS, C_FORKS, C_EPOCHS, C_REVOKED, C_META };
static const char *const case_tables[] = { "entries", "heads", "keys", "forks",
	"epochs", "revoked", "meta", NULL };
#define MAX_TABLES 8

typedef struct {
	MDB_env *env;
	MDB_dbi dbi[MAX_TABLES];
	MDB_txn *wtxn;
} dbenv_t;

struct scase {
	uint8_t id[16];
	store_t *store;
	dbenv_t db;
	uint64_t used;
};

struct store {
	char *dir;
	dbenv_t org;
	uint8_t *storage;      /* sodium_malloc'd */
	scase_t **cache;
	int max_open;
	int nopen;
	uint64_t tick;
	/* Change numbers (store_change): in memory only, one slot per case,
	 * open addressing keyed by a SipHash of the case id. */
	struct chg { uint8_t id[16]; uint64_t chg; int used; } *chg;
	size_t chgcap, chgn;
	uint64_t change;
	uint8_t chgkey[crypto_shorthash_KEYBYTES];
};

const char *
store_strerror(int err)
{
	switch (err) {
	case ST_ERR_NOTFOUND: return N_("not found");
	case ST_ERR_DB: return N_("database error");
	case ST_ERR_FULL: return N_("database full");
	default: return ch_strerror(err);
	}
}

/* --- Change numbers --- */

static struct chg *
chg_slot(const store_t *s, const uint8_t id[16])
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t x = 0;
	crypto_shorthash(h, id, 16, s->chgkey);
	memcpy(&x, h, sizeof(x));
	size_t i = (size_t)(x & (s->chgcap - 1));
	while (s->chg[i].used && memcmp(s->chg[i].id, id, 16) != 0)
		i = (i + 1) & (s->chgcap - 1);
	return &s->chg[i];
}

/* Case id's change number becomes the next one. On allocation failure the
 * number is not recorded, and the counter moves anyway: peers then ask for
 * our changes again (store_changed_since) and meet the case at a full
 * exchange, not never. */
static void
chg_touch(store_t *s, const uint8_t id[16])
{
	s->change++;
	if (2 * (s->chgn + 1) > s->chgcap) {
		size_t cap = s->chgcap ? 2 * s->chgcap : 64;
		struct chg *old = s->chg, *nt = calloc(cap, sizeof(*nt));
		size_t oldcap = s->chgcap;
		if (!nt) {
			log_err("store: out of memory for change numbers");
			return;
		}
		s->chg = nt;
		s->chgcap = cap;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].used)
				*chg_slot(s, old[i].id) = old[i];
		free(old);
	}
	struct chg *c = chg_slot(s, id);
	if (!c->used) {
		memcpy(c->id, id, 16);
		c->used = 1;
		s->chgn++;
	}
	c->chg = s->change;
}

uint64_t
store_change(const store_t *s)
{
	return s->change;
}

static int
chg_cmp(const void *a, const void *b)
{
	const struct chg *x = a, *y = b;
	return x->chg < y->chg ? -1 : x->chg > y->chg;
}

int
store_changed_since(store_t *s, uint64_t since, size_t max, uint8_t (*ids)[16],
    uint64_t *chg, size_t *n)
{
	struct chg *pick;
	size_t k = 0;

	*n = 0;
	if (!max || !s->chgn)
		return 0;
	if (!(pick = malloc(s->chgn * sizeof(*pick))))
		return CH_ERR_NOMEM;
	for (size_t i = 0; i < s->chgcap; i++)
		if (s->chg[i].used && s->chg[i].chg > since)
			pick[k++] = s->chg[i];
	qsort(pick, k, sizeof(*pick), chg_cmp);
	for (size_t i = 0; i < k && i < max; i++) {
		memcpy(ids[i], pick[i].id, 16);
		chg[i] = pick[i].chg;
		(*n)++;
	}
	free(pick);
	return 0;
}

static int
mdb_fail(const char *what, int rc)
{
	log_err("store: %s: %s", what, mdb_strerror(rc));
	return rc == MDB_MAP_FULL ? ST_ERR_FULL : ST_ERR_DB;
}

static int
dir_sync(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int
dir_sync_parent(const char *path)
{
	char parent[4096];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return dir_sync(".");
	*slash = '\0';
	return dir_sync(slash == parent ? "/" : parent);
}

static int
dbenv_open(dbenv_t *d, const char *path, size_t mapsize,
    const char *const *names)
{
	int rc;
	MDB_txn *txn;

	memset(d, 0, sizeof(*d));
	int created = mkdir(path, 0700) == 0;
	if (!created && errno != EEXIST) {
		log_err("store: cannot create %s: %s", path, strerror(errno));
		return CH_ERR_IO;
	}
	if ((rc = mdb_env_create(&d->env)) != 0)
		return mdb_fail("env_create", rc);
	mdb_env_set_maxdbs(d->env, MAX_TABLES);
	mdb_env_set_mapsize(d->env, mapsize);
	/* MDB_NOTLS: read transactions are not tied to the thread, so a read can
	 * run beside this round's write transaction. */
	if ((rc = mdb_env_open(d->env, path, MDB_NOTLS, 0600)) != 0) {
		mdb_env_close(d->env);
		d->env = NULL;
		return mdb_fail(path, rc);
	}
	if ((rc = mdb_txn_begin(d->env, NULL, 0, &txn)) != 0)
		goto fail;
	for (int i = 0; names[i]; i++) {
		if ((rc = mdb_dbi_open(txn, names[i], MDB_CREATE, &d->dbi[i])) != 0) {
			mdb_txn_abort(txn);
			goto fail;
		}
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		goto fail;
	/* A new environment's directory entries reach the disk too (LMDB syncs
	 * its files, not the directories that name them). */
	if (created && (dir_sync(path) != 0 || dir_sync_parent(path) != 0)) {
		log_err("store: cannot sync the directory of %s: %s", path, strerror(errno));
		mdb_env_close(d->env);
		d->env = NULL;
		return CH_ERR_IO;
	}
	return 0;
fail:
	mdb_env_close(d->env);
	d->env = NULL;
	return mdb_fail("open tables", rc);
}

static void
dbenv_close(dbenv_t *d)
{
	if (d->wtxn)
		mdb_txn_abort(d->wtxn);
	d->wtxn = NULL;
	if (d->env)
		mdb_env_close(d->env);
	d->env = NULL;
}

static int
dbenv_wtxn(dbenv_t *d, MDB_txn **txn)
{
	if (!d->wtxn) {
		int rc = mdb_txn_begin(d->env, NULL, 0, &d->wtxn);
		if (rc != 0) {
			d->wtxn = NULL;
			return mdb_fail("begin write", rc);
		}
	}
	*txn = d->wtxn;
	return 0;
}

/* A transaction to read with: this round's write transaction when there is
 * one (so reads see its writes), else a fresh read-only one that the caller
 * ends with rtxn_end(). */
static int
rtxn_begin(dbenv_t *d, MDB_txn **txn)
{
	if (d->wtxn) {
		*txn = d->wtxn;
		return 0;
	}
	int rc = mdb_txn_begin(d->env, NULL, MDB_RDONLY, txn);
	return rc ? mdb_fail("begin read", rc) : 0;
}

static void
rtxn_end(dbenv_t *d, MDB_txn *txn)
{
	if (txn != d->wtxn)
		mdb_txn_abort(txn);
}

static int
dbenv_commit(dbenv_t *d)
{
	if (!d->wtxn)
		return 0;
	int rc = mdb_txn_commit(d->wtxn);
	d->wtxn = NULL;
	return rc ? mdb_fail("commit", rc) : 0;
}

static int
rec_get(dbenv_t *d, int t, const uint8_t *key, size_t klen,
    uint8_t **val, size_t *vlen)
{
	int rc, ret;
	MDB_txn *txn;
	MDB_val k = { klen, (void *)(uintptr_t)key }, v;

	if ((ret = rtxn_begin(d, &txn)) != 0)
		return ret;
	rc = mdb_get(txn, d->dbi[t], &k, &v);
	if (rc == MDB_NOTFOUND)
		ret = ST_ERR_NOTFOUND;
	else if (rc != 0)
		ret = mdb_fail("get", rc);
	else if (val) {
		/* Copy out: an MDB_val does not outlive its transaction. */
		*val = malloc(v.mv_size ? v.mv_size : 1);
		if (!*val)
			ret = CH_ERR_NOMEM;
		else {
			memcpy(*val, v.mv_data, v.mv_size);
			*vlen = v.mv_size;
		}
	}
	rtxn_end(d, txn);
	return ret;
}

static int
rec_put(dbenv_t *d, int t, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen)
{
	int rc;
	MDB_txn *txn;
	MDB_val k = { klen, (void *)(uintptr_t)key };
	MDB_val v = { vlen, (void *)(uintptr_t)val };

	if ((rc = dbenv_wtxn(d, &txn)) != 0)
		return rc;
	if ((rc = mdb_put(txn, d->dbi[t], &k, &v, 0)) != 0)
		return mdb_fail("put", rc);
	return 0;
}

/* Calls fn for every record of table t from key 'from' (the first if NULL)
 * while the key starts with the first 'prefix' bytes of from. */
typedef int (*each_fn)(void *arg, const uint8_t *k, size_t klen,
    const uint8_t *v, size_t vlen);

static int
rec_each(dbenv_t *d, int t, const uint8_t *from, size_t fromlen,
    size_t prefix, each_fn fn, void *arg)
{
	int rc, ret;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k = { fromlen, (void *)(uintptr_t)from }, v;

	if ((ret = rtxn_begin(d, &txn)) != 0)
		return ret;
	if ((rc = mdb_cursor_open(txn, d->dbi[t], &cur)) != 0) {
		rtxn_end(d, txn);
		return mdb_fail("cursor", rc);
	}
	rc = mdb_cursor_get(cur, &k, &v, from ? MDB_SET_RANGE : MDB_FIRST);
	while (rc == 0) {
		if (prefix && (k.mv_size < prefix || memcmp(k.mv_data, from, prefix) != 0))
			break;
		if ((ret = fn(arg, k.mv_data, k.mv_size, v.mv_data, v.mv_size)) != 0)
			break;
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		ret = mdb_fail("cursor get", rc);
	mdb_cursor_close(cur);
	rtxn_end(d, txn);
	return ret;
}

static int
rec_del(dbenv_t *d, int t, const uint8_t *key, size_t klen)
{
	MDB_txn *txn;
	MDB_val k = { klen, (void *)(uintptr_t)key };
	int rc;

	if ((rc = dbenv_wtxn(d, &txn)) != 0)
		return rc;
	rc = mdb_del(txn, d->dbi[t], &k, NULL);
	if (rc == MDB_NOTFOUND)
		return ST_ERR_NOTFOUND;
	return rc ? mdb_fail("del", rc) : 0;
}

int
store_open(const char *dir, const uint8_t *storage_key, int max_open,
    store_t **out)
{
	store_t *s = calloc(1, sizeof(*s));
	char path[4096];
	int rc;

	*out = NULL;
	if (!s)
		return CH_ERR_NOMEM;
	s->dir = strdup(dir);
	s->max_open = max_open > 0 ? max_open : 64;
	s->cache = calloc((size_t)s->max_open, sizeof(*s->cache));
	s->storage = sodium_malloc(32);
	if (!s->dir || !s->cache || !s->storage) {
		store_destroy(&s);
		return CH_ERR_NOMEM;
	}
	if (storage_key)
		memcpy(s->storage, storage_key, 32);
	else
		memset(s->storage, 0, 32);
	snprintf(path, sizeof(path), "%s/cases", dir);
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		log_err("store: cannot create %s: %s", path, strerror(errno));
		store_destroy(&s);
		return CH_ERR_IO;
	}
	snprintf(path, sizeof(path), "%s/org", dir);
	if ((rc = dbenv_open(&s->org, path, ORG_MAP, org_tables)) != 0) {
		store_destroy(&s);
		return rc;
	}
	/* Every case held gets a change number: a peer that asks for all our
	 * changes of this run (since 0) meets every case. */
	crypto_shorthash_keygen(s->chgkey);
	uint8_t (*ids)[16] = NULL;
	size_t n = 0;
	if ((rc = store_case_list(s, &ids, &n)) != 0) {
		store_destroy(&s);
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		chg_touch(s, ids[i]);
	free(ids);
	*out = s;
	return 0;
}

void
store_destroy(store_t **sp)
{
	store_t *s = *sp;
	if (!s)
		return;
	for (int i = 0; i < s->nopen; i++) {
		dbenv_close(&s->cache[i]->db);
		free(s->cache[i]);
	}
	dbenv_close(&s->org);
	free(s->cache);
	free(s->chg);
	if (s->storage)
		sodium_free(s->storage);
	free(s->dir);
	free(s);
	*sp = NULL;
}

int
store_commit(store_t *s)
{
	int ret = 0;
	for (int i = 0; i < s->nopen && !ret; i++)
		ret = dbenv_commit(&s->cache[i]->db);
	if (!ret)
		ret = dbenv_commit(&s->org);
	if (ret)
		store_abort(s); /* the rest of the round is lost, not committed later */
	return ret;
}

void
store_abort(store_t *s)
{
	for (int i = 0; i < s->nopen; i++) {
		if (s->cache[i]->db.wtxn)
			mdb_txn_abort(s->cache[i]->db.wtxn);
		s->cache[i]->db.wtxn = NULL;
	}
	if (s->org.wtxn)
		mdb_txn_abort(s->org.wtxn);
	s->org.wtxn = NULL;
	/* A case this round made is gone with its index record: drop its
	 * handle too, so that no later call finds a case the store does not
	 * list. */
	for (int i = 0; i < s->nopen;) {
		if (!store_case_exists(s, s->cache[i]->id)) {
			dbenv_close(&s->cache[i]->db);
			free(s->cache[i]);
			s->cache[i] = s->cache[--s->nopen];
		} else
			i++;
	}
}

static void
case_path(const store_t *s, const uint8_t id[16], char *path, size_t n)
{
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), id, 16);
	snprintf(path, n, "%s/cases/%s", s->dir, hex);
}

int
store_case_exists(store_t *s, const uint8_t id[16])
{
	return rec_get(&s->org, O_CASES, id, 16, NULL, NULL) == 0;
}

int
store_case_get(store_t *s, const uint8_t id[16], int create, scase_t **out)
{
	char path[4096];
	int rc;

	*out = NULL;
	for (int i = 0; i < s->nopen; i++) {
		if (memcmp(s->cache[i]->id, id, 16) == 0) {
			s->cache[i]->used = ++s->tick;
			*out = s->cache[i];
			return 0;
		}
	}
	if (!store_case_exists(s, id)) {
		if (!create)
			return ST_ERR_NOTFOUND;
		if ((rc = rec_put(&s->org, O_CASES, id, 16, (const uint8_t *)"", 0)) != 0)
			return rc;
		chg_touch(s, id);
	}
	if (s->nopen == s->max_open) {
		/* Evict the least recently used case without pending writes. */
		int victim = -1;
		for (int i = 0; i < s->nopen; i++)
			if (!s->cache[i]->db.wtxn &&
			    (victim < 0 || s->cache[i]->used < s->cache[victim]->used))
				victim = i;
		if (victim < 0)
			return ST_ERR_DB;
		dbenv_close(&s->cache[victim]->db);
		free(s->cache[victim]);
		s->cache[victim] = s->cache[--s->nopen];
	}
	scase_t *c = calloc(1, sizeof(*c));
	if (!c)
		return CH_ERR_NOMEM;
	memcpy(c->id, id, 16);
	c->store = s;
	case_path(s, id, path, sizeof(path));
	if ((rc = dbenv_open(&c->db, path, CASE_MAP, case_tables)) != 0) {
		free(c);
		return rc;
	}
	c->used = ++s->tick;
	s->cache[s->nopen++] = c;
	*out = c;
	return 0;
}

/* fsyncs path (a file or a directory). */
static int
path_sync(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* LMDB's own copy of env into the new directory to, compacted, then the
 * copy and its directory synced. */
static int
env_copy(MDB_env *env, const char *to)
{
	char file[4200];
	int rc;
	if (mkdir(to, 0700) != 0) {
		log_err("backup: cannot create %s: %s", to, strerror(errno));
		return CH_ERR_IO;
	}
	if ((rc = mdb_env_copy2(env, to, MDB_CP_COMPACT)) != 0)
		return mdb_fail(to, rc);
	snprintf(file, sizeof(file), "%s/data.mdb", to);
	if (path_sync(file) != 0 || path_sync(to) != 0) {
		log_err("backup: cannot sync %s: %s", to, strerror(errno));
		return CH_ERR_IO;
	}
	return 0;
}

int
store_backup(store_t *s, const char *out, store_progress_fn progress, void *arg,
    size_t *ncases)
{
	char path[4096], hex[33];
	uint8_t (*ids)[16] = NULL;
	size_t n = 0;
	int rc;

	*ncases = 0;
	if (mkdir(out, 0700) != 0) {
		log_err("backup: cannot create %s: %s", out, strerror(errno));
		return CH_ERR_IO;
	}
	snprintf(path, sizeof(path), "%s/org", out);
	if ((rc = env_copy(s->org.env, path)) != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/cases", out);
	if (mkdir(path, 0700) != 0) {
		log_err("backup: cannot create %s: %s", path, strerror(errno));
		return CH_ERR_IO;
	}
	if ((rc = store_case_list(s, &ids, &n)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		scase_t *c;
		if ((rc = store_case_get(s, ids[i], 0, &c)) != 0)
			break;
		sodium_bin2hex(hex, sizeof(hex), ids[i], 16);
		snprintf(path, sizeof(path), "%s/cases/%s", out, hex);
		if ((rc = env_copy(c->db.env, path)) != 0)
			break;
		*ncases = i + 1;
		if (progress)
			progress(arg, i + 1, n);
	}
	free(ids);
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/cases", out);
		if (path_sync(path) != 0 || path_sync(out) != 0)
			rc = CH_ERR_IO;
	}
	return rc;
}

int
store_case_forget(store_t *s, scase_t **cp)
{
	scase_t *c = *cp;
	char path[4096], file[4200];
	int rc;

	*cp = NULL;
	for (int i = 0; i < s->nopen; i++)
		if (s->cache[i] == c) {
			s->cache[i] = s->cache[--s->nopen];
			break;
		}
	rc = rec_del(&s->org, O_CASES, c->id, 16);
	if (rc == ST_ERR_NOTFOUND)
		rc = 0;
	case_path(s, c->id, path, sizeof(path));
	dbenv_close(&c->db);
	free(c);
	snprintf(file, sizeof(file), "%s/data.mdb", path);
	unlink(file);
	snprintf(file, sizeof(file), "%s/lock.mdb", path);
	unlink(file);
	if (rmdir(path) != 0 && errno != ENOENT) {
		log_err("store: cannot remove %s: %s", path, strerror(errno));
		return rc ? rc : CH_ERR_IO;
	}
	return rc;
}

const uint8_t *
store_case_id(const scase_t *c)
{
	return c->id;
}

typedef struct { uint8_t (*ids)[16]; size_t n, cap; } idlist_t;

static int
collect_id(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	idlist_t *l = arg;
	(void)v; (void)vlen;
	if (klen != 16)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *p = realloc(l->ids, cap * 16);
		if (!p)
			return CH_ERR_NOMEM;
		l->ids = p;
		l->cap = cap;
	}
	memcpy(l->ids[l->n++], k, 16);
	return 0;
}

int
store_case_list(store_t *s, uint8_t (**ids)[16], size_t *n)
{
	idlist_t l = { NULL, 0, 0 };
	int rc = rec_each(&s->org, O_CASES, NULL, 0, 0, collect_id, &l);
	if (rc) {
		free(l.ids);
		return rc;
	}
	*ids = l.ids;
	*n = l.n;
	return 0;
}

static void
be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t
rd64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

int
store_head(scase_t *c, const uint8_t org[32], uint64_t *seq, uint8_t id[32])
{
	uint8_t *v = NULL;
	size_t n = 0;
	int rc = rec_get(&c->db, C_HEADS, org, 32, &v, &n);

	*seq = 0;
	memset(id, 0, 32);
	if (rc == ST_ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (n == 40) {
		*seq = rd64(v);
		memcpy(id, v + 8, 32);
	} else
		rc = ST_ERR_DB;
	free(v);
	return rc;
}

int
store_entry_put(scase_t *c, const uint8_t org[32], uint64_t seq,
    const uint8_t id[32], const uint8_t *entry, size_t n)
{
	uint8_t key[40], head[40];
	int rc;

	memcpy(key, org, 32);
	be64(key + 32, seq);
	if ((rc = rec_put(&c->db, C_ENTRIES, key, 40, entry, n)) != 0)
		return rc;
	be64(head, seq);
	memcpy(head + 8, id, 32);
	if ((rc = rec_put(&c->db, C_HEADS, org, 32, head, 40)) == 0)
		chg_touch(c->store, c->id);
	return rc;
}

int
store_entry_replace(scase_t *c, const uint8_t org[32], uint64_t seq,
    const uint8_t *entry, size_t n)
{
	uint8_t key[40];
	int rc;

	memcpy(key, org, 32);
	be64(key + 32, seq);
	if ((rc = rec_get(&c->db, C_ENTRIES, key, 40, NULL, NULL)) != 0)
		return rc;
	if ((rc = rec_put(&c->db, C_ENTRIES, key, 40, entry, n)) == 0)
		chg_touch(c->store, c->id);
	return rc;
}

int
store_entry_get(scase_t *c, const uint8_t org[32], uint64_t seq,
    uint8_t **entry, size_t *n)
{
	uint8_t key[40];
	memcpy(key, org, 32);
	be64(key + 32, seq);
	return rec_get(&c->db, C_ENTRIES, key, 40, entry, n);
}

typedef struct {
	const uint8_t *org;
	uint64_t to;
	store_entry_fn fn;
	void *arg;
} feedwalk_t;

static int
feed_step(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	feedwalk_t *w = arg;
	if (klen != 40)
		return 0;
	uint64_t seq = rd64(k + 32);
	if (seq > w->to)
		return 1;
	return w->fn(w->arg, w->org, seq, v, vlen);
}

int
store_feed_each(scase_t *c, const uint8_t org[32], uint64_t from, uint64_t to,
    store_entry_fn fn, void *arg)
{
	uint8_t key[40];
	feedwalk_t w = { org, to, fn, arg };
	memcpy(key, org, 32);
	be64(key + 32, from);
	int rc = rec_each(&c->db, C_ENTRIES, key, 40, 32, feed_step, &w);
	return rc == 1 ? 0 : rc;
}

typedef struct { store_head_fn fn; void *arg; } headwalk_t;

static int
head_step(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	headwalk_t *w = arg;
	if (klen != 32 || vlen != 40)
		return ST_ERR_DB;
	return w->fn(w->arg, k, rd64(v), v + 8);
}

int
store_heads_each(scase_t *c, store_head_fn fn, void *arg)
{
	headwalk_t w = { fn, arg };
	return rec_each(&c->db, C_HEADS, NULL, 0, 0, head_step, &w);
}

int
store_fork_put(scase_t *c, const uint8_t org[32], uint64_t seq,
    const uint8_t *entry, size_t n)
{
	uint8_t key[72];
	memcpy(key, org, 32);
	be64(key + 32, seq);
	/* Several forks at one seq are kept apart by their body-independent hash. */
	crypto_generichash(key + 40, 32, entry, n < 206 ? n : 206, NULL, 0);
	int rc = rec_put(&c->db, C_FORKS, key, sizeof(key), entry, n);
	if (rc == 0)
		chg_touch(c->store, c->id);
	return rc;
}

static int
count_step(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	(void)k; (void)klen; (void)v; (void)vlen;
	(*(size_t *)arg)++;
	return 0;
}

int
store_fork_count(scase_t *c, size_t *n)
{
	*n = 0;
	return rec_each(&c->db, C_FORKS, NULL, 0, 0, count_step, n);
}

typedef struct {
	store_entry_fn fn;
	void *arg;
} forkwalk_t;

static int
fork_step(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	forkwalk_t *w = arg;
	if (klen != 72)
		return ST_ERR_DB;
	return w->fn(w->arg, k, rd64(k + 32), v, vlen);
}

int
store_forks_each(scase_t *c, store_entry_fn fn, void *arg)
{
	forkwalk_t w = { fn, arg };
	return rec_each(&c->db, C_FORKS, NULL, 0, 0, fork_step, &w);
}

static void
forkrep_key(const uint8_t org[32], uint8_t k[39])
{
	memcpy(k, "forkrep", 7);
	memcpy(k + 7, org, 32);
}

int
store_fork_reported_get(scase_t *c, const uint8_t org[32])
{
	uint8_t k[39];
	forkrep_key(org, k);
	int rc = rec_get(&c->db, C_META, k, sizeof(k), NULL, NULL);
	return rc == 0 ? 1 : rc == ST_ERR_NOTFOUND ? 0 : rc;
}

int
store_fork_reported_put(scase_t *c, const uint8_t org[32], const uint8_t id[32])
{
	uint8_t k[39];
	forkrep_key(org, k);
	return rec_put(&c->db, C_META, k, sizeof(k), id, 32);
}

/* Wrapped key: nonce 24 | XChaCha20-Poly1305(storage, key) with AAD =
 * case id | epoch | audience, so a wrapped key cannot be moved to another
 * slot unnoticed. */
static void
key_aad(const scase_t *c, uint32_t epoch, uint8_t audience, uint8_t aad[21])
{
	memcpy(aad, c->id, 16);
	aad[16] = (uint8_t)(epoch >> 24);
	aad[17] = (uint8_t)(epoch >> 16);
	aad[18] = (uint8_t)(epoch >> 8);
	aad[19] = (uint8_t)epoch;
	aad[20] = audience;
}

int
store_key_put(scase_t *c, uint32_t epoch, uint8_t audience, const uint8_t key[32])
{
	uint8_t rec[24 + 32 + 16], aad[21], k[5];
	unsigned long long clen;

	uint8_t old[32];
	int rc = store_key_get(c, epoch, audience, old);
	if (rc == 0) {
		/* A key once held is never replaced: a second, different key for
		 * the same epoch and audience is a conflict, not an update. */
		rc = sodium_memcmp(old, key, 32) == 0 ? 0 : CH_ERR_VALUE;
		sodium_memzero(old, sizeof(old));
		if (rc)
			log_warn("store: refused a second, different key for epoch %u audience %u",
			    epoch, audience);
		return rc;
	}
	if (rc != ST_ERR_NOTFOUND)
		return rc;
	key_aad(c, epoch, audience, aad);
	memcpy(k, aad + 16, 5);
	randombytes_buf(rec, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(rec + 24, &clen, key, 32,
	    aad, sizeof(aad), NULL, rec, c->store->storage);
	return rec_put(&c->db, C_KEYS, k, 5, rec, sizeof(rec));
}

int
store_key_get(scase_t *c, uint32_t epoch, uint8_t audience, uint8_t key[32])
{
	uint8_t aad[21], *rec = NULL;
	size_t n = 0;
	unsigned long long mlen;
	int rc;

	key_aad(c, epoch, audience, aad);
	if ((rc = rec_get(&c->db, C_KEYS, aad + 16, 5, &rec, &n)) != 0)
		return rc;
	rc = 0;
	if (n != 72 || crypto_aead_xchacha20poly1305_ietf_decrypt(key, &mlen,
	    NULL, rec + 24, 48, aad, sizeof(aad), rec, c->store->storage) != 0) {
		log_err("store: a wrapped case key does not open with this org's storage key");
		rc = CH_ERR_DECRYPT;
	}
	free(rec);
	return rc;
}


/* A fixed-size record: ST_ERR_DB if the stored value has another size. */
static int
rec_get_fixed(dbenv_t *d, int t, const uint8_t *key, size_t klen, uint8_t *out,
    size_t n)
{
	uint8_t *v = NULL;
	size_t vl = 0;
	int rc = rec_get(d, t, key, klen, &v, &vl);
	if (rc == 0) {
		if (vl == n)
			memcpy(out, v, n);
		else
			rc = ST_ERR_DB;
	}
	free(v);
	return rc;
}

static int
u64_get(dbenv_t *d, int t, const uint8_t *key, size_t klen, uint64_t *val)
{
	uint8_t v[8];
	int rc = rec_get_fixed(d, t, key, klen, v, 8);
	if (rc == 0)
		*val = rd64(v);
	return rc;
}

static int
u64_put(dbenv_t *d, int t, const uint8_t *key, size_t klen, uint64_t val)
{
	uint8_t v[8];
	be64(v, val);
	return rec_put(d, t, key, klen, v, 8);
}

static int
u32_get(dbenv_t *d, int t, const uint8_t *key, size_t klen, uint32_t *val)
{
	uint8_t v[4];
	int rc = rec_get_fixed(d, t, key, klen, v, 4);
	if (rc == 0)
		*val = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
	return rc;
}

static int
u32_put(dbenv_t *d, int t, const uint8_t *key, size_t klen, uint32_t val)
{
	uint8_t v[4] = { (uint8_t)(val >> 24), (uint8_t)(val >> 16), (uint8_t)(val >> 8),
		(uint8_t)val };
	return rec_put(d, t, key, klen, v, 4);
}

#define META(k) (const uint8_t *)(k), sizeof(k) - 1

int
store_gen_get(store_t *s, uint64_t *gen)
{
	int rc = u64_get(&s->org, O_META, META("gen"), gen);
	if (rc == ST_ERR_NOTFOUND) {
		*gen = 0;
		rc = 0;
	}
	return rc;
}

int
store_gen_bump(store_t *s)
{
	uint64_t g;
	int rc = store_gen_get(s, &g);
	return rc ? rc : u64_put(&s->org, O_META, META("gen"), g + 1);
}

/* The run file: the run id in hex and a newline, beside org/ and cases/. */
static int
run_file_read(const store_t *s, uint8_t run[16])
{
	char path[4200], hex[40];
	snprintf(path, sizeof(path), "%s/run", s->dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(hex, 1, sizeof(hex), f);
	fclose(f);
	if (n != 33 || hex[32] != '\n' ||
	    sodium_hex2bin(run, 16, hex, 32, NULL, NULL, NULL) != 0)
		return -1;
	return 0;
}

static int
run_file_write(const store_t *s, const uint8_t run[16])
{
	char path[4200], tmp[4300], hex[33];
	sodium_bin2hex(hex, sizeof(hex), run, 16);
	snprintf(path, sizeof(path), "%s/run", s->dir);
	snprintf(tmp, sizeof(tmp), "%s/run.tmp", s->dir);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_err("store: cannot write %s: %s", tmp, strerror(errno));
		return CH_ERR_IO;
	}
	hex[32] = '\n';
	int ok = write(fd, hex, 33) == 33 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0 || dir_sync(s->dir) != 0) {
		log_err("store: cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return CH_ERR_IO;
	}
	return 0;
}

int
store_run_begin(store_t *s, uint8_t run[16], int *restored)
{
	uint8_t *old = NULL, file[16];
	size_t oldn = 0;
	int rc;

	*restored = 0;
	rc = rec_get(&s->org, O_META, META("run"), &old, &oldn);
	if (rc && rc != ST_ERR_NOTFOUND)
		return rc;
	/* A store that ran before (it holds a run id) but not last here (the
	 * run file is missing or names another run) was put back from a copy. */
	if (old && (oldn != 16 || run_file_read(s, file) != 0 || memcmp(old, file, 16) != 0))
		*restored = 1;
	free(old);
	if ((rc = store_restored(s)) < 0)
		return rc;
	if (rc)
		*restored = 1;
	randombytes_buf(run, 16);
	if ((rc = rec_put(&s->org, O_META, META("run"), run, 16)) != 0 ||
	    (*restored && (rc = rec_put(&s->org, O_META, META("restored"),
	    (const uint8_t *)"", 0)) != 0) ||
	    (rc = store_commit(s)) != 0)
		return rc;
	/* Committed first: a crash before the file is written makes the next
	 * start see a restore that was not one (it then waits for its peers),
	 * never the other way round. */
	return run_file_write(s, run);
}

int
store_restored(store_t *s)
{
	int rc = rec_get(&s->org, O_META, META("restored"), NULL, NULL);
	return rc == 0 ? 1 : rc == ST_ERR_NOTFOUND ? 0 : rc;
}

int
store_restored_clear(store_t *s)
{
	int rc = rec_del(&s->org, O_META, META("restored"));
	return rc == ST_ERR_NOTFOUND ? 0 : rc;
}

/* The walk of a table keyed by 32-byte ids. */
typedef struct { store_blob_fn fn; void *arg; } blobwalk_t;

static int
blob_step(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	blobwalk_t *w = arg;
	if (klen != 32)
		return 0; /* not a record of this schema: skipped */
	return w->fn(w->arg, k, v, vlen);
}

int
store_peer_put(store_t *s, const uint8_t org[32], const uint8_t *card, size_t n)
{
	return rec_put(&s->org, O_PEERS, org, 32, card, n);
}

int
store_peer_get(store_t *s, const uint8_t org[32], uint8_t **card, size_t *n)
{
	return rec_get(&s->org, O_PEERS, org, 32, card, n);
}

int
store_peer_del(store_t *s, const uint8_t org[32])
{
	return rec_del(&s->org, O_PEERS, org, 32);
}

int
store_peers_each(store_t *s, store_blob_fn fn, void *arg)
{
	blobwalk_t w = { fn, arg };
	return rec_each(&s->org, O_PEERS, NULL, 0, 0, blob_step, &w);
}

int
store_provider_put(store_t *s, const uint8_t provider[32], const uint8_t *cert,
    size_t n)
{
	return rec_put(&s->org, O_PROVIDERS, provider, 32, cert, n);
}

int
store_provider_del(store_t *s, const uint8_t provider[32])
{
	return rec_del(&s->org, O_PROVIDERS, provider, 32);
}

int
store_providers_each(store_t *s, store_blob_fn fn, void *arg)
{
	blobwalk_t w = { fn, arg };
	return rec_each(&s->org, O_PROVIDERS, NULL, 0, 0, blob_step, &w);
}

/* The journal's chain: hash = BLAKE2b-256(seq u64 || record). */
static void
journal_hash(uint64_t seq, const uint8_t *rec, size_t n, uint8_t out[32])
{
	crypto_generichash_state st;
	uint8_t k[8];
	be64(k, seq);
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, k, 8);
	crypto_generichash_update(&st, rec, n);
	crypto_generichash_final(&st, out, 32);
}

int
store_journal_add(store_t *s, uint64_t time_ms, uint8_t action, const char *text)
{
	uint8_t last[40], rec[8 + 1 + 32 + STORE_JOURNAL_TEXT_MAX], k[8];
	uint64_t seq = 0;
	size_t tl = strlen(text);
	if (tl > STORE_JOURNAL_TEXT_MAX)
		tl = STORE_JOURNAL_TEXT_MAX;
	int rc = rec_get_fixed(&s->org, O_META, META("journal"), last, sizeof(last));
	if (rc == ST_ERR_NOTFOUND)
		memset(last, 0, sizeof(last));
	else if (rc)
		return rc;
	else
		seq = rd64(last);
	be64(rec, time_ms);
	rec[8] = action;
	memcpy(rec + 9, last + 8, 32);
	memcpy(rec + 41, text, tl);
	seq++;
	be64(k, seq);
	be64(last, seq);
	journal_hash(seq, rec, 41 + tl, last + 8);
	if ((rc = rec_put(&s->org, O_JOURNAL, k, 8, rec, 41 + tl)) != 0)
		return rc;
	return rec_put(&s->org, O_META, META("journal"), last, sizeof(last));
}

typedef struct {
	store_journal_fn fn;
	void *arg;
	uint64_t next;
	uint8_t prev[32];
	int broken;
} journalwalk_t;

static int
journal_step(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	journalwalk_t *w = arg;
	char text[STORE_JOURNAL_TEXT_MAX + 1];
	if (klen != 8 || vlen < 41 || vlen > 41 + STORE_JOURNAL_TEXT_MAX)
		return w->fn(w->arg, klen == 8 ? rd64(k) : 0, 0, 0, "", 0);
	uint64_t seq = rd64(k);
	int ok = seq == w->next && memcmp(v + 9, w->prev, 32) == 0;
	memcpy(text, v + 41, vlen - 41);
	text[vlen - 41] = '\0';
	journal_hash(seq, v, vlen, w->prev);
	w->next = seq + 1;
	return w->fn(w->arg, seq, rd64(v), v[8], text, ok);
}

int
store_journal_each(store_t *s, store_journal_fn fn, void *arg, int *intact)
{
	journalwalk_t w = { fn, arg, 1, { 0 }, 0 };
	uint8_t last[40];
	int rc = rec_each(&s->org, O_JOURNAL, NULL, 0, 0, journal_step, &w);
	if (rc)
		return rc;
	rc = rec_get_fixed(&s->org, O_META, META("journal"), last, sizeof(last));
	if (rc == ST_ERR_NOTFOUND)
		*intact = w.next == 1;
	else if (rc)
		return rc;
	else
		*intact = rd64(last) == w.next - 1 && memcmp(last + 8, w.prev, 32) == 0;
	return 0;
}

int
store_revocation_put(store_t *s, const uint8_t provider[32], uint64_t when)
{
	return u64_put(&s->org, O_REVOKED, provider, 32, when);
}

typedef struct { store_revocation_fn fn; void *arg; } revwalk_t;

static int
revocation_step(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	revwalk_t *w = arg;
	if (klen != 32 || vlen != 8)
		return 0;
	return w->fn(w->arg, k, rd64(v));
}

int
store_revocations_each(store_t *s, store_revocation_fn fn, void *arg)
{
	revwalk_t w = { fn, arg };
	return rec_each(&s->org, O_REVOKED, NULL, 0, 0, revocation_step, &w);
}

int
store_closed_put(store_t *s, const uint8_t id[16], uint64_t when_ms,
    const uint8_t provider[32])
{
	uint8_t v[40];
	be64(v, when_ms);
	memcpy(v + 8, provider, 32);
	return rec_put(&s->org, O_CLOSED, id, 16, v, sizeof(v));
}

int
store_closed_get(store_t *s, const uint8_t id[16], uint64_t *when_ms,
    uint8_t provider[32])
{
	uint8_t v[40];
	int rc = rec_get_fixed(&s->org, O_CLOSED, id, 16, v, sizeof(v));
	if (rc == 0) {
		if (when_ms)
			*when_ms = rd64(v);
		if (provider)
			memcpy(provider, v + 8, 32);
	}
	return rc;
}

int
store_closed_del(store_t *s, const uint8_t id[16])
{
	return rec_del(&s->org, O_CLOSED, id, 16);
}

int
store_notify_put(store_t *s, const uint8_t id[16], const uint8_t provider[32],
    uint64_t since_ms)
{
	uint8_t k[48];
	memcpy(k, id, 16);
	memcpy(k + 16, provider, 32);
	return u64_put(&s->org, O_NOTIFY, k, sizeof(k), since_ms);
}

int
store_notify_get(store_t *s, const uint8_t id[16], const uint8_t provider[32],
    uint64_t *since_ms)
{
	uint8_t k[48], v[8];
	memcpy(k, id, 16);
	memcpy(k + 16, provider, 32);
	int rc = rec_get_fixed(&s->org, O_NOTIFY, k, sizeof(k), v, sizeof(v));
	if (rc == 0 && since_ms)
		*since_ms = rd64(v);
	return rc;
}

int
store_notify_del(store_t *s, const uint8_t id[16], const uint8_t provider[32])
{
	uint8_t k[48];
	memcpy(k, id, 16);
	memcpy(k + 16, provider, 32);
	return rec_del(&s->org, O_NOTIFY, k, sizeof(k));
}

typedef struct { store_notify_fn fn; void *arg; } notifywalk_t;

static int
notify_step(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	notifywalk_t *w = arg;
	if (klen != 48 || vlen != 8)
		return 0;
	return w->fn(w->arg, k, k + 16, rd64(v));
}

int
store_notify_each(store_t *s, store_notify_fn fn, void *arg)
{
	notifywalk_t w = { fn, arg };
	return rec_each(&s->org, O_NOTIFY, NULL, 0, 0, notify_step, &w);
}

static int
sum_step(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	(void)k;
	if (klen != 32 || vlen != 40)
		return ST_ERR_DB;
	*(uint64_t *)arg += rd64(v);
	return 0;
}

int
store_entries_count(scase_t *c, uint64_t *n)
{
	*n = 0;
	return rec_each(&c->db, C_HEADS, NULL, 0, 0, sum_step, n);
}

static void
fork_key(const uint8_t org[32], uint8_t k[36])
{
	memcpy(k, "fork", 4);
	memcpy(k + 4, org, 32);
}

int
store_forked_get(scase_t *c, const uint8_t org[32])
{
	uint8_t k[36], old[32];
	fork_key(org, k);
	int rc = rec_get(&c->db, C_META, k, sizeof(k), NULL, NULL);
	if (rc == 0)
		return 1;
	if (rc != ST_ERR_NOTFOUND)
		return rc;
	rc = rec_get_fixed(&c->db, C_META, META("fork"), old, 32);
	if (rc == ST_ERR_NOTFOUND)
		return 0;
	return rc ? rc : memcmp(old, org, 32) == 0;
}

int
store_forked_put(scase_t *c, const uint8_t org[32])
{
	uint8_t k[36];
	fork_key(org, k);
	return rec_put(&c->db, C_META, k, sizeof(k), (const uint8_t *)"", 0);
}

int
store_coord_get(scase_t *c, uint8_t org[32])
{
	return rec_get_fixed(&c->db, C_META, META("coord"), org, 32);
}

int
store_coord_put(scase_t *c, const uint8_t org[32])
{
	return rec_put(&c->db, C_META, META("coord"), org, 32);
}

int
store_epoch_get(scase_t *c, uint32_t *epoch)
{
	return u32_get(&c->db, C_META, META("epoch"), epoch);
}

int
store_epoch_put(scase_t *c, uint32_t epoch)
{
	return u32_put(&c->db, C_META, META("epoch"), epoch);
}

int
store_excluded_get(scase_t *c, uint32_t *epoch)
{
	uint8_t *v = NULL;
	size_t vl = 0;
	int rc = rec_get(&c->db, C_META, META("excluded"), &v, &vl);
	if (rc == 0) {
		/* 4 bytes: a store from before the time was kept */
		if (vl == 4 || vl == 12)
			*epoch = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
			    (uint32_t)v[2] << 8 | v[3];
		else
			rc = ST_ERR_DB;
	}
	free(v);
	return rc;
}

int
store_excluded_when(scase_t *c, uint64_t *time_ms)
{
	uint8_t *v = NULL;
	size_t vl = 0;
	int rc = rec_get(&c->db, C_META, META("excluded"), &v, &vl);
	*time_ms = 0;
	if (rc == 0) {
		if (vl == 12)
			*time_ms = rd64(v + 4);
		else if (vl != 4)
			rc = ST_ERR_DB;
	}
	free(v);
	return rc;
}

int
store_excluded_put(scase_t *c, uint32_t epoch, uint64_t time_ms)
{
	uint8_t v[12] = { (uint8_t)(epoch >> 24), (uint8_t)(epoch >> 16),
		(uint8_t)(epoch >> 8), (uint8_t)epoch };
	be64(v + 4, time_ms);
	return rec_put(&c->db, C_META, META("excluded"), v, sizeof(v));
}

static void
epoch_key(uint32_t epoch, uint8_t k[4])
{
	k[0] = (uint8_t)(epoch >> 24);
	k[1] = (uint8_t)(epoch >> 16);
	k[2] = (uint8_t)(epoch >> 8);
	k[3] = (uint8_t)epoch;
}

int
store_epochrec_put(scase_t *c, uint32_t epoch, const store_epochrec_t *r)
{
	uint8_t k[4], *v = NULL;
	size_t n = 0;
	cwr_t w;
	int rc;

	cwr_init(&w, 56 + r->charterlen);
	cwr_u64(&w, r->start_ms);
	cwr_put(&w, r->org, 32);
	cwr_u64(&w, r->seq);
	cwr_u64(&w, r->entries_at_start);
	cwr_put(&w, r->charter, r->charterlen);
	if ((rc = cwr_finish(&w, &v, &n)) != 0)
		return rc;
	epoch_key(epoch, k);
	rc = rec_put(&c->db, C_EPOCHS, k, 4, v, n);
	free(v);
	return rc;
}

int
store_epochrec_get(scase_t *c, uint32_t epoch, store_epochrec_t *r)
{
	uint8_t k[4], *v = NULL;
	size_t n = 0;
	crd_t rd;
	int rc;

	memset(r, 0, sizeof(*r));
	epoch_key(epoch, k);
	if ((rc = rec_get(&c->db, C_EPOCHS, k, 4, &v, &n)) != 0)
		return rc;
	crd_init(&rd, v, n);
	r->start_ms = crd_u64(&rd);
	crd_copy(&rd, r->org, 32);
	r->seq = crd_u64(&rd);
	r->entries_at_start = crd_u64(&rd);
	if (rd.err) {
		free(v);
		memset(r, 0, sizeof(*r));
		return ST_ERR_DB;
	}
	r->charterlen = crd_left(&rd);
	/* The charter is the rest: moved to the front of the same buffer. */
	memmove(v, v + rd.off, r->charterlen);
	r->charter = v;
	return 0;
}

void
store_epochrec_clear(store_epochrec_t *r)
{
	free(r->charter);
	memset(r, 0, sizeof(*r));
}

static void
revoked_key(const uint8_t org[32], const uint8_t provider[32], uint8_t k[64])
{
	memcpy(k, org, 32);
	memcpy(k + 32, provider, 32);
}

int
store_revoked_get(scase_t *c, const uint8_t org[32], const uint8_t provider[32],
    uint64_t *seq)
{
	uint8_t k[64];
	revoked_key(org, provider, k);
	int rc = u64_get(&c->db, C_REVOKED, k, 64, seq);
	if (rc == ST_ERR_NOTFOUND) {
		*seq = 0;
		rc = 0;
	}
	return rc;
}

int
store_revoked_put(scase_t *c, const uint8_t org[32], const uint8_t provider[32],
    uint64_t seq)
{
	uint8_t k[64];
	revoked_key(org, provider, k);
	return u64_put(&c->db, C_REVOKED, k, 64, seq);
}

const uint8_t *
store_keys_get(store_keys_t *k, uint32_t epoch, uint8_t audience)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i].epoch == epoch && k->v[i].aud == audience)
			return k->v[i].ok ? k->v[i].key : NULL;
	size_t i = k->n < STORE_KEYS_CACHED ? k->n++ : STORE_KEYS_CACHED - 1;
	k->v[i].epoch = epoch;
	k->v[i].aud = audience;
	k->v[i].ok = store_key_get(k->c, epoch, audience, k->v[i].key) == 0;
	return k->v[i].ok ? k->v[i].key : NULL;
}

void
store_keys_wipe(store_keys_t *k)
{
	sodium_memzero(k, sizeof(*k));
}
