// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracefs, read: the tracepoints (events/SYS/NAME/format), for `record -e tracepoint:...`
 * and `list`. preflight.c mounts tracefs for `record`; `list` reads it where it is.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "format/array_size.h"
#include "record/tracefs.h"

#define FORMAT_MAX (1u << 20) /* a format file: the kernel's are a few KiB */

static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

/* The first tracefs root with an events directory, or NULL. */
static const char *events_root(void)
{
	char path[256];
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		snprintf(path, sizeof(path), "%s/events", roots[i]);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return roots[i];
	}
	return NULL;
}

static int list_add(struct tracepoint_list *l, const char *sys, const char *name)
{
	struct tracepoint_name *v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;

		v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].sys = strdup(sys);
	l->v[l->n].name = strdup(name);
	if (!l->v[l->n].sys || !l->v[l->n].name) {
		free(l->v[l->n].sys);
		free(l->v[l->n].name);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

/* The tracepoints of one system directory. */
static int list_system(struct tracepoint_list *l, int events_fd, const char *sys)
{
	int fd = openat(events_fd, sys, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (fd < 0)
		return 0; /* a file of events/ (enable, header_page...) */
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while (!err && (de = readdir(d))) {
		char format[512];

		if (de->d_name[0] == '.')
			continue;
		snprintf(format, sizeof(format), "%s/format", de->d_name);
		if (faccessat(fd, format, F_OK, 0) == 0)
			err = list_add(l, sys, de->d_name);
	}
	closedir(d);
	return err;
}

static int by_name(const void *a, const void *b)
{
	const struct tracepoint_name *x = a, *y = b;
	int c = strcmp(x->sys, y->sys);

	return c ? c : strcmp(x->name, y->name);
}

int tracefs_list(struct tracepoint_list *l, const char *sys_glob, char *msg, size_t msglen)
{
	const char *root = events_root();
	char path[256];
	struct dirent *de;
	DIR *d;
	int err = 0;

	memset(l, 0, sizeof(*l));
	if (!root) {
		snprintf(msg, msglen, "tracefs is not mounted: run 'mount -t tracefs tracefs "
			 "/sys/kernel/tracing' (ebrec record mounts it)");
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/events", root);
	d = opendir(path);
	if (!d) {
		err = -errno;
		snprintf(msg, msglen, "cannot read %s: %s%s", path, strerror(-err),
			 err == -EACCES ? " (tracefs needs root)" : "");
		return err;
	}
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.' || (sys_glob && fnmatch(sys_glob, de->d_name, 0)))
			continue;
		err = list_system(l, dirfd(d), de->d_name);
	}
	closedir(d);
	if (err) {
		snprintf(msg, msglen, "reading %s failed: %s", path, strerror(-err));
		tracefs_list_free(l);
		return err;
	}
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_name);
	return 0;
}

void tracefs_list_free(struct tracepoint_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].sys);
		free(l->v[i].name);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int tracefs_format(const char *sys, const char *name, char **text)
{
	const char *root = events_root();
	char path[512], *buf;
	size_t len = 0;
	int fd, err = 0;

	*text = NULL;
	if (!root)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, sys, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(FORMAT_MAX + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, FORMAT_MAX - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == FORMAT_MAX) {
			err = -EFBIG;
			break;
		}
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = 0;
	*text = buf;
	return 0;
}

/* Levenshtein distance, both strings at most 255 bytes (longer ones are cut). */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[256], la = (unsigned)strnlen(a, 255), lb = (unsigned)strnlen(b, 255);

	for (unsigned j = 0; j <= lb; j++)
		row[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

size_t tracefs_closest(const struct tracepoint_list *l, const char *want, size_t *idx,
		       size_t max)
{
	unsigned dist[16];
	size_t n = 0;

	if (max > ARRAY_SIZE(dist))
		max = ARRAY_SIZE(dist);
	for (size_t i = 0; i < l->n; i++) {
		char full[512];
		unsigned d;
		size_t at;

		snprintf(full, sizeof(full), "%s:%s", l->v[i].sys, l->v[i].name);
		d = edit_distance(want, full);
		/* insertion into the sorted top list */
		for (at = n; at > 0 && dist[at - 1] > d; at--)
			;
		if (at >= max)
			continue;
		if (n < max)
			n++;
		memmove(&dist[at + 1], &dist[at], (n - 1 - at) * sizeof(dist[0]));
		memmove(&idx[at + 1], &idx[at], (n - 1 - at) * sizeof(idx[0]));
		dist[at] = d;
		idx[at] = i;
	}
	return n;
}
