/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ring-buffer protocol between bpf/ and record/. Private to one ebrec build: the public,
 * versioned encoding is the .ebr format (format/FORMAT.md); record/ translates these records
 * into it. Fixed-width types only, largest fields first, explicit padding, sizes asserted, so
 * that the BPF and the user-space compilers agree on every offset.
 */
#ifndef EBREC_BPF_EVENTS_H
#define EBREC_BPF_EVENTS_H

#ifdef __bpf__
/* vmlinux.h already defines the __u* types */
#else
#include <linux/types.h>
#endif

/* block.rq flags (EBR_BIO_*) are part of the file format */
#include "format/block_flags.h"
/* profile.sample and offcpu.span flags (EBR_STACK_*) too, and those of the other families */
#include "format/stack_flags.h"
#include "format/proc_flags.h"
#include "format/file_flags.h"
#include "format/tcp_flags.h"
#include "format/sched_flags.h"
#include "format/generic_flags.h"

#define EBR_COMM_LEN 16
#define EBR_PATH_MAX 4096     /* PATH_MAX: the kernel refuses longer paths, so paths are whole */
#define EBR_EXEC_DATA 8192    /* filename + argv of an exec record */
#define EBR_EXEC_ARG_MAX 1024 /* one argument; longer ones are cut (flag EBR_EXEC_ARG_CUT) */
#define EBR_EXEC_MAX_ARGS 20  /* as bcc's execsnoop */
#define EBR_FS_NAME_LEN 16    /* file system type name ("ext4") */
#define EBR_DNAME_LEN 256     /* a file name (one path component) */

/* Record types in the ring buffer (hdr.type). Not on disk. */
enum {
	EBR_REC_BLOCK_RQ = 1,
	EBR_REC_PROC_FORK = 2,
	EBR_REC_PROC_EXEC = 3,
	EBR_REC_PROC_EXIT = 4,
	EBR_REC_FILE_OPEN = 5, /* also chdir/fchdir: struct ebr_rec_file_open, call says which */
	EBR_REC_FILE_SLOW = 6,
	EBR_REC_TCP_STATE = 7,   /* struct ebr_rec_tcp, from here on */
	EBR_REC_TCP_ACCEPT = 8,
	EBR_REC_TCP_RETRANS = 9,
	EBR_REC_TCP_RESET = 10,
	EBR_REC_SCHED_SWITCH = 11,
	EBR_REC_PROFILE = 12, /* struct ebr_rec_stack, from here on */
	EBR_REC_OFFCPU = 13,
	EBR_REC_PROFILE_COPY = 14, /* struct ebr_rec_stack_copy, from here on: --call-graph dwarf */
	EBR_REC_OFFCPU_COPY = 15,
	EBR_REC_GENERIC = 16, /* struct ebr_rec_generic: any generic probe */
	EBR_REC_PROC_CGROUP = 17,
};

/*
 * Probe ids: one per emitting BPF program, the unit of loss accounting. They are written to
 * every trace (META "probe.<id>") so a trace stays readable when this list changes.
 */
enum {
	EBR_PROBE_BLOCK_RQ = 1,
	EBR_PROBE_PROC_FORK = 2,
	EBR_PROBE_PROC_EXEC = 3,
	EBR_PROBE_PROC_EXIT = 4,
	EBR_PROBE_FILE_OPEN = 5,
	EBR_PROBE_FILE_SLOW = 6,
	EBR_PROBE_TCP_STATE = 7,
	EBR_PROBE_TCP_ACCEPT = 8,
	EBR_PROBE_TCP_RETRANS = 9,
	EBR_PROBE_TCP_RESET = 10,
	EBR_PROBE_SCHED_SWITCH = 11,
	EBR_PROBE_PROFILE = 12,
	EBR_PROBE_OFFCPU = 13,
	EBR_PROBE_PROC_CGROUP = 14,
	EBR_PROBE_GENERIC_BASE = 64, /* generic probe i (record -e tracepoint:...) is 64 + i */
	EBR_PROBE_MAX = 64 + 512,    /* EBR_PROBE_GENERIC_BASE + EBR_GENERIC_MAX */
};

/* Per probe, per CPU counters kept by the kernel side (map ebr_counters). */
struct ebr_probe_counters {
	__u64 emitted;      /* records the probe tried to hand over */
	__u64 lost_ringbuf; /* bpf_ringbuf_reserve() failed: ring buffer full */
	__u64 lost_map;     /* a pairing map was full or a pair's other half was never traced */
};

/* Common header of every ring-buffer record. */
struct ebr_rec_hdr {
	__u64 ts;   /* CLOCK_MONOTONIC ns, bpf_ktime_get_ns() */
	__u16 type; /* EBR_REC_* */
	__u16 size; /* sizeof the whole record */
	__u32 cpu;
};

/* One completed block request: built from io_start/insert/issue/complete in the kernel. */
struct ebr_rec_block_rq {
	struct ebr_rec_hdr hdr; /* ts = completion time */
	__u64 sector;
	__u64 lat_ns;   /* issue -> complete */
	__u64 queue_ns; /* insert -> issue; 0 when the request was not queued */
	__u32 pid;      /* process that submitted the request */
	__u32 tid;
	__u32 dev;      /* major << 20 | minor, as the kernel's dev_t */
	__u32 bytes;
	__u32 flags;    /* EBR_BIO_*, format/block_flags.h */
	__s32 error;    /* blk_status_t at completion, 0 = success */
	char comm[EBR_COMM_LEN];
	__u32 cmd_flags; /* the kernel's rq->cmd_flags at completion: REQ_OP_* | REQ_* bits */
	__u32 pad;
};

/* A new process (not a new thread): fork, vfork or clone without CLONE_THREAD. */
struct ebr_rec_proc_fork {
	struct ebr_rec_hdr hdr;
	__u64 cgroup_id; /* the child's cgroup v2 */
	__u32 pid;       /* parent (tgid) */
	__u32 tid;       /* parent thread */
	__u32 child_pid;
	__u32 uid;
	char comm[EBR_COMM_LEN];
};

/* execve/execveat, from entry (arguments) to return (result). Variable size: data is cut. */
struct ebr_rec_proc_exec {
	struct ebr_rec_hdr hdr; /* ts = return */
	__u64 lat_ns;           /* entry -> return */
	__u64 cgroup_id;        /* the process's cgroup v2 at return */
	__u32 pid, tid, ppid, uid;
	__s32 ret;              /* 0 or -errno */
	__u16 filename_len;     /* bytes of data[] holding the filename, its NUL included */
	__u16 args_len;         /* bytes after it: argc NUL-terminated arguments */
	__u16 argc;
	__u16 flags;            /* EBR_EXEC_*, format/proc_flags.h */
	__u32 pad;
	char comm[EBR_COMM_LEN]; /* at return: the new program's name when the exec succeeded */
	char data[EBR_EXEC_DATA];
};

/*
 * A process moved to another cgroup v2 (cgroup_attach_task, after the move). path is the
 * tracepoint's, which the kernel cuts at its TRACE_CGROUP_PATH_LEN.
 */
#define EBR_CGROUP_PATH_MAX 1024
struct ebr_rec_proc_cgroup {
	struct ebr_rec_hdr hdr;
	__u64 cgroup_id;
	__u32 pid, tid;
	char comm[EBR_COMM_LEN];
	char path[EBR_CGROUP_PATH_MAX];
};

/* A thread's exit; a process exits with its last thread (group_dead). */
struct ebr_rec_proc_exit {
	struct ebr_rec_hdr hdr;
	__u64 start_ns; /* task start, CLOCK_MONOTONIC ns */
	__u32 pid, tid, ppid;
	__u32 code;     /* the wait status: exit code << 8 | signal (0x80: core dumped) */
	__u32 flags;    /* EBR_EXIT_*, format/proc_flags.h */
	__u32 pad;
	char comm[EBR_COMM_LEN];
};

/*
 * The exit of a process's last thread (flags EBR_EXIT_GROUP_DEAD), with its argument memory
 * as the exit probe read it: the recorder writes a proc.title when it differs from the
 * recorded arguments. The other exits are struct ebr_rec_proc_exit alone (hdr.size says).
 */
struct ebr_rec_proc_exit_title {
	struct ebr_rec_proc_exit exit;
	__u32 title_len; /* bytes of title read; 0 none (no mm, or not resident) */
	__u32 title_flags; /* EBR_TITLE_CUT: the area went on */
	char title[EBR_TITLE_MAX];
};

/* Calls besides file.open's (EBR_CALL_*, format/file_flags.h): record/ makes them file.chdir. */
enum {
	EBR_CALL_CHDIR = 5,
	EBR_CALL_FCHDIR = 6,
};

/* open, openat, openat2, creat (and chdir, fchdir) from entry to return. Variable size. */
struct ebr_rec_file_open {
	struct ebr_rec_hdr hdr; /* ts = return */
	__u64 lat_ns;
	__u32 pid, tid;
	__s32 ret;      /* fd or -errno */
	__s32 dirfd;    /* openat's dirfd (AT_FDCWD = -100); fchdir's fd */
	__u32 flags;    /* O_* as passed */
	__u32 mode;
	__u32 fs_flags; /* EBR_FS_* of the opened file, format/file_flags.h */
	__u16 path_len; /* bytes of path[], NUL included; 0 when it could not be read */
	__u8 call;      /* EBR_CALL_* */
	__u8 pad;
	char comm[EBR_COMM_LEN];
	char fstype[EBR_FS_NAME_LEN]; /* of the opened file, "" on failure */
	char path[EBR_PATH_MAX];
};

/* A read, write or sync of a regular file slower than the recording's --min-us. */
struct ebr_rec_file_slow {
	struct ebr_rec_hdr hdr; /* ts = return */
	__u64 lat_ns;
	__u64 offset;   /* file position the operation started at */
	__s64 ret;      /* bytes, or -errno */
	__u64 ino;
	__u32 pid, tid;
	__u32 dev;      /* the file system's s_dev, major << 20 | minor */
	__u8 op;        /* EBR_SLOW_*, format/file_flags.h */
	__u8 pad[3];
	char comm[EBR_COMM_LEN];
	char fstype[EBR_FS_NAME_LEN];
	char name[EBR_DNAME_LEN]; /* the file's name (last path component) */
};

/*
 * A TCP socket's moment: a state change, an accept, a retransmit, a reset (hdr.type says
 * which). The socket is named by its cookie, the id sock_diag also reports, which unlike its
 * address is never reused. Addresses in network order, ports in host order.
 */
struct ebr_rec_tcp {
	struct ebr_rec_hdr hdr;
	__u64 cookie;
	__u64 skaddr;
	__u64 tx_bytes; /* tcp_sock bytes_acked: data the peer acknowledged */
	__u64 rx_bytes; /* tcp_sock bytes_received */
	__u32 pid, tid; /* the current task: the socket's owner only in process context */
	__u8 saddr[16]; /* local */
	__u8 daddr[16]; /* remote */
	__u16 sport, dport;
	__u16 family;   /* AF_INET, AF_INET6 */
	__u8 oldstate;  /* TCP_* (1 ESTABLISHED .. 12 NEW_SYN_RECV); state changes only */
	__u8 state;     /* the new state, or the socket's state at the event */
	__u32 detail;   /* resets: EBR_TCP_RESET_* << 16 | sk_rst_reason */
	__u32 flags;    /* what the byte counters include besides data, format/tcp_flags.h */
	char comm[EBR_COMM_LEN];
};

/*
 * One context switch, with the three intervals runqlat and cpudist need, measured in the
 * kernel from per-task timestamps (so no wakeup needs a record of its own).
 */
struct ebr_rec_sched_switch {
	struct ebr_rec_hdr hdr;
	__u64 runq_ns;   /* next: from wakeup (or preemption) to now */
	__u64 oncpu_ns;  /* prev: from its switch-in to now (untraced switch-in: its run time) */
	__u64 offcpu_ns; /* next: from its switch-out to now */
	__u32 prev_pid, prev_tid;
	__u32 next_pid, next_tid;
	__u32 prev_state; /* the kernel's task state of prev (0 running, 1 S, 2 D...) */
	__u32 flags;      /* EBR_SCHED_*, format/sched_flags.h */
	char prev_comm[EBR_COMM_LEN];
	char next_comm[EBR_COMM_LEN];
};

#define EBR_KSTACK_MAX 127 /* the kernel's perf_event_max_stack default */
#define EBR_USTACK_MAX 128


/*
 * A stack sample: a profile tick (ts = the tick), or a stretch off CPU (ts = the switch back
 * in; the stacks are the task's when it was switched out). Variable size: the record ends
 * after frames[kdepth + udepth], kernel frames first, each stack leaf first.
 */
struct ebr_rec_stack {
	struct ebr_rec_hdr hdr;
	__u64 offcpu_ns; /* offcpu: switched out to switched in; profile: 0 */
	__u32 pid, tid;
	__u32 state;     /* offcpu: the kernel's task state at the switch out */
	__u32 flags;     /* EBR_STACK_*, format/stack_flags.h */
	__u16 kdepth, udepth;
	__u16 ustack_len; /* ebr_rec_stack_copy: bytes of user stack copied; else 0 */
	__u16 nregs;      /* ebr_rec_stack_copy: user registers copied; else 0 */
	char comm[EBR_COMM_LEN];
	__u64 frames[EBR_KSTACK_MAX + 1 + EBR_USTACK_MAX];
};

/*
 * --call-graph dwarf: what the recorder needs to unwind the user stack with the objects' CFI
 * (record/unwind.c), as perf's --call-graph dwarf: the user registers, in the DWARF numbering
 * of the architecture (x86-64: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip), and a copy of the
 * user stack from the stack pointer up. data[] holds ustack_len bytes of stack, then kdepth
 * kernel frames (8-byte aligned: ustack_len is a multiple of 8). udepth is 0. Its first
 * fields are ebr_rec_stack's.
 */
#define EBR_UREGS 17
#define EBR_UREG_SP 7
#define EBR_UREG_IP 16
#define EBR_UREGS_BYTES (EBR_UREGS * 8)
#define EBR_USTACK_COPY_MAX 16384 /* --call-graph dwarf,SIZE: the largest SIZE */
#define EBR_USTACK_COPY_DEFAULT 8192 /* as perf's */
/* a copy that failed at once is retried in chunks of this many bytes (bpf/stack.bpf.h) */
#define EBR_USTACK_CHUNK 512

struct ebr_rec_stack_copy {
	struct ebr_rec_hdr hdr;
	__u64 offcpu_ns;
	__u32 pid, tid;
	__u32 state;
	__u32 flags;
	__u16 kdepth, udepth;
	__u16 ustack_len, nregs;
	char comm[EBR_COMM_LEN];
	__u64 regs[EBR_UREGS + 1]; /* the last is padding */
	__u8 data[EBR_USTACK_COPY_MAX + EBR_KSTACK_MAX * 8];
};

/*
 * Generic probes (record -e tracepoint:..., uprobe:..., uretprobe:..., usdt:...): one program
 * per attach type (bpf/generic.bpf.c), told apart by the BPF cookie of each attachment, which
 * is the probe's index in the map ebr_generic_probes: record/ fills entry i with what probe i
 * copies. The record carries the probe's raw data; record/generic_translate.c names it.
 */
#define EBR_GENERIC_MAX 512       /* probes of one recording: as bpftrace's default limit */
#define EBR_SYSCALL_SLOTS 1024    /* system-call numbers that a raw syscall probe serves */
#define EBR_GENERIC_RAW_MAX 8192  /* a tracepoint's record: the kernel's PERF_MAX_TRACE_SIZE */
/* the longest tracepoint record that a program of its own copies by direct loads, in words */
#define EBR_GENERIC_DIRECT_WORDS 16
#define EBR_GENERIC_MAX_DYN 8     /* __data_loc fields of one tracepoint (the kernel's most: 4) */
#define EBR_GENERIC_STR_MAX 1024  /* one user string, its NUL included: longer ones are cut */
#define EBR_GENERIC_MAX_STRS 6    /* strings one event reads */
#define EBR_GENERIC_MAX_ARGS 12   /* uprobe: 6 registers; USDT: libbpf's BPF_USDT_MAX_ARG_CNT */
/* where the variable parts of data[] may start (a power of two, for the verifier's bounds) */
#define EBR_GENERIC_OFF_MASK 0x3fff
#define EBR_GENERIC_DATA (EBR_GENERIC_OFF_MASK + 1 + 2048)
/*
 * --call-graph dwarf: the most data[] holds when a +ustack probe copies the user registers
 * and stack in place of the user frames (EBR_GEN_REC_USER_COPY)
 */
#define EBR_GENERIC_DATA_COPY (EBR_GENERIC_OFF_MASK + 1 + EBR_KSTACK_MAX * 8 + \
			       EBR_UREGS_BYTES + EBR_USTACK_COPY_MAX + EBR_USTACK_CHUNK)

/* What probe i is (ebr_generic_cfg.kind). */
enum {
	EBR_GEN_TRACEPOINT = 1,
	EBR_GEN_UPROBE = 2,
	EBR_GEN_URETPROBE = 3,
	EBR_GEN_USDT = 4,
};

/* ebr_generic_cfg.flags */
#define EBR_GEN_KSTACK 1u   /* capture the kernel stack */
#define EBR_GEN_USTACK 2u   /* capture the user stack */
/*
 * Leave the recorder's own events out: its system calls, its uprobes and USDT probes. Other
 * tracepoints record whatever happens while the recorder is the current task, as ftrace
 * does: it is often an interrupt of it, which BPF cannot tell apart here (the preempt count
 * is a per-CPU variable kallsyms does not name without CONFIG_KALLSYMS_ALL).
 */
#define EBR_GEN_NOT_SELF 4u
#define EBR_GEN_DYN_REL 0x8000u /* dyn_off: a __rel_loc field (offset from the field's end) */
/*
 * ebr_rec_generic.flags, in the ring only (record/ takes it off): after the kernel frames,
 * EBR_UREGS user registers and the copy of the user stack to the record's end, in place of
 * the user frames (--call-graph dwarf)
 */
#define EBR_GEN_REC_USER_COPY 0x80000000u


/* What generic probe i copies: entry i of the map ebr_generic_probes. */
struct ebr_generic_cfg {
	__u32 raw_size;  /* tracepoint: bytes of its fixed fields, the 8 common ones included */
	__u16 kind;      /* EBR_GEN_* */
	__u16 flags;     /* EBR_GEN_KSTACK, EBR_GEN_USTACK */
	__u8 ndyn;       /* tracepoint: entries of dyn_off */
	__u8 nstr;       /* entries of str_src */
	__u8 nargs;      /* uprobe: 6; uretprobe: 1 */
	__u8 pad;
	/* tracepoint: offsets of its __data_loc fields, EBR_GEN_DYN_REL for __rel_loc */
	__u16 dyn_off[EBR_GENERIC_MAX_DYN];
	/* where each string's pointer is: tracepoint: the field's offset; else argument number */
	__u16 str_src[EBR_GENERIC_MAX_STRS];
};

/*
 * One event of a generic probe. data[] holds raw_len bytes of raw data (a tracepoint's record
 * from its offset 8 on, its 8 bytes of common fields not being readable from BPF; or the
 * arguments, 8 bytes each), then nstr strings (each a __u16 length, its NUL not included,
 * then its bytes), then at the next multiple of 8 the kernel and the user stack, leaf first
 * (or, with EBR_GEN_REC_USER_COPY, the kernel stack, the user registers and stack copy).
 */
struct ebr_rec_generic {
	struct ebr_rec_hdr hdr;
	__u32 pid, tid;
	__u32 probe;    /* the cookie: index in ebr_generic_probes */
	__u32 flags;    /* EBR_STACK_*, EBR_GENERIC_STR_CUT: format/generic_flags.h */
	__u16 raw_len;
	__u16 str_len;  /* bytes of the strings, their lengths included */
	__u16 kdepth, udepth;
	char comm[EBR_COMM_LEN];
	__u8 data[EBR_GENERIC_DATA_COPY];
};

/* cachestat's per-CPU counters (map cache_counters), read by record/ once a second. */
enum {
	EBR_CACHE_READ_PAGES = 0,  /* pages looked up by reads (mm_filemap_get_pages) */
	EBR_CACHE_FAULT_PAGES = 1, /* page faults on file mappings (mm_filemap_fault) */
	EBR_CACHE_ADDED_PAGES = 2, /* pages added to the page cache */
	EBR_CACHE_DIRTIED_PAGES = 3,
	EBR_CACHE_NCOUNTERS = 4,
};

#ifndef __bpf__
_Static_assert(sizeof(struct ebr_rec_hdr) == 16, "ebr_rec_hdr layout");
_Static_assert(sizeof(struct ebr_rec_block_rq) == 88, "ebr_rec_block_rq layout");
_Static_assert(sizeof(struct ebr_probe_counters) == 24, "ebr_probe_counters layout");
_Static_assert(sizeof(struct ebr_rec_proc_fork) == 56, "ebr_rec_proc_fork layout");
_Static_assert(sizeof(struct ebr_rec_proc_cgroup) == 48 + EBR_CGROUP_PATH_MAX,
	       "ebr_rec_proc_cgroup layout");
_Static_assert(sizeof(struct ebr_rec_proc_exec) == 80 + EBR_EXEC_DATA, "proc_exec layout");
_Static_assert(sizeof(struct ebr_rec_proc_exit) == 64, "ebr_rec_proc_exit layout");
_Static_assert(sizeof(struct ebr_rec_proc_exit_title) == 72 + EBR_TITLE_MAX,
	       "ebr_rec_proc_exit_title layout");
_Static_assert(sizeof(struct ebr_rec_file_open) == 88 + EBR_PATH_MAX, "file_open layout");
_Static_assert(sizeof(struct ebr_rec_file_slow) == 352, "ebr_rec_file_slow layout");
_Static_assert(sizeof(struct ebr_rec_tcp) == 120, "ebr_rec_tcp layout");
_Static_assert(sizeof(struct ebr_rec_sched_switch) == 96, "ebr_rec_sched_switch layout");
_Static_assert(sizeof(struct ebr_rec_stack) == 64 + 256 * 8, "ebr_rec_stack layout");
_Static_assert(sizeof(struct ebr_rec_stack_copy) == 64 + 18 * 8 + EBR_USTACK_COPY_MAX +
		       EBR_KSTACK_MAX * 8, "ebr_rec_stack_copy layout");
_Static_assert(__builtin_offsetof(struct ebr_rec_stack_copy, comm) ==
		       __builtin_offsetof(struct ebr_rec_stack, comm), "stack records share a prefix");
_Static_assert(sizeof(struct ebr_generic_cfg) == 40, "ebr_generic_cfg layout");
_Static_assert(sizeof(struct ebr_rec_generic) == 56 + EBR_GENERIC_DATA_COPY,
	       "rec_generic layout");
_Static_assert(sizeof(struct ebr_rec_generic) <= 65535, "a record's size fits ebr_rec_hdr.size");
_Static_assert(EBR_PROBE_MAX == EBR_PROBE_GENERIC_BASE + EBR_GENERIC_MAX, "generic probe ids");
#endif

#endif /* EBREC_BPF_EVENTS_H */
