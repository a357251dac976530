/* outbox.c - replies and pushes held until the round's commit. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../proto/msg.h"
#include "log.h"
#include "outbox.h"

typedef struct outmsg {
	struct outmsg *next;
	zsock_t *sock;
	zframe_t *route;        /* ROUTER routing id, or NULL for a DEALER */
	uint8_t *data;
	size_t len;
	uint8_t client_type;    /* client reply type, 0 for peer traffic */
	ch_batchw_t *batch;     /* pushed entries (ENTRIES), framed at the flush */
	uint8_t case_id[16];    /* the case of batch */
	size_t max_bytes;       /* the bound of batch's entries' bytes */
} outmsg_t;

struct outbox {
	outmsg_t *head, **tail;
	uint64_t round;
	outmsg_t *open[OUTBOX_OPEN_MAX]; /* batches open to more entries */
	size_t nopen;
};

int
outbox_new(outbox_t **out)
{
	outbox_t *o = calloc(1, sizeof(*o));
	*out = NULL;
	if (!o)
		return CH_ERR_NOMEM;
	o->tail = &o->head;
	*out = o;
	return 0;
}

/* ZeroMQ's release of a frame handed to it by send_owned: the data is
 * wiped, then freed (in whichever thread ZeroMQ drops it). */
static void
owned_free(void *data, void *hint)
{
	sodium_memzero(data, (size_t)(uintptr_t)hint);
	free(data);
}

/* Sends [route] data on sock without blocking, handing data to ZeroMQ
 * rather than copying it (a batch of entries is megabytes): ZeroMQ frees
 * it, wiped, once it is sent or dropped. The route is consumed. */
static void
send_owned(zsock_t *sock, zframe_t **route, uint8_t *data, size_t len)
{
	zmq_msg_t msg;
	if (zmq_msg_init_data(&msg, data, len, owned_free, (void *)(uintptr_t)len) != 0) {
		owned_free(data, (void *)(uintptr_t)len);
		zframe_destroy(route);
		return;
	}
	if (*route)
		zframe_send(route, sock, ZFRAME_MORE | ZFRAME_DONTWAIT);
	zframe_destroy(route);
	if (zmq_msg_send(&msg, zsock_resolve(sock), ZMQ_DONTWAIT) < 0)
		zmq_msg_close(&msg); /* not sent: frees it */
}

static void
msg_free(outmsg_t *m)
{
	if (m->data) {
		sodium_memzero(m->data, m->len);
		free(m->data);
	}
	if (m->batch) {
		ch_batchw_free(m->batch);
		free(m->batch);
	}
	zframe_destroy(&m->route);
	free(m);
}

void
outbox_destroy(outbox_t **op)
{
	outbox_t *o = *op;
	if (!o)
		return;
	for (outmsg_t *m = o->head, *next; m; m = next) {
		next = m->next;
		msg_free(m);
	}
	free(o);
	*op = NULL;
}

void
outbox_queue(outbox_t *o, zsock_t *sock, zframe_t *route, uint8_t *data,
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
	*o->tail = m;
	o->tail = &m->next;
}

void
outbox_send_now(zsock_t *sock, zframe_t *route, uint8_t *data, size_t len)
{
	send_owned(sock, &route, data, len);
}

/* A new batch for sock and the case, at the end of the queue. */
static outmsg_t *
batch_new(outbox_t *o, zsock_t *sock, const uint8_t case_id[16], size_t max_bytes)
{
	outmsg_t *m = calloc(1, sizeof(*m));
	if (!m || !(m->batch = malloc(sizeof(*m->batch)))) {
		free(m);
		return NULL;
	}
	ch_batchw_init(m->batch, 0);
	m->sock = sock;
	memcpy(m->case_id, case_id, 16);
	m->max_bytes = max_bytes;
	*o->tail = m;
	o->tail = &m->next;
	return m;
}

void
outbox_push_entry(outbox_t *o, zsock_t *sock, const uint8_t case_id[16],
    const uint8_t *entry, size_t n, size_t max_bytes)
{
	outmsg_t *m = NULL;
	size_t k;
	for (k = 0; k < o->nopen; k++)
		if (o->open[k]->sock == sock && memcmp(o->open[k]->case_id, case_id, 16) == 0) {
			m = o->open[k];
			break;
		}
	if (m && (m->batch->n == CH_BATCH_MAX || m->batch->bytes + n > m->max_bytes)) {
		/* full: closed to more entries, the next one starts another */
		o->open[k] = o->open[--o->nopen];
		m = NULL;
	}
	if (!m) {
		if (!(m = batch_new(o, sock, case_id, max_bytes))) {
			log_err("sync: could not push entries to a peer");
			return;
		}
		if (o->nopen < OUTBOX_OPEN_MAX)
			o->open[o->nopen++] = m;
	}
	if (ch_batchw_add(m->batch, entry, n) != 0)
		log_err("sync: could not push entries to a peer");
}

uint64_t
outbox_round(const outbox_t *o)
{
	return o->round;
}

int
outbox_flush(outbox_t *o, store_t *s)
{
	int rc = store_commit(s);
	o->round++;
	if (rc)
		log_err("commit failed: %s: replies of this round turn into errors",
		    store_strerror(rc));
	outmsg_t *m = o->head;
	o->head = NULL;
	o->tail = &o->head;
	o->nopen = 0;
	while (m) {
		outmsg_t *next = m->next;
		if (m->batch) {
			/* pushed entries: framed now, after the last of the round */
			if (!rc && m->batch->n && ch_batchw_finish(m->batch, CH_MAGIC_PEER,
			    CH_PM_ENTRIES, m->case_id, 0, &m->data, &m->len) != 0)
				log_err("sync: could not push entries to a peer");
		}
		if (rc && m->client_type) {
			/* a refusal without arguments (proto/refusal.h) */
			const char *msg = N_("could not commit to disk (see the daemon's log)");
			sodium_memzero(m->data, m->len);
			free(m->data);
			m->data = NULL;
			if (ch_msg_encode(CH_MAGIC_REP, m->client_type, CH_ST_INTERNAL,
			    (const uint8_t *)msg, strlen(msg), &m->data, &m->len) != 0)
				m->data = NULL;
		} else if (rc) {
			free(m->data);
			m->data = NULL;
		}
		if (m->data) {
			send_owned(m->sock, &m->route, m->data, m->len);
			m->data = NULL;
		}
		msg_free(m);
		m = next;
	}
	return rc;
}
