// SPDX-License-Identifier: GPL-2.0-only
/*
 * File workloads whose opens, slow operations and page-cache use are known exactly. Each
 * prints "pid N" first, then waits START_DELAY_MS (-w) so the recorder is attached.
 *
 *   ebr-files [-w MS] [-C DIR] open N M PATH MISSING
 *       open(PATH) and close N times, unpaced, then open(MISSING) M times (fails);
 *       -C: chdir to DIR first (so PATH may be relative to it)
 *   ebr-files wait PATH
 *       prints "pid N", waits for a line on stdin, opens PATH once and exits 0
 *   ebr-files [-w MS] slow N KIB FILE READS SMALL MIN_US
 *       N writes of KIB KiB with O_SYNC appended to FILE, then READS reads of 4 KiB of the
 *       cached file SMALL; prints "write_min_us X" and "slow_reads K", K the reads that took
 *       MIN_US or more as seen from here (the kernel's time is never longer)
 *   ebr-files [-w MS] cache FILE MIB GAP_MS
 *       writes FILE (MIB MiB), drops its pages from the cache, reads it twice GAP_MS apart;
 *       prints "dropped R", R the pages still cached when the first read starts (mincore)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static int die(const char *what)
{
	fprintf(stderr, "ebr-files: %s: %s\n", what, strerror(errno));
	return 1;
}

static int do_open(long n, long m, const char *path, const char *missing)
{
	for (long i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);

		if (fd < 0)
			return die(path);
		close(fd);
	}
	for (long i = 0; i < m; i++)
		if (open(missing, O_RDONLY) >= 0 || errno != ENOENT)
			return die("the missing path exists");
	return 0;
}

static int do_wait(const char *path)
{
	char line[16];
	int fd;

	if (!fgets(line, sizeof(line), stdin))
		return die("stdin");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return die(path);
	close(fd);
	return 0;
}

static int do_slow(long n, long kib, const char *file, long reads, const char *small, long min_us)
{
	size_t size = (size_t)kib << 10;
	char *buf = malloc(size), small_buf[4096];
	long write_min = -1, slow_reads = 0;
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_SYNC, 0600), sfd;

	if (!buf || fd < 0)
		return die(file);
	memset(buf, 'w', size);
	for (long i = 0; i < n; i++) {
		long t = now_us();

		if (write(fd, buf, size) != (ssize_t)size)
			return die("write");
		t = now_us() - t;
		if (write_min < 0 || t < write_min)
			write_min = t;
	}
	close(fd);
	sfd = open(small, O_RDONLY);
	if (sfd < 0)
		return die(small);
	for (long i = 0; i < reads; i++) {
		long t = now_us();

		if (pread(sfd, small_buf, sizeof(small_buf), 0) < 0)
			return die("pread");
		if (now_us() - t >= min_us)
			slow_reads++;
	}
	close(sfd);
	free(buf);
	printf("write_min_us %ld\nslow_reads %ld\n", write_min, slow_reads);
	return 0;
}

static int read_all(const char *file)
{
	static char buf[1 << 20];
	int fd = open(file, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return die(file);
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return r < 0 ? die("read") : 0;
}

/* Pages of fd's first len bytes in the page cache, or -1. */
static long resident_pages(int fd, size_t len)
{
	long page = sysconf(_SC_PAGESIZE), n = 0;
	size_t npages = (len + (size_t)page - 1) / (size_t)page;
	unsigned char *vec = malloc(npages);
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

	if (!vec || p == MAP_FAILED || mincore(p, len, vec)) {
		n = -1;
	} else {
		for (size_t i = 0; i < npages; i++)
			n += vec[i] & 1;
	}
	if (p != MAP_FAILED)
		munmap(p, len);
	free(vec);
	return n;
}

static int do_cache(const char *file, long mib, long gap_ms)
{
	static char buf[1 << 20];
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	long resident;

	if (fd < 0)
		return die(file);
	memset(buf, 'c', sizeof(buf));
	for (long i = 0; i < mib; i++)
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return die("write");
	/*
	 * Clean pages can be dropped: write back first, then drop this file's pages only. A page
	 * another CPU still holds a reference to survives; on a busy machine (writeback after a
	 * bench) thousands did, so drop again until none is left, and say what stayed.
	 */
	for (int i = 0;; i++) {
		resident = resident_pages(fd, (size_t)mib << 20);
		if (resident < 0)
			return die("mincore");
		if (!resident || i == 10)
			break;
		if (i)
			usleep(100000);
		if (fsync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
			return die("fsync/fadvise");
	}
	close(fd);
	printf("dropped %ld\n", resident);
	fflush(stdout);
	usleep((useconds_t)gap_ms * 1000);
	if (read_all(file))
		return 1;
	printf("pass1\n");
	fflush(stdout);
	usleep((useconds_t)gap_ms * 1000);
	if (read_all(file))
		return 1;
	printf("pass2\n");
	return 0;
}

int main(int argc, char **argv)
{
	long delay_ms = 0;
	const char *dir = NULL;
	int c;

	while ((c = getopt(argc, argv, "+w:C:")) != -1) {
		if (c == 'w')
			delay_ms = atol(optarg);
		else if (c == 'C')
			dir = optarg;
		else
			return 2;
	}
	argv += optind;
	argc -= optind;
	if (argc < 1)
		return 2;
	if (dir && chdir(dir))
		return die(dir);
	printf("pid %d\n", getpid());
	fflush(stdout);
	if (!strcmp(argv[0], "wait") && argc == 2)
		return do_wait(argv[1]);
	usleep((useconds_t)delay_ms * 1000);
	if (!strcmp(argv[0], "open") && argc == 5)
		return do_open(atol(argv[1]), atol(argv[2]), argv[3], argv[4]);
	if (!strcmp(argv[0], "slow") && argc == 7)
		return do_slow(atol(argv[1]), atol(argv[2]), argv[3], atol(argv[4]), argv[5],
			       atol(argv[6]));
	if (!strcmp(argv[0], "cache") && argc == 4)
		return do_cache(argv[1], atol(argv[2]), atol(argv[3]));
	fprintf(stderr, "ebr-files: bad arguments (see the comment at the top of ebr-files.c)\n");
	return 2;
}
