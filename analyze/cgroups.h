/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cgroups view's model: what the processes of each cgroup v2 (or each container) of a
 * trace did, from whichever families it recorded: processes, execs, CPU time, profile
 * samples, block I/O, opens. A value goes to the cgroup its process was in when it happened
 * (the process table's, which the pass keeps current): a process that moved counts in both.
 */
#ifndef EBREC_ANALYZE_CGROUPS_H
#define EBREC_ANALYZE_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/proc.h"
#include "analyze/u64map.h"

struct cgroup_usage {
	/* the cgroup (1 + an index of the table's cgroups; 0: the processes the trace does not
	 * place); by container, the first cgroup of the container seen */
	uint32_t cgroup;
	uint32_t cgroups; /* by container: how many cgroups of it had processes */
	uint64_t key;     /* the cgroup, or a hash of the container's id (0: none) */
	uint64_t procs;   /* processes in it: alive at the start, forked in or moved in */
	uint64_t execs;   /* successful execs */
	uint64_t cpu_ns;  /* time on CPU (sched.switch, the task switched out) */
	uint64_t samples; /* profile samples */
	uint64_t ios, io_bytes; /* block I/O requests its processes submitted */
	uint64_t opens;   /* opens, failed ones too */
};

struct cgroup_usage_model {
	bool by_container;
	struct proc_filter who;
	const struct proctable *procs; /* the pass's, set before it starts */
	struct cgroup_usage *rows;
	uint32_t len, cap;
	struct u64map by_key;
	struct u64map cgroup_seen; /* by container: the cgroups counted in a row's cgroups */
	/*
	 * pid -> the process table's entry counted for it: the next file of a series lists the
	 * live processes again in its snapshot (report/series.c), and they are not new ones
	 */
	struct u64map counted;
	bool cpu, profile, block, file; /* which kinds of value the trace had */
};

int cgroup_usage_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define CGROUP_USAGE_TYPES \
	(EBR_TYPE(EBR_EV_PROC_TASK) | EBR_TYPE(EBR_EV_PROC_FORK) | EBR_TYPE(EBR_EV_PROC_CGROUP) | \
	 EBR_TYPE(EBR_EV_PROC_EXEC) | EBR_TYPE(EBR_EV_SCHED_SWITCH) | \
	 EBR_TYPE(EBR_EV_PROFILE_SAMPLE) | EBR_TYPE(EBR_EV_BLOCK_RQ) | EBR_TYPE(EBR_EV_FILE_OPEN))
/* Orders the rows: most CPU first, then samples, I/O bytes, opens, processes. */
void cgroup_usage_sort(struct cgroup_usage_model *m);
void cgroup_usage_release(struct cgroup_usage_model *m);

#endif
