/* SPDX-License-Identifier: GPL-2.0-only */
/* The models several views share, as JSON (the keys are docs/JSON.md's). */
#ifndef EBREC_REPORT_JSON_MODELS_H
#define EBREC_REPORT_JSON_MODELS_H

#include "analyze/heatmap.h"
#include "analyze/hist.h"
#include "analyze/latseries.h"
#include "analyze/losses.h"
#include "format/ebr.h"
#include "report/json.h"

/* "key": [{low, high, count}...] up to the last used slot */
void json_log2_hist(struct json *j, const char *key, const struct log2_hist *h);
/* "percentiles": {min_ns, mean_ns, p50_ns, p90_ns, p99_ns, p999_ns, max_ns} */
void json_percentiles(struct json *j, const struct quantiles *q);
/*
 * "interval_s" and "intervals": [{time_s, count, p50_ns, p90_ns, p99_ns, max_ns}...], the
 * array left open for view_rows_finish() to close
 */
void json_latseries(struct json *j, const struct latseries *s);
/*
 * "heatmap": {"column_s", "first_row", "columns": [[count of row first_row, ...], ...]}: row r
 * counts latencies in [2^r, 2^(r+1)) ns, the rows from the lowest to the highest used.
 */
void json_heatmap(struct json *j, const struct heatmap *h);
/* "losses": the family's counts and the windows they were lost in */
void json_losses(struct json *j, const struct ebr_reader *r, const struct probe_losses *l);
/* the same object under another key (diff: "before", "after") */
void json_losses_as(struct json *j, const char *key, const struct ebr_reader *r,
		    const struct probe_losses *l);
/*
 * "fields": {name: value...} of ev, an event of schema entry ti, decoded through the file's
 * schema (bytes and stacks as arrays of numbers); fields whose name starts with skip_prefix
 * (when not NULL) left out.
 */
void json_event_fields(struct json *j, const struct ebr_reader *r, uint32_t ti,
		       const struct ebr_event *ev, const char *skip_prefix);

#endif
