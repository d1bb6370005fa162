// SPDX-License-Identifier: GPL-2.0-only
/*
 * The files of a rotated recording (record/series.h): names, creation, the list of what this
 * recording wrote, and removal within --keep, --max-disk and a full disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include "record/duration.h"
#include "record/grow.h"
#include "record/record.h"
#include "record/series.h"

/* Files of one second: NAME.ebr, then NAME_01.ebr ... ('_' sorts after '.': by time still). */
#define SERIES_SAME_SECOND 100

/* A number and its multiplier's suffix; -1 if s is no number. */
static int split_number(const char *s, unsigned long long *v, const char **suffix)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	*suffix = end;
	return 0;
}

/* K, M, G, T with an optional B or iB: the shift; 0 for "" or "B"; -1 otherwise. */
static int size_shift(const char *suffix)
{
	static const char units[] = "KMGT";
	const char *u = *suffix ? strchr(units, suffix[0] == 'k' ? 'K' : suffix[0]) : NULL;
	const char *rest = u ? suffix + 1 : suffix;

	if (*suffix && !u && strcmp(suffix, "B"))
		return -1;
	if (u && *rest && strcmp(rest, "B") && strcmp(rest, "iB"))
		return -1;
	return u ? 10 * (int)(u - units + 1) : 0;
}

int series_parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	const char *suffix;
	int shift;

	if (split_number(s, &v, &suffix) || (shift = size_shift(suffix)) < 0 ||
	    v > (UINT64_MAX >> shift))
		return -1;
	*bytes = v << shift;
	return 0;
}

int series_parse_rotate(const char *s, uint64_t *bytes, uint64_t *ns)
{
	unsigned long long v;
	const char *suffix;

	*bytes = *ns = 0;
	if (split_number(s, &v, &suffix) || !*suffix)
		return -1; /* a bare number could be either */
	/* lowercase units are durations' (10m), uppercase sizes' (10M) */
	return duration_parse(s, ns) ? series_parse_size(s, bytes) : 0;
}

int series_init(struct series *s, const char *dir)
{
	unsigned char id[16];
	struct stat st;
	size_t len = strlen(dir);
	int err;

	s->fd = -1;
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len >= sizeof(s->dir)) {
		fprintf(stderr, "ebrec record: the directory name %s is too long\n", dir);
		return -ENAMETOOLONG;
	}
	memcpy(s->dir, dir, len);
	s->dir[len] = 0;
	dir = s->dir;
	if (stat(dir, &st) != 0 && errno == ENOENT && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		err = -errno;
		fprintf(stderr, "ebrec record: cannot make the directory %s: %s\n", dir,
			strerror(-err));
		return err;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ebrec record: %s is not a directory: --rotate writes a series of "
				"files into -o DIR/\n", dir);
		return -ENOTDIR;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		err = -errno;
		fprintf(stderr, "ebrec record: cannot write into %s: %s\n", dir, strerror(-err));
		return err;
	}
	if (gethostname(s->host, sizeof(s->host)) != 0 || !s->host[0])
		strcpy(s->host, "localhost");
	s->host[sizeof(s->host) - 1] = 0;
	/* a name part: '_' is the same-second separator, '/' a path's */
	for (char *c = s->host; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-'))
			*c = '-';
	if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id)) {
		struct timespec ts;

		/* no getrandom: unique enough for telling series apart, not a secret */
		clock_gettime(CLOCK_REALTIME, &ts);
		memcpy(id, &ts, sizeof(ts) < sizeof(id) ? sizeof(ts) : sizeof(id));
		id[15] ^= (unsigned char)getpid();
	}
	for (size_t i = 0; i < sizeof(id); i++)
		snprintf(s->id + 2 * i, 3, "%02x", id[i]);
	return 0;
}

void series_path(const struct series *s, const char *name, char *path)
{
	snprintf(path, SERIES_PATH_MAX, "%s/%s", s->dir, name);
}

int series_file_create(struct series *s, uint64_t realtime_ns)
{
	char stamp[32], path[SERIES_PATH_MAX];
	int err;

	host_utc_stamp(realtime_ns, stamp, sizeof(stamp));
	for (int n = 0; n < SERIES_SAME_SECOND; n++) {
		if (n)
			snprintf(s->cur, sizeof(s->cur), "ebrec-%sZ-%s_%02d.ebr", stamp, s->host, n);
		else
			snprintf(s->cur, sizeof(s->cur), "ebrec-%sZ-%s.ebr", stamp, s->host);
		series_path(s, s->cur, path);
		s->fd = ebr_trace_create(path, false);
		if (s->fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	err = -errno;
	fprintf(stderr, "ebrec record: cannot create %s: %s\n", path,
		err == -EEXIST ? "too many files in one second (use a longer --rotate)"
			       : strerror(-err));
	return err;
}

/* Removes the oldest closed file; -1 when there is none (the current one is never removed). */
static int remove_oldest(struct series *s)
{
	char path[SERIES_PATH_MAX];

	if (!s->nfiles)
		return -1;
	series_path(s, s->files[0].name, path);
	/* gone already (someone removed it): its bytes are freed all the same */
	if (unlink(path) != 0 && errno != ENOENT)
		fprintf(stderr, "ebrec record: cannot remove %s: %s\n", path, strerror(errno));
	s->closed_bytes -= s->files[0].bytes;
	free(s->files[0].name);
	memmove(&s->files[0], &s->files[1], (s->nfiles - 1) * sizeof(s->files[0]));
	s->nfiles--;
	return 0;
}

void series_trim(struct series *s, uint64_t current_bytes)
{
	while (s->max_disk && s->nfiles && s->closed_bytes + current_bytes > s->max_disk)
		remove_oldest(s);
}

int series_file_done(struct series *s, uint64_t bytes)
{
	char path[SERIES_PATH_MAX];
	int err = 0;

	if (close(s->fd) != 0) {
		err = -errno;
		fprintf(stderr, "ebrec record: closing %s/%s failed: %s\n", s->dir, s->cur,
			strerror(-err));
	}
	s->fd = -1;
	snprintf(s->prev, sizeof(s->prev), "%s", s->cur);
	s->seq++;
	if (record_grow(&s->files, s->nfiles, &s->cap_files, sizeof(*s->files), 16))
		goto nomem;
	s->files[s->nfiles].name = strdup(s->cur);
	if (!s->files[s->nfiles].name)
		goto nomem;
	s->files[s->nfiles++].bytes = bytes;
	s->closed_bytes += bytes;
	/* --keep counts the file about to begin */
	while (s->keep && s->nfiles + 1 > s->keep)
		remove_oldest(s);
	series_trim(s, 0);
	return err;
nomem:
	/* a file we could not list is one we could not remove later: say which */
	series_path(s, s->cur, path);
	fprintf(stderr, "ebrec record: out of memory listing %s among the files to rotate\n", path);
	return -ENOMEM;
}

bool series_due(const struct series *s, uint64_t start_ns, uint64_t now_ns, uint64_t bytes)
{
	/* a file of a time rotation under --max-disk also ends at a quarter of it */
	uint64_t cap = s->rotate_bytes ? s->rotate_bytes : s->max_disk / 4;

	if (s->rotate_ns && now_ns - start_ns >= s->rotate_ns)
		return true;
	return cap && bytes >= cap;
}

/* The sink's write: on ENOSPC this recording's oldest file goes, and the rest is written. */
static int series_write(void *ctx, const void *buf, size_t len)
{
	struct series *s = ctx;
	const char *p = buf;

	for (;;) {
		size_t done;
		int err = ebr_fd_write(s->fd, p, len, &done);

		if (!err || errno != ENOSPC || !s->nfiles)
			return err;
		p += done;
		len -= done;
		fprintf(stderr, "ebrec record: the disk is full: removing %s/%s, the oldest "
			"file of this recording, to go on\n", s->dir, s->files[0].name);
		snprintf(s->last_removed_full, sizeof(s->last_removed_full), "%s",
			 s->files[0].name);
		s->removed_full++;
		remove_oldest(s);
	}
}

void series_sink(struct series *s, struct ebr_sink *sink)
{
	sink->write = series_write;
	sink->ctx = s;
}

int series_meta(const struct series *s, struct ebr_writer *w)
{
	char buf[32];
	int err;

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->seq);
	err = ebr_writer_meta(w, "series.id", s->id);
	err = err ?: ebr_writer_meta(w, "series.seq", buf);
	err = err ?: ebr_writer_meta(w, "series.prev", s->prev);
	err = err ?: ebr_writer_meta(w, "series.rotate", s->rotate_arg);
	if (!err && s->removed_full) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->removed_full);
		err = ebr_writer_meta(w, "series.disk_full_removed", buf);
		err = err ?: ebr_writer_meta(w, "series.disk_full_last", s->last_removed_full);
	}
	return err;
}

void series_release(struct series *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].name);
	free(s->files);
	s->files = NULL;
	s->nfiles = s->cap_files = 0;
}
