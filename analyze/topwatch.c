// SPDX-License-Identifier: GPL-2.0-only
/* The top views' analyzers: which row each event adds to, and what (top.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/block.h"
#include "analyze/pass.h"
#include "analyze/top.h"
#include "format/mem.h"

static const char *str_of(const struct ebr_value *v)
{
	return v->s ? v->s : "";
}

static int bio_event(struct topwatch *w, const struct ebr_reader *r, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint64_t add[TOP_VALUES] = { 0 }, pid, op;
	const char *comm;
	char disk[32];

	if (ev->type != EBR_EV_BLOCK_RQ)
		return 0;
	pid = v[EBR_F_BLOCK_RQ_PID].u;
	comm = str_of(&v[EBR_F_BLOCK_RQ_COMM]);
	op = v[EBR_F_BLOCK_RQ_FLAGS].u & EBR_BIO_OP_MASK;
	if (!proc_filter_match(&w->who, pid, comm))
		return 0;
	block_disk_name(r, v[EBR_F_BLOCK_RQ_DEV].u, disk, sizeof(disk));
	add[BIOTOP_IOS] = 1;
	add[BIOTOP_BYTES] = v[EBR_F_BLOCK_RQ_BYTES].u;
	add[BIOTOP_LAT_NS] = v[EBR_F_BLOCK_RQ_LAT_NS].u;
	add[BIOTOP_READS] = op == EBR_BIO_OP_READ;
	add[BIOTOP_WRITES] = op == EBR_BIO_OP_WRITE;
	return top_add(&w->t, ev->ts, (uint32_t)pid, comm, disk, add);
}

static int open_event(struct topwatch *w, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint64_t add[TOP_VALUES] = { 0 };
	uint32_t pid = (uint32_t)v[EBR_F_FILE_OPEN_PID].u;
	const char *comm = str_of(&v[EBR_F_FILE_OPEN_COMM]), *path;

	if (!proc_filter_match(&w->who, pid, comm))
		return 0;
	path = w->procs ? proctable_abspath(w->procs, pid, ebr_value_s64(&v[EBR_F_FILE_OPEN_DIRFD]),
					    str_of(&v[EBR_F_FILE_OPEN_PATH]), w->path,
					    sizeof(w->path))
			: str_of(&v[EBR_F_FILE_OPEN_PATH]);
	if (w->kind == TOP_OPEN) {
		add[OPENTOP_OPENS] = 1;
		add[OPENTOP_FAILED] = ebr_value_s64(&v[EBR_F_FILE_OPEN_RET]) < 0;
		return top_add(&w->t, ev->ts, 0, comm, path, add);
	}
	/* filetop names a file by its last component, as file.slow and bcc's filetop do */
	if (strrchr(path, '/') && strrchr(path, '/')[1])
		path = strrchr(path, '/') + 1;
	add[FILETOP_OPENS] = 1;
	return top_add(&w->t, ev->ts, pid, comm, path, add);
}

static int slow_event(struct topwatch *w, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint64_t add[TOP_VALUES] = { 0 };
	uint32_t pid = (uint32_t)v[EBR_F_FILE_SLOW_PID].u;
	const char *comm = str_of(&v[EBR_F_FILE_SLOW_COMM]);
	int64_t bytes = ebr_value_s64(&v[EBR_F_FILE_SLOW_RET]);
	uint64_t op = v[EBR_F_FILE_SLOW_OP].u;

	if ((op != 'R' && op != 'W') || !proc_filter_match(&w->who, pid, comm))
		return 0;
	add[op == 'R' ? FILETOP_READS : FILETOP_WRITES] = 1;
	add[op == 'R' ? FILETOP_RBYTES : FILETOP_WBYTES] = bytes > 0 ? (uint64_t)bytes : 0;
	add[FILETOP_OPS] = 1;
	return top_add(&w->t, ev->ts, pid, comm, str_of(&v[EBR_F_FILE_SLOW_NAME]), add);
}

static void endpoint(const struct tcp_ends *e, bool local, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(e->ip == 6 ? AF_INET6 : AF_INET, local ? e->laddr : e->raddr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s:%u", a, local ? e->lport : e->rport);
}

/* tcpwatch's callback: the bytes a session reported since it last did, to its row */
static int tcp_event(void *ctx, const struct tcp_event *e)
{
	struct topwatch *w = ctx;
	const struct tcp_session *s = e->s;
	uint64_t add[TOP_VALUES] = { 0 }, *done;
	uint32_t i;
	char name[2 * (INET6_ADDRSTRLEN + 8)], l[INET6_ADDRSTRLEN + 8], rem[INET6_ADDRSTRLEN + 8];

	if (!s || s->listener || !tcp_filter_pass(&w->tcp.filter, &s->ends, s->pid, s->comm))
		return 0;
	i = (uint32_t)(s - w->tcp.table.s);
	if (i >= w->ncounted) {
		uint32_t n = w->tcp.table.cap > i ? w->tcp.table.cap : i + 1;
		uint64_t (*c)[2] = ebr_realloc(w->counted, n * sizeof(*c));

		if (!c)
			return EBR_E_NOMEM;
		memset(c + w->ncounted, 0, (n - w->ncounted) * sizeof(*c));
		w->counted = c;
		w->ncounted = n;
	}
	done = w->counted[i];
	if (s->tx_bytes <= done[0] && s->rx_bytes <= done[1])
		return 0;
	add[TCPTOP_TX] = s->tx_bytes > done[0] ? s->tx_bytes - done[0] : 0;
	add[TCPTOP_RX] = s->rx_bytes > done[1] ? s->rx_bytes - done[1] : 0;
	add[TCPTOP_BYTES] = add[TCPTOP_TX] + add[TCPTOP_RX];
	done[0] = s->tx_bytes > done[0] ? s->tx_bytes : done[0];
	done[1] = s->rx_bytes > done[1] ? s->rx_bytes : done[1];
	name[0] = 0;
	if (!w->by_process) {
		endpoint(&s->ends, true, l, sizeof(l));
		endpoint(&s->ends, false, rem, sizeof(rem));
		snprintf(name, sizeof(name), "%s %s", l, rem);
	}
	return top_add(&w->t, e->ts_ns, s->pid, s->comm, name, add);
}

static int sched_event(struct topwatch *w, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint64_t add[TOP_VALUES] = { 0 }, flags = v[EBR_F_SCHED_SWITCH_FLAGS].u;
	uint64_t prev = v[EBR_F_SCHED_SWITCH_PREV_PID].u, next = v[EBR_F_SCHED_SWITCH_NEXT_PID].u;
	const char *pcomm = str_of(&v[EBR_F_SCHED_SWITCH_PREV_COMM]);
	const char *ncomm = str_of(&v[EBR_F_SCHED_SWITCH_NEXT_COMM]);
	int err = 0;

	/* the idle task (tid 0) is no process */
	if (v[EBR_F_SCHED_SWITCH_PREV_TID].u && (flags & EBR_SCHED_ONCPU) &&
	    proc_filter_match(&w->who, prev, pcomm)) {
		add[PROCTOP_CPU_NS] = v[EBR_F_SCHED_SWITCH_ONCPU_NS].u;
		err = top_add(&w->t, ev->ts, (uint32_t)prev, pcomm, "", add);
		add[PROCTOP_CPU_NS] = 0;
	}
	if (err || !v[EBR_F_SCHED_SWITCH_NEXT_TID].u || !proc_filter_match(&w->who, next, ncomm))
		return err;
	add[PROCTOP_SWITCHES] = 1;
	if (flags & EBR_SCHED_RUNQ)
		add[PROCTOP_RUNQ_NS] = v[EBR_F_SCHED_SWITCH_RUNQ_NS].u;
	if (flags & EBR_SCHED_OFFCPU)
		add[PROCTOP_OFFCPU_NS] = v[EBR_F_SCHED_SWITCH_OFFCPU_NS].u;
	return top_add(&w->t, ev->ts, (uint32_t)next, ncomm, "", add);
}

static int sample_event(struct topwatch *w, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint64_t add[TOP_VALUES] = { 0 }, pid = v[EBR_F_PROFILE_SAMPLE_PID].u;
	const char *comm = str_of(&v[EBR_F_PROFILE_SAMPLE_COMM]);

	if (!v[EBR_F_PROFILE_SAMPLE_TID].u || !proc_filter_match(&w->who, pid, comm))
		return 0;
	add[PROCTOP_SAMPLES] = 1;
	return top_add(&w->t, ev->ts, (uint32_t)pid, comm, "", add);
}

void topwatch_init(struct topwatch *w)
{
	w->tcp.on_event = tcp_event;
	w->tcp.ctx = w;
	w->tcp.filter = (struct tcp_filter){ .lport = -1, .rport = -1, .who = w->who };
}

int topwatch_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct topwatch *w = self;

	if (!w->t.origin_ns)
		w->t.origin_ns = trace_start_ns(r) ? trace_start_ns(r) : ev->ts;
	switch (w->kind) {
	case TOP_BIO:
		return bio_event(w, r, ev);
	case TOP_OPEN:
		return ev->type == EBR_EV_FILE_OPEN ? open_event(w, ev) : 0;
	case TOP_FILE:
		return ev->type == EBR_EV_FILE_OPEN ? open_event(w, ev)
		       : ev->type == EBR_EV_FILE_SLOW ? slow_event(w, ev) : 0;
	case TOP_TCP:
		return tcpwatch_on_event(&w->tcp, r, ev);
	case TOP_PROC:
		return ev->type == EBR_EV_SCHED_SWITCH	 ? sched_event(w, ev)
		       : ev->type == EBR_EV_PROFILE_SAMPLE ? sample_event(w, ev) : 0;
	}
	return 0;
}

void topwatch_release(struct topwatch *w)
{
	top_release(&w->t);
	tcptable_release(&w->tcp.table);
	ebr_free(w->counted);
	w->counted = NULL;
	w->ncounted = 0;
}
