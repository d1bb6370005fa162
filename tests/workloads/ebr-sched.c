// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scheduler workload for the sched family's end-to-end tests.
 *
 *   ebr-sched burn N SECONDS   N threads burn CPU for SECONDS; then, while they wait, prints
 *                              per thread "thread TID PCOUNT RUN_DELAY_NS EXEC_NS" from
 *                              /proc/self/task/TID/schedstat (the kernel's own count of
 *                              switch-ins, run-queue wait and time on CPU), and lets them
 *                              exit once a line arrives on stdin
 *   ebr-sched sleeps SHORT_US N LONG_US M
 *                              sleeps SHORT_US N times, then LONG_US M times: its time off
 *                              CPU changes at a moment it prints as "changed NS", the
 *                              CLOCK_REALTIME at which its first long sleep ended
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct burner {
	pthread_t thread;
	pid_t tid;
	double seconds;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static int finished;
static int release_fd[2];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *burn(void *arg)
{
	struct burner *b = arg;
	volatile unsigned long x = 0;
	double end = now_s() + b->seconds;
	char c;

	b->tid = (pid_t)syscall(SYS_gettid);
	while (now_s() < end)
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
	pthread_mutex_lock(&lock);
	finished++;
	pthread_cond_signal(&done);
	pthread_mutex_unlock(&lock);
	/* off CPU until released: the counts printed stay true until then */
	if (read(release_fd[0], &c, 1) != 1)
		return NULL;
	return NULL;
}

/*
 * Whether tid is asleep in read(2) on the release pipe (/proc/.../syscall names the call a
 * blocked task is in; x86-64 and arm64 number read 0 and 63): from then on it does not run
 * until released, so its counts stay as read. A thread that signalled may still be on its
 * way there, or blocked on the mutex (and switched in once more).
 */
static int asleep_in_read(pid_t tid)
{
	char path[64], line[128] = "";
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f))
		nr = strtol(line, NULL, 10);
	fclose(f);
	return !strncmp(line, "running", 7) ? 0 : nr == SYS_read;
}

static int burn_threads(int n, double seconds)
{
	struct burner *b = calloc((size_t)n, sizeof(*b));
	char line[64];

	if (!b || pipe(release_fd))
		return 2;
	for (int i = 0; i < n; i++) {
		b[i].seconds = seconds;
		if (pthread_create(&b[i].thread, NULL, burn, &b[i]))
			return 2;
	}
	pthread_mutex_lock(&lock);
	while (finished < n)
		pthread_cond_wait(&done, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < n; i++)
		while (!asleep_in_read(b[i].tid))
			usleep(1000);
	printf("pid %d\n", (int)getpid());
	for (int i = 0; i < n; i++) {
		unsigned long long exec_ns, delay_ns, pcount;
		char path[64];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", (int)b[i].tid);
		f = fopen(path, "r");
		if (!f || fscanf(f, "%llu %llu %llu", &exec_ns, &delay_ns, &pcount) != 3)
			return 2;
		fclose(f);
		printf("thread %d %llu %llu %llu\n", (int)b[i].tid, pcount, delay_ns, exec_ns);
	}
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 3;
	for (int i = 0; i < n; i++)
		if (write(release_fd[1], "x", 1) != 1)
			return 2;
	for (int i = 0; i < n; i++)
		pthread_join(b[i].thread, NULL);
	free(b);
	return 0;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };

	while (nanosleep(&ts, &ts))
		;
}

static int sleeps(long short_us, long n, long long_us, long m)
{
	struct timespec changed;

	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	for (long i = 0; i < n; i++)
		sleep_us(short_us);
	for (long i = 0; i < m; i++) {
		sleep_us(long_us);
		if (!i)
			clock_gettime(CLOCK_REALTIME, &changed);
	}
	printf("changed %lld\n", (long long)changed.tv_sec * 1000000000 + changed.tv_nsec);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "sleeps") && atol(argv[5]) > 0)
		return sleeps(atol(argv[2]), atol(argv[3]), atol(argv[4]), atol(argv[5]));
	if (argc == 4 && !strcmp(argv[1], "burn"))
		return burn_threads(atoi(argv[2]), atof(argv[3]));
	fprintf(stderr, "usage: see the comment at the top of ebr-sched.c\n");
	return 2;
}
