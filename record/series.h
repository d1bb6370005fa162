/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ebrec record -o DIR/ --rotate SIZE|DURATION`: the files of a series in DIR, named so that
 * they sort by time (ebrec-20261204T030000Z-HOST.ebr), the ones this recording wrote and
 * still has on disk, oldest first, and their removal: to stay within --keep and --max-disk,
 * and when the disk is full. Only files this recording created are ever removed. What goes
 * into each file (its own META, snapshot, symbols and counts) is record/rotate.c's.
 */
#ifndef EBREC_RECORD_SERIES_H
#define EBREC_RECORD_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "format/ebr.h"

/* The smallest --rotate SIZE: a file holds its own snapshot and symbols besides events. */
#define SERIES_MIN_BYTES (1ull << 20)
#define SERIES_MIN_NS 1000000000ull

#define SERIES_NAME_MAX 320
#define SERIES_DIR_MAX 4096
#define SERIES_PATH_MAX (SERIES_DIR_MAX + SERIES_NAME_MAX + 1)

/* A closed file of the series, still on disk. */
struct series_file {
	char *name; /* in dir */
	uint64_t bytes;
};

struct series {
	char dir[SERIES_DIR_MAX]; /* -o DIR/, without its trailing slashes */
	const char *rotate_arg; /* --rotate as given, for META */
	uint64_t rotate_bytes, rotate_ns; /* one of them: when a file is ended */
	uint64_t keep, max_disk;          /* 0: no limit */
	char host[64];                    /* the host name as it goes into file names */
	char id[33];                      /* 128 random bits in hex: the series' identity */
	uint64_t seq;                     /* the current file's number in the series, from 0 */
	char cur[SERIES_NAME_MAX], prev[SERIES_NAME_MAX]; /* the current file's, the last one's */
	int fd;                           /* the current file, or -1 */
	struct series_file *files;        /* closed files on disk, oldest first */
	size_t nfiles, cap_files;
	uint64_t closed_bytes;
	uint64_t removed_full; /* files removed because the disk was full */
	char last_removed_full[SERIES_NAME_MAX];
};

/*
 * SIZE (K, M, G, T: binary multiples; an optional B or iB after) or DURATION
 * (record/duration.h, lowercase: "10m" is ten minutes, "10M" ten MiB) into *bytes or *ns,
 * the other 0. 0, or -1 if s is neither.
 */
int series_parse_rotate(const char *s, uint64_t *bytes, uint64_t *ns);
/* SIZE as above (a number without suffix is bytes). 0 or -1. */
int series_parse_size(const char *s, uint64_t *bytes);

/*
 * Checks that dir is a directory this user can write (making it, mode 0700, when it does not
 * exist), and picks the series' id. 0, or a negative errno having said what failed.
 */
int series_init(struct series *s, const char *dir);
/*
 * Creates the next file of the series, named for realtime_ns (UTC), into s->fd. 0, or a
 * negative errno having said what failed.
 */
int series_file_create(struct series *s, uint64_t realtime_ns);
/*
 * The current file is complete (bytes long): closes it, counts it among the closed files and
 * removes the oldest ones past --keep and --max-disk. 0, or a negative errno having said what
 * failed.
 */
int series_file_done(struct series *s, uint64_t bytes);
/*
 * Removes the oldest closed files while they and the current file's bytes exceed
 * --max-disk (called as the current file grows).
 */
void series_trim(struct series *s, uint64_t current_bytes);
/* Whether the current file, begun at start_ns and bytes long, is to be ended now. */
bool series_due(const struct series *s, uint64_t start_ns, uint64_t now_ns, uint64_t bytes);
/*
 * A sink writing to the current file: when the disk is full it removes this recording's
 * oldest closed file (saying so on stderr) and writes on; without one left, it fails.
 */
void series_sink(struct series *s, struct ebr_sink *sink);
/* The series' META of the current file (format/FORMAT.md "series.*"). EBR_E_* or 0. */
int series_meta(const struct series *s, struct ebr_writer *w);
/* DIR/name into path (SERIES_PATH_MAX bytes). */
void series_path(const struct series *s, const char *name, char *path);
/* Closes the current file if open, forgets the list (the files stay). */
void series_release(struct series *s);

#endif
