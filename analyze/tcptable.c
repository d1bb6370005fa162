// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TCP session table: one entry per socket, keyed by its cookie, built in file order from
 * tcp.state, tcp.accept, tcp.retrans, tcp.reset and tcp.sock (format/FORMAT.md, "TCP
 * sessions" says what each tells).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/tcp.h"
#include "format/mem.h"

/* The tcp.* types share their first fields; tcp.state's indices name them for all. */
_Static_assert(EBR_F_TCP_ACCEPT_RPORT == EBR_F_TCP_STATE_RPORT &&
		       EBR_F_TCP_RETRANS_RPORT == EBR_F_TCP_STATE_RPORT &&
		       EBR_F_TCP_RESET_RPORT == EBR_F_TCP_STATE_RPORT &&
		       EBR_F_TCP_SOCK_RPORT == EBR_F_TCP_STATE_RPORT &&
		       EBR_F_TCP_SOCK_TX_BYTES == EBR_F_TCP_STATE_TX_BYTES &&
		       EBR_F_TCP_SOCK_RX_BYTES == EBR_F_TCP_STATE_RX_BYTES,
	       "tcp types share their first fields");

static const char *const state_names[EBR_TCP_NSTATES] = {
	[EBR_TCP_ESTABLISHED] = "ESTABLISHED", [EBR_TCP_SYN_SENT] = "SYN_SENT",
	[EBR_TCP_SYN_RECV] = "SYN_RECV",       [EBR_TCP_FIN_WAIT1] = "FIN_WAIT1",
	[EBR_TCP_FIN_WAIT2] = "FIN_WAIT2",     [EBR_TCP_TIME_WAIT] = "TIME_WAIT",
	[EBR_TCP_CLOSE] = "CLOSE",             [EBR_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[EBR_TCP_LAST_ACK] = "LAST_ACK",       [EBR_TCP_LISTEN] = "LISTEN",
	[EBR_TCP_CLOSING] = "CLOSING",         [EBR_TCP_NEW_SYN_RECV] = "NEW_SYN_RECV",
};

const char *tcp_state_name(unsigned state)
{
	return state < EBR_TCP_NSTATES && state_names[state] ? state_names[state] : "UNKNOWN";
}

static void read_addr(const struct ebr_value *v, uint8_t out[16], size_t len)
{
	memset(out, 0, 16);
	if (v->s && v->len == len)
		memcpy(out, v->s, len);
}

static void read_ends(const struct ebr_value *v, struct tcp_ends *e)
{
	e->ip = v[EBR_F_TCP_STATE_IP].u == 6 ? 6 : 4;
	read_addr(&v[EBR_F_TCP_STATE_LADDR], e->laddr, e->ip == 6 ? 16 : 4);
	read_addr(&v[EBR_F_TCP_STATE_RADDR], e->raddr, e->ip == 6 ? 16 : 4);
	e->lport = (uint16_t)v[EBR_F_TCP_STATE_LPORT].u;
	e->rport = (uint16_t)v[EBR_F_TCP_STATE_RPORT].u;
}

static struct tcp_session *find(struct tcptable *t, uint64_t key)
{
	uint32_t i;

	return u64map_get(&t->by_key, key, &i) ? &t->s[i] : NULL;
}

/* A new session for key, which becomes key's current one. NULL: out of memory or full. */
static struct tcp_session *add(struct tcptable *t, uint64_t key, const struct tcp_event *e,
			       int *err)
{
	struct tcp_session *s;

	*err = 0;
	if (t->len == TCPTABLE_MAX_SESSIONS) {
		t->dropped++;
		return NULL;
	}
	s = grow_array(t->s, t->len, &t->cap, sizeof(*s));
	if (!s || u64map_put(&t->by_key, key, t->len)) {
		*err = EBR_E_NOMEM;
		return NULL;
	}
	t->s = s;
	s = &t->s[t->len++];
	memset(s, 0, sizeof(*s));
	s->ends = e->ends;
	s->skaddr = e->skaddr;
	s->start_ns = e->ts_ns;
	return s;
}

static void set_owner(struct tcp_session *s, enum tcp_owner how, uint32_t pid, const char *comm)
{
	if (s->owner >= how || !pid)
		return;
	s->owner = how;
	s->pid = pid;
	ebr_comm_copy(s->comm, comm);
}

/*
 * pid, not the process that accepted the session, uses it: a fork-per-connection server's
 * worker (TCP_OWNER_SERVE), the acceptor kept beside it.
 */
static void take_worker(struct tcp_session *s, uint32_t pid, const char *comm)
{
	if (s->owner != TCP_OWNER_ACCEPT || !pid || pid == s->pid)
		return;
	s->accept_pid = s->pid;
	memcpy(s->accept_comm, s->comm, sizeof(s->comm));
	set_owner(s, TCP_OWNER_SERVE, pid, comm);
}

/* Data bytes from the kernel's sequence-number counts (FORMAT.md, "TCP sessions"). */
static void set_bytes(struct tcp_session *s, uint64_t tx, uint64_t rx, bool fin_acked,
		      bool fin_received)
{
	if (s->active && tx)
		tx--; /* the SYN */
	if (fin_acked && tx)
		tx--;
	if (fin_received && rx)
		rx--;
	s->tx_bytes = tx;
	s->rx_bytes = rx;
}

static void take_state(struct tcp_session *s, const struct tcp_event *e, const struct ebr_value *v)
{
	uint64_t flags = v[EBR_F_TCP_STATE_FLAGS].u;

	s->state = e->state;
	s->last_change_ns = e->ts_ns;
	if (e->state == EBR_TCP_LISTEN || e->oldstate == EBR_TCP_LISTEN)
		s->listener = e->state != EBR_TCP_SYN_RECV;
	if (e->state == EBR_TCP_SYN_SENT && !s->syn_sent_ns)
		s->syn_sent_ns = e->ts_ns;
	if (e->state == EBR_TCP_ESTABLISHED && !s->established_ns)
		s->established_ns = e->ts_ns;
	set_bytes(s, v[EBR_F_TCP_STATE_TX_BYTES].u, v[EBR_F_TCP_STATE_RX_BYTES].u,
		  s->fin_queued && (flags & EBR_TCP_ALL_ACKED), flags & EBR_TCP_FIN_RECEIVED);
	/* close() and shutdown() make these changes, in the owner's own context */
	if (e->state == EBR_TCP_FIN_WAIT1 || e->state == EBR_TCP_LAST_ACK) {
		s->fin_queued = true;
		take_worker(s, e->pid, e->comm);
		set_owner(s, TCP_OWNER_CLOSE, e->pid, e->comm);
	}
	if (e->state == EBR_TCP_CLOSE) {
		s->closed = true;
		s->end_ns = e->ts_ns;
	}
}

static void take_snapshot(struct tcp_session *s, const struct tcp_event *e,
			  const struct ebr_value *v)
{
	if (s->closed)
		return;
	if (!s->last_change_ns)
		s->state = e->state;
	if (!s->began_in_trace)
		s->active = v[EBR_F_TCP_SOCK_ORIGIN].u == EBR_TCP_ORIGIN_CONNECTED;
	/* for a session open now, its state says which FINs the counters hold */
	set_bytes(s, v[EBR_F_TCP_SOCK_TX_BYTES].u, v[EBR_F_TCP_SOCK_RX_BYTES].u,
		  e->state == EBR_TCP_FIN_WAIT2,
		  e->state == EBR_TCP_CLOSE_WAIT || e->state == EBR_TCP_LAST_ACK ||
			  e->state == EBR_TCP_CLOSING);
	set_owner(s, TCP_OWNER_SNAPSHOT, e->pid, e->comm);
	if (e->phase) {
		s->open_at_end = true;
		/* held at the end by another process than the acceptor: the worker serving it */
		take_worker(s, e->pid, e->comm);
	}
}

static enum tcp_moment moment_of(uint32_t type)
{
	switch (type) {
	case EBR_EV_TCP_STATE:
		return TCP_MOMENT_STATE;
	case EBR_EV_TCP_ACCEPT:
		return TCP_MOMENT_ACCEPT;
	case EBR_EV_TCP_RETRANS:
		return TCP_MOMENT_RETRANS;
	case EBR_EV_TCP_RESET:
		return TCP_MOMENT_RESET;
	case EBR_EV_TCP_SOCK:
		return TCP_MOMENT_SNAPSHOT;
	default:
		return 0;
	}
}

int tcptable_event(struct tcptable *t, const struct ebr_event *ev, struct tcp_event *e)
{
	const struct ebr_value *v = ev->v;
	uint64_t cookie = v[EBR_F_TCP_STATE_COOKIE].u, key;
	struct tcp_session *s;
	bool creation = false;
	enum tcp_moment moment = moment_of(ev->type);
	int err = 0;

	/* most events of a trace are not TCP's: they cost the type's test, not the clearing */
	if (!moment)
		return 0;
	memset(e, 0, sizeof(*e));
	e->moment = moment;
	e->ts_ns = ev->ts;
	read_ends(v, &e->ends);
	e->skaddr = v[EBR_F_TCP_STATE_SKADDR].u;
	e->pid = (uint32_t)v[EBR_F_TCP_STATE_PID].u;
	e->comm = v[EBR_F_TCP_STATE_COMM].s ? v[EBR_F_TCP_STATE_COMM].s : "";
	e->state = (uint8_t)v[EBR_F_TCP_STATE_STATE].u;
	key = cookie ? cookie : e->skaddr;
	if (e->moment == TCP_MOMENT_STATE) {
		e->oldstate = (uint8_t)v[EBR_F_TCP_STATE_OLDSTATE].u;
		creation = (e->oldstate == EBR_TCP_CLOSE && e->state == EBR_TCP_SYN_SENT) ||
			   (e->oldstate == EBR_TCP_LISTEN && e->state == EBR_TCP_SYN_RECV);
	} else if (e->moment == TCP_MOMENT_RESET) {
		e->direction = (uint8_t)v[EBR_F_TCP_RESET_DIRECTION].u;
	} else if (e->moment == TCP_MOMENT_SNAPSHOT) {
		e->phase = v[EBR_F_TCP_SOCK_PHASE].u != EBR_TCP_PHASE_START;
	}
	if (!key)
		return 1; /* a reset sent where no socket wanted the packet */
	s = find(t, key);
	/* an address is reused once its socket is closed; a cookie never is */
	if (!s || (s->closed && creation))
		s = add(t, key, e, &err);
	if (!s)
		return err ? err : 1;
	s->cookie = cookie;
	if (e->ends.lport && e->ends.rport)
		s->ends = e->ends; /* a connecting socket has no port yet, a closed one no more */
	if (e->ts_ns > s->last_seen_ns)
		s->last_seen_ns = e->ts_ns;
	if (creation && !s->last_change_ns) {
		s->began_in_trace = true;
		s->start_ns = e->ts_ns;
		s->active = e->state == EBR_TCP_SYN_SENT;
		if (s->active)
			set_owner(s, TCP_OWNER_CONNECT, e->pid, e->comm);
	}
	switch (e->moment) {
	case TCP_MOMENT_STATE:
		e->in_old_state_ns = s->last_change_ns && e->ts_ns > s->last_change_ns
					     ? e->ts_ns - s->last_change_ns
					     : 0;
		take_state(s, e, v);
		break;
	case TCP_MOMENT_ACCEPT:
		set_owner(s, TCP_OWNER_ACCEPT, e->pid, e->comm);
		break;
	case TCP_MOMENT_RETRANS:
		s->retransmits++;
		break;
	case TCP_MOMENT_RESET:
		if (e->direction == EBR_TCP_RESET_SENT)
			s->resets_sent++;
		else
			s->resets_received++;
		break;
	case TCP_MOMENT_SNAPSHOT:
		take_snapshot(s, e, v);
		break;
	}
	e->s = s;
	return 1;
}

void tcptable_release(struct tcptable *t)
{
	ebr_free(t->s);
	u64map_release(&t->by_key);
	memset(t, 0, sizeof(*t));
}

bool tcp_filter_pass(const struct tcp_filter *f, const struct tcp_ends *e, uint32_t pid,
		     const char *comm)
{
	return (!f->ip || f->ip == e->ip) && (f->lport < 0 || f->lport == e->lport) &&
	       (f->rport < 0 || f->rport == e->rport) && proc_filter_match(&f->who, pid, comm);
}

int tcpwatch_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct tcpwatch *w = self;
	struct tcp_event e;
	int n = tcptable_event(&w->table, ev, &e);

	return n <= 0 ? n : w->on_event(w->ctx, &e);
}

const char *tcp_addr_text(uint8_t ip, const uint8_t *addr, char *buf, size_t len)
{
	if (!inet_ntop(ip == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}
