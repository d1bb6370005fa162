// SPDX-License-Identifier: GPL-2.0-only
/* The TCP family's records into tcp.* events, and the fields every tcp.* event shares. */
#include <sys/socket.h>
#include "record/translate.h"

_Static_assert(EBR_F_TCP_ACCEPT_STATE == EBR_F_TCP_STATE_STATE &&
		       EBR_F_TCP_RETRANS_STATE == EBR_F_TCP_STATE_STATE &&
		       EBR_F_TCP_RESET_STATE == EBR_F_TCP_STATE_STATE &&
		       EBR_F_TCP_SOCK_STATE == EBR_F_TCP_STATE_STATE,
	       "tcp types share their first fields");

void tcp_common_values(struct ebr_value *v, const struct tcp_common *c)
{
	uint32_t alen = c->family == AF_INET6 ? 16 : 4;

	v[EBR_F_TCP_STATE_PID].u = c->pid;
	v[EBR_F_TCP_STATE_TID].u = c->tid;
	v[EBR_F_TCP_STATE_COMM].s = c->comm;
	v[EBR_F_TCP_STATE_COOKIE].u = c->cookie;
	v[EBR_F_TCP_STATE_SKADDR].u = c->skaddr;
	v[EBR_F_TCP_STATE_IP].u = c->family == AF_INET6 ? 6 : 4;
	v[EBR_F_TCP_STATE_LADDR].s = (const char *)c->laddr;
	v[EBR_F_TCP_STATE_LADDR].len = alen;
	v[EBR_F_TCP_STATE_LPORT].u = c->lport;
	v[EBR_F_TCP_STATE_RADDR].s = (const char *)c->raddr;
	v[EBR_F_TCP_STATE_RADDR].len = alen;
	v[EBR_F_TCP_STATE_RPORT].u = c->rport;
	v[EBR_F_TCP_STATE_STATE].u = c->state;
}

int tcp_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_tcp *r = rec;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char comm[EBR_COMM_LEN + 1];
	struct tcp_common c = {
		.pid = r->pid, .tid = r->tid, .comm = family_kstr(comm, r->comm, EBR_COMM_LEN),
		.cookie = r->cookie, .skaddr = r->skaddr, .family = r->family,
		.laddr = r->saddr, .raddr = r->daddr, .lport = r->sport, .rport = r->dport,
		.state = r->state,
	};
	uint32_t type;

	if (r->family != AF_INET && r->family != AF_INET6)
		return 0; /* a reset whose packet could not be read: nothing to say of it */
	tcp_common_values(v, &c);
	switch (r->hdr.type) {
	case EBR_REC_TCP_STATE:
		type = EBR_EV_TCP_STATE;
		v[EBR_F_TCP_STATE_OLDSTATE].u = r->oldstate;
		v[EBR_F_TCP_STATE_TX_BYTES].u = r->tx_bytes;
		v[EBR_F_TCP_STATE_RX_BYTES].u = r->rx_bytes;
		v[EBR_F_TCP_STATE_FLAGS].u = r->flags;
		break;
	case EBR_REC_TCP_ACCEPT:
		type = EBR_EV_TCP_ACCEPT;
		break;
	case EBR_REC_TCP_RETRANS:
		type = EBR_EV_TCP_RETRANS;
		break;
	default:
		type = EBR_EV_TCP_RESET;
		v[EBR_F_TCP_RESET_DIRECTION].u = r->detail >> 16;
		v[EBR_F_TCP_RESET_REASON].u = r->detail & 0xffff;
		break;
	}
	return translate_emit(ctx, type, &r->hdr, v);
}
