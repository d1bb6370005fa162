// SPDX-License-Identifier: GPL-2.0-only
/*
 * A process whose every name is hostile, for the HTML report's escaping test: it renames
 * itself, opens files named like markup, with quotes, control bytes and invalid UTF-8, execs
 * a program through a link named like an element with an event handler and arguments that
 * close a script element, writes to the disk, talks TCP on loopback and burns CPU so that
 * its name is in every family's views.
 *
 *   ebr-hostile DIR [COMM]   (DIR on a block device; the names made there are printed, one a
 *                            line; COMM: this name instead of the hostile one)
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "format/array_size.h"

#define COMM "<s>\"'&\x07\xff"

static const char *const names[] = {
	"<img src=x onerror=window.pwned=1>",
	"\"quoted' & <b>bold",
	"ctl\x01\x1b[31mred\x7f",
	"bad\xff\xfe\xc0utf8",
};

static int die(const char *what)
{
	perror(what);
	return 1;
}

static int open_files(const char *dir)
{
	char path[4096];

	/* 20 times each: more rows than a page of a listing holds */
	for (size_t i = 0; i < 20 * ARRAY_SIZE(names); i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i % ARRAY_SIZE(names)]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			return die(path);
		close(fd);
	}
	return 0;
}

/* runs /bin/true through a link whose name is markup, with arguments that close a script */
static int exec_link(const char *dir)
{
	char link[4096];
	pid_t pid;
	int status;

	snprintf(link, sizeof(link), "%s/<svg onload=x>", dir);
	unlink(link);
	if (symlink("/bin/true", link))
		return die(link);
	pid = fork();
	if (pid < 0)
		return die("fork");
	if (pid == 0) {
		execl(link, link, "</script><script>window.pwned=2</script>", names[1], names[2],
		      names[3], (char *)NULL);
		_exit(127);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status)
		       ? 0 : die("exec through the link");
}

static int write_disk(const char *dir)
{
	char path[4096];
	void *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.data", dir, names[0]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_SYNC, 0600);
	if (fd < 0)
		return die(path);
	if (posix_memalign(&buf, 4096, 4096))
		return die("posix_memalign");
	memset(buf, 'x', 4096);
	for (int i = 0; i < 20; i++)
		if (write(fd, buf, 4096) != 4096)
			return die("write");
	free(buf);
	close(fd);
	return 0;
}

static int talk_tcp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;
	char buf[1000] = { 0 };

	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len) ||
	    connect(c, (struct sockaddr *)&a, sizeof(a)) || (s = accept(l, NULL, NULL)) < 0)
		return die("loopback TCP");
	if (write(c, buf, sizeof(buf)) != sizeof(buf) || read(s, buf, sizeof(buf)) <= 0)
		return die("loopback TCP data");
	close(c);
	close(s);
	close(l);
	return 0;
}

static void burn(double seconds)
{
	struct timespec t0, t;
	volatile unsigned long x = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i * 7;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: ebr-hostile DIR [COMM]\n");
		return 2;
	}
	if (prctl(PR_SET_NAME, argc == 3 ? argv[2] : COMM))
		return die("prctl");
	if (open_files(argv[1]) || exec_link(argv[1]) || write_disk(argv[1]) || talk_tcp())
		return 1;
	burn(1.0);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		printf("%s\n", names[i]);
	return 0;
}
