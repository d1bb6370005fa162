/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ebrec diff`'s model: the same measures taken of two traces, BEFORE and AFTER, one pass
 * each (a diff_side), then set side by side: latency histograms (block I/O, run-queue wait,
 * file operations, TCP session lifetimes), counts by a name (opens by file, execs by file,
 * TCP bytes by remote address and by process) and stack profiles (CPU samples, time off CPU)
 * merged stack by stack, as FlameGraph's difffolded.pl merges two folded files.
 *
 * Processes are matched by name, never by PID: the PIDs of two recordings are unrelated.
 */
#ifndef EBREC_ANALYZE_DIFF_H
#define EBREC_ANALYZE_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/block.h"
#include "analyze/file.h"
#include "analyze/hist.h"
#include "analyze/pass.h"
#include "analyze/proc.h"
#include "analyze/procfilter.h"
#include "analyze/sched.h"
#include "analyze/stackprof.h"
#include "analyze/tcp.h"
#include "analyze/top.h"

enum diff_hist_id { DIFF_BIOLATENCY, DIFF_RUNQLAT, DIFF_FSSLOWER, DIFF_TCPLIFE, DIFF_HISTS };
enum diff_table_id { DIFF_OPENS, DIFF_EXECS, DIFF_TCP_REMOTE, DIFF_TCP_PROCESS, DIFF_TABLES };
enum diff_profile_id { DIFF_PROFILE, DIFF_OFFCPU, DIFF_PROFILES };

/* What a measure is: the view of `report` it compares, the family it needs, what it counts. */
struct diff_measure {
	const char *view;
	const char *family;
	const char *what;   /* "block I/O latency", "opens by file" */
	const char *unit;   /* histograms: their slots' unit ("usecs", "msecs"); tables: values */
};
extern const struct diff_measure diff_hists[DIFF_HISTS];
extern const struct diff_measure diff_tables[DIFF_TABLES];
extern const struct diff_measure diff_profiles[DIFF_PROFILES];

/* Which measures a pass takes, and whose events: --comm (a PID means nothing in the other). */
struct diff_opts {
	bool hist[DIFF_HISTS], table[DIFF_TABLES], profile[DIFF_PROFILES];
	struct proc_filter who;
};

/* One trace's measures. */
struct diff_side {
	struct diff_opts o;
	struct biolatency bio;
	struct sched_dist runq;
	struct fsslower fs;
	struct tcpwatch life;
	struct log2_hist fs_hist, life_hist;
	struct topwatch opens, tcp;
	struct execsnoop execs;
	struct top exec_top;
	struct stackprof prof[DIFF_PROFILES];
	/* the analyzers of the measures chosen, for one pass */
	struct analyzer an[DIFF_HISTS + DIFF_TABLES + DIFF_PROFILES];
	size_t nan;
};

/*
 * Sets s up for a pass: its analyzers in s->an (to be fed what the time window lets through);
 * procs, the pass's process table (opens' paths made absolute through it).
 */
void diff_side_init(struct diff_side *s, const struct diff_opts *o, const struct proctable *procs);
/* After the pass: the profiles merged and sorted. 0 or EBR_E_NOMEM. */
int diff_side_finish(struct diff_side *s);
/* The histogram of measure id (empty when not taken). */
const struct log2_hist *diff_side_hist(const struct diff_side *s, enum diff_hist_id id);
void diff_side_release(struct diff_side *s);

/*
 * Table id of both sides in out (zeroed first): a row a name (pid 0, comm ""), v[DIFF_V_BEFORE]
 * and v[DIFF_V_AFTER] the counts (or bytes) of each, v[DIFF_V_CHANGE] the size of the change;
 * ordered by it, biggest first, then by name. 0 or EBR_E_NOMEM.
 */
enum { DIFF_V_BEFORE, DIFF_V_AFTER, DIFF_V_CHANGE };
int diff_table_build(struct top *out, const struct diff_side *before,
		     const struct diff_side *after, enum diff_table_id id);

/* A stack of either profile: its name (stackprof_stack_key(), no PID) and its two values. */
struct diff_stack {
	char *key;
	uint64_t before, after;
	double change; /* the change of its share, diff_share_change() */
};

struct diff_stacks {
	struct diff_stack *s;
	uint32_t n, cap;
	uint64_t before_total, after_total;
};

/*
 * The stacks of two finished profiles merged by name (processes by name, not PID), in the
 * order of their names, as difffolded.pl writes them. 0 or EBR_E_NOMEM.
 */
int diff_stacks_build(struct diff_stacks *d, const struct stackprof *before,
		      const struct stackprof *after);
/* The stacks ordered by the size of their change, biggest first (then by name). */
void diff_stacks_sort_by_change(struct diff_stacks *d);
void diff_stacks_release(struct diff_stacks *d);

/*
 * perf diff's delta: the change of a share of the whole, after / after_total - before /
 * before_total, in percentage points; a profile of no samples has shares of 0.
 */
double diff_share_change(uint64_t before, uint64_t before_total, uint64_t after,
			 uint64_t after_total);

#endif
