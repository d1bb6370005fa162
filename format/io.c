// SPDX-License-Identifier: BSD-2-Clause
/* Sinks and sources: file descriptors (files and pipes) and memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "ebr.h"

int ebr_fd_write(int fd, const void *buf, size_t len, size_t *written)
{
	const char *p = buf;
	size_t done = 0;
	int err = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = EBR_E_IO;
			break;
		}
		done += (size_t)n;
	}
	if (written)
		*written = done;
	return err;
}

static int fd_write(void *ctx, const void *buf, size_t len)
{
	return ebr_fd_write(*(int *)ctx, buf, len, NULL);
}

int ebr_trace_create(const char *path, bool force)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0600);

	/* open()'s mode applies only to a new file: one overwritten with force keeps its own */
	if (fd >= 0 && force && fchmod(fd, 0600) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void ebr_sink_fd(struct ebr_sink *sink, int *fd)
{
	sink->write = fd_write;
	sink->ctx = fd;
}

static int mem_write(void *ctx, const void *buf, size_t len)
{
	struct ebr_mem_sink *m = ctx;

	if (m->len + len > m->cap) {
		size_t cap = m->cap ? m->cap : 65536;
		unsigned char *p;

		while (cap < m->len + len)
			cap *= 2;
		p = realloc(m->buf, cap);
		if (!p)
			return EBR_E_NOMEM;
		m->buf = p;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	return 0;
}

void ebr_sink_mem(struct ebr_sink *sink, struct ebr_mem_sink *mem)
{
	sink->write = mem_write;
	sink->ctx = mem;
}

static long fd_read(void *ctx, void *buf, size_t len)
{
	struct ebr_fd_source *fs = ctx;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fs->fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return EBR_E_IO;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	fs->pos += got;
	return (long)got;
}

static long fd_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct ebr_fd_source *fs = ctx;
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fs->fd, (char *)buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return EBR_E_IO;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (long)got;
}

void ebr_source_fd(struct ebr_source *src, struct ebr_fd_source *fs, int fd)
{
	struct stat st;

	fs->fd = fd;
	fs->pos = 0;
	src->read = fd_read;
	src->ctx = fs;
	src->pread = NULL;
	src->size = UINT64_MAX;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		src->pread = fd_pread;
		src->size = (uint64_t)st.st_size;
	}
}

static long mem_read(void *ctx, void *buf, size_t len)
{
	struct ebr_mem_source *ms = ctx;
	size_t n = ms->len - ms->pos < len ? ms->len - ms->pos : len;

	memcpy(buf, ms->buf + ms->pos, n);
	ms->pos += n;
	return (long)n;
}

static long mem_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct ebr_mem_source *ms = ctx;
	size_t n;

	if (off >= ms->len)
		return 0;
	n = ms->len - off < len ? ms->len - (size_t)off : len;
	memcpy(buf, ms->buf + off, n);
	return (long)n;
}

void ebr_source_mem(struct ebr_source *src, struct ebr_mem_source *ms, const void *buf,
		    size_t len)
{
	ms->buf = buf;
	ms->len = len;
	ms->pos = 0;
	src->read = mem_read;
	src->pread = mem_pread;
	src->size = len;
	src->ctx = ms;
}
