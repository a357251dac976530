/* server.c - the event loop: ZAP (fail-closed allow-list), the client and
 * peer sockets, timers, the outbox and the group commit at the end of each
 * round. */
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <sodium.h>

#include "daemon.h"
#include "log.h"
#include "server.h"

#define DRAIN_MAX 256

int64_t
now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

void
out_queue(cahierd_t *d, zsock_t *sock, zframe_t *route, uint8_t *data,
    size_t len, uint8_t client_type)
{
	outmsg_t *m = calloc(1, sizeof(*m));
	if (!m) {
		free(data);
		zframe_destroy(&route);
		return;
	}
	m->sock = sock;
	m->route = route;
	m->data = data;
	m->len = len;
	m->client_type = client_type;
	*d->out_tail = m;
	d->out_tail = &m->next;
}

void
out_flush(cahierd_t *d)
{
	int rc = store_commit(d->store);
	if (rc)
		log_err("commit failed: %s: replies of this round turn into errors",
		    store_strerror(rc));
	outmsg_t *m = d->out_head;
	d->out_head = NULL;
	d->out_tail = &d->out_head;
	while (m) {
		outmsg_t *next = m->next;
		if (rc && m->client_type) {
			/* Nothing that depended on the lost writes goes out. */
			static const char msg[] = "could not commit to disk (see the daemon's log)";
			sodium_memzero(m->data, m->len);
			free(m->data);
			m->data = NULL;
			if (ch_msg_encode(CH_MAGIC_REP, m->client_type, CH_ST_INTERNAL,
			    (const uint8_t *)msg, sizeof(msg) - 1, &m->data, &m->len) != 0)
				m->data = NULL;
		} else if (rc) {
			free(m->data);
			m->data = NULL;
		}
		if (m->data) {
			zframe_t *f = zframe_new(m->data, m->len);
			if (m->route)
				zframe_send(&m->route, m->sock, ZFRAME_MORE | ZFRAME_DONTWAIT);
			if (f && zframe_send(&f, m->sock, ZFRAME_DONTWAIT) != 0)
				zframe_destroy(&f);
			sodium_memzero(m->data, m->len);
			free(m->data);
		}
		zframe_destroy(&m->route);
		free(m);
		m = next;
	}
}

/* Receives one [route][payload] (ROUTER) or [payload] (DEALER) message
 * without blocking. Returns 0 or -1 when nothing is waiting. */
static int
recv_msg(zsock_t *sock, int router, zframe_t **route, zframe_t **payload)
{
	*route = NULL;
	*payload = NULL;
	if (!(zsock_events(sock) & ZMQ_POLLIN))
		return -1;
	zframe_t *f = zframe_recv(sock);
	if (!f)
		return -1;
	if (router) {
		*route = f;
		if (!zframe_more(f))
			return -1;
		f = zframe_recv(sock);
		if (!f) {
			zframe_destroy(route);
			return -1;
		}
	}
	*payload = f;
	/* Extra frames are not part of the protocol: drop them. */
	while (zframe_more(f)) {
		zframe_t *x = zframe_recv(sock);
		if (!x)
			break;
		int more = zframe_more(x);
		zframe_destroy(&x);
		if (!more)
			break;
	}
	return 0;
}

static int
on_client(zloop_t *loop, zsock_t *sock, void *arg)
{
	cahierd_t *d = arg;
	zframe_t *route, *payload;
	(void)loop;
	for (int i = 0; i < DRAIN_MAX && recv_msg(sock, 1, &route, &payload) == 0; i++) {
		api_handle(d, sock, route, payload);
		zframe_destroy(&payload);
	}
	out_flush(d);
	return 0;
}

static peer_t *
peer_by_curve(cahierd_t *d, const char *z85)
{
	for (size_t i = 0; z85 && i < d->npeers; i++)
		if (strcmp(d->peers[i].curve_z85, z85) == 0)
			return &d->peers[i];
	return NULL;
}

static int
on_peer_router(zloop_t *loop, zsock_t *sock, void *arg)
{
	cahierd_t *d = arg;
	zframe_t *route, *payload;
	(void)loop;
	for (int i = 0; i < DRAIN_MAX && recv_msg(sock, 1, &route, &payload) == 0; i++) {
		/* ZAP let in a known key; here it must be an org's, not a provider's. */
		peer_t *p = peer_by_curve(d, zframe_meta(payload, "User-Id"));
		if (!p) {
			log_warn("peer socket: message from a key that is no peer refused");
			zframe_destroy(&route);
		} else
			sync_handle(d, sock, route, p, payload);
		zframe_destroy(&payload);
	}
	out_flush(d);
	return 0;
}

static int
on_dealer(zloop_t *loop, zsock_t *sock, void *arg)
{
	cahierd_t *d = arg;
	zframe_t *route, *payload;
	(void)loop;
	for (int i = 0; i < DRAIN_MAX && recv_msg(sock, 0, &route, &payload) == 0; i++) {
		peer_t *p = NULL;
		for (size_t j = 0; j < d->npeers; j++)
			if (d->peers[j].dealer == sock)
				p = &d->peers[j];
		if (p)
			sync_handle(d, sock, NULL, p, payload);
		zframe_destroy(&payload);
	}
	out_flush(d);
	return 0;
}

static void
peers_free(cahierd_t *d)
{
	for (size_t i = 0; i < d->npeers; i++) {
		if (d->peers[i].dealer) {
			if (d->loop)
				zloop_reader_end(d->loop, d->peers[i].dealer);
			zsock_destroy(&d->peers[i].dealer);
		}
		keys_card_clear(&d->peers[i].card);
	}
	free(d->peers);
	d->peers = NULL;
	d->npeers = 0;
	for (size_t i = 0; i < d->nprovs; i++) {
		keys_cert_clear(&d->provs[i].cert);
		free(d->provs[i].certbuf);
	}
	free(d->provs);
	d->provs = NULL;
	d->nprovs = 0;
}

static int
load_peer(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	cahierd_t *d = arg;
	peer_t *p;
	void *a = realloc(d->peers, (d->npeers + 1) * sizeof(*d->peers));
	if (!a)
		return CH_ERR_NOMEM;
	d->peers = a;
	p = &d->peers[d->npeers];
	memset(p, 0, sizeof(*p));
	if (klen != 32 || keys_card_parse(v, vlen, &p->card) != 0 ||
	    memcmp(p->card.org_id, k, 32) != 0) {
		log_warn("ignoring a damaged peer card in the store");
		return 0;
	}
	memcpy(p->org, k, 32);
	zmq_z85_encode(p->curve_z85, p->card.curve_pk, 32);
	d->npeers++;
	return 0;
}

static int
load_provider(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	cahierd_t *d = arg;
	provider_t *pv;
	void *a = realloc(d->provs, (d->nprovs + 1) * sizeof(*d->provs));
	if (!a)
		return CH_ERR_NOMEM;
	d->provs = a;
	pv = &d->provs[d->nprovs];
	memset(pv, 0, sizeof(*pv));
	if (klen != 32 || keys_cert_parse(v, vlen, &pv->cert) != 0 ||
	    memcmp(pv->cert.org_id, d->keys->sign_pk, 32) != 0 ||
	    memcmp(pv->cert.provider, k, 32) != 0) {
		log_warn("ignoring a provider certificate that is not ours");
		return 0;
	}
	if (!(pv->certbuf = malloc(vlen))) {
		keys_cert_clear(&pv->cert);
		return CH_ERR_NOMEM;
	}
	memcpy(pv->certbuf, v, vlen);
	pv->certlen = vlen;
	zmq_z85_encode(pv->curve_z85, pv->cert.curve_pk, 32);
	d->nprovs++;
	return 0;
}

/* The ZAP allow-list: one public certificate file per peer org and per
 * provider, rewritten from the store on every reload. */
static int
write_allow_list(cahierd_t *d)
{
	char dir[4096], path[4400];
	DIR *dh;
	struct dirent *de;
	static const uint8_t nosecret[32];

	snprintf(dir, sizeof(dir), "%s/allow", d->dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	if ((dh = opendir(dir))) {
		while ((de = readdir(dh)))
			if (de->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
				unlink(path);
			}
		closedir(dh);
	}
	for (size_t i = 0; i < d->npeers + d->nprovs; i++) {
		const uint8_t *pk = i < d->npeers ? d->peers[i].card.curve_pk :
		    d->provs[i - d->npeers].cert.curve_pk;
		char kid[17];
		keys_keyid(pk, kid);
		snprintf(path, sizeof(path), "%s/%s-%s.txt", dir,
		    i < d->npeers ? "org" : "provider", kid);
		zcert_t *zc = zcert_new_from(pk, nosecret);
		if (!zc || zcert_save_public(zc, path) != 0) {
			zcert_destroy(&zc);
			return -1;
		}
		zcert_destroy(&zc);
	}
	return 0;
}

static uint64_t
store_gen(cahierd_t *d)
{
	uint8_t *v = NULL;
	size_t n = 0;
	uint64_t g = 0;
	if (store_org_get(d->store, "meta", (const uint8_t *)"gen", 3, &v, &n) == 0 && n == 8)
		for (int i = 0; i < 8; i++)
			g = (g << 8) | v[i];
	free(v);
	return g;
}

int
server_reload(cahierd_t *d)
{
	peers_free(d);
	d->gen = store_gen(d);
	if (store_org_each(d->store, "peers", load_peer, d) != 0 ||
	    store_org_each(d->store, "providers", load_provider, d) != 0) {
		log_err("cannot load peers and providers from the store");
		return -1;
	}
	if (write_allow_list(d) != 0) {
		log_err("cannot write the allow-list in %s/allow", d->dir);
		return -1;
	}
	for (size_t i = 0; i < d->npeers; i++) {
		peer_t *p = &d->peers[i];
		if (!p->card.endpoint || !*p->card.endpoint)
			continue;
		zsock_t *s = zsock_new(ZMQ_DEALER);
		if (!s)
			return -1;
		zcert_apply(d->zcert, s);
		zsock_set_curve_serverkey(s, p->curve_z85);
		zsock_set_immediate(s, 1);
		zsock_set_linger(s, 0);
		zsock_set_sndhwm(s, 10000);
		zsock_set_reconnect_ivl(s, 200);
		zsock_set_reconnect_ivl_max(s, 5000);
		if (zsock_connect(s, "%s", p->card.endpoint) != 0) {
			log_warn("cannot connect to %s at %s", p->card.name, p->card.endpoint);
			zsock_destroy(&s);
			continue;
		}
		p->dealer = s;
		if (d->loop)
			zloop_reader(d->loop, s, on_dealer, d);
	}
	log_info("loaded %zu peers and %zu providers", d->npeers, d->nprovs);
	return 0;
}

typedef struct {
	cahierd_t *d;
	scase_t *c;
} hk_t;

/* Announces a revoked provider in a case, once. */
static int
announce_revocation(void *arg, const uint8_t *k, size_t klen, const uint8_t *v, size_t vlen)
{
	hk_t *h = arg;
	uint8_t *entry = NULL, id[32];
	size_t n = 0;
	uint64_t when = 0;
	if (klen != 32 || nb_revoked(h->c, h->d->keys->sign_pk, k))
		return 0;
	for (size_t i = 0; i < vlen && i < 8; i++)
		when = (when << 8) | v[i];
	if (nb_revoke(h->d, h->c, k, when, &entry, &n, id) != 0) {
		log_err("could not announce a revoked provider in a case");
		return 0;
	}
	char kid[17];
	keys_keyid(k, kid);
	log_info("announced the revocation of provider key %s in a case", kid);
	sync_push(h->d, h->c, entry, n);
	free(entry);
	return 0;
}

/* Keys rotated on the schedule of cahierd.conf, in the cases we coordinate. */
static void
rotate_if_due(cahierd_t *d, scase_t *c)
{
	uint8_t coord[32], *buf = NULL, *entry = NULL, id[32];
	size_t n = 0;
	uint64_t total = 0;
	nb_rec_t r;
	ch_epoch_t cur, ep;

	if ((!d->cfg.rotate_days && !d->cfg.rotate_entries) ||
	    nb_coordinator(c, coord) != 0 || memcmp(coord, d->keys->sign_pk, 32) != 0 ||
	    nb_rec_current(c, &r) != 0)
		return;
	total = nb_entries(c);
	int due = (d->cfg.rotate_days &&
	    (uint64_t)now_ms() - r.start_ms >= (uint64_t)d->cfg.rotate_days * 86400000u) ||
	    (d->cfg.rotate_entries &&
	    total - r.entries_at_start >= (uint64_t)d->cfg.rotate_entries);
	nb_rec_free(&r);
	if (!due || nb_charter_full(d, c, &buf, &cur) != 0)
		return;
	memset(&ep, 0, sizeof(ep));
	ep.why = CH_WHY_ROTATE;
	ep.charter = cur.charter;
	if (nb_new_epoch(d, c, &ep, &entry, &n, id) == 0) {
		log_info("rotated the keys of a case on schedule (epoch %u)", nb_epoch(c));
		sync_push(d, c, entry, n);
		free(entry);
	} else
		log_err("a scheduled rotation failed");
	ch_epoch_clear(&cur);
	free(buf);
}

/* Work that follows from the org's own decisions: revocations to announce
 * and rotations that are due. */
static void
housekeeping(cahierd_t *d)
{
	uint8_t (*ids)[16] = NULL;
	size_t n = 0;
	if (store_case_list(d->store, &ids, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		hk_t h = { d, NULL };
		if (store_case_get(d->store, ids[i], 0, &h.c) != 0 ||
		    !nb_is_member(h.c, d->keys->sign_pk))
			continue;
		(void)store_org_each(d->store, "revoked", announce_revocation, &h);
		rotate_if_due(d, h.c);
	}
	free(ids);
}

static int
on_sync_timer(zloop_t *loop, int timer_id, void *arg)
{
	cahierd_t *d = arg;
	int reloaded = 0;
	(void)loop; (void)timer_id;
	if (store_gen(d) != d->gen) {
		if (server_reload(d) != 0)
			return -1;
		reloaded = 1;
	}
	if (reloaded || now_ms() - d->last_housekeeping >= 10000) {
		housekeeping(d);
		d->last_housekeeping = now_ms();
	}
	sync_round(d);
	out_flush(d);
	return 0;
}

static zsock_t *
bind_server(cahierd_t *d, const char *endpoint, const char *domain)
{
	zsock_t *s = zsock_new(ZMQ_ROUTER);
	if (!s)
		return NULL;
	zcert_apply(d->zcert, s);
	zsock_set_curve_server(s, 1);
	zsock_set_zap_domain(s, domain);
	zsock_set_linger(s, 0);
	zsock_set_sndhwm(s, 10000);
	if (zsock_bind(s, "%s", endpoint) < 0) {
		log_err("cannot listen on %s: %s", endpoint, zmq_strerror(zmq_errno()));
		zsock_destroy(&s);
		return NULL;
	}
	return s;
}

int
server_run(cahierd_t *d)
{
	char dir[4200];
	int rc = -1;

	zsys_init();
	zsys_set_logident("cahierd");
	d->out_tail = &d->out_head;
	d->zcert = zcert_new_from(d->keys->curve_pk, d->keys->curve_sk);
	if (!d->zcert)
		return -1;
	/* ZAP first: with the handler in place before any socket binds, a
	 * CURVE handshake from a key outside the allow-list never completes. */
	d->auth = zactor_new(zauth, NULL);
	if (!d->auth)
		goto out;
	if (server_reload(d) != 0)
		goto out;
	snprintf(dir, sizeof(dir), "%s/allow", d->dir);
	zstr_sendx(d->auth, "CURVE", dir, NULL);
	zsock_wait(d->auth);
	if (!(d->client = bind_server(d, d->cfg.client_endpoint, "cahier-client")) ||
	    !(d->peer_router = bind_server(d, d->cfg.peer_bind, "cahier-peer")))
		goto out;
	if (d->cfg.client_tcp &&
	    !(d->client_tcp = bind_server(d, d->cfg.client_tcp, "cahier-client")))
		goto out;
	d->loop = zloop_new();
	zloop_reader(d->loop, d->client, on_client, d);
	if (d->client_tcp)
		zloop_reader(d->loop, d->client_tcp, on_client, d);
	zloop_reader(d->loop, d->peer_router, on_peer_router, d);
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i].dealer)
			zloop_reader(d->loop, d->peers[i].dealer, on_dealer, d);
	zloop_timer(d->loop, (size_t)d->cfg.sync_interval_ms, 0, on_sync_timer, d);
	log_info("%s ready: clients on %s%s%s, peers on %s", d->cfg.name,
	    d->cfg.client_endpoint, d->client_tcp ? " and " : "",
	    d->client_tcp ? d->cfg.client_tcp : "", d->cfg.peer_bind);
	/* First round at once: catch up without waiting a whole interval. */
	sync_round(d);
	out_flush(d);
	zloop_start(d->loop);
	log_info("stopping");
	rc = 0;
out:
	store_abort(d->store);
	peers_free(d);
	zloop_destroy(&d->loop);
	zsock_destroy(&d->client);
	zsock_destroy(&d->client_tcp);
	zsock_destroy(&d->peer_router);
	zactor_destroy(&d->auth);
	zcert_destroy(&d->zcert);
	return rc;
}
