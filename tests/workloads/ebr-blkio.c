// SPDX-License-Identifier: GPL-2.0-only
/*
 * A block I/O workload whose I/O is known exactly: COUNT writes of 4 KiB with
 * O_DIRECT|O_SYNC to FILE (each reaches the disk as one request), optionally paced, optionally
 * followed by reading the blocks back with O_DIRECT, optionally from several threads.
 * -f writes through the page cache instead and calls fsync after every write: on a disk with
 * a write-back cache each fsync makes the kernel issue a flush request.
 *
 *   ebr-blkio [-f] [-g] [-i INTERVAL_US] [-r ROUNDS] [-t THREADS] [-w START_DELAY_MS] FILE
 *             COUNT
 *
 * Prints "pid N" first (with the start delay, before any I/O), so a test knows whom to look
 * for; -g then waits for a line on stdin before any I/O (a recorder started for that pid says
 * when it is attached, which no delay can know). -r reads the COUNT blocks back ROUNDS times
 * (a read flood for loss tests).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 4096

static const char *path;
static long count, interval_us, rounds;

static void *reader(void *arg)
{
	int fd = open(path, O_RDONLY | O_DIRECT);
	void *buf;

	(void)arg;
	if (fd < 0 || posix_memalign(&buf, BLOCK, BLOCK)) {
		perror("ebr-blkio: read");
		exit(1);
	}
	for (long r = 0; r < rounds; r++)
		for (long i = 0; i < count; i++)
			if (pread(fd, buf, BLOCK, (off_t)i * BLOCK) != BLOCK) {
				perror("ebr-blkio: pread");
				exit(1);
			}
	free(buf);
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	long threads = 1, delay_ms = 0;
	int open_flags = O_DIRECT | O_SYNC;
	bool fsync_each = false, gate = false;
	char line[16];
	pthread_t tids[64];
	void *buf;
	int fd, c;

	while ((c = getopt(argc, argv, "fgi:r:t:w:")) != -1) {
		switch (c) {
		case 'f':
			fsync_each = true;
			open_flags = 0;
			break;
		case 'g':
			gate = true;
			break;
		case 'i':
			interval_us = atol(optarg);
			break;
		case 'r':
			rounds = atol(optarg);
			break;
		case 't':
			threads = atol(optarg);
			break;
		case 'w':
			delay_ms = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2 || threads < 1 || threads > 64) {
		fprintf(stderr,
			"usage: ebr-blkio [-f] [-g] [-i US] [-r ROUNDS] [-t THREADS] [-w MS] FILE "
			"COUNT\n");
		return 2;
	}
	path = argv[optind];
	count = atol(argv[optind + 1]);
	printf("pid %d\n", getpid());
	fflush(stdout);
	if (delay_ms)
		usleep((useconds_t)delay_ms * 1000);
	if (gate && !fgets(line, sizeof(line), stdin)) {
		fprintf(stderr, "ebr-blkio: stdin ended before the line that starts the I/O\n");
		return 1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | open_flags, 0600);
	if (fd < 0 || posix_memalign(&buf, BLOCK, BLOCK)) {
		fprintf(stderr, "ebr-blkio: %s: %s\n", path, strerror(errno));
		return 1;
	}
	memset(buf, 0xab, BLOCK);
	for (long i = 0; i < count; i++) {
		if (pwrite(fd, buf, BLOCK, (off_t)i * BLOCK) != BLOCK) {
			fprintf(stderr, "ebr-blkio: write: %s\n", strerror(errno));
			return 1;
		}
		if (fsync_each && fsync(fd)) {
			fprintf(stderr, "ebr-blkio: fsync: %s\n", strerror(errno));
			return 1;
		}
		if (interval_us)
			usleep((useconds_t)interval_us);
	}
	close(fd);
	free(buf);
	for (long t = 0; rounds && t < threads; t++)
		pthread_create(&tids[t], NULL, reader, NULL);
	for (long t = 0; rounds && t < threads; t++)
		pthread_join(tids[t], NULL);
	return 0;
}
