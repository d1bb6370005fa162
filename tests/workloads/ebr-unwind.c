// SPDX-License-Identifier: GPL-2.0-only
/*
 * Workload for --call-graph dwarf: built with -O2 and without frame pointers (Makefile
 * WORKLOAD_CFLAGS_ebr-unwind), as distributions build their binaries, so that a frame-pointer
 * walk loses its callers and only unwinding with the CFI finds them:
 *
 *   ebr-unwind burn SECONDS    burns CPU in ebr_unwind_leaf, which sets up no frame at all,
 *                              called by ebr_unwind_gamma <- ebr_unwind_beta <-
 *                              ebr_unwind_alpha <- main
 *   ebr-unwind work N          the same for N calls of ebr_unwind_leaf (a fixed amount of
 *                              CPU, ~30 ms each: make bench's cost per sample)
 *   ebr-unwind sleep N MS      sleeps N times MS milliseconds in ebr_unwind_sleeper, through
 *                              libc's nanosleep (Debian's libc has no frame pointers)
 *   ebr-unwind holed SECONDS   burns as burn does, called through ebr_unwind_holed, whose
 *                              frame holds a page that is not present (dropped: as a page of a
 *                              large buffer never touched, or of the top of the stack between
 *                              the exec's tables and its strings): a copy of the stack from
 *                              the leaf up to main's frame crosses it (8 KiB and more)
 *
 * Prints "pid PID" first, so that tests can find it in a report.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

static volatile unsigned long sink;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* no call, no stack: at -O2 without frame pointers its CFA is the stack pointer throughout */
static __attribute__((noipa)) unsigned long ebr_unwind_leaf(unsigned long n)
{
	unsigned long x = n;

	for (unsigned long i = 0; i < n; i++)
		x = x * 6364136223846793005ul + i;
	return x;
}

/*
 * Each caller does something after the call, so that no call becomes a jump. Until `until`
 * (seconds), or for `calls` calls of the leaf when until is 0.
 */
static __attribute__((noinline)) void ebr_unwind_gamma(double until, long calls)
{
	for (long i = 0; until ? now_s() < until : i < calls; i++)
		sink += ebr_unwind_leaf(20000000);
	sink++;
}

static __attribute__((noinline)) void ebr_unwind_beta(double until, long calls)
{
	ebr_unwind_gamma(until, calls);
	sink++;
}

static __attribute__((noinline)) void ebr_unwind_alpha(double until, long calls)
{
	ebr_unwind_beta(until, calls);
	sink++;
}

static __attribute__((noinline)) int ebr_unwind_sleeper(int n, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	for (int i = 0; i < n; i++)
		while (nanosleep(&ts, &ts) != 0) /* EINTR: sleep the rest */
			;
	sink++;
	return 0;
}

static __attribute__((noinline)) void ebr_unwind_holed(double until)
{
	char buf[8192]; /* holds one whole page wherever it starts */
	uintptr_t page = ((uintptr_t)buf + 4095) & ~(uintptr_t)4095;

	/* what a process's stack may hold, which no trace may (tests/e2e/test_unwind.py) */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = "ebrec-private-stack-bytes "[i % 26];
	/* its page is now as one never touched: reading it faults, which a BPF copy may not */
	if (madvise((void *)page, 4096, MADV_DONTNEED) != 0)
		perror("madvise");
	ebr_unwind_alpha(until, 0);
	/* buf stays in this frame until the burn ends */
	__asm__ volatile("" : : "r"(buf) : "memory");
	sink++;
}

int main(int argc, char **argv)
{
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	if (argc == 3 && !strcmp(argv[1], "burn")) {
		ebr_unwind_alpha(now_s() + atof(argv[2]), 0);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "holed")) {
		ebr_unwind_holed(now_s() + atof(argv[2]));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "work")) {
		ebr_unwind_alpha(0, atol(argv[2]));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "sleep"))
		return ebr_unwind_sleeper(atoi(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: ebr-unwind burn SECONDS | work N | sleep N MS | holed SECONDS\n");
	return 2;
}
