// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include "analyze/pass.h"
#include "report/hmac_sha256.h"
#include "report/html.h"
#include "report/json_models.h"
#include "report/text.h"
#include "report/view.h"

/* 'sha256-BASE64' of s, for the Content-Security-Policy: only this exact script/style runs. */
static void csp_hash(const char *s, char *out, size_t len)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char d[SHA256_BYTES];
	struct sha256 h;
	size_t o = 0;

	sha256_init(&h);
	sha256_update(&h, s, strlen(s));
	sha256_final(&h, d);
	o += (size_t)snprintf(out, len, "'sha256-");
	for (size_t i = 0; i < SHA256_BYTES && o + 5 < len; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < SHA256_BYTES ? d[i + 1] << 8 : 0) |
			     (i + 2 < SHA256_BYTES ? d[i + 2] : 0);

		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < SHA256_BYTES ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < SHA256_BYTES ? b64[v & 63] : '=';
	}
	snprintf(out + o, len - o, "'");
}

static void data_meta(struct json *j, const struct ebr_reader *r)
{
	json_object_begin(j, "meta");
	for (uint32_t i = 0; i < ebr_reader_meta_count(r); i++) {
		const char *key, *val;

		ebr_reader_meta_at(r, i, &key, &val);
		json_str(j, key, val);
	}
	json_object_end(j);
}

static void data_timeline(struct json *j, const struct timeline *t)
{
	json_object_begin(j, "timeline");
	json_u64(j, "seconds", t->nseconds);
	json_u64(j, "events_outside", t->before + t->beyond);
	json_object_begin(j, "per_second");
	for (int f = 0; f < TL_FAMILIES; f++) {
		if (!t->total[f])
			continue;
		json_array_begin(j, timeline_family_names[f]);
		for (uint32_t s = 0; s < t->nseconds; s++)
			json_u64(j, NULL, t->per_second[s][f]);
		json_array_end(j);
	}
	json_object_end(j);
	json_object_end(j);
}

static void data_losses(struct json *j, const struct ebr_reader *r, const struct losses *l)
{
	struct probe_losses pl;

	json_array_begin(j, "probes");
	for (uint32_t i = 0; i < l->nprobes; i++) {
		losses_of_probe(l, i, &pl);
		json_object_begin(j, NULL);
		json_str(j, "probe", pl.name);
		json_losses(j, r, &pl);
		json_object_end(j);
	}
	json_array_end(j);
	losses_of_family(l, NULL, &pl);
	json_losses(j, r, &pl);
}

/* Which family each view belongs to and what it holds: the page groups and draws by this. */
static void data_registry(struct json *j)
{
	static const char *const kinds[] = {
		[VIEW_HISTOGRAM] = "histogram", [VIEW_LISTING] = "listing",
		[VIEW_TABLE] = "table",         [VIEW_PROFILE] = "profile",
	};

	json_object_begin(j, "registry");
	json_array_begin(j, "families");
	for (size_t i = 0; i < nview_families; i++) {
		json_object_begin(j, NULL);
		json_str(j, "name", view_families[i].name);
		json_str(j, "title", view_families[i].title);
		json_object_end(j);
	}
	json_array_end(j);
	json_array_begin(j, "views");
	for (size_t i = 0; i < nviews; i++) {
		json_object_begin(j, NULL);
		json_str(j, "view", views[i]->name);
		json_str(j, "family", views[i]->family);
		json_str(j, "kind", kinds[views[i]->kind]);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/* The data the page draws, as one JSON document ('<', '>' and '&' escaped: see json.h). */
void html_data_write(FILE *f, const struct html_doc *d)
{
	struct json j;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_str(&j, "file", d->tf->path);
	if (d->host)
		host_json(&j, d->host);
	data_meta(&j, d->tf->r);
	json_u64(&j, "max_rows", d->max_rows);
	json_object_begin(&j, "window");
	json_double(&j, "since_s", d->since_s, 3);
	if (d->until_s >= 0)
		json_double(&j, "until_s", d->until_s, 3);
	json_object_end(&j);
	data_timeline(&j, d->timeline);
	data_losses(&j, d->tf->r, d->losses);
	data_registry(&j);
	json_array_begin(&j, "views");
	for (size_t i = 0; i < d->nviews; i++)
		json_raw(&j, d->views[i].json, d->views[i].len);
	json_array_end(&j);
	trace_file_json_warnings(d->tf, &j, d->limit_msg);
	json_object_end(&j);
}

/* The page up to its data: the title is what title_of() writes (as markup-safe text). */
static void page_head(FILE *f, void (*title_of)(FILE *f, const void *arg), const void *arg)
{
	char script_hash[64], style_hash[64];

	csp_hash(html_app_js, script_hash, sizeof(script_hash));
	csp_hash(html_style_css, style_hash, sizeof(style_hash));
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		   "script-src %s; style-src %s; img-src data:\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<title>ebrec report: ",
		script_hash, style_hash);
	title_of(f, arg); /* the only outside strings outside the data */
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<div id=\"app\"><noscript>This "
		   "report is drawn by its own script (no request leaves the page): allow "
		   "JavaScript, or use 'ebrec report --format json'.</noscript></div>\n"
		   "<script type=\"application/json\" id=\"ebrec-data\">",
		html_style_css);
}

static int page_tail(FILE *f)
{
	fprintf(f, "</script>\n<script>%s</script>\n</body>\n</html>\n", html_app_js);
	return fflush(f) || ferror(f) ? -1 : 0;
}

static void title_of_trace(FILE *f, const void *doc)
{
	markup_text(f, ((const struct html_doc *)doc)->tf->path);
}

static void title_of_hosts(FILE *f, const void *set)
{
	const struct host_set *hs = set;

	fprintf(f, "%u hosts", hs->n);
	for (uint32_t i = 0; i < hs->n; i++) {
		fputs(i ? ", " : " (", f);
		markup_text(f, hs->hosts[i].name);
	}
	fputs(")", f);
}

int html_write(FILE *f, const struct html_doc *d)
{
	page_head(f, title_of_trace, d);
	html_data_write(f, d);
	return page_tail(f);
}

int html_write_hosts(FILE *f, const struct host_set *hs)
{
	struct json j;

	page_head(f, title_of_hosts, hs);
	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "hosts");
	for (uint32_t i = 0; i < hs->n; i++)
		if (hs->hosts[i].text.len)
			json_raw(&j, hs->hosts[i].text.data, hs->hosts[i].text.len);
	json_array_end(&j);
	json_object_end(&j);
	return page_tail(f);
}
