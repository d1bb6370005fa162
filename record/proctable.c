// SPDX-License-Identifier: GPL-2.0-only
/* The recorder's process table for rotated recordings (record/proctable.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "record/grow.h"
#include "record/proctable.h"
#include "record/translate.h"

/* A string or bytes value, shared by the entries that hold it. */
struct proc_blob {
	uint32_t refs, len;
	char data[]; /* len bytes and a NUL */
};

/* One process: a proc.task event's values, by field index. */
struct proc_entry {
	uint64_t u[EBR_BUILD_FIELDS];
	struct proc_blob *b[EBR_BUILD_FIELDS]; /* STR and BYTES fields, or NULL */
};

static struct proc_blob *blob_new(const char *s, size_t len)
{
	struct proc_blob *b;

	if (len > EBR_MAX_STRING)
		len = EBR_MAX_STRING;
	b = malloc(sizeof(*b) + len + 1);
	if (!b)
		return NULL;
	b->refs = 1;
	b->len = (uint32_t)len;
	memcpy(b->data, s, len);
	b->data[len] = 0;
	return b;
}

static void blob_put(struct proc_blob *b)
{
	if (b && !--b->refs)
		free(b);
}

static void entry_release(struct proc_entry *e)
{
	for (size_t f = 0; f < EBR_BUILD_FIELDS; f++)
		blob_put(e->b[f]);
}

/* Field f of e becomes a copy of s (len bytes; none: empty). 0 or -ENOMEM. */
static int entry_set(struct proc_entry *e, size_t f, const char *s, size_t len)
{
	struct proc_blob *b = NULL;

	if (s && len) {
		b = blob_new(s, len);
		if (!b)
			return -ENOMEM;
	}
	blob_put(e->b[f]);
	e->b[f] = b;
	return 0;
}

static struct proc_entry *proc_find(const struct proc_table *t, uint64_t pid, size_t *pos)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->procs[mid].u[EBR_F_PROC_TASK_PID] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return lo < t->n && t->procs[lo].u[EBR_F_PROC_TASK_PID] == pid ? &t->procs[lo] : NULL;
}

/* The entry of pid, made empty if new; NULL: no memory. Moves the other entries. */
static struct proc_entry *proc_upsert(struct proc_table *t, uint64_t pid)
{
	struct proc_entry *e;
	size_t pos;

	e = proc_find(t, pid, &pos);
	if (e)
		return e;
	if (record_grow(&t->procs, t->n, &t->cap, sizeof(*t->procs), 256))
		return NULL;
	memmove(&t->procs[pos + 1], &t->procs[pos], (t->n - pos) * sizeof(*t->procs));
	t->n++;
	e = &t->procs[pos];
	memset(e, 0, sizeof(*e));
	e->u[EBR_F_PROC_TASK_PID] = pid;
	return e;
}

int proc_table_task(struct proc_table *t, const struct ebr_value *v)
{
	const struct ebr_event_def *d = ebr_event_def(EBR_EV_PROC_TASK);
	struct proc_entry *e = proc_upsert(t, v[EBR_F_PROC_TASK_PID].u);
	int err = 0;

	if (!e)
		return -ENOMEM;
	for (size_t f = 0; f < d->nfields && !err; f++) {
		const struct ebr_value *x = &v[f];

		if (d->fields[f].kind == EBR_KIND_STR)
			err = entry_set(e, f, x->s, x->s ? strnlen(x->s, EBR_MAX_STRING) : 0);
		else if (d->fields[f].kind == EBR_KIND_BYTES)
			err = entry_set(e, f, x->s, x->len);
		else
			e->u[f] = x->u;
	}
	return err;
}

/* Field f of e becomes other's (shared). */
static void entry_share(struct proc_entry *e, const struct proc_entry *other, size_t f)
{
	blob_put(e->b[f]);
	e->b[f] = other->b[f];
	if (e->b[f])
		e->b[f]->refs++;
}

/*
 * e is in cgroup id (0: unknown, nothing changes): its path and container are those another
 * process of the table has for that id, or none until a proc.cgroup names it (the next
 * file's snapshot then holds the id alone, which its own proc.cgroup names).
 */
static void entry_cgroup(struct proc_table *t, struct proc_entry *e, uint64_t id)
{
	if (!id || e->u[EBR_F_PROC_TASK_CGROUP_ID] == id)
		return;
	e->u[EBR_F_PROC_TASK_CGROUP_ID] = id;
	blob_put(e->b[EBR_F_PROC_TASK_CGROUP]);
	blob_put(e->b[EBR_F_PROC_TASK_CONTAINER]);
	e->b[EBR_F_PROC_TASK_CGROUP] = e->b[EBR_F_PROC_TASK_CONTAINER] = NULL;
	for (size_t i = 0; i < t->n; i++)
		if (&t->procs[i] != e && t->procs[i].u[EBR_F_PROC_TASK_CGROUP_ID] == id) {
			entry_share(e, &t->procs[i], EBR_F_PROC_TASK_CGROUP);
			entry_share(e, &t->procs[i], EBR_F_PROC_TASK_CONTAINER);
			return;
		}
}

/* A proc.cgroup: the process moved to (or started in) the cgroup it names. */
static int proc_cgroup(struct proc_table *t, const struct ebr_value *v)
{
	struct proc_entry *e;
	size_t pos;
	const char *path = v[EBR_F_PROC_CGROUP_CGROUP].s, *ctr = v[EBR_F_PROC_CGROUP_CONTAINER].s;

	e = proc_find(t, v[EBR_F_PROC_CGROUP_PID].u, &pos);
	if (!e)
		return 0;
	e->u[EBR_F_PROC_TASK_CGROUP_ID] = v[EBR_F_PROC_CGROUP_CGROUP_ID].u;
	return entry_set(e, EBR_F_PROC_TASK_CGROUP, path, path ? strlen(path) : 0) ?:
	       entry_set(e, EBR_F_PROC_TASK_CONTAINER, ctr, ctr ? strlen(ctr) : 0);
}

/* The child of a fork starts as its parent: cgroup, working directory, arguments, uid. */
static int proc_fork(struct proc_table *t, uint64_t ts, const struct ebr_value *v)
{
	uint64_t ppid = v[EBR_F_PROC_FORK_PID].u, pid = v[EBR_F_PROC_FORK_CHILD_PID].u;
	struct proc_entry child = { 0 }, *parent, *e;
	const char *comm = v[EBR_F_PROC_FORK_COMM].s;
	size_t pos;

	parent = proc_find(t, ppid, &pos);
	if (parent) {
		child = *parent;
		for (size_t f = 0; f < EBR_BUILD_FIELDS; f++)
			if (child.b[f])
				child.b[f]->refs++;
	}
	child.u[EBR_F_PROC_TASK_PID] = pid;
	child.u[EBR_F_PROC_TASK_PPID] = ppid;
	child.u[EBR_F_PROC_TASK_UID] = v[EBR_F_PROC_FORK_UID].u;
	child.u[EBR_F_PROC_TASK_START_NS] = ts;
	child.u[EBR_F_PROC_TASK_THREADS] = 1;
	if (entry_set(&child, EBR_F_PROC_TASK_COMM, comm, comm ? strlen(comm) : 0))
		goto nomem;
	/* a pid reused: the process that had it ended without an exit we saw */
	e = proc_upsert(t, pid);
	if (!e)
		goto nomem;
	entry_release(e);
	*e = child;
	/* clone3(CLONE_INTO_CGROUP) starts it elsewhere */
	entry_cgroup(t, e, v[EBR_F_PROC_FORK_CGROUP_ID].u);
	return 0;
nomem:
	entry_release(&child);
	return -ENOMEM;
}

/* A successful exec: the new program's name and arguments; its other threads are gone. */
static int proc_exec(struct proc_table *t, const struct ebr_value *v)
{
	const char *comm = v[EBR_F_PROC_EXEC_COMM].s;
	struct proc_entry *e;
	int err;

	if (ebr_value_s64(&v[EBR_F_PROC_EXEC_RET]))
		return 0;
	e = proc_upsert(t, v[EBR_F_PROC_EXEC_PID].u);
	if (!e)
		return -ENOMEM;
	e->u[EBR_F_PROC_TASK_PPID] = v[EBR_F_PROC_EXEC_PPID].u;
	e->u[EBR_F_PROC_TASK_UID] = v[EBR_F_PROC_EXEC_UID].u;
	e->u[EBR_F_PROC_TASK_THREADS] = 1;
	entry_cgroup(t, e, v[EBR_F_PROC_EXEC_CGROUP_ID].u);
	err = entry_set(e, EBR_F_PROC_TASK_COMM, comm, comm ? strlen(comm) : 0);
	return err ?: entry_set(e, EBR_F_PROC_TASK_ARGS, v[EBR_F_PROC_EXEC_ARGS].s,
				v[EBR_F_PROC_EXEC_ARGS].len);
}

int proc_table_event(struct proc_table *t, uint32_t type, uint64_t ts, const struct ebr_value *v)
{
	struct proc_entry *e;
	size_t pos;

	switch (type) {
	case EBR_EV_PROC_FORK:
		return proc_fork(t, ts, v);
	case EBR_EV_PROC_EXEC:
		return proc_exec(t, v);
	case EBR_EV_PROC_CGROUP:
		return proc_cgroup(t, v);
	case EBR_EV_PROC_EXIT:
		if (!(v[EBR_F_PROC_EXIT_FLAGS].u & EBR_EXIT_GROUP_DEAD))
			return 0;
		e = proc_find(t, v[EBR_F_PROC_EXIT_PID].u, &pos);
		if (!e)
			return 0;
		entry_release(e);
		memmove(e, e + 1, (t->n - pos - 1) * sizeof(*e));
		t->n--;
		return 0;
	default:
		return 0;
	}
}

int proc_table_each(const struct proc_table *t, int (*fn)(void *arg, const struct ebr_value *v),
		    void *arg)
{
	const struct ebr_event_def *d = ebr_event_def(EBR_EV_PROC_TASK);
	int err = 0;

	for (size_t i = 0; i < t->n && !err; i++) {
		const struct proc_entry *e = &t->procs[i];
		struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };

		for (size_t f = 0; f < d->nfields; f++) {
			v[f].u = e->u[f];
			if (e->b[f]) {
				v[f].s = e->b[f]->data;
				v[f].len = e->b[f]->len;
			}
		}
		err = fn(arg, v);
	}
	return err;
}

struct table_writer {
	struct ebr_writer *w;
	uint64_t ts;
};

static int write_task(void *arg, const struct ebr_value *v)
{
	const struct table_writer *tw = arg;

	return errno_of_ebr(ebr_writer_event(tw->w, EBR_EV_PROC_TASK, tw->ts, 0, v));
}

int proc_table_write(const struct proc_table *t, struct ebr_writer *w, uint64_t ts)
{
	struct table_writer tw = { w, ts };

	return proc_table_each(t, write_task, &tw);
}

bool proc_table_args(const struct proc_table *t, uint64_t pid, const char **args, size_t *len)
{
	const struct proc_entry *e;
	size_t pos;

	e = proc_find(t, pid, &pos);
	if (!e)
		return false;
	*args = e->b[EBR_F_PROC_TASK_ARGS] ? e->b[EBR_F_PROC_TASK_ARGS]->data : "";
	*len = e->b[EBR_F_PROC_TASK_ARGS] ? e->b[EBR_F_PROC_TASK_ARGS]->len : 0;
	return true;
}

void proc_table_free(struct proc_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		entry_release(&t->procs[i]);
	free(t->procs);
	t->procs = NULL;
	t->n = t->cap = 0;
	t->seeded = false;
}
