// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec dump FILE [--json]`: every event, one per line, decoded through the file's own
 * schema, so that types this build does not know are shown too.
 */
#include <string.h>
#include "report/commands.h"
#include "report/output_cap.h"
#include "report/json.h"
#include "report/json_models.h"
#include "report/text.h"
#include "report/trace_file.h"

static void dump_text(const struct ebr_reader *r, const struct ebr_event *ev, int ti)
{
	const char *tname = "?";
	char safe[1024];
	uint32_t id, nf;

	ebr_reader_type_at(r, (uint32_t)ti, &id, &tname, &nf);
	printf("%llu cpu=%u %s", (unsigned long long)ev->ts, ev->cpu, text_safe(tname, safe, sizeof(safe)));
	for (uint32_t f = 0; f < ev->nraw; f++) {
		const struct ebr_value *v = &ev->raw[f];
		const char *fname = "?";
		enum ebr_kind kind = 0;

		ebr_reader_type_field(r, (uint32_t)ti, f, &fname, &kind);
		printf(" %s=", text_safe(fname, safe, sizeof(safe)));
		switch (kind) {
		case EBR_KIND_S64:
			printf("%lld", (long long)ebr_value_s64(v));
			break;
		case EBR_KIND_STR:
			printf("\"%s\"", text_safe(v->s, safe, sizeof(safe)));
			break;
		case EBR_KIND_BYTES:
			for (uint32_t i = 0; i < v->len; i++)
				printf("%02x", (unsigned char)v->s[i]);
			break;
		case EBR_KIND_STACK:
			for (uint32_t i = 0; i < v->len; i++)
				printf("%s0x%llx", i ? "," : "", (unsigned long long)v->frames[i]);
			break;
		default:
			printf("%llu", (unsigned long long)v->u);
		}
	}
	putchar('\n');
}

static void dump_json(const struct ebr_reader *r, const struct ebr_event *ev, int ti)
{
	struct json j;
	const char *tname = "?";
	uint32_t id, nf;

	json_init(&j, stdout);
	ebr_reader_type_at(r, (uint32_t)ti, &id, &tname, &nf);
	json_object_begin(&j, NULL);
	json_u64(&j, "ts", ev->ts);
	json_u64(&j, "cpu", ev->cpu);
	json_str(&j, "type", tname);
	json_event_fields(&j, r, (uint32_t)ti, ev, NULL);
	json_object_end(&j);
	json_finish(&j);
}

int cmd_dump(int argc, char **argv)
{
	struct trace_file tf;
	const struct ebr_event *ev;
	const char *path = NULL, *mib = NULL;
	bool json = false, usage_error = false;
	char safe[512];
	int ret, status = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--max-memory") && i + 1 < argc)
			mib = argv[++i];
		else if (!strcmp(argv[i], "--max-output") && i + 1 < argc) {
			if (output_cap_option("dump", argv[++i]))
				return 2;
		}
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: ebrec dump FILE [--json] [--max-memory MIB] [--max-output SIZE]\n"
			       "\nEvery event, "
			       "decoded through the trace's schema: 'ts cpu=N type field=value...' or "
			       "one JSON object per line.\n\noptions:\n"
			       "  --json             one JSON object per line: ts, cpu, type, fields\n"
			       "  --max-memory MIB   stop at MIB of memory held for the trace "
			       "(default: half of\n"
			       "                     this machine's memory)\n"
			       "  --max-output SIZE  stop writing at SIZE (512M, 2G; 0: no bound; default: "
			       "1024\n                     times the trace's decompressed bytes, plus 64 MiB)\n"
			       "\nexamples:\n  ebrec dump io.ebr | head\n"
			       "  ebrec dump io.ebr --json | jq 'select(.type == \"block.rq\")'\n");
			return 0;
		} else if (!path && !(argv[i][0] == '-' && argv[i][1]))
			path = argv[i];
		else
			usage_error = true; /* a second FILE or an unknown option */
	}
	if (!path || usage_error) {
		fprintf(stderr, "usage: ebrec dump FILE [--json] [--max-memory MIB] "
				"[--max-output SIZE]\n");
		return 2;
	}
	if (trace_file_budget("dump", mib))
		return 2;
	if (trace_file_open(&tf, "dump", path))
		return 1;
	while ((ret = ebr_reader_next(tf.r, &ev)) > 0) {
		int ti = ebr_reader_type_index(tf.r, ev->file_type);

		if (ti < 0)
			continue;
		if (json)
			dump_json(tf.r, ev, ti);
		else
			dump_text(tf.r, ev, ti);
	}
	if (ret < 0) {
		fprintf(stderr, "ebrec dump: reading %s failed: %s\n",
			text_safe(path, safe, sizeof(safe)), trace_file_strerror(ret));
		status = 1;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "ebrec dump: writing failed: %m\n");
		status = 1;
	}
	if (trace_file_warn(&tf, "dump"))
		status = 1;
	trace_file_close(&tf);
	return status;
}
