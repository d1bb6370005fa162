/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The `flags` fields of proc.exec and proc.exit, and proc.cgroup's `reason` (FORMAT.md "Flags
 * and codes"): part of the file format. Free of includes, so the BPF programs that set them
 * (bpf/events.h) and the readers that interpret them share one definition.
 */
#ifndef EBREC_FORMAT_PROC_FLAGS_H
#define EBREC_FORMAT_PROC_FLAGS_H

/* proc.exec flags */
#define EBR_EXEC_MORE_ARGS 1u /* more arguments than recorded (or no room for them) */
#define EBR_EXEC_ARG_CUT 2u   /* an argument was cut at 1023 bytes */

/* proc.exit flags */
#define EBR_EXIT_GROUP_DEAD 1u /* the last thread of its process: the process exited */

/* proc.cgroup reasons */
#define EBR_CGROUP_MOVED 1u /* the process moved to this cgroup (cgroup:cgroup_attach_task) */
#define EBR_CGROUP_NAMED 2u /* it started in a cgroup the trace had not named (fork, exec) */

#endif
