// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/tally.h"
#include "format/ebr.h"
#include "format/mem.h"

int tally_add(struct tally *t, uint32_t pid, const char *comm, uint64_t value, bool flagged)
{
	struct tally_proc *p;
	uint32_t i;

	t->rows++;
	t->sum += value;
	t->flagged += flagged;
	if (!u64map_get(&t->by_pid, pid, &i)) {
		if (t->len >= TALLY_MAX_PROCS)
			return 0;
		p = grow_array(t->procs, t->len, &t->cap, sizeof(*t->procs));
		if (!p)
			return EBR_E_NOMEM;
		t->procs = p;
		i = t->len;
		if (u64map_put(&t->by_pid, pid, i))
			return EBR_E_NOMEM;
		memset(&t->procs[i], 0, sizeof(t->procs[i]));
		t->procs[i].pid = pid;
		t->len++;
	}
	p = &t->procs[i];
	ebr_comm_copy(p->comm, comm);
	p->rows++;
	p->sum += value;
	p->flagged += flagged;
	return 0;
}

static int by_rows(const void *pa, const void *pb)
{
	const struct tally_proc *a = pa, *b = pb;

	if (a->rows != b->rows)
		return a->rows < b->rows ? 1 : -1;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

static int by_sum(const void *pa, const void *pb)
{
	const struct tally_proc *a = pa, *b = pb;

	if (a->sum != b->sum)
		return a->sum < b->sum ? 1 : -1;
	return by_rows(pa, pb);
}

void tally_sort(struct tally *t, bool sum)
{
	u64map_release(&t->by_pid);
	if (t->len > 1)
		qsort(t->procs, t->len, sizeof(*t->procs), sum ? by_sum : by_rows);
}

void tally_release(struct tally *t)
{
	u64map_release(&t->by_pid);
	ebr_free(t->procs);
	memset(t, 0, sizeof(*t));
}
