// SPDX-License-Identifier: GPL-2.0-only
/* What the row-per-event views (biosnoop, execsnoop, opensnoop...) share: framing and ids. */
#include <getopt.h>
#include <stdlib.h>
#include "report/report.h"

void view_rows_begin(struct report_out *out, const char *view)
{
	if (out->format != FORMAT_JSON)
		return;
	json_object_begin(&out->json, NULL);
	json_str(&out->json, "view", view);
	json_array_begin_capped(&out->json, "rows", out->max_rows);
}

void view_rows_end(struct report_out *out, const struct losses *ls, const char *family)
{
	struct probe_losses l;

	losses_of_family(ls, family, &l);
	if (out->format == FORMAT_JSON) {
		json_array_end(&out->json);
		if (out->max_rows)
			json_u64(&out->json, "rows_omitted", json_array_dropped(&out->json));
		json_losses(&out->json, out->tf->r, &l);
		json_object_end(&out->json);
		return;
	}
	fputc('\n', out->f);
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

void view_rows_finish(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	view_rows_end(out, ls, vr->view->family);
}

void view_free_state(struct view_run *vr)
{
	free(vr->state);
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

void view_opts_begin(void)
{
	optind = 1; /* each view parses its own argv */
	opterr = 0; /* view_bad_option() says what was wrong, with the view's usage */
}

int view_bad_option(const struct view *v, char **argv)
{
	return view_usage_error(v, "unknown option or missing value", argv[optind - 1]);
}

int view_opts_end(const struct view *v, int argc, char **argv)
{
	return optind < argc ? view_usage_error(v, "unexpected argument", argv[optind]) : 0;
}
