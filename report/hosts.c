// SPDX-License-Identifier: GPL-2.0-only
/* Traces of several hosts given to one report (report/hosts.h). */
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "format/ebr.h"
#include "format/mem.h"
#include "report/hosts.h"
#include "report/series.h"
#include "report/text.h"
#include "report/view.h"

/* The host's series f belongs to (same name, same boot), or NULL. */
static struct host_series *find_host(struct host_set *hs, const struct series_file *f,
				     uint32_t *same_name)
{
	const char *name = f->host ? f->host : "";

	*same_name = 0;
	for (uint32_t i = 0; i < hs->n; i++) {
		struct host_series *h = &hs->hosts[i];
		size_t len = strcspn(h->name, "#");

		if (strlen(name) != len || strncmp(h->name, name, len))
			continue;
		if (series_same_boot(h->boot_ns, f->boot_ns))
			return h;
		(*same_name)++;
	}
	return NULL;
}

static int add_path(struct host_series *h, const char *path)
{
	char **paths = ebr_malloc((h->npaths + 1) * sizeof(*paths));

	if (!paths)
		return EBR_E_NOMEM;
	if (h->npaths)
		memcpy(paths, h->paths, h->npaths * sizeof(*paths));
	ebr_free(h->paths);
	h->paths = paths;
	if (!(h->paths[h->npaths] = ebr_strdup(path)))
		return EBR_E_NOMEM;
	h->npaths++;
	return 0;
}

/* f, the next file of its host in time order, into hs. */
static int add_to_host(struct host_set *hs, uint32_t *cap, const struct series_file *f)
{
	uint32_t same_name;
	struct host_series *h = find_host(hs, f, &same_name);

	if (!h) {
		struct host_series *hosts = grow_array(hs->hosts, hs->n, cap, sizeof(*hosts));

		if (!hosts)
			return EBR_E_NOMEM;
		hs->hosts = hosts;
		h = &hosts[hs->n++];
		memset(h, 0, sizeof(*h));
		/* a host seen in another boot before: its boots are told apart by a number */
		snprintf(h->name, sizeof(h->name), same_name ? "%.100s#%u" : "%.100s",
			 f->host ? f->host : "", same_name + 1);
		h->boot_ns = f->boot_ns;
		h->start_real_ns = f->start_real_ns;
		h->offset_ns = (int64_t)(f->start_real_ns - f->start_mono_ns);
		h->aligned = f->start_real_ns && f->start_mono_ns;
	}
	if (f->end_real_ns && f->end_mono_ns && h->aligned) {
		int64_t end_offset = (int64_t)(f->end_real_ns - f->end_mono_ns);

		h->uncertainty_ns = end_offset > h->offset_ns ? (uint64_t)(end_offset - h->offset_ns)
							      : (uint64_t)(h->offset_ns - end_offset);
	}
	return add_path(h, f->path);
}

static int by_host_start(const void *a, const void *b)
{
	const struct host_series *x = a, *y = b;

	if (x->start_real_ns != y->start_real_ns)
		return x->start_real_ns < y->start_real_ns ? -1 : 1;
	return strcmp(x->name, y->name);
}

int host_set_split(struct host_set *hs, const char *cmd, char *const *paths, size_t npaths)
{
	struct trace_series all;
	uint32_t cap = 0;
	int err;

	memset(hs, 0, sizeof(*hs));
	err = series_list(&all, cmd, paths, npaths);
	for (uint32_t i = 0; i < all.nfiles && !err; i++)
		err = add_to_host(hs, &cap, &all.files[i]);
	series_close(&all);
	if (err == EBR_E_NOMEM) {
		fprintf(stderr, "ebrec %s: reading the traces: %s\n", cmd, trace_file_nomem());
		return 1;
	}
	if (err)
		return err;
	qsort(hs->hosts, hs->n, sizeof(*hs->hosts), by_host_start);
	for (uint32_t i = 0; i < hs->n; i++) {
		struct host_series *h = &hs->hosts[i], *first = &hs->hosts[0];

		if (h->start_real_ns && first->start_real_ns)
			h->after_first_ns = (int64_t)(h->start_real_ns - first->start_real_ns);
		/* at one instant, h's monotonic clock minus ahead_ns is the first host's */
		if (h->aligned && first->aligned && i) {
			h->ahead_ns = first->offset_ns - h->offset_ns;
			h->ahead_within_ns = h->uncertainty_ns + first->uncertainty_ns;
			h->ahead_known = true;
		}
	}
	return 0;
}

void host_heading(FILE *f, const struct host_series *h)
{
	char start[64], real[32], safe[256];

	snprintf(real, sizeof(real), "%llu", (unsigned long long)h->start_real_ns);
	fprintf(f, ">>> host %s: %u file%s, from %s, %.6f s after the first host's start; ",
		text_safe(h->name, safe, sizeof(safe)), h->npaths, h->npaths == 1 ? "" : "s",
		h->start_real_ns ? text_utc(real, start, sizeof(start)) : "an unknown time",
		(double)h->after_first_ns / 1e9);
	if (h->aligned)
		fprintf(f, "clock aligned within %.3f us (its realtime - monotonic offset moved "
			   "that much from start to end)", (double)h->uncertainty_ns / 1e3);
	if (h->ahead_known)
		fprintf(f, "; its monotonic clock %.9f s ahead of the first host's, within %.3f us",
			(double)h->ahead_ns / 1e9, (double)h->ahead_within_ns / 1e3);
	if (h->aligned)
		fputc('\n', f);
	else
		fprintf(f, "clock not aligned: its trace has no clock pair (META clock.start.*)\n");
}

void host_json(struct json *j, const struct host_series *h)
{
	json_str(j, "host", h->name);
	json_object_begin(j, "clock");
	json_u64(j, "start_realtime_ns", h->start_real_ns);
	json_double(j, "start_after_first_s", (double)h->after_first_ns / 1e9, 9);
	json_bool(j, "aligned", h->aligned);
	if (h->aligned) {
		json_s64(j, "realtime_minus_monotonic_ns", h->offset_ns);
		json_u64(j, "uncertainty_ns", h->uncertainty_ns);
		json_s64(j, "monotonic_ahead_of_first_ns", h->ahead_ns);
		json_u64(j, "monotonic_ahead_of_first_within_ns", h->ahead_within_ns);
	}
	json_object_end(j);
}

static int host_width(const struct host_set *hs)
{
	int width = 4; /* HOST */

	for (uint32_t i = 0; i < hs->n; i++)
		if ((int)strlen(hs->hosts[i].name) > width)
			width = (int)strlen(hs->hosts[i].name);
	return width;
}

/* "HOST  line": the line (up to its newline) after the host's name in the HOST column. */
static const char *host_line(FILE *f, int width, const struct host_series *h, const char *l,
			     int *err)
{
	const char *eol = strchrnul(l, '\n');
	char safe[256];

	text_safe(h->name, safe, sizeof(safe));
	/* a blank line of the view: the name alone, no trailing blanks */
	*err |= (eol == l ? fprintf(f, "%s\n", safe)
			  : fprintf(f, "%-*s %.*s\n", width, safe, (int)(eol - l), l)) < 0;
	return *eol ? eol + 1 : eol;
}

/* Any view but a listing: every line of each host's, a host after the other. */
static int host_lines(FILE *f, const struct host_set *hs, int width)
{
	int err = 0;

	for (uint32_t i = 0; i < hs->n; i++) {
		const char *l = hs->hosts[i].text.data;

		if (i && l && *l)
			err |= fputc('\n', f) == EOF;
		while (l && *l)
			l = host_line(f, width, &hs->hosts[i], l, &err);
	}
	return err ? -1 : 0;
}

int host_table(FILE *f, const struct host_set *hs, bool listing)
{
	int width = host_width(hs), err = 0;
	bool header = false;
	char safe[256];

	if (!listing)
		return host_lines(f, hs, width);
	for (uint32_t i = 0; i < hs->n; i++) {
		const char *l = hs->hosts[i].text.data, *eol;

		if (!l || !*l)
			continue;
		eol = strchrnul(l, '\n');
		if (!header)
			err |= fprintf(f, "%-*s %.*s\n", width, "HOST", (int)(eol - l), l) < 0;
		header = true;
		/* the rows: up to the blank line that ends every listing */
		for (l = *eol ? eol + 1 : eol; *l && *l != '\n';)
			l = host_line(f, width, &hs->hosts[i], l, &err);
	}
	for (uint32_t i = 0; i < hs->n; i++) {
		const char *l = hs->hosts[i].text.data;
		const char *tail = l ? strstr(l, "\n\n") : NULL;

		/* what follows the rows: the rows --limit left out, the tail, the losses */
		for (l = tail ? tail + 2 : NULL; l && *l;) {
			const char *eol = strchrnul(l, '\n');

			err |= fprintf(f, "%s%s: %.*s\n", l == tail + 2 ? "\n" : "",
				       text_safe(hs->hosts[i].name, safe, sizeof(safe)),
				       (int)(eol - l), l) < 0;
			l = *eol ? eol + 1 : eol;
		}
	}
	return err ? -1 : 0;
}

/* The headline of view in summary (its text after the view's padded name), or NULL. */
static const char *headline_of(const struct membuf *summary, const char *view, size_t *len)
{
	size_t n = strlen(view);

	for (const char *l = summary->data; l && *l;) {
		const char *eol = strchrnul(l, '\n');

		/* "VIEW        text": the name at the line's start, padded by spaces */
		if ((size_t)(eol - l) > n && !strncmp(l, view, n) && l[n] == ' ') {
			l += n + strspn(l + n, " ");
			*len = (size_t)(eol - l);
			return l;
		}
		l = *eol ? eol + 1 : eol;
	}
	return NULL;
}

int host_compare(FILE *f, const struct host_set *hs)
{
	int width = host_width(hs), err = 0;
	char safe[256];

	err |= fprintf(f, "\n>>> the hosts compared: each view's headline, a line a host\n") < 0;
	for (size_t v = 0; v < nviews; v++) {
		bool any = false;

		for (uint32_t i = 0; i < hs->n && !any; i++)
			any = views[v]->headline && headline_of(&hs->hosts[i].text, views[v]->name,
								&(size_t){ 0 });
		for (uint32_t i = 0; i < hs->n && any; i++) {
			size_t len = 0;
			const char *line = headline_of(&hs->hosts[i].text, views[v]->name, &len);

			err |= fprintf(f, "%-11s %-*s  %.*s\n", i ? "" : views[v]->name, width,
				       text_safe(hs->hosts[i].name, safe, sizeof(safe)),
				       line ? (int)len : (int)strlen("(none recorded)"),
				       line ? line : "(none recorded)") < 0;
		}
	}
	return err ? -1 : 0;
}

/*
 * The headline object of view in a host's JSON summary (headline_begin() starts it so), up to
 * its closing brace, or NULL. The summary is this writer's own JSON: braces inside strings
 * are the only ones to skip.
 */
static const char *headline_json(const struct membuf *summary, const char *view, size_t *len)
{
	char start[96];
	const char *obj, *p;
	bool in_string = false;
	int depth = 0;

	snprintf(start, sizeof(start), "{\"view\":\"%s\",\"command\":", view);
	obj = summary->data ? memmem(summary->data, summary->len, start, strlen(start)) : NULL;
	for (p = obj; p && p < summary->data + summary->len; p++) {
		if (in_string) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_string = false;
		} else if (*p == '"') {
			in_string = true;
		} else if (*p == '{') {
			depth++;
		} else if (*p == '}' && !--depth) {
			*len = (size_t)(p + 1 - obj);
			return obj;
		}
	}
	return NULL;
}

int host_compare_json(FILE *f, const struct host_set *hs)
{
	struct json j;

	json_init(&j, f);
	json_array_begin(&j, NULL);
	for (size_t v = 0; v < nviews; v++) {
		bool any = false;
		size_t len = 0;

		for (uint32_t i = 0; i < hs->n && !any; i++)
			any = views[v]->headline && headline_json(&hs->hosts[i].text, views[v]->name,
								   &len);
		if (!any)
			continue;
		json_object_begin(&j, NULL);
		json_str(&j, "view", views[v]->name);
		json_array_begin(&j, "hosts");
		for (uint32_t i = 0; i < hs->n; i++)
			json_str(&j, NULL, hs->hosts[i].name);
		json_array_end(&j);
		json_array_begin(&j, "headlines");
		for (uint32_t i = 0; i < hs->n; i++) {
			const char *obj = headline_json(&hs->hosts[i].text, views[v]->name, &len);

			json_raw(&j, obj ? obj : "null", obj ? len : 4);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	return fflush(f) || ferror(f) ? -1 : 0;
}

void host_set_release(struct host_set *hs)
{
	for (uint32_t i = 0; i < hs->n; i++) {
		ebr_free(hs->hosts[i].text.data);
		for (uint32_t p = 0; p < hs->hosts[i].npaths; p++)
			ebr_free(hs->hosts[i].paths[p]);
		ebr_free(hs->hosts[i].paths);
	}
	ebr_free(hs->hosts);
	memset(hs, 0, sizeof(*hs));
}
