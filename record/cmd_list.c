// SPDX-License-Identifier: GPL-2.0-only
/* `ebrec list`: the families, their tracepoints, and whether this kernel has each. */
#include <stdio.h>
#include <string.h>
#include "record/record.h"
#include "record/family.h"

int cmd_list(int argc, char **argv,
	     const char *(*views_of)(const char *family, char *buf, size_t len))
{
	struct features *feat = NULL;
	char msg[256], views[512];

	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			printf("usage: ebrec list\n\nLists the probe families, the tracepoints each "
			       "uses, and whether this kernel has them.\n\nexamples:\n"
			       "  ebrec list\n  ebrec list | grep -v '^ *yes'\n");
			return 0;
		}
		fprintf(stderr, "ebrec list: unexpected argument '%s' (see 'ebrec list --help')\n",
			argv[1]);
		return 2;
	}
	if (features_open(&feat, msg, sizeof(msg)))
		fprintf(stderr, "ebrec list: %s; support is unknown\n", msg);
	for (size_t i = 0; i < nfamilies; i++) {
		const struct family *f = families[i];
		bool usable = true;

		for (size_t p = 0; p < f->nprogs; p++)
			if (!f->progs[p].optional && !(feat && features_has_hook(feat, &f->progs[p])))
				usable = false;
		printf("%-10s %s  %s%s\n", f->name, !feat ? "unknown" : usable ? "supported" : "UNSUPPORTED",
		       f->desc, f->opt_in ? " (recorded only when -e names it)" : "");
		printf("           views: %s\n", views_of(f->name, views, sizeof(views)));
		for (size_t p = 0; p < f->nprogs; p++) {
			const char *state = !feat ? "?" :
					    features_has_hook(feat, &f->progs[p]) ? "yes" :
					    "no";

			if (!f->progs[p].tracepoint) {
				printf("           ?   perf_event cpu-clock (opened when recording starts)\n");
				continue;
			}
			printf("           %-3s %s%s\n", state, f->progs[p].tracepoint,
			       f->progs[p].optional ? " (optional)" : "");
		}
	}
	features_close(feat);
	return 0;
}
