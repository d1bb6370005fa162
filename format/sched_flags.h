/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The `flags` field of sched.switch (FORMAT.md "Flags and codes"): part of the file format.
 * Free of includes, so the BPF program that sets them (bpf/events.h) and the readers that
 * interpret them share one definition.
 */
#ifndef EBREC_FORMAT_SCHED_FLAGS_H
#define EBREC_FORMAT_SCHED_FLAGS_H

#define EBR_SCHED_RUNQ 1u      /* runq_ns is known: next waited on a run queue that long */
#define EBR_SCHED_ONCPU 2u     /* oncpu_ns is known: prev ran that long */
#define EBR_SCHED_OFFCPU 4u    /* offcpu_ns is known: next was off CPU that long */
#define EBR_SCHED_PREEMPTED 8u /* prev was still runnable: it goes back on the run queue */

#endif
