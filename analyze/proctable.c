// SPDX-License-Identifier: GPL-2.0-only
/*
 * The process table: who each PID was at each moment of the trace. Built in file order as
 * the trace is read, before the views see each event, so a view asking about a PID gets the
 * process as it was when the event happened: its cgroup too, which a process keeps until it
 * moves (proc.cgroup), and which a child inherits unless its fork says otherwise.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/proc.h"
#include "analyze/siphash.h"
#include "format/mem.h"

/*
 * Arguments and working directories are shared by a process and the children it forks, until
 * one of them execs or changes directory: a fork costs O(1), where a copy of its parent's
 * arguments cost up to 1 MiB (a trace of 414 KB made 2.1 GB of copies).
 */
struct shared_bytes {
	uint64_t refs;
	char bytes[];
};

/* A shared copy of s[0..len) with a NUL after it, or NULL when out of memory. */
static char *shared_new(const char *s, size_t len)
{
	struct shared_bytes *b = ebr_malloc(sizeof(*b) + len + 1);

	if (!b)
		return NULL;
	b->refs = 1;
	memcpy(b->bytes, s, len);
	b->bytes[len] = 0;
	return b->bytes;
}

static char *shared_ref(char *bytes)
{
	if (bytes)
		((struct shared_bytes *)(bytes - offsetof(struct shared_bytes, bytes)))->refs++;
	return bytes;
}

static void shared_drop(char *bytes)
{
	struct shared_bytes *b;

	if (!bytes)
		return;
	b = (struct shared_bytes *)(bytes - offsetof(struct shared_bytes, bytes));
	if (!--b->refs)
		ebr_free(b);
}

static void entry_release(struct proc_entry *e)
{
	shared_drop(e->args);
	shared_drop(e->title);
	shared_drop(e->cwd);
}

/*
 * The index of the path in the table's paths, or where a new one goes: the keyed hash of the
 * path, and of an attempt count on a collision (two paths, one hash), so that a trace cannot
 * make two cgroups one.
 */
static bool cgroup_find_path(const struct proctable *t, const char *path, size_t len,
			     uint64_t *key, uint32_t *i)
{
	for (uint64_t attempt = 0;; attempt++) {
		const struct proc_cgroup *c;

		*key = siphash(attempt, path, len);
		if (!u64map_get(&t->cgroup_by_path, *key, i))
			return false;
		c = &t->cgroups[*i];
		if (c->path_len == len && !memcmp(c->path, path, len))
			return true;
	}
}

/* Gives the cgroup at index i its path (it had none), with its container. */
static int cgroup_set_path(struct proctable *t, uint32_t i, const char *path, size_t len,
			   const char *container, uint64_t key)
{
	struct proc_cgroup *c = &t->cgroups[i];
	char *copy = ebr_malloc(len + 1);

	if (!copy)
		return EBR_E_NOMEM;
	memcpy(copy, path, len);
	copy[len] = 0;
	ebr_free(c->path);
	c->path = copy;
	c->path_len = (uint32_t)len;
	/* the file's own field when it has one (a redacted trace's), else the rule */
	if (container && *container)
		snprintf(c->container, sizeof(c->container), "%s", container);
	else
		ebr_container_id(copy, len, c->container);
	return len ? u64map_put(&t->cgroup_by_path, key, i) : 0;
}

/*
 * The cgroup of id and path (either may be unknown: 0, NULL or ""), added when new, into *out
 * (1 + its index; 0 when both are unknown or the table is full). A path names the cgroup when
 * both are known; an id seen before with no path gets it here.
 */
static int cgroup_intern(struct proctable *t, uint64_t id, const char *path,
			 const char *container, uint32_t *out)
{
	size_t len = path ? strnlen(path, PROC_PATH_MAX - 1) : 0;
	struct proc_cgroup *c;
	uint64_t key = 0;
	uint32_t i;
	int err;

	*out = 0;
	if (id && u64map_get(&t->cgroup_by_id, id, &i)) {
		uint32_t other;

		c = &t->cgroups[i];
		if (!len || (c->path_len == len && !memcmp(c->path, path, len)))
			goto found;
		if (!c->path_len && !cgroup_find_path(t, path, len, &key, &other)) {
			err = cgroup_set_path(t, i, path, len, container, key);
			if (err)
				return err;
			goto found;
		}
	}
	if (len && cgroup_find_path(t, path, len, &key, &i)) {
		if (id && !t->cgroups[i].id)
			t->cgroups[i].id = id;
		if (id && (err = u64map_put(&t->cgroup_by_id, id, i)))
			return err;
		goto found;
	}
	if (!len && !id)
		return 0;
	if (t->ncgroups == PROCTABLE_MAX_CGROUPS) {
		t->dropped++;
		return 0;
	}
	c = grow_array(t->cgroups, t->ncgroups, &t->cgroups_cap, sizeof(*c));
	if (!c)
		return EBR_E_NOMEM;
	t->cgroups = c;
	i = t->ncgroups++;
	c = &t->cgroups[i];
	memset(c, 0, sizeof(*c));
	c->id = id;
	if (id && (err = u64map_put(&t->cgroup_by_id, id, i)))
		return err;
	err = cgroup_set_path(t, i, len ? path : "", len, container, key);
	if (err)
		return err;
found:
	*out = i + 1;
	return 0;
}

const struct proc_cgroup *proctable_cgroup(const struct proctable *t, const struct proc_entry *e)
{
	return e && e->cgroup && e->cgroup <= t->ncgroups ? &t->cgroups[e->cgroup - 1] : NULL;
}

/* A process's cgroup is id's, when the event names one and it is not the one it has. */
static int cgroup_of_id(struct proctable *t, struct proc_entry *e, uint64_t id)
{
	const struct proc_cgroup *c = proctable_cgroup(t, e);

	if (!id || (c && c->id == id))
		return 0;
	return cgroup_intern(t, id, NULL, NULL, &e->cgroup);
}

/* A new incarnation of pid, which becomes the current one. NULL when out of memory or cap. */
static struct proc_entry *add_entry(struct proctable *t, uint32_t pid)
{
	struct proc_entry *e;

	if (t->len == PROCTABLE_MAX_ENTRIES) {
		t->dropped++;
		return NULL;
	}
	e = grow_array(t->entries, t->len, &t->cap, sizeof(*e));
	if (!e)
		return NULL;
	t->entries = e;
	if (u64map_put(&t->by_pid, pid, t->len))
		return NULL;
	e = &t->entries[t->len++];
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	return e;
}

/* What a failed add_entry() means: a full table is not an error, only a count. */
static int add_failed(const struct proctable *t)
{
	return t->len == PROCTABLE_MAX_ENTRIES ? 0 : EBR_E_NOMEM;
}

static struct proc_entry *current(struct proctable *t, uint32_t pid)
{
	uint32_t i;

	return u64map_get(&t->by_pid, pid, &i) ? &t->entries[i] : NULL;
}

const struct proc_entry *proctable_find(const struct proctable *t, uint32_t pid)
{
	uint32_t i;

	return u64map_get(&t->by_pid, pid, &i) ? &t->entries[i] : NULL;
}

uint32_t proctable_incarnation(const struct proctable *t, uint32_t pid)
{
	uint32_t i;

	return u64map_get(&t->by_pid, pid, &i) ? i + 1 : 0;
}

static void set_comm(struct proc_entry *e, const struct ebr_value *v)
{
	ebr_comm_copy(e->comm, v->s);
}

static int set_args(struct proc_entry *e, const struct ebr_value *v)
{
	shared_drop(e->args);
	e->args = NULL;
	e->args_len = 0;
	if (!v->s)
		return 0;
	e->args = shared_new(v->s, v->len);
	if (!e->args)
		return EBR_E_NOMEM;
	e->args_len = v->len;
	return 0;
}

/* Appends s to out[*n], cut to fit len with its NUL (snprintf's "%s" without its cost: a
 * listing makes one path per row; s is read no further than fits). false if s was cut. */
static bool append(char *out, size_t len, size_t *n, const char *s)
{
	size_t room = len - 1 - *n, k = strnlen(s, room + 1);
	bool whole = k <= room;

	if (!whole)
		k = room;
	memcpy(out + *n, s, k);
	*n += k;
	out[*n] = 0;
	return whole;
}

/* A path that did not fit ends in "...", so that a cut one is not read as a whole one. */
static const char *mark_cut(char *out, size_t n, bool whole)
{
	if (!whole && n >= 3)
		memcpy(out + n - 3, "...", 3);
	return out;
}

static const char *copy(const char *s, char *out, size_t len)
{
	size_t n = 0;
	bool whole;

	if (!len)
		return out;
	out[0] = 0;
	whole = append(out, len, &n, s);
	return mark_cut(out, n, whole);
}

/* cwd kept cut to PROC_PATH_MAX: each path joined to it is read no further */
static int set_cwd(struct proc_entry *e, const char *cwd)
{
	char buf[PROC_PATH_MAX];

	if (cwd && *cwd)
		copy(cwd, buf, sizeof(buf)); /* first: cwd may be e's own */
	shared_drop(e->cwd);
	e->cwd = NULL;
	if (!cwd || !*cwd)
		return 0;
	e->cwd = shared_new(buf, strlen(buf));
	return e->cwd ? 0 : EBR_E_NOMEM;
}

static int on_proc_task(struct proctable *t, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint32_t pid = (uint32_t)v[EBR_F_PROC_TASK_PID].u;
	struct proc_entry *e = current(t, pid);

	/*
	 * A live PID names one process: in a series of files read as one (report/series.c), a
	 * process seen in one file is in the next one's snapshot, and stays one process; it takes
	 * from the snapshot only what it did not know.
	 */
	if (e && !e->exited) {
		e->ppid = (uint32_t)v[EBR_F_PROC_TASK_PPID].u;
		set_comm(e, &v[EBR_F_PROC_TASK_COMM]);
		return (e->args ? 0 : set_args(e, &v[EBR_F_PROC_TASK_ARGS])) ?:
		       (e->cwd ? 0 : set_cwd(e, v[EBR_F_PROC_TASK_CWD].s)) ?:
		       (e->cgroup ? 0 : cgroup_intern(t, v[EBR_F_PROC_TASK_CGROUP_ID].u,
						       v[EBR_F_PROC_TASK_CGROUP].s,
						       v[EBR_F_PROC_TASK_CONTAINER].s, &e->cgroup));
	}
	e = add_entry(t, pid);
	if (!e)
		return add_failed(t);
	e->ppid = (uint32_t)v[EBR_F_PROC_TASK_PPID].u;
	e->uid = (uint32_t)v[EBR_F_PROC_TASK_UID].u;
	e->start_ns = v[EBR_F_PROC_TASK_START_NS].u;
	e->known_start = true;
	e->in_snapshot = true;
	set_comm(e, &v[EBR_F_PROC_TASK_COMM]);
	return set_args(e, &v[EBR_F_PROC_TASK_ARGS]) ?: set_cwd(e, v[EBR_F_PROC_TASK_CWD].s) ?:
	       cgroup_intern(t, v[EBR_F_PROC_TASK_CGROUP_ID].u, v[EBR_F_PROC_TASK_CGROUP].s,
			     v[EBR_F_PROC_TASK_CONTAINER].s, &e->cgroup);
}

static int on_proc_fork(struct proctable *t, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint32_t ppid = (uint32_t)v[EBR_F_PROC_FORK_PID].u;
	struct proc_entry *e = add_entry(t, (uint32_t)v[EBR_F_PROC_FORK_CHILD_PID].u);
	const struct proc_entry *parent;

	if (!e)
		return add_failed(t);
	parent = current(t, ppid); /* after add_entry: it may have moved the entries */
	e->ppid = ppid;
	e->uid = (uint32_t)v[EBR_F_PROC_FORK_UID].u;
	e->start_ns = ev->ts;
	e->known_start = true;
	set_comm(e, &v[EBR_F_PROC_FORK_COMM]);
	/* until it execs, a child runs its parent's program, in its parent's directory */
	if (parent) {
		e->args = shared_ref(parent->args);
		e->args_len = parent->args_len;
		e->title = shared_ref(parent->title); /* its memory is a copy of its parent's */
		e->cwd = shared_ref(parent->cwd);
		e->cgroup = parent->cgroup;
	}
	/* clone3(CLONE_INTO_CGROUP) starts it elsewhere; a parent the trace did not know */
	return cgroup_of_id(t, e, v[EBR_F_PROC_FORK_CGROUP_ID].u);
}

static int on_proc_exec(struct proctable *t, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint32_t pid = (uint32_t)v[EBR_F_PROC_EXEC_PID].u;
	struct proc_entry *e;

	if (ebr_value_s64(&v[EBR_F_PROC_EXEC_RET]) != 0)
		return 0;
	e = current(t, pid);
	if (!e || e->exited) { /* a process this trace did not see start */
		if (!(e = add_entry(t, pid)))
			return add_failed(t);
		e->ppid = (uint32_t)v[EBR_F_PROC_EXEC_PPID].u;
	}
	e->uid = (uint32_t)v[EBR_F_PROC_EXEC_UID].u;
	e->execed = true;
	e->args_cut = v[EBR_F_PROC_EXEC_FLAGS].u != 0;
	shared_drop(e->title); /* a new program: its arguments are what it shows */
	e->title = NULL;
	set_comm(e, &v[EBR_F_PROC_EXEC_COMM]);
	return set_args(e, &v[EBR_F_PROC_EXEC_ARGS]) ?:
	       cgroup_of_id(t, e, v[EBR_F_PROC_EXEC_CGROUP_ID].u);
}

static int on_proc_cgroup(struct proctable *t, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint32_t pid = (uint32_t)v[EBR_F_PROC_CGROUP_PID].u;
	struct proc_entry *e = current(t, pid);

	if (!e || e->exited) { /* a process this trace did not see start: it moved in */
		if (!(e = add_entry(t, pid)))
			return add_failed(t);
		set_comm(e, &v[EBR_F_PROC_CGROUP_COMM]);
	}
	return cgroup_intern(t, v[EBR_F_PROC_CGROUP_CGROUP_ID].u, v[EBR_F_PROC_CGROUP_CGROUP].s,
			     v[EBR_F_PROC_CGROUP_CONTAINER].s, &e->cgroup);
}

static int on_proc_exit(struct proctable *t, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint32_t pid = (uint32_t)v[EBR_F_PROC_EXIT_PID].u;
	struct proc_entry *e;

	if (!(v[EBR_F_PROC_EXIT_FLAGS].u & EBR_EXIT_GROUP_DEAD))
		return 0; /* a thread, not the process */
	e = current(t, pid);
	if (!e || e->exited) {
		if (!(e = add_entry(t, pid)))
			return add_failed(t);
		e->ppid = (uint32_t)v[EBR_F_PROC_EXIT_PPID].u;
		e->start_ns = v[EBR_F_PROC_EXIT_START_NS].u;
		e->known_start = true;
		set_comm(e, &v[EBR_F_PROC_EXIT_COMM]);
	}
	e->exited = true;
	e->exit_ns = ev->ts;
	e->exit_code = v[EBR_F_PROC_EXIT_CODE].u;
	return 0;
}

/* A title read at the exit (just before proc.exit) or at the end of a file: the latest holds. */
static int on_proc_title(struct proctable *t, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint32_t pid = (uint32_t)v[EBR_F_PROC_TITLE_PID].u;
	const char *title = v[EBR_F_PROC_TITLE_TITLE].s;
	struct proc_entry *e = current(t, pid);

	if (!e || e->exited) { /* a process this trace did not see start */
		if (!(e = add_entry(t, pid)))
			return add_failed(t);
		set_comm(e, &v[EBR_F_PROC_TITLE_COMM]);
	}
	shared_drop(e->title);
	e->title = NULL;
	if (!title || !title[0])
		return 0;
	e->title = shared_new(title, strlen(title));
	return e->title ? 0 : EBR_E_NOMEM;
}

static const char *fd_path(const struct proctable *t, uint32_t pid, int64_t fd)
{
	uint32_t i;

	if (fd < 0 || fd > INT32_MAX)
		return NULL;
	return u64map_get(&t->fds, (uint64_t)pid << 32 | (uint64_t)fd, &i) ? t->fd_paths[i] : NULL;
}

/* Joins dir and a relative path, dropping "./" prefixes. */
static const char *join(const char *dir, const char *path, char *out, size_t len)
{
	size_t n = 0;
	bool whole;

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (!strcmp(path, "."))
		path = "";
	if (!len)
		return out;
	out[0] = 0;
	whole = append(out, len, &n, dir);
	if (whole && *path && strcmp(dir, "/"))
		whole = append(out, len, &n, "/");
	if (whole)
		whole = append(out, len, &n, path);
	return mark_cut(out, n, whole);
}

const char *proctable_abspath(const struct proctable *t, uint32_t pid, int64_t dirfd,
			      const char *path, char *out, size_t len)
{
	const struct proc_entry *e;
	const char *dir = NULL;

	if (!path || path[0] == '/' || !path[0]) /* as it is: no copy unless it must be cut */
		return strnlen(path ? path : "", len) < len ? (path ? path : "") : copy(path, out, len);
	if (dirfd == EBR_AT_FDCWD) {
		e = proctable_find(t, pid);
		dir = e ? e->cwd : NULL;
	} else {
		dir = fd_path(t, pid, dirfd);
	}
	if (!dir)
		return copy(path, out, len);
	return join(dir, path, out, len);
}

static int remember_fd(struct proctable *t, uint32_t pid, int64_t fd, const char *path)
{
	uint64_t key = (uint64_t)pid << 32 | (uint64_t)fd;
	char *copy, **paths;
	uint32_t i;

	if (fd < 0 || fd > INT32_MAX || !path[0])
		return 0;
	/* a loop that opens the same file gets the same descriptor back: nothing to copy */
	if (u64map_get(&t->fds, key, &i) && !strcmp(t->fd_paths[i], path))
		return 0;
	copy = ebr_strdup(path);
	if (!copy)
		return EBR_E_NOMEM;
	if (u64map_get(&t->fds, key, &i)) { /* the descriptor was closed and reused */
		ebr_free(t->fd_paths[i]);
		t->fd_paths[i] = copy;
		return 0;
	}
	if (t->nfd == PROCTABLE_MAX_FDS) {
		ebr_free(copy);
		t->dropped++;
		return 0;
	}
	paths = grow_array(t->fd_paths, t->nfd, &t->fd_cap, sizeof(*paths));
	if (!paths) {
		ebr_free(copy);
		return EBR_E_NOMEM;
	}
	t->fd_paths = paths;
	t->fd_paths[t->nfd] = copy;
	if (u64map_put(&t->fds, key, t->nfd)) {
		ebr_free(copy);
		return EBR_E_NOMEM;
	}
	t->nfd++;
	return 0;
}

static int on_open(struct proctable *t, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint32_t pid = (uint32_t)v[EBR_F_FILE_OPEN_PID].u;
	char path[PROC_PATH_MAX];

	if (ebr_value_s64(&v[EBR_F_FILE_OPEN_RET]) < 0)
		return 0;
	return remember_fd(t, pid, ebr_value_s64(&v[EBR_F_FILE_OPEN_RET]),
			   proctable_abspath(t, pid, ebr_value_s64(&v[EBR_F_FILE_OPEN_DIRFD]),
					     v[EBR_F_FILE_OPEN_PATH].s, path, sizeof(path)));
}

static int on_chdir(struct proctable *t, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint32_t pid = (uint32_t)v[EBR_F_FILE_CHDIR_PID].u;
	int64_t fd = ebr_value_s64(&v[EBR_F_FILE_CHDIR_FD]);
	struct proc_entry *e = current(t, pid);
	const char *path = v[EBR_F_FILE_CHDIR_PATH].s;
	char buf[PROC_PATH_MAX];

	if (!e || ebr_value_s64(&v[EBR_F_FILE_CHDIR_RET]) != 0)
		return 0;
	if (fd != EBR_AT_FDCWD) /* fchdir */
		return set_cwd(e, fd_path(t, pid, fd));
	if (!path || (path[0] != '/' && !e->cwd))
		return set_cwd(e, NULL); /* relative to a directory we do not know */
	return set_cwd(e, proctable_abspath(t, pid, EBR_AT_FDCWD, path, buf, sizeof(buf)));
}

int proctable_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct proctable *t = self;

	switch (ev->type) {
	case EBR_EV_PROC_TASK:
		return on_proc_task(t, ev);
	case EBR_EV_PROC_FORK:
		return on_proc_fork(t, ev);
	case EBR_EV_PROC_EXEC:
		return on_proc_exec(t, ev);
	case EBR_EV_PROC_EXIT:
		return on_proc_exit(t, ev);
	case EBR_EV_PROC_CGROUP:
		return on_proc_cgroup(t, ev);
	case EBR_EV_PROC_TITLE:
		return on_proc_title(t, ev);
	case EBR_EV_FILE_OPEN:
		return t->no_paths ? 0 : on_open(t, ev);
	case EBR_EV_FILE_CHDIR:
		return t->no_paths ? 0 : on_chdir(t, ev);
	default:
		return 0;
	}
}

uint32_t proctable_types(const struct proctable *t)
{
	uint32_t types = EBR_TYPE(EBR_EV_PROC_TASK) | EBR_TYPE(EBR_EV_PROC_FORK) |
			 EBR_TYPE(EBR_EV_PROC_EXEC) | EBR_TYPE(EBR_EV_PROC_EXIT) |
			 EBR_TYPE(EBR_EV_PROC_CGROUP) | EBR_TYPE(EBR_EV_PROC_TITLE);

	return t->no_paths ? types : types | EBR_TYPE(EBR_EV_FILE_OPEN) | EBR_TYPE(EBR_EV_FILE_CHDIR);
}

void proctable_release(struct proctable *t)
{
	for (uint32_t i = 0; i < t->len; i++)
		entry_release(&t->entries[i]);
	ebr_free(t->entries);
	for (uint32_t i = 0; i < t->nfd; i++)
		ebr_free(t->fd_paths[i]);
	ebr_free(t->fd_paths);
	for (uint32_t i = 0; i < t->ncgroups; i++)
		ebr_free(t->cgroups[i].path);
	ebr_free(t->cgroups);
	u64map_release(&t->cgroup_by_id);
	u64map_release(&t->cgroup_by_path);
	u64map_release(&t->by_pid);
	u64map_release(&t->fds);
	*t = (struct proctable){ 0 };
}

const char *proc_args_join(const char *args, size_t args_len, bool cut, char *out, size_t len)
{
	size_t n = 0;

	if (!len)
		return out;
	if (args_len && !args[args_len - 1])
		args_len--; /* the last argument's terminator */
	n = args_len < len - 1 ? args_len : len - 1;
	memcpy(out, args, n);
	out[n] = 0;
	/* a row's listing joins a command line an event: whole words at a time, not bytes */
	for (char *z = memchr(out, 0, n); z; z = memchr(z + 1, 0, (size_t)(out + n - z - 1)))
		*z = ' ';
	if (cut)
		snprintf(out + n, len - n, " ...");
	return out;
}
