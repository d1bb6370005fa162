/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `report -p PID` and `--comm NAME`, which every view applies to the process its rows and
 * values belong to: the submitter of an I/O, the opener of a file, the waiting task of
 * runqlat, the owner (connecting or accepting process) of a TCP session, a sampled task.
 */
#ifndef EBREC_ANALYZE_PROCFILTER_H
#define EBREC_ANALYZE_PROCFILTER_H

#include <stdbool.h>
#include <stdint.h>

/* COMM is the kernel's task name: at most 15 bytes; a longer NAME matches on its first 15 */
#define PROC_COMM_LEN 15

/* All zero: any process. */
struct proc_filter {
	bool by_pid;
	uint32_t pid;     /* process id (tgid), when by_pid */
	const char *comm; /* exactly this COMM, or NULL: any */
};

bool proc_filter_match(const struct proc_filter *f, uint64_t pid, const char *comm);
bool proc_filter_active(const struct proc_filter *f);

#endif
