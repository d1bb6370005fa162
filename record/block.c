// SPDX-License-Identifier: GPL-2.0-only
/* The block family on the record side: its programs, disk names, the kernel's flag names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "format/array_size.h"
#include "record/family.h"
#include "record/record.h"
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

/*
 * The names of block.rq's cmd_flags, from this kernel's BTF: the REQ_* bit positions (enum
 * req_flag_bits) and operations (enum req_op) change between kernels, so a reader names
 * them from the trace, never from its own headers. A kernel without one of the enums (older
 * than ebrec supports) leaves its key out, and readers fall back to the stable flags.
 */
static int block_flag_names(const struct family_env *env)
{
	static const char *const enums[][2] = {
		{ "req_flag_bits", "block.req_flag_bits" },
		{ "req_op", "block.req_ops" },
	};
	char members[2048];
	int err = 0;

	for (size_t i = 0; i < ARRAY_SIZE(enums) && !err; i++) {
		err = features_enum_values(env->feat, enums[i][0], members, sizeof(members));
		if (err == -ENOENT) {
			err = 0;
			continue;
		}
		if (err) {
			fprintf(stderr, "ebrec record: the kernel's enum %s is too large to record\n",
				enums[i][0]);
			return err;
		}
		err = errno_of_ebr(ebr_writer_meta(env->writer, enums[i][1], members));
	}
	return err;
}

/* Disk names by major:minor, so reports need not guess them on another machine. */
static int block_disk_names(const struct family_env *env)
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

static int block_snapshot(const struct family_env *env)
{
	return block_flag_names(env) ?: block_disk_names(env);
}

const struct family block_family = {
	.name = "block",
	.desc = "block device I/O: one event per request the device completed (flushes too), with "
		"queue and device time",
	.cost = "about 1.2 us of kernel CPU per I/O (4 tracepoints): 0.52% of the machine under "
		"pgbench (8,600 I/Os a second), under 0.01% under nginx",
	.progs = block_progs,
	.nprogs = ARRAY_SIZE(block_progs),
	.probes = block_probes,
	.nprobes = ARRAY_SIZE(block_probes),
	.snapshot = block_snapshot,
};
