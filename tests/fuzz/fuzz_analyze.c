// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: any bytes as a trace file, through every analyzer in one pass (block,
 * the process table, proc, file, cache, tcp, sched, and the stack profiles with their
 * symbols, named both ways, and the flame graph's tree), each row's borrowed strings read.
 * A hostile trace must get a clear error, never a crash, a leak or undefined behaviour.
 */
#include <string.h>
#include "analyze/block.h"
#include "analyze/file.h"
#include "analyze/losses.h"
#include "analyze/pass.h"
#include "analyze/proc.h"
#include "analyze/sched.h"
#include "analyze/stackprof.h"
#include "analyze/stacktree.h"
#include "analyze/tcp.h"
#include "format/array_size.h"
#include "format/ebr.h"
#include "tests/fuzz/fuzz_input.h"

static int ignore_row(void *ctx, const struct biosnoop_row *row)
{
	(void)ctx;
	return row->comm[0] == 1; /* read the borrowed string */
}

static int ignore_exec(void *ctx, const struct execsnoop_row *row)
{
	(void)ctx;
	return row->args[0] == 1 && row->comm[0] == 1;
}

static int ignore_exit(void *ctx, const struct exitsnoop_row *row)
{
	(void)ctx;
	return row->comm[0] == 1;
}

static int ignore_open(void *ctx, const struct opensnoop_row *row)
{
	(void)ctx;
	return row->abspath[0] == 1 && row->args[0] == 1 && row->comm[0] == 1;
}

static int ignore_tcp(void *ctx, const struct tcp_event *e)
{
	(void)strlen(tcp_state_name(e->state));
	return 0;
}

static int ignore_slow(void *ctx, const struct fsslower_row *row)
{
	(void)ctx;
	return row->name[0] == 1 && row->comm[0] == 1 && row->fstype[0] == 1;
}

static int ignore_frame(void *ctx, const char *name, bool kernel)
{
	(void)ctx;
	(void)kernel;
	(void)strlen(name); /* every byte of every name is read */
	return 0;
}

/* Every stack named both ways, the share, and the flame graph's tree. */
static void name_stacks(struct stackprof *p)
{
	struct stacktree t;
	uint64_t frames, resolved;

	if (stackprof_finish(p) == 0) {
		for (uint32_t i = 0; i < p->nstacks; i++) {
			stackprof_walk_leaf_first(p, &p->stacks[i], ignore_frame, NULL);
			stackprof_walk_root_first(p, &p->stacks[i], ignore_frame, NULL);
		}
		stackprof_resolved_share(p, &frames, &resolved);
		stacktree_build(&t, p);
		stacktree_release(&t);
	}
	stackprof_release(p);
}

static void through_events(const uint8_t *data, size_t size)
{
	struct ebr_mem_source ms;
	struct ebr_reader *r;
	struct biolatency lat = { .opts = { .per_disk = true, .per_flags = true, .queued = true } };
	struct biosnoop snoop = { .emit = ignore_row };
	static struct losses losses;
	struct proctable procs = { 0 };
	struct execsnoop exec = { .uid = -1, .emit = ignore_exec };
	struct exitsnoop exits = { .procs = &procs, .emit = ignore_exit };
	static struct opensnoop opens;
	struct fsslower slow = { .emit = ignore_slow };
	struct cachestat cache = { .interval_ns = 1000000000 };
	struct tcpwatch tcp = { .filter = { 0, -1, -1, -1 }, .on_event = ignore_tcp };
	struct sched_dist runq = { .measure = SCHED_RUNQ, .per = SCHED_PER_TID };
	struct stackprof cpu = { .o = { .kind = STACKPROF_CPU, .tid = -1 } };
	struct stackprof off = { .o = { .kind = STACKPROF_OFFCPU, .tid = -1 } };
	struct analyzer an[] = {
		{ biolatency_on_event, &lat },	{ biosnoop_on_event, &snoop },
		{ losses_on_event, &losses },	{ proctable_on_event, &procs },
		{ execsnoop_on_event, &exec },	{ exitsnoop_on_event, &exits },
		{ opensnoop_on_event, &opens },	{ fsslower_on_event, &slow },
		{ cachestat_on_event, &cache },	{ tcpwatch_on_event, &tcp },
		{ sched_dist_on_event, &runq },	{ stackprof_on_event, &cpu },
		{ stackprof_on_event, &off },
	};

	memset(&losses, 0, sizeof(losses));
	opens = (struct opensnoop){ .procs = &procs, .want_args = true, .emit = ignore_open };
	r = fuzz_open(&ms, data, size);
	if (!r)
		return;
	analyze_pass(r, an, ARRAY_SIZE(an));
	execsnoop_release_model(&exec);
	cachestat_release_model(&cache);
	tcptable_release(&tcp.table);
	sched_dist_sort(&runq, false);
	sched_dist_release(&runq);
	name_stacks(&cpu);
	name_stacks(&off);
	proctable_release(&procs);
	for (uint32_t i = 0; i < ebr_reader_problem_count(r); i++)
		(void)strlen(ebr_reader_problem(r, i)->msg);
	biolatency_release_model(&lat);
	ebr_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	through_events(data, size);
	return 0;
}
