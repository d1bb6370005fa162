/* SPDX-License-Identifier: GPL-2.0-only */
/* A trace opened by a reading command (report, info, dump, verify, redact). */
#ifndef EBREC_REPORT_TRACE_FILE_H
#define EBREC_REPORT_TRACE_FILE_H

#include <stdbool.h>
#include "format/ebr.h"
#include "report/json.h"

struct trace_file {
	const char *path;
	int fd;
	struct ebr_fd_source fs;
	struct ebr_source src;
	struct ebr_reader *r;
};

/* The arguments of a command that takes just FILE: -1 to go on, else the exit status. */
int trace_file_args(int argc, char **argv, const char *help);
/* Opens path ("-" = stdin) and reads its header; on failure prints one line and returns 1. */
int trace_file_open(struct trace_file *t, const char *cmd, const char *path);
void trace_file_close(struct trace_file *t);
/* Prints what the reader stepped over to stderr; returns 1 if any of it lost data. */
int trace_file_warn(const struct trace_file *t, const char *cmd);
/* Whether META record.families names family. */
bool trace_family_recorded(const struct ebr_reader *r, const char *family);
/* The same problems as a JSON array "warnings", after extra (when not NULL). */
void trace_file_json_warnings(const struct trace_file *t, struct json *j, const char *extra);

#endif
