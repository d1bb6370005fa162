/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the BPF program copies at a sample with --call-graph dwarf (bpf/stack.bpf.h), taken of
 * the test's own thread: its registers and the stack above the stack pointer, for the tests
 * of the translators that unwind it (x86-64 only).
 */
#ifndef EBREC_TESTS_OWN_STACK_H
#define EBREC_TESTS_OWN_STACK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "bpf/events.h"

#if defined(__x86_64__)
/* The end of this process's main stack ([stack] in its maps), or 0. */
static uint64_t stack_end(void)
{
	char line[512];
	uint64_t end = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && !end && fgets(line, sizeof(line), f)) {
		unsigned long long a, b;

		if (strstr(line, "[stack]") && sscanf(line, "%llx-%llx", &a, &b) == 2)
			end = b;
	}
	if (f)
		fclose(f);
	return end;
}

/*
 * This thread's registers into regs[EBR_UREGS] (DWARF numbering) and up to room bytes of the
 * stack above its stack pointer into stack (byte by byte, and not under ASan: the copy reads
 * other frames' red zones, as the kernel's copy does); returns the bytes copied.
 */
static __attribute__((noinline, no_sanitize_address)) size_t
capture_own_stack(uint64_t *regs, uint8_t *stack, size_t room)
{
	uint64_t end = stack_end(), sp;
	size_t n;

	memset(regs, 0, EBR_UREGS * 8);
	__asm__ volatile("lea 0(%%rip), %%rax\n\t"
			 "mov %%rax, 128(%0)\n\t"
			 "mov %%rsp, 56(%0)\n\t"
			 "mov %%rbp, 48(%0)\n\t"
			 "mov %%rbx, 24(%0)\n\t"
			 "mov %%r12, 96(%0)\n\t"
			 "mov %%r13, 104(%0)\n\t"
			 "mov %%r14, 112(%0)\n\t"
			 "mov %%r15, 120(%0)\n\t"
			 :
			 : "r"(regs)
			 : "rax", "memory");
	sp = regs[EBR_UREG_SP];
	n = end > sp && end - sp < room ? end - sp : room;
	n &= ~(size_t)7;
	for (size_t i = 0; i < n; i++)
		stack[i] = ((const volatile uint8_t *)(uintptr_t)sp)[i];
	return n;
}

/* Callers of the capture, kept as frames of their own. */
static __attribute__((noinline)) size_t own_stack_two(uint64_t *regs, uint8_t *stack,
						       size_t room)
{
	size_t n = capture_own_stack(regs, stack, room);

	__asm__ volatile("" ::: "memory");
	return n;
}

/* capture_own_stack() called through two frames of its own: returns the bytes copied. */
static __attribute__((noinline, unused)) size_t own_stack_nested(uint64_t *regs,
								 uint8_t *stack, size_t room)
{
	size_t n = own_stack_two(regs, stack, room);

	__asm__ volatile("" ::: "memory");
	return n;
}
#endif

#endif
