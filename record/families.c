// SPDX-License-Identifier: GPL-2.0-only
/* The table of probe families (their records: record/translate.c). */
#include <string.h>
#include "format/array_size.h"
#include "record/family.h"

const struct family *const families[] = {
	&block_family,
	&proc_family,
	&file_family,
	&tcp_family,
	&sched_family,
	&profile_family,
	&offcpu_family,
};
const size_t nfamilies = ARRAY_SIZE(families);

const char family_costs_measured[] =
	"costs: measured 2026-12-05 and 06 by make bench on a shared 2-CPU VM, the kernel's CPU\n"
	"       from bpf_stats (docs/BENCH.md, \"Real workloads\"); a share of the machine is\n"
	"       about what a server that keeps every CPU busy loses of its throughput.\n"
	"       The default (no -e, or -e default): block, proc, tcp and profile, no syscall\n"
	"       tracepoint: 0.57% of the machine in its programs and 0.3% in the recorder\n"
	"       while the load ran under pgbench, 0.18% and 0.21% under nginx (20 s each),\n"
	"       and about 0.4 s of the recorder's CPU a recording to load and write symbols;\n"
	"       end to end, not resolved to 1% by the noise of a shared machine";

const struct family *family_find(const char *name)
{
	for (size_t i = 0; i < nfamilies; i++)
		if (!strcmp(families[i]->name, name))
			return families[i];
	return NULL;
}
