// SPDX-License-Identifier: BSD-2-Clause
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/fuzz/fuzz_input.h"

struct ebr_reader *fuzz_open(struct ebr_mem_source *ms, const uint8_t *data, size_t size)
{
	struct ebr_source src;
	struct ebr_reader *r = NULL;
	char msg[256];

	ebr_source_mem(&src, ms, data, size);
	if (ebr_reader_open(&r, &src, msg, sizeof(msg)))
		return NULL;
	return r;
}

int fuzz_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	static int fd = -1;

	if (fd < 0) {
		/* what the commands print goes nowhere (stdout stays open: a closed fd 1 would
		 * be reused) */
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0 && dup2(null, STDOUT_FILENO) >= 0 && null != STDOUT_FILENO)
			close(null);
		fd = memfd_create("fuzz-trace", 0);
	}
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return -1;
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return 0;
}
