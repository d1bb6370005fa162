// SPDX-License-Identifier: GPL-2.0-only
/*
 * The drain thread. The probes do not wake us per record (BPF_RB_NO_WAKEUP): we empty the ring
 * on a timer, 10 ms while records come fast (docs/ARCHITECTURE.md: at ~1 M events/s a 10 ms
 * interval loses nothing where 100 ms loses most), 100 ms while they come slowly, when the
 * probes wake us once the ring is a quarter full or for a stack sample of a new process
 * (bpf/common.bpf.h, ebr_drain_wake_at), and hand raw records over in 1 MiB chunks. When the
 * writer falls so far behind that the queue reaches its bound, records are dropped here and
 * counted per probe, so the trace still says exactly what it lacks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
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
	d->pass_bytes += padded;
	return 0;
}

/* Returns the bytes of records taken. */
static size_t drain_pass(struct drain *d)
{
	d->pass_bytes = 0;
	ring_buffer__consume(d->rb);
	pthread_mutex_lock(&d->lock);
	publish_locked(d);
	pthread_mutex_unlock(&d->lock);
	return d->pass_bytes;
}

/*
 * Waits up to sleep_us for the probes' wakeup (ebr_drain_wake_at, armed only for a long sleep)
 * or a kick (drain_sync, drain_stop). Each pass wakes this thread and the writer, which at 100
 * passes a second was most of a slow stream's cost: 0.3-0.5% of a CPU for a profile's 98
 * samples a second, as for pgbench's 9,000 block I/Os.
 */
static void drain_wait(struct drain *d, unsigned sleep_us)
{
	uint64_t at = sleep_us > d->interval_us ? d->ring_bytes / 4 : 0, kicks;
	struct epoll_event ev;
	ssize_t n;

	__atomic_store_n(d->wake_at, at, __ATOMIC_RELEASE);
	if (epoll_wait(d->epfd, &ev, 1, (int)(sleep_us / 1000)) < 0 && errno != EINTR) {
		struct timespec ts = { 0, (long)d->interval_us * 1000L }; /* cannot wait: a timer */

		nanosleep(&ts, NULL);
	}
	__atomic_store_n(d->wake_at, 0, __ATOMIC_RELEASE);
	n = read(d->kickfd, &kicks, sizeof(kicks)); /* level-triggered: emptied, or always ready */
	(void)n;                                     /* EAGAIN: not kicked */
}

/* Wakes the drain thread for a pass now (drain_sync, drain_stop). */
static void drain_kick(struct drain *d)
{
	uint64_t one = 1;
	ssize_t n = write(d->kickfd, &one, sizeof(one));

	(void)n; /* a full eventfd is already readable: the thread wakes either way */
}

/*
 * The drain sleeps long_us (10 intervals) while the ring fills slowly: at the rate the last
 * pass found, a long sleep would bring the ring to less than an eighth of its size, and the
 * probes wake it early at a quarter (a burst) or for a stack sample of a process it has not
 * seen (bpf/stack.bpf.h: its maps are read while it lives). A faster rate keeps it at
 * interval_us with the wakeups disarmed, which spares the probes the ring's fill test: at
 * ~1 M events/s a 10 ms interval loses nothing where 100 ms loses most.
 */
static void *drain_main(void *arg)
{
	struct drain *d = arg;
	unsigned sleep_us = d->interval_us;
	struct timespec t0, t1;
	bool stop = false;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		size_t bytes;
		double dt;

		uint64_t asked;

		drain_wait(d, sleep_us);
		pthread_mutex_lock(&d->lock);
		asked = d->pass_asked;
		pthread_mutex_unlock(&d->lock);
		bytes = drain_pass(d);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		dt = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
		t0 = t1;
		sleep_us = dt > 0 && (double)bytes / dt * d->long_us < (double)d->ring_bytes / 8 ?
				   d->long_us : d->interval_us;
		pthread_mutex_lock(&d->lock);
		stop = d->stop;
		d->pass_done = asked;
		pthread_cond_broadcast(&d->passed);
		pthread_mutex_unlock(&d->lock);
	}
	drain_pass(d); /* what the probes submitted before they were detached */
	pthread_mutex_lock(&d->lock);
	d->done = true;
	pthread_cond_broadcast(&d->cond);
	pthread_cond_broadcast(&d->passed);
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/*
 * The ring and the kick eventfd in one epoll set, or -errno. The ring edge-triggered: it polls
 * readable while it holds any record, so level-triggered, every wait after the first wakeup
 * would return at once whenever a record had come meanwhile (a busy loop in a storm); edge-
 * triggered, only the probes' wakeups end a wait (libbpf's own epoll set is level-triggered).
 */
static int drain_wait_set(struct drain *d, int ring_fd)
{
	struct epoll_event ring = { .events = EPOLLIN | EPOLLET }, kick = { .events = EPOLLIN };

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->kickfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->epfd < 0 || d->kickfd < 0 ||
	    epoll_ctl(d->epfd, EPOLL_CTL_ADD, ring_fd, &ring) ||
	    epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->kickfd, &kick))
		return -errno;
	return 0;
}

int drain_start(struct drain *d, int ring_fd, volatile __u64 *wake_at, size_t max_queued,
		unsigned interval_us)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int err;

	memset(d, 0, sizeof(*d));
	d->epfd = d->kickfd = -1;
	d->max_queued = max_queued < 2 * CHUNK_BYTES ? 2 * CHUNK_BYTES : max_queued;
	d->interval_us = interval_us;
	d->long_us = 10 * interval_us;
	d->wake_at = wake_at;
	d->ring_bytes = bpf_obj_get_info_by_fd(ring_fd, &info, &len) ? 0 : info.max_entries;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	pthread_cond_init(&d->passed, NULL);
	d->rb = ring_buffer__new(ring_fd, on_record, d, NULL);
	if (!d->rb)
		return -errno;
	err = drain_wait_set(d, ring_fd);
	if (err)
		return err;
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

void drain_sync(struct drain *d)
{
	uint64_t want;

	if (!d->started)
		return;
	pthread_mutex_lock(&d->lock);
	want = ++d->pass_asked;
	pthread_mutex_unlock(&d->lock);
	drain_kick(d);
	pthread_mutex_lock(&d->lock);
	while (d->pass_done < want && !d->done)
		pthread_cond_wait(&d->passed, &d->lock);
	pthread_mutex_unlock(&d->lock);
}

void drain_stop(struct drain *d)
{
	if (!d->started)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_mutex_unlock(&d->lock);
	drain_kick(d);
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
	if (d->rb) { /* drain_start() ran: the descriptors are its */
		if (d->epfd >= 0)
			close(d->epfd);
		if (d->kickfd >= 0)
			close(d->kickfd);
		d->epfd = d->kickfd = -1;
	}
	ring_buffer__free(d->rb);
	d->rb = NULL;
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	pthread_cond_destroy(&d->passed);
}
