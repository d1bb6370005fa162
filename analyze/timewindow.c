// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "analyze/timewindow.h"

int window_end_parse(const char *s, struct window_end *e)
{
	struct tm tm = { 0 };
	const char *end;
	char *num_end;
	double secs;

	memset(e, 0, sizeof(*e));
	secs = strtod(s, &num_end);
	if (*s && !*num_end && secs >= 0) {
		e->kind = WINDOW_SECONDS;
		e->seconds = secs;
		return 0;
	}
	end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
	if (end && !*end) {
		e->kind = WINDOW_REALTIME;
		e->ns = (int64_t)timegm(&tm) * 1000000000;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%H:%M:%S", &tm);
	if (end && !*end) {
		e->kind = WINDOW_TIME_OF_DAY;
		e->ns = (int64_t)(tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec) * 1000000000;
		return 0;
	}
	return -1;
}

/* CLOCK_MONOTONIC of a window end, through META's clock pair. */
static uint64_t resolve(struct time_window *w, const struct window_end *e,
		       const struct ebr_reader *r, uint64_t dflt)
{
	const char *real = ebr_reader_meta(r, "clock.start.realtime_ns");
	uint64_t start = trace_start_ns(r);
	int64_t start_real = real ? strtoll(real, NULL, 10) : 0, at;

	if (e->kind == WINDOW_NONE)
		return dflt;
	if (e->kind == WINDOW_SECONDS)
		return start + (uint64_t)(e->seconds * 1e9);
	if (!real) {
		w->unanchored = true; /* no wall clock in the trace: nothing to anchor to */
		return dflt;
	}
	at = e->ns;
	if (e->kind == WINDOW_TIME_OF_DAY)
		at += start_real / (86400ll * 1000000000) * (86400ll * 1000000000);
	at = at - start_real + (int64_t)start;
	return at < 0 ? 0 : (uint64_t)at;
}

static bool always_passes(uint32_t type)
{
	return type == EBR_EV_COUNTS || type == EBR_EV_PROC_TASK || type == EBR_EV_TCP_SOCK ||
	       type == EBR_EV_SYM_KERNEL || type == EBR_EV_SYM_OBJECT || type == EBR_EV_SYM_MAP ||
	       type == EBR_EV_SYM_FUNC;
}

void time_window_resolve(struct time_window *w, const struct ebr_reader *r)
{
	w->lo_ns = resolve(w, &w->since, r, 0);
	w->hi_ns = resolve(w, &w->until, r, UINT64_MAX);
	w->resolved = true;
}

int time_window_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct time_window *w = self;

	if (!w->resolved)
		time_window_resolve(w, r);
	if (w->fan.an != w->next || w->fan.nan != w->nnext)
		analyzer_fanout_init(&w->fan, w->next, w->nnext);
	if (!always_passes(ev->type) && (ev->ts < w->lo_ns || ev->ts > w->hi_ns))
		return 0;
	return analyzer_fanout_event(&w->fan, r, ev);
}

double time_window_since_s(const struct time_window *w, const struct ebr_reader *r)
{
	return trace_seconds(r, w->lo_ns);
}

double time_window_until_s(const struct time_window *w, const struct ebr_reader *r)
{
	/* no --until: none, whether or not an event resolved the window */
	return w->until.kind == WINDOW_NONE || w->hi_ns == UINT64_MAX ? -1
									: trace_seconds(r, w->hi_ns);
}
