// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include "analyze/proc.h"
#include "analyze/procfilter.h"

/* The cgroup of pid at this point of the pass: a process the trace does not place is in none. */
static bool scope_match(const struct proc_scope *s, uint64_t pid)
{
	const struct proc_cgroup *c;

	if (!s->cgroup && !s->container)
		return true;
	c = s->procs ? proctable_cgroup(s->procs, proctable_find(s->procs, (uint32_t)pid)) : NULL;
	if (!c)
		return false;
	if (s->cgroup && !ebr_cgroup_under(c->path, s->cgroup))
		return false;
	return !s->container ||
	       (c->container[0] && !strncmp(c->container, s->container, strlen(s->container)));
}

bool proc_filter_match(const struct proc_filter *f, uint64_t pid, const char *comm)
{
	if (f->by_pid && pid != f->pid)
		return false;
	if (f->comm && strncmp(comm ? comm : "", f->comm, PROC_COMM_LEN))
		return false;
	return !f->scope || scope_match(f->scope, pid);
}

bool proc_filter_active(const struct proc_filter *f)
{
	return f->by_pid || f->comm || (f->scope && (f->scope->cgroup || f->scope->container));
}

const char *proc_scope_cgroup_path(const char *arg, char *out, size_t len)
{
	static const char *const mounts[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	size_t n;

	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		n = strlen(mounts[i]);
		if (!strncmp(arg, mounts[i], n) && (arg[n] == '/' || !arg[n])) {
			arg += n;
			break;
		}
	}
	if (snprintf(out, len, "%s%s", arg[0] == '/' ? "" : "/", arg) >= (int)len)
		return NULL;
	for (n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
		out[n - 1] = 0;
	return out;
}
