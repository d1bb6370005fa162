/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text for a terminal: escaping what came from the traced system, times, sizes, and the
 * models several views share (bcc's log2 histogram, the loss line).
 */
#ifndef EBREC_REPORT_TEXT_H
#define EBREC_REPORT_TEXT_H

#include <stdint.h>
#include <stdio.h>
#include "analyze/heatmap.h"
#include "analyze/hist.h"
#include "analyze/latseries.h"
#include "analyze/losses.h"
#include "format/ebr.h"
#include "report/text_line.h"

/*
 * A copy of s fit for a terminal: control and non-UTF-8 bytes become \xNN, so a hostile
 * trace cannot send escape sequences to whoever reads its report.
 */
const char *text_safe(const char *s, char *buf, size_t len);
/* room for text_safe() of a thread name as the models keep it */
#define TEXT_COMM_SIZE TEXT_SAFE_SIZE(EBR_COMM_MAX)
/* s as XML/HTML text and attribute value: markup characters escaped, control and non-ASCII
 * bytes as '?' (so no encoding question arises) */
void markup_text(FILE *f, const char *s);
/* "2026-11-25 06:39:12 UTC" from META's decimal ns since the epoch, or "unknown" */
const char *text_utc(const char *realtime_ns, char *buf, size_t len);
/*
 * "HH:MM:SS" of a CLOCK_MONOTONIC time, through META's clock pair, at utc_offset_s east of UTC
 * (0: UTC); "--:--:--" without the pair.
 */
const char *text_hms(const struct ebr_reader *r, uint64_t mono_ns, long utc_offset_s, char *buf,
		     size_t len);
/*
 * "12.345678": ns as seconds with six decimals, the same text as printf("%.6f") of ns / 1e9
 * (a listing's TIME(s) column) at a tenth of its cost; returns the length, buf holds >= 24.
 */
size_t text_seconds6(uint64_t ns, char *buf);
/* "0", "2", "signal 9 (KILL)", "signal 11 (SEGV), core dumped": exitsnoop's EXIT_CODE */
const char *exit_code_text(uint64_t wait_status, char *out, size_t len);
/* "42.0 us", "1.25 ms"; "1.2 MiB" */
const char *text_duration(uint64_t ns, char *buf, size_t len);
const char *text_bytes(uint64_t n, char *buf, size_t len);
/* bcc's bar of val: width columns, '*' for val's share of val_max, '+' past it */
void text_stars(FILE *f, uint64_t val, uint64_t val_max, int width);
/* bcc's print_log2_hist(): the header line and one line per slot up to the last used one */
void text_log2_hist(FILE *f, const struct log2_hist *h, const char *unit);
/*
 * --interval: "TIME(s) COUNT P50 P90 P99 MAX" a line an interval, times in usecs (msecs
 * when millis), every interval from the first to the last
 */
void text_latseries(FILE *f, const struct latseries *s, bool millis);
/* The heat map as characters: a row a log2 range of latency (highest on top), a column a time
 * range, darker for more (" .:-=+*#%@", scaled to the busiest cell). */
void text_heatmap(FILE *f, const struct heatmap *h);
/* the loss line every view ends with, and when the events were lost */
void text_losses(FILE *f, const struct ebr_reader *r, const struct probe_losses *l);

#endif
