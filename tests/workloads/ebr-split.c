// SPDX-License-Identifier: GPL-2.0-only
/*
 * Splits a recorded trace into a rotation series, as a rotating recorder writes one, for
 * tests/e2e/test_series.py: the same events read as one file and as a series must give the
 * same reports.
 *
 *   ebr-split IN.ebr OUTDIR SECONDS
 *
 * writes OUTDIR/ebrec-YYYYMMDDTHHMMSSZ-HOST.ebr, one file a SECONDS of wall-clock time from
 * the recording's start, the seams on whole seconds so that the names say them exactly. Each
 * file is self-contained as a rotated one is: IN's META, in IN's order, with the file's own
 * clock pairs (the first file starts and the last ends as IN does; what IN wrote at its end,
 * each file writes at its end), a process snapshot at its start (a
 * proc.task of every process alive there, as the process table of analyze/proctable.c knew it
 * from IN's events before), then IN's events in IN's order from the first one at or past its
 * start (a recorder switches files between two drains, so events a little out of order near a
 * seam stay where their drain put them). Symbols and loss counters stay where IN has them. A
 * trace with types of its own (generic probes) is refused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "analyze/proc.h"
#include "format/ebr.h"

#define NS 1000000000ull

struct split {
	const char *dir;
	char host[64];
	uint64_t seconds;
	uint64_t start_mono, start_real, end_mono, end_real;
	const struct ebr_reader *meta; /* IN's META, from its index */
	struct proctable procs;
	struct ebr_writer *w;
	int fd;
	uint64_t next_seam; /* mono ns of the next file's start */
	uint64_t files;
};

static uint64_t meta_u64(const struct ebr_reader *r, const char *key)
{
	const char *v = ebr_reader_meta(r, key);

	return v ? strtoull(v, NULL, 10) : 0;
}

static int put_u64(struct ebr_writer *w, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return ebr_writer_meta(w, key, buf);
}

/* The clock pair of a moment of IN's recording. */
static int put_clock(struct split *s, const char *when, uint64_t mono)
{
	char key[40];
	int err;

	snprintf(key, sizeof(key), "clock.%s.monotonic_ns", when);
	err = put_u64(s->w, key, mono);
	snprintf(key, sizeof(key), "clock.%s.realtime_ns", when);
	return err ?: put_u64(s->w, key, s->start_real + (mono - s->start_mono));
}

static int close_file(struct split *s, uint64_t end_mono)
{
	int err;

	if (!s->w)
		return 0;
	bool ended = false;

	err = end_mono == s->end_mono ? put_u64(s->w, "clock.end.monotonic_ns", s->end_mono) ?:
					put_u64(s->w, "clock.end.realtime_ns", s->end_real)
				      : put_clock(s, "end", end_mono);
	for (uint32_t i = 0; !err && i < ebr_reader_meta_count(s->meta); i++) {
		const char *key, *val;

		ebr_reader_meta_at(s->meta, i, &key, &val);
		ended |= !strncmp(key, "clock.end.", 10);
		if (ended && strncmp(key, "clock.", 6))
			err = ebr_writer_meta(s->w, key, val);
	}
	err = err ?: ebr_writer_close(s->w);
	s->w = NULL;
	close(s->fd);
	return err;
}

/* The processes alive at a file's start, as its snapshot. */
static int write_snapshot(struct split *s, uint64_t ts)
{
	for (uint32_t i = 0; i < s->procs.len; i++) {
		const struct proc_entry *e = &s->procs.entries[i];
		const struct proc_cgroup *cg = proctable_cgroup(&s->procs, e);
		struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
		int err;

		if (e->exited || proctable_find(&s->procs, e->pid) != e)
			continue;
		v[EBR_F_PROC_TASK_PID].u = e->pid;
		v[EBR_F_PROC_TASK_PPID].u = e->ppid;
		v[EBR_F_PROC_TASK_UID].u = e->uid;
		v[EBR_F_PROC_TASK_COMM].s = e->comm;
		v[EBR_F_PROC_TASK_ARGS].s = e->args;
		v[EBR_F_PROC_TASK_ARGS].len = e->args ? e->args_len : 0;
		v[EBR_F_PROC_TASK_START_NS].u = e->start_ns;
		v[EBR_F_PROC_TASK_CGROUP].s = cg ? cg->path : "";
		v[EBR_F_PROC_TASK_CGROUP_ID].u = cg ? cg->id : 0;
		v[EBR_F_PROC_TASK_CONTAINER].s = cg ? cg->container : "";
		v[EBR_F_PROC_TASK_CWD].s = e->cwd ? e->cwd : "";
		v[EBR_F_PROC_TASK_THREADS].u = 1;
		err = ebr_writer_event(s->w, EBR_EV_PROC_TASK, ts, 0, v);
		if (err)
			return err;
	}
	return 0;
}

/* The file that starts at mono (the recording's start for the first). */
static int open_file(struct split *s, uint64_t mono)
{
	uint64_t real = s->start_real + (mono - s->start_mono);
	time_t t = (time_t)(real / NS);
	struct ebr_sink sink;
	char path[4096], stamp[32];
	struct tm tm;
	int err = 0;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(path, sizeof(path), "%s/ebrec-%s-%s.ebr", s->dir, stamp, s->host);
	s->fd = ebr_trace_create(path, false);
	if (s->fd < 0) {
		perror(path);
		return EBR_E_IO;
	}
	ebr_sink_fd(&sink, &s->fd);
	err = ebr_writer_new(&s->w, &sink, NULL);
	for (uint32_t i = 0; !err && i < ebr_reader_meta_count(s->meta); i++) {
		const char *key, *val;

		/* in IN's order, the file's own start in the place of IN's; what IN wrote at its
		 * end, from its end's clock on, each file writes at its end */
		ebr_reader_meta_at(s->meta, i, &key, &val);
		if (!strncmp(key, "clock.end.", 10))
			break;
		if (!strcmp(key, "clock.start.monotonic_ns"))
			err = put_u64(s->w, key, mono);
		else if (!strcmp(key, "clock.start.realtime_ns"))
			err = put_u64(s->w, key, real);
		else
			err = ebr_writer_meta(s->w, key, val);
	}
	if (!err && s->files++)
		err = write_snapshot(s, mono);
	/* the next seam: the next whole second SECONDS on */
	s->next_seam = s->start_mono + ((real / NS + s->seconds) * NS - s->start_real);
	return err;
}

static int split(struct split *s, struct ebr_reader *r)
{
	const struct ebr_event *ev;
	int ret, err = open_file(s, s->start_mono);

	while (!err && (ret = ebr_reader_next(r, &ev)) > 0) {
		if (ev->type == EBR_EV_UNKNOWN) {
			fprintf(stderr, "ebr-split: the trace has types of its own (generic probes)\n");
			return EBR_E_UNSUPPORTED;
		}
		if (ev->ts >= s->next_seam && ev->ts < s->end_mono) {
			uint64_t seam = s->next_seam;

			/* the file of ev's second: seams without an event make no file */
			while (ev->ts >= s->next_seam + s->seconds * NS)
				s->next_seam += s->seconds * NS;
			err = close_file(s, seam);
			err = err ?: open_file(s, s->next_seam);
		}
		err = err ?: proctable_on_event(&s->procs, r, ev);
		err = err ?: ebr_writer_event(s->w, ev->type, ev->ts, ev->cpu, ev->v);
	}
	if (!err && ret < 0)
		err = ret;
	return err ?: close_file(s, s->end_mono);
}

int main(int argc, char **argv)
{
	struct split s = { .fd = -1 };
	struct ebr_source src, isrc;
	struct ebr_fd_source fs, ifs;
	struct ebr_reader *r = NULL, *index = NULL;
	struct ebr_summary sum = { 0 };
	const char *host;
	int fd, ifd, err;

	if (argc != 4 || atoi(argv[3]) <= 0) {
		fprintf(stderr, "usage: ebr-split IN.ebr OUTDIR SECONDS\n");
		return 2;
	}
	s.dir = argv[2];
	s.seconds = (uint64_t)atoi(argv[3]);
	fd = open(argv[1], O_RDONLY);
	ifd = open(argv[1], O_RDONLY);
	if (fd < 0 || ifd < 0) {
		perror(argv[1]);
		return 1;
	}
	ebr_source_fd(&src, &fs, fd);
	ebr_source_fd(&isrc, &ifs, ifd);
	err = ebr_reader_open(&index, &isrc, NULL, 0);
	err = err ?: ebr_reader_load_index(index, &sum);
	err = err ?: ebr_reader_open(&r, &src, NULL, 0);
	if (!err) {
		s.meta = index;
		s.start_mono = meta_u64(index, "clock.start.monotonic_ns");
		s.start_real = meta_u64(index, "clock.start.realtime_ns");
		s.end_mono = meta_u64(index, "clock.end.monotonic_ns");
		s.end_real = meta_u64(index, "clock.end.realtime_ns");
		host = ebr_reader_meta(index, "host.hostname");
		snprintf(s.host, sizeof(s.host), "%s", host ? host : "host");
		for (char *c = s.host; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-'))
				*c = '_';
		if (!s.start_mono || !s.start_real || s.end_mono <= s.start_mono) {
			fprintf(stderr, "ebr-split: %s has no clock pairs at its start and end\n",
				argv[1]);
			err = EBR_E_CORRUPT;
		}
	}
	err = err ?: split(&s, r);
	if (err)
		fprintf(stderr, "ebr-split: %s: %s\n", argv[1], ebr_strerror(err));
	else
		printf("%llu\n", (unsigned long long)s.files);
	proctable_release(&s.procs);
	ebr_summary_release(&sum);
	ebr_reader_close(r);
	ebr_reader_close(index);
	close(fd);
	close(ifd);
	return err ? 1 : 0;
}
