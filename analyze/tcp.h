/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TCP family's model: a table of sessions rebuilt from the tcp.* events (FORMAT.md, "TCP
 * sessions"), and the moments the views list: state changes (tcpstates), connects
 * (tcpconnect, tcpconnlat), accepts (tcpaccept), retransmits and resets (tcpretrans), closes
 * (tcplife).
 */
#ifndef EBREC_ANALYZE_TCP_H
#define EBREC_ANALYZE_TCP_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/procfilter.h"
#include "analyze/pass.h"
#include "analyze/u64map.h"
#include "format/ebr.h"

/* Both ends of a connection. */
struct tcp_ends {
	uint8_t ip; /* 4 or 6 */
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
};

/* How the owner of a session is known, weakest first. */
enum tcp_owner {
	TCP_OWNER_NONE = 0,
	TCP_OWNER_CLOSE,    /* the task that closed it (bcc tcplife's guess) */
	TCP_OWNER_SNAPSHOT, /* a process holding it open at the start or end */
	TCP_OWNER_ACCEPT,   /* the process that accepted it */
	/*
	 * Another process than the one that accepted it closed it, or held it at the end (the
	 * end's socket snapshot): a fork-per-connection server's worker (a PostgreSQL backend,
	 * sshd's session), which used it; accept_pid keeps the acceptor.
	 */
	TCP_OWNER_SERVE,
	TCP_OWNER_CONNECT,  /* the process that connected it */
};

struct tcp_session {
	uint64_t cookie, skaddr;
	struct tcp_ends ends;
	uint8_t state;
	uint8_t owner; /* enum tcp_owner */
	uint32_t pid;
	char comm[EBR_COMM_MAX + 1];
	uint32_t accept_pid; /* with TCP_OWNER_SERVE: the process that accepted it */
	char accept_comm[EBR_COMM_MAX + 1];
	uint64_t start_ns;       /* its creation, or when it was first seen */
	uint64_t last_change_ns; /* its last state change, 0 before one was seen */
	uint64_t last_seen_ns;   /* its last event of any kind (the end snapshot's, if open) */
	uint64_t syn_sent_ns, established_ns, end_ns; /* 0 when not seen */
	uint64_t tx_bytes, rx_bytes; /* data bytes, SYN and FIN taken out (FORMAT.md) */
	uint32_t retransmits, resets_sent, resets_received;
	bool active;        /* began with connect() in the trace */
	bool began_in_trace; /* its creation is in the trace */
	bool closed;
	bool listener;      /* a listening socket, not a session */
	bool open_at_end;   /* listed by the end-of-recording snapshot */
	bool fin_queued;    /* it entered FIN_WAIT1 or LAST_ACK: our FIN is in its sequence */
};

/* Caps that keep a hostile trace from exhausting memory. */
#define TCPTABLE_MAX_SESSIONS (1u << 22)

enum tcp_moment {
	TCP_MOMENT_STATE = 1, /* tcp.state */
	TCP_MOMENT_ACCEPT,
	TCP_MOMENT_RETRANS,
	TCP_MOMENT_RESET,
	TCP_MOMENT_SNAPSHOT, /* tcp.sock */
};

/* One tcp.* event as the views see it, after the table took it in. */
struct tcp_event {
	enum tcp_moment moment;
	uint64_t ts_ns;
	const struct tcp_session *s; /* NULL: a reset no socket wanted, or the table is full */
	struct tcp_ends ends;        /* of the event itself */
	uint64_t skaddr;
	uint32_t pid;                /* the current task at the event */
	const char *comm;
	uint8_t oldstate, state;
	uint64_t in_old_state_ns;    /* STATE: time since the previous change, 0 if unknown */
	uint8_t direction;           /* RESET: EBR_TCP_RESET_* */
	uint8_t phase;               /* SNAPSHOT: EBR_TCP_PHASE_* */
};

/* -4/-6, -L/-D PORT, -p PID, --comm: what every TCP view can be cut to. */
struct tcp_filter {
	uint8_t ip;    /* 0: both */
	int64_t lport, rport; /* -1: any */
	struct proc_filter who; /* the session's owner */
};

struct tcptable {
	struct tcp_session *s;
	uint32_t len, cap;
	struct u64map by_key; /* cookie (skaddr when a cookie is missing) -> latest session */
	uint64_t dropped;
};

/*
 * Takes a tcp.* event into the table and describes it in *out. Returns 1 for a tcp.* event,
 * 0 for any other, or a negative EBR_E* code.
 */
int tcptable_event(struct tcptable *t, const struct ebr_event *ev, struct tcp_event *out);
void tcptable_release(struct tcptable *t);

/* pid and comm: the owner of the session (connecting or accepting process), as known */
bool tcp_filter_pass(const struct tcp_filter *f, const struct tcp_ends *e, uint32_t pid,
		     const char *comm);

/* An address (4 or 16 bytes, network order) as text: "10.0.0.1", "::1"; "?" if not one.
 * Returns buf. */
const char *tcp_addr_text(uint8_t ip, const uint8_t *addr, char *buf, size_t len);

/* "ESTABLISHED"; "UNKNOWN" for a number that is not a TCP state */
const char *tcp_state_name(unsigned state);

/*
 * A TCP view's analyzer: the table, then the view's callback for every tcp.* event. Views
 * keep their own state in ctx; on_end lists what remains (tcplife --all).
 */
struct tcpwatch {
	struct tcptable table;
	struct tcp_filter filter;
	int (*on_event)(void *ctx, const struct tcp_event *e);
	void *ctx;
};

int tcpwatch_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define TCPWATCH_TYPES \
	(EBR_TYPE(EBR_EV_TCP_STATE) | EBR_TYPE(EBR_EV_TCP_ACCEPT) | EBR_TYPE(EBR_EV_TCP_RETRANS) | \
	 EBR_TYPE(EBR_EV_TCP_RESET) | EBR_TYPE(EBR_EV_TCP_SOCK))

#endif
