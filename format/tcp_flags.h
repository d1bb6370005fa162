/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The flags and codes of the tcp.* event types (FORMAT.md "Flags and codes"; the states are
 * in format/tcp_states.h): part of the file format. Free of includes, so the BPF programs
 * that produce them (bpf/events.h) and the readers that interpret them share one definition.
 */
#ifndef EBREC_FORMAT_TCP_FLAGS_H
#define EBREC_FORMAT_TCP_FLAGS_H

/*
 * tcp.state field `flags`. The kernel counts a SYN and a FIN in bytes_acked and
 * bytes_received as if they were data; these say when they are, so that reports can give
 * exact data bytes.
 */
#define EBR_TCP_FIN_RECEIVED 1u /* the peer's FIN was received (counted in rx_bytes) */
#define EBR_TCP_ALL_ACKED 2u    /* everything sent, our FIN if any, is acknowledged */

/* tcp.reset field `direction` */
enum ebr_tcp_reset_direction {
	EBR_TCP_RESET_SENT = 1,
	EBR_TCP_RESET_RECEIVED = 2,
};

/* tcp.sock field `phase`: when sock_diag listed the socket */
enum ebr_tcp_sock_phase {
	EBR_TCP_PHASE_START = 0, /* open when the recording started */
	EBR_TCP_PHASE_END = 1,   /* open when it ended */
};

/* tcp.sock field `origin`: how the session began, as far as sock_diag tells */
enum ebr_tcp_sock_origin {
	EBR_TCP_ORIGIN_UNKNOWN = 0,
	EBR_TCP_ORIGIN_CONNECTED = 1,
	EBR_TCP_ORIGIN_ACCEPTED = 2, /* a listener has its local port */
};

#endif
