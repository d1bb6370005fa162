// SPDX-License-Identifier: GPL-2.0-only
/* The block family's views: biolatency and biosnoop, in bcc's columns and units. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "format/array_size.h"
#include "analyze/block.h"
#include "report/json_models.h"
#include "report/text.h"
#include "report/top_table.h"
#include "report/view.h"
#include "format/mem.h"

/* ------------------------------------------------------------ biolatency */

/* --interval's value into *ns; 0 or the usage error (2) */
static int parse_interval(struct view_run *vr, const char *arg, uint64_t *ns)
{
	double secs;

	if (view_parse_seconds(arg, &secs))
		return view_usage_error(vr->view, "--interval needs seconds (1, 0.5, 500ms), not",
					arg);
	*ns = (uint64_t)(secs * 1e9);
	return 0;
}

static int biolatency_setup(struct view_run *vr, int argc, char **argv)
{
	enum { OPT_HEATMAP = 256 };
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "heatmap", no_argument, NULL, OPT_HEATMAP },
		{ 0 },
	};
	struct biolatency *b = ebr_calloc(1, sizeof(*b));
	int c, err;

	if (!b)
		return view_no_memory(vr->view);
	vr->state = b;
	vr->an = (struct analyzer){ biolatency_on_event, b, BIOLATENCY_TYPES };
	b->opts.who = *vr->who;
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, "mDFQ", longopts)) != -1) {
		switch (c) {
		case 'm':
			b->opts.millis = true;
			break;
		case 'D':
			b->opts.per_disk = true;
			break;
		case 'F':
			b->opts.per_flags = true;
			break;
		case 'Q':
			b->opts.queued = true;
			break;
		case 'i':
			err = parse_interval(vr, optarg, &b->opts.interval_ns);
			if (err)
				return err;
			break;
		case OPT_HEATMAP:
			b->opts.heatmap = true;
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	if (b->opts.interval_ns && (b->opts.per_disk || b->opts.per_flags))
		return view_usage_error(vr->view, "--interval shows all I/Os: not with", "-D/-F");
	return view_opts_end(vr->view, argc, argv);
}

static void biolatency_end(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct biolatency *b = vr->state;
	const char *unit = b->opts.millis ? "msecs" : "usecs";
	char disk[64], flags[512], safe[2048];
	struct block_req_names names;

	biolatency_sort(b);
	block_req_names_load(&names, out->tf->r);
	if (b->opts.interval_ns && out->format == FORMAT_JSON) {
		view_doc_begin(vr, out);
		json_str(&out->json, "unit", unit);
		json_bool(&out->json, "queued", b->opts.queued);
		if (b->opts.heatmap)
			json_heatmap(&out->json, &b->heat);
		json_latseries(&out->json, &b->series);
		view_rows_finish(vr, out, ls);
		return;
	}
	if (b->opts.interval_ns) {
		text_latseries(out->f, &b->series, b->opts.millis);
		if (b->opts.heatmap)
			text_heatmap(out->f, &b->heat);
		view_rows_finish(vr, out, ls);
		return;
	}
	if (out->format == FORMAT_JSON) {
		struct json *j = &out->json;

		view_doc_begin(vr, out);
		json_str(j, "unit", unit);
		json_bool(j, "queued", b->opts.queued);
		if (b->opts.heatmap)
			json_heatmap(j, &b->heat);
		json_array_begin(j, "histograms");
		for (uint32_t i = 0; i < b->ngroups; i++) {
			const struct biolatency_group *g = &b->groups[i];

			json_object_begin(j, NULL);
			if (b->opts.per_disk) {
				block_disk_name(out->tf->r, g->dev, disk, sizeof(disk));
				json_str(j, "disk", disk);
			}
			if (b->opts.per_flags) {
				block_flags_label(&names, g->flags, g->cmd_flags, flags, sizeof(flags));
				json_str(j, "flags", flags);
				json_u64(j, "cmd_flags", g->cmd_flags);
			}
			json_u64(j, "total", g->hist.total);
			json_log2_hist(j, "buckets", &g->hist);
			json_percentiles(j, &g->hist.ns);
			json_object_end(j);
		}
		view_rows_finish(vr, out, ls);
		return;
	}
	for (uint32_t i = 0; i < b->ngroups; i++) {
		const struct biolatency_group *g = &b->groups[i];

		if (b->opts.per_disk) {
			block_disk_name(out->tf->r, g->dev, disk, sizeof(disk));
			fprintf(out->f, "\ndisk = %s\t", text_safe(disk, safe, sizeof(safe)));
		}
		if (b->opts.per_flags) {
			block_flags_label(&names, g->flags, g->cmd_flags, flags, sizeof(flags));
			fprintf(out->f, "%sflags = %s", b->opts.per_disk ? "" : "\n",
				text_safe(flags, safe, sizeof(safe)));
		}
		if (b->opts.per_disk || b->opts.per_flags)
			fputc('\n', out->f);
		text_log2_hist(out->f, &g->hist, unit);
	}
	if (!b->ngroups)
		fprintf(out->f, "no block I/O in this trace\n");
	else if (b->opts.heatmap)
		text_heatmap(out->f, &b->heat);
	view_rows_finish(vr, out, ls);
}

static void biolatency_release(struct view_run *vr)
{
	struct biolatency *b = vr->state;

	if (b)
		biolatency_release_model(b);
	ebr_free(b);
}

static void biolatency_headline(struct view_run *vr, struct report_out *out,
				const struct losses *ls)
{
	struct biolatency *b = vr->state;
	static const struct quantiles none;

	/* the summary sets it up without -D or -F: one group */
	headline_begin(vr, out);
	headline_percentiles(out, b->ngroups ? &b->groups[0].hist.ns : &none, "I/Os");
	headline_end(vr, out);
}

const struct view view_biolatency = {
	.name = "biolatency",
	.family = "block",
	.kind = VIEW_HISTOGRAM,
	.html_args = "-D --heatmap",
	.summary = "block I/O latency as a log2 histogram",
	.usage = "-m (msecs) -D (per disk) -F (per flag set) -Q (include OS queue time) "
		 "--interval SECONDS (p50, p90, p99, max and count an interval) --heatmap (time x "
		 "latency)",
	.setup = biolatency_setup,
	.headline = biolatency_headline,
	.end = biolatency_end,
	.release = biolatency_release,
};

/* ------------------------------------------------------------ biosnoop */

struct biosnoop_view {
	struct biosnoop model;
	bool queue_column; /* -Q: QUE(ms), the time in the OS queue */
	const struct view_clock *clock;
	struct report_out *out;
	struct tally tally; /* the summary's: I/Os and bytes per process */
};

static int biosnoop_tally_row(void *ctx, const struct biosnoop_row *row)
{
	struct biosnoop_view *s = ctx;

	return tally_add(&s->tally, (uint32_t)row->pid, row->comm, row->bytes, false);
}

static void biosnoop_headline(struct view_run *vr, struct report_out *out,
			      const struct losses *ls)
{
	struct biosnoop_view *s = vr->state;
	char size[32];

	headline_begin(vr, out);
	if (out->format == FORMAT_JSON) {
		json_u64(&out->json, "ios", s->tally.rows);
		json_u64(&out->json, "bytes", s->tally.sum);
	} else
		fprintf(out->f, "%s in %" PRIu64 " I/Os", text_bytes(s->tally.sum, size, sizeof(size)),
			s->tally.rows);
	headline_top(out, &s->tally, "top submitters", "ios", HEADLINE_SUM_BYTES);
	headline_end(vr, out);
}

static void biosnoop_release(struct view_run *vr)
{
	struct biosnoop_view *s = vr->state;

	if (s)
		tally_release(&s->tally);
	view_free_state(vr);
}

static int biosnoop_text_row(void *ctx, const struct biosnoop_row *row)
{
	struct biosnoop_view *s = ctx;
	FILE *f = s->out->f;
	char comm[TEXT_COMM_SIZE], disk[80];

	view_time(s->clock, s->out, f, row->ts_ns);
	fprintf(f, "%-14.14s %-7llu %-7s %-4s %-10llu %-7llu ",
		text_safe(row->comm, comm, sizeof(comm)), (unsigned long long)row->pid,
		text_safe(row->disk, disk, sizeof(disk)), row->rwbs,
		(unsigned long long)row->sector, (unsigned long long)row->bytes);
	if (s->queue_column)
		fprintf(f, "%7.3f ", (double)row->queue_ns / 1e6);
	fprintf(f, "%7.3f\n", (double)row->lat_ns / 1e6);
	return 0;
}

static int biosnoop_json_row(void *ctx, const struct biosnoop_row *row)
{
	struct biosnoop_view *s = ctx;
	struct json *j = &s->out->json;

	json_object_begin(j, NULL);
	json_double(j, "time_s", trace_seconds(s->out->tf->r, row->ts_ns), 6);
	json_str(j, "comm", row->comm);
	json_u64(j, "pid", row->pid);
	view_json_args(s->out, (uint32_t)row->pid);
	json_str(j, "disk", row->disk);
	json_str(j, "rwbs", row->rwbs);
	json_u64(j, "sector", row->sector);
	json_u64(j, "bytes", row->bytes);
	json_double(j, "queue_ms", (double)row->queue_ns / 1e6, 6);
	json_double(j, "lat_ms", (double)row->lat_ns / 1e6, 6);
	json_s64(j, "error", row->error);
	json_object_end(j);
	return 0;
}

static int biosnoop_setup(struct view_run *vr, int argc, char **argv)
{
	struct biosnoop_view *s = ebr_calloc(1, sizeof(*s));
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	vr->an = (struct analyzer){ biosnoop_on_event, &s->model, BIOSNOOP_TYPES };
	s->model.who = *vr->who;
	s->clock = &vr->clock;
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, "QTd:", NULL)) != -1) {
		switch (c) {
		case 'Q':
			s->queue_column = true;
			break;
		case 'd':
			s->model.disk = optarg;
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	return view_opts_end(vr->view, argc, argv);
}

/* --sort/--limit */
VIEW_ROW_HELD(biosnoop_held_row, struct biosnoop_view, struct biosnoop_row, biosnoop_json_row,
	      biosnoop_text_row)

static void biosnoop_begin(struct view_run *vr, struct report_out *out)
{
	struct biosnoop_view *s = vr->state;
	enum row_sink sink;

	s->model.ctx = s;
	sink = view_rows_begin(vr, out, &s->out);
	s->model.emit = ROW_SINK_PICK(sink, biosnoop_tally_row, biosnoop_json_row,
				      biosnoop_text_row, biosnoop_held_row);
	if (sink == ROW_SINK_TALLY || out->format == FORMAT_JSON)
		return;
	view_time_head(s->clock, out->f);
	fprintf(out->f, "%-14s %-7s %-7s %-4s %-10s %-7s ", "COMM", "PID", "DISK", "T", "SECTOR",
		"BYTES");
	if (s->queue_column)
		fprintf(out->f, "%7s ", "QUE(ms)");
	fprintf(out->f, "%7s\n", "LAT(ms)");
}

const struct view view_biosnoop = {
	.name = "biosnoop",
	.family = "block",
	.kind = VIEW_LISTING,
	.html_args = "",
	.summary = "every block I/O: process, disk, type, sector, size and latency",
	.usage = "-Q (a QUE(ms) column: time queued in the OS before the device) -d DISK (only this "
		 "disk) " VIEW_CLOCK_USAGE VIEW_ROWS_USAGE,
	.sort_keys = "lat_ms queue_ms bytes sector time_s pid comm disk rwbs",
	.setup = biosnoop_setup,
	.begin = biosnoop_begin,
	.end = view_rows_finish,
	.release = biosnoop_release,
	.headline = biosnoop_headline,
};

/* ------------------------------------------------------------ biotop */

static const struct top_column biotop_cols[] = {
	{ "I/O", "ios", "ios", BIOTOP_IOS, TOP_COUNT, 0 },
	{ "READS", "reads", "reads", BIOTOP_READS, TOP_COUNT, 0 },
	{ "WRITES", "writes", "writes", BIOTOP_WRITES, TOP_COUNT, 0 },
	{ "Kbytes", "bytes", "bytes", BIOTOP_BYTES, TOP_KB, 0 },
	{ "TIME(ms)", "time", "lat_ns", BIOTOP_LAT_NS, TOP_MS, 0 },
	{ "AVGms", "avg", "avg_ms", BIOTOP_LAT_NS, TOP_MEAN_MS, BIOTOP_IOS },
};

static const struct top_table biotop_table = {
	.kind = TOP_BIO,
	.cols = biotop_cols,
	.ncols = ARRAY_SIZE(biotop_cols),
	.sort = 0,
	.pid = true,
	.name_head = "DISK",
	.name_key = "disk",
	.nothing = "no block I/O in this trace",
};

static int biotop_setup(struct view_run *vr, int argc, char **argv)
{
	return top_view_setup(vr, argc, argv, &biotop_table);
}

const struct view view_biotop = {
	.name = "biotop",
	.family = "block",
	.kind = VIEW_TABLE,
	.html_args = "", /* the first 20 rows, bcc's default */
	.summary = "processes by block I/O: I/Os, reads, writes, bytes and device time per disk",
	.usage = "-s KEY (sort by ios, reads, writes, bytes, time or avg; default ios) "
		 TOP_VIEW_USAGE,
	.setup = biotop_setup,
	.begin = top_view_begin,
	.end = top_view_end,
	.json_tail = top_view_json_tail,
	.release = top_view_release,
};
