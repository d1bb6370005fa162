// SPDX-License-Identifier: GPL-2.0-only
/*
 * The maps of the processes whose stack samples wait in the drain's queue, read while the
 * writer is held up resolving a file's symbols (record/usyms.h, usyms.meanwhile). At a seam of
 * a rotated recording that takes from a tenth of a second to seconds, while the probes go on;
 * a sample's process is met only when the sample is written, and one that exited meanwhile (a
 * compiler of a build runs for less) had no maps left to read: its frames went unnamed in
 * every file after the first (a file a second under a build: 2-20% of user frames named
 * where one file named 60%).
 */
#include <stddef.h>
#include "record/recorder.h"

#define QUEUED_PIDS_MAX 256 /* new processes read per call: the rest at the next */

struct queued_pids {
	struct usyms *u;
	uint32_t pid[QUEUED_PIDS_MAX];
	size_t n;
};

static bool noted(const struct queued_pids *q, uint32_t pid)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->pid[i] == pid)
			return true;
	return false;
}

/* drain_peek(): the processes of c's stack records the tables do not know yet. */
static bool note_pids(void *arg, const struct drain_chunk *c)
{
	struct queued_pids *q = arg;
	size_t off = 0;

	while (c->len - off >= sizeof(struct ebr_rec_hdr)) {
		const struct ebr_rec_hdr *h = (const void *)(c->data + off);
		const struct ebr_rec_stack *r = (const void *)h;

		if (h->size < sizeof(*h) || h->size > c->len - off)
			break; /* write_chunk() counts it */
		off += (h->size + 7u) & ~7u;
		if (h->type < EBR_REC_PROFILE || h->type > EBR_REC_OFFCPU_COPY ||
		    h->size < offsetof(struct ebr_rec_stack, tid) || usyms_knows(q->u, r->pid) ||
		    noted(q, r->pid))
			continue;
		if (q->n == QUEUED_PIDS_MAX)
			return false; /* this chunk again next time */
		q->pid[q->n++] = r->pid;
	}
	return true;
}

int record_read_queued_maps(void *arg)
{
	struct recorder *rec = arg;
	struct queued_pids q = { .u = &rec->stacks.u };
	int err = 0;

	if (!rec->w || !rec->drain.started)
		return 0;
	drain_peek(&rec->drain, note_pids, &q);
	for (size_t i = 0; i < q.n && !err; i++)
		err = usyms_read_maps(&rec->stacks.u, rec->w, q.pid[i]);
	return err;
}
