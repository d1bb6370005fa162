// SPDX-License-Identifier: GPL-2.0-only
/*
 * The file family on the record side: the kernel-side thresholds (--min-us, --fs), the
 * translation of open/chdir and slow-operation records, and cachestat's once-a-second sample
 * of the page-cache counters and of /proc/meminfo.
 */
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
	{ "syscalls:sys_enter_open", true, "file_open_enter" },
	{ "syscalls:sys_exit_open", true, "file_open_exit" },
	{ "syscalls:sys_enter_openat", false, "file_openat_enter" },
	{ "syscalls:sys_exit_openat", false, "file_openat_exit" },
	{ "syscalls:sys_enter_openat2", true, "file_openat2_enter" },
	{ "syscalls:sys_exit_openat2", true, "file_openat2_exit" },
	{ "syscalls:sys_enter_creat", true, "file_creat_enter" },
	{ "syscalls:sys_exit_creat", true, "file_creat_exit" },
	{ "syscalls:sys_enter_chdir", true, "file_chdir_enter" },
	{ "syscalls:sys_exit_chdir", true, "file_chdir_exit" },
	{ "syscalls:sys_enter_fchdir", true, "file_fchdir_enter" },
	{ "syscalls:sys_exit_fchdir", true, "file_fchdir_exit" },
	{ "syscalls:sys_enter_read", false, "file_read_enter" },
	{ "syscalls:sys_exit_read", false, "file_read_exit" },
	{ "syscalls:sys_enter_write", false, "file_write_enter" },
	{ "syscalls:sys_exit_write", false, "file_write_exit" },
	{ "syscalls:sys_enter_pread64", true, "file_pread64_enter" },
	{ "syscalls:sys_exit_pread64", true, "file_pread64_exit" },
	{ "syscalls:sys_enter_pwrite64", true, "file_pwrite64_enter" },
	{ "syscalls:sys_exit_pwrite64", true, "file_pwrite64_exit" },
	{ "syscalls:sys_enter_readv", true, "file_readv_enter" },
	{ "syscalls:sys_exit_readv", true, "file_readv_exit" },
	{ "syscalls:sys_enter_writev", true, "file_writev_enter" },
	{ "syscalls:sys_exit_writev", true, "file_writev_exit" },
	{ "syscalls:sys_enter_fsync", true, "file_fsync_enter" },
	{ "syscalls:sys_exit_fsync", true, "file_fsync_exit" },
	{ "syscalls:sys_enter_fdatasync", true, "file_fdatasync_enter" },
	{ "syscalls:sys_exit_fdatasync", true, "file_fdatasync_exit" },
	{ "filemap:mm_filemap_get_pages", true, "cache_get_pages" },
	{ "filemap:mm_filemap_fault", true, "cache_fault" },
	{ "filemap:mm_filemap_add_to_page_cache", true, "cache_add_folio" },
	{ "writeback:writeback_dirty_folio", true, "cache_dirty_folio" },
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
	return err ?: ebr_writer_meta(env->writer, "file.fs", env->opts->fs ? env->opts->fs : "");
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

/*
 * One cache.stat per second: the counters' growth since the previous sample. One recording
 * per process, so the previous totals can live here.
 */
static uint64_t cache_prev[EBR_CACHE_NCOUNTERS], cache_prev_ns;

static int file_sample(const struct family_env *env, uint64_t now)
{
	int fd = bpf_map__fd(env->skel->maps.cache_counters), ncpus = libbpf_num_possible_cpus();
	uint64_t totals[EBR_CACHE_NCOUNTERS] = { 0 }, *vals;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	uint64_t buffers, cached;
	int err;

	if (fd < 0 || ncpus <= 0)
		return 0; /* cachestat's programs are not loaded */
	vals = calloc((size_t)ncpus, sizeof(*vals));
	if (!vals)
		return EBR_E_NOMEM;
	for (uint32_t k = 0; k < EBR_CACHE_NCOUNTERS; k++)
		if (bpf_map_lookup_elem(fd, &k, vals) == 0)
			for (int c = 0; c < ncpus; c++)
				totals[k] += vals[c];
	free(vals);
	read_meminfo(&buffers, &cached);
	if (!cache_prev_ns) { /* the first sample only sets the baseline */
		memcpy(cache_prev, totals, sizeof(totals));
		cache_prev_ns = now;
		return 0;
	}
	v[EBR_F_CACHE_STAT_WINDOW_NS].u = now - cache_prev_ns;
	v[EBR_F_CACHE_STAT_READ_PAGES].u = totals[EBR_CACHE_READ_PAGES] - cache_prev[EBR_CACHE_READ_PAGES];
	v[EBR_F_CACHE_STAT_FAULT_PAGES].u =
		totals[EBR_CACHE_FAULT_PAGES] - cache_prev[EBR_CACHE_FAULT_PAGES];
	v[EBR_F_CACHE_STAT_ADDED_PAGES].u =
		totals[EBR_CACHE_ADDED_PAGES] - cache_prev[EBR_CACHE_ADDED_PAGES];
	v[EBR_F_CACHE_STAT_DIRTIED_PAGES].u =
		totals[EBR_CACHE_DIRTIED_PAGES] - cache_prev[EBR_CACHE_DIRTIED_PAGES];
	v[EBR_F_CACHE_STAT_BUFFERS_BYTES].u = buffers;
	v[EBR_F_CACHE_STAT_CACHED_BYTES].u = cached;
	err = ebr_writer_event(env->writer, EBR_EV_CACHE_STAT, now, 0, v);
	memcpy(cache_prev, totals, sizeof(totals));
	cache_prev_ns = now;
	return err;
}

const struct family file_family = {
	.name = "file",
	.desc = "files: every open (whole paths), reads/writes/syncs slower than --min-us, "
		"page-cache counters",
	.views = "opensnoop fsslower ext4slower cachestat",
	.progs = file_progs,
	.nprogs = ARRAY_SIZE(file_progs),
	.probes = file_probes,
	.nprobes = ARRAY_SIZE(file_probes),
	.configure = file_configure,
	.snapshot = file_snapshot,
	.sample = file_sample,
};

int file_open_translate(struct ebr_writer *w, const void *rec, size_t size)
{
	const struct ebr_rec_file_open *r = rec;
	size_t path_len = r->path_len;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char comm[EBR_COMM_LEN + 1], fstype[EBR_FS_NAME_LEN + 1], path[EBR_PATH_MAX + 1];
	bool chdir = r->call == EBR_CALL_CHDIR || r->call == EBR_CALL_FCHDIR;

	if (path_len > size - offsetof(struct ebr_rec_file_open, path))
		path_len = size - offsetof(struct ebr_rec_file_open, path);
	family_kstr(path, r->path, path_len);
	family_kstr(comm, r->comm, EBR_COMM_LEN);
	if (chdir) {
		v[EBR_F_FILE_CHDIR_PID].u = r->pid;
		v[EBR_F_FILE_CHDIR_TID].u = r->tid;
		v[EBR_F_FILE_CHDIR_COMM].s = comm;
		v[EBR_F_FILE_CHDIR_FD].u = (uint64_t)(int64_t)r->dirfd;
		v[EBR_F_FILE_CHDIR_PATH].s = path;
		v[EBR_F_FILE_CHDIR_RET].u = (uint64_t)(int64_t)r->ret;
		return ebr_writer_event(w, EBR_EV_FILE_CHDIR, r->hdr.ts, r->hdr.cpu, v);
	}
	v[EBR_F_FILE_OPEN_PID].u = r->pid;
	v[EBR_F_FILE_OPEN_TID].u = r->tid;
	v[EBR_F_FILE_OPEN_COMM].s = comm;
	v[EBR_F_FILE_OPEN_CALL].u = r->call;
	v[EBR_F_FILE_OPEN_DIRFD].u = (uint64_t)(int64_t)r->dirfd;
	v[EBR_F_FILE_OPEN_PATH].s = path;
	v[EBR_F_FILE_OPEN_FLAGS].u = r->flags;
	v[EBR_F_FILE_OPEN_MODE].u = r->mode;
	v[EBR_F_FILE_OPEN_RET].u = (uint64_t)(int64_t)r->ret;
	v[EBR_F_FILE_OPEN_FSTYPE].s = family_kstr(fstype, r->fstype, EBR_FS_NAME_LEN);
	v[EBR_F_FILE_OPEN_FS_FLAGS].u = r->fs_flags;
	v[EBR_F_FILE_OPEN_LAT_NS].u = r->lat_ns;
	return ebr_writer_event(w, EBR_EV_FILE_OPEN, r->hdr.ts, r->hdr.cpu, v);
}

int file_slow_translate(struct ebr_writer *w, const void *rec, size_t size)
{
	const struct ebr_rec_file_slow *r = rec;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char comm[EBR_COMM_LEN + 1], fstype[EBR_FS_NAME_LEN + 1], name[EBR_DNAME_LEN + 1];

	v[EBR_F_FILE_SLOW_PID].u = r->pid;
	v[EBR_F_FILE_SLOW_TID].u = r->tid;
	v[EBR_F_FILE_SLOW_COMM].s = family_kstr(comm, r->comm, EBR_COMM_LEN);
	v[EBR_F_FILE_SLOW_OP].u = r->op;
	v[EBR_F_FILE_SLOW_RET].u = (uint64_t)r->ret;
	v[EBR_F_FILE_SLOW_OFFSET].u = r->offset;
	v[EBR_F_FILE_SLOW_LAT_NS].u = r->lat_ns;
	v[EBR_F_FILE_SLOW_DEV].u = r->dev;
	v[EBR_F_FILE_SLOW_INO].u = r->ino;
	v[EBR_F_FILE_SLOW_FSTYPE].s = family_kstr(fstype, r->fstype, EBR_FS_NAME_LEN);
	v[EBR_F_FILE_SLOW_NAME].s = family_kstr(name, r->name, EBR_DNAME_LEN);
	return ebr_writer_event(w, EBR_EV_FILE_SLOW, r->hdr.ts, r->hdr.cpu, v);
}
