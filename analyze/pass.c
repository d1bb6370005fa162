// SPDX-License-Identifier: GPL-2.0-only
#include <malloc.h>
#include <stdlib.h>
#include "analyze/pass.h"

#if defined(__SANITIZE_ADDRESS__)
#define PASS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PASS_ASAN 1
#endif
#endif
#ifdef PASS_ASAN
/* from the sanitizer runtime (sanitizer/allocator_interface.h, not installed with gcc) */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

/* events between two looks at the heap, at most; every new block is looked at too */
#define PASS_CHECK_EVERY 1024

uint64_t trace_start_ns(const struct ebr_reader *r)
{
	return ebr_reader_start_ns(r);
}

double trace_seconds(const struct ebr_reader *r, uint64_t mono_ns)
{
	uint64_t start = trace_start_ns(r);

	return mono_ns > start ? (double)(mono_ns - start) / 1e9 : 0.0;
}

size_t pass_heap_bytes(void)
{
#ifdef PASS_ASAN
	/* ASan's allocator is not glibc's: mallinfo2() would see nothing */
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

int analyze_pass_limited(struct ebr_reader *r, const struct analyzer *an, size_t n,
			 struct pass_limit *limit)
{
	const struct ebr_event *ev;
	uint64_t events = 0, last_offset = 0;
	int ret;

	while ((ret = ebr_reader_next(r, &ev)) > 0) {
		events++;
		/* a block holds at most 16 MiB: checking at each one bounds the overshoot */
		if (limit && limit->max_heap &&
		    (events % PASS_CHECK_EVERY == 0 || ebr_reader_offset(r) != last_offset)) {
			size_t heap = pass_heap_bytes();

			last_offset = ebr_reader_offset(r);
			if (heap > limit->max_heap) {
				limit->heap = heap;
				goto stop;
			}
		}
		for (size_t i = 0; i < n; i++) {
			int err = an[i].on_event ? an[i].on_event(an[i].self, r, ev) : 0;

			if (err == EBR_E_NOMEM && limit) {
				limit->out_of_memory = true;
				limit->heap = pass_heap_bytes();
				goto stop;
			}
			if (err)
				return err;
		}
	}
	return ret;
stop:
	limit->stopped = true;
	limit->events = events - 1;
	limit->stop_ts = ev->ts;
	return 0;
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
