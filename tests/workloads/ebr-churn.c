// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process churn for a recorder that runs for a long time: every process a new executable.
 *
 *   ebr-churn DIR SECONDS SPIN_MS
 *
 * Until SECONDS have passed, copies this program to a new file in DIR (a new inode: to the
 * recorder, an object it has not seen), runs the copy as "ebr-churn --spin SPIN_MS", which
 * burns SPIN_MS of CPU in churn_spin() (so that a profile samples it) and exits, then
 * deletes the copy (its symbols can then be read only through what the recorder kept open).
 * Two children run at once. Prints "pid PID" first and "ran N" at the end.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define PARALLEL 2

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Burns ms of CPU; noinline and volatile so that samples land here, under this name. */
__attribute__((noinline)) static unsigned long churn_spin(long ms)
{
	volatile unsigned long x = 0;
	double end = now_s() + (double)ms / 1000;

	while (now_s() < end)
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i;
	return x;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, err = -1;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (out < 0)
		goto cleanup;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			goto cleanup;
	err = n < 0 ? -1 : 0;
cleanup:
	close(in);
	if (out >= 0 && close(out) != 0)
		err = -1;
	return err;
}

/* Starts the copy number i, deleted once it runs; its pid, or -1. */
static pid_t start_copy(const char *self, const char *dir, long i, const char *spin_ms)
{
	char path[4096], failed;
	int exec_done[2];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/churn-%ld", dir, i);
	if (copy_file(self, path) || pipe2(exec_done, O_CLOEXEC)) {
		perror("ebr-churn: copy");
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		close(exec_done[0]);
		execl(path, path, "--spin", spin_ms, (char *)NULL);
		failed = 1;
		(void)!write(exec_done[1], &failed, 1);
		_exit(127);
	}
	close(exec_done[1]);
	/* end of file: the exec closed the pipe, the child maps its executable by now */
	if (pid > 0 && read(exec_done[0], &failed, 1) != 0)
		pid = -1;
	close(exec_done[0]);
	unlink(path);
	return pid;
}

int main(int argc, char **argv)
{
	char self[4096];
	double end;
	long ran = 0, running = 0, failed = 0;
	ssize_t len;

	if (argc == 3 && !strcmp(argv[1], "--spin"))
		return churn_spin(atol(argv[2])) == 1; /* never 1: exits 0 */
	if (argc != 4) {
		fprintf(stderr, "usage: ebr-churn DIR SECONDS SPIN_MS\n");
		return 2;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		perror("ebr-churn: /proc/self/exe");
		return 1;
	}
	self[len] = 0;
	printf("pid %d\n", getpid());
	fflush(stdout);
	end = now_s() + atof(argv[2]);
	while (now_s() < end || running) {
		int status;

		while (running < PARALLEL && now_s() < end) {
			if (start_copy(self, argv[1], ran + running + failed, argv[3]) < 0) {
				fprintf(stderr, "ebr-churn: copy %ld did not start\n",
					ran + running + failed);
				return 1;
			}
			running++;
		}
		if (wait(&status) < 0) {
			perror("ebr-churn: wait");
			return 1;
		}
		running--;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ran++;
		else
			failed++;
	}
	printf("ran %ld\n", ran);
	return failed ? 1 : 0;
}
