// SPDX-License-Identifier: GPL-2.0-only
/* Text building blocks shared by the views: safe strings, times, sizes, bcc's histograms, the
 * loss line. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "format/array_size.h"
#include "analyze/pass.h"
#include "report/text.h"
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

void text_stars(FILE *f, uint64_t val, uint64_t val_max, int width)
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
		text_stars(f, h->slot[i], val_max, idx_max <= 32 ? 40 : 20);
		fputs("|\n", f);
	}
}

#define TEXT_LISTED_WINDOWS 5

void text_losses(FILE *f, const struct ebr_reader *r, const struct probe_losses *l)
{
	uint64_t lost = probe_losses_total(l);
	uint32_t n = l->nwindows + l->more_windows;
	char name[TEXT_SAFE_SIZE(sizeof(l->name))];

	/* a probe's name comes from the trace's META */
	text_safe(l->name, name, sizeof(name));
	if (!lost) {
		fprintf(f, "%s events: %llu emitted, 0 lost\n", name,
			(unsigned long long)l->emitted);
		return;
	}
	fprintf(f,
		"%s events: %llu emitted, %llu LOST (ring buffer full %llu, unpaired in the kernel "
		"%llu, recorder queue full %llu): this view is incomplete\n",
		name, (unsigned long long)l->emitted, (unsigned long long)lost,
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


const char *text_hms(const struct ebr_reader *r, uint64_t mono_ns, long utc_offset_s, char *buf,
		     size_t len)
{
	const char *real = ebr_reader_meta(r, "clock.start.realtime_ns");
	uint64_t start = trace_start_ns(r);
	time_t secs;
	struct tm tm;

	if (!real || !start) {
		snprintf(buf, len, "--:--:--");
		return buf;
	}
	secs = (time_t)((strtoull(real, NULL, 10) + (mono_ns - start)) / 1000000000ull) +
	       utc_offset_s;
	if (!gmtime_r(&secs, &tm) || !strftime(buf, len, "%H:%M:%S", &tm))
		snprintf(buf, len, "--:--:--");
	return buf;
}

size_t text_seconds6(uint64_t ns, char *buf)
{
	uint64_t us = ns / 1000, rest = ns % 1000, secs;
	uint32_t frac;
	char tmp[24];
	size_t n = sizeof(tmp), len;

	/*
	 * printf rounds the double nearest ns / 1e9, and for a value 500 ns from two microseconds
	 * that double may fall either side: let printf decide those, as the column always did.
	 */
	if (rest == 500)
		return (size_t)snprintf(buf, 24, "%.6f", (double)ns / 1e9);
	us += rest > 500;
	secs = us / 1000000;
	frac = (uint32_t)(us % 1000000);
	for (int i = 0; i < 3; i++, frac /= 100) {
		n -= 2;
		memcpy(tmp + n, text_digit_pairs + 2 * (frac % 100), 2);
	}
	tmp[--n] = '.';
	n -= text_decimal_back(secs, tmp + n);
	len = sizeof(tmp) - n;
	memcpy(buf, tmp + n, len);
	buf[len] = 0;
	return len;
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

const char *text_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.*f us", ns < 10000 ? 2 : 1, (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.*f ms", ns < 10000000 ? 2 : 1, (double)ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", (double)ns / 1e9);
	return buf;
}

const char *text_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", n);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

/* columns a terminal shows of a heat map: neighbours are added up to fit */
#define TEXT_HEATMAP_COLUMNS 100

void text_heatmap(FILE *f, const struct heatmap *h)
{
	static const char shades[] = " .:-=+*#%@";
	uint32_t k = h->ncolumns ? (h->ncolumns + TEXT_HEATMAP_COLUMNS - 1) / TEXT_HEATMAP_COLUMNS : 1;
	uint32_t ncols = (h->ncolumns + k - 1) / k;
	uint64_t top = 0, col[TEXT_HEATMAP_COLUMNS][HEATMAP_ROWS] = { { 0 } };
	unsigned lo = HEATMAP_ROWS, hi = 0;
	char low[32];

	for (uint32_t c = 0; h->cells && c < h->ncolumns; c++)
		for (unsigned r = 0; r < HEATMAP_ROWS; r++)
			col[c / k][r] += h->cells[c][r];
	for (uint32_t c = 0; c < ncols; c++)
		for (unsigned r = 0; r < HEATMAP_ROWS; r++)
			if (col[c][r]) {
				lo = r < lo ? r : lo;
				hi = r > hi ? r : hi;
				top = col[c][r] > top ? col[c][r] : top;
			}
	if (!top) {
		fprintf(f, "\nno latency to draw a heat map of\n");
		return;
	}
	fprintf(f, "\nheat map: a column %.3g s, a row from the latency shown to twice it; darker: "
		   "more (@ = %" PRIu64 ")\n", (double)(h->column_ns * k) / 1e9, top);
	for (unsigned r = hi + 1; r-- > lo;) {
		/* the row's range: [2^r, 2^(r+1)) ns */
		fprintf(f, "%10s |", text_duration((uint64_t)1 << r, low, sizeof(low)));
		for (uint32_t c = 0; c < ncols; c++) {
			/* any count shows: 1 of 10,000 is a dot, not a blank */
			unsigned s = col[c][r] ? 1 + (unsigned)(col[c][r] * 8 / top) : 0;

			fputc(shades[s], f);
		}
		fputs("|\n", f);
	}
	fprintf(f, "%10s  0 s%*s%.1f s\n", "", ncols > 10 ? (int)ncols - 8 : 1, "",
		(double)ncols * (double)(h->column_ns * k) / 1e9);
}

void text_latseries(FILE *f, const struct latseries *s, bool millis)
{
	double unit = millis ? 1e6 : 1e3;

	fprintf(f, "%-9s %10s %10s %10s %10s %10s   (%s)\n", "TIME(s)", "COUNT", "P50", "P90",
		"P99", "MAX", millis ? "msecs" : "usecs");
	for (uint32_t i = 0; i < s->len; i++) {
		const struct quantiles *q = &s->iv[i];

		fprintf(f, "%-9.3f %10" PRIu64 " %10.1f %10.1f %10.1f %10.1f\n",
			(double)i * (double)s->interval_ns / 1e9, q->count,
			(double)quantiles_value(q, 0.5) / unit, (double)quantiles_value(q, 0.9) / unit,
			(double)quantiles_value(q, 0.99) / unit, (double)q->max / unit);
	}
	if (s->dropped)
		fprintf(f, "%" PRIu64 " values after the first %u intervals not shown\n", s->dropped,
			LATSERIES_MAX_INTERVALS);
}
