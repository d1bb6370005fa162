// SPDX-License-Identifier: GPL-2.0-only
/*
 * The summary's headlines (`ebrec report FILE` without a view): one line a view, the few
 * numbers that say whether the view is worth opening, and the command that opens it.
 */
#include <inttypes.h>
#include <string.h>
#include "report/json_models.h"
#include "report/text.h"
#include "report/view.h"

#define HEADLINE_TOP 3

void headline_begin(struct view_run *vr, struct report_out *out)
{
	if (out->format == FORMAT_JSON) {
		char cmd[4096];

		snprintf(cmd, sizeof(cmd), "ebrec report %s %s", out->tf->path, vr->view->name);
		json_object_begin(&out->json, NULL);
		json_str(&out->json, "view", vr->view->name);
		json_str(&out->json, "command", cmd);
		if (out->json.tag_key) /* --by-host, as view_doc_begin() */
			json_str(&out->json, out->json.tag_key, out->json.tag_val);
		return;
	}
	fprintf(out->f, "%-11s ", vr->view->name);
}

void headline_end(struct view_run *vr, struct report_out *out)
{
	char safe[256];

	if (out->format == FORMAT_JSON) {
		json_object_end(&out->json);
		return;
	}
	fprintf(out->f, "\n%-11s more: ebrec report %s %s\n", "",
		text_safe(out->tf->path, safe, sizeof(safe)), vr->view->name);
}

void headline_percentiles(struct report_out *out, const struct quantiles *q, const char *what)
{
	char p50[32], p90[32], p99[32], max[32];

	if (out->format == FORMAT_JSON) {
		json_u64(&out->json, "count", q->count);
		json_percentiles(&out->json, q);
		return;
	}
	if (!q->count) {
		fprintf(out->f, "no %s", what);
		return;
	}
	fprintf(out->f, "%" PRIu64 " %s: p50 %s, p90 %s, p99 %s, max %s", q->count, what,
		text_duration(quantiles_value(q, 0.5), p50, sizeof(p50)),
		text_duration(quantiles_value(q, 0.9), p90, sizeof(p90)),
		text_duration(quantiles_value(q, 0.99), p99, sizeof(p99)),
		text_duration(q->max, max, sizeof(max)));
}

void headline_top(struct report_out *out, struct tally *t, const char *label, const char *unit,
		  enum headline_sum sum)
{
	char comm[TEXT_COMM_SIZE], size[32];

	tally_sort(t, sum != HEADLINE_NO_SUM);
	if (out->format == FORMAT_JSON) {
		json_array_begin(&out->json, "top");
		for (uint32_t i = 0; i < t->len && i < HEADLINE_TOP; i++) {
			json_object_begin(&out->json, NULL);
			json_u64(&out->json, "pid", t->procs[i].pid);
			json_str(&out->json, "comm", t->procs[i].comm);
			json_u64(&out->json, unit, t->procs[i].rows);
			if (sum == HEADLINE_SUM_BYTES)
				json_u64(&out->json, "bytes", t->procs[i].sum);
			json_object_end(&out->json);
		}
		json_array_end(&out->json);
		return;
	}
	if (!t->len)
		return;
	fprintf(out->f, "; %s:", label);
	for (uint32_t i = 0; i < t->len && i < HEADLINE_TOP; i++) {
		fprintf(out->f, "%s %s (%u) %" PRIu64 " %s", i ? "," : "",
			text_safe(t->procs[i].comm, comm, sizeof(comm)), t->procs[i].pid,
			t->procs[i].rows, unit);
		if (sum == HEADLINE_SUM_BYTES)
			fprintf(out->f, " %s", text_bytes(t->procs[i].sum, size, sizeof(size)));
	}
}

void headline_tally(struct view_run *vr, struct report_out *out, struct tally *t,
		    const char *what, const char *label)
{
	headline_begin(vr, out);
	if (out->format == FORMAT_JSON) {
		json_u64(&out->json, what, t->rows);
		json_u64(&out->json, "failed", t->flagged);
	} else {
		fprintf(out->f, "%" PRIu64 " %s, %" PRIu64 " failed", t->rows, what, t->flagged);
	}
	headline_top(out, t, label, what, HEADLINE_NO_SUM);
	headline_end(vr, out);
}

void headline_count(struct report_out *out, const char *key, uint64_t n, const char *text)
{
	if (out->format == FORMAT_JSON)
		json_u64(&out->json, key, n);
	else
		fprintf(out->f, text, n);
}
