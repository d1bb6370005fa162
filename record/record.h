/* SPDX-License-Identifier: GPL-2.0-only */
/* The `record` side of ebrec: what the command hub calls, and the parts record/ shares. */
#ifndef EBREC_RECORD_RECORD_H
#define EBREC_RECORD_RECORD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/events.h"
#include "format/ebr.h"

int cmd_record(int argc, char **argv);
/*
 * `ebrec list`. views_of names the report views a family feeds (report/'s registry, which
 * record/ does not include: the command hub passes it).
 */
int cmd_list(int argc, char **argv,
	     const char *(*views_of)(const char *family, char *buf, size_t len));

/* preflight.c: privileges, BTF and tracefs, checked before anything is loaded. */
int preflight_check(char *msg, size_t msglen);

/* features.c: which tracepoints this kernel has (from its BTF; no root needed). */
struct features;
int features_open(struct features **out, char *msg, size_t msglen);
bool features_has_tracepoint(const struct features *f, const char *tracepoint);
/* The arguments of tracepoint event's BTF hook (its context first), or -1 when unknown. */
int features_tracepoint_nargs(const struct features *f, const char *event);
/* The hook of a family's program: its tracepoint, or a perf event (probed when attached). */
struct family_prog;
bool features_has_hook(const struct features *f, const struct family_prog *fp);
/*
 * The members of the kernel's enum NAME, "MEMBER=VALUE" comma-separated, into out. Returns 0,
 * -ENOENT if this kernel has no such enum, or -ENOSPC if out is too small.
 */
int features_enum_values(const struct features *f, const char *name, char *out, size_t len);
void features_close(struct features *f);

/*
 * host.c: host facts and clock pairs into META; 0 or a negative errno. host_name replaces this
 * machine's name when given (record --host-name). The start clock pair is read now, or is
 * start when given (a later file of a series: its seam).
 */
struct host_clocks;
int host_snapshot(struct ebr_writer *w, const char *host_name, int argc, char **argv,
		  const struct host_clocks *start);
/*
 * "ebrec record: WHAT (see 'ebrec record --help')" on stderr, for what the command line asks
 * that cannot be (options.c); returns 2, the usage error's exit status.
 */
int record_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The running kernel's BTF, where the kernel publishes it. */
#define HOST_VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* Two clocks read back to back: the pair converts bpf_ktime_get_ns() stamps to wall time. */
struct host_clocks {
	uint64_t mono, real;
};
void host_clocks_now(struct host_clocks *c);
/* META clock.WHEN.monotonic_ns and .realtime_ns: of c, or read now. 0 or -errno. */
int host_clock_pair_of(struct ebr_writer *w, const char *when, const struct host_clocks *c);
int host_clock_pair(struct ebr_writer *w, const char *when);
uint64_t host_monotonic_ns(void);
/* A file name's UTC second, "20261204T030000" (a series' files, a trigger's), into stamp. */
void host_utc_stamp(uint64_t realtime_ns, char *stamp, size_t len);
/* META key = v, in decimal: 0 or an EBR_E_* code, as ebr_writer_meta(). */
int record_meta_u64(struct ebr_writer *w, const char *key, uint64_t v);

/*
 * drain.c: the thread that empties the ring buffer into a queue of chunks, and nothing else
 * (no decoding, compression or file I/O), so that a slow disk never stalls it.
 */
struct drain_chunk {
	struct drain_chunk *next;
	size_t len, cap;
	bool peeked; /* drain_peek() has shown it */
	_Alignas(8) unsigned char data[]; /* records, each 8-aligned as the ring has them */
};

struct drain {
	struct ring_buffer *rb;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct drain_chunk *head, *tail; /* full chunks, for the writer */
	struct drain_chunk *cur;         /* being filled; the drain thread's own */
	struct drain_chunk *spare;       /* written chunks, to be filled again (drain_recycle) */
	size_t nspare;
	size_t queued_bytes, max_queued;
	uint64_t lost_user[EBR_PROBE_MAX]; /* records dropped: the queue was full */
	uint64_t malformed;                /* records with an impossible size or type */
	unsigned interval_us;
	unsigned long_us;           /* the sleep while the ring fills slowly (drain.c) */
	uint64_t ring_bytes;        /* the ring's size (0: unknown, never a long sleep) */
	volatile __u64 *wake_at;    /* the probes' ebr_drain_wake_at (bpf/common.bpf.h) */
	size_t pass_bytes;          /* taken by the current pass */
	int epfd, kickfd;           /* the wait: the ring and the eventfd that asks for a pass */
	pthread_cond_t passed;      /* a pass asked for is done */
	uint64_t pass_asked, pass_done;
	bool stop, done, started;
};

/* wake_at: the skeleton's ebr_drain_wake_at, which the drain arms for its long sleeps. */
int drain_start(struct drain *d, int ring_fd, volatile __u64 *wake_at, size_t max_queued,
		unsigned interval_us);
/* Next chunk, waiting up to timeout_ms; NULL on timeout or when drained and stopped. */
struct drain_chunk *drain_pop(struct drain *d, int timeout_ms);
/* Gives back a chunk drain_pop() returned, once written: kept to be filled again, or freed. */
void drain_recycle(struct drain *d, struct drain_chunk *c);
/*
 * Shows each queued chunk not shown before to see(arg, chunk), oldest first, without taking
 * it, until see returns false (that chunk is shown again next time). see runs under the
 * queue's lock, which the drain thread waits for: it must be quick.
 */
void drain_peek(struct drain *d, bool (*see)(void *arg, const struct drain_chunk *c), void *arg);
/* Returns once a pass that began after the call has queued what the ring held (a seam). */
void drain_sync(struct drain *d);
/* Empties the ring one last time and joins the thread (call after detaching the probes). */
void drain_stop(struct drain *d);
/* Totals so far, per probe. */
void drain_totals(struct drain *d, uint64_t lost_user[EBR_PROBE_MAX], uint64_t *malformed);
void drain_free(struct drain *d);

#endif
