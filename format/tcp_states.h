/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP states as the tcp.* event types carry them (format/FORMAT.md, "TCP sessions"): Linux's
 * own numbers, fixed for format major version 1.
 */
#ifndef EBREC_FORMAT_TCP_STATES_H
#define EBREC_FORMAT_TCP_STATES_H

enum ebr_tcp_state {
	EBR_TCP_ESTABLISHED = 1,
	EBR_TCP_SYN_SENT = 2,
	EBR_TCP_SYN_RECV = 3,
	EBR_TCP_FIN_WAIT1 = 4,
	EBR_TCP_FIN_WAIT2 = 5,
	EBR_TCP_TIME_WAIT = 6,
	EBR_TCP_CLOSE = 7,
	EBR_TCP_CLOSE_WAIT = 8,
	EBR_TCP_LAST_ACK = 9,
	EBR_TCP_LISTEN = 10,
	EBR_TCP_CLOSING = 11,
	EBR_TCP_NEW_SYN_RECV = 12,
	EBR_TCP_NSTATES = 13,
};

#endif
