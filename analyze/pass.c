// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include "analyze/pass.h"
#include "format/mem.h"

uint64_t trace_start_ns(const struct ebr_reader *r)
{
	return ebr_reader_start_ns(r);
}

double trace_seconds(const struct ebr_reader *r, uint64_t mono_ns)
{
	uint64_t start = trace_start_ns(r);

	return mono_ns > start ? (double)(mono_ns - start) / 1e9 : 0.0;
}

void analyzer_fanout_init(struct analyzer_fanout *f, const struct analyzer *an, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->an = an;
	f->nan = n;
	f->every = n > ANALYZER_FANOUT_MAX;
	for (size_t i = 0; i < n; i++) {
		if (!an[i].on_event)
			continue;
		f->wanted |= an[i].types ? an[i].types : EBR_EVERY_TYPE;
		if (f->every)
			continue;
		for (uint32_t t = 0; t < EBR_EV_LIMIT; t++)
			if (!an[i].types || (an[i].types & EBR_TYPE(t)))
				f->which[t][f->n[t]++] = (uint8_t)i;
	}
}

int analyzer_fanout_event(const struct analyzer_fanout *f, const struct ebr_reader *r,
			  const struct ebr_event *ev)
{
	const struct analyzer *a;
	int err;

	if (f->every || ev->type >= EBR_EV_LIMIT) {
		for (size_t i = 0; i < f->nan; i++)
			if (f->an[i].on_event && (err = f->an[i].on_event(f->an[i].self, r, ev)))
				return err;
		return 0;
	}
	for (uint32_t i = 0; i < f->n[ev->type]; i++) {
		a = &f->an[f->which[ev->type][i]];
		if ((err = a->on_event(a->self, r, ev)))
			return err;
	}
	return 0;
}

int analyze_pass_limited(struct ebr_reader *r, const struct analyzer *an, size_t n,
			 struct pass_limit *limit)
{
	const struct ebr_event *ev = NULL;
	struct analyzer_fanout fan;
	uint64_t events = 0, stepped_before = ebr_reader_stepped_over(r);
	int ret;

	analyzer_fanout_init(&fan, an, n);
	/* the events no analyzer reads are stepped over in the reader, not built (a runqlat
	 * of 10.5 M file and sched events builds the 3.5 M sched events alone) */
	ebr_reader_want_types(r, fan.wanted);

	while ((ret = ebr_reader_next(r, &ev)) > 0) {
		/* the allocations themselves are refused past the budget (format/mem.h): this
		 * stops the pass short of it, so that the views have room to show what it holds */
		if (limit && limit->max_heap && ebr_mem_held() > limit->max_heap) {
			limit->heap = ebr_mem_held();
			goto stop;
		}
		events++;
		ret = analyzer_fanout_event(&fan, r, ev);
		if (ret == EBR_E_NOMEM && limit) {
			events--;
			goto out_of_memory;
		}
		if (ret)
			goto done;
	}
	if (ret == EBR_E_NOMEM && limit)
		goto out_of_memory;
	goto done;
out_of_memory:
	limit->out_of_memory = !ebr_mem_limit_reached();
	limit->heap = ebr_mem_held();
stop:
	limit->stopped = true;
	limit->stop_ts = ev ? ev->ts : 0;
	ret = 0;
done: /* the reader gives every event again, and the events stepped over count as read */
	ebr_reader_want_types(r, EBR_EVERY_TYPE);
	if (limit)
		limit->events += events + ebr_reader_stepped_over(r) - stepped_before;
	return ret;
}

int analyze_pass(struct ebr_reader *r, const struct analyzer *an, size_t n)
{
	return analyze_pass_limited(r, an, n, NULL);
}

double trace_recording_seconds(const struct ebr_reader *r)
{
	const char *start = ebr_reader_meta(r, "clock.start.monotonic_ns");
	const char *end = ebr_reader_meta(r, "clock.end.monotonic_ns");
	unsigned long long s = start ? strtoull(start, NULL, 10) : 0;
	unsigned long long e = end ? strtoull(end, NULL, 10) : 0;

	return e > s ? (double)(e - s) / 1e9 : 0.0;
}
