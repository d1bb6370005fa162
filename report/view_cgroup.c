// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cgroups view: one row a cgroup v2 of the trace (or, --by-container, a container), with
 * what its processes did (analyze/cgroups.h); the summary's line names the busiest.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include "analyze/cgroups.h"
#include "report/text.h"
#include "report/view.h"
#include "format/mem.h"

#define CGROUPS_HEADLINE_TOP 3

struct cgroups_view {
	struct cgroup_usage_model model;
};

static int cgroups_setup(struct view_run *vr, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "by-container", no_argument, NULL, 'C' },
		{ 0 },
	};
	struct cgroups_view *s = ebr_calloc(1, sizeof(*s));
	int c;

	if (!s)
		return view_no_memory(vr->view);
	vr->state = s;
	s->model.who = *vr->who;
	vr->an = (struct analyzer){ cgroup_usage_on_event, &s->model,
				   CGROUP_USAGE_TYPES };
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, "", longopts)) != -1) {
		if (c != 'C')
			return view_bad_option(vr->view, argv);
		s->model.by_container = true;
	}
	return view_opts_end(vr->view, argc, argv);
}

static void cgroups_begin(struct view_run *vr, struct report_out *out)
{
	((struct cgroups_view *)vr->state)->model.procs = out->procs;
}

/* The row's cgroup: its path ("" unknown), id and container, from the process table. */
static const struct proc_cgroup *row_cgroup(const struct report_out *out,
					    const struct cgroup_usage *row)
{
	const struct proctable *t = out->procs;

	return row->cgroup && row->cgroup <= t->ncgroups ? &t->cgroups[row->cgroup - 1] : NULL;
}

static void row_json(const struct cgroup_usage_model *m, struct json *j,
		     const struct cgroup_usage *row, const struct proc_cgroup *c)
{
	json_object_begin(j, NULL);
	json_str(j, "container", c ? c->container : "");
	if (m->by_container) {
		json_u64(j, "cgroups", row->cgroups);
		json_str(j, "cgroup", c && row->key ? c->path : "");
	} else {
		json_str(j, "cgroup", c ? c->path : "");
		json_u64(j, "cgroup_id", c ? c->id : 0);
	}
	json_u64(j, "procs", row->procs);
	json_u64(j, "execs", row->execs);
	json_double(j, "cpu_ms", (double)row->cpu_ns / 1e6, 3);
	json_u64(j, "samples", row->samples);
	json_u64(j, "ios", row->ios);
	json_u64(j, "io_bytes", row->io_bytes);
	json_u64(j, "opens", row->opens);
	json_object_end(j);
}

/* 0, or EBR_E_NOMEM (nothing written) */
static int row_text(const struct cgroup_usage_model *m, FILE *f, const struct cgroup_usage *row,
		    const struct proc_cgroup *c)
{
	const char *path = c && c->path[0] ? c->path : "?";
	size_t cap = TEXT_SAFE_SIZE(strlen(path) + 1); /* text_escape() keeps a few bytes spare */
	char *safe = ebr_malloc(cap), cid[TEXT_SAFE_SIZE(EBR_CONTAINER_ID_LEN + 1)];

	if (!safe)
		return EBR_E_NOMEM;
	fprintf(f, "%-12s ", text_safe(c && c->container[0] ? c->container : "-", cid,
				       sizeof(cid)));
	if (m->by_container)
		fprintf(f, "%7" PRIu32 " ", row->cgroups);
	fprintf(f, "%6" PRIu64 " %6" PRIu64 " %10.1f %8" PRIu64 " %7" PRIu64 " %10" PRIu64
		   " %7" PRIu64 " %s\n", row->procs, row->execs, (double)row->cpu_ns / 1e6,
		row->samples, row->ios, row->io_bytes >> 10, row->opens,
		m->by_container && !row->key ? "(not in a container)" : text_safe(path, safe, cap));
	ebr_free(safe);
	return 0;
}

static void cgroups_end(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct cgroup_usage_model *m = &((struct cgroups_view *)vr->state)->model;
	struct report_out *rows;

	cgroup_usage_sort(m);
	if (view_rows_begin(vr, out, &rows) != ROW_SINK_TALLY && out->format != FORMAT_JSON)
		fprintf(out->f, "%-12s %s%6s %6s %10s %8s %7s %10s %7s %s\n", "CONTAINER",
			m->by_container ? "CGROUPS " : "", "PROCS", "EXECS", "CPU_MS", "SAMPLES",
			"IOS", "IO_KB", "OPENS", m->by_container ? "FIRST CGROUP" : "CGROUP");
	for (uint32_t i = 0; i < m->len; i++) {
		const struct proc_cgroup *c = row_cgroup(out, &m->rows[i]);
		int err = 0;

		view_row_begin(rows);
		if (view_row_json(rows))
			row_json(m, &rows->json, &m->rows[i], c);
		if (view_row_text(rows))
			err = row_text(m, rows->f, &m->rows[i], c);
		if (view_row_end(rows) || err) {
			fprintf(stderr, "ebrec report: cgroups: out of memory: the table is cut\n");
			out->failed = true;
			break;
		}
	}
	if (out->format == FORMAT_TEXT && !m->len)
		fprintf(rows->f, "no processes in this trace (record with -e proc)\n");
	view_rows_finish(vr, out, ls);
}

/* "12 cgroups (2 of containers); most CPU: /a 120.5 ms, ..." by the first measure it has */
static void cgroups_headline(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct cgroup_usage_model *m = &((struct cgroups_view *)vr->state)->model;
	const char *what = m->cpu ? "cpu_ms" : m->profile ? "samples" : m->block ? "io_bytes"
			 : m->file ? "opens" : "procs";
	uint64_t placed = 0, containers = 0, shown = 0;
	char safe[256], size[32], cid[TEXT_SAFE_SIZE(EBR_CONTAINER_ID_LEN + 1)];

	cgroup_usage_sort(m); /* by CPU, then samples, I/O, opens, processes: what "what" says */
	for (uint32_t i = 0; i < m->len; i++) {
		const struct proc_cgroup *c = row_cgroup(out, &m->rows[i]);

		placed += c != NULL;
		containers += c && c->container[0];
	}
	headline_begin(vr, out);
	headline_count(out, "cgroups", placed, "%" PRIu64 " cgroups");
	headline_count(out, "containers", containers, " (%" PRIu64 " of containers)");
	if (out->format == FORMAT_JSON) {
		json_str(&out->json, "by", what);
		json_array_begin(&out->json, "top");
	} else if (m->len) {
		fprintf(out->f, "; most %s:", m->cpu ? "CPU" : m->profile ? "samples" : m->block ?
				"I/O" : m->file ? "opens" : "processes");
	}
	for (uint32_t i = 0; i < m->len && shown < CGROUPS_HEADLINE_TOP; i++, shown++) {
		const struct cgroup_usage *row = &m->rows[i];
		const struct proc_cgroup *c = row_cgroup(out, row);
		const char *path = c && c->path[0] ? c->path : "?";

		if (out->format == FORMAT_JSON) {
			row_json(m, &out->json, row, c);
			continue;
		}
		fprintf(out->f, "%s %s", shown ? "," : "", text_safe(path, safe, sizeof(safe)));
		if (c && c->container[0])
			fprintf(out->f, " [%s]", text_safe(c->container, cid, sizeof(cid)));
		if (m->cpu)
			fprintf(out->f, " %s", text_duration(row->cpu_ns, size, sizeof(size)));
		else if (m->profile)
			fprintf(out->f, " %" PRIu64 " samples", row->samples);
		else if (m->block)
			fprintf(out->f, " %s", text_bytes(row->io_bytes, size, sizeof(size)));
		else if (m->file)
			fprintf(out->f, " %" PRIu64 " opens", row->opens);
		else
			fprintf(out->f, " %" PRIu64 " processes", row->procs);
	}
	if (out->format == FORMAT_JSON)
		json_array_end(&out->json);
	headline_end(vr, out);
}

static void cgroups_release(struct view_run *vr)
{
	struct cgroups_view *s = vr->state;

	if (s)
		cgroup_usage_release(&s->model);
	view_free_state(vr);
}

const struct view view_cgroups = {
	.name = "cgroups",
	.family = "proc",
	.kind = VIEW_TABLE,
	.html_args = "",
	.summary = "what each cgroup v2 (or container) did: processes, execs, CPU time, samples, "
		   "block I/O, opens",
	.usage = "--by-container (a row a container, and one for what runs outside any)"
		 VIEW_ROWS_USAGE,
	.sort_keys = "cpu_ms samples io_bytes ios opens procs execs cgroup container",
	.setup = cgroups_setup,
	.begin = cgroups_begin,
	.end = cgroups_end,
	.release = cgroups_release,
	.headline = cgroups_headline,
};
