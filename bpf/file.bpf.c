// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * File family, on syscall and page-cache tracepoints only (no kprobes, no fentry here):
 *  - every open, openat, openat2 and creat (and chdir/fchdir, so that reports can place
 *    relative paths), from entry to return, with the whole path;
 *  - reads, writes and syncs of regular files that take at least file_min_ns, with the file
 *    system type and the file's name resolved from the descriptor here, in the kernel;
 *  - page-cache counters for cachestat, summed per CPU and read by record/ once a second.
 */
#include "common.bpf.h"
#include "core_fixes.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AT_FDCWD -100
#define O_CREAT_WRONLY_TRUNC (0100 | 01 | 01000)
#define S_IFMT 00170000
#define S_IFREG 0100000

/* Set by record/ before load: --min-us, and --fs (empty: file systems on a block device). */
const volatile __u64 file_min_ns = 1000000;
const volatile char file_fs_filter[EBR_FS_NAME_LEN] = "";

/* The file system of f: its type name into fstype, and EBR_FS_* flags. */
static __always_inline __u32 file_fs(struct file *f, char fstype[EBR_FS_NAME_LEN])
{
	struct super_block *sb = BPF_CORE_READ(f, f_inode, i_sb);
	const char *name = BPF_CORE_READ(sb, s_type, name);

	if (bpf_probe_read_kernel_str(fstype, EBR_FS_NAME_LEN, name) < 0)
		fstype[0] = 0;
	return BPF_CORE_READ(sb, s_bdev) ? EBR_FS_BDEV : 0;
}

/* fsslower's filter: the file system named by --fs, else any on a block device. */
static __always_inline bool file_fs_wanted(const char fstype[EBR_FS_NAME_LEN], __u32 fs_flags)
{
	if (!file_fs_filter[0])
		return fs_flags & EBR_FS_BDEV;
	for (int i = 0; i < EBR_FS_NAME_LEN; i++) {
		if (fstype[i] != file_fs_filter[i])
			return false;
		if (!fstype[i])
			return true;
	}
	return true;
}

/* ------------------------------------------------------------ open, openat, openat2, creat */

struct open_pending {
	__u64 ts;
	const char *path;
	__s32 dirfd;
	__u32 flags;
	__u32 mode;
	__u8 call;
	__u8 pending; /* between the entry and the return of an open */
};

/* In the thread's own storage: no hashing, no element to allocate and free at every open. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct open_pending);
} file_open_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ebr_rec_file_open);
} file_open_scratch SEC(".maps");

static __always_inline int open_enter(__u8 call, __s32 dirfd, const char *path, __u32 flags,
				      __u32 mode)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct open_pending *p;

	if (!ebr_current_wanted(id >> 32))
		return 0;
	p = bpf_task_storage_get(&file_open_pending, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!p) {
		ebr_count_map_loss(EBR_PROBE_FILE_OPEN);
		return 0;
	}
	p->ts = bpf_ktime_get_ns();
	p->path = path;
	p->dirfd = dirfd;
	p->flags = flags;
	p->mode = mode;
	p->call = call;
	p->pending = 1;
	return 0;
}

/* At return the caller's path is still in its memory: read it whole now (as libbpf-tools). */
static __always_inline int open_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, zero = 0;
	struct open_pending *p = bpf_task_storage_get(&file_open_pending,
						      bpf_get_current_task_btf(), 0, 0);
	struct ebr_rec_file_open *r;
	struct file *f;
	long n = 0;
	__u64 now;

	if (!p || !p->pending)
		return 0;
	r = bpf_map_lookup_elem(&file_open_scratch, &zero);
	if (!r)
		goto out;
	now = bpf_ktime_get_ns();
	r->lat_ns = now - p->ts;
	r->pid = id >> 32;
	r->tid = tid;
	r->ret = (__s32)ret;
	r->dirfd = p->dirfd;
	r->flags = p->flags;
	r->mode = p->mode;
	r->call = p->call;
	r->pad = 0;
	r->fs_flags = 0;
	r->fstype[0] = 0;
	ebr_current_comm(r->comm);
	if (p->path)
		n = bpf_probe_read_user_str(r->path, sizeof(r->path), p->path);
	if (n < 0)
		n = 0;
	r->path_len = (__u16)n;
	/*
	 * The file system is for fsslower only, which lists nothing faster than file_min_ns:
	 * looking it up costs more than the rest of this program, so fast opens go without.
	 */
	if (ret >= 0 && p->call <= EBR_CALL_CREAT && r->lat_ns >= file_min_ns &&
	    (f = file_of_fd(ret)))
		r->fs_flags = file_fs(f, r->fstype);
	if (n > EBR_PATH_MAX)
		n = EBR_PATH_MAX;
	/* the return's time, read once: it is the record's time and the end of its latency */
	ebr_output_at(EBR_PROBE_FILE_OPEN, EBR_REC_FILE_OPEN, r,
		      offsetof(struct ebr_rec_file_open, path) + (__u32)n, now);
out:
	p->pending = 0;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_open")
int file_open_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(EBR_CALL_OPEN, AT_FDCWD, (const char *)ctx->args[0],
			  (__u32)ctx->args[1], (__u32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int file_openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(EBR_CALL_OPENAT, (__s32)ctx->args[0], (const char *)ctx->args[1],
			  (__u32)ctx->args[2], (__u32)ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int file_openat2_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};

	bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
	return open_enter(EBR_CALL_OPENAT2, (__s32)ctx->args[0], (const char *)ctx->args[1],
			  (__u32)how.flags, (__u32)how.mode);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int file_creat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(EBR_CALL_CREAT, AT_FDCWD, (const char *)ctx->args[0],
			  O_CREAT_WRONLY_TRUNC, (__u32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_chdir")
int file_chdir_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(EBR_CALL_CHDIR, AT_FDCWD, (const char *)ctx->args[0], 0, 0);
}

SEC("tracepoint/syscalls/sys_enter_fchdir")
int file_fchdir_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(EBR_CALL_FCHDIR, (__s32)ctx->args[0], NULL, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_open")
int file_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int file_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int file_openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int file_creat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_chdir")
int file_chdir_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_fchdir")
int file_fchdir_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

/* ------------------------------------------------------------ slow reads, writes, syncs */

struct slow_pending {
	__u64 ts;
	__u64 offset;
	struct file *file;
	__u8 op;
	__u8 pending; /* between the entry and the return of a read, write or sync */
};

/* In the thread's own storage, as an open's: every read and write of a regular file gets here. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct slow_pending);
} file_slow_pending SEC(".maps");

/*
 * Whether f is a regular file on a wanted file system. Without --fs that is a question of
 * its super block alone: the type's name is read only to compare it with --fs.
 */
static __always_inline bool slow_file_wanted(struct file *f)
{
	struct inode *inode = BPF_CORE_READ(f, f_inode);
	struct super_block *sb;
	char fstype[EBR_FS_NAME_LEN];

	if (!inode || (BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG)
		return false;
	if (file_fs_filter[0])
		return file_fs_wanted(fstype, file_fs(f, fstype));
	sb = BPF_CORE_READ(inode, i_sb);
	return sb && BPF_CORE_READ(sb, s_bdev);
}

/*
 * Entry of read/write/sync on fd: remembered only for a regular file on a wanted file
 * system, so that the common case (pipes, sockets, ttys, other file systems) costs one
 * descriptor lookup and nothing else.
 */
static __always_inline int slow_enter(long fd, __u8 op, bool has_offset, __u64 offset)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct slow_pending *p;
	struct file *f;

	if (!ebr_current_wanted(id >> 32))
		return 0;
	f = file_of_fd(fd);
	if (!f || !slow_file_wanted(f))
		return 0;
	p = bpf_task_storage_get(&file_slow_pending, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!p) {
		ebr_count_map_loss(EBR_PROBE_FILE_SLOW);
		return 0;
	}
	p->ts = bpf_ktime_get_ns();
	p->file = f;
	p->op = op;
	p->offset = has_offset ? offset : (__u64)BPF_CORE_READ(f, f_pos);
	p->pending = 1;
	return 0;
}

static __always_inline int slow_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct slow_pending *p = bpf_task_storage_get(&file_slow_pending,
						      bpf_get_current_task_btf(), 0, 0);
	struct ebr_rec_file_slow *r;
	struct super_block *sb;
	struct dentry *d;
	struct file *f;
	__u64 lat;

	if (!p || !p->pending)
		return 0;
	f = p->file; /* a local: CO-RE relocates kernel types only */
	lat = bpf_ktime_get_ns() - p->ts;
	if (lat < file_min_ns)
		goto out;
	r = ebr_reserve(EBR_PROBE_FILE_SLOW, EBR_REC_FILE_SLOW, sizeof(*r));
	if (!r)
		goto out;
	r->lat_ns = lat;
	r->offset = p->offset;
	r->ret = ret;
	r->pid = id >> 32;
	r->tid = tid;
	r->op = p->op;
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
	r->ino = BPF_CORE_READ(f, f_inode, i_ino);
	sb = BPF_CORE_READ(f, f_inode, i_sb);
	r->dev = BPF_CORE_READ(sb, s_dev);
	file_fs(f, r->fstype);
	d = BPF_CORE_READ(f, f_path.dentry);
	if (bpf_probe_read_kernel_str(r->name, sizeof(r->name), BPF_CORE_READ(d, d_name.name)) < 0)
		r->name[0] = 0;
	ebr_current_comm(r->comm);
	ebr_submit(r);
out:
	p->pending = 0;
	return 0;
}

#define SLOW_PAIR(call, op, offset_arg)                                                      \
	SEC("tracepoint/syscalls/sys_enter_" #call)                                            \
	int file_##call##_enter(struct trace_event_raw_sys_enter *ctx)                         \
	{                                                                                      \
		return slow_enter((long)ctx->args[0], op, (offset_arg) >= 0,                       \
				  (offset_arg) >= 0 ? ctx->args[(offset_arg) & 7] : 0);            \
	}                                                                                      \
	SEC("tracepoint/syscalls/sys_exit_" #call)                                             \
	int file_##call##_exit(struct trace_event_raw_sys_exit *ctx)                           \
	{                                                                                      \
		return slow_exit(ctx->ret);                                                    \
	}

SLOW_PAIR(read, EBR_SLOW_READ, -1)
SLOW_PAIR(write, EBR_SLOW_WRITE, -1)
SLOW_PAIR(pread64, EBR_SLOW_READ, 3)
SLOW_PAIR(pwrite64, EBR_SLOW_WRITE, 3)
SLOW_PAIR(readv, EBR_SLOW_READ, -1)
SLOW_PAIR(writev, EBR_SLOW_WRITE, -1)
SLOW_PAIR(fsync, EBR_SLOW_SYNC, -1)
SLOW_PAIR(fdatasync, EBR_SLOW_SYNC, -1)

/* ------------------------------------------------------------ page cache (cachestat) */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EBR_CACHE_NCOUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} cache_counters SEC(".maps");

static __always_inline void cache_add(__u32 counter, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&cache_counters, &counter);

	if (v)
		__sync_fetch_and_add(v, n); /* a softirq may interrupt us on this CPU */
}

/* Pages in a folio: 1, or folio_nr_pages() of a large folio. */
static __always_inline __u64 folio_pages(struct folio *folio)
{
	unsigned long flags = ebr_folio_flags(folio);

	if (!(flags & (1ul << bpf_core_enum_value(enum pageflags, PG_head))))
		return 1;
	return ebr_large_folio_pages(folio);
}

SEC("tp_btf/mm_filemap_get_pages")
int BPF_PROG(cache_get_pages, struct address_space *mapping, unsigned long index,
	     unsigned long last_index)
{
	/* last_index is inclusive; a nonsensical range counts as one lookup */
	cache_add(EBR_CACHE_READ_PAGES,
		  last_index >= index && last_index - index < (1ul << 30) ? last_index - index + 1 : 1);
	return 0;
}

SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(cache_fault, struct address_space *mapping, unsigned long index)
{
	cache_add(EBR_CACHE_FAULT_PAGES, 1);
	return 0;
}

SEC("tp_btf/mm_filemap_add_to_page_cache")
int BPF_PROG(cache_add_folio, struct folio *folio)
{
	cache_add(EBR_CACHE_ADDED_PAGES, folio_pages(folio));
	return 0;
}

SEC("tp_btf/writeback_dirty_folio")
int BPF_PROG(cache_dirty_folio, struct folio *folio, struct address_space *mapping)
{
	cache_add(EBR_CACHE_DIRTIED_PAGES, folio_pages(folio));
	return 0;
}
