/* peers.c - trusted organizations and certified providers, in memory. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "peers.h"

struct peers {
	peer_t *peers;
	size_t npeers;
	provider_t *provs;
	size_t nprovs;
	const uint8_t *self;    /* during a load */
};

int
peers_new(peers_t **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : CH_ERR_NOMEM;
}

/* Closes p's DEALER and its monitor. */
static void
undial(peer_t *p)
{
	if (p->dealer && p->monitor)
		zmq_socket_monitor(zsock_resolve(p->dealer), NULL, 0);
	zsock_destroy(&p->monitor);
	zsock_destroy(&p->dealer);
	p->dealer_ok = 0;
}

static void
unload(peers_t *p)
{
	for (size_t i = 0; i < p->npeers; i++) {
		undial(&p->peers[i]);
		zframe_destroy(&p->peers[i].answer_route);
		keys_card_clear(&p->peers[i].card);
	}
	free(p->peers);
	p->peers = NULL;
	p->npeers = 0;
	for (size_t i = 0; i < p->nprovs; i++) {
		keys_cert_clear(&p->provs[i].cert);
		free(p->provs[i].certbuf);
	}
	free(p->provs);
	p->provs = NULL;
	p->nprovs = 0;
}

void
peers_destroy(peers_t **pp)
{
	if (!*pp)
		return;
	unload(*pp);
	free(*pp);
	*pp = NULL;
}

static int
load_peer(void *arg, const uint8_t k[32], const uint8_t *v, size_t vlen)
{
	peers_t *ps = arg;
	peer_t *p;
	void *a = realloc(ps->peers, (ps->npeers + 1) * sizeof(*ps->peers));
	if (!a)
		return CH_ERR_NOMEM;
	ps->peers = a;
	p = &ps->peers[ps->npeers];
	memset(p, 0, sizeof(*p));
	if (keys_card_parse(v, vlen, &p->card) != 0) {
		log_warn("ignoring a damaged peer card in the store");
		return 0;
	}
	if (memcmp(p->card.org_id, k, 32) != 0) {
		keys_card_clear(&p->card);
		log_warn("ignoring a damaged peer card in the store");
		return 0;
	}
	memcpy(p->org, k, 32);
	zmq_z85_encode(p->curve_z85, p->card.curve_pk, 32);
	ps->npeers++;
	return 0;
}

static int
load_provider(void *arg, const uint8_t k[32], const uint8_t *v, size_t vlen)
{
	peers_t *ps = arg;
	provider_t *pv;
	void *a = realloc(ps->provs, (ps->nprovs + 1) * sizeof(*ps->provs));
	if (!a)
		return CH_ERR_NOMEM;
	ps->provs = a;
	pv = &ps->provs[ps->nprovs];
	memset(pv, 0, sizeof(*pv));
	if (keys_cert_parse(v, vlen, &pv->cert) != 0) {
		log_warn("ignoring a provider certificate that is not ours");
		return 0;
	}
	if (memcmp(pv->cert.org_id, ps->self, 32) != 0 ||
	    memcmp(pv->cert.provider, k, 32) != 0) {
		keys_cert_clear(&pv->cert);
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
	ps->nprovs++;
	return 0;
}

int
peers_load(peers_t *p, store_t *s, const uint8_t self[32])
{
	int rc;

	unload(p);
	p->self = self;
	if ((rc = store_peers_each(s, load_peer, p)) == 0)
		rc = store_providers_each(s, load_provider, p);
	p->self = NULL;
	return rc;
}

/* Opens p's DEALER (a peer with an endpoint), or leaves it without. */
static int
dial(peer_t *p, zcert_t *zc, int hwm, int64_t maxmsg)
{
	static unsigned seq;
	char ep[96];

	if (!p->card.endpoint || !*p->card.endpoint)
		return 0;
	zsock_t *s = zsock_new(ZMQ_DEALER);
	if (!s)
		return CH_ERR_NOMEM;
	zcert_apply(zc, s);
	zsock_set_curve_serverkey(s, p->curve_z85);
	zsock_set_immediate(s, 1);
	zsock_set_linger(s, 0);
	zsock_set_sndhwm(s, hwm);
	zsock_set_rcvhwm(s, hwm);
	zsock_set_maxmsgsize(s, (int)maxmsg);
	peers_stall_opts(s);
	zsock_set_reconnect_ivl(s, 200);
	zsock_set_reconnect_ivl_max(s, 5000);
	if (zsock_connect(s, "%s", p->card.endpoint) != 0) {
		log_warn("cannot connect to %s at %s", p->card.name, p->card.endpoint);
		zsock_destroy(&s);
		return 0;
	}
	p->dealer = s;
	p->dialed = clock_now_ms();
	p->dealer_ok = 0;
	/* Whether the handshake succeeded: the DEALER's own events. */
	snprintf(ep, sizeof(ep), "inproc://cahierd-dealer-%u", seq++);
	if (zmq_socket_monitor(zsock_resolve(s), ep,
	    ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED) != 0 ||
	    !(p->monitor = zsock_new_pair(ep))) {
		log_warn("cannot watch the connection to %s", p->card.name);
		if (p->monitor == NULL)
			zmq_socket_monitor(zsock_resolve(s), NULL, 0);
	}
	return 0;
}

int
peers_connect(peers_t *ps, zcert_t *zc, int hwm, int64_t maxmsg)
{
	int rc;
	for (size_t i = 0; i < ps->npeers; i++)
		if ((rc = dial(&ps->peers[i], zc, hwm, maxmsg)) != 0)
			return rc;
	return 0;
}

int
peers_redial(peers_t *ps, peer_t *p, zcert_t *zc, int hwm, int64_t maxmsg)
{
	(void)ps;
	undial(p);
	return dial(p, zc, hwm, maxmsg);
}

int
peers_write_allow(const peers_t *p, const char *dir0)
{
	char dir[4096], path[4400];
	DIR *dh;
	struct dirent *de;
	static const uint8_t nosecret[32];

	snprintf(dir, sizeof(dir), "%s/allow", dir0);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return CH_ERR_IO;
	if ((dh = opendir(dir))) {
		while ((de = readdir(dh)))
			if (de->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
				unlink(path);
			}
		closedir(dh);
	}
	for (size_t i = 0; i < p->npeers + p->nprovs; i++) {
		const uint8_t *pk = i < p->npeers ? p->peers[i].card.curve_pk :
		    p->provs[i - p->npeers].cert.curve_pk;
		char kid[17];
		keys_keyid(pk, kid);
		snprintf(path, sizeof(path), "%s/%s-%s.txt", dir,
		    i < p->npeers ? "org" : "provider", kid);
		zcert_t *zc = zcert_new_from(pk, nosecret);
		if (!zc || zcert_save_public(zc, path) != 0) {
			zcert_destroy(&zc);
			return CH_ERR_IO;
		}
		zcert_destroy(&zc);
	}
	return 0;
}

size_t
peers_count(const peers_t *p)
{
	return p->npeers;
}

size_t
peers_providers(const peers_t *p)
{
	return p->nprovs;
}

peer_t *
peers_at(peers_t *p, size_t i)
{
	return i < p->npeers ? &p->peers[i] : NULL;
}

peer_t *
peers_by_org(peers_t *p, const uint8_t org[32])
{
	for (size_t i = 0; i < p->npeers; i++)
		if (memcmp(p->peers[i].org, org, 32) == 0)
			return &p->peers[i];
	return NULL;
}

peer_t *
peers_by_curve(peers_t *p, const char *z85)
{
	for (size_t i = 0; z85 && i < p->npeers; i++)
		if (strcmp(p->peers[i].curve_z85, z85) == 0)
			return &p->peers[i];
	return NULL;
}

peer_t *
peers_by_dealer(peers_t *p, const zsock_t *dealer)
{
	for (size_t i = 0; i < p->npeers; i++)
		if (p->peers[i].dealer == dealer)
			return &p->peers[i];
	return NULL;
}

provider_t *
peers_provider_by_curve(peers_t *p, const char *z85)
{
	for (size_t i = 0; z85 && i < p->nprovs; i++)
		if (strcmp(p->provs[i].curve_z85, z85) == 0)
			return &p->provs[i];
	return NULL;
}

peer_t *
peers_by_monitor(peers_t *p, const zsock_t *monitor)
{
	for (size_t i = 0; monitor && i < p->npeers; i++)
		if (p->peers[i].monitor == monitor)
			return &p->peers[i];
	return NULL;
}

void
peers_stall_opts(zsock_t *s)
{
	zsock_set_tcp_keepalive(s, 1);
	zsock_set_tcp_keepalive_idle(s, PEERS_KEEPALIVE_IDLE_S);
	zsock_set_tcp_keepalive_intvl(s, PEERS_KEEPALIVE_INTVL_S);
	zsock_set_tcp_keepalive_cnt(s, PEERS_KEEPALIVE_CNT);
	zsock_set_tcp_maxrt(s, PEERS_TCP_MAXRT_MS);
}

int
peers_event(peer_t *p)
{
	int rc = 0;
	zmsg_t *m = zmsg_recv(p->monitor);
	zframe_t *f = m ? zmsg_first(m) : NULL;
	if (f && zframe_size(f) >= 2) {
		uint16_t ev;
		memcpy(&ev, zframe_data(f), 2);  /* libzmq writes it in host order */
		if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
			rc = PEERS_UP;
			p->dealer_ok = 1;
			p->redial_ms = 0;       /* a success ends the back-off */
		} else if (ev == ZMQ_EVENT_DISCONNECTED && p->dealer_ok) {
			/* (a stalled connection closed too) ZeroMQ
			 * reconnects by itself: redial only if that fails. */
			rc = PEERS_DOWN;
			p->dealer_ok = 0;
			p->dialed = clock_now_ms();
		}
	}
	zmsg_destroy(&m);
	return rc;
}
