// SPDX-License-Identifier: GPL-2.0-only
/* Text building blocks shared by the views: safe strings, bcc's histograms, the loss line. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "format/array_size.h"
#include "report/report.h"
#include "report/text_line.h"

void markup_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			fputc(*p < 0x20 || *p >= 0x7f ? '?' : *p, f);
		}
	}
}

const char *text_safe(const char *s, char *buf, size_t len)
{
	text_escape(s, buf, len);
	return buf;
}

static void stars(FILE *f, uint64_t val, uint64_t val_max, int width)
{
	int n = val_max ? (int)((val < val_max ? val : val_max) * (uint64_t)width / val_max) : 0;

	for (int i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', f);
	if (val > val_max)
		fputc('+', f);
}

void text_log2_hist(FILE *f, const struct log2_hist *h, const char *unit)
{
	int idx_max = -1;
	uint64_t val_max = 0;

	for (int i = 0; i < LOG2_HIST_SLOTS; i++) {
		if (h->slot[i])
			idx_max = i;
		if (h->slot[i] > val_max)
			val_max = h->slot[i];
	}
	if (idx_max < 0)
		return;
	fprintf(f, "%*s%-*s : count    distribution\n", idx_max <= 32 ? 5 : 15, "",
		idx_max <= 32 ? 19 : 29, unit);
	for (int i = 0; i <= idx_max; i++) {
		uint64_t low, high;

		log2_slot_bounds((unsigned)i, &low, &high);
		fprintf(f, "%*llu -> %-*llu : %-8llu |", idx_max <= 32 ? 10 : 20,
			(unsigned long long)low, idx_max <= 32 ? 10 : 20, (unsigned long long)high,
			(unsigned long long)h->slot[i]);
		stars(f, h->slot[i], val_max, idx_max <= 32 ? 40 : 20);
		fputs("|\n", f);
	}
}

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

#define TEXT_LISTED_WINDOWS 5

void text_losses(FILE *f, const struct ebr_reader *r, const struct probe_losses *l)
{
	uint64_t lost = probe_losses_total(l);
	uint32_t n = l->nwindows + l->more_windows;

	if (!lost) {
		fprintf(f, "%s events: %llu emitted, 0 lost\n", l->name,
			(unsigned long long)l->emitted);
		return;
	}
	fprintf(f,
		"%s events: %llu emitted, %llu LOST (ring buffer full %llu, unpaired in the kernel "
		"%llu, recorder queue full %llu): this view is incomplete\n",
		l->name, (unsigned long long)l->emitted, (unsigned long long)lost,
		(unsigned long long)l->lost_ringbuf, (unsigned long long)l->lost_map,
		(unsigned long long)l->lost_user);
	if (!n)
		return;
	fprintf(f, "  lost in %u window%s (seconds from the start):", n, n == 1 ? "" : "s");
	for (uint32_t i = 0; i < l->nwindows && i < TEXT_LISTED_WINDOWS; i++)
		fprintf(f, "%s %.1f-%.1f s: %llu", i ? "," : "",
			trace_seconds(r, l->windows[i].start_ns), trace_seconds(r, l->windows[i].end_ns),
			(unsigned long long)l->windows[i].lost);
	if (n > TEXT_LISTED_WINDOWS)
		fprintf(f, ", and %u more (--format json lists %u)", n - TEXT_LISTED_WINDOWS,
			l->nwindows);
	fputc('\n', f);
}

void json_losses(struct json *j, const struct ebr_reader *r, const struct probe_losses *l)
{
	json_object_begin(j, "losses");
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

const char *text_utc(const char *realtime_ns, char *buf, size_t len)
{
	char *end;
	unsigned long long ns = realtime_ns ? strtoull(realtime_ns, &end, 10) : 0;
	time_t secs = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!realtime_ns || *end || !gmtime_r(&secs, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "unknown");
	return buf;
}


const char *text_hms(const struct ebr_reader *r, uint64_t mono_ns, char *buf, size_t len)
{
	const char *real = ebr_reader_meta(r, "clock.start.realtime_ns");
	uint64_t start = trace_start_ns(r);
	time_t secs;
	struct tm tm;

	if (!real || !start) {
		snprintf(buf, len, "--:--:--");
		return buf;
	}
	secs = (time_t)((strtoull(real, NULL, 10) + (mono_ns - start)) / 1000000000ull);
	if (!gmtime_r(&secs, &tm) || !strftime(buf, len, "%H:%M:%S", &tm))
		snprintf(buf, len, "--:--:--");
	return buf;
}

const char *exit_code_text(uint64_t status, char *out, size_t len)
{
	unsigned sig = status & 0x7f;
	const char *name;

	if (!sig) {
		snprintf(out, len, "%u", (unsigned)((status >> 8) & 0xff));
		return out;
	}
	name = sigabbrev_np((int)sig);
	snprintf(out, len, "signal %u (%s)%s", sig, name ? name : "?",
		 status & 0x80 ? ", core dumped" : "");
	return out;
}
