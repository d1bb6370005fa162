// SPDX-License-Identifier: GPL-2.0-only
/* The file family's views: opensnoop, fsslower (and ext4slower) and cachestat, as bcc's. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "format/array_size.h"
#include "analyze/file.h"
#include "report/json_models.h"
#include "report/text.h"
#include "report/top_table.h"
#include "report/view.h"
#include "report/text_line.h"
#include "format/mem.h"

/* ------------------------------------------------------------ opensnoop */

struct opensnoop_view {
	struct opensnoop model;
	struct report_out *out;
	const struct view_clock *clock;
	bool flags;     /* -e */
	struct text_line line;
	struct tally tally; /* the summary's: opens per process */
};

static int opensnoop_tally_row(void *ctx, const struct opensnoop_row *row)
{
	struct opensnoop_view *s = ctx;

	return tally_add(&s->tally, row->pid, row->comm, 0, row->fd < 0);
}

static void opensnoop_headline(struct view_run *vr, struct report_out *out,
			       const struct losses *ls)
{
	headline_tally(vr, out, &((struct opensnoop_view *)vr->state)->tally, "opens",
		       "top openers");
}

static void opensnoop_release(struct view_run *vr)
{
	struct opensnoop_view *s = vr->state;

	if (s)
		tally_release(&s->tally);
	view_free_state(vr);
}

static int opensnoop_text_row(void *ctx, const struct opensnoop_row *row)
{
	struct opensnoop_view *s = ctx;
	struct text_line *l = &s->line;

	view_time(s->clock, s->out, s->out->f, row->ts_ns);
	text_line_reset(l);
	text_line_u64(l, row->pid, -6);
	text_line_char(l, ' ');
	text_line_safe(l, row->comm, 80, -16);
	text_line_char(l, ' ');
	text_line_s64(l, row->fd, 3);
	text_line_char(l, ' ');
	text_line_s64(l, row->err, 3);
	text_line_char(l, ' ');
	if (s->flags) {
		text_line_oct(l, row->flags, 8);
		text_line_char(l, ' ');
	}
	text_line_safe(l, row->abspath, TEXT_SAFE_SIZE(PROC_PATH_MAX), 0);
	text_line_write(l, s->out->f);
	return 0;
}

static int opensnoop_json_row(void *ctx, const struct opensnoop_row *row)
{
	struct opensnoop_view *s = ctx;
	struct json *j = &s->out->json;

	json_object_begin(j, NULL);
	json_double(j, "time_s", trace_seconds(s->out->tf->r, row->ts_ns),
		    6);
	json_u64(j, "pid", row->pid);
	json_u64(j, "tid", row->tid);
	json_str(j, "comm", row->comm);
	json_s64(j, "fd", row->fd);
	json_s64(j, "err", row->err);
	json_u64(j, "flags", row->flags);
	json_u64(j, "mode", row->mode);
	json_str(j, "path", row->path);
	json_str(j, "abspath", row->abspath);
	json_str(j, "args", row->args);
	json_object_end(j);
	return 0;
}

static int opensnoop_setup(struct view_run *vr, int argc, char **argv)
{
	struct opensnoop_view *s = ebr_calloc(1, sizeof(*s));
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	vr->an = (struct analyzer){ opensnoop_on_event, &s->model, OPENSNOOP_TYPES };
	s->model.who = *vr->who;
	s->clock = &vr->clock;
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, "xn:Te", NULL)) != -1) {
		switch (c) {
		case 'x':
			s->model.failed_only = true;
			break;
		case 'n':
			s->model.name = optarg;
			break;
		case 'e':
			s->flags = true;
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	return view_opts_end(vr->view, argc, argv);
}

/* --sort/--limit */
VIEW_ROW_HELD(opensnoop_held_row, struct opensnoop_view, struct opensnoop_row, opensnoop_json_row,
	      opensnoop_text_row)

static void opensnoop_begin(struct view_run *vr, struct report_out *out)
{
	struct opensnoop_view *s = vr->state;
	enum row_sink sink;

	s->model.ctx = s;
	s->model.procs = out->procs;
	sink = view_rows_begin(vr, out, &s->out);
	s->model.emit = ROW_SINK_PICK(sink, opensnoop_tally_row, opensnoop_json_row,
				      opensnoop_text_row, opensnoop_held_row);
	s->model.want_args = sink != ROW_SINK_TALLY && out->format != FORMAT_TEXT;
	if (sink == ROW_SINK_TALLY || out->format == FORMAT_JSON)
		return;
	view_time_head(s->clock, out->f);
	fprintf(out->f, "%-6s %-16s %3s %3s ", "PID", "COMM", "FD", "ERR");
	if (s->flags)
		fprintf(out->f, "%-8s ", "FLAGS");
	fprintf(out->f, "PATH\n");
}

const struct view view_opensnoop = {
	.name = "opensnoop",
	.family = "file",
	.kind = VIEW_LISTING,
	.paths = true,
	.html_args = "",
	.summary = "every open, openat, openat2 and creat, with the whole path",
	.usage = "-x (failed only) -n NAME (command contains NAME) -e (flags) " VIEW_CLOCK_USAGE
		 VIEW_ROWS_USAGE,
	.sort_keys = "time_s pid err fd comm path",
	.setup = opensnoop_setup,
	.begin = opensnoop_begin,
	.end = view_rows_finish,
	.release = opensnoop_release,
	.headline = opensnoop_headline,
};

/* ------------------------------------------------------------ fsslower, ext4slower */

struct fsslower_view {
	struct fsslower model;
	struct report_out *out;
	const struct view_clock *clock;
	char safe[TEXT_SAFE_SIZE(256)]; /* a file name (NAME_MAX) escaped */
	/* the summary's: how many, and the slowest */
	uint64_t slow;
	struct fsslower_row slowest;
	char slowest_comm[EBR_COMM_MAX + 1], slowest_name[256];
};

/* The operation's letter (R W O S), escaped as any string is: a trace's op byte may be ESC. */
static const char *op_text(char op, char *buf, size_t len)
{
	char s[2] = { op, 0 };

	return op ? text_safe(s, buf, len) : "\\x00";
}

static int fsslower_count_row(void *ctx, const struct fsslower_row *row)
{
	struct fsslower_view *s = ctx;

	if (!s->slow++ || row->lat_ns > s->slowest.lat_ns) {
		s->slowest = *row;
		ebr_comm_copy(s->slowest_comm, row->comm);
		snprintf(s->slowest_name, sizeof(s->slowest_name), "%s", row->name);
	}
	return 0;
}

static void fsslower_headline(struct view_run *vr, struct report_out *out,
			      const struct losses *ls)
{
	struct fsslower_view *s = vr->state;
	char lat[32], comm[TEXT_COMM_SIZE], min[32], op[8];

	headline_begin(vr, out);
	if (out->format == FORMAT_JSON) {
		json_u64(&out->json, "min_ns", s->model.min_ns);
		json_u64(&out->json, "slow", s->slow);
		if (s->slow) {
			json_object_begin(&out->json, "slowest");
			json_str(&out->json, "comm", s->slowest_comm);
			json_u64(&out->json, "pid", s->slowest.pid);
			json_str(&out->json, "file", s->slowest_name);
			json_u64(&out->json, "lat_ns", s->slowest.lat_ns);
			json_object_end(&out->json);
		}
	} else {
		fprintf(out->f, "%" PRIu64 " file operations slower than %s", s->slow,
			text_duration(s->model.min_ns, min, sizeof(min)));
		if (s->slow)
			fprintf(out->f, "; slowest: %s (%u) %s %s %s",
				text_safe(s->slowest_comm, comm, sizeof(comm)), s->slowest.pid,
				op_text(s->slowest.op, op, sizeof(op)),
				text_duration(s->slowest.lat_ns, lat, sizeof(lat)),
				text_safe(s->slowest_name, s->safe, sizeof(s->safe)));
	}
	headline_end(vr, out);
}

static int fsslower_text_row(void *ctx, const struct fsslower_row *row)
{
	struct fsslower_view *s = ctx;
	char comm[TEXT_COMM_SIZE], op[8];

	view_time(s->clock, s->out, s->out->f, row->ts_ns);
	fprintf(s->out->f, "%-14.14s %-6u %s %-7lld %-8llu %7.2f %s\n",
		text_safe(row->comm, comm, sizeof(comm)), row->pid, op_text(row->op, op, sizeof(op)),
		(long long)row->bytes, (unsigned long long)(row->offset / 1024),
		(double)row->lat_ns / 1e6,
		text_safe(row->name, s->safe, sizeof(s->safe)));
	return 0;
}

static int fsslower_json_row(void *ctx, const struct fsslower_row *row)
{
	struct fsslower_view *s = ctx;
	struct json *j = &s->out->json;
	char op[2] = { row->op, 0 };

	json_object_begin(j, NULL);
	json_double(j, "time_s", trace_seconds(s->out->tf->r, row->ts_ns),
		    6);
	json_str(j, "comm", row->comm);
	json_u64(j, "pid", row->pid);
	view_json_args(s->out, row->pid);
	json_str(j, "type", op);
	json_s64(j, "bytes", row->bytes);
	json_u64(j, "offset", row->offset);
	json_double(j, "lat_ms", (double)row->lat_ns / 1e6, 6);
	json_str(j, "fstype", row->fstype);
	json_str(j, "file", row->name);
	json_object_end(j);
	return 0;
}

static int fsslower_parse(struct view_run *vr, int argc, char **argv, const char *fstype)
{
	struct fsslower_view *s = ebr_calloc(1, sizeof(*s));
	double ms = 10;
	char *end;
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	vr->an = (struct analyzer){ fsslower_on_event, &s->model, FSSLOWER_TYPES };
	s->model.who = *vr->who;
	s->model.fstype = fstype;
	s->clock = &vr->clock;
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, fstype ? "m:T" : "m:t:T", NULL)) != -1) {
		switch (c) {
		case 'm':
			ms = strtod(optarg, &end);
			if (*end || end == optarg || !(ms >= 0) || ms > 3.6e6)
				return view_usage_error(vr->view, "-m needs milliseconds, not", optarg);
			break;
		case 't':
			s->model.fstype = optarg;
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	s->model.min_ns = (uint64_t)(ms * 1e6);
	return view_opts_end(vr->view, argc, argv);
}

static int fsslower_setup(struct view_run *vr, int argc, char **argv)
{
	return fsslower_parse(vr, argc, argv, NULL);
}

static int ext4slower_setup(struct view_run *vr, int argc, char **argv)
{
	return fsslower_parse(vr, argc, argv, "ext4");
}

/* --sort/--limit */
VIEW_ROW_HELD(fsslower_held_row, struct fsslower_view, struct fsslower_row, fsslower_json_row,
	      fsslower_text_row)

static void fsslower_begin(struct view_run *vr, struct report_out *out)
{
	struct fsslower_view *s = vr->state;
	enum row_sink sink;

	s->model.ctx = s;
	sink = view_rows_begin(vr, out, &s->out);
	s->model.emit = ROW_SINK_PICK(sink, fsslower_count_row, fsslower_json_row,
				      fsslower_text_row, fsslower_held_row);
	if (sink == ROW_SINK_TALLY || out->format == FORMAT_JSON)
		return;
	view_time_head(s->clock, out->f);
	fprintf(out->f, "%-14s %-6s %1s %-7s %-8s %7s %s\n", "COMM", "PID", "T", "BYTES", "OFF_KB",
		"LAT(ms)", "FILENAME");
}

/* what the kernel filtered out, so that a short list is not misread */
static void fsslower_json_tail(struct view_run *vr, struct json *j)
{
	const char *rec_min = ebr_reader_meta(vr->out->tf->r, "file.min_us");

	json_str(j, "recorded_fs", ebr_reader_meta(vr->out->tf->r, "file.fs"));
	json_u64(j, "recorded_min_us", rec_min ? strtoull(rec_min, NULL, 10) : 0);
	json_bool(j, "recorded_slow_io", file_slow_io_recorded(vr->out->tf->r));
}

static void fsslower_text_tail(struct view_run *vr, FILE *f)
{
	const struct fsslower_view *s = vr->state;
	const char *rec_min = ebr_reader_meta(vr->out->tf->r, "file.min_us");
	const char *rec_fs = ebr_reader_meta(vr->out->tf->r, "file.fs");
	char safe[64];

	if (!file_slow_io_recorded(vr->out->tf->r))
		fprintf(f, "note: recorded without -e: reads, writes and syncs were not traced, "
			   "only opens are listed; record with '-e file' to see them\n");
	if (rec_min && strtoull(rec_min, NULL, 10) * 1000 > s->model.min_ns)
		fprintf(f, "note: recorded with --min-us %s: faster reads, writes and syncs "
			   "are not in this trace, and faster opens were recorded without their "
			   "file system\n", text_safe(rec_min, safe, sizeof(safe)));
	if (rec_fs && *rec_fs)
		fprintf(f, "note: recorded with --fs %s: slow operations on other file systems "
			   "are not in this trace\n", text_safe(rec_fs, safe, sizeof(safe)));
}

const struct view view_fsslower = {
	.name = "fsslower",
	.family = "file",
	.kind = VIEW_LISTING,
	.html_args = "",
	.summary = "reads, writes, opens and syncs of files slower than a threshold",
	.usage = "-m MS (minimum latency, default 10) -t FSTYPE (ext4, xfs, btrfs...; default: "
		 "file systems on a block device) " VIEW_CLOCK_USAGE VIEW_ROWS_USAGE,
	.sort_keys = "lat_ms bytes offset time_s pid comm file",
	.setup = fsslower_setup,
	.begin = fsslower_begin,
	.end = view_rows_finish,
	.json_tail = fsslower_json_tail,
	.text_tail = fsslower_text_tail,
	.release = view_free_state,
	.headline = fsslower_headline,
};

const struct view view_ext4slower = {
	.name = "ext4slower",
	.family = "file",
	.kind = VIEW_LISTING,
	.summary = "fsslower -t ext4",
	.usage = "-m MS (minimum latency, default 10) " VIEW_CLOCK_USAGE
		 VIEW_ROWS_USAGE,
	.sort_keys = "lat_ms bytes offset time_s pid comm file",
	.setup = ext4slower_setup,
	.begin = fsslower_begin,
	.end = view_rows_finish,
	.json_tail = fsslower_json_tail,
	.text_tail = fsslower_text_tail,
	.release = view_free_state,
};

/* ------------------------------------------------------------ cachestat */

struct cachestat_view {
	struct cachestat model;
	const struct view_clock *clock;
};

static int cachestat_setup(struct view_run *vr, int argc, char **argv)
{
	struct cachestat_view *s = ebr_calloc(1, sizeof(*s));
	double secs = 1;
	char *end;
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	vr->an = (struct analyzer){ cachestat_on_event, &s->model, CACHESTAT_TYPES };
	if (proc_filter_active(vr->who))
		fprintf(stderr, "ebrec report: cachestat counts the whole system's page cache: "
				"-p/--comm do not cut it, nor --cgroup/--container\n");
	s->clock = &vr->clock;
	view_opts_begin(vr);
	/* -T is view_getopt()'s */
	if ((c = view_getopt(argc, argv, "T", NULL)) != -1)
		return view_bad_option(vr->view, argv);
	if (optind < argc) {
		secs = strtod(argv[optind], &end);
		if (*end || end == argv[optind] || !(secs >= 1) || secs > 86400 ||
		    secs != (double)(long)secs)
			return view_usage_error(vr->view, "INTERVAL needs whole seconds, not",
						argv[optind]);
		optind++;
	}
	s->model.interval_ns = (uint64_t)secs * 1000000000ull;
	return view_opts_end(vr->view, argc, argv);
}

static void cachestat_end(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct cachestat_view *s = vr->state;
	const struct cachestat *c = &s->model;
	uint64_t hits, misses, dirties;
	double ratio;

	if (out->format == FORMAT_JSON) {
		struct json *j = &out->json;

		view_doc_begin(vr, out);
		json_double(j, "interval_s", (double)c->interval_ns / 1e9, 3);
		json_array_begin(j, "rows");
		for (uint32_t i = 0; i < c->len; i++) {
			cachestat_compute(&c->iv[i], &hits, &misses, &dirties, &ratio);
			json_object_begin(j, NULL);
			json_double(j, "time_s", ((double)c->iv[i].start_ns - (double)c->origin_ns) / 1e9,
				    3);
			json_u64(j, "hits", hits);
			json_u64(j, "misses", misses);
			json_u64(j, "dirties", dirties);
			json_double(j, "hit_ratio", ratio, 4);
			json_u64(j, "buffers_mb", c->iv[i].buffers_bytes >> 20);
			json_u64(j, "cached_mb", c->iv[i].cached_bytes >> 20);
			json_u64(j, "read_pages", c->iv[i].read_pages);
			json_u64(j, "fault_pages", c->iv[i].fault_pages);
			json_u64(j, "added_pages", c->iv[i].added_pages);
			json_object_end(j);
		}
		view_rows_finish(vr, out, ls);
		return;
	}
	view_time_head(s->clock, out->f);
	fprintf(out->f, "%8s %8s %8s %8s %12s %10s\n", "HITS", "MISSES", "DIRTIES", "HITRATIO",
		"BUFFERS_MB", "CACHED_MB");
	for (uint32_t i = 0; i < c->len; i++) {
		cachestat_compute(&c->iv[i], &hits, &misses, &dirties, &ratio);
		view_time(s->clock, out, out->f, c->iv[i].start_ns);
		fprintf(out->f, "%8llu %8llu %8llu %7.2f%% %12llu %10llu\n",
			(unsigned long long)hits, (unsigned long long)misses,
			(unsigned long long)dirties, ratio * 100,
			(unsigned long long)(c->iv[i].buffers_bytes >> 20),
			(unsigned long long)(c->iv[i].cached_bytes >> 20));
	}
	if (!c->len)
		fprintf(out->f, "no page-cache samples in this trace (record with -e file)\n");
	view_rows_finish(vr, out, ls);
}

static void cachestat_headline(struct view_run *vr, struct report_out *out,
			       const struct losses *ls)
{
	const struct cachestat *c = &((struct cachestat_view *)vr->state)->model;
	uint64_t hits, misses, dirties, all_hits = 0, all_misses = 0;
	double ratio;

	for (uint32_t i = 0; i < c->len; i++) {
		cachestat_compute(&c->iv[i], &hits, &misses, &dirties, &ratio);
		all_hits += hits;
		all_misses += misses;
	}
	ratio = all_hits + all_misses ? (double)all_hits / (double)(all_hits + all_misses) : 0;
	headline_begin(vr, out);
	if (out->format == FORMAT_JSON) {
		json_u64(&out->json, "hits", all_hits);
		json_u64(&out->json, "misses", all_misses);
		json_double(&out->json, "hit_ratio", ratio, 4);
	} else if (!c->len) {
		fprintf(out->f, "no page-cache samples");
	} else {
		fprintf(out->f, "page cache: %" PRIu64 " hits, %" PRIu64 " misses, hit ratio %.2f%% "
				"(the whole system)", all_hits, all_misses, ratio * 100);
	}
	headline_end(vr, out);
}

static void cachestat_release(struct view_run *vr)
{
	struct cachestat_view *s = vr->state;

	if (s)
		cachestat_release_model(&s->model);
	view_free_state(vr);
}

const struct view view_cachestat = {
	.name = "cachestat",
	.family = "file",
	.kind = VIEW_TABLE,
	.html_args = "",
	.summary = "page-cache hits, misses, dirtied pages and hit ratio per interval",
	.usage = "[INTERVAL] (seconds, default 1; counted from filemap and writeback "
		 "tracepoints: see FORMAT.md cache.stat) " VIEW_CLOCK_USAGE,
	.setup = cachestat_setup,
	.end = cachestat_end,
	.release = cachestat_release,
	.headline = cachestat_headline,
};

/* ------------------------------------------------------------ opentop, filetop */

static const struct top_column opentop_cols[] = {
	{ "OPENS", "opens", "opens", OPENTOP_OPENS, TOP_COUNT, 0 },
	{ "FAILED", "failed", "failed", OPENTOP_FAILED, TOP_COUNT, 0 },
};

static const struct top_table opentop_table = {
	.kind = TOP_OPEN,
	.cols = opentop_cols,
	.ncols = ARRAY_SIZE(opentop_cols),
	.sort = 0,
	.pid = false,
	.name_head = "PATH",
	.name_key = "path",
	.nothing = "no open in this trace",
};

static int opentop_setup(struct view_run *vr, int argc, char **argv)
{
	return top_view_setup(vr, argc, argv, &opentop_table);
}

const struct view view_opentop = {
	.name = "opentop",
	.family = "file",
	.kind = VIEW_TABLE,
	.paths = true,
	.html_args = "", /* the first 20 rows, bcc's default */
	.summary = "files by opens (and failed opens), whoever opened them, by absolute path",
	.usage = "-s KEY (sort by opens or failed; default opens) " TOP_VIEW_USAGE,
	.setup = opentop_setup,
	.begin = top_view_begin,
	.end = top_view_end,
	.json_tail = top_view_json_tail,
	.release = top_view_release,
};

static const struct top_column filetop_cols[] = {
	{ "OPENS", "opens", "opens", FILETOP_OPENS, TOP_COUNT, 0 },
	{ "READS", "reads", "reads", FILETOP_READS, TOP_COUNT, 0 },
	{ "WRITES", "writes", "writes", FILETOP_WRITES, TOP_COUNT, 0 },
	{ "R_Kb", "rbytes", "read_bytes", FILETOP_RBYTES, TOP_KB, 0 },
	{ "W_Kb", "wbytes", "write_bytes", FILETOP_WBYTES, TOP_KB, 0 },
	{ "R+W", "all", "reads_writes", FILETOP_OPS, TOP_COUNT, 0 },
};

static const struct top_table filetop_table = {
	.kind = TOP_FILE,
	.cols = filetop_cols,
	.ncols = ARRAY_SIZE(filetop_cols),
	.sort = 0,
	.pid = true,
	.name_head = "FILE",
	.name_key = "file",
	.nothing = "no open, read or write of a file in this trace",
};

static int filetop_setup(struct view_run *vr, int argc, char **argv)
{
	return top_view_setup(vr, argc, argv, &filetop_table);
}

const struct view view_filetop = {
	.name = "filetop",
	.family = "file",
	.kind = VIEW_TABLE,
	.paths = true, /* a file's name is its absolute path's last component */
	.html_args = "", /* the first 20 rows, bcc's default */
	.summary = "processes and files by opens, reads and writes (those the recording's --min-us "
		   "kept) and bytes",
	.usage = "-s KEY (sort by opens, reads, writes, rbytes, wbytes or all; default opens) "
		 TOP_VIEW_USAGE,
	.setup = filetop_setup,
	.begin = top_view_begin,
	.end = top_view_end,
	.json_tail = top_view_json_tail,
	.text_tail = top_view_text_tail,
	.release = top_view_release,
};
