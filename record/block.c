// SPDX-License-Identifier: GPL-2.0-only
/* The block family on the record side: its programs, feature probing, disk names. */
#include <stdio.h>
#include <string.h>
#include "format/array_size.h"
#include "record/family.h"
#include "ebrec.skel.h"

static const struct family_prog block_progs[] = {
	FAMILY_PROG("block:block_io_start", true, block_io_start),
	FAMILY_PROG("block:block_rq_insert", true, block_rq_insert),
	FAMILY_PROG("block:block_rq_issue", false, block_rq_issue),
	FAMILY_PROG("block:block_rq_complete", false, block_rq_complete),
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
		err = errno_of_ebr(ebr_writer_meta(env->writer, key, name));
	}
	fclose(f);
	return err;
}

const struct family block_family = {
	.name = "block",
	.desc = "block device I/O: one event per completed request, with queue and device time",
	.views = "biolatency biosnoop biotop",
	.progs = block_progs,
	.nprogs = ARRAY_SIZE(block_progs),
	.probes = block_probes,
	.nprobes = ARRAY_SIZE(block_probes),
	.configure = block_configure,
	.snapshot = block_snapshot,
};
