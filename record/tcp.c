// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TCP family on the record side (its records: record/tcp_translate.c): the sessions open
 * at the start and at the end of the recording, from sock_diag (the kernel's
 * own socket table, as ss(8) reads it): addresses, state, byte counters and the cookie that
 * ties a session to its events, with the process holding each socket found in /proc.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "format/array_size.h"
#include "format/tcp_states.h"
#include "record/family.h"
#include "record/record.h"
#include "ebrec.skel.h"

static const struct family_prog tcp_progs[] = {
	FAMILY_PROG("sock:inet_sock_set_state", false, tcp_set_state),
	FAMILY_PROG("tcp:tcp_retransmit_skb", true, tcp_retransmit),
	FAMILY_PROG("tcp:tcp_send_reset", true, tcp_send_reset),
	FAMILY_PROG("tcp:tcp_receive_reset", true, tcp_receive_reset),
	/* -e tcp only: a syscall tracepoint taxes every system call (bpf/tcp.bpf.c) */
	FAMILY_PROG_NAMED("syscalls:sys_exit_accept4", true, tcp_accept4_exit),
	FAMILY_PROG_NAMED("syscalls:sys_exit_accept", true, tcp_accept_exit),
};

static const struct family_probe tcp_probes[] = {
	{ EBR_PROBE_TCP_STATE, "tcp/state" },
	{ EBR_PROBE_TCP_ACCEPT, "tcp/accept" },
	{ EBR_PROBE_TCP_RETRANS, "tcp/retrans" },
	{ EBR_PROBE_TCP_RESET, "tcp/reset" },
};

/* ------------------------------------------------------------ sockets open at start and end */

/* One socket sock_diag reported. */
struct diag_sock {
	struct tcp_common c;
	uint8_t laddr[16], raddr[16];
	uint64_t tx_bytes, rx_bytes, inode, uid;
	uint32_t owner;
	uint8_t origin; /* tcp.sock field origin */
	char comm[17];
};

struct diag_list {
	struct diag_sock *s;
	size_t len, cap;
};

/*
 * Sessions, not the time-wait leftovers of closed ones; and listeners, which say which
 * sessions were accepted (their local port listens) and which connected.
 */
#define DIAG_STATES                                                                        \
	((1u << EBR_TCP_ESTABLISHED) | (1u << EBR_TCP_SYN_SENT) | (1u << EBR_TCP_SYN_RECV) |   \
	 (1u << EBR_TCP_FIN_WAIT1) | (1u << EBR_TCP_FIN_WAIT2) | (1u << EBR_TCP_CLOSE_WAIT) |   \
	 (1u << EBR_TCP_LAST_ACK) | (1u << EBR_TCP_CLOSING) | (1u << EBR_TCP_LISTEN))

static int diag_add(struct diag_list *l, const struct inet_diag_msg *m, size_t len)
{
	const struct tcp_info *info = NULL;
	size_t attr_len = len - NLMSG_ALIGN(sizeof(*m));
	const struct rtattr *a = (const void *)((const char *)m + NLMSG_ALIGN(sizeof(*m)));
	struct diag_sock *d;

	if (l->len == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct diag_sock *s = realloc(l->s, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		l->s = s;
		l->cap = cap;
	}
	for (; RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len))
		if (a->rta_type == INET_DIAG_INFO &&
		    RTA_PAYLOAD(a) >= offsetof(struct tcp_info, tcpi_bytes_received) + 8)
			info = RTA_DATA(a);
	d = &l->s[l->len++];
	memset(d, 0, sizeof(*d));
	memcpy(d->laddr, m->id.idiag_src, 16);
	memcpy(d->raddr, m->id.idiag_dst, 16);
	d->c.family = m->idiag_family;
	d->c.cookie = m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32;
	d->c.lport = ntohs(m->id.idiag_sport);
	d->c.rport = ntohs(m->id.idiag_dport);
	d->c.state = m->idiag_state;
	d->inode = m->idiag_inode;
	d->uid = m->idiag_uid;
	if (info) {
		memcpy(&d->tx_bytes, &info->tcpi_bytes_acked, sizeof(d->tx_bytes));
		memcpy(&d->rx_bytes, &info->tcpi_bytes_received, sizeof(d->rx_bytes));
	}
	return 0;
}

/*
 * Every TCP session of one address family in this network namespace, read through buf.
 * -ENOMEM, or another negative errno when sock_diag failed.
 */
static int diag_dump(int fd, int family, struct diag_list *l, char *buf, size_t buflen)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 req;
	} q = {
		.nh = { .nlmsg_len = sizeof(q), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.req = { .sdiag_family = (uint8_t)family, .sdiag_protocol = IPPROTO_TCP,
			 .idiag_ext = 1u << (INET_DIAG_INFO - 1), .idiag_states = DIAG_STATES },
	};
	int err;

	if (send(fd, &q, sizeof(q), 0) != (ssize_t)sizeof(q))
		return errno ? -errno : -EIO;
	for (;;) {
		ssize_t n = recv(fd, buf, buflen, 0);
		size_t len = n > 0 ? (size_t)n : 0;

		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error < 0 ?
					       e->error : -EIO;
			}
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				continue;
			err = diag_add(l, NLMSG_DATA(h), h->nlmsg_len - NLMSG_LENGTH(0));
			if (err)
				return err;
		}
	}
}

/* The socket inode a /proc/PID/fd link names, or 0. */
static uint64_t fd_socket_inode(int dirfd, const char *name)
{
	char link[64];
	unsigned long long ino;
	ssize_t n = readlinkat(dirfd, name, link, sizeof(link) - 1);

	if (n <= 0)
		return 0;
	link[n] = 0;
	return sscanf(link, "socket:[%llu]", &ino) == 1 ? ino : 0;
}

static void read_comm(unsigned long pid, char comm[17])
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%lu/comm", pid);
	comm[0] = 0;
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, 17, f))
		comm[strcspn(comm, "\n")] = 0;
	fclose(f);
}

/*
 * The process holding each socket: the first found in /proc whose descriptors name the
 * socket's inode. One pass over every descriptor of every process: done twice a recording.
 */
static void diag_owners(struct diag_list *l)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;

	if (!proc)
		return;
	while ((de = readdir(proc))) {
		char *end, path[64];
		unsigned long pid = strtoul(de->d_name, &end, 10);
		struct dirent *fe;
		DIR *fds;

		if (*end || !pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%lu/fd", pid);
		fds = opendir(path);
		if (!fds)
			continue; /* gone, or a kernel thread */
		while ((fe = readdir(fds))) {
			uint64_t ino = fe->d_name[0] == '.' ? 0 : fd_socket_inode(dirfd(fds), fe->d_name);

			for (size_t i = 0; ino && i < l->len; i++)
				if (l->s[i].inode == ino && !l->s[i].owner) {
					l->s[i].owner = (uint32_t)pid;
					read_comm(pid, l->s[i].comm);
				}
		}
		closedir(fds);
	}
	closedir(proc);
}

/* Accepted if a listener of the same family has its local port (on its address or any). */
static void diag_origins(struct diag_list *l)
{
	static const uint8_t any[16];

	for (size_t i = 0; i < l->len; i++) {
		struct diag_sock *d = &l->s[i];

		if (d->c.state == EBR_TCP_LISTEN)
			continue;
		d->origin = EBR_TCP_ORIGIN_CONNECTED;
		for (size_t j = 0; j < l->len; j++) {
			const struct diag_sock *ls = &l->s[j];

			if (ls->c.state == EBR_TCP_LISTEN && ls->c.family == d->c.family &&
			    ls->c.lport == d->c.lport &&
			    (!memcmp(ls->laddr, d->laddr, 16) || !memcmp(ls->laddr, any, 16)))
				d->origin = EBR_TCP_ORIGIN_ACCEPTED;
		}
	}
}

/* tcp.sock events for the sessions open now: phase 0 at the start, 1 at the end. */
static int tcp_sessions_now(const struct family_env *env, uint64_t phase)
{
	const size_t buflen = 64 << 10;
	struct diag_list l = { 0 };
	uint64_t now = host_monotonic_ns();
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), err;
	char *buf;

	if (fd < 0) {
		fprintf(stderr, "ebrec record: tcp: no sock_diag (%s): sessions open at the %s "
				"are not listed\n", strerror(errno), phase ? "end" : "start");
		return 0;
	}
	buf = malloc(buflen);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	err = diag_dump(fd, AF_INET, &l, buf, buflen);
	err = err ?: diag_dump(fd, AF_INET6, &l, buf, buflen);
	free(buf);
	close(fd);
	if (err && err != -ENOMEM) {
		fprintf(stderr, "ebrec record: tcp: sock_diag failed (%s): sessions open at the %s "
				"are not listed\n", strerror(-err), phase ? "end" : "start");
		err = 0;
	}
	if (!err) {
		diag_origins(&l);
		diag_owners(&l);
	}
	for (size_t i = 0; i < l.len && !err; i++) {
		struct diag_sock *d = &l.s[i];
		struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };

		if (d->c.state == EBR_TCP_LISTEN)
			continue;
		d->c.pid = d->owner;
		d->c.comm = d->comm;
		d->c.laddr = d->laddr;
		d->c.raddr = d->raddr;
		tcp_common_values(v, &d->c);
		v[EBR_F_TCP_SOCK_PHASE].u = phase;
		v[EBR_F_TCP_SOCK_TX_BYTES].u = d->tx_bytes;
		v[EBR_F_TCP_SOCK_RX_BYTES].u = d->rx_bytes;
		v[EBR_F_TCP_SOCK_INODE].u = d->inode;
		v[EBR_F_TCP_SOCK_UID].u = d->uid;
		v[EBR_F_TCP_SOCK_ORIGIN].u = d->origin;
		err = errno_of_ebr(ebr_writer_event(env->writer, EBR_EV_TCP_SOCK, now, 0, v));
	}
	free(l.s);
	return err;
}

static int tcp_snapshot(const struct family_env *env)
{
	return tcp_sessions_now(env, EBR_TCP_PHASE_START);
}

static int tcp_finish(const struct family_env *env)
{
	return tcp_sessions_now(env, EBR_TCP_PHASE_END);
}

const struct family tcp_family = {
	.name = "tcp",
	.desc = "TCP sessions: every state change with byte counts, retransmits and resets; the "
		"sessions open at the start and the end; when -e names it, also accepts, with the "
		"process that accepted (-p is applied by the report: state changes run in other "
		"tasks' context)",
	.cost = "about 0.9 us per state change or retransmit: 0.03% of the machine under nginx "
		"(640 a second); -e tcp adds 1.3-1.5 us per accept and about 50 ns to every system "
		"call of every process (a syscall tracepoint)",
	.progs = tcp_progs,
	.nprogs = ARRAY_SIZE(tcp_progs),
	.probes = tcp_probes,
	.nprobes = ARRAY_SIZE(tcp_probes),
	.snapshot = tcp_snapshot,
	.finish = tcp_finish,
};
