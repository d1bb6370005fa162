/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The recorder's process table: what the proc family's snapshot read from /proc, followed
 * through every fork, exec and exit written since, so that a process's title is written only
 * when it differs from the arguments the trace holds for it (proc.title), and each file of a
 * rotated series starts with the processes alive at its start as the events say (a process that
 * ended is gone from /proc, and one that exits as the file begins must be in the snapshot its
 * exit event follows). Entries are proc.task values (format/events.def), whatever fields that
 * type has: a fork copies its parent's (cgroup, working directory...), an exec replaces the
 * name and arguments, the exit of a process's last thread removes it. Strings are shared
 * between a parent and the children that did not exec, not copied.
 */
#ifndef EBREC_RECORD_PROCTABLE_H
#define EBREC_RECORD_PROCTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "format/ebr.h"

struct proc_entry;

struct proc_table {
	struct proc_entry *procs; /* by pid */
	size_t n, cap;
	bool seeded; /* the snapshot from /proc was taken */
};

/* A process of the snapshot: v holds a proc.task event's values. 0 or -ENOMEM. */
int proc_table_task(struct proc_table *t, const struct ebr_value *v);
/*
 * Follows a proc.fork, proc.exec, proc.exit or proc.cgroup event of values v at ts (other
 * types are ignored). 0 or -ENOMEM.
 */
int proc_table_event(struct proc_table *t, uint32_t type, uint64_t ts, const struct ebr_value *v);
/* Writes every process as a proc.task event stamped ts. 0 or a negative errno. */
int proc_table_write(const struct proc_table *t, struct ebr_writer *w, uint64_t ts);
/*
 * Calls fn with every process as proc.task values (borrowed for the call), in pid order,
 * until fn returns other than 0, which it returns.
 */
int proc_table_each(const struct proc_table *t, int (*fn)(void *arg, const struct ebr_value *v),
		    void *arg);
/*
 * The arguments the table holds for pid (borrowed until its next event), each NUL-terminated,
 * in *args and *len; false if it does not know pid.
 */
bool proc_table_args(const struct proc_table *t, uint64_t pid, const char **args, size_t *len);
void proc_table_free(struct proc_table *t);

#endif
