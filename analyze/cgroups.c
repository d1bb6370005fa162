// SPDX-License-Identifier: GPL-2.0-only
/* What each cgroup or container of a trace did (analyze/cgroups.h). */
#include <stdlib.h>
#include <string.h>
#include "analyze/cgroups.h"
#include "analyze/grow.h"
#include "analyze/siphash.h"
#include "format/mem.h"

/* A container's key: a keyed hash of its id, never 0 (0: no container). */
static uint64_t container_key(const char *id)
{
	return id && id[0] ? siphash(0, id, strlen(id)) | 1 : 0;
}

/* The row of pid's cgroup (or container) now, or NULL (filtered out, or out of memory: *err). */
static struct cgroup_usage *row_of(struct cgroup_usage_model *m, uint64_t pid, const char *comm,
				   int *err)
{
	const struct proc_entry *e;
	const struct proc_cgroup *c;
	struct cgroup_usage *row;
	uint32_t cg = 0, i;
	uint64_t key;

	if (!proc_filter_match(&m->who, pid, comm))
		return NULL;
	e = proctable_find(m->procs, (uint32_t)pid);
	c = proctable_cgroup(m->procs, e);
	if (c)
		cg = e->cgroup;
	key = m->by_container ? container_key(c ? c->container : NULL) : cg;
	if (u64map_get(&m->by_key, key, &i)) {
		row = &m->rows[i];
	} else {
		row = grow_array(m->rows, m->len, &m->cap, sizeof(*row));
		if (!row || u64map_put(&m->by_key, key, m->len)) {
			if (row)
				m->rows = row;
			*err = EBR_E_NOMEM;
			return NULL;
		}
		m->rows = row;
		row = &m->rows[m->len++];
		memset(row, 0, sizeof(*row));
		row->key = key;
		row->cgroup = cg;
	}
	if (m->by_container && cg && !u64map_get(&m->cgroup_seen, cg, &i)) {
		if (u64map_put(&m->cgroup_seen, cg, 0)) {
			*err = EBR_E_NOMEM;
			return NULL;
		}
		row->cgroups++;
	}
	return row;
}

/*
 * 0 when the process table's current entry of pid is seen here for the first time (and is now
 * counted), 1 when it was counted already, or EBR_E_NOMEM.
 */
static int first_sight(struct cgroup_usage_model *m, uint64_t pid)
{
	const struct proc_entry *e = proctable_find(m->procs, (uint32_t)pid);
	uint32_t at = e ? (uint32_t)(e - m->procs->entries) : UINT32_MAX, was;

	if (u64map_get(&m->counted, pid, &was) && was == at)
		return 1;
	return u64map_put(&m->counted, pid, at);
}

int cgroup_usage_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct cgroup_usage_model *m = self;
	const struct ebr_value *v = ev->v;
	struct cgroup_usage *row;
	int err = 0;

	switch (ev->type) {
	case EBR_EV_PROC_TASK:
		if (!(err = first_sight(m, v[EBR_F_PROC_TASK_PID].u)) &&
		    (row = row_of(m, v[EBR_F_PROC_TASK_PID].u, v[EBR_F_PROC_TASK_COMM].s, &err)))
			row->procs++;
		err = err > 0 ? 0 : err;
		break;
	case EBR_EV_PROC_FORK:
		if (!(err = first_sight(m, v[EBR_F_PROC_FORK_CHILD_PID].u)) &&
		    (row = row_of(m, v[EBR_F_PROC_FORK_CHILD_PID].u, v[EBR_F_PROC_FORK_COMM].s,
				  &err)))
			row->procs++;
		err = err > 0 ? 0 : err;
		break;
	case EBR_EV_PROC_CGROUP: /* a name changes no process's cgroup, a move does */
		if (v[EBR_F_PROC_CGROUP_REASON].u != EBR_CGROUP_MOVED)
			break;
		row = row_of(m, v[EBR_F_PROC_CGROUP_PID].u, v[EBR_F_PROC_CGROUP_COMM].s, &err);
		if (row)
			row->procs++;
		break;
	case EBR_EV_PROC_EXEC:
		if (ebr_value_s64(&v[EBR_F_PROC_EXEC_RET]) == 0 &&
		    (row = row_of(m, v[EBR_F_PROC_EXEC_PID].u, v[EBR_F_PROC_EXEC_COMM].s, &err)))
			row->execs++;
		break;
	case EBR_EV_SCHED_SWITCH:
		m->cpu = true;
		if (!v[EBR_F_SCHED_SWITCH_PREV_TID].u ||
		    !(v[EBR_F_SCHED_SWITCH_FLAGS].u & EBR_SCHED_ONCPU))
			break;
		row = row_of(m, v[EBR_F_SCHED_SWITCH_PREV_PID].u, v[EBR_F_SCHED_SWITCH_PREV_COMM].s,
			     &err);
		if (row)
			row->cpu_ns += v[EBR_F_SCHED_SWITCH_ONCPU_NS].u;
		break;
	case EBR_EV_PROFILE_SAMPLE:
		m->profile = true;
		if (v[EBR_F_PROFILE_SAMPLE_TID].u &&
		    (row = row_of(m, v[EBR_F_PROFILE_SAMPLE_PID].u, v[EBR_F_PROFILE_SAMPLE_COMM].s,
				  &err)))
			row->samples++;
		break;
	case EBR_EV_BLOCK_RQ:
		m->block = true;
		if ((row = row_of(m, v[EBR_F_BLOCK_RQ_PID].u, v[EBR_F_BLOCK_RQ_COMM].s, &err))) {
			row->ios++;
			row->io_bytes += v[EBR_F_BLOCK_RQ_BYTES].u;
		}
		break;
	case EBR_EV_FILE_OPEN:
		m->file = true;
		if ((row = row_of(m, v[EBR_F_FILE_OPEN_PID].u, v[EBR_F_FILE_OPEN_COMM].s, &err)))
			row->opens++;
		break;
	default:
		break;
	}
	return err;
}

static int usage_cmp(const void *a, const void *b)
{
	const struct cgroup_usage *x = a, *y = b;
	const uint64_t kx[] = { x->cpu_ns, x->samples, x->io_bytes, x->opens, x->procs, x->execs };
	const uint64_t ky[] = { y->cpu_ns, y->samples, y->io_bytes, y->opens, y->procs, y->execs };

	for (size_t i = 0; i < sizeof(kx) / sizeof(kx[0]); i++)
		if (kx[i] != ky[i])
			return kx[i] > ky[i] ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

void cgroup_usage_sort(struct cgroup_usage_model *m)
{
	if (m->len)
		qsort(m->rows, m->len, sizeof(*m->rows), usage_cmp);
	u64map_release(&m->by_key); /* the rows moved: the index is no more */
}

void cgroup_usage_release(struct cgroup_usage_model *m)
{
	ebr_free(m->rows);
	u64map_release(&m->by_key);
	u64map_release(&m->cgroup_seen);
	u64map_release(&m->counted);
	m->rows = NULL;
	m->len = m->cap = 0;
}
