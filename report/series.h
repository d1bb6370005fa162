/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Several trace files read as one recording: `ebrec report DIR/` or `ebrec report A.ebr B.ebr`,
 * the files of a rotation series (ebrec-YYYYMMDDTHHMMSSZ-HOST.ebr, each one self-contained).
 * They are read one after the other, in time order, through one pass and the same analyzers,
 * so that every model spans the seams: a process seen in two files is one process, a TCP
 * session open across a seam one session, the losses of the files add up. Each file after the
 * first counts time from the series' start (ebr_reader_pin_start()). Only the files that
 * cover --since/--until are opened, their spans told by their names where the names say.
 */
#ifndef EBREC_REPORT_SERIES_H
#define EBREC_REPORT_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analyze/pass.h"
#include "analyze/timewindow.h"
#include "report/json.h"
#include "report/trace_file.h"

struct series_file {
	char *path;
	bool named;            /* start_real_ns is from the file's name (to the second) */
	bool peeked;           /* what its index and META say is below */
	bool selected;         /* it covers the window: read */
	char *host;            /* the name's HOST or META host.hostname; NULL if neither */
	uint64_t boot_ns;      /* META host.boot_time_ns, 0 unknown */
	uint64_t start_real_ns, end_real_ns; /* 0 unknown */
	uint64_t start_mono_ns, end_mono_ns; /* their clock pairs' other halves (META), 0 unknown */
};

struct trace_series {
	const char *cmd;
	struct series_file *files;
	uint32_t nfiles, cap;
	/* the first file: its index and META give the series' clock; opened before the pass */
	struct trace_peek first;
	struct trace_file cur;  /* the file being read, then the last one read */
	struct trace_file view; /* what the views see: the series' name, cur's reader */
	uint32_t next;          /* the next file series_pass() reads */
	size_t damaged_files;   /* files read and closed before the last one that lost data */
	char **warnings;        /* their problems: said after the output, and in JSON */
	size_t nwarnings, more_warnings;
	char name[64];
};

/* Boot times computed from two clock pairs differ by the clocks' reading, never by seconds. */
#define SERIES_SAME_BOOT_NS 2000000000ull
/* Whether two META host.boot_time_ns are one boot (or either is unknown, 0). */
bool series_same_boot(uint64_t a_ns, uint64_t b_ns);

/*
 * Expands paths (trace files, and the *.ebr files of directories) into s->files, each peeked
 * when there are several (its host, boot and clock pairs), in time order; nothing is opened
 * for reading. 0, or the exit status (said): 1 when a file or directory cannot be read, 2 when
 * a directory holds no trace. series_close() releases it.
 */
int series_list(struct trace_series *s, const char *cmd, char *const *paths, size_t npaths);
/*
 * Expands paths (trace files, and the *.ebr files of directories) into s, in time order, and
 * opens the first. 0, or the exit status (said): 1 when a file or directory cannot be read,
 * 2 when they hold no trace or traces of several hosts or boots.
 */
int series_open(struct trace_series *s, const char *cmd, char *const *paths, size_t npaths);
/*
 * Chooses the files whose span meets the window (all of them without one). 0, or 2 (said)
 * when none does.
 */
int series_select(struct trace_series *s, const struct window_end *since,
		  const struct window_end *until);
/* One pass over the chosen files, in order, through an; 0, an EBR_E_* code, or 1 (said). */
int series_pass(struct trace_series *s, const struct analyzer *an, size_t n,
		struct pass_limit *limit);
/* The file read last (or being read): the one a failure of series_pass() is in. */
const char *series_current_path(const struct trace_series *s);
/* Prints what the readers stepped over in the files read; 1 if any file lost data. */
int series_warn(struct trace_series *s);
/* JSON's "warnings": extra (when not NULL), then every file's problems. */
void series_json_warnings(const struct trace_series *s, struct json *j, const char *extra);
void series_close(struct trace_series *s);

#endif
