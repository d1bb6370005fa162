// SPDX-License-Identifier: GPL-2.0-only
/*
 * The output bound of report/output_cap.h: streams of fopencookie() that count what goes
 * through them and write straight to the descriptor. Straight, not through the FILE they
 * wrap: at exit, stdio flushes its streams in no stated order, and bytes handed to a FILE
 * already flushed would stay in its buffer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "format/mem.h"
#include "report/output_cap.h"

/* one bound per command, over all its streams (export writes several files) */
static struct {
	bool set; /* --max-output given */
	uint64_t limit; /* what it gave; 0: none */
	uint64_t written;
	bool said;
} cap;

struct capped {
	int fd;
	FILE *owned; /* closed with the stream; NULL for stdout */
	const char *cmd;
};

int output_cap_option(const char *cmd, const char *size)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(size, &end, 10);
	if (end != size && *size != '-' && !errno) {
		unsigned shift = 0;

		if (*end == 'K' || *end == 'k')
			shift = 10, end++;
		else if (*end == 'M' || *end == 'm')
			shift = 20, end++;
		else if (*end == 'G' || *end == 'g')
			shift = 30, end++;
		if (!*end && (!shift || n <= UINT64_MAX >> shift)) {
			cap.set = true;
			cap.limit = (uint64_t)n << shift;
			return 0;
		}
	}
	fprintf(stderr, "ebrec %s: --max-output takes a size, e.g. 512M or 2G (0: no bound)\n", cmd);
	return 2;
}

static uint64_t limit_now(void)
{
	uint64_t decoded = ebr_mem_decoded();

	if (cap.set)
		return cap.limit ? cap.limit : UINT64_MAX;
	if (decoded > (UINT64_MAX - OUTPUT_CAP_FLOOR) / OUTPUT_CAP_FACTOR)
		return UINT64_MAX;
	return OUTPUT_CAP_FLOOR + OUTPUT_CAP_FACTOR * decoded;
}

static ssize_t capped_write(void *cookie, const char *buf, size_t len)
{
	struct capped *c = cookie;
	uint64_t limit = limit_now();
	size_t done = 0;

	if (cap.written >= limit) {
		if (!cap.said && cap.set)
			fprintf(stderr, "ebrec %s: output stopped at %llu bytes (--max-output)\n",
				c->cmd, (unsigned long long)cap.written);
		else if (!cap.said)
			fprintf(stderr, "ebrec %s: output stopped at %llu bytes, %ux the %llu bytes of "
					"trace decoded plus %llu MiB, the bound for a trace that may "
					"be hostile: --max-output SIZE raises it (0 removes it)\n",
				c->cmd, (unsigned long long)cap.written, OUTPUT_CAP_FACTOR,
				(unsigned long long)ebr_mem_decoded(), OUTPUT_CAP_FLOOR >> 20);
		cap.said = true;
		errno = EFBIG;
		return -1;
	}
	if (len > limit - cap.written)
		len = (size_t)(limit - cap.written);
	while (done < len) {
		ssize_t n = write(c->fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)n;
		cap.written += (uint64_t)n;
	}
	return (ssize_t)done;
}

/* stdout's: it lives as long as the process (nobody closes stdout), so it is not allocated */
static struct capped stdout_capped;

static int capped_close(void *cookie)
{
	struct capped *c = cookie;
	int ret = c->owned ? fclose(c->owned) : 0;

	if (c != &stdout_capped)
		free(c);
	return ret;
}

FILE *output_cap_stream(FILE *f, const char *cmd)
{
	static const cookie_io_functions_t io = { .write = capped_write, .close = capped_close };
	struct capped *c;
	FILE *s = NULL;

	if (!f)
		return NULL;
	c = fflush(f) != 0 ? NULL : f == stdout ? &stdout_capped : malloc(sizeof(*c));
	if (c) {
		*c = (struct capped){ fileno(f), f == stdout ? NULL : f, cmd };
		s = fopencookie(c, "w", io);
	}
	if (!c || !s) {
		int err = errno;

		if (c != &stdout_capped)
			free(c);
		if (f != stdout)
			fclose(f);
		errno = err;
		return NULL;
	}
	/* fully buffered as a file is: a terminal's line buffering is stdout's, lost here */
	if (isatty(c->fd))
		setvbuf(s, NULL, _IOLBF, 0);
	return s;
}

int output_cap_stdout(const char *cmd)
{
	static bool done;
	FILE *s;

	if (done)
		return 0;
	s = output_cap_stream(stdout, cmd);
	if (!s) {
		fprintf(stderr, "ebrec %s: cannot set up standard output: %s\n", cmd,
			strerror(errno));
		return 1;
	}
	stdout = s;
	done = true;
	return 0;
}

uint64_t output_cap_written(void)
{
	return cap.written;
}
