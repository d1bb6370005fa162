// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * TCP family, on tracepoints only: the life cycle of every TCP socket (inet_sock_set_state,
 * BTF-typed so that the byte counters are read from the tcp_sock at each change), the
 * accepts (at accept's return, the one place where the accepting process is the current
 * task: the passive side's state changes run in whatever task the softirq interrupted),
 * retransmits and resets. No packet is traced: the cost follows connections, not traffic.
 *
 * The accepts run only when -e names the family: a syscall tracepoint puts every system call
 * of every process on the kernel's tracing path (docs/ARCHITECTURE.md "What recording
 * costs"). Without them a passive session's owner is the process that closes it.
 *
 * record -p does not filter here: a state change's current task is often not the socket's
 * owner, so ownership is settled in analyze/ and filtered in the report. record --cgroup
 * does, by the socket's own cgroup (the one its creator was in, which an accepted socket
 * takes from its listener), which the kernel keeps with it; a socket that is no longer a full
 * one (time-wait, request) has none, and is not recorded under --cgroup.
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define TCP_TIME_WAIT 6
#define TCP_NEW_SYN_RECV 12
#define ETH_P_IP 0x0800

/*
 * The socket's half of a record. sk is a full socket, or (full = false) a time-wait or
 * request socket, of which only sock_common may be read.
 */
static __always_inline void tcp_fill_sock(struct ebr_rec_tcp *r, const struct sock *sk, bool full)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;

	r->skaddr = (__u64)sk;
	r->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	/* inet_sport, as tcpstates shows it: skc_num is zeroed when the port is released */
	r->sport = full ? bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport))
			: BPF_CORE_READ(sk, __sk_common.skc_num);
	r->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	r->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (r->family == AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)r->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)r->daddr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&r->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&r->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	if (full) {
		unsigned long sk_flags = BPF_CORE_READ(sk, __sk_common.skc_flags);

		r->tx_bytes = BPF_CORE_READ(tp, bytes_acked);
		r->rx_bytes = BPF_CORE_READ(tp, bytes_received);
		/* tcp_fin() sets SOCK_DONE as it counts the FIN in rcv_nxt */
		if (sk_flags >> bpf_core_enum_value(enum sock_flags, SOCK_DONE) & 1)
			r->flags |= EBR_TCP_FIN_RECEIVED;
		if (BPF_CORE_READ(tp, snd_una) == BPF_CORE_READ(tp, write_seq))
			r->flags |= EBR_TCP_ALL_ACKED;
	}
}

static __always_inline bool tcp_sock_wanted(const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	return BPF_CORE_READ(sk, sk_protocol) == IPPROTO_TCP &&
	       (family == AF_INET || family == AF_INET6);
}

/* --cgroup: whether the socket's cgroup is wanted; full: sk is a full socket */
static __always_inline bool tcp_sock_cgroup_wanted(const struct sock *sk, bool full)
{
	if (!ebr_target_cgroup_id)
		return true;
	if (!sk || !full)
		return false;
	return ebr_cgroup_wanted(BPF_CORE_READ(sk, sk_cgrp_data.cgroup));
}

static __always_inline struct ebr_rec_tcp *tcp_reserve(__u32 probe, __u16 type)
{
	struct ebr_rec_tcp *r = ebr_reserve(probe, type, sizeof(*r));
	__u64 id = bpf_get_current_pid_tgid();

	if (!r)
		return NULL;
	__builtin_memset((char *)r + sizeof(r->hdr), 0, sizeof(*r) - sizeof(r->hdr));
	r->pid = id >> 32;
	r->tid = (__u32)id;
	ebr_current_comm(r->comm);
	return r;
}

/* A record of a full socket's moment: its cookie, ends and counters. */
static __always_inline struct ebr_rec_tcp *tcp_sock_record(__u32 probe, __u16 type,
							  const struct sock *sk)
{
	struct ebr_rec_tcp *r = tcp_sock_cgroup_wanted(sk, true) ? tcp_reserve(probe, type) : NULL;

	if (r) {
		r->cookie = bpf_get_socket_cookie((void *)sk);
		tcp_fill_sock(r, sk, true);
	}
	return r;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(tcp_retransmit, const struct sock *sk, const struct sk_buff *skb)
{
	struct ebr_rec_tcp *r = sk ? tcp_sock_record(EBR_PROBE_TCP_RETRANS, EBR_REC_TCP_RETRANS, sk)
				   : NULL;

	if (r)
		ebr_submit(r);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(tcp_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	struct ebr_rec_tcp *r;

	if (!sk || !tcp_sock_wanted(sk))
		return 0;
	r = tcp_sock_record(EBR_PROBE_TCP_STATE, EBR_REC_TCP_STATE, sk);
	if (!r)
		return 0;
	r->oldstate = oldstate;
	r->state = newstate;
	ebr_submit(r);
	return 0;
}

/* A reset sent for a packet no socket wanted: the addresses are the packet's, turned round. */
static __always_inline void tcp_fill_skb(struct ebr_rec_tcp *r, const struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header), th = BPF_CORE_READ(skb, transport_header);
	struct tcphdr tcp;
	__u8 version;

	if (bpf_probe_read_kernel(&version, 1, head + nh) ||
	    bpf_probe_read_kernel(&tcp, sizeof(tcp), head + th))
		return;
	r->sport = bpf_ntohs(tcp.dest);
	r->dport = bpf_ntohs(tcp.source);
	if (version >> 4 == 4) {
		struct iphdr *ip = (struct iphdr *)(head + nh);

		r->family = AF_INET;
		bpf_probe_read_kernel(r->saddr, 4, &ip->daddr);
		bpf_probe_read_kernel(r->daddr, 4, &ip->saddr);
	} else {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(head + nh);

		r->family = AF_INET6;
		bpf_probe_read_kernel(r->saddr, 16, &ip6->daddr);
		bpf_probe_read_kernel(r->daddr, 16, &ip6->saddr);
	}
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(tcp_send_reset, const struct sock *sk, const struct sk_buff *skb, int reason)
{
	__u8 state = sk ? BPF_CORE_READ(sk, __sk_common.skc_state) : 0;
	bool full = sk && state != TCP_TIME_WAIT && state != TCP_NEW_SYN_RECV;
	struct ebr_rec_tcp *r;

	if (!tcp_sock_cgroup_wanted(sk, full))
		return 0;
	r = tcp_reserve(EBR_PROBE_TCP_RESET, EBR_REC_TCP_RESET);
	if (!r)
		return 0;
	r->detail = EBR_TCP_RESET_SENT << 16 | (reason & 0xffff);
	if (sk) {
		r->cookie = bpf_get_socket_cookie((void *)sk);
		tcp_fill_sock(r, sk, full);
	} else if (skb) {
		tcp_fill_skb(r, skb);
	}
	ebr_submit(r);
	return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(tcp_receive_reset, struct sock *sk)
{
	struct ebr_rec_tcp *r = sk ? tcp_sock_record(EBR_PROBE_TCP_RESET, EBR_REC_TCP_RESET, sk)
				   : NULL;

	if (r) {
		r->detail = EBR_TCP_RESET_RECEIVED << 16;
		ebr_submit(r);
	}
	return 0;
}

/*
 * accept's new socket, from its descriptor. Its cookie was made by the state changes that
 * built it (tcp_set_state), so it can be read here, where the helper is not allowed.
 */
static __always_inline int tcp_accepted(long fd)
{
	struct ebr_rec_tcp *r;
	struct socket *sock;
	struct sock *sk;
	struct file *f;

	if (fd < 0)
		return 0;
	f = file_of_fd(fd);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return 0;
	sock = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || !tcp_sock_wanted(sk) || !tcp_sock_cgroup_wanted(sk, true))
		return 0;
	r = tcp_reserve(EBR_PROBE_TCP_ACCEPT, EBR_REC_TCP_ACCEPT);
	if (!r)
		return 0;
	r->cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	tcp_fill_sock(r, sk, true);
	ebr_submit(r);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int tcp_accept4_exit(struct trace_event_raw_sys_exit *ctx)
{
	return tcp_accepted(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tcp_accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	return tcp_accepted(ctx->ret);
}
