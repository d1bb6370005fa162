// SPDX-License-Identifier: GPL-2.0-only
/*
 * An interactive flame graph as one SVG file (no external requests): hover shows a frame's
 * name and share, click zooms into it, Search highlights frames matching a regular
 * expression and says what share they hold. Names come from the traced system, so every one
 * is escaped for XML (and cut to ASCII: a broken UTF-8 sequence would make the file invalid).
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "analyze/stacktree.h"
#include "report/flamegraph.h"
#include "report/html.h"
#include "report/trace_file.h"
#include "report/text.h"
#include "report/utf8.h"
#include "format/mem.h"

#define FG_WIDTH 1200
#define FG_FRAME_H 16
#define FG_PAD_TOP 50
#define FG_PAD_BOTTOM 24
#define FG_PAD_SIDE 10
#define FG_MIN_PX 0.1 /* narrower frames are not drawn (FlameGraph's minwidth) */

/* A stable warm color per name (kernel frames in a cooler orange), as flame graphs use. */
static void frame_color(const char *name, bool kernel, char *out, size_t len)
{
	unsigned h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	if (kernel)
		snprintf(out, len, "rgb(%u,%u,%u)", 200 + h % 55, 120 + (h >> 8) % 60, 40 + (h >> 16) % 40);
	else
		snprintf(out, len, "rgb(%u,%u,%u)", 205 + h % 50, 60 + (h >> 8) % 130, 40 + (h >> 16) % 40);
}

/*
 * A differential graph's colours, as FlameGraph's flamegraph.pl draws difffolded.pl's output:
 * red where the later profile grew, blue where it shrank, deeper the bigger the change against
 * the biggest of the graph; white unchanged. The change of a node is its value less its
 * before scaled to the later profile's total (difffolded.pl -n), so that profiles of
 * different lengths compare by share, as perf diff compares them.
 */
struct diff_scale {
	double before_to_after; /* after's total / before's */
	double max_delta;
};

static double node_delta(const struct diff_scale *d, const struct stacktree_node *n)
{
	return (double)n->value - (double)n->before * d->before_to_after;
}

static void diff_color(const struct diff_scale *d, const struct stacktree_node *n, char *out,
		       size_t len)
{
	double delta = node_delta(d, n);
	unsigned r = 255, g = 255, b = 255, fade = 0;

	if (d->max_delta > 0)
		fade = (unsigned)(210 * (d->max_delta - (delta < 0 ? -delta : delta)) / d->max_delta);
	if (delta > 0.5)
		g = b = fade;
	else if (delta < -0.5)
		r = g = fade;
	snprintf(out, len, "rgb(%u,%u,%u)", r, g, b);
}

static void diff_scale_of(const struct stacktree *t, struct diff_scale *d)
{
	d->before_to_after = t->nnodes && t->nodes[0].before
				     ? (double)t->nodes[0].value / (double)t->nodes[0].before
				     : 0;
	d->max_delta = 0;
	for (uint32_t i = 1; i < t->nnodes; i++) {
		double delta = node_delta(d, &t->nodes[i]);

		if (delta < 0)
			delta = -delta;
		if (delta > d->max_delta)
			d->max_delta = delta;
	}
}

/* A frame's tooltip: "name (N unit, ...%)", or for a differential graph both values. */
static void frame_title(FILE *f, const struct stacktree *t, const struct stacktree_node *n,
			const struct diff_scale *d, const char *unit)
{
	uint64_t total = t->nodes[0].value, before_total = t->nodes[0].before;
	double share = total ? 100.0 * (double)n->value / (double)total : 0;
	double was = before_total ? 100.0 * (double)n->before / (double)before_total : 0;

	markup_text(f, n->name);
	if (!d) {
		fprintf(f, " (%llu %s, %.2f%%)", (unsigned long long)n->value, unit, share);
		return;
	}
	fprintf(f, " (before %llu %s, %.2f%%; after %llu %s, %.2f%%; %+.2f%%)",
		(unsigned long long)n->before, unit, was, (unsigned long long)n->value, unit, share,
		share - was);
}

static int write_graph(const char *cmd, const char *path, const struct stacktree *t,
		       const char *title, const char *unit, const struct diff_scale *diff)
{
	double width = FG_WIDTH - 2 * FG_PAD_SIDE;
	unsigned height = FG_PAD_TOP + FG_PAD_BOTTOM + (t->max_depth + 1) * FG_FRAME_H;
	uint64_t total = t->nnodes ? t->nodes[0].value : 0;
	/* each node's left edge, as a fraction: a child starts where its earlier siblings end */
	double *x = ebr_calloc(t->nnodes ? t->nnodes : 1, sizeof(*x));
	FILE *f;
	int err;

	if (!x) {
		fprintf(stderr, "ebrec %s: drawing %s: %s\n", cmd, path, trace_file_nomem());
		return 1;
	}
	f = fopen(path, "we");
	if (!f) {
		fprintf(stderr, "ebrec %s: cannot create %s: %s\n", cmd, path, strerror(errno));
		ebr_free(x);
		return 1;
	}
	fprintf(f, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		   "<svg version=\"1.1\" width=\"%d\" height=\"%u\" viewBox=\"0 0 %d %u\" "
		   "data-w=\"%.1f\" data-pad=\"%d\" onload=\"init(evt)\" "
		   "xmlns=\"http://www.w3.org/2000/svg\">\n",
		FG_WIDTH, height, FG_WIDTH, height, width, FG_PAD_SIDE);
	fputs("<style>text { font: 12px Verdana, sans-serif; fill: #000; } g.f:hover rect { "
	      "stroke: #000; stroke-width: 0.5; cursor: pointer; } #title { font-size: 17px; "
	      "text-anchor: middle; } .btn { cursor: pointer; }</style>\n",
	      f);
	fprintf(f, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n", html_flamegraph_js);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%u\" fill=\"#f8f8f0\"/>\n",
		FG_WIDTH, height);
	fprintf(f, "<text id=\"title\" x=\"%d\" y=\"24\">", FG_WIDTH / 2);
	markup_text(f, title);
	fputs("</text>\n", f);
	fprintf(f, "<text id=\"unzoom\" class=\"btn\" x=\"%d\" y=\"24\" style=\"opacity:0\" "
		   "onclick=\"unzoom()\">Reset Zoom</text>\n", FG_PAD_SIDE);
	fprintf(f, "<text id=\"search\" class=\"btn\" x=\"%d\" y=\"24\" onclick=\"search_prompt()\">"
		   "Search</text>\n", FG_WIDTH - FG_PAD_SIDE - 60);
	fprintf(f, "<text id=\"matched\" x=\"%d\" y=\"%u\"> </text>\n", FG_WIDTH - FG_PAD_SIDE - 160,
		height - 6);
	fprintf(f, "<text id=\"details\" x=\"%d\" y=\"%u\"> </text>\n<g id=\"frames\">\n",
		FG_PAD_SIDE, height - 6);
	/* nodes come parent before child: each child's x is known when it is reached */
	for (uint32_t i = 0; i < t->nnodes; i++) {
		const struct stacktree_node *n = &t->nodes[i];
		double w = total ? (double)n->value / (double)total : 0, cx = x[i];
		unsigned y = height - FG_PAD_BOTTOM - (n->depth + 1) * FG_FRAME_H;
		char color[32];

		for (uint32_t c = n->first_child; c; c = t->nodes[c - 1].next_sibling) {
			x[c - 1] = cx;
			cx += total ? (double)t->nodes[c - 1].value / (double)total : 0;
		}
		if (w * width < FG_MIN_PX)
			continue;
		if (diff)
			diff_color(diff, n, color, sizeof(color));
		else
			frame_color(n->name, n->kernel, color, sizeof(color));
		fprintf(f, "<g class=\"f\" data-x=\"%.9f\" data-w=\"%.9f\" data-d=\"%u\" "
			   "data-v=\"%llu\"><title>",
			x[i], w, n->depth, (unsigned long long)n->value);
		frame_title(f, t, n, diff, unit);
		fprintf(f, "</title><rect x=\"%.1f\" y=\"%u\" width=\"%.1f\" "
			   "height=\"%d\" fill=\"%s\" rx=\"2\"/><text x=\"%.1f\" y=\"%u\"></text></g>\n",
			FG_PAD_SIDE + x[i] * width, y, w * width, FG_FRAME_H - 1,
			i ? color : "rgb(220,220,220)", FG_PAD_SIDE + x[i] * width + 3, y + 12);
	}
	fputs("</g>\n</svg>\n", f);
	ebr_free(x);
	err = ferror(f);
	if (fclose(f) != 0 || err) {
		fprintf(stderr, "ebrec %s: writing %s failed: %s\n", cmd, path, strerror(errno));
		return 1;
	}
	return 0;
}

int flamegraph_write(const char *path, const struct stacktree *t, const char *title,
		     const char *unit)
{
	return write_graph("report", path, t, title, unit, NULL);
}

int flamegraph_write_diff(const char *path, const struct stacktree *t, const char *title,
			  const char *unit)
{
	struct diff_scale d;

	diff_scale_of(t, &d);
	return write_graph("diff", path, t, title, unit, &d);
}

/*
 * A name in a folded line: ';' separates frames, so it reads ':'; controls (C0, DEL, C1 and
 * bidi ones, in UTF-8 or not) and bytes that are not UTF-8 (a lone 0x9b is an 8-bit CSI)
 * read '?', so the line is plain text for a terminal and for flamegraph.pl.
 */
void folded_name(FILE *f, const char *s)
{
	folded_name_n(f, s, strlen(s));
}

void folded_name_n(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_seq(p + i, n - i, &cp);

		if (!len || cp < 0x20 || cp == 0x7f || utf8_is_control(cp))
			fputc('?', f);
		else if (cp == ';')
			fputc(':', f);
		else
			fwrite(p + i, 1, len, f);
		i += len ? len : 1;
	}
}
