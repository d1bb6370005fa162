// SPDX-License-Identifier: GPL-2.0-only
/*
 * The drain thread. The probes submit with BPF_RB_NO_WAKEUP, so nothing wakes us: we empty
 * the ring on a short timer (docs/ARCHITECTURE.md: at ~1 M events/s a 10 ms interval loses nothing where
 * 100 ms loses most) and hand raw records over in 1 MiB chunks. When the writer falls so far
 * behind that the queue reaches its bound, records are dropped here and counted per probe, so
 * the trace still says exactly what it lacks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "record/record.h"
#include "record/translate.h"

#define CHUNK_BYTES (1u << 20)
/*
 * Chunks the writer has written, kept for the next ones: a pass that finds a few records
 * publishes a chunk of a few KiB, and a chunk newly allocated at every pass (a mmap, its pages
 * faulted in, a munmap when written) was 14% of the recorder's CPU under `-e profile`.
 */
#define SPARE_CHUNKS 4

static void publish_locked(struct drain *d)
{
	struct drain_chunk *c = d->cur;

	if (!c || !c->len)
		return;
	d->cur = NULL;
	if (d->tail)
		d->tail->next = c;
	else
		d->head = c;
	d->tail = c;
	pthread_cond_signal(&d->cond);
}

static void count_dropped(struct drain *d, const void *data, size_t size)
{
	const struct ebr_rec_hdr *h = data;
	const struct record_kind *k = size >= sizeof(*h) ? record_kind_find(h->type) : NULL;
	uint32_t probe = k ? record_probe(k, data, size) : EBR_PROBE_MAX;

	pthread_mutex_lock(&d->lock);
	if (probe < EBR_PROBE_MAX)
		d->lost_user[probe]++;
	else
		d->malformed++;
	pthread_mutex_unlock(&d->lock);
}

/* Room for size more bytes in d->cur, or false when the queue is at its bound. */
static bool reserve_room(struct drain *d, size_t size)
{
	struct drain_chunk *c = d->cur;
	bool ok = true;

	if (c && c->cap - c->len >= size)
		return true;
	c = NULL;
	pthread_mutex_lock(&d->lock);
	publish_locked(d);
	if (d->queued_bytes + CHUNK_BYTES > d->max_queued) {
		ok = false;
	} else {
		d->queued_bytes += CHUNK_BYTES;
		c = d->spare;
		if (c) {
			d->spare = c->next;
			d->nspare--;
		}
	}
	pthread_mutex_unlock(&d->lock);
	if (!ok)
		return false;
	if (!c)
		c = malloc(sizeof(*c) + CHUNK_BYTES);
	if (!c) {
		pthread_mutex_lock(&d->lock);
		d->queued_bytes -= CHUNK_BYTES;
		pthread_mutex_unlock(&d->lock);
		return false;
	}
	c->next = NULL;
	c->len = 0;
	c->cap = CHUNK_BYTES;
	c->peeked = false;
	d->cur = c;
	return true;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct drain *d = ctx;
	size_t padded = (size + 7) & ~(size_t)7; /* keeps every record 8-byte aligned */

	if (padded > CHUNK_BYTES || !reserve_room(d, padded)) {
		count_dropped(d, data, size);
		return 0;
	}
	memcpy(d->cur->data + d->cur->len, data, size);
	d->cur->len += padded;
	return 0;
}

/* Returns the records taken. */
static int drain_pass(struct drain *d)
{
	int n = ring_buffer__consume(d->rb);

	pthread_mutex_lock(&d->lock);
	publish_locked(d);
	pthread_mutex_unlock(&d->lock);
	return n;
}

/*
 * While the ring stays empty the sleep doubles, up to idle_max_us: each pass wakes the
 * recorder, which at 100 passes a second cost an idle recording 0.4% of a CPU on this kind of
 * VM. The first record found brings it back to interval_us, so a burst after a quiet spell
 * waits at most one long sleep, which the ring is large enough to hold (drain_start).
 */
static void *drain_main(void *arg)
{
	struct drain *d = arg;
	unsigned sleep_us = d->interval_us;
	bool stop = false;

	while (!stop) {
		struct timespec ts;

		sleep_us = drain_pass(d) > 0 ? d->interval_us :
			   sleep_us * 2 > d->idle_max_us ? d->idle_max_us : sleep_us * 2;
		ts.tv_sec = sleep_us / 1000000;
		ts.tv_nsec = (sleep_us % 1000000) * 1000L;
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&d->lock);
		stop = d->stop;
		pthread_mutex_unlock(&d->lock);
	}
	drain_pass(d); /* what the probes submitted before they were detached */
	pthread_mutex_lock(&d->lock);
	d->done = true;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/*
 * The longest idle sleep: half of what the ring holds of a burst at 1 M events/s of 128-byte
 * records (the rate docs/ARCHITECTURE.md sizes the drain for), within 1 to 4 intervals: the
 * default 8 MiB ring allows 32 ms; a ring of 2.5 MiB or less is drained every interval.
 */
static unsigned drain_idle_max_us(int ring_fd, unsigned interval_us)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	uint64_t half_us;

	if (bpf_obj_get_info_by_fd(ring_fd, &info, &len))
		return interval_us;
	half_us = (uint64_t)info.max_entries / 128 / 2; /* one record a microsecond */
	if (half_us > 4ull * interval_us)
		return 4 * interval_us;
	return half_us > interval_us ? (unsigned)half_us : interval_us;
}

int drain_start(struct drain *d, int ring_fd, size_t max_queued, unsigned interval_us)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->max_queued = max_queued < 2 * CHUNK_BYTES ? 2 * CHUNK_BYTES : max_queued;
	d->interval_us = interval_us;
	d->idle_max_us = drain_idle_max_us(ring_fd, interval_us);
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	d->rb = ring_buffer__new(ring_fd, on_record, d, NULL);
	if (!d->rb)
		return -errno;
	err = pthread_create(&d->thread, NULL, drain_main, d);
	if (err)
		return -err;
	d->started = true;
	return 0;
}

void drain_peek(struct drain *d, bool (*see)(void *arg, const struct drain_chunk *c), void *arg)
{
	pthread_mutex_lock(&d->lock);
	for (struct drain_chunk *c = d->head; c; c = c->next) {
		if (c->peeked)
			continue;
		if (!see(arg, c))
			break;
		c->peeked = true;
	}
	pthread_mutex_unlock(&d->lock);
}

struct drain_chunk *drain_pop(struct drain *d, int timeout_ms)
{
	struct drain_chunk *c = NULL;
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&d->lock);
	while (!d->head && !d->done)
		if (pthread_cond_timedwait(&d->cond, &d->lock, &until) == ETIMEDOUT)
			break;
	c = d->head;
	if (c) {
		d->head = c->next;
		if (!d->head)
			d->tail = NULL;
		d->queued_bytes -= c->cap;
		c->next = NULL;
	}
	pthread_mutex_unlock(&d->lock);
	return c;
}

void drain_recycle(struct drain *d, struct drain_chunk *c)
{
	pthread_mutex_lock(&d->lock);
	if (d->nspare < SPARE_CHUNKS) {
		c->next = d->spare;
		d->spare = c;
		d->nspare++;
		c = NULL;
	}
	pthread_mutex_unlock(&d->lock);
	free(c);
}

void drain_stop(struct drain *d)
{
	if (!d->started)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	d->started = false;
}

void drain_totals(struct drain *d, uint64_t lost_user[EBR_PROBE_MAX], uint64_t *malformed)
{
	pthread_mutex_lock(&d->lock);
	memcpy(lost_user, d->lost_user, sizeof(d->lost_user));
	*malformed = d->malformed;
	pthread_mutex_unlock(&d->lock);
}

void drain_free(struct drain *d)
{
	struct drain_chunk *c, *next;

	drain_stop(d);
	for (c = d->head; c; c = next) {
		next = c->next;
		free(c);
	}
	for (c = d->spare; c; c = next) {
		next = c->next;
		free(c);
	}
	free(d->cur);
	d->head = d->tail = d->cur = d->spare = NULL;
	d->nspare = 0;
	ring_buffer__free(d->rb);
	d->rb = NULL;
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
}
