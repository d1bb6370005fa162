// SPDX-License-Identifier: GPL-2.0-only
/* The block family on the record side: feature probing, disk names, record translation. */
#include <stdio.h>
#include <string.h>
#include "format/array_size.h"
#include "record/family.h"
#include "ebrec.skel.h"

static const struct family_prog block_progs[] = {
	{ "block:block_io_start", true, "block_io_start" },
	{ "block:block_rq_insert", true, "block_rq_insert" },
	{ "block:block_rq_issue", false, "block_rq_issue" },
	{ "block:block_rq_complete", false, "block_rq_complete" },
};

static const struct family_probe block_probes[] = {
	{ EBR_PROBE_BLOCK_RQ, "block/rq" },
};

static int block_configure(const struct family_env *env)
{
	/* block_io_start (Linux 6.5+) runs in the submitter's context: it names the process */
	env->skel->rodata->block_have_io_start = env->have_prog[0];
	return 0;
}

/* Disk names by major:minor, so reports need not guess them on another machine. */
static int block_snapshot(const struct family_env *env)
{
	FILE *f = fopen("/proc/partitions", "re");
	char line[256], name[128], key[64];
	unsigned major, minor;
	unsigned long long blocks;
	int err = 0;

	if (!f)
		return 0; /* reports then show major,minor */
	while (!err && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %u %u %llu %127s", &major, &minor, &blocks, name) != 4)
			continue;
		snprintf(key, sizeof(key), "dev.%u:%u", major, minor);
		err = ebr_writer_meta(env->writer, key, name);
	}
	fclose(f);
	return err;
}

const struct family block_family = {
	.name = "block",
	.desc = "block device I/O: one event per completed request, with queue and device time",
	.views = "biolatency biosnoop",
	.progs = block_progs,
	.nprogs = ARRAY_SIZE(block_progs),
	.probes = block_probes,
	.nprobes = ARRAY_SIZE(block_probes),
	.configure = block_configure,
	.snapshot = block_snapshot,
};

int block_translate(struct ebr_writer *w, const void *rec, size_t size)
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
	return ebr_writer_event(w, EBR_EV_BLOCK_RQ, r->hdr.ts, r->hdr.cpu, v);
}
