// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Generic probes: any tracepoint, uprobe, uretprobe or USDT probe that `record -e` names. One
 * program per attach type serves every probe of that type; the BPF cookie of each attachment
 * is the probe's index in ebr_generic_probes, where record/ wrote what the probe copies
 * (bpf/events.h). Nothing is compiled per probe: a tracepoint's record is copied raw, and
 * record/ names its fields from the tracepoint's format file.
 */
#include "common.bpf.h"
#include "stack.bpf.h"
#include <bpf/usdt.bpf.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* libbpf defines the sixth argument register from 1.2 on; Debian 12 has 1.1 */
#ifndef PT_REGS_PARM6
#if defined(__TARGET_ARCH_x86)
#define PT_REGS_PARM6(x) (__PT_REGS_CAST(x)->r9)
#elif defined(__TARGET_ARCH_arm64)
#define PT_REGS_PARM6(x) (__PT_REGS_CAST(x)->regs[5])
#else
#error "PT_REGS_PARM6: unknown architecture"
#endif
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EBR_GENERIC_MAX);
	__type(key, __u32);
	__type(value, struct ebr_generic_cfg);
} ebr_generic_probes SEC(".maps");

/*
 * One record being built per CPU, entry i for CPU i (record/ sizes it to the possible CPUs):
 * the programs behind trace_call_bpf() (tracepoints, uprobes, USDT) do not nest, its guard
 * (bpf_prog_active) skipping the inner run. The raw system-call programs are not under that
 * guard: an interrupt's tracepoint may run its program while one of them builds a record, so
 * they build theirs in entries of their own, ebr_generic_raw_base + i (record/ doubles the
 * map when they are loaded). They do not nest with each other: no system call starts in an
 * interrupt. An array, not a per-CPU array, whose values the kernel bounds at 32 KiB: with a
 * copy of the user stack, a record may be larger.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ebr_rec_generic);
} ebr_generic_scratch SEC(".maps");

/* The raw system-call programs' first scratch entry: the number of possible CPUs. */
const volatile __u32 ebr_generic_raw_base = 0;

/* --comm: only threads of this name ("" records every thread). */
const volatile char ebr_comm_filter[EBR_COMM_LEN] = {};

/*
 * The scratch record with its task fields, or NULL when -p, --comm or the recorder's own
 * filter (EBR_GEN_NOT_SELF) exclude the task.
 */
static __always_inline struct ebr_rec_generic *generic_begin(__u64 cookie,
							     struct ebr_generic_cfg **cfg,
							     __u32 scratch_base)
{
	/* the ids by two loads, as the name below: bpf_get_current_pid_tgid() is a call */
	struct task_struct *t = bpf_get_current_task_btf();
	struct ebr_rec_generic *r;
	__u32 slot = scratch_base + bpf_get_smp_processor_id(), probe = (__u32)cookie;
	__u32 tgid = t->tgid;

	if ((ebr_target_tgid && ebr_target_tgid != tgid) || !ebr_current_cgroup_wanted())
		return NULL;
	*cfg = bpf_map_lookup_elem(&ebr_generic_probes, &probe);
	r = bpf_map_lookup_elem(&ebr_generic_scratch, &slot);
	if (!*cfg || !r || ((*cfg)->flags & EBR_GEN_NOT_SELF && tgid == ebr_self_tgid))
		return NULL;
	__builtin_memcpy(r->comm, t->comm, EBR_COMM_LEN);
	if (ebr_comm_filter[0]) {
		for (int i = 0; i < EBR_COMM_LEN; i++) {
			if (r->comm[i] != ebr_comm_filter[i])
				return NULL;
			if (!r->comm[i])
				break;
		}
	}
	r->pid = tgid;
	r->tid = t->pid;
	r->probe = probe;
	r->flags = 0;
	r->raw_len = 0;
	r->str_len = 0;
	r->kdepth = 0;
	r->udepth = 0;
	return r;
}

/* Appends the user string at ptr at offset off of data[]; returns the offset after it. */
static __always_inline __u32 generic_add_str(struct ebr_rec_generic *r, __u32 off, __u64 ptr)
{
	__u16 len = 0;
	long n;

	off &= EBR_GENERIC_OFF_MASK;
	n = bpf_probe_read_user_str(&r->data[off + 2], EBR_GENERIC_STR_MAX, (void *)ptr);
	if (n > 0) {
		len = (__u16)(n - 1); /* without its NUL */
		if (n >= EBR_GENERIC_STR_MAX)
			r->flags |= EBR_GENERIC_STR_CUT;
	}
	__builtin_memcpy(&r->data[off], &len, sizeof(len));
	return off + 2 + len;
}

/*
 * --call-graph dwarf, a probe with +ustack: at data[off], the kernel stack (when kernel),
 * then the user registers and the copy of the user stack that the recorder unwinds
 * (EBR_GEN_REC_USER_COPY). Returns the bytes filled.
 */
static __always_inline __u32 generic_stack_copy(void *ctx, struct ebr_rec_generic *r,
						 bool kernel, __u32 off)
{
	long kb = 0, ub;
	__u32 regs_at;

	if (kernel)
		kb = ebr_kernel_stack(ctx, &r->data[off], &r->flags);
	r->kdepth = kb / 8;
	regs_at = off + kb;
	ub = ebr_copy_user_stack(bpf_get_current_task_btf(), (__u64 *)&r->data[regs_at],
				 &r->data[regs_at + EBR_UREGS_BYTES]);
	if (ub < 0) {
		r->flags |= EBR_STACK_USER_ERR;
		return kb;
	}
	r->flags |= EBR_GEN_REC_USER_COPY;
	return kb + EBR_UREGS_BYTES + ub;
}

/* The stacks the probe asks for, then the record handed over. off: bytes of data[] so far. */
static __always_inline void generic_finish(void *ctx, struct ebr_rec_generic *r,
					   const struct ebr_generic_cfg *cfg, __u32 off)
{
	__u32 bytes = 0, size;

	if (cfg->flags & (EBR_GEN_KSTACK | EBR_GEN_USTACK)) {
		off = (off + 7) & ~7u & EBR_GENERIC_OFF_MASK;
		if (ebr_ustack_copy_bytes && cfg->flags & EBR_GEN_USTACK)
			bytes = generic_stack_copy(ctx, r, cfg->flags & EBR_GEN_KSTACK, off);
		else
			bytes = ebr_capture_stacks_into(ctx, &r->data[off],
							cfg->flags & EBR_GEN_KSTACK,
							cfg->flags & EBR_GEN_USTACK, &r->kdepth,
							&r->udepth, &r->flags);
	}
	size = (__u32)__builtin_offsetof(struct ebr_rec_generic, data) + off + bytes;
	if (size > sizeof(*r))
		return;
	/*
	 * The same bound again, in the register the helper gets: clang may compute the size
	 * anew after the test above, and the verifier would then see it unbounded.
	 */
	asm volatile("if %[size] <= %[max] goto +1; %[size] = %[max]"
		     : [size] "+r"(size)
		     : [max] "i"(sizeof(*r)));
	ebr_output_wake(EBR_PROBE_GENERIC_BASE + r->probe, EBR_REC_GENERIC, r, size,
			bpf_ktime_get_ns(),
			(cfg->flags & EBR_GEN_USTACK) &&
				ebr_stack_urgent(bpf_get_current_pid_tgid() >> 32,
						 bpf_get_current_task_btf()->mm));
}

/*
 * A tracepoint's fixed fields by direct loads of the context, words 4-byte words after the
 * common fields. A tracepoint program may load its context at constant offsets up to the end
 * of the tracepoint's last field (the kernel refuses the attachment otherwise,
 * perf_event_attach_bpf_prog), so a program can do this only for records of one length: one
 * program per length, generic_tracepoint_w1 .. _w16, which record/ attaches to a tracepoint
 * of exactly that many words and no __data_loc field (generic_direct_words()). The
 * bpf_probe_read_kernel() it spares was a seventh of a getppid storm's program time.
 */
static __always_inline void generic_copy_direct(void *ctx, struct ebr_rec_generic *r,
						const __u32 words)
{
	__u32 *to = (__u32 *)r->data;
	const __u32 *from = (const __u32 *)ctx + 2;

	/*
	 * Written out: the verifier refuses a context pointer that moved, which is what a
	 * loop or a partly unrolled one loads through.
	 */
#define COPY_WORD(k)                \
	if (words > k)              \
		to[k] = from[k]
	COPY_WORD(0); COPY_WORD(1); COPY_WORD(2); COPY_WORD(3);
	COPY_WORD(4); COPY_WORD(5); COPY_WORD(6); COPY_WORD(7);
	COPY_WORD(8); COPY_WORD(9); COPY_WORD(10); COPY_WORD(11);
	COPY_WORD(12); COPY_WORD(13); COPY_WORD(14); COPY_WORD(15);
#undef COPY_WORD
}
_Static_assert(EBR_GENERIC_DIRECT_WORDS == 16, "a COPY_WORD and a GENERIC_TP_DIRECT per word");

/*
 * Tracepoints (attached through perf events, so that each has a cookie). The record's first
 * 8 bytes (common_type, _flags, _preempt_count, _pid) are refused to BPF (when it runs they
 * hold the kernel's pt_regs pointer, perf_trace_run_bpf_submit()): the copy starts after
 * them, and readers rebuild them. Its __data_loc data follows the fixed fields: the
 * copy ends where the last of them ends. words: 0, or generic_copy_direct()'s.
 */
static __always_inline int generic_tp(void *ctx, const __u32 words)
{
	struct ebr_generic_cfg *cfg;
	struct ebr_rec_generic *r = generic_begin(bpf_get_attach_cookie(ctx), &cfg, 0);
	__u32 end, off;

	if (!r)
		return 0;
	if (words) {
		generic_copy_direct(ctx, r, words);
		off = words * 4;
		goto strings;
	}
	end = cfg->raw_size;
	for (int i = 0; i < EBR_GENERIC_MAX_DYN; i++) {
		__u32 loc = 0, at, field_end;
		__u16 fo;

		if (i >= cfg->ndyn)
			break;
		fo = cfg->dyn_off[i];
		if (bpf_probe_read_kernel(&loc, sizeof(loc), ctx + (fo & ~EBR_GEN_DYN_REL)))
			continue;
		at = loc & 0xffff;
		if (fo & EBR_GEN_DYN_REL) /* from the end of the __rel_loc field itself */
			at += (fo & ~EBR_GEN_DYN_REL) + 4;
		field_end = at + (loc >> 16);
		if (field_end > end)
			end = field_end;
	}
	if (end > EBR_GENERIC_RAW_MAX)
		end = EBR_GENERIC_RAW_MAX;
	if (end < 8)
		end = 8;
	off = (end - 8) & EBR_GENERIC_OFF_MASK;
	if (off > EBR_GENERIC_RAW_MAX)
		return 0;
	if (bpf_probe_read_kernel(r->data, off, ctx + 8))
		return 0;
strings:
	r->raw_len = off;
	for (int i = 0; i < EBR_GENERIC_MAX_STRS; i++) {
		__u64 ptr = 0;

		if (i >= cfg->nstr)
			break;
		bpf_probe_read_kernel(&ptr, sizeof(ptr), ctx + (cfg->str_src[i] & 0xffff));
		off = generic_add_str(r, off, ptr);
	}
	r->str_len = off - r->raw_len;
	generic_finish(ctx, r, cfg, off);
	return 0;
}

SEC("tracepoint")
int generic_tracepoint(void *ctx)
{
	return generic_tp(ctx, 0);
}

#define GENERIC_TP_DIRECT(w)                         \
	SEC("tracepoint")                            \
	int generic_tracepoint_w##w(void *ctx)       \
	{                                            \
		return generic_tp(ctx, w);           \
	}
GENERIC_TP_DIRECT(1)
GENERIC_TP_DIRECT(2)
GENERIC_TP_DIRECT(3)
GENERIC_TP_DIRECT(4)
GENERIC_TP_DIRECT(5)
GENERIC_TP_DIRECT(6)
GENERIC_TP_DIRECT(7)
GENERIC_TP_DIRECT(8)
GENERIC_TP_DIRECT(9)
GENERIC_TP_DIRECT(10)
GENERIC_TP_DIRECT(11)
GENERIC_TP_DIRECT(12)
GENERIC_TP_DIRECT(13)
GENERIC_TP_DIRECT(14)
GENERIC_TP_DIRECT(15)
GENERIC_TP_DIRECT(16)

/*
 * System-call tracepoints (syscalls:sys_enter_NAME, sys_exit_NAME) through the raw
 * sys_enter / sys_exit tracepoints, not the perf path that a classic tracepoint program runs
 * behind: that path (perf_syscall_enter: a record built, a recursion context, trace_call_bpf)
 * cost a getppid storm more than this program's whole run. Here the record the format file
 * describes is rebuilt (the number at 8, then each argument, or the return value, 8 bytes
 * each from 16) and a system call that no probe wants leaves after two loads.
 * ebr_syscall_probe[0][nr] is the probe (its index + 1, 0: none) of system call nr's entry,
 * [1][nr] of its exit: record/ fills it (docs/ARCHITECTURE.md, generic probes).
 */
__u16 ebr_syscall_probe[2][EBR_SYSCALL_SLOTS];

#if defined(__TARGET_ARCH_x86)
/* The kernel's syscall tracepoints ignore 32-bit system calls (trace_get_syscall_nr()). */
static __always_inline bool generic_compat_syscall(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	return t->thread_info.status & 0x0002; /* TS_COMPAT */
}

static __always_inline int generic_syscall(void *ctx, struct pt_regs *regs, __u64 nr, int exit,
					   long ret)
{
	struct ebr_generic_cfg *cfg;
	struct ebr_rec_generic *r;
	__u32 probe, off;

	if (nr >= EBR_SYSCALL_SLOTS)
		return 0;
	/*
	 * The mask again, in the register the load uses: clang may test the number's low half
	 * and index with a copy the verifier does not see bounded.
	 */
	asm volatile("%[n] &= %[m]" : [n] "+r"(nr) : [m] "i"(EBR_SYSCALL_SLOTS - 1));
	probe = ebr_syscall_probe[exit][nr];
	if (!probe || generic_compat_syscall())
		return 0;
	r = generic_begin(probe - 1, &cfg, ebr_generic_raw_base);
	if (!r)
		return 0;
	__builtin_memset(r->data, 0, 8);
	__builtin_memcpy(r->data, &nr, 4);
	if (exit) {
		__builtin_memcpy(&r->data[8], &ret, 8);
	} else {
		/* the x86-64 system-call convention, as syscall_get_arguments() reads it */
		__u64 args[6] = { regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9 };

		__builtin_memcpy(&r->data[8], args, sizeof(args));
	}
	/* the record's end as its format file says (record/ checked it against the above) */
	off = cfg->raw_size - 8;
	if (off > 8 + 6 * 8)
		return 0;
	r->raw_len = off;
	for (int i = 0; i < EBR_GENERIC_MAX_STRS; i++) {
		/* the argument whose field's offset str_src holds */
		__u32 arg = (((__u32)cfg->str_src[i] - 16) / 8) & 7;
		__u64 ptr = 0;

		if (i >= cfg->nstr)
			break;
		if (arg < 6)
			__builtin_memcpy(&ptr, &r->data[8 + arg * 8], sizeof(ptr));
		off = generic_add_str(r, off, ptr);
	}
	r->str_len = off - r->raw_len;
	generic_finish(ctx, r, cfg, off);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(generic_sys_enter, struct pt_regs *regs, long id)
{
	return generic_syscall(ctx, regs, (__u64)id, 0, 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(generic_sys_exit, struct pt_regs *regs, long ret)
{
	/* the number as syscall_get_nr() reads it: an int, whatever rax's upper half held */
	return generic_syscall(ctx, regs, (__u64)(long)(int)regs->orig_ax, 1, ret);
}
#endif

/* Arguments (uprobes, uretprobes, USDT), then the strings that some of them point to. */
static __always_inline void generic_args(void *ctx, struct ebr_rec_generic *r,
					 const struct ebr_generic_cfg *cfg, const __u64 *args,
					 __u32 nargs)
{
	__u32 off = nargs * 8;

	__builtin_memcpy(r->data, args, EBR_GENERIC_MAX_ARGS * 8);
	r->raw_len = off;
	for (int i = 0; i < EBR_GENERIC_MAX_STRS; i++) {
		__u32 arg = cfg->str_src[i] & 15; /* a power of two: the verifier's bound */
		__u64 ptr = 0;

		if (i >= cfg->nstr)
			break;
		/* from the record's copy: a map value may be indexed where the stack may not */
		if (arg < EBR_GENERIC_MAX_ARGS)
			__builtin_memcpy(&ptr, &r->data[arg * 8], sizeof(ptr));
		off = generic_add_str(r, off, ptr);
	}
	r->str_len = off - r->raw_len;
	generic_finish(ctx, r, cfg, off);
}

SEC("uprobe")
int BPF_KPROBE(generic_uprobe)
{
	struct ebr_generic_cfg *cfg;
	struct ebr_rec_generic *r = generic_begin(bpf_get_attach_cookie(ctx), &cfg, 0);
	__u64 args[EBR_GENERIC_MAX_ARGS] = {
		PT_REGS_PARM1(ctx), PT_REGS_PARM2(ctx), PT_REGS_PARM3(ctx),
		PT_REGS_PARM4(ctx), PT_REGS_PARM5(ctx), PT_REGS_PARM6(ctx),
	};

	if (r)
		generic_args(ctx, r, cfg, args, 6);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(generic_uretprobe)
{
	struct ebr_generic_cfg *cfg;
	struct ebr_rec_generic *r = generic_begin(bpf_get_attach_cookie(ctx), &cfg, 0);
	__u64 args[EBR_GENERIC_MAX_ARGS] = { PT_REGS_RC(ctx) };

	if (r)
		generic_args(ctx, r, cfg, args, 1);
	return 0;
}

SEC("usdt")
int generic_usdt(struct pt_regs *ctx)
{
	struct ebr_generic_cfg *cfg;
	struct ebr_rec_generic *r = generic_begin(bpf_usdt_cookie(ctx), &cfg, 0);
	__u64 args[EBR_GENERIC_MAX_ARGS] = {};
	int n;

	if (!r)
		return 0;
	n = bpf_usdt_arg_cnt(ctx);
	if (n < 0)
		n = 0;
	for (int i = 0; i < EBR_GENERIC_MAX_ARGS; i++) {
		long v = 0;

		if (i >= n)
			break;
		bpf_usdt_arg(ctx, i, &v);
		args[i] = (__u64)v;
	}
	generic_args(ctx, r, cfg, args, n > EBR_GENERIC_MAX_ARGS ? EBR_GENERIC_MAX_ARGS : n);
	return 0;
}
