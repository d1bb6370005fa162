/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The process table every view reads (from proc.task, proc.fork, proc.exec, proc.exit,
 * proc.cgroup, proc.title, and file.open/file.chdir for working directories and
 * descriptors), and the process family's models: execsnoop's and exitsnoop's rows.
 */
#ifndef EBREC_ANALYZE_PROC_H
#define EBREC_ANALYZE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analyze/procfilter.h"
#include "analyze/u64map.h"
#include "format/container.h"
#include "format/ebr.h"

/* A cgroup v2 of the trace (FORMAT.md "Cgroups"), kept once however many processes it holds. */
struct proc_cgroup {
	uint64_t id; /* the kernel's id; 0 unknown (traces before format 1.5) */
	char *path;  /* from the hierarchy's root; "" unknown */
	uint32_t path_len;
	char container[EBR_CONTAINER_ID_LEN + 1]; /* its container's id, "" if none */
};

/* One process incarnation: a PID from its fork (or the snapshot) until its exit. */
struct proc_entry {
	uint32_t pid, ppid, uid;
	char comm[EBR_COMM_MAX + 1];
	char *args; /* NUL-terminated arguments, args_len bytes in all; NULL if unknown */
	uint32_t args_len;
	bool args_cut; /* exec recorded fewer arguments than it had */
	/*
	 * The title it set after exec (proc.title: setproctitle, as PostgreSQL backends and
	 * nginx workers do), as ps shows it; NULL if the trace recorded none. A view reads it
	 * once the process exited or the trace ended: it is recorded then.
	 */
	char *title;
	char *cwd;     /* NULL if unknown; at most PROC_PATH_MAX bytes with its NUL */
	/* its cgroup v2 (proctable_cgroup()): 1 + an index of the table's cgroups, 0 unknown */
	uint32_t cgroup;
	uint64_t start_ns;
	bool known_start;   /* start_ns is a real start time */
	bool in_snapshot;   /* alive when the recording started */
	bool execed;        /* ran a new program during the recording */
	bool exited;
	uint64_t exit_ns;
	uint64_t exit_code; /* wait status */
};

/*
 * The longest path shown, its NUL included: Linux's PATH_MAX, the longest path the kernel
 * takes or gives (getcwd, d_path). A relative path joined to a longer directory, or a
 * longer path in a trace, is cut to PROC_PATH_MAX - 1 bytes ending in "...": expanding
 * one-byte paths against a long working directory must not multiply a listing's size.
 */
#define PROC_PATH_MAX 4096

/* Caps that keep a hostile trace from exhausting memory. */
#define PROCTABLE_MAX_ENTRIES (1u << 22)
#define PROCTABLE_MAX_FDS (1u << 22)
#define PROCTABLE_MAX_CGROUPS (1u << 16)

struct proctable {
	struct proc_entry *entries; /* every incarnation, in order of appearance */
	uint32_t len, cap;
	struct u64map by_pid; /* pid -> its latest incarnation */
	struct u64map fds;    /* pid << 32 | fd -> index into fd_paths */
	char **fd_paths;
	uint32_t nfd, fd_cap;
	struct proc_cgroup *cgroups; /* every cgroup of the trace, in order of appearance */
	uint32_t ncgroups, cgroups_cap;
	struct u64map cgroup_by_id;   /* cgroup id -> index into cgroups */
	struct u64map cgroup_by_path; /* a keyed hash of the path (probed on collision) -> index */
	uint64_t dropped; /* entries or paths not kept: a cap was reached */
	/*
	 * Set before the pass when nothing will ask for a path (proctable_abspath()) or a
	 * working directory: opens and chdirs are then not followed, which is most of what a
	 * pass spends on the process table of a trace with the file family (a lookup, a
	 * compare and a copy an open).
	 */
	bool no_paths;
};

int proctable_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* What it reads (struct analyzer's types), once no_paths is set: the pass's, before it. */
uint32_t proctable_types(const struct proctable *t);
void proctable_release(struct proctable *t);

/* The current incarnation of pid, or NULL. */
const struct proc_entry *proctable_find(const struct proctable *t, uint32_t pid);
/*
 * The current incarnation of pid as a number that names it for the rest of the pass (1 +
 * its index in entries: they are never removed), 0 if none: a view that shows a process
 * later than the event that named it (once its title is known) keeps this.
 */
uint32_t proctable_incarnation(const struct proctable *t, uint32_t pid);
/* The cgroup of e, or NULL when the trace does not say. */
const struct proc_cgroup *proctable_cgroup(const struct proctable *t, const struct proc_entry *e);

/*
 * path made absolute when it is relative and its directory is known (the working directory
 * of pid, or the path of dirfd); else path as it is. Returns out, or path itself when it
 * is absolute and fits len. What does not fit len is cut, ending in "..." (len of
 * PROC_PATH_MAX: the bound every view shows paths within).
 */
const char *proctable_abspath(const struct proctable *t, uint32_t pid, int64_t dirfd,
			      const char *path, char *out, size_t len);

/* Arguments joined by spaces, bcc style (" ..." when cut); "" if none. Returns out. */
const char *proc_args_join(const char *args, size_t args_len, bool cut, char *out, size_t len);

/* ------------------------------------------------------------ execsnoop */

struct execsnoop_row {
	uint64_t ts_ns; /* event time, CLOCK_MONOTONIC */
	const char *comm;
	uint32_t pid, ppid, uid;
	int64_t ret;
	const char *args; /* argv joined by spaces */
	const char *filename; /* the path exec was given: for a PATH search, the one tried */
	/* bcc's ARGS: the filename, then argv[1...] (argv[0] is what the caller named it) */
	const char *command;
};

struct execsnoop {
	bool failed_only;  /* -x */
	const char *name;  /* -n: comm or an argument contains it, or NULL */
	int64_t uid;       /* -u, or -1 */
	struct proc_filter who; /* -p, --comm: the process that exec'd */
	uint64_t rows;
	char *args_buf;    /* scratch for the joined arguments */
	size_t args_cap;
	int (*emit)(void *ctx, const struct execsnoop_row *row);
	void *ctx;
};

int execsnoop_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define EXECSNOOP_TYPES EBR_TYPE(EBR_EV_PROC_EXEC)
void execsnoop_release_model(struct execsnoop *s);

/* ------------------------------------------------------------ exitsnoop */

struct exitsnoop_row {
	uint64_t ts_ns;
	const char *comm;
	uint32_t pid, ppid, tid;
	uint64_t age_ns;
	uint64_t code; /* wait status */
};

struct exitsnoop {
	bool failed_only; /* -x: non-zero status only */
	bool per_thread;  /* --per-thread: every thread, not just processes */
	struct proc_filter who; /* -p, --comm */
	const struct proctable *procs;
	uint64_t rows;
	int (*emit)(void *ctx, const struct exitsnoop_row *row);
	void *ctx;
};

int exitsnoop_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);
/* what it reads: struct analyzer's types */
#define EXITSNOOP_TYPES EBR_TYPE(EBR_EV_PROC_EXIT)

#endif
