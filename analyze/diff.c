// SPDX-License-Identifier: GPL-2.0-only
/* ebrec diff's model: analyze/diff.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/diff.h"
#include "analyze/grow.h"
#include "format/mem.h"

const struct diff_measure diff_hists[DIFF_HISTS] = {
	[DIFF_BIOLATENCY] = { "biolatency", "block", "block I/O latency", "usecs" },
	[DIFF_RUNQLAT] = { "runqlat", "sched", "run-queue latency", "usecs" },
	[DIFF_FSSLOWER] = { "fsslower", "file", "file operation latency (reads, writes, syncs, "
			    "opens)", "usecs" },
	[DIFF_TCPLIFE] = { "tcplife", "tcp", "TCP session lifetime", "msecs" },
};

const struct diff_measure diff_tables[DIFF_TABLES] = {
	[DIFF_OPENS] = { "opentop", "file", "opens by file", "opens" },
	[DIFF_EXECS] = { "execsnoop", "proc", "execs by file", "execs" },
	[DIFF_TCP_REMOTE] = { "tcptop", "tcp", "TCP bytes by remote address", "bytes" },
	[DIFF_TCP_PROCESS] = { "tcptop", "tcp", "TCP bytes by process", "bytes" },
};

const struct diff_measure diff_profiles[DIFF_PROFILES] = {
	[DIFF_PROFILE] = { "profile", "profile", "CPU profile", "samples" },
	[DIFF_OFFCPU] = { "offcputime", "offcpu", "off-CPU time", "us" },
};

static int fs_row(void *ctx, const struct fsslower_row *row)
{
	struct diff_side *s = ctx;

	log2_hist_add_ns(&s->fs_hist, row->lat_ns, 1000);
	return 0;
}

/* tcplife's rows: sessions that began and closed in the trace, their whole life */
static int life_event(void *ctx, const struct tcp_event *e)
{
	struct diff_side *s = ctx;
	const struct tcp_session *ss = e->s;

	if (e->moment != TCP_MOMENT_STATE || e->state != EBR_TCP_CLOSE || !ss || ss->listener ||
	    !ss->began_in_trace || !tcp_filter_pass(&s->life.filter, &ss->ends, ss->pid, ss->comm))
		return 0;
	log2_hist_add_ns(&s->life_hist, ss->end_ns > ss->start_ns ? ss->end_ns - ss->start_ns : 0,
			 1000000);
	return 0;
}

static int exec_row(void *ctx, const struct execsnoop_row *row)
{
	struct diff_side *s = ctx;
	uint64_t add[TOP_VALUES] = { 1 };

	return top_add(&s->exec_top, row->ts_ns, 0, "", row->filename, add);
}

static void add_analyzer(struct diff_side *s, int (*fn)(void *, const struct ebr_reader *,
							const struct ebr_event *), void *self)
{
	s->an[s->nan++] = (struct analyzer){ fn, self, ANALYZER_EVERY_TYPE };
}

void diff_side_init(struct diff_side *s, const struct diff_opts *o, const struct proctable *procs)
{
	memset(s, 0, sizeof(*s));
	s->o = *o;
	if (o->hist[DIFF_BIOLATENCY]) {
		s->bio.opts.who = o->who;
		add_analyzer(s, biolatency_on_event, &s->bio);
	}
	if (o->hist[DIFF_RUNQLAT]) {
		s->runq.measure = SCHED_RUNQ;
		s->runq.who = o->who;
		add_analyzer(s, sched_dist_on_event, &s->runq);
	}
	if (o->hist[DIFF_FSSLOWER]) {
		s->fs = (struct fsslower){ .who = o->who, .emit = fs_row, .ctx = s };
		add_analyzer(s, fsslower_on_event, &s->fs);
	}
	if (o->hist[DIFF_TCPLIFE]) {
		s->life.filter = (struct tcp_filter){ .lport = -1, .rport = -1, .who = o->who };
		s->life.on_event = life_event;
		s->life.ctx = s;
		add_analyzer(s, tcpwatch_on_event, &s->life);
	}
	if (o->table[DIFF_OPENS]) {
		s->opens.kind = TOP_OPEN;
		s->opens.who = o->who;
		s->opens.procs = procs;
		topwatch_init(&s->opens);
		add_analyzer(s, topwatch_on_event, &s->opens);
	}
	if (o->table[DIFF_EXECS]) {
		s->execs = (struct execsnoop){ .uid = -1, .who = o->who, .emit = exec_row, .ctx = s };
		add_analyzer(s, execsnoop_on_event, &s->execs);
	}
	if (o->table[DIFF_TCP_REMOTE] || o->table[DIFF_TCP_PROCESS]) {
		s->tcp.kind = TOP_TCP;
		s->tcp.who = o->who;
		topwatch_init(&s->tcp);
		add_analyzer(s, topwatch_on_event, &s->tcp);
	}
	for (int i = 0; i < DIFF_PROFILES; i++) {
		if (!o->profile[i])
			continue;
		s->prof[i].o.kind = i == DIFF_PROFILE ? STACKPROF_CPU : STACKPROF_OFFCPU;
		s->prof[i].o.tid = -1;
		s->prof[i].o.who = o->who;
		add_analyzer(s, stackprof_on_event, &s->prof[i]);
	}
}

int diff_side_finish(struct diff_side *s)
{
	for (int i = 0; i < DIFF_PROFILES; i++) {
		int err = s->o.profile[i] ? stackprof_finish(&s->prof[i]) : 0;

		if (err)
			return err;
	}
	return 0;
}

const struct log2_hist *diff_side_hist(const struct diff_side *s, enum diff_hist_id id)
{
	static const struct log2_hist none;

	switch (id) {
	case DIFF_BIOLATENCY:
		/* no -D or -F: one group */
		return s->bio.ngroups ? &s->bio.groups[0].hist : &none;
	case DIFF_RUNQLAT:
		return s->runq.ngroups ? &s->runq.groups[0].hist : &none;
	case DIFF_FSSLOWER:
		return &s->fs_hist;
	case DIFF_TCPLIFE:
		return &s->life_hist;
	case DIFF_HISTS:
		break;
	}
	return &none;
}

void diff_side_release(struct diff_side *s)
{
	biolatency_release_model(&s->bio);
	sched_dist_release(&s->runq);
	tcptable_release(&s->life.table);
	topwatch_release(&s->opens);
	topwatch_release(&s->tcp);
	execsnoop_release_model(&s->execs);
	top_release(&s->exec_top);
	for (int i = 0; i < DIFF_PROFILES; i++)
		stackprof_release(&s->prof[i]);
}

/* ------------------------------------------------------------ tables */

/* The remote address of a tcptop row's name "LADDR:LPORT RADDR:RPORT", its port left out (a
 * client's port changes with every connection). */
static const char *remote_address(const char *name, char *buf, size_t len)
{
	const char *remote = strchr(name, ' '), *port;

	remote = remote ? remote + 1 : name;
	port = strrchr(remote, ':');
	snprintf(buf, len, "%.*s", port ? (int)(port - remote) : (int)strlen(remote), remote);
	return buf;
}

/* Adds the rows of one side's model to out, as the side's value. */
static int table_add_side(struct top *out, const struct diff_side *s, enum diff_table_id id,
			  unsigned side)
{
	const struct top *t = id == DIFF_OPENS ? &s->opens.t
			      : id == DIFF_EXECS ? &s->exec_top
						 : &s->tcp.t;
	unsigned value = id == DIFF_OPENS ? OPENTOP_OPENS : id == DIFF_EXECS ? 0 : TCPTOP_BYTES;
	char addr[96];

	for (uint32_t i = 0; i < t->len; i++) {
		const struct top_row *row = &t->rows[i];
		uint64_t add[TOP_VALUES] = { 0 };
		const char *key = id == DIFF_TCP_REMOTE ? remote_address(row->name, addr, sizeof(addr))
				  : id == DIFF_TCP_PROCESS ? row->comm
							   : row->name;
		int err;

		add[side] = row->v[value];
		if (!add[side])
			continue;
		err = top_add(out, 0, 0, "", key, add);
		if (err)
			return err;
	}
	return 0;
}

int diff_table_build(struct top *out, const struct diff_side *before,
		     const struct diff_side *after, enum diff_table_id id)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = table_add_side(out, before, id, DIFF_V_BEFORE);
	if (!err)
		err = table_add_side(out, after, id, DIFF_V_AFTER);
	if (err)
		return err;
	for (uint32_t i = 0; i < out->len; i++) {
		uint64_t *v = out->rows[i].v;

		v[DIFF_V_CHANGE] = v[DIFF_V_AFTER] > v[DIFF_V_BEFORE] ? v[DIFF_V_AFTER] - v[DIFF_V_BEFORE]
								 : v[DIFF_V_BEFORE] - v[DIFF_V_AFTER];
	}
	top_sort(out, DIFF_V_CHANGE, -1);
	return 0;
}

/* ------------------------------------------------------------ stacks */

double diff_share_change(uint64_t before, uint64_t before_total, uint64_t after,
			 uint64_t after_total)
{
	double was = before_total ? 100.0 * (double)before / (double)before_total : 0;
	double now = after_total ? 100.0 * (double)after / (double)after_total : 0;

	return now - was;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct diff_stack *)a)->key, ((const struct diff_stack *)b)->key);
}

/* The stacks of p, named, at the end of d (their value as before or after). */
static int add_stacks(struct diff_stacks *d, const struct stackprof *p, bool after)
{
	for (uint32_t i = 0; i < p->nstacks; i++) {
		struct diff_stack *s = grow_array(d->s, d->n, &d->cap, sizeof(*s));

		if (!s)
			return EBR_E_NOMEM;
		d->s = s;
		s = &d->s[d->n];
		memset(s, 0, sizeof(*s));
		s->key = stackprof_stack_key(p, &p->stacks[i], false);
		if (!s->key)
			return EBR_E_NOMEM;
		*(after ? &s->after : &s->before) = p->stacks[i].value;
		d->n++;
	}
	return 0;
}

int diff_stacks_build(struct diff_stacks *d, const struct stackprof *before,
		      const struct stackprof *after)
{
	uint32_t out = 0;
	int err;

	memset(d, 0, sizeof(*d));
	d->before_total = before->value;
	d->after_total = after->value;
	err = add_stacks(d, before, false);
	if (!err)
		err = add_stacks(d, after, true);
	if (err)
		return err;
	if (!d->n)
		return 0;
	/* the same name (other PIDs, or either side): one stack with both values */
	qsort(d->s, d->n, sizeof(*d->s), by_key);
	for (uint32_t i = 0; i < d->n; i++) {
		if (out && !strcmp(d->s[i].key, d->s[out - 1].key)) {
			d->s[out - 1].before += d->s[i].before;
			d->s[out - 1].after += d->s[i].after;
			ebr_free(d->s[i].key);
			continue;
		}
		d->s[out++] = d->s[i];
	}
	d->n = out;
	for (uint32_t i = 0; i < d->n; i++)
		d->s[i].change = diff_share_change(d->s[i].before, d->before_total, d->s[i].after,
						   d->after_total);
	return 0;
}

static int by_change(const void *a, const void *b)
{
	const struct diff_stack *x = a, *y = b;
	double cx = x->change < 0 ? -x->change : x->change;
	double cy = y->change < 0 ? -y->change : y->change;

	if (cx != cy)
		return cx > cy ? -1 : 1;
	return strcmp(x->key, y->key);
}

void diff_stacks_sort_by_change(struct diff_stacks *d)
{
	if (d->n > 1)
		qsort(d->s, d->n, sizeof(*d->s), by_change);
}

void diff_stacks_release(struct diff_stacks *d)
{
	for (uint32_t i = 0; i < d->n; i++)
		ebr_free(d->s[i].key);
	ebr_free(d->s);
	memset(d, 0, sizeof(*d));
}
