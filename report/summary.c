// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec report FILE` without a view: a first look at everything recorded. The host and the
 * span, the losses, and for each recorded family one headline a view (the views' headline
 * callbacks), each with the command that shows the view whole.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "format/array_size.h"
#include "report/json_models.h"
#include "report/text.h"
#include "report/view.h"

static const char *meta_or(const struct ebr_reader *r, const char *key, const char *dflt)
{
	const char *v = ebr_reader_meta(r, key);

	return v && *v ? v : dflt;
}

static void summary_trace(struct report_out *out)
{
	const struct ebr_reader *r = out->tf->r;
	static const char *const keys[] = { "host.hostname", "host.kernel", "host.machine",
					    "host.ncpus", "record.families", "record.cmdline",
					    "clock.start.realtime_ns" };
	char a[512], b[512], c[512], d[64], e[64];

	if (out->format == FORMAT_JSON) {
		json_object_begin(&out->json, "trace");
		json_str(&out->json, "file", out->tf->path);
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			json_str(&out->json, keys[i], ebr_reader_meta(r, keys[i]));
		json_double(&out->json, "recording_s", trace_recording_seconds(r), 3);
		json_object_end(&out->json);
		return;
	}
	fprintf(out->f, "ebrec report of %s: a line a view; 'ebrec report FILE VIEW' shows one "
			"whole\n", text_safe(out->tf->path, a, sizeof(a)));
	fprintf(out->f, "host %s, kernel %s (%s, %s CPUs)\n",
		text_safe(meta_or(r, "host.hostname", "?"), a, sizeof(a)),
		text_safe(meta_or(r, "host.kernel", "?"), b, sizeof(b)),
		text_safe(meta_or(r, "host.machine", "?"), c, sizeof(c)),
		text_safe(meta_or(r, "host.ncpus", "?"), d, sizeof(d)));
	fprintf(out->f, "recorded %s for %.1f s: %s\n",
		text_utc(ebr_reader_meta(r, "clock.start.realtime_ns"), e, sizeof(e)),
		trace_recording_seconds(r), text_safe(meta_or(r, "record.cmdline", "?"), a, sizeof(a)));
}

/* One section a recorded family: its views' headlines, then its losses. */
void summary_write(struct report_out *out, struct view_run *runs, size_t nruns,
		   const struct losses *ls)
{
	struct probe_losses all, l;
	const char *family = NULL;

	summary_trace(out);
	losses_of_family(ls, NULL, &all);
	if (out->format == FORMAT_JSON) {
		json_losses(&out->json, out->tf->r, &all);
		json_array_begin(&out->json, "families");
	} else {
		text_losses(out->f, out->tf->r, &all);
	}
	for (size_t i = 0; i <= nruns; i++) {
		const char *next = i < nruns ? runs[i].view->family : NULL;

		if (i < nruns && (!runs[i].view->headline ||
				  !trace_family_recorded(out->tf->r, runs[i].view->family)))
			continue;
		if (family && (!next || strcmp(next, family))) {
			/* the family ends: its losses */
			losses_of_family(ls, family, &l);
			if (out->format == FORMAT_JSON) {
				json_array_end(&out->json);
				json_losses(&out->json, out->tf->r, &l);
				json_object_end(&out->json);
			} else {
				text_losses(out->f, out->tf->r, &l);
			}
			family = NULL;
		}
		if (!next)
			break;
		if (!family) {
			family = next;
			if (out->format == FORMAT_JSON) {
				json_object_begin(&out->json, NULL);
				json_str(&out->json, "family", family);
				json_array_begin(&out->json, "views");
			} else {
				fprintf(out->f, "\n== %s\n", family);
			}
		}
		runs[i].view->headline(&runs[i], out, ls);
	}
	if (out->format == FORMAT_JSON)
		json_array_end(&out->json);
}
