// SPDX-License-Identifier: GPL-2.0-only
/* The block family's records into block.rq events. */
#include "record/translate.h"

int block_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_block_rq *r = rec;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char comm[EBR_COMM_LEN + 1];

	v[EBR_F_BLOCK_RQ_PID].u = r->pid;
	v[EBR_F_BLOCK_RQ_TID].u = r->tid;
	v[EBR_F_BLOCK_RQ_COMM].s = family_kstr(comm, r->comm, EBR_COMM_LEN);
	v[EBR_F_BLOCK_RQ_DEV].u = r->dev;
	v[EBR_F_BLOCK_RQ_SECTOR].u = r->sector;
	v[EBR_F_BLOCK_RQ_BYTES].u = r->bytes;
	v[EBR_F_BLOCK_RQ_FLAGS].u = r->flags;
	v[EBR_F_BLOCK_RQ_ERROR].u = (uint64_t)(int64_t)r->error;
	v[EBR_F_BLOCK_RQ_LAT_NS].u = r->lat_ns;
	v[EBR_F_BLOCK_RQ_QUEUE_NS].u = r->queue_ns;
	v[EBR_F_BLOCK_RQ_CMD_FLAGS].u = r->cmd_flags;
	return translate_emit(ctx, EBR_EV_BLOCK_RQ, &r->hdr, v);
}
