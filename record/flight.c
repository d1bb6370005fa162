// SPDX-License-Identifier: GPL-2.0-only
/*
 * The flight recorder (record/flight.h): segments kept in memory, and the dump that writes
 * the window from them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "record/recorder.h"

/* ------------------------------------------------------------- asking for a dump */

/* SIGUSR1's handler can only reach a file-scope variable. */
static volatile sig_atomic_t dump_pending;

static void on_dump_signal(int sig)
{
	(void)sig;
	dump_pending = 1;
}

void flight_catch_signal(void)
{
	struct sigaction sa = { .sa_handler = on_dump_signal, .sa_flags = SA_RESTART };

	sigaction(SIGUSR1, &sa, NULL);
}

bool flight_dump_asked(void)
{
	if (!dump_pending)
		return false;
	dump_pending = 0;
	return true;
}

/* Whether the command line cmdline (len bytes, NUL-separated) is an ebrec flight recorder. */
static bool is_flight_recorder(const char *cmdline, size_t len)
{
	const char *base = strrchr(cmdline, '/');
	bool record = false, flight = false;

	if (strcmp(base ? base + 1 : cmdline, "ebrec"))
		return false;
	for (size_t off = strlen(cmdline) + 1; off < len; off += strlen(cmdline + off) + 1) {
		record |= !strcmp(cmdline + off, "record");
		flight |= !strncmp(cmdline + off, "--flight-recorder", 17);
	}
	return record && flight;
}

int flight_ask_dump(const char *pid_arg)
{
	char path[64], cmdline[4096];
	char *end;
	long pid = strtol(pid_arg, &end, 10);
	ssize_t n = -1;
	FILE *f;

	if (*end || end == pid_arg || pid <= 0 || pid > 0x3fffffff) {
		fprintf(stderr, "ebrec record: --dump needs the process id of a running "
				"'ebrec record --flight-recorder', not '%s'\n", pid_arg);
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	f = fopen(path, "re");
	if (f) {
		n = (ssize_t)fread(cmdline, 1, sizeof(cmdline) - 1, f);
		fclose(f);
	}
	if (n <= 0) {
		fprintf(stderr, "ebrec record: no process %ld\n", pid);
		return 1;
	}
	cmdline[n] = 0;
	if (!is_flight_recorder(cmdline, (size_t)n)) {
		fprintf(stderr, "ebrec record: process %ld is not an 'ebrec record "
				"--flight-recorder': nothing sent\n", pid);
		return 1;
	}
	if (kill((pid_t)pid, SIGUSR1) != 0) {
		fprintf(stderr, "ebrec record: cannot signal process %ld: %s\n", pid,
			strerror(errno));
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------- segments */

static void segment_free(struct flight_segment *s)
{
	if (s)
		free(s->mem.buf);
	free(s);
}

static void drop_oldest(struct flight *f)
{
	segment_free(f->segs[0]);
	memmove(&f->segs[0], &f->segs[1], (f->n - 1) * sizeof(f->segs[0]));
	f->n--;
}

int flight_segment_begin(struct flight *f, uint64_t now_ns)
{
	struct flight_segment *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	/* room for it: segments shorter than a split (the budget's) cost the window's oldest */
	if (f->n == FLIGHT_SEGMENTS_MAX) {
		f->budget_dropped_until = f->segs[0]->t_end;
		drop_oldest(f);
	}
	s->t_start = now_ns;
	f->segs[f->n++] = s;
	return 0;
}

void flight_sink(struct flight *f, struct ebr_sink *sink)
{
	ebr_sink_mem(sink, &f->segs[f->n - 1]->mem);
}

void flight_segment_end(struct flight *f, uint64_t now_ns)
{
	uint64_t bytes = 0, before = now_ns > f->window_ns ? now_ns - f->window_ns : 0;

	f->segs[f->n - 1]->t_end = now_ns;
	if (f->keep_from && f->keep_from < before)
		before = f->keep_from;
	/* wholly before the window */
	while (f->n > 1 && f->segs[0]->t_end < before)
		drop_oldest(f);
	for (size_t i = 0; i < f->n; i++)
		bytes += f->segs[i]->mem.len;
	/* the budget: the window's oldest part goes, and the file says so */
	while (f->n > 1 && bytes > f->budget) {
		bytes -= f->segs[0]->mem.len;
		f->budget_dropped_until = f->segs[0]->t_end;
		drop_oldest(f);
	}
}

bool flight_due(const struct flight *f, uint64_t start_ns, uint64_t now_ns)
{
	return now_ns - start_ns >= f->window_ns / FLIGHT_SPLIT ||
	       f->segs[f->n - 1]->mem.len >= f->budget / FLIGHT_SEGMENTS;
}

void flight_free(struct flight *f)
{
	while (f->n)
		drop_oldest(f);
}

/* ------------------------------------------------------------- the dump */

/* A complete segment, read back. */
struct seg_reader {
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
};

static int seg_open(struct seg_reader *sr, const struct flight_segment *s)
{
	ebr_source_mem(&sr->src, &sr->ms, s->mem.buf, s->mem.len);
	return errno_of_ebr(ebr_reader_open(&sr->r, &sr->src, NULL, 0));
}

/* What a dump is made of: segments [first, last] of the flight, the window [from, to]. */
struct dump {
	struct recorder *rec;
	struct ebr_writer *w;
	size_t first, last;
	uint64_t from, to;
	struct proc_table procs; /* as of the window's start */
	uint64_t max_reorder, malformed, missed; /* over the window's segments */
};

static uint64_t meta_u64(const struct ebr_reader *r, const char *key)
{
	const char *v = ebr_reader_meta(r, key);

	return v ? strtoull(v, NULL, 10) : 0;
}

/* META of the segment's own that the dump says for the whole window. */
static bool meta_of_window(const char *key)
{
	return !strncmp(key, "clock.", 6) || !strncmp(key, "series.", 7) ||
	       !strncmp(key, "symbols.", 8) || !strcmp(key, "record.max_reorder_ns") ||
	       !strcmp(key, "record.malformed_records") || !strcmp(key, "record.bpf_missed_runs");
}

/*
 * The first pass: the processes as of the window's start (the first segment's snapshot and
 * the proc events before the window), and the META the segments say of themselves.
 */
static int dump_scan(struct dump *d, size_t i)
{
	struct seg_reader sr;
	const struct ebr_event *ev;
	int err = seg_open(&sr, d->rec->flight.segs[i]), got = 0;

	while (!err && (got = ebr_reader_next(sr.r, &ev)) == 1) {
		if (ev->type == EBR_EV_PROC_TASK && i == d->first)
			err = proc_table_task(&d->procs, ev->v);
		else if (ev->type >= EBR_EV_PROC_FORK && ev->type <= EBR_EV_PROC_EXIT &&
			 ev->ts < d->from)
			err = proc_table_event(&d->procs, ev->type, ev->ts, ev->v);
	}
	if (!err && got < 0)
		err = errno_of_ebr(got);
	if (!err) {
		uint64_t reorder = meta_u64(sr.r, "record.max_reorder_ns");

		if (reorder > d->max_reorder)
			d->max_reorder = reorder;
		d->malformed += meta_u64(sr.r, "record.malformed_records");
		d->missed += meta_u64(sr.r, "record.bpf_missed_runs");
	}
	if (!err && i == d->first) {
		struct host_clocks start = { meta_u64(sr.r, "clock.start.monotonic_ns"),
					     meta_u64(sr.r, "clock.start.realtime_ns") };

		for (uint32_t m = 0; m < ebr_reader_meta_count(sr.r) && !err; m++) {
			const char *k, *v;

			ebr_reader_meta_at(sr.r, m, &k, &v);
			if (!meta_of_window(k))
				err = errno_of_ebr(ebr_writer_meta(d->w, k, v));
		}
		/* the window's start on both clocks */
		if (d->from > start.mono) {
			start.real += d->from - start.mono;
			start.mono = d->from;
		}
		err = err ?: host_clock_pair_of(d->w, "start", &start);
	}
	if (!err && i == d->last) {
		struct host_clocks end = { meta_u64(sr.r, "clock.end.monotonic_ns"),
					   meta_u64(sr.r, "clock.end.realtime_ns") };

		/* the window's end on both clocks: asked for before the segment ended */
		if (d->to < end.mono) {
			end.real -= end.mono - d->to;
			end.mono = d->to;
		}
		if (end.mono)
			err = host_clock_pair_of(d->w, "end", &end);
	}
	ebr_reader_close(sr.r);
	return err;
}

/* The stacks of an event, noted for the symbols the dump writes at its end. */
static int note_stacks(struct dump *d, const struct ebr_event_def *def,
		       const struct ebr_value *v, uint64_t ts)
{
	const struct ebr_value *k = NULL, *u = NULL, *pid = NULL;

	/* by name: profile.sample's and offcpu.span's, and a generic probe's with --stacks */
	for (uint32_t f = 0; f < def->nfields; f++) {
		const char *name = def->fields[f].name;

		if (def->fields[f].kind == EBR_KIND_STACK && !strcmp(name, "kstack"))
			k = &v[f];
		else if (def->fields[f].kind == EBR_KIND_STACK && !strcmp(name, "ustack"))
			u = &v[f];
		else if (!pid && (!strcmp(name, "pid") || !strcmp(name, "common_tgid")))
			pid = &v[f];
	}
	if ((!k || !k->len) && (!u || !u->len))
		return 0;
	return stack_symbols_use(&d->rec->stacks, d->w, pid ? (uint32_t)pid->u : 0, ts,
				 k ? k->frames : NULL, k ? k->len : 0, u ? u->frames : NULL,
				 u ? u->len : 0);
}

/* Whether event ev of segment i goes into the dump. */
static bool dump_keeps(const struct dump *d, size_t i, const struct ebr_event *ev)
{
	switch (ev->type) {
	case EBR_EV_PROC_TASK: /* the snapshot is the window's own */
	case EBR_EV_SYM_KERNEL: /* symbols: written once, for the window's stacks */
	case EBR_EV_SYM_OBJECT:
	case EBR_EV_SYM_MAP:
	case EBR_EV_SYM_FUNC:
		return false;
	case EBR_EV_TCP_SOCK: /* open at the window's first segment's start, at its end */
		return ev->v[EBR_F_TCP_SOCK_PHASE].u == EBR_TCP_PHASE_START ? i == d->first
									  : i == d->last;
	case EBR_EV_PROC_TITLE: /* a segment's end reads the titles of the running ones */
		if (ev->v[EBR_F_PROC_TITLE_REASON].u == EBR_TITLE_AT_END)
			return i == d->last;
		return ev->ts >= d->from && ev->ts <= d->to;
	case EBR_EV_COUNTS: /* losses, as the segments counted them: to their end */
		return ev->ts >= d->from;
	default:
		return ev->ts >= d->from && ev->ts <= d->to;
	}
}

/* The second pass: the window's events of segment i. */
static int dump_events(struct dump *d, size_t i)
{
	const struct generic_probes *g = &d->rec->o.generic;
	struct seg_reader sr;
	const struct ebr_event *ev;
	int err = seg_open(&sr, d->rec->flight.segs[i]), got = 0;

	while (!err && (got = ebr_reader_next(sr.r, &ev)) == 1) {
		const struct ebr_event_def *def = ebr_event_def(ev->type);
		const struct ebr_value *v = ev->v;
		uint32_t type = ev->type;
		uint64_t ts;

		if (!def) {
			/* a generic probe's: segments are written with the same described types */
			if (ev->file_type < EBR_DYN_TYPE_BASE ||
			    ev->file_type - EBR_DYN_TYPE_BASE >= g->n)
				continue;
			type = ev->file_type;
			def = &g->defs[type - EBR_DYN_TYPE_BASE];
			v = ev->raw;
			if (ev->nraw != def->nfields)
				continue;
		}
		if (!dump_keeps(d, i, ev))
			continue;
		/* the last segment's end (its titles) may be past the window's: they are its end's */
		ts = ev->ts > d->to ? d->to : ev->ts;
		err = errno_of_ebr(ebr_writer_event(d->w, type, ts, ev->cpu, v));
		err = err ?: note_stacks(d, def, v, ts);
	}
	if (!err && got < 0)
		err = errno_of_ebr(got);
	ebr_reader_close(sr.r);
	return err;
}

/* The stacks' symbols, into the dump: the recording's own counts stay the segment's. */
static int dump_symbols(struct dump *d)
{
	struct stack_symbols *s = &d->rec->stacks;
	struct stack_symbols keep = *s;
	int err = stack_symbols_write(s, d->w);

	s->kframes = keep.kframes;
	s->kresolved = keep.kresolved;
	s->uframes = keep.uframes;
	s->uresolved = keep.uresolved;
	return err;
}

static int dump_write(struct dump *d)
{
	const struct flight *f = &d->rec->flight;
	char buf[32];
	int err = 0;

	for (size_t i = d->first; i <= d->last && !err; i++)
		err = dump_scan(d, i);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)f->window_ns);
	err = err ?: errno_of_ebr(ebr_writer_meta(d->w, "flight.window_ns", buf));
	if (!err && f->budget_dropped_until > d->from) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)f->budget_dropped_until);
		err = errno_of_ebr(ebr_writer_meta(d->w, "flight.budget_dropped_until_ns", buf));
	}
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)d->max_reorder);
	err = err ?: errno_of_ebr(ebr_writer_meta(d->w, "record.max_reorder_ns", buf));
	if (!err && d->missed) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)d->missed);
		err = errno_of_ebr(ebr_writer_meta(d->w, "record.bpf_missed_runs", buf));
	}
	if (!err && d->malformed) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)d->malformed);
		err = errno_of_ebr(ebr_writer_meta(d->w, "record.malformed_records", buf));
	}
	if (!err && d->procs.seeded)
		err = proc_table_write(&d->procs, d->w, d->from);
	err = err ?: usyms_rewrite(&d->rec->stacks.u, d->w);
	for (size_t i = d->first; i <= d->last && !err; i++)
		err = dump_events(d, i);
	return err ?: dump_symbols(d);
}

/* FILE, then FILE's name with .2, .3... before its .ebr. */
static void dump_path(const struct recorder *rec, char *buf, size_t len)
{
	const char *out = rec->o.out;
	size_t n = strlen(out);
	unsigned k = rec->flight.ndumps + 1;

	if (k == 1)
		snprintf(buf, len, "%s", out);
	else if (n > 4 && !strcmp(out + n - 4, ".ebr"))
		snprintf(buf, len, "%.*s.%u.ebr", (int)(n - 4), out, k);
	else
		snprintf(buf, len, "%s.%u", out, k);
}

/*
 * Writes the window ending at now_ns into path (*created once it is created); fired: the
 * trigger's file, fired then (NULL: a dump's). 0, 1 when there was nothing to write, or a
 * negative errno having said what failed.
 */
static int window_write(struct recorder *rec, uint64_t now_ns, const char *path,
			const struct host_clocks *fired, bool *created)
{
	struct flight *f = &rec->flight;
	struct ebr_writer_opts opts = { .dyn_types = rec->o.generic.defs,
					.ndyn_types = (uint32_t)rec->o.generic.n };
	struct dump d = { .rec = rec, .from = now_ns > f->window_ns ? now_ns - f->window_ns : 0,
			  .to = now_ns };
	size_t complete = f->n && !f->segs[f->n - 1]->t_end ? f->n - 1 : f->n;
	struct ebr_sink sink;
	uint64_t held; /* the window's start, or the recording's when it is shorter */
	int fd, err;

	/* the complete segments that end in the window */
	while (d.first < complete && f->segs[d.first]->t_end < d.from)
		d.first++;
	if (d.first == complete) {
		fprintf(stderr, "ebrec record: the flight recorder holds nothing of the last "
				"%.0f s yet: no file written\n", (double)f->window_ns / 1e9);
		return 1;
	}
	d.last = complete - 1;
	d.procs.seeded = rec->procs.seeded;
	fd = ebr_trace_create(path, rec->o.force);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "ebrec record: cannot write the flight recorder's window to %s: "
				"%s\n", path,
			err == -EEXIST ? "it exists (-f overwrites it)" : strerror(-err));
		return err;
	}
	*created = true;
	ebr_sink_fd(&sink, &fd);
	err = errno_of_ebr(ebr_writer_new(&d.w, &sink, &opts));
	if (!err) {
		err = dump_write(&d);
		if (!err && fired)
			err = errno_of_ebr(trigger_meta(&rec->trigger, d.w, now_ns, fired->real));
		if (err)
			ebr_writer_abandon(d.w);
		else
			err = errno_of_ebr(ebr_writer_close(d.w)); /* which frees it */
	}
	if (close(fd) != 0 && !err)
		err = -errno;
	proc_table_free(&d.procs);
	if (err) {
		fprintf(stderr, "ebrec record: writing the flight recorder's window to %s failed: "
				"%s\n", path, strerror(-err));
		return err;
	}
	held = d.from > f->segs[d.first]->t_start ? d.from : f->segs[d.first]->t_start;
	if (fired)
		fprintf(stderr, "ebrec record: trigger '%s' fired (%s %.1f ms): wrote %.1f s "
				"before it and %.1f s after to %s\n",
			rec->trigger.fire.cond->expr, rec->trigger.fire.comm,
			(double)rec->trigger.fire.value_ns / 1e6,
			(double)(fired->mono > held ? fired->mono - held : 0) / 1e9,
			(double)(now_ns - fired->mono) / 1e9, path);
	else
		fprintf(stderr, "ebrec record: wrote the last %.1f s to %s\n",
			(double)(now_ns - held) / 1e9, path);
	return 0;
}

int flight_write(struct recorder *rec, uint64_t now_ns)
{
	char path[4096];
	bool created = false;
	int err;

	dump_path(rec, path, sizeof(path));
	err = window_write(rec, now_ns, path, NULL, &created);
	/* the next dump's name is the next one, whether this one was written whole or not */
	rec->flight.ndumps += created;
	return err == 1 ? 0 : err;
}

int flight_trigger_write(struct recorder *rec, uint64_t end_ns)
{
	struct trigger *t = &rec->trigger;
	uint64_t to = t->fire.ts + t->after_ns;
	struct host_clocks now, fired = { .mono = t->fire.ts };
	char path[4096];
	bool created = false;
	int err;

	host_clocks_now(&now);
	fired.real = now.real - (now.mono - fired.mono);
	trigger_path(rec->o.out, fired.real, path, sizeof(path));
	err = window_write(rec, to < end_ns ? to : end_ns, path, &fired, &created);
	/* a file that could not be written is said; the trigger re-arms all the same */
	err = trigger_done(t, err ? NULL : path, rec->o.keep);
	if (err)
		fprintf(stderr, "ebrec record: out of memory\n");
	return err;
}

int flight_trigger_dump(struct recorder *rec)
{
	struct trigger *t = &rec->trigger;
	uint64_t to = t->fire.ts + t->after_ns, window = rec->flight.window_ns;
	int err;

	/* the window's end has passed: the seam writes what came before, and keeps its start */
	rec->flight.keep_from = to > window ? to - window : 1;
	err = record_rotate(rec);
	rec->flight.keep_from = 0;
	return err ?: flight_trigger_write(rec, UINT64_MAX);
}

int flight_dump(struct recorder *rec)
{
	/* the window ends when the dump is asked for: the seam writes what came before */
	uint64_t asked = host_monotonic_ns();
	int err = record_rotate(rec);

	if (err)
		return err;
	/* a dump that could not be written is said; the recording goes on */
	flight_write(rec, asked);
	return 0;
}
