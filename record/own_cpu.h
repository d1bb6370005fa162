/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the recorder itself costs in CPU: its process's user and system time (every thread:
 * the drain thread, the writer, compression, symbol resolution), and, where the kernel counts
 * it (sysctl kernel.bpf_stats_enabled=1), the time its BPF programs ran in the traced tasks'
 * context, and the runs of them the kernel skipped. Shown on the status line, and written at the
 * end as META record.cpu_*, record.bpf_* (ebrec info).
 */
#ifndef EBREC_RECORD_OWN_CPU_H
#define EBREC_RECORD_OWN_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include "format/ebr.h"

struct ebrec_bpf;

struct own_cpu {
	uint64_t user_ns, system_ns; /* getrusage(RUSAGE_SELF) */
	uint64_t max_rss_kib;        /* the recorder's peak resident memory */
	uint64_t bpf_run_ns, bpf_runs; /* the programs' run time and runs, while stats were on */
	/*
	 * Runs the kernel skipped (bpf_prog_info.recursion_misses, always counted): a hook fired
	 * while a BPF program already ran on that CPU (an interrupt's tracepoint inside a system
	 * call's, a sched_switch under a task-storage lock), and the program never saw it.
	 */
	uint64_t bpf_missed;
	bool bpf_stats;                /* kernel.bpf_stats_enabled was 1 when read */
};

/* Reads the totals now; skel may be NULL (no programs). */
void own_cpu_read(const struct ebrec_bpf *skel, struct own_cpu *c);
/*
 * META record.cpu_user_ns, record.cpu_system_ns, record.max_rss_kib, record.bpf_*: 0 or -errno.
 * missed_before: the skipped runs earlier files of a series said (a file states its own).
 */
int own_cpu_meta(struct ebr_writer *w, const struct own_cpu *c, uint64_t missed_before);

#endif
