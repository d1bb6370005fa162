// SPDX-License-Identifier: GPL-2.0-only
/*
 * The profile family on the record side: a cpu-clock perf event per CPU at -F Hz, each
 * running bpf/profile.bpf.c's program on every tick.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>
#include "format/array_size.h"
#include "record/family.h"
#include "record/stacks.h"
#include "ebrec.skel.h"

#define PROFILE_DEFAULT_HZ 49 /* as bcc's profile: off the beat of 50 and 100 Hz timers */

static const struct family_prog profile_progs[] = {
	FAMILY_PROG(NULL, false, profile_tick),
};

static const struct family_probe profile_probes[] = {
	{ EBR_PROBE_PROFILE, "profile/sample" },
};

static long profile_hz(const struct family_opts *o)
{
	return o->freq ? o->freq : PROFILE_DEFAULT_HZ;
}

static int profile_configure(const struct family_env *env)
{
	env->skel->rodata->profile_idle = env->opts->idle;
	return 0;
}

static int profile_snapshot(const struct family_env *env)
{
	char buf[32];
	int err;

	snprintf(buf, sizeof(buf), "%ld", profile_hz(env->opts));
	err = ebr_writer_meta(env->writer, "profile.frequency_hz", buf);
	err = err ?: ebr_writer_meta(env->writer, "profile.idle", env->opts->idle ? "1" : "0");
	err = err ?: ebr_writer_meta(env->writer, "family.profile.perf_event", "cpu-clock");
	err = errno_of_ebr(err);
	return err ?: stack_symbols_start(env->stacks, env->writer, env->opts);
}

static int profile_attach(const struct family_env *env, struct bpf_link **links,
			  size_t *nlinks, size_t max)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_freq = (uint64_t)profile_hz(env->opts),
		.freq = 1,
	};
	int ncpus = libbpf_num_possible_cpus();

	for (int cpu = 0; cpu < ncpus; cpu++) {
		int fd = (int)syscall(__NR_perf_event_open, &attr, -1, cpu, -1,
				      PERF_FLAG_FD_CLOEXEC);
		struct bpf_link *link;

		if (fd < 0 && errno == ENODEV)
			continue; /* a possible CPU that is not online */
		if (fd < 0) {
			fprintf(stderr, "ebrec record: cannot open a cpu-clock perf event at %ld Hz "
					"on CPU %d: %s (see kernel.perf_event_max_sample_rate)\n",
				profile_hz(env->opts), cpu, strerror(errno));
			return -errno;
		}
		if (*nlinks == max) {
			close(fd);
			fprintf(stderr, "ebrec record: too many CPUs to profile (at most %zu links)\n",
				max);
			return -E2BIG;
		}
		link = bpf_program__attach_perf_event(env->skel->progs.profile_tick, fd);
		if (!link) {
			int err = -errno;

			close(fd);
			fprintf(stderr, "ebrec record: attaching the profile program on CPU %d "
					"failed: %s\n", cpu, strerror(-err));
			return err;
		}
		links[(*nlinks)++] = link; /* the link closes fd */
	}
	return 0;
}

const struct family profile_family = {
	.name = "profile",
	.desc = "CPU profile: kernel and user stacks sampled at -F Hz on every CPU, with the "
		"symbols they need",
	.cost = "6-19 us per sample in the kernel (98 a second on 2 CPUs: under 0.1%); the recorder "
		"2-4% of a CPU over a compiler run of 5-11 s whose many new processes' maps and "
		"symbols it reads, 2% under pgbench, loading and the symbols included (2026-12-05)",
	.progs = profile_progs,
	.nprogs = ARRAY_SIZE(profile_progs),
	.probes = profile_probes,
	.nprobes = ARRAY_SIZE(profile_probes),
	.configure = profile_configure,
	.snapshot = profile_snapshot,
	.finish = stack_symbols_finish,
	.attach = profile_attach,
};
