// SPDX-License-Identifier: GPL-2.0-only
/*
 * A process workload whose execs and exits are known exactly:
 *
 *   ebr-spawn [-w START_DELAY_MS] N M CODE TOKEN
 *
 * Runs N children, one after the other, that exec this program again as
 * "ebr-spawn --child TOKEN CODE", which exits with CODE; then M children that exec the
 * missing "/nonexistent/ebr-missing-TOKEN" (ENOENT) and exit with 127. Prints "pid N" first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int run_child(char *const argv[], int want)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("ebr-spawn: fork");
		return -1;
	}
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != want) {
		fprintf(stderr, "ebr-spawn: child %d ended with status %d, wanted exit %d\n", pid,
			status, want);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char self[4096], missing[256];
	long n, m, delay_ms = 0;
	int c;

	if (argc == 4 && !strcmp(argv[1], "--child"))
		return atoi(argv[3]);
	while ((c = getopt(argc, argv, "w:")) != -1) {
		if (c != 'w') {
			fprintf(stderr, "usage: ebr-spawn [-w DELAY_MS] N M CODE TOKEN\n");
			return 2;
		}
		delay_ms = atol(optarg);
	}
	if (argc - optind != 4) {
		fprintf(stderr, "usage: ebr-spawn [-w DELAY_MS] N M CODE TOKEN\n");
		return 2;
	}
	n = atol(argv[optind]);
	m = atol(argv[optind + 1]);
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0) {
		perror("ebr-spawn: /proc/self/exe");
		return 1;
	}
	self[len] = 0;
	snprintf(missing, sizeof(missing), "/nonexistent/ebr-missing-%s", argv[optind + 3]);
	printf("pid %d\n", getpid());
	fflush(stdout);
	usleep((useconds_t)delay_ms * 1000);
	{
		char *child[] = { self, "--child", argv[optind + 3], argv[optind + 2], NULL };
		char *fail[] = { missing, argv[optind + 3], NULL };

		for (long i = 0; i < n; i++)
			if (run_child(child, atoi(argv[optind + 2])))
				return 1;
		for (long i = 0; i < m; i++)
			if (run_child(fail, 127))
				return 1;
	}
	return 0;
}
