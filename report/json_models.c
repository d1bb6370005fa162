// SPDX-License-Identifier: GPL-2.0-only
/* The shared models as JSON: histograms, percentiles, losses, events' fields (docs/JSON.md). */
#include <string.h>
#include "format/array_size.h"
#include "analyze/pass.h"
#include "report/json_models.h"

void json_percentiles(struct json *j, const struct quantiles *q)
{
	static const struct { const char *key; double share; } at[] = {
		{ "p50_ns", 0.5 }, { "p90_ns", 0.9 }, { "p99_ns", 0.99 }, { "p999_ns", 0.999 },
	};

	json_object_begin(j, "percentiles");
	json_u64(j, "min_ns", q->min);
	json_u64(j, "mean_ns", quantiles_mean(q));
	for (size_t i = 0; i < ARRAY_SIZE(at); i++)
		json_u64(j, at[i].key, quantiles_value(q, at[i].share));
	json_u64(j, "max_ns", q->max);
	json_object_end(j);
}

void json_log2_hist(struct json *j, const char *key, const struct log2_hist *h)
{
	int idx_max = -1;

	for (int i = 0; i < LOG2_HIST_SLOTS; i++)
		if (h->slot[i])
			idx_max = i;
	json_array_begin(j, key);
	for (int i = 0; i <= idx_max; i++) {
		uint64_t low, high;

		log2_slot_bounds((unsigned)i, &low, &high);
		json_object_begin(j, NULL);
		json_u64(j, "low", low);
		json_u64(j, "high", high);
		json_u64(j, "count", h->slot[i]);
		json_object_end(j);
	}
	json_array_end(j);
}

void json_losses(struct json *j, const struct ebr_reader *r, const struct probe_losses *l)
{
	json_losses_as(j, "losses", r, l);
}

void json_losses_as(struct json *j, const char *key, const struct ebr_reader *r,
		    const struct probe_losses *l)
{
	json_object_begin(j, key);
	json_str(j, "family", l->name);
	json_u64(j, "emitted", l->emitted);
	json_u64(j, "lost", probe_losses_total(l));
	json_u64(j, "lost_ringbuf", l->lost_ringbuf);
	json_u64(j, "lost_map", l->lost_map);
	json_u64(j, "lost_user", l->lost_user);
	json_array_begin(j, "windows");
	for (uint32_t i = 0; i < l->nwindows; i++) {
		json_object_begin(j, NULL);
		json_double(j, "start_s", trace_seconds(r, l->windows[i].start_ns), 3);
		json_double(j, "end_s", trace_seconds(r, l->windows[i].end_ns), 3);
		json_u64(j, "lost", l->windows[i].lost);
		json_object_end(j);
	}
	json_array_end(j);
	json_u64(j, "windows_not_listed", l->more_windows);
	json_object_end(j);
}

void json_latseries(struct json *j, const struct latseries *s)
{
	json_double(j, "interval_s", (double)s->interval_ns / 1e9, 3);
	json_array_begin(j, "series");
	for (uint32_t i = 0; i < s->len; i++) {
		const struct quantiles *q = &s->iv[i];

		json_object_begin(j, NULL);
		json_double(j, "time_s", (double)i * (double)s->interval_ns / 1e9, 3);
		json_u64(j, "count", q->count);
		json_u64(j, "p50_ns", quantiles_value(q, 0.5));
		json_u64(j, "p90_ns", quantiles_value(q, 0.9));
		json_u64(j, "p99_ns", quantiles_value(q, 0.99));
		json_u64(j, "max_ns", q->max);
		json_object_end(j);
	}
}

/* the rows any column uses: [*lo, *hi], or false when the map is empty */
static bool heatmap_rows(const struct heatmap *h, unsigned *lo, unsigned *hi)
{
	bool any = false;

	*lo = HEATMAP_ROWS;
	*hi = 0;
	for (uint32_t c = 0; c < h->ncolumns; c++)
		for (unsigned r = 0; r < HEATMAP_ROWS; r++)
			if (h->cells[c][r]) {
				any = true;
				*lo = r < *lo ? r : *lo;
				*hi = r > *hi ? r : *hi;
			}
	return any;
}

void json_heatmap(struct json *j, const struct heatmap *h)
{
	unsigned lo = 0, hi = 0;
	bool any = h->cells && heatmap_rows(h, &lo, &hi);

	json_object_begin(j, "heatmap");
	json_double(j, "column_s", (double)(h->column_ns ? h->column_ns : 1000000000ull) / 1e9, 3);
	json_u64(j, "first_row", any ? lo : 0);
	json_array_begin(j, "columns");
	for (uint32_t c = 0; any && c < h->ncolumns; c++) {
		json_array_begin(j, NULL);
		for (unsigned r = lo; r <= hi; r++)
			json_u64(j, NULL, h->cells[c][r]);
		json_array_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

void json_event_fields(struct json *j, const struct ebr_reader *r, uint32_t ti,
		       const struct ebr_event *ev, const char *skip_prefix)
{
	json_object_begin(j, "fields");
	for (uint32_t f = 0; f < ev->nraw; f++) {
		const struct ebr_value *v = &ev->raw[f];
		const char *fname = "?";
		enum ebr_kind kind = 0;

		ebr_reader_type_field(r, ti, f, &fname, &kind);
		if (skip_prefix && !strncmp(fname, skip_prefix, strlen(skip_prefix)))
			continue;
		switch (kind) {
		case EBR_KIND_S64:
			json_s64(j, fname, ebr_value_s64(v));
			break;
		case EBR_KIND_STR:
			json_strn(j, fname, v->s ? v->s : "", v->s ? v->len : 0);
			break;
		case EBR_KIND_BYTES:
			json_array_begin(j, fname);
			for (uint32_t i = 0; i < v->len; i++)
				json_u64(j, NULL, (unsigned char)v->s[i]);
			json_array_end(j);
			break;
		case EBR_KIND_STACK:
			json_array_begin(j, fname);
			for (uint32_t i = 0; i < v->len; i++)
				json_u64(j, NULL, v->frames[i]);
			json_array_end(j);
			break;
		default:
			json_u64(j, fname, v->u);
		}
	}
	json_object_end(j);
}
