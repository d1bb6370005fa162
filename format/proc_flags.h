/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The `flags` fields of proc.exec, proc.exit and proc.title, and the `reason` of proc.cgroup
 * and proc.title (FORMAT.md "Flags and codes"): part of the file format. Free of includes, so
 * the BPF programs that set them (bpf/events.h) and the readers that interpret them share one
 * definition.
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

/* proc.title reasons and flags */
#define EBR_TITLE_AT_EXIT 1u /* read by the exit probe of its last thread */
#define EBR_TITLE_AT_END 2u  /* read from /proc/PID/cmdline at the end of the file */
#define EBR_TITLE_CUT 1u     /* cut at EBR_TITLE_MAX bytes */
/* The longest title kept, in bytes (without its NUL): what ps's wide columns show. */
#define EBR_TITLE_MAX 256

#endif
