// SPDX-License-Identifier: GPL-2.0-only
/*
 * Targets for the generic probes, each event known exactly:
 *
 *   ebr-probes signals N   forks a child that catches SIGUSR1, sends it exactly N of them (one
 *                          at a time: each is caught before the next is sent), then lets it
 *                          exit; prints "child PID"
 *   ebr-probes calls N     calls ebr_probe_target(i, 2 * i + 1) and ebr_probe_name(i) for i in
 *                          0..N-1: the first returns i * (2 * i + 1) + 7, the second the
 *                          string "name-i"; prints "pid PID"
 *   ebr-probes usdt N      fires the USDT probe ebrec:tick(i, -1000 * i, "tick-i") for i in
 *                          0..N-1 (<sys/sdt.h>); prints "pid PID"
 *   ebr-probes getppid N   makes N getppid system calls (make bench's tracepoint storm)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

long ebr_probe_target(long a, long b);
char *ebr_probe_name(int i);

/* noipa: no clone, no constant propagation, no inlining: the symbol is the function called */
__attribute__((noipa, used)) long ebr_probe_target(long a, long b)
{
	return a * b + 7;
}

__attribute__((noipa, used)) char *ebr_probe_name(int i)
{
	static char name[32];

	snprintf(name, sizeof(name), "name-%d", i);
	return name;
}

static int ack_fd = -1;

static void on_usr1(int sig)
{
	char c = (char)sig;

	if (write(ack_fd, &c, 1) != 1)
		_exit(3);
}

static int signals(long n)
{
	int ack[2], go[2];
	pid_t child;
	char c;

	if (pipe(ack) || pipe(go))
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		struct sigaction sa = { .sa_handler = on_usr1 };

		close(go[1]);
		close(ack[0]);
		ack_fd = ack[1];
		sigaction(SIGUSR1, &sa, NULL);
		/* ready: the handler is in place */
		if (write(ack[1], "r", 1) != 1)
			_exit(3);
		/* until the parent closes go: every signal interrupts the read, which goes on */
		while (read(go[0], &c, 1) != 0)
			;
		_exit(0);
	}
	close(go[0]);
	close(ack[1]);
	printf("child %d\n", child);
	fflush(stdout);
	if (read(ack[0], &c, 1) != 1)
		return 1;
	for (long i = 0; i < n; i++) {
		if (kill(child, SIGUSR1) || read(ack[0], &c, 1) != 1 || c != SIGUSR1)
			return 1;
	}
	close(go[1]);
	return waitpid(child, NULL, 0) == child ? 0 : 1;
}

int main(int argc, char **argv)
{
	volatile long sum = 0;
	long n;

	if (argc != 3) {
		fprintf(stderr, "usage: ebr-probes signals|calls|usdt|getppid N\n");
		return 2;
	}
	n = atol(argv[2]);
	if (!strcmp(argv[1], "signals"))
		return signals(n);
	printf("pid %d\n", getpid());
	fflush(stdout);
	for (long i = 0; i < n; i++) {
		if (!strcmp(argv[1], "calls")) {
			sum += ebr_probe_target(i, 2 * i + 1);
			sum += (long)strlen(ebr_probe_name((int)i));
		} else if (!strcmp(argv[1], "getppid")) {
			/* the system call itself, not a libc wrapper that may cache */
			sum += syscall(SYS_getppid) < 0;
		} else if (!strcmp(argv[1], "usdt")) {
			char label[32];
			long neg = -1000 * i;

			snprintf(label, sizeof(label), "tick-%ld", i);
			DTRACE_PROBE3(ebrec, tick, (int)i, neg, label);
		} else {
			return 2;
		}
	}
	return sum < 0;
}
