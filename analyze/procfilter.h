/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `report -p PID`, `--comm NAME`, `--cgroup PATH` and `--container ID`, which every view
 * applies to the process its rows and values belong to: the submitter of an I/O, the opener
 * of a file, the waiting task of runqlat, the owner (connecting or accepting process) of a
 * TCP session, a sampled task.
 */
#ifndef EBREC_ANALYZE_PROCFILTER_H
#define EBREC_ANALYZE_PROCFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* COMM is the kernel's task name: at most 15 bytes; a longer NAME matches on its first 15 */
#define PROC_COMM_LEN 15

struct proctable;

/*
 * --cgroup and --container: what a process's cgroup must be, as the process table says at the
 * moment of the event. One for the whole report, which its views' filters point to: the
 * table exists only once the pass starts (procs is set then).
 */
struct proc_scope {
	const char *cgroup;    /* this cgroup v2 path or one below it ("/a/b"), or NULL: any */
	const char *container; /* a container whose id starts with this, or NULL: any */
	const struct proctable *procs;
};

/* All zero: any process. */
struct proc_filter {
	bool by_pid;
	uint32_t pid;     /* process id (tgid), when by_pid */
	const char *comm; /* exactly this COMM, or NULL: any */
	const struct proc_scope *scope; /* NULL: any cgroup */
};

bool proc_filter_match(const struct proc_filter *f, uint64_t pid, const char *comm);
bool proc_filter_active(const struct proc_filter *f);
/*
 * --cgroup ARG as a path from the hierarchy's root into out: "/a/b" from "/a/b/", "a/b" or a
 * directory of the usual mount ("/sys/fs/cgroup/a/b", also ".../unified/a/b"). NULL when
 * it does not fit len.
 */
const char *proc_scope_cgroup_path(const char *arg, char *out, size_t len);

#endif
