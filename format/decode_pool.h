/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to format/: threads that decode a reader's blocks ahead of the thread that takes
 * their events. Jobs are submitted and waited for in the same order (file order); any thread
 * may decode any of them, and the waiting thread decodes a job itself when no thread has
 * taken it yet, and the jobs queued after it while another thread runs it, so that a pool of
 * n threads keeps n + 1 CPUs busy and never leaves the reader waiting for a job nobody runs.
 * See docs/ARCHITECTURE.md "Performance principles".
 */
#ifndef EBREC_FORMAT_DECODE_POOL_H
#define EBREC_FORMAT_DECODE_POOL_H

struct decode_pool;

/*
 * n threads running work(ctx, job) on the jobs submitted; at most depth jobs submitted and
 * not yet waited for. 0, or EBR_E_NOMEM (nothing started: decode on the reading thread).
 */
int decode_pool_new(struct decode_pool **out, unsigned n, unsigned depth,
		    void (*work)(void *ctx, void *job), void *ctx);
/* Queues job; the caller has fewer than depth jobs not waited for. */
void decode_pool_submit(struct decode_pool *p, void *job);
/*
 * Returns once the oldest job not yet waited for is done, decoding it here if none has begun,
 * and the jobs queued after it while it runs on another thread.
 */
void decode_pool_wait(struct decode_pool *p);
/* Stops the threads (a job begun is finished, the others are left) and frees the pool. */
void decode_pool_free(struct decode_pool *p);

#endif
