/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Stack capture shared by the profile and offcpu families. bpf_get_stack copies the whole
 * stack into the record, never bpf_get_stackid, whose hash table drops or mixes stacks on
 * collisions (docs/ARCHITECTURE.md); the recorder interns them, so each distinct stack is
 * stored once.
 */
#ifndef EBREC_STACK_BPF_H
#define EBREC_STACK_BPF_H

#include "common.bpf.h"

#define EBR_KSTACK_BYTES (EBR_KSTACK_MAX * 8)
#define EBR_USTACK_BYTES (EBR_USTACK_MAX * 8)

/*
 * The address space (mm) each process's last stack sample was taken in, so that the first
 * sample of a process, or of the image it exec'd, wakes a sleeping drain: the recorder reads
 * the process's maps when it meets its first sample, and a process of a few milliseconds
 * (a compiler under make) is gone after a long sleep of the drain. LRU: an entry for every
 * process sampled lately; one evicted costs only a wakeup.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);   /* tgid */
	__type(value, __u64); /* its struct mm_struct * */
} ebr_stack_images SEC(".maps") __weak;

/* Whether a stack sample of tgid in address space mm must reach the recorder at once. */
static __always_inline bool ebr_stack_urgent(__u32 tgid, void *mm)
{
	__u64 v = (__u64)mm, *seen;

	if (!ebr_drain_wake_at)
		return false; /* the drain is awake: it reads the ring within its interval */
	seen = bpf_map_lookup_elem(&ebr_stack_images, &tgid);
	if (seen && *seen == v)
		return false;
	if (seen)
		*seen = v;
	else
		bpf_map_update_elem(&ebr_stack_images, &tgid, &v, BPF_ANY);
	return true;
}

/* The kernel stack into buf (EBR_KSTACK_BYTES): its bytes, with *flags saying if it failed. */
static __always_inline long ebr_kernel_stack(void *ctx, void *buf, __u32 *flags)
{
	long kb = bpf_get_stack(ctx, buf, EBR_KSTACK_BYTES, 0);

	if (kb < 0) {
		*flags |= EBR_STACK_KERNEL_ERR;
		kb = 0;
	}
	if (kb >= EBR_KSTACK_BYTES) {
		*flags |= EBR_STACK_KERNEL_FULL;
		kb = EBR_KSTACK_BYTES;
	}
	return kb;
}

/*
 * Copies the current task's kernel stack (when kernel) and then its user stack (when user)
 * into frames, leaf first, one after the other; sets their depths and adds EBR_STACK_* to
 * *flags. Returns the bytes of frames filled. ctx: the program's context.
 */
static __always_inline __u32 ebr_capture_stacks_into(void *ctx, void *frames, bool kernel,
						      bool user, __u16 *kdepth, __u16 *udepth,
						      __u32 *flags)
{
	long kb = 0, ub = 0;

	if (kernel)
		kb = ebr_kernel_stack(ctx, frames, flags);
	if (user) {
		/* user frames follow the kernel's: the record carries only what was captured */
		ub = bpf_get_stack(ctx, frames + kb, EBR_USTACK_BYTES, BPF_F_USER_STACK);
		if (ub < 0) {
			*flags |= EBR_STACK_USER_ERR;
			ub = 0;
		}
		if (ub >= EBR_USTACK_BYTES) {
			*flags |= EBR_STACK_USER_FULL;
			ub = EBR_USTACK_BYTES;
		}
	}
	*kdepth = kb / 8;
	*udepth = ub / 8;
	return (__u32)(kb + ub);
}

/*
 * Fills r's kernel and user stacks of the current task (ctx: the program's context) and
 * their depths and flags; returns the size of the record that holds them.
 */
static __always_inline __u32 ebr_capture_stacks(void *ctx, struct ebr_rec_stack *r)
{
	__u32 flags = 0, bytes;

	bytes = ebr_capture_stacks_into(ctx, r->frames, true, true, &r->kdepth, &r->udepth,
					&flags);
	r->flags = flags;
	return (__u32)__builtin_offsetof(struct ebr_rec_stack, frames) + bytes;
}

/* --call-graph dwarf[,SIZE]: bytes of user stack copied at each sample; 0 walks frame pointers */
const volatile __u32 ebr_ustack_copy_bytes __weak = 0;

struct ebr_vma_end {
	__u64 end;
};

static long ebr_vma_end_of(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	((struct ebr_vma_end *)data)->end = vma->vm_end;
	return 0;
}

/*
 * A copy of n bytes of user stack at sp into dst that failed at once (some page of it is not
 * present: never touched, as the stack's top between the exec's tables and its strings
 * often is, or swapped out): chunk by chunk, EBR_USTACK_CHUNK bytes aligned in the address
 * space so that none straddles two pages, a chunk that cannot be read left zero (the helper
 * zeroes it). The frames the unwinder needs are in pages the process touched, on either side
 * of a hole: copying only up to the first one lost the callers of every sample whose stack
 * crossed it, for the whole life of the process.
 */
static __always_inline void ebr_copy_user_chunks(__u8 *dst, __u64 sp, __u32 n)
{
	__u32 off = 0;

	for (int i = 0; i < EBR_USTACK_COPY_MAX / EBR_USTACK_CHUNK + 1; i++) {
		__u32 len = EBR_USTACK_CHUNK - ((sp + off) & (EBR_USTACK_CHUNK - 1));

		if (off >= n)
			break;
		if (len > n - off)
			len = n - off;
		/* the verifier's bounds, which it does not infer: off < n <= the largest SIZE */
		off &= EBR_USTACK_COPY_MAX - 1;
		asm volatile("if %[len] <= %[max] goto +1; %[len] = %[max]"
			     : [len] "+r"(len)
			     : [max] "i"(EBR_USTACK_CHUNK));
		bpf_probe_read_user(dst + off, len, (void *)(sp + off));
		off += len;
	}
}

/*
 * --call-graph dwarf: copies task's user registers into regs[EBR_UREGS] (bpf_task_pt_regs:
 * saved on entry to the kernel, so they are the user's even when the sample interrupted the
 * kernel) and up to ebr_ustack_copy_bytes of its user stack from the stack pointer into stack
 * (room for EBR_USTACK_COPY_MAX + EBR_USTACK_CHUNK bytes). The copy ends at the end of the
 * stack's mapping, so a stack shorter than SIZE costs only what it holds. Returns the bytes
 * of stack copied, or -1 when the task has no user registers (a kernel thread). task must be
 * the current task.
 */
static __always_inline long ebr_copy_user_stack(struct task_struct *task, __u64 *regs,
						__u8 *stack)
{
#if defined(__TARGET_ARCH_x86)
	struct ebr_vma_end vma = { 0 };
	struct pt_regs *pt;
	__u32 n;
	__u64 sp;

	if (!task->mm || (task->flags & 0x00200000 /* PF_KTHREAD */))
		return -1;
	pt = (struct pt_regs *)bpf_task_pt_regs(task);
	/* DWARF numbering, x86-64 psABI: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip */
	regs[0] = pt->ax;
	regs[1] = pt->dx;
	regs[2] = pt->cx;
	regs[3] = pt->bx;
	regs[4] = pt->si;
	regs[5] = pt->di;
	regs[6] = pt->bp;
	regs[7] = pt->sp;
	regs[8] = pt->r8;
	regs[9] = pt->r9;
	regs[10] = pt->r10;
	regs[11] = pt->r11;
	regs[12] = pt->r12;
	regs[13] = pt->r13;
	regs[14] = pt->r14;
	regs[15] = pt->r15;
	regs[16] = pt->ip;
	sp = pt->sp;
	n = ebr_ustack_copy_bytes;
	/* -EBUSY (its mm's lock is held): SIZE is copied, past the stack's end left zero */
	if (bpf_find_vma(task, sp, ebr_vma_end_of, &vma, 0) == 0 && vma.end > sp &&
	    vma.end - sp < n)
		n = vma.end - sp;
	n &= ~7u;
	if (n > EBR_USTACK_COPY_MAX)
		n = EBR_USTACK_COPY_MAX;
	if (n && bpf_probe_read_user(stack, n, (void *)sp))
		ebr_copy_user_chunks(stack, sp, n);
	return n;
#else
	return -1; /* the registers' layout is known for x86-64 only */
#endif
}

/*
 * --call-graph dwarf: fills r with task's user registers and stack (ebr_copy_user_stack) and
 * the kernel stack (ctx: the program's context); returns the size of the record that holds
 * them. task must be the current task.
 */
static __always_inline __u32 ebr_capture_stack_copy(void *ctx, struct task_struct *task,
						   struct ebr_rec_stack_copy *r)
{
	__u32 flags = 0, n = 0;
	long ub, kb;

	r->udepth = 0;
	r->nregs = 0;
	ub = ebr_copy_user_stack(task, r->regs, r->data);
	if (ub < 0) {
		flags |= EBR_STACK_USER_ERR;
	} else {
		r->nregs = EBR_UREGS;
		n = ub;
	}
	if (n > EBR_USTACK_COPY_MAX)
		n = EBR_USTACK_COPY_MAX;
	r->ustack_len = (__u16)n;
	kb = ebr_kernel_stack(ctx, r->data + n, &flags);
	r->kdepth = kb / 8;
	r->flags = flags;
	return (__u32)(__builtin_offsetof(struct ebr_rec_stack_copy, data) + n + kb);
}

#endif
