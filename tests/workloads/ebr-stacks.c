// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stack workload for the profile and offcpu families' end-to-end tests. Built with frame
 * pointers, without inlining, so that the kernel's frame-pointer walk finds every function
 * and the tests know the exact stacks:
 *
 *   ebr-stacks burn SECONDS    burns CPU in ebr_inner_gamma <- ebr_middle_beta <-
 *                              ebr_outer_alpha <- main
 *   ebr-stacks sleep N MS      a thread sleeps N times MS milliseconds in ebr_sleeper_delta,
 *                              which makes the nanosleep system call itself: a call through
 *                              libc, built without frame pointers, would hide the caller
 *   ebr-stacks burn-cpu SECONDS, mangled-cpu SECONDS
 *                              the same for SECONDS of the process's CPU time, not of the clock
 *   ebr-stacks mangled SECONDS burns CPU in two functions whose symbols are mangled as a
 *                              C++ compiler and rustc would: ebrec::burner::spin(double)
 *                              (_ZN5ebrec6burner4spinEd) called by ebrec::burner::outer (a
 *                              Rust v0 name), under main
 *   ebr-stacks jit SECONDS     burns CPU in code it wrote into anonymous memory, named
 *                              ebr_jit_epsilon in /tmp/perf-PID.map as JIT runtimes do
 *                              (x86-64 only); removes the map when done unless told "keep"
 *
 * Prints "pid PID" first, so that tests can find it in a report.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static volatile unsigned long sink;
/* burn and mangled run until this clock reaches their end: with "-cpu", the process's CPU
 * time, so that a loaded machine gives the same samples, only later */
static clockid_t burn_clock = CLOCK_MONOTONIC;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(burn_clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static __attribute__((noinline)) void ebr_inner_gamma(double until)
{
	while (now_s() < until)
		for (int i = 0; i < 100000; i++)
			sink += (unsigned long)i * 2654435761u;
}

static __attribute__((noinline)) void ebr_middle_beta(double until)
{
	ebr_inner_gamma(until);
	sink++;
}

static __attribute__((noinline)) void ebr_outer_alpha(double until)
{
	ebr_middle_beta(until);
	sink++;
}

/* C functions under the symbols a C++ and a Rust compiler would give them */
static void ebr_mangled_spin(double until) __asm__("_ZN5ebrec6burner4spinEd");
static void ebr_mangled_outer(double until) __asm__("_RNvNtCs1234_5ebrec6burner5outer");

static __attribute__((noinline, used)) void ebr_mangled_spin(double until)
{
	ebr_inner_gamma(until);
	sink++;
}

static __attribute__((noinline, used)) void ebr_mangled_outer(double until)
{
	ebr_mangled_spin(until);
	sink++;
}

/* nanosleep(2) made right in its caller (inlined), so that the user stack's leaf is the caller */
static inline __attribute__((always_inline)) long raw_nanosleep(const struct timespec *ts)
{
	long ret;
#if defined(__x86_64__)
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"((long)SYS_nanosleep), "D"(ts), "S"(NULL)
			 : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = SYS_nanosleep;
	register long x0 __asm__("x0") = (long)ts;
	register long x1 __asm__("x1") = 0;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
	ret = x0;
#else
	ret = nanosleep(ts, NULL);
#endif
	return ret;
}

struct sleeps {
	int n;
	long ms;
};

static __attribute__((noinline)) void ebr_sleeper_delta(const struct sleeps *s)
{
	struct timespec ts = { s->ms / 1000, (s->ms % 1000) * 1000000L };

	for (int i = 0; i < s->n; i++)
		while (raw_nanosleep(&ts) != 0) /* EINTR: sleep again */
			;
}

static void *sleeper(void *arg)
{
	ebr_sleeper_delta(arg);
	return NULL;
}

/* x86-64: rax = rdi; do rax-- while (rax); return -- a countdown of rdi iterations */
static const unsigned char jit_countdown[] = { 0x48, 0x89, 0xf8, 0x48, 0xff, 0xc8,
					       0x75, 0xfb, 0xc3 };

static int jit_burn(double seconds, int keep_map)
{
	void (*fn)(unsigned long);
	char path[64];
	FILE *map;
	void *code;

#if !defined(__x86_64__)
	fprintf(stderr, "ebr-stacks: jit needs x86-64\n");
	return 1;
#endif
	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (code == MAP_FAILED) {
		perror("ebr-stacks: mmap");
		return 1;
	}
	memcpy(code, jit_countdown, sizeof(jit_countdown));
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	map = fopen(path, "w");
	if (!map || fprintf(map, "%lx %zx ebr_jit_epsilon\n", (unsigned long)code,
			    sizeof(jit_countdown)) < 0 || fclose(map) != 0) {
		perror("ebr-stacks: writing the perf map");
		return 1;
	}
	fn = (void (*)(unsigned long))code;
	for (double until = now_s() + seconds; now_s() < until;)
		fn(1000000);
	if (!keep_map)
		unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	if (argc == 3 && (!strcmp(argv[1], "burn-cpu") || !strcmp(argv[1], "mangled-cpu"))) {
		burn_clock = CLOCK_PROCESS_CPUTIME_ID;
		argv[1][strlen(argv[1]) - 4] = 0;
	}
	if (argc == 3 && !strcmp(argv[1], "burn")) {
		ebr_outer_alpha(now_s() + atof(argv[2]));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "mangled")) {
		ebr_mangled_outer(now_s() + atof(argv[2]));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "sleep")) {
		struct sleeps s = { atoi(argv[2]), atol(argv[3]) };
		pthread_t t;

		if (pthread_create(&t, NULL, sleeper, &s) || pthread_join(t, NULL)) {
			fprintf(stderr, "ebr-stacks: cannot run the sleeping thread\n");
			return 1;
		}
		return 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "jit"))
		return jit_burn(atof(argv[2]), argc == 4 && !strcmp(argv[3], "keep"));
	fprintf(stderr, "usage: ebr-stacks burn[-cpu] SECONDS | mangled[-cpu] SECONDS | "
		"sleep N MS | jit SECONDS [keep]\n");
	return 2;
}
