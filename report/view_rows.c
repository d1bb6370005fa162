// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every view's document shares, whatever it lists: the choice of a row sink, the JSON
 * framing (opened and closed here only), the closing loss line, and the views' option
 * parsing.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "report/json_models.h"
#include "report/text.h"
#include "report/view.h"
#include "format/mem.h"

void view_doc_begin(struct view_run *vr, struct report_out *out)
{
	json_object_begin(&out->json, NULL);
	json_str(&out->json, "view", vr->view->name);
}

enum row_sink view_rows_begin(struct view_run *vr, struct report_out *out)
{
	if (out->summary)
		return ROW_SINK_TALLY;
	if (out->format != FORMAT_JSON)
		return ROW_SINK_TEXT;
	view_doc_begin(vr, out);
	json_array_begin_capped(&out->json, "rows", out->max_rows);
	return ROW_SINK_JSON;
}

void view_rows_finish(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct probe_losses l;

	losses_of_family(ls, vr->view->family, &l);
	if (out->format == FORMAT_JSON) {
		json_array_end(&out->json);
		/* the listings' rows are what --rows caps for the page */
		if (out->max_rows && (vr->view->kind == VIEW_LISTING || vr->view->kind == VIEW_TABLE))
			json_u64(&out->json, "rows_omitted", json_array_dropped(&out->json));
		if (vr->view->json_tail)
			vr->view->json_tail(vr, &out->json);
		json_losses(&out->json, out->tf->r, &l);
		json_object_end(&out->json);
		return;
	}
	fputc('\n', out->f);
	if (vr->view->text_tail)
		vr->view->text_tail(vr, out->f);
	text_losses(out->f, out->tf->r, &l);
}

void view_json_args(struct report_out *out, uint32_t pid)
{
	const struct proc_entry *e = out->procs ? proctable_find(out->procs, pid) : NULL;
	char args[4096];

	json_str(&out->json, "args",
		 e && e->args ? proc_args_join(e->args, e->args_len, e->args_cut, args, sizeof(args))
			      : "");
}

void view_free_state(struct view_run *vr)
{
	ebr_free(vr->state);
	vr->state = NULL;
}

int view_parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*end || end == s || v < 0 || v > UINT32_MAX)
		return -1;
	*out = v;
	return 0;
}

int view_parse_count(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int view_parse_seconds(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return -1;
	if (!strcmp(end, "ms"))
		v /= 1000;
	else if (*end && strcmp(end, "s"))
		return -1;
	if (!(v >= 0.001) || v > 86400)
		return -1;
	*out = v;
	return 0;
}

/* What view_getopt() last looked at, for view_bad_option()'s message (getopt's own state is
 * global too). */
static struct {
	int at; /* argv index of the element getopt read the option from */
	const char *opts;
} view_opt;

void view_opts_begin(void)
{
	optind = 1; /* each view parses its own argv */
	opterr = 0; /* view_bad_option() says what was wrong, with the view's usage */
}

int view_getopt(int argc, char **argv, const char *opts, const struct option *longopts)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };

	view_opt.at = optind;
	view_opt.opts = opts;
	return getopt_long(argc, argv, opts, longopts ? longopts : none, NULL);
}

int view_bad_option(const struct view *v, char **argv)
{
	const char *arg = argv[view_opt.at];
	bool is_long = !strncmp(arg, "--", 2);
	const char *known = optopt > 0 && optopt < 256 && !is_long ? strchr(view_opt.opts, optopt)
								   : NULL;
	char opt[3] = { '-', (char)optopt, 0 }, what[64];

	/* getopt_long names a long option it knows but whose value is missing by its optopt */
	if (is_long && optopt)
		return view_usage_error(v, strchr(arg, '=') ? "this option takes no value:"
							    : "this option needs a value:", arg);
	if (known && known[1] == ':')
		return view_usage_error(v, "this option needs a value:", opt);
	if (known || is_long || strlen(arg) <= 2)
		return view_usage_error(v, "unknown option", arg);
	snprintf(what, sizeof(what), "unknown option '%s' in", opt);
	return view_usage_error(v, what, arg);
}

int view_opts_end(const struct view *v, int argc, char **argv)
{
	return optind < argc ? view_usage_error(v, "unexpected argument", argv[optind]) : 0;
}
