// SPDX-License-Identifier: BSD-2-Clause
/* The predictions of FORMAT.md "Predicted fields": format/predict.h. */
#include <string.h>
#include "predict.h"
#include "format/ebr.h"
#include "format/mem.h"
#include "format/sched_flags.h"
#include "format/siphash.h"
#include "wire.h"

int switch_memory_start(struct switch_memory *m, uint32_t ncpus, uint32_t nthreads)
{
	size_t want = 64;
	unsigned bits = 6;

	if (array_grow((void **)&m->cpus, &m->cap_cpus, ncpus ? ncpus : 1, sizeof(*m->cpus), 16))
		return EBR_E_NOMEM;
	memset(m->cpus, 0, (ncpus ? ncpus : 1) * sizeof(*m->cpus));
	while (want < 2 * (size_t)nthreads) {
		want <<= 1;
		bits++;
	}
	if (want > m->nslots) {
		struct switch_out *s = ebr_calloc(want, sizeof(*s));

		if (!s)
			return EBR_E_NOMEM;
		ebr_free(m->slots);
		m->slots = s;
		m->nslots = want;
		m->shift = 64 - bits;
		m->gen = 0;
	}
	if (!m->mult) {
		struct siphash_key k;

		siphash_key_random(&k);
		m->mult = k.k0 | 1;
	}
	/* a new generation: every slot of the blocks before is dead */
	if (++m->gen == 0) {
		memset(m->slots, 0, m->nslots * sizeof(*m->slots));
		m->gen = 1;
	}
	return 0;
}

/* The slot of tid: its own, or the empty one where it would go. */
static struct switch_out *slot_of(struct switch_memory *m, uint64_t tid)
{
	size_t mask = m->nslots - 1, i = (size_t)((tid * m->mult) >> m->shift);

	while (m->slots[i].gen == m->gen && m->slots[i].tid != tid)
		i = (i + 1) & mask;
	return &m->slots[i];
}

struct switch_prediction switch_predict(struct switch_memory *m, uint32_t ci, uint64_t ts,
					uint64_t flags, uint64_t prev_tid, uint64_t next_tid)
{
	struct switch_out *out = slot_of(m, next_tid);
	bool taken_off = out->gen == m->gen;
	struct switch_prediction p = { 0 };

	if (flags & EBR_SCHED_ONCPU && m->cpus[ci].seen)
		p.oncpu_ns = ts - m->cpus[ci].ts;
	if (flags & EBR_SCHED_OFFCPU && taken_off)
		p.offcpu_ns = ts - out->ts;
	if (flags & EBR_SCHED_RUNQ && taken_off && out->preempted)
		p.runq_ns = ts - out->ts;
	m->cpus[ci] = (struct switch_last){ ts, true };
	out = slot_of(m, prev_tid);
	*out = (struct switch_out){ .tid = prev_tid, .ts = ts, .gen = m->gen,
				    .preempted = (flags & EBR_SCHED_PREEMPTED) != 0 };
	return p;
}

void switch_memory_release(struct switch_memory *m)
{
	ebr_free(m->cpus);
	ebr_free(m->slots);
	memset(m, 0, sizeof(*m));
}
