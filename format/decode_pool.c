// SPDX-License-Identifier: BSD-2-Clause
#include <pthread.h>
#include <stdbool.h>
#include "format/decode_pool.h"
#include "format/ebr.h"
#include "format/mem.h"

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct pool_slot {
	void *job;
	enum job_state state;
};

struct decode_pool {
	pthread_mutex_t lock;
	pthread_cond_t queued; /* a job was submitted, or the pool stops */
	pthread_cond_t done;   /* a job is done */
	void (*work)(void *ctx, void *job);
	void *ctx;
	struct pool_slot *slots;
	unsigned depth;
	/* counters of jobs, slot = counter % depth: waited <= started <= submitted */
	unsigned long waited, started, submitted;
	bool stop;
	pthread_t *threads;
	unsigned nthreads; /* started */
};

/* Runs the next job queued (the lock held, and left held); false when none is. */
static bool run_next(struct decode_pool *p)
{
	struct pool_slot *s;

	if (p->started == p->submitted)
		return false;
	s = &p->slots[p->started++ % p->depth];
	s->state = JOB_RUNNING;
	pthread_mutex_unlock(&p->lock);
	p->work(p->ctx, s->job);
	pthread_mutex_lock(&p->lock);
	s->state = JOB_DONE;
	pthread_cond_broadcast(&p->done);
	return true;
}

static void *worker(void *arg)
{
	struct decode_pool *p = arg;

	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		if (!run_next(p))
			pthread_cond_wait(&p->queued, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int decode_pool_new(struct decode_pool **out, unsigned n, unsigned depth,
		    void (*work)(void *ctx, void *job), void *ctx)
{
	struct decode_pool *p = ebr_calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return EBR_E_NOMEM;
	p->slots = ebr_calloc(depth, sizeof(*p->slots));
	p->threads = ebr_calloc(n, sizeof(*p->threads));
	if (!p->slots || !p->threads) {
		ebr_free(p->slots);
		ebr_free(p->threads);
		ebr_free(p);
		return EBR_E_NOMEM;
	}
	p->depth = depth;
	p->work = work;
	p->ctx = ctx;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->queued, NULL);
	pthread_cond_init(&p->done, NULL);
	while (p->nthreads < n && !pthread_create(&p->threads[p->nthreads], NULL, worker, p))
		p->nthreads++;
	/* no thread at all: the reading thread decodes every job in decode_pool_wait() */
	*out = p;
	return 0;
}

void decode_pool_submit(struct decode_pool *p, void *job)
{
	pthread_mutex_lock(&p->lock);
	p->slots[p->submitted++ % p->depth] = (struct pool_slot){ job, JOB_QUEUED };
	pthread_cond_signal(&p->queued);
	pthread_mutex_unlock(&p->lock);
}

void decode_pool_wait(struct decode_pool *p)
{
	struct pool_slot *s = &p->slots[p->waited % p->depth];

	pthread_mutex_lock(&p->lock);
	/* jobs start in order: when ours has not, it is the next one to; while it runs on
	 * another thread, this one decodes the jobs queued after it */
	while (s->state != JOB_DONE)
		if (!run_next(p))
			pthread_cond_wait(&p->done, &p->lock);
	p->waited++;
	pthread_mutex_unlock(&p->lock);
}

void decode_pool_free(struct decode_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->queued);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->queued);
	pthread_mutex_destroy(&p->lock);
	ebr_free(p->threads);
	ebr_free(p->slots);
	ebr_free(p);
}
