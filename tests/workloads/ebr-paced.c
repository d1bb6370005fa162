// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opens a file at a known pace, so that a recording that changes files (--rotate) or keeps a
 * window (--flight-recorder) has events on both sides of every seam, each of them known.
 *
 *   ebr-paced PATH N INTERVAL_US
 *       prints "pid P", then opens and closes PATH N times, the i-th at start + i *
 *       INTERVAL_US (an absolute schedule: a late open does not delay the next ones), then
 *       prints "opened T0 T1 ...": CLOCK_MONOTONIC ns just before each open (the open's event,
 *       stamped at its return, is between its T and the next one's)
 *   ebr-paced PATTERN N 0
 *       PATTERN holds %ld: the i-th open is of PATTERN with a number of its own (i scrambled:
 *       a path each, which need not exist, and a trace that compresses little, to fill a disk)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec start, at, now;
	unsigned long long *opened;
	long n, interval_us;
	char path[4096];
	bool pattern;
	int fd;

	if (argc != 4 || (n = atol(argv[2])) <= 0 || (interval_us = atol(argv[3])) < 0) {
		fprintf(stderr, "usage: ebr-paced PATH N INTERVAL_US\n");
		return 2;
	}
	pattern = strstr(argv[1], "%ld") != NULL;
	opened = calloc((size_t)n, sizeof(*opened));
	if (!opened) {
		fprintf(stderr, "ebr-paced: out of memory\n");
		return 1;
	}
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < n; i++) {
		long long ns = (long long)start.tv_nsec + (long long)i * interval_us * 1000;

		at.tv_sec = start.tv_sec + (time_t)(ns / 1000000000);
		at.tv_nsec = (long)(ns % 1000000000);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR)
			;
		if (pattern) {
			/* Knuth's multiplicative hash: distinct, in no order zstd finds */
			unsigned long scrambled = (unsigned long)i * 2654435761ul % 4294967291ul;

			snprintf(path, sizeof(path), argv[1], (long)scrambled);
			fd = open(path, O_RDONLY);
			if (fd >= 0)
				close(fd);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		opened[i] = (unsigned long long)now.tv_sec * 1000000000ull +
			    (unsigned long long)now.tv_nsec;
		fd = open(argv[1], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "ebr-paced: %s: %s\n", argv[1], strerror(errno));
			free(opened);
			return 1;
		}
		close(fd);
	}
	printf("opened");
	for (long i = 0; i < n && !pattern; i++)
		printf(" %llu", opened[i]);
	printf("\n");
	free(opened);
	return 0;
}
