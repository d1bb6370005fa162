/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The `title` of proc.title (FORMAT.md "Process titles"): a process's command line as it
 * shows it after rewriting its argument memory (setproctitle: PostgreSQL backends, nginx
 * workers), in one form that the recorder derives from what the exit probe or
 * /proc/PID/cmdline read, and from the arguments an exec or the snapshot recorded, so that
 * it writes a title only when the two differ.
 */
#ifndef EBREC_FORMAT_TITLE_H
#define EBREC_FORMAT_TITLE_H

#include <stdbool.h>
#include <stddef.h>
#include "format/proc_flags.h" /* EBR_TITLE_MAX */

/*
 * The title of len bytes of a command line (arguments each NUL-terminated, or a rewritten
 * area padded with NULs), into out (EBR_TITLE_MAX + 1 bytes): the trailing NULs dropped, the
 * other NULs turned to spaces, as ps shows it; cut to EBR_TITLE_MAX bytes (*cut set). Returns
 * its length.
 */
size_t ebr_title_of(const char *cmdline, size_t len, char out[EBR_TITLE_MAX + 1], bool *cut);

/*
 * Whether title (as ebr_title_of() made it, cut or not) says what the recorded arguments
 * args (args_len bytes, each NUL-terminated) say: the same text, allowing for the cut of
 * either (a title is cut at EBR_TITLE_MAX bytes, an exec's arguments after max_args).
 */
bool ebr_title_is_args(const char *title, bool cut, const char *args, size_t args_len,
		       size_t max_args);

#endif
