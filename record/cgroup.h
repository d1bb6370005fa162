/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cgroups v2 on the record side: where the unified hierarchy is mounted, the names (paths) of
 * the cgroup ids that forks and execs report, and `record --cgroup PATH`. Paths are the
 * kernel's, from the hierarchy's root ("/system.slice/nginx.service"), as /proc/PID/cgroup
 * and the cgroup_attach_task tracepoint give them; ids are the kernel's (kernfs node ids,
 * which are the inode numbers of the cgroups' directories).
 */
#ifndef EBREC_RECORD_CGROUP_H
#define EBREC_RECORD_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* the most ids a recording remembers having named; past it, an id is named again */
#define CGROUP_NAMES_MAX 65536

struct cgroup_names {
	int mount_fd;   /* the cgroup2 mount's root directory, -1 if there is none */
	char mount[256]; /* its path, "/sys/fs/cgroup" ("" if none) */
	uint64_t *named; /* ids named in the trace so far, sorted */
	size_t nnamed, cap;
};

/* Finds and opens the cgroup2 mount. 0, also without one (mount_fd -1), or -ENOMEM. */
int cgroup_names_open(struct cgroup_names *cn);
void cgroup_names_close(struct cgroup_names *cn);
/* A new file of a rotated recording: it names its cgroups again, read without the others. */
void cgroup_names_forget(struct cgroup_names *cn);
/*
 * The path of cgroup id from the hierarchy's root into out ("/" for the root), through a
 * kernfs file handle (CAP_DAC_READ_SEARCH). 0, or -errno (-ESTALE: the cgroup is gone).
 */
int cgroup_path_of_id(const struct cgroup_names *cn, uint64_t id, char *out, size_t len);
/* The id of the cgroup at path (from the hierarchy's root): its directory's inode, or 0. */
uint64_t cgroup_id_of_path(const struct cgroup_names *cn, const char *path);
/*
 * Remembers that the trace has named id; true when it had not yet (then the caller names it).
 * Without memory for it, or past CGROUP_NAMES_MAX, always true: an id named twice is harmless.
 */
bool cgroup_names_first(struct cgroup_names *cn, uint64_t id);
/* Forgets every id named: a new trace file names them again. */
void cgroup_names_reset(struct cgroup_names *cn);

/*
 * --cgroup ARG: ARG as a directory under the cgroup2 mount ("/sys/fs/cgroup/a/b"), or as a path
 * from the hierarchy's root ("/a/b", "a/b"), into path ("/a/b"), with its id and its depth
 * (the root is depth 0). 0, or -ENOENT (no such cgroup: said), -ENODEV (no cgroup2 mount).
 */
int cgroup_resolve(const struct cgroup_names *cn, const char *arg, char *path, size_t len,
		   uint64_t *id, uint32_t *level);

/*
 * `record --cgroup PATH --run-in-cgroup -- COMMAND`: moves process pid into the cgroup at path
 * (from the hierarchy's root), writing it to its cgroup.procs. 0, or -errno having said what
 * failed.
 */
int cgroup_enter(const struct cgroup_names *cn, const char *path, pid_t pid);

#endif
