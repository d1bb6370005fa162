/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler family's model: log2 histograms of one interval of sched.switch (run-queue
 * wait for runqlat, time on CPU for cpudist, time off CPU for cpudist -O), for all tasks or
 * per process or thread.
 */
#ifndef EBREC_ANALYZE_SCHED_H
#define EBREC_ANALYZE_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/hist.h"
#include "analyze/heatmap.h"
#include "analyze/latseries.h"
#include "analyze/pass.h"
#include "analyze/u64map.h"
#include "analyze/procfilter.h"
#include "format/ebr.h"

enum sched_measure {
	SCHED_RUNQ,   /* runqlat: the task switched in, its wait on a run queue */
	SCHED_ONCPU,  /* cpudist: the task switched out, its time on CPU */
	SCHED_OFFCPU, /* cpudist -O: the task switched in, its time off CPU */
};

enum sched_per { SCHED_ALL, SCHED_PER_PID, SCHED_PER_TID };

struct sched_group {
	uint64_t key; /* pid or tid; 0 for all */
	char comm[EBR_COMM_MAX + 1]; /* per PID or TID: the last name seen */
	struct log2_hist hist; /* in the view's unit (us or ms) */
	uint64_t sum_ns;
	uint64_t untraced_in; /* switched out with no switch-in traced before (see below) */
};

/* Caps that keep a hostile trace from exhausting memory. */
#define SCHED_MAX_GROUPS (1u << 20)
#define SCHED_MAX_CPUS 4096u

struct sched_dist {
	enum sched_measure measure;
	enum sched_per per;
	bool millis;  /* -m */
	uint64_t interval_ns; /* --interval: percentiles per interval (series), not groups */
	struct latseries series;
	bool heatmap; /* --heatmap: time x latency as well */
	struct heatmap heat;
	struct proc_filter who; /* -p, --comm: the task switched in (runqlat, -O) or out */
	struct sched_group *groups;
	uint32_t ngroups, cap;
	struct u64map by_key;
	uint64_t intervals; /* switches of the chosen tasks whose interval was measured */
	uint64_t unknown;   /* ... and those whose start the recording had not seen */
	uint64_t dropped;   /* intervals not kept: SCHED_MAX_GROUPS reached */
	/*
	 * Some kernels trace no sched_switch when certain tasks leave a CPU (seen here: the
	 * VM's agent threads), so the task that took the CPU from them has no switch-in in the
	 * trace. Each CPU's last switched-in thread (tid + 1, 0 unknown) finds them: a task
	 * switched out that the CPU did not switch in.
	 */
	uint64_t *cpu_current;
	uint64_t untraced_in;
};

int sched_dist_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define SCHED_DIST_TYPES EBR_TYPE(EBR_EV_SCHED_SWITCH)
/* groups by key, or by_sum: by sum_ns, most first */
void sched_dist_sort(struct sched_dist *d, bool by_sum);
void sched_dist_release(struct sched_dist *d);

#endif
