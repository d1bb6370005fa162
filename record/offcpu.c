// SPDX-License-Identifier: GPL-2.0-only
/* The off-CPU family on the record side: bpf/offcpu.bpf.c's switch program and its threshold. */
#include <stdio.h>
#include "format/array_size.h"
#include "record/family.h"
#include "record/stacks.h"
#include "ebrec.skel.h"

#define OFFCPU_DEFAULT_MIN_US 1 /* as bcc's offcputime */

static const struct family_prog offcpu_progs[] = {
	FAMILY_PROG("sched:sched_switch", false, offcpu_switch),
};

static const struct family_probe offcpu_probes[] = {
	{ EBR_PROBE_OFFCPU, "offcpu/span" },
};

static uint64_t offcpu_min_us(const struct family_opts *o)
{
	return o->min_us_set ? o->min_us : OFFCPU_DEFAULT_MIN_US;
}

static int offcpu_configure(const struct family_env *env)
{
	env->skel->rodata->offcpu_min_ns = offcpu_min_us(env->opts) * 1000;
	return 0;
}

static int offcpu_snapshot(const struct family_env *env)
{
	char buf[32];

	int err;

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)offcpu_min_us(env->opts));
	err = errno_of_ebr(ebr_writer_meta(env->writer, "offcpu.min_us", buf));
	return err ?: stack_symbols_start(env->stacks, env->writer, env->opts);
}

const struct family offcpu_family = {
	.name = "offcpu",
	.desc = "off-CPU time: the stacks of threads when they leave a CPU and how long they "
		"stay off (at least --min-us), with the symbols they need",
	.cost = "4-5 us per context switch (two stack walks): with the default families, 10.9% "
		"of the machine in its programs under pgbench and 7.4% under nginx, the recorder "
		"10% and 6% of a CPU",
	.opt_in = true,
	.progs = offcpu_progs,
	.nprogs = ARRAY_SIZE(offcpu_progs),
	.probes = offcpu_probes,
	.nprobes = ARRAY_SIZE(offcpu_probes),
	.configure = offcpu_configure,
	.snapshot = offcpu_snapshot,
	.finish = stack_symbols_finish,
};
