// SPDX-License-Identifier: GPL-2.0-only
/* The recorder's own CPU use: record/own_cpu.h. */
#include <fcntl.h>
#include <unistd.h>
#include <sys/resource.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "record/own_cpu.h"
#include "record/record.h"
#include "record/translate.h"
#include "ebrec.skel.h"

#define BPF_STATS_SYSCTL "/proc/sys/kernel/bpf_stats_enabled"

static uint64_t timeval_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000ull + (uint64_t)tv->tv_usec * 1000ull;
}

/* Whether the kernel counts BPF programs' run time now (off by default: it costs ~20 ns a run). */
static bool bpf_stats_enabled(void)
{
	int fd = open(BPF_STATS_SYSCTL, O_RDONLY | O_CLOEXEC);
	char c = '0';

	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c == '1';
}

void own_cpu_read(const struct ebrec_bpf *skel, struct own_cpu *c)
{
	struct rusage ru;
	struct bpf_program *prog;

	*c = (struct own_cpu){ 0 };
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		c->user_ns = timeval_ns(&ru.ru_utime);
		c->system_ns = timeval_ns(&ru.ru_stime);
		c->max_rss_kib = (uint64_t)ru.ru_maxrss;
	}
	c->bpf_stats = bpf_stats_enabled();
	if (!skel)
		return;
	/* the counters stay at 0 while stats are off; what ran while they were on is kept */
	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		c->bpf_run_ns += info.run_time_ns;
		c->bpf_runs += info.run_cnt;
		c->bpf_missed += info.recursion_misses;
	}
}

int own_cpu_meta(struct ebr_writer *w, const struct own_cpu *c, uint64_t missed_before)
{
	int err = errno_of_ebr(record_meta_u64(w, "record.cpu_user_ns", c->user_ns));

	err = err ?: errno_of_ebr(record_meta_u64(w, "record.cpu_system_ns", c->system_ns));
	err = err ?: errno_of_ebr(record_meta_u64(w, "record.max_rss_kib", c->max_rss_kib));
	if (c->bpf_stats || c->bpf_runs) {
		err = err ?: errno_of_ebr(record_meta_u64(w, "record.bpf_run_ns", c->bpf_run_ns));
		err = err ?: errno_of_ebr(record_meta_u64(w, "record.bpf_runs", c->bpf_runs));
	}
	if (c->bpf_missed > missed_before)
		err = err ?: errno_of_ebr(record_meta_u64(w, "record.bpf_missed_runs",
							  c->bpf_missed - missed_before));
	return err;
}
