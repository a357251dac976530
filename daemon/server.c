/* server.c - the event loop: ZAP (fail-closed allow-list), the client and
 * peer sockets, timers, and the outbox flushed at the end of each round. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>

#include "api.h"
#include "clock.h"
#include "derr.h"
#include "health.h"
#include "housekeeping.h"
#include "log.h"
#include "notify.h"
#include "server.h"
#include "sync.h"

#define DRAIN_MAX 256
#define HOUSEKEEPING_MS 10000
/* A client's request is at most a post with the largest body; replies (a
 * whole case read) may be long, and a provider's queue holds a few. */
#define CLIENT_FRAME_MAX ((int64_t)CH_BODY_MAX + (64 << 10))
#define CLIENT_HWM 64
/* A DEALER that has shown nothing this long after it was made is made
 * again (see redial). */
#define REDIAL_MS 5000
#define REDIAL_MAX_MS (5 * 60 * 1000)

/* What the loop owns besides the daemon. */
typedef struct {
	cahierd_t *d;
	zcert_t *zcert;
	zactor_t *auth;
	zsock_t *client;
	zsock_t *client_tcp;
	zsock_t *peer_router;
	zloop_t *loop;
	uint64_t gen;              /* store generation of the loaded peers */
	int64_t last_housekeeping; /* ms: when the last pass ended */
	int hk_pass;               /* a pass of housekeeping is under way */
	size_t hk_cursor;          /* where it goes on */
	notify_t *notify;          /* the person's notification of reads */
	int64_t started;           /* ms: this run's start (health.h) */
	int64_t health_at;         /* ms: the status file's last writing */
	int pump;                  /* the timer of notify_pump, or -1 */
	int hup;                   /* signalfd of SIGHUP (a reload), or -1 */
} server_t;

/* The end of a round: commit, then send what waited for the commit. */
static void
flush(server_t *s)
{
	/* A failed commit is logged and turns the round's replies into errors. */
	if (outbox_flush(s->d->out, s->d->store) != 0)
		log_debug("round ended without its writes");
}

/* Receives one [route][payload] (ROUTER) or [payload] (DEALER) message
 * without blocking. Returns 0, 1 for a message of more frames than that
 * (its frames are read and dropped: the protocol has none; *route is
 * kept for the log), or -1 when nothing is waiting. */
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
	if (!zframe_more(f))
		return 0;
	/* Extra frames are not part of the protocol: the message is refused. */
	while (1) {
		zframe_t *x = zframe_recv(sock);
		if (!x)
			break;
		int more = zframe_more(x);
		zframe_destroy(&x);
		if (!more)
			break;
	}
	return 1;
}

static int
on_client(zloop_t *loop, zsock_t *sock, void *arg)
{
	server_t *s = arg;
	zframe_t *route, *payload, *routes[DRAIN_MAX], *frames[DRAIN_MAX];
	size_t n = 0;
	(void)loop;
	int rc;
	/* The round's requests are taken first, then handled in order as one
	 * batch: the posts' signatures are checked on all cores meanwhile
	 * (api_handle_batch). */
	for (int i = 0; i < DRAIN_MAX && (rc = recv_msg(sock, 1, &route, &payload)) >= 0; i++) {
		if (rc == 0) {
			routes[n] = route;
			frames[n++] = payload;
			continue;
		}
		log_limited(LOG_LVL_WARN, "client", "client request of several frames refused");
		zframe_destroy(&route);
		zframe_destroy(&payload);
	}
	api_handle_batch(s->d, sock, routes, frames, n);
	for (size_t i = 0; i < n; i++)
		zframe_destroy(&frames[i]);
	flush(s);
	return 0;
}

static int
on_peer_router(zloop_t *loop, zsock_t *sock, void *arg)
{
	server_t *s = arg;
	zframe_t *route, *payload;
	(void)loop;
	int rc;
	for (int i = 0; i < DRAIN_MAX && (rc = recv_msg(sock, 1, &route, &payload)) >= 0; i++) {
		/* ZAP let in a known key; here it must be an org's, not a provider's. */
		peer_t *p = peers_by_curve(s->d->peers, zframe_meta(payload, "User-Id"));
		if (!p) {
			log_limited(LOG_LVL_WARN, "no peer",
			    "peer socket: message from a key that is no peer refused");
			zframe_destroy(&route);
		} else if (rc == 1) {
			log_limited(LOG_LVL_WARN, p->card.name,
			    "sync: message of several frames from %s refused", p->card.name);
			zframe_destroy(&route);
		} else
			sync_handle(s->d, sock, route, p, payload);
		zframe_destroy(&payload);
	}
	flush(s);
	return 0;
}

static int
on_dealer(zloop_t *loop, zsock_t *sock, void *arg)
{
	server_t *s = arg;
	zframe_t *route, *payload;
	(void)loop;
	int rc;
	for (int i = 0; i < DRAIN_MAX && (rc = recv_msg(sock, 0, &route, &payload)) >= 0; i++) {
		peer_t *p = peers_by_dealer(s->d->peers, sock);
		if (p && rc == 1)
			log_limited(LOG_LVL_WARN, p->card.name,
			    "sync: message of several frames from %s refused", p->card.name);
		else if (p)
			sync_handle(s->d, sock, NULL, p, payload);
		zframe_destroy(&payload);
	}
	flush(s);
	return 0;
}

static int
on_monitor(zloop_t *loop, zsock_t *sock, void *arg)
{
	server_t *s = arg;
	peer_t *p = peers_by_monitor(s->d->peers, sock);
	(void)loop;
	if (p) {
		int ev = peers_event(p);
		if (ev == PEERS_UP) {
			log_limited(LOG_LVL_INFO, p->card.name, "connected to %s", p->card.name);
			/* Anti-entropy at once, not at the next round: the
			 * round's SYNCs sent while the DEALER was down were
			 * dropped (ZMQ_IMMEDIATE). */
			sync_peer(s->d, p);
			flush(s);
		} else if (ev == PEERS_DOWN)
			log_limited(LOG_LVL_INFO, p->card.name,
			    "lost the connection to %s", p->card.name);
	} else {
		zmsg_t *m = zmsg_recv(sock);
		zmsg_destroy(&m);
	}
	return 0;
}

/* Registers p's DEALER and its monitor with the loop, or ends them. */
static void
watch(server_t *s, peer_t *p)
{
	if (p->dealer)
		zloop_reader(s->loop, p->dealer, on_dealer, s);
	if (p->monitor)
		zloop_reader(s->loop, p->monitor, on_monitor, s);
}

static void
unwatch(server_t *s, peer_t *p)
{
	if (p->dealer)
		zloop_reader_end(s->loop, p->dealer);
	if (p->monitor)
		zloop_reader_end(s->loop, p->monitor);
}


/* Loads peers and providers from the store, rewrites the allow-list and
 * reconnects to the peers. */
static int
reload(server_t *s)
{
	cahierd_t *d = s->d;
	int rc;

	/* Every peer pointer and DEALER dies here: end their readers first. */
	for (size_t i = 0; s->loop && i < peers_count(d->peers); i++)
		unwatch(s, peers_at(d->peers, i));
	if ((rc = store_gen_get(d->store, &s->gen)) != 0 ||
	    (rc = peers_load(d->peers, d->store, keyring_org(d->kr))) != 0) {
		log_err("cannot load peers and providers from the store: %s", derr_str(rc));
		return rc;
	}
	if (peers_write_allow(d->peers, d->dir) != 0) {
		log_err("cannot write the allow-list in %s/allow", d->dir);
		return DERR_ALLOW;
	}
	if ((rc = peers_connect(d->peers, s->zcert, SYNC_HWM, SYNC_FRAME_MAX)) != 0)
		return rc;
	for (size_t i = 0; s->loop && i < peers_count(d->peers); i++)
		watch(s, peers_at(d->peers, i));
	log_info("loaded %zu peers and %zu providers", peers_count(d->peers),
	    peers_providers(d->peers));
	/* systemd's status line (sd_notify(3): nothing unless it started us),
	 * which systemctl status shows, in the daemon's language */
	char st[256];
	snprintf(st, sizeof(st), _("%zu peers, %zu providers"), peers_count(d->peers),
	    peers_providers(d->peers));
	sd_notifyf(0, "STATUS=%s", st);
	return 0;
}

/* SIGHUP (systemctl reload): peers and providers loaded at once, as a
 * change of the store's generation does within a round, then a
 * housekeeping pass (a revocation to announce). cahierd.conf is read at
 * the start only. */
static int
on_hup(zloop_t *loop, zmq_pollitem_t *item, void *arg)
{
	server_t *s = arg;
	struct signalfd_siginfo si;
	struct timespec ts;
	(void)loop;
	while (read(item->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)ts.tv_sec *
	    1000000ULL + (unsigned long long)ts.tv_nsec / 1000);
	log_info("SIGHUP: reloading peers and providers");
	if (reload(s) != 0)
		return -1;
	s->hk_pass = 1;
	s->hk_cursor = 0;
	sd_notify(0, "READY=1");
	return 0;
}

/* A DEALER on which nothing came in yet is made again after REDIAL_MS,
 * then after twice as long each time, up to REDIAL_MAX_MS: a handshake our
 * peer refused because it had not imported our card yet is retried once it
 * has (ZeroMQ does not retry a refused handshake by itself). */
static void
redial(server_t *s)
{
	cahierd_t *d = s->d;
	int64_t now = clock_now_ms();
	for (size_t i = 0; i < peers_count(d->peers); i++) {
		peer_t *p = peers_at(d->peers, i);
		int64_t wait = p->redial_ms ? p->redial_ms : REDIAL_MS;
		if (!p->dealer || p->dealer_ok || now - p->dialed < wait)
			continue;
		unwatch(s, p);
		if (peers_redial(d->peers, p, s->zcert, SYNC_HWM, SYNC_FRAME_MAX) == 0)
			watch(s, p);
		p->redial_ms = wait * 2 < REDIAL_MAX_MS ? wait * 2 : REDIAL_MAX_MS;
	}
}

/* Between rounds: the access hook's next report (notify.h), while any
 * waits; the timer ends itself when none does. */
static int
on_pump_timer(zloop_t *loop, int timer_id, void *arg)
{
	server_t *s = arg;
	notify_pump(s->d, s->notify);
	if (!notify_busy(s->notify)) {
		zloop_timer_end(loop, timer_id);
		s->pump = -1;
	}
	return 0;
}

static int
on_sync_timer(zloop_t *loop, int timer_id, void *arg)
{
	server_t *s = arg;
	uint64_t gen = 0;
	int reloaded = 0;
	(void)timer_id;
	if (store_gen_get(s->d->store, &gen) == 0 && gen != s->gen) {
		if (reload(s) != 0)
			return -1;
		reloaded = 1;
	}
	redial(s);
	log_limited_flush();
	/* Housekeeping: a pass over every case HOUSEKEEPING_MS after the last
	 * one ended, or at once after a reload (a revocation to announce), in
	 * slices of HOUSEKEEPING_SLICE cases, one a round. */
	if (reloaded) {
		s->hk_pass = 1;
		s->hk_cursor = 0;
	} else if (!s->hk_pass && clock_now_ms() - s->last_housekeeping >= HOUSEKEEPING_MS)
		s->hk_pass = 1;
	if (s->hk_pass && housekeeping_run(s->d, &s->hk_cursor, HOUSEKEEPING_SLICE)) {
		s->hk_pass = 0;
		s->last_housekeeping = clock_now_ms();
	}
	sync_round(s->d);
	notify_run(s->d, s->notify);
	if (clock_now_ms() - s->health_at >= HEALTH_MS) {
		s->health_at = clock_now_ms();
		(void)health_write(s->d, s->started, 0);
	}
	if (s->pump < 0 && notify_busy(s->notify))
		s->pump = zloop_timer(loop, NOTIFY_PUMP_MS, 0, on_pump_timer, s);
	flush(s);
	return 0;
}

/* A CURVE server socket for a ZAP domain, refusing frames over maxmsg
 * bytes (the connection that sends one is dropped) and holding at most
 * hwm messages per connection each way; with stall, the peers' options
 * against a stalled connection (peers.h). */
static zsock_t *
bind_server(server_t *s, const char *endpoint, const char *domain, int hwm,
    int64_t maxmsg, int stall)
{
	zsock_t *sock = zsock_new(ZMQ_ROUTER);
	if (!sock)
		return NULL;
	zcert_apply(s->zcert, sock);
	zsock_set_curve_server(sock, 1);
	zsock_set_zap_domain(sock, domain);
	zsock_set_linger(sock, 0);
	zsock_set_sndhwm(sock, hwm);
	zsock_set_rcvhwm(sock, hwm);
	zsock_set_maxmsgsize(sock, (int)maxmsg);
	/* Peers: a stalled connection is closed (peers.h); a client's
	 * request is short-lived and needs none. */
	if (stall)
		peers_stall_opts(sock);
	if (zsock_bind(sock, "%s", endpoint) < 0) {
		log_err("cannot listen on %s: %s", endpoint, zmq_strerror(zmq_errno()));
		zsock_destroy(&sock);
		return NULL;
	}
	return sock;
}

int
server_run(cahierd_t *d)
{
	server_t s;
	char dir[4200];
	int rc = DERR_START;

	memset(&s, 0, sizeof(s));
	s.d = d;
	s.pump = -1;
	/* SIGHUP asks for a reload. A signal would end zloop's poll, so it is
	 * blocked, before any thread of ours starts (every thread inherits
	 * that), and read from a descriptor in the loop (on_hup). */
	sigset_t hupset;
	sigemptyset(&hupset);
	sigaddset(&hupset, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &hupset, NULL);
	if ((s.hup = signalfd(-1, &hupset, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		return DERR_START;
	zsys_init();
	zsys_set_logident("cahierd");
	s.zcert = zcert_new_from(d->keys->curve_pk, d->keys->curve_sk);
	if (!s.zcert)
		goto out;
	/* ZAP first: with the handler in place before any socket binds, a
	 * CURVE handshake from a key outside the allow-list never completes. */
	s.auth = zactor_new(zauth, NULL);
	if (!s.auth)
		goto out;
	if ((rc = reload(&s)) != 0)
		goto out;
	rc = DERR_START;
	if (notify_new(&s.notify) != 0)
		goto out;
	snprintf(dir, sizeof(dir), "%s/allow", d->dir);
	zstr_sendx(s.auth, "CURVE", dir, NULL);
	zsock_wait(s.auth);
	if (!(s.client = bind_server(&s, d->cfg.client_endpoint, "cahier-client",
	    CLIENT_HWM, CLIENT_FRAME_MAX, 0)) ||
	    !(s.peer_router = bind_server(&s, d->cfg.peer_bind, "cahier-peer", SYNC_HWM,
	    SYNC_FRAME_MAX, 1)))
		goto out;
	if (d->cfg.client_tcp && !(s.client_tcp = bind_server(&s, d->cfg.client_tcp,
	    "cahier-client", CLIENT_HWM, CLIENT_FRAME_MAX, 0)))
		goto out;
	s.loop = zloop_new();
	zloop_reader(s.loop, s.client, on_client, &s);
	if (s.client_tcp)
		zloop_reader(s.loop, s.client_tcp, on_client, &s);
	zloop_reader(s.loop, s.peer_router, on_peer_router, &s);
	for (size_t i = 0; i < peers_count(d->peers); i++)
		watch(&s, peers_at(d->peers, i));
	zloop_timer(s.loop, (size_t)d->cfg.sync_interval_ms, 0, on_sync_timer, &s);
	zmq_pollitem_t hup = { NULL, s.hup, ZMQ_POLLIN, 0 };
	zloop_poller(s.loop, &hup, on_hup, &s);
	if (s.client_tcp)
		log_info("%s ready: clients on %s and %s, peers on %s", d->cfg.name,
		    d->cfg.client_endpoint, d->cfg.client_tcp, d->cfg.peer_bind);
	else
		log_info("%s ready: clients on %s, peers on %s", d->cfg.name,
		    d->cfg.client_endpoint, d->cfg.peer_bind);
	sd_notify(0, "READY=1");
	s.started = s.health_at = clock_now_ms();
	d->started_ms = s.started;
	(void)health_write(d, s.started, 0);
	/* First round at once: catch up without waiting a whole interval. */
	sync_round(d);
	flush(&s);
	zloop_start(s.loop);
	log_info("stopping");
	sd_notifyf(0, "STOPPING=1\nSTATUS=%s", _("stopping"));
	(void)health_write(d, s.started, 1);
	rc = 0;
out:
	store_abort(d->store);
	for (size_t i = 0; s.loop && i < peers_count(d->peers); i++)
		unwatch(&s, peers_at(d->peers, i));
	peers_destroy(&d->peers);
	zloop_destroy(&s.loop);
	zsock_destroy(&s.client);
	zsock_destroy(&s.client_tcp);
	zsock_destroy(&s.peer_router);
	zactor_destroy(&s.auth);
	zcert_destroy(&s.zcert);
	notify_destroy(&s.notify);
	close(s.hup);
	return rc;
}
