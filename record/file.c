// SPDX-License-Identifier: GPL-2.0-only
/*
 * The file family on the record side: the kernel-side thresholds (--min-us, --fs) and
 * cachestat's once-a-second sample of the page-cache counters and of /proc/meminfo. Its
 * records: record/file_translate.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "format/array_size.h"
#include "record/family.h"
#include "record/record.h"
#include "ebrec.skel.h"

static const struct family_prog file_progs[] = {
	FAMILY_PROG("syscalls:sys_enter_open", true, file_open_enter),
	FAMILY_PROG("syscalls:sys_exit_open", true, file_open_exit),
	FAMILY_PROG("syscalls:sys_enter_openat", false, file_openat_enter),
	FAMILY_PROG("syscalls:sys_exit_openat", false, file_openat_exit),
	FAMILY_PROG("syscalls:sys_enter_openat2", true, file_openat2_enter),
	FAMILY_PROG("syscalls:sys_exit_openat2", true, file_openat2_exit),
	FAMILY_PROG("syscalls:sys_enter_creat", true, file_creat_enter),
	FAMILY_PROG("syscalls:sys_exit_creat", true, file_creat_exit),
	FAMILY_PROG("syscalls:sys_enter_chdir", true, file_chdir_enter),
	FAMILY_PROG("syscalls:sys_exit_chdir", true, file_chdir_exit),
	FAMILY_PROG("syscalls:sys_enter_fchdir", true, file_fchdir_enter),
	FAMILY_PROG("syscalls:sys_exit_fchdir", true, file_fchdir_exit),
	FAMILY_PROG("syscalls:sys_enter_read", false, file_read_enter),
	FAMILY_PROG("syscalls:sys_exit_read", false, file_read_exit),
	FAMILY_PROG("syscalls:sys_enter_write", false, file_write_enter),
	FAMILY_PROG("syscalls:sys_exit_write", false, file_write_exit),
	FAMILY_PROG("syscalls:sys_enter_pread64", true, file_pread64_enter),
	FAMILY_PROG("syscalls:sys_exit_pread64", true, file_pread64_exit),
	FAMILY_PROG("syscalls:sys_enter_pwrite64", true, file_pwrite64_enter),
	FAMILY_PROG("syscalls:sys_exit_pwrite64", true, file_pwrite64_exit),
	FAMILY_PROG("syscalls:sys_enter_readv", true, file_readv_enter),
	FAMILY_PROG("syscalls:sys_exit_readv", true, file_readv_exit),
	FAMILY_PROG("syscalls:sys_enter_writev", true, file_writev_enter),
	FAMILY_PROG("syscalls:sys_exit_writev", true, file_writev_exit),
	FAMILY_PROG("syscalls:sys_enter_fsync", true, file_fsync_enter),
	FAMILY_PROG("syscalls:sys_exit_fsync", true, file_fsync_exit),
	FAMILY_PROG("syscalls:sys_enter_fdatasync", true, file_fdatasync_enter),
	FAMILY_PROG("syscalls:sys_exit_fdatasync", true, file_fdatasync_exit),
	FAMILY_PROG("filemap:mm_filemap_get_pages", true, cache_get_pages),
	FAMILY_PROG("filemap:mm_filemap_fault", true, cache_fault),
	FAMILY_PROG("filemap:mm_filemap_add_to_page_cache", true, cache_add_folio),
	FAMILY_PROG("writeback:writeback_dirty_folio", true, cache_dirty_folio),
};

static const struct family_probe file_probes[] = {
	{ EBR_PROBE_FILE_OPEN, "file/open" },
	{ EBR_PROBE_FILE_SLOW, "file/slow" },
};

static int file_configure(const struct family_env *env)
{
	const struct family_opts *o = env->opts;

	env->skel->rodata->file_min_ns = o->min_us * 1000;
	if (o->fs) {
		if (strlen(o->fs) >= EBR_FS_NAME_LEN)
			return -EINVAL;
		/* rodata is volatile for the compiler: copy byte by byte */
		for (size_t i = 0; i <= strlen(o->fs); i++)
			env->skel->rodata->file_fs_filter[i] = o->fs[i];
	}
	return 0;
}

/* META that says what the kernel filtered, so reports can say what they cannot show. */
static int file_snapshot(const struct family_env *env)
{
	char buf[32];
	int err;

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)env->opts->min_us);
	err = ebr_writer_meta(env->writer, "file.min_us", buf);
	err = err ?: ebr_writer_meta(env->writer, "file.fs", env->opts->fs ? env->opts->fs : "");
	/* always, since the family left the default: older recorders without -e wrote 0 */
	err = err ?: ebr_writer_meta(env->writer, "file.slow_io", "1");
	return errno_of_ebr(err);
}

/* Buffers and Cached of /proc/meminfo, in bytes. */
static void read_meminfo(uint64_t *buffers, uint64_t *cached)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	unsigned long long kb;

	*buffers = *cached = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Buffers: %llu kB", &kb) == 1)
			*buffers = kb << 10;
		else if (sscanf(line, "Cached: %llu kB", &kb) == 1)
			*cached = kb << 10;
	}
	fclose(f);
}

/* The totals of the previous cache.stat sample (env->state). */
struct file_state {
	uint64_t cache_prev[EBR_CACHE_NCOUNTERS];
	uint64_t cache_prev_ns; /* 0: no sample yet */
};

/* One cache.stat per second: the counters' growth since the previous sample. */
static int file_sample(const struct family_env *env, uint64_t now)
{
	struct file_state *st = env->state;
	uint64_t *cache_prev = st->cache_prev;
	int fd = bpf_map__fd(env->skel->maps.cache_counters), ncpus = libbpf_num_possible_cpus();
	uint64_t totals[EBR_CACHE_NCOUNTERS] = { 0 }, *vals;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	uint64_t buffers, cached;
	int err;

	if (fd < 0 || ncpus <= 0)
		return 0; /* cachestat's programs are not loaded */
	vals = calloc((size_t)ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (uint32_t k = 0; k < EBR_CACHE_NCOUNTERS; k++)
		if (bpf_map_lookup_elem(fd, &k, vals) == 0)
			for (int c = 0; c < ncpus; c++)
				totals[k] += vals[c];
	free(vals);
	read_meminfo(&buffers, &cached);
	if (!st->cache_prev_ns) { /* the first sample only sets the baseline */
		memcpy(cache_prev, totals, sizeof(totals));
		st->cache_prev_ns = now;
		return 0;
	}
	v[EBR_F_CACHE_STAT_WINDOW_NS].u = now - st->cache_prev_ns;
	v[EBR_F_CACHE_STAT_READ_PAGES].u = totals[EBR_CACHE_READ_PAGES] - cache_prev[EBR_CACHE_READ_PAGES];
	v[EBR_F_CACHE_STAT_FAULT_PAGES].u =
		totals[EBR_CACHE_FAULT_PAGES] - cache_prev[EBR_CACHE_FAULT_PAGES];
	v[EBR_F_CACHE_STAT_ADDED_PAGES].u =
		totals[EBR_CACHE_ADDED_PAGES] - cache_prev[EBR_CACHE_ADDED_PAGES];
	v[EBR_F_CACHE_STAT_DIRTIED_PAGES].u =
		totals[EBR_CACHE_DIRTIED_PAGES] - cache_prev[EBR_CACHE_DIRTIED_PAGES];
	v[EBR_F_CACHE_STAT_BUFFERS_BYTES].u = buffers;
	v[EBR_F_CACHE_STAT_CACHED_BYTES].u = cached;
	err = errno_of_ebr(ebr_writer_event(env->writer, EBR_EV_CACHE_STAT, now, 0, v));
	memcpy(cache_prev, totals, sizeof(totals));
	st->cache_prev_ns = now;
	return err;
}

const struct family file_family = {
	.name = "file",
	.desc = "files: every open (whole paths), reads/writes/syncs slower than --min-us, and "
		"page-cache counters",
	.cost = "1.2 us per open (0.7 its programs, 0.5 the kernel's syscall tracing path) and 0.6 "
		"per read or write of any file or socket: 7.6% of the machine in its programs under "
		"nginx (49,000 opens and 250,000 reads and writes a second), 0.37% under pgbench",
	.opt_in = true,
	.progs = file_progs,
	.nprogs = ARRAY_SIZE(file_progs),
	.probes = file_probes,
	.nprobes = ARRAY_SIZE(file_probes),
	.state_size = sizeof(struct file_state),
	.configure = file_configure,
	.snapshot = file_snapshot,
	.sample = file_sample,
};
