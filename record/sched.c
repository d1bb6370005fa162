// SPDX-License-Identifier: GPL-2.0-only
/* The scheduler family on the record side: its programs (its records: sched_translate.c). */
#include "format/array_size.h"
#include "record/family.h"
#include "record/record.h"
#include "ebrec.skel.h"

static const struct family_prog sched_progs[] = {
	FAMILY_PROG("sched:sched_wakeup", false, sched_wakeup),
	FAMILY_PROG("sched:sched_wakeup_new", false, sched_wakeup_new),
	FAMILY_PROG("sched:sched_switch", false, sched_switch),
};

static const struct family_probe sched_probes[] = {
	{ EBR_PROBE_SCHED_SWITCH, "sched/switch" },
};

const struct family sched_family = {
	.name = "sched",
	.desc = "scheduler: every context switch, with the run-queue wait of the task switched "
		"in, the time on CPU of the one switched out and the time off CPU of the one in",
	.cost = "0.3-0.37 us per context switch and 0.17-0.2 per wakeup in the kernel, 0.4 per "
		"event in the recorder: pgbench (55,000 switches/s) 1.30% of the machine in the "
		"kernel and 2.0% of a CPU in the recorder, nginx 0.88% and 2.2%",
	.opt_in = true,
	.progs = sched_progs,
	.nprogs = ARRAY_SIZE(sched_progs),
	.probes = sched_probes,
	.nprobes = ARRAY_SIZE(sched_probes),
};
