// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TCP family's views, with the columns of bcc's (libbpf-tools') tcplife, tcpconnect,
 * tcpaccept, tcpconnlat, tcpretrans and tcpstates. One state for all of them: they differ
 * in which moments they list and how a row reads.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "format/array_size.h"
#include "analyze/grow.h"
#include "analyze/tcp.h"
#include "report/json_models.h"
#include "report/text.h"
#include "report/top_table.h"
#include "report/trace_file.h"
#include "report/view.h"
#include "format/mem.h"

struct tcp_view {
	struct tcpwatch w;
	struct report_out *out;
	const struct view_clock *clock;
	bool wide;      /* -w */
	bool all;       /* tcplife --all */
	bool counts;    /* tcpretrans -c */
	bool resets;    /* tcpretrans -R */
	double min_ms;  /* tcpconnlat's minimum */
	uint64_t retransmits, resets_sent, resets_received;
	/* tcplife's rows from the first whose owner may still set its title, in order */
	struct life_row *held;
	uint32_t nheld, held_cap, held_first;
};

/*
 * A tcplife row held until its owner exited (or the pass ends): a process's title is
 * recorded at its exit or at the end of the recording (proc.title), after the close that
 * makes the row, and says which worker served the session ("postgres: alice db
 * 127.0.0.1(57658) idle").
 */
struct life_row {
	uint32_t session;     /* index in the table's sessions (never removed) */
	uint32_t incarnation; /* its owner at the close (proctable_incarnation()); 0 unknown */
	uint64_t ts;
};

/* "ADDR:PORT", tcpretrans's columns */
static const char *endpoint_text(uint8_t ip, const uint8_t *addr, uint16_t port, char *buf,
				 size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s:%u", tcp_addr_text(ip, addr, a, sizeof(a)), port);
	return buf;
}

/* the time column, as every row view's (view.h) */
static void text_time(const struct tcp_view *s, uint64_t ts)
{
	view_time(s->clock, s->out, s->out->f, ts);
}

static void text_time_header(const struct tcp_view *s)
{
	view_time_head(s->clock, s->out->f);
}

/* The keys every TCP row has in JSON. */
static void json_ends(struct json *j, const struct tcp_ends *e)
{
	char buf[INET6_ADDRSTRLEN];

	json_u64(j, "ip", e->ip);
	json_str(j, "laddr", tcp_addr_text(e->ip, e->laddr, buf, sizeof(buf)));
	json_u64(j, "lport", e->lport);
	json_str(j, "raddr", tcp_addr_text(e->ip, e->raddr, buf, sizeof(buf)));
	json_u64(j, "rport", e->rport);
}

/* The keys every row begins with; owner: the process pid was then (NULL unknown). */
static void json_row_begin_of(struct tcp_view *s, uint64_t ts, uint32_t pid, const char *comm,
			      const struct proc_entry *owner)
{
	struct json *j = &s->out->json;

	json_object_begin(j, NULL);
	json_double(j, "time_s", trace_seconds(s->out->tf->r, ts), 6);
	json_u64(j, "pid", pid);
	json_str(j, "comm", comm);
	view_json_proc(s->out, owner);
}

static void json_row_begin(struct tcp_view *s, uint64_t ts, uint32_t pid, const char *comm)
{
	json_row_begin_of(s, ts, pid, comm, s->out->procs ? proctable_find(s->out->procs, pid)
							  : NULL);
}

static int addr_width(const struct tcp_view *s)
{
	return s->wide ? 39 : 15;
}

/* ------------------------------------------------------------ tcplife */

static const char *owner_name(uint8_t owner)
{
	static const char *const names[] = { "unknown", "close", "snapshot", "accept", "serve",
					     "connect" };

	return owner < ARRAY_SIZE(names) ? names[owner] : "unknown";
}

static const char *life_note(const struct tcp_session *ss)
{
	if (!ss->began_in_trace && !ss->closed)
		return "open throughout";
	if (!ss->began_in_trace)
		return "began before the recording";
	if (!ss->closed)
		return "open at the end";
	return "";
}

/* The owner of a row, as the process table knows it now; NULL unknown. */
static const struct proc_entry *life_owner(const struct tcp_view *s, uint32_t incarnation)
{
	const struct proctable *t = s->out->procs;

	return t && incarnation && incarnation <= t->len ? &t->entries[incarnation - 1] : NULL;
}

static int tcplife_row(struct tcp_view *s, const struct tcp_session *ss, uint64_t ts,
		       const struct proc_entry *owner)
{
	uint64_t end = ss->closed ? ss->end_ns : ts;
	double ms = end > ss->start_ns ? (double)(end - ss->start_ns) / 1e6 : 0;
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], comm[TEXT_COMM_SIZE], title[1024];

	if (s->out->summary || !tcp_filter_pass(&s->w.filter, &ss->ends, ss->pid, ss->comm))
		return 0; /* the summary's headline reads the table at the end */
	view_row_begin(s->out);
	if (view_row_json(s->out)) {
		struct json *j = &s->out->json;

		json_row_begin_of(s, end, ss->pid, ss->comm, owner);
		json_str(j, "owner", owner_name(ss->owner));
		if (ss->owner == TCP_OWNER_SERVE) {
			json_u64(j, "accept_pid", ss->accept_pid);
			json_str(j, "accept_comm", ss->accept_comm);
		}
		json_ends(j, &ss->ends);
		json_u64(j, "tx_bytes", ss->tx_bytes);
		json_u64(j, "rx_bytes", ss->rx_bytes);
		json_double(j, "duration_ms", ms, 3);
		json_double(j, "start_s", trace_seconds(s->out->tf->r, ss->start_ns), 6);
		json_bool(j, "began_before", !ss->began_in_trace);
		json_bool(j, "open_at_end", !ss->closed);
		json_u64(j, "retransmits", ss->retransmits);
		json_u64(j, "resets_sent", ss->resets_sent);
		json_u64(j, "resets_received", ss->resets_received);
		json_u64(j, "cookie", ss->cookie);
		json_object_end(j);
	}
	if (!view_row_text(s->out))
		return view_row_end(s->out);
	text_time(s, end);
	fprintf(s->out->f, "%-7u %-16s %-*s %-5u %-*s %-5u %-6.2f %-6.2f %-.2f", ss->pid,
		text_safe(ss->comm, comm, sizeof(comm)), addr_width(s),
		tcp_addr_text(ss->ends.ip, ss->ends.laddr, l, sizeof(l)), ss->ends.lport, addr_width(s),
		tcp_addr_text(ss->ends.ip, ss->ends.raddr, r, sizeof(r)), ss->ends.rport,
		(double)ss->tx_bytes / 1024, (double)ss->rx_bytes / 1024, ms);
	if (s->all && *life_note(ss))
		fprintf(s->out->f, " %s", life_note(ss));
	if (owner && owner->title) /* the title its owner set: which worker it was */
		fprintf(s->out->f, " [%s]", text_safe(owner->title, title, sizeof(title)));
	fputc('\n', s->out->f);
	return view_row_end(s->out);
}

/* Writes the held rows from the first, up to one whose owner still runs (all: every one). */
static int tcplife_flush(struct tcp_view *s, bool all)
{
	int err = 0;

	while (!err && s->held_first < s->nheld) {
		const struct life_row *h = &s->held[s->held_first];
		const struct proc_entry *owner = life_owner(s, h->incarnation);

		if (!all && owner && !owner->exited)
			break;
		s->held_first++;
		err = tcplife_row(s, &s->w.table.s[h->session], h->ts, owner);
	}
	if (s->held_first == s->nheld)
		s->held_first = s->nheld = 0;
	return err;
}

static int tcplife_event(void *ctx, const struct tcp_event *e)
{
	struct tcp_view *s = ctx;
	struct life_row *h;

	if (e->moment != TCP_MOMENT_STATE || e->state != EBR_TCP_CLOSE || !e->s ||
	    e->s->listener || (!e->s->began_in_trace && !s->all))
		return 0;
	if (s->out->summary || !tcp_filter_pass(&s->w.filter, &e->s->ends, e->s->pid, e->s->comm))
		return 0;
	h = grow_array(s->held, s->nheld, &s->held_cap, sizeof(*h));
	if (!h)
		return EBR_E_NOMEM;
	s->held = h;
	s->held[s->nheld++] = (struct life_row){
		(uint32_t)(e->s - s->w.table.s),
		s->out->procs ? proctable_incarnation(s->out->procs, e->s->pid) : 0, e->ts_ns
	};
	return tcplife_flush(s, false);
}

/* Every event: a process's exit lets the rows it owned be written, with its title. */
static int tcplife_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct tcp_view *s = self;
	int err = tcpwatch_on_event(&s->w, r, ev);

	if (!err && ev->type == EBR_EV_PROC_EXIT && s->held_first < s->nheld)
		err = tcplife_flush(s, false);
	return err;
}

static void tcplife_header(struct tcp_view *s)
{
	text_time_header(s);
	fprintf(s->out->f, "%-7s %-16s %-*s %-5s %-*s %-5s %-6s %-6s %s%s\n", "PID", "COMM",
		addr_width(s), "LADDR", "LPORT", addr_width(s), "RADDR", "RPORT", "TX_KB", "RX_KB",
		"MS", s->all ? " NOTE" : "");
}

/* --all: the sessions still open at the end, with their duration and bytes so far */
static void tcplife_end(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct tcp_view *s = vr->state;
	const struct tcptable *t = &s->w.table;

	tcplife_flush(s, true);
	for (uint32_t i = 0; s->all && i < t->len; i++)
		if (!t->s[i].closed && !t->s[i].listener)
			tcplife_row(s, &t->s[i], t->s[i].last_seen_ns,
				    out->procs ? proctable_find(out->procs, t->s[i].pid) : NULL);
	view_rows_finish(vr, out, ls);
}

#define TCPLIFE_TOP 3

static uint64_t session_bytes(const struct tcp_session *ss)
{
	return ss->tx_bytes + ss->rx_bytes;
}

/* The summary's: sessions seen, by whom, and the ones that moved the most bytes. */
static void tcplife_headline(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct tcp_view *s = vr->state;
	const struct tcptable *t = &s->w.table;
	const struct tcp_session *top[TCPLIFE_TOP] = { 0 };
	uint64_t sessions = 0, active = 0, bytes = 0;
	char l[INET6_ADDRSTRLEN + 8], r[INET6_ADDRSTRLEN + 8], comm[TEXT_COMM_SIZE], size[32];

	for (uint32_t i = 0; i < t->len; i++) {
		const struct tcp_session *ss = &t->s[i];

		if (ss->listener || !tcp_filter_pass(&s->w.filter, &ss->ends, ss->pid, ss->comm))
			continue;
		sessions++;
		active += ss->active;
		bytes += session_bytes(ss);
		for (int k = 0; k < TCPLIFE_TOP; k++) {
			if (top[k] && session_bytes(top[k]) >= session_bytes(ss))
				continue;
			memmove(&top[k + 1], &top[k], (TCPLIFE_TOP - 1 - k) * sizeof(top[0]));
			top[k] = ss;
			break;
		}
	}
	headline_begin(vr, out);
	if (out->format == FORMAT_JSON) {
		json_u64(&out->json, "sessions", sessions);
		json_u64(&out->json, "connected", active);
		json_u64(&out->json, "bytes", bytes);
		json_array_begin(&out->json, "top");
	} else {
		fprintf(out->f, "%" PRIu64 " TCP sessions (%" PRIu64 " connected from here), %s",
			sessions, active, text_bytes(bytes, size, sizeof(size)));
		if (top[0])
			fprintf(out->f, "; top talkers:");
	}
	for (int k = 0; k < TCPLIFE_TOP && top[k]; k++) {
		const struct tcp_session *ss = top[k];

		if (out->format == FORMAT_JSON) {
			json_object_begin(&out->json, NULL);
			json_u64(&out->json, "pid", ss->pid);
			json_str(&out->json, "comm", ss->comm);
			json_ends(&out->json, &ss->ends);
			json_u64(&out->json, "tx_bytes", ss->tx_bytes);
			json_u64(&out->json, "rx_bytes", ss->rx_bytes);
			json_object_end(&out->json);
			continue;
		}
		fprintf(out->f, "%s %s (%u) %s -> %s %s", k ? "," : "",
			text_safe(ss->comm, comm, sizeof(comm)), ss->pid,
			endpoint_text(ss->ends.ip, ss->ends.laddr, ss->ends.lport, l, sizeof(l)),
			endpoint_text(ss->ends.ip, ss->ends.raddr, ss->ends.rport, r, sizeof(r)),
			text_bytes(session_bytes(ss), size, sizeof(size)));
	}
	if (out->format == FORMAT_JSON)
		json_array_end(&out->json);
	headline_end(vr, out);
}

/* ------------------------------------------------------------ tcpconnect, tcpconnlat */

static int connect_row(struct tcp_view *s, const struct tcp_event *e, const struct tcp_session *ss,
		       double lat_ms, bool latency)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], comm[TEXT_COMM_SIZE];

	view_row_begin(s->out);
	if (view_row_json(s->out)) {
		struct json *j = &s->out->json;

		json_row_begin(s, e->ts_ns, ss->pid, ss->comm);
		json_ends(j, &ss->ends);
		if (latency)
			json_double(j, "lat_ms", lat_ms, 3);
		json_object_end(j);
	}
	if (!view_row_text(s->out))
		return view_row_end(s->out);
	text_time(s, e->ts_ns);
	fprintf(s->out->f, "%-7u %-16s %-2u %-*s %-*s %-5u", ss->pid,
		text_safe(ss->comm, comm, sizeof(comm)), ss->ends.ip, addr_width(s),
		tcp_addr_text(ss->ends.ip, ss->ends.laddr, l, sizeof(l)), addr_width(s),
		tcp_addr_text(ss->ends.ip, ss->ends.raddr, r, sizeof(r)), ss->ends.rport);
	if (latency)
		fprintf(s->out->f, " %.2f", lat_ms);
	fputc('\n', s->out->f);
	return view_row_end(s->out);
}

static int tcpconnect_event(void *ctx, const struct tcp_event *e)
{
	struct tcp_view *s = ctx;

	if (e->moment != TCP_MOMENT_STATE || e->state != EBR_TCP_SYN_SENT || !e->s ||
	    !e->s->active || !tcp_filter_pass(&s->w.filter, &e->s->ends, e->s->pid, e->s->comm))
		return 0;
	return connect_row(s, e, e->s, 0, false);
}

static int tcpconnlat_event(void *ctx, const struct tcp_event *e)
{
	struct tcp_view *s = ctx;
	double ms;

	if (e->moment != TCP_MOMENT_STATE || e->state != EBR_TCP_ESTABLISHED ||
	    e->oldstate != EBR_TCP_SYN_SENT || !e->s || !e->s->active || !e->s->syn_sent_ns ||
	    !tcp_filter_pass(&s->w.filter, &e->s->ends, e->s->pid, e->s->comm))
		return 0;
	ms = (double)(e->ts_ns - e->s->syn_sent_ns) / 1e6;
	return ms < s->min_ms ? 0 : connect_row(s, e, e->s, ms, true);
}

static void connect_header(struct tcp_view *s, bool latency)
{
	text_time_header(s);
	fprintf(s->out->f, "%-7s %-16s %-2s %-*s %-*s %-5s%s\n", "PID", "COMM", "IP",
		addr_width(s), "SADDR", addr_width(s), "DADDR", "DPORT",
		latency ? " LAT(ms)" : "");
}

/* ------------------------------------------------------------ tcpaccept */

static int tcpaccept_event(void *ctx, const struct tcp_event *e)
{
	struct tcp_view *s = ctx;
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], comm[TEXT_COMM_SIZE];

	if (e->moment != TCP_MOMENT_ACCEPT || !tcp_filter_pass(&s->w.filter, &e->ends, e->pid, e->comm))
		return 0;
	view_row_begin(s->out);
	if (view_row_json(s->out)) {
		json_row_begin(s, e->ts_ns, e->pid, e->comm);
		json_ends(&s->out->json, &e->ends);
		json_object_end(&s->out->json);
	}
	if (!view_row_text(s->out))
		return view_row_end(s->out);
	text_time(s, e->ts_ns);
	fprintf(s->out->f, "%-7u %-16s %-2u %-*s %-5u %-*s %-5u\n", e->pid,
		text_safe(e->comm, comm, sizeof(comm)), e->ends.ip, addr_width(s),
		tcp_addr_text(e->ends.ip, e->ends.raddr, r, sizeof(r)), e->ends.rport, addr_width(s),
		tcp_addr_text(e->ends.ip, e->ends.laddr, l, sizeof(l)), e->ends.lport);
	return view_row_end(s->out);
}

/* ------------------------------------------------------------ tcpretrans */

/* T column: R retransmit, S reset sent, K reset received (the socket was killed) */
static char retrans_type(const struct tcp_event *e)
{
	return e->moment == TCP_MOMENT_RETRANS ? 'R' : e->direction == EBR_TCP_RESET_SENT ? 'S' : 'K';
}

static int tcpretrans_event(void *ctx, const struct tcp_event *e)
{
	struct tcp_view *s = ctx;
	/* the owner, not the current task: retransmit timers run in softirq */
	uint32_t pid = e->s ? e->s->pid : 0;
	char l[INET6_ADDRSTRLEN + 8], r[INET6_ADDRSTRLEN + 8];
	const char *comm = e->s ? e->s->comm : "";

	if ((e->moment != TCP_MOMENT_RETRANS && e->moment != TCP_MOMENT_RESET) ||
	    !tcp_filter_pass(&s->w.filter, &e->ends, pid, comm))
		return 0;
	if (e->moment == TCP_MOMENT_RETRANS)
		s->retransmits++;
	else if (e->direction == EBR_TCP_RESET_SENT)
		s->resets_sent++;
	else
		s->resets_received++;
	if (s->out->summary || s->counts || (e->moment == TCP_MOMENT_RESET && !s->resets))
		return 0;
	view_row_begin(s->out);
	if (view_row_json(s->out)) {
		struct json *j = &s->out->json;
		char type[2] = { retrans_type(e), 0 };

		json_row_begin(s, e->ts_ns, pid, comm);
		json_str(j, "type", type);
		json_ends(j, &e->ends);
		json_str(j, "state", e->state ? tcp_state_name(e->state) : "");
		json_object_end(j);
	}
	if (!view_row_text(s->out))
		return view_row_end(s->out);
	text_time(s, e->ts_ns);
	fprintf(s->out->f, "%-7u %-2u %-*s %c> %-*s %s\n", pid, e->ends.ip,
		s->wide ? 45 : 20, endpoint_text(e->ends.ip, e->ends.laddr, e->ends.lport, l, sizeof(l)),
		retrans_type(e), s->wide ? 45 : 20,
		endpoint_text(e->ends.ip, e->ends.raddr, e->ends.rport, r, sizeof(r)),
		e->state ? tcp_state_name(e->state) : "-");
	return view_row_end(s->out);
}

static int cmp_retrans_desc(const void *a, const void *b)
{
	const struct tcp_session *x = *(const struct tcp_session *const *)a;
	const struct tcp_session *y = *(const struct tcp_session *const *)b;

	return (x->retransmits < y->retransmits) - (x->retransmits > y->retransmits);
}

/* -c: retransmits per connection, most first */
static void tcpretrans_counts(struct tcp_view *s)
{
	const struct tcptable *t = &s->w.table;
	const struct tcp_session **v = ebr_calloc(t->len ? t->len : 1, sizeof(*v));
	char l[INET6_ADDRSTRLEN + 8], r[INET6_ADDRSTRLEN + 8];
	uint32_t n = 0;

	if (!v)
		return;
	for (uint32_t i = 0; i < t->len; i++)
		if (t->s[i].retransmits && tcp_filter_pass(&s->w.filter, &t->s[i].ends, t->s[i].pid,
						       t->s[i].comm))
			v[n++] = &t->s[i];
	qsort(v, n, sizeof(*v), cmp_retrans_desc);
	for (uint32_t i = 0; i < n; i++) {
		const struct tcp_ends *e = &v[i]->ends;

		view_row_begin(s->out);
		if (view_row_json(s->out)) {
			json_object_begin(&s->out->json, NULL);
			json_u64(&s->out->json, "pid", v[i]->pid);
			json_str(&s->out->json, "comm", v[i]->comm);
			json_ends(&s->out->json, e);
			json_u64(&s->out->json, "retransmits", v[i]->retransmits);
			json_object_end(&s->out->json);
		}
		if (view_row_text(s->out))
			fprintf(s->out->f, "%-25s <-> %-25s %10u\n",
				endpoint_text(e->ip, e->laddr, e->lport, l, sizeof(l)),
				endpoint_text(e->ip, e->raddr, e->rport, r, sizeof(r)),
				v[i]->retransmits);
		if (view_row_end(s->out))
			break;
	}
	ebr_free(v);
}

static void tcpretrans_headline(struct view_run *vr, struct report_out *out,
				const struct losses *ls)
{
	struct tcp_view *s = vr->state;

	headline_begin(vr, out);
	headline_count(out, "retransmits", s->retransmits, "%" PRIu64 " retransmits");
	headline_count(out, "resets_sent", s->resets_sent, ", %" PRIu64 " resets sent");
	headline_count(out, "resets_received", s->resets_received, ", %" PRIu64 " received");
	headline_end(vr, out);
}

static void tcpretrans_end(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct tcp_view *s = vr->state;

	if (s->counts)
		tcpretrans_counts(s);
	view_rows_finish(vr, out, ls);
}

static void tcpretrans_json_tail(struct view_run *vr, struct json *j)
{
	const struct tcp_view *s = vr->state;

	json_u64(j, "retransmits", s->retransmits);
	json_u64(j, "resets_sent", s->resets_sent);
	json_u64(j, "resets_received", s->resets_received);
}

static void tcpretrans_text_tail(struct view_run *vr, FILE *f)
{
	const struct tcp_view *s = vr->state;

	fprintf(f, "%llu retransmits, %llu resets sent, %llu resets received\n\n",
		(unsigned long long)s->retransmits, (unsigned long long)s->resets_sent,
		(unsigned long long)s->resets_received);
}

/* ------------------------------------------------------------ tcpaccept */

/* Accepts are seen at accept's return, a system call the default does not trace. */
static bool accepts_recorded(struct view_run *vr)
{
	return trace_tracepoint_recorded(vr->out->tf->r, "tcp", "syscalls:sys_exit_accept4");
}

static void tcpaccept_json_tail(struct view_run *vr, struct json *j)
{
	json_bool(j, "recorded_accepts", accepts_recorded(vr));
}

static void tcpaccept_text_tail(struct view_run *vr, FILE *f)
{
	if (!accepts_recorded(vr))
		fprintf(f, "note: recorded without '-e tcp': accepts were not traced (at accept's "
			   "return, a system call the default does not trace); tcplife names a "
			   "passive session's process from its close; record with '-e tcp' to see "
			   "them\n");
}

/* ------------------------------------------------------------ tcpstates */

static int tcpstates_event(void *ctx, const struct tcp_event *e)
{
	struct tcp_view *s = ctx;
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], comm[TEXT_COMM_SIZE];

	if (e->moment != TCP_MOMENT_STATE || !tcp_filter_pass(&s->w.filter, &e->ends, e->pid, e->comm))
		return 0;
	view_row_begin(s->out);
	if (view_row_json(s->out)) {
		struct json *j = &s->out->json;

		json_row_begin(s, e->ts_ns, e->pid, e->comm);
		json_u64(j, "skaddr", e->skaddr);
		json_u64(j, "cookie", e->s ? e->s->cookie : 0);
		json_ends(j, &e->ends);
		json_str(j, "oldstate", tcp_state_name(e->oldstate));
		json_str(j, "newstate", tcp_state_name(e->state));
		json_double(j, "ms", (double)e->in_old_state_ns / 1e6, 3);
		json_u64(j, "owner_pid", e->s ? e->s->pid : 0);
		json_object_end(j);
	}
	if (!view_row_text(s->out))
		return view_row_end(s->out);
	text_time(s, e->ts_ns);
	/* -w: as libbpf-tools' tcpstates -w, a 16-byte COMM and the IP version */
	fprintf(s->out->f, "%016llx %-7u %-*.*s ", (unsigned long long)e->skaddr, e->pid,
		s->wide ? 16 : 10, s->wide ? 16 : 10, text_safe(e->comm, comm, sizeof(comm)));
	if (s->wide)
		fprintf(s->out->f, "%-2u ", e->ends.ip);
	fprintf(s->out->f, "%-*s %-5u %-*s %-5u %-11s -> %-11s %.3f\n",
		addr_width(s), tcp_addr_text(e->ends.ip, e->ends.laddr, l, sizeof(l)), e->ends.lport,
		addr_width(s), tcp_addr_text(e->ends.ip, e->ends.raddr, r, sizeof(r)), e->ends.rport,
		tcp_state_name(e->oldstate), tcp_state_name(e->state),
		(double)e->in_old_state_ns / 1e6);
	return view_row_end(s->out);
}

/* ------------------------------------------------------------ options and framing */

static int parse_port(const char *s, int64_t *out)
{
	int64_t v;

	if (view_parse_id(s, &v) || v > 65535)
		return -1;
	*out = v;
	return 0;
}

enum { OPT_ALL = 256 };

/*
 * The options of one TCP view: opts lists the short ones it takes, from 46 L: D: P: t T w c
 * R; -P is the remote port when p_remote (tcpconnect's DPORT), else the local one
 * (tcpaccept's). -p and --comm are report's own, applied to the session's owner.
 */
static int tcp_parse(struct view_run *vr, int argc, char **argv, const char *opts,
		     bool p_remote, int (*on_event)(void *, const struct tcp_event *))
{
	static const struct option longopts[] = { { "all", no_argument, NULL, OPT_ALL },
						  { NULL, 0, NULL, 0 } };
	struct tcp_view *s = ebr_calloc(1, sizeof(*s));
	char *end;
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	vr->an = (struct analyzer){ tcpwatch_on_event, &s->w, TCPWATCH_TYPES };
	s->w.on_event = on_event;
	s->w.ctx = s;
	s->w.filter = (struct tcp_filter){ .lport = -1, .rport = -1, .who = *vr->who };
	s->clock = &vr->clock;
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, opts, !strcmp(vr->view->name, "tcplife") ? longopts
										       : longopts + 1)) != -1) {
		switch (c) {
		case '4':
		case '6':
			s->w.filter.ip = (uint8_t)(c - '0');
			break;
		case 'L':
		case 'D':
		case 'P':
			if (parse_port(optarg, c == 'D' || (c == 'P' && p_remote) ? &s->w.filter.rport
										   : &s->w.filter.lport))
				return view_usage_error(vr->view, "a port is 0 to 65535, not", optarg);
			break;
		case 't':
			break; /* bcc's: seconds from the start, every row view's time column */
		case 'w':
			s->wide = true;
			break;
		case 'c':
			s->counts = true;
			break;
		case 'R':
			s->resets = true;
			break;
		case OPT_ALL:
			s->all = true;
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	if (optind < argc && !strcmp(vr->view->name, "tcpconnlat")) {
		s->min_ms = strtod(argv[optind], &end);
		if (*end || end == argv[optind] || !(s->min_ms >= 0))
			return view_usage_error(vr->view, "the minimum is milliseconds, not",
						argv[optind]);
		optind++;
	}
	return view_opts_end(vr->view, argc, argv);
}

static int tcplife_setup(struct view_run *vr, int argc, char **argv)
{
	int err = tcp_parse(vr, argc, argv, "46L:D:tTw", false, tcplife_event);

	if (vr->state)
		vr->an = (struct analyzer){ tcplife_on_event, vr->state,
					   TCPWATCH_TYPES | EBR_TYPE(EBR_EV_PROC_EXIT) };
	return err;
}

static int tcpconnect_setup(struct view_run *vr, int argc, char **argv)
{
	return tcp_parse(vr, argc, argv, "46P:tTw", true, tcpconnect_event);
}

static int tcpconnlat_setup(struct view_run *vr, int argc, char **argv)
{
	return tcp_parse(vr, argc, argv, "46tTw", false, tcpconnlat_event);
}

static int tcpaccept_setup(struct view_run *vr, int argc, char **argv)
{
	return tcp_parse(vr, argc, argv, "46P:tTw", false, tcpaccept_event);
}

static int tcpretrans_setup(struct view_run *vr, int argc, char **argv)
{
	return tcp_parse(vr, argc, argv, "46L:D:cRTw", false, tcpretrans_event);
}

static int tcpstates_setup(struct view_run *vr, int argc, char **argv)
{
	return tcp_parse(vr, argc, argv, "46L:D:tTw", false, tcpstates_event);
}

static void tcp_begin(struct view_run *vr, struct report_out *out)
{
	struct tcp_view *s = vr->state;
	const char *name = vr->view->name;

	if (view_rows_begin(vr, out, &s->out) == ROW_SINK_TALLY || out->format == FORMAT_JSON)
		return;
	if (!strcmp(name, "tcplife")) {
		tcplife_header(s);
	} else if (!strcmp(name, "tcpconnect") || !strcmp(name, "tcpconnlat")) {
		connect_header(s, name[7] == 'l');
	} else if (!strcmp(name, "tcpaccept")) {
		text_time_header(s);
		fprintf(out->f, "%-7s %-16s %-2s %-*s %-5s %-*s %-5s\n", "PID", "COMM", "IP",
			addr_width(s), "RADDR", "RPORT", addr_width(s), "LADDR", "LPORT");
	} else if (!strcmp(name, "tcpretrans")) {
		if (s->counts)
			fprintf(out->f, "%-25s     %-25s %10s\n", "LADDR:LPORT", "RADDR:RPORT",
				"RETRANSMITS");
		else
		{
			text_time_header(s);
			fprintf(out->f, "%-7s %-2s %-*s T> %-*s %s\n", "PID", "IP",
				s->wide ? 45 : 20, "LADDR:LPORT", s->wide ? 45 : 20, "RADDR:RPORT",
				"STATE");
		}
	} else {
		text_time_header(s);
		fprintf(out->f, "%-16s %-7s %-*s ", "SKADDR", "C-PID", s->wide ? 16 : 10, "C-COMM");
		if (s->wide)
			fprintf(out->f, "%-2s ", "IP");
		fprintf(out->f, "%-*s %-5s %-*s %-5s %-11s -> %-11s %s\n", addr_width(s), "LADDR",
			"LPORT", addr_width(s), "RADDR", "RPORT", "OLDSTATE", "NEWSTATE", "MS");
	}
}

static void tcp_release(struct view_run *vr)
{
	struct tcp_view *s = vr->state;

	if (s) {
		tcptable_release(&s->w.table);
		ebr_free(s->held);
	}
	view_free_state(vr);
}

const struct view view_tcplife = {
	.name = "tcplife",
	.family = "tcp",
	.kind = VIEW_LISTING,
	.html_args = "--all",
	.summary = "TCP sessions with owner, bytes each way and duration, at their close",
	.usage = "-4 -6 -L PORT (local) -D PORT (remote) -t (seconds: the default) -w (wide) "
		 "--all (also sessions open at the start or the end, marked) " VIEW_CLOCK_USAGE
		 VIEW_ROWS_USAGE,
	.sort_keys = "duration_ms tx_bytes rx_bytes retransmits time_s start_s pid comm raddr "
		     "rport lport",
	.setup = tcplife_setup,
	.begin = tcp_begin,
	.end = tcplife_end,
	.release = tcp_release,
	.headline = tcplife_headline,
};

const struct view view_tcpconnect = {
	.name = "tcpconnect",
	.family = "tcp",
	.kind = VIEW_LISTING,
	.html_args = "",
	.summary = "every active TCP connect, successful or not",
	.usage = "-4 -6 -P PORT (destination) -t (seconds: the default) -w (wide) "
		 VIEW_CLOCK_USAGE VIEW_ROWS_USAGE,
	.sort_keys = "time_s pid comm raddr rport",
	.setup = tcpconnect_setup,
	.begin = tcp_begin,
	.end = view_rows_finish,
	.release = tcp_release,
};

const struct view view_tcpconnlat = {
	.name = "tcpconnlat",
	.family = "tcp",
	.kind = VIEW_LISTING,
	.summary = "TCP connect latency: SYN sent to established",
	.usage = "-4 -6 -t (seconds: the default) -w (wide) [MIN_MS] " VIEW_CLOCK_USAGE
		 VIEW_ROWS_USAGE,
	.sort_keys = "lat_ms time_s pid comm raddr rport",
	.setup = tcpconnlat_setup,
	.begin = tcp_begin,
	.end = view_rows_finish,
	.release = tcp_release,
};

const struct view view_tcpaccept = {
	.name = "tcpaccept",
	.family = "tcp",
	.kind = VIEW_LISTING,
	.html_args = "",
	.summary = "every TCP connection accepted, by the accepting process",
	.usage = "-4 -6 -P PORT (local) -t (seconds: the default) -w (wide) " VIEW_CLOCK_USAGE
		 VIEW_ROWS_USAGE,
	.sort_keys = "time_s pid comm raddr lport",
	.setup = tcpaccept_setup,
	.begin = tcp_begin,
	.end = view_rows_finish,
	.release = tcp_release,
	.json_tail = tcpaccept_json_tail,
	.text_tail = tcpaccept_text_tail,
};

const struct view view_tcpretrans = {
	.name = "tcpretrans",
	.family = "tcp",
	.kind = VIEW_LISTING,
	.html_args = "",
	.summary = "TCP retransmits (and resets) with addresses, state and the owning process",
	.usage = "-4 -6 -L PORT -D PORT -c (count per connection) "
		 "-R (resets too: T is S sent, K received) -w (wide) " VIEW_CLOCK_USAGE
		 VIEW_ROWS_USAGE,
	.sort_keys = "retransmits time_s pid comm raddr rport state",
	.setup = tcpretrans_setup,
	.begin = tcp_begin,
	.end = tcpretrans_end,
	.json_tail = tcpretrans_json_tail,
	.text_tail = tcpretrans_text_tail,
	.release = tcp_release,
	.headline = tcpretrans_headline,
};

const struct view view_tcpstates = {
	.name = "tcpstates",
	.family = "tcp",
	.kind = VIEW_LISTING,
	.summary = "every TCP state change and the time spent in the old state",
	.usage = "-4 -6 -L PORT -D PORT -t (seconds: the default) -w (wide) " VIEW_CLOCK_USAGE
		 VIEW_ROWS_USAGE,
	.sort_keys = "ms time_s pid comm newstate oldstate rport lport",
	.setup = tcpstates_setup,
	.begin = tcp_begin,
	.end = view_rows_finish,
	.release = tcp_release,
};

/* ------------------------------------------------------------ tcptop */

static const struct top_column tcptop_cols[] = {
	{ "RX_KB", "rx", "rx_bytes", TCPTOP_RX, TOP_KB, 0 },
	{ "TX_KB", "tx", "tx_bytes", TCPTOP_TX, TOP_KB, 0 },
	{ "ALL_KB", "all", "bytes", TCPTOP_BYTES, TOP_KB, 0 },
};

static const struct top_table tcptop_table = {
	.kind = TOP_TCP,
	.cols = tcptop_cols,
	.ncols = ARRAY_SIZE(tcptop_cols),
	.sort = 2,
	.pid = true,
	.name_head = "LADDR:LPORT RADDR:RPORT",
	.name_key = "session",
	.nothing = "no TCP bytes in this trace",
};

static int tcptop_setup(struct view_run *vr, int argc, char **argv)
{
	return top_view_setup(vr, argc, argv, &tcptop_table);
}

const struct view view_tcptop = {
	.name = "tcptop",
	.family = "tcp",
	.kind = VIEW_TABLE,
	.html_args = "", /* the first 20 rows, bcc's default */
	.summary = "TCP sessions (or processes) by bytes received and sent",
	.usage = "-s KEY (sort by rx, tx or all; default all) --by-process (a row a process) "
		 TOP_VIEW_USAGE,
	.setup = tcptop_setup,
	.begin = top_view_begin,
	.end = top_view_end,
	.json_tail = top_view_json_tail,
	.release = top_view_release,
};
