// SPDX-License-Identifier: GPL-2.0-only
/* `ebrec verify FILE`: every block's CRCs checked and its events decoded; exit 0 only if all are intact. */
#include <string.h>
#include "report/commands.h"
#include "report/text.h"
#include "report/trace_file.h"

int cmd_verify(int argc, char **argv)
{
	struct trace_file tf;
	struct ebr_block_info bi;
	uint32_t blocks = 0;
	uint64_t events = 0;
	char safe[512], msg[1024];
	const char *file;
	int ret, status = 0;

	status = trace_file_args(argc, argv, "Checks every block's checksums and decodes its "
				 "events; exit 0 only if every block is intact and the file is complete.",
				 "  ebrec verify prod.ebr && echo intact\n"
				 "  curl -s https://example.org/t.ebr | ebrec verify -", &file);
	if (status >= 0)
		return status;
	status = 0;
	if (trace_file_open(&tf, "verify", file))
		return 1;
	while ((ret = ebr_reader_next_block(tf.r, &bi, 1)) > 0) {
		blocks++;
		if (bi.type == EBR_BLOCK_EVENTS)
			events += bi.count;
	}
	/* the index too, as info reads it: a footer or an index that is wrong is damage */
	if (ret >= 0) {
		struct ebr_summary sum;

		if (ebr_reader_load_index(tf.r, &sum) == EBR_E_NOMEM)
			ret = EBR_E_NOMEM;
		ebr_summary_release(&sum);
	}
	text_safe(file, safe, sizeof(safe));
	if (ret < 0) {
		fprintf(stderr, "ebrec verify: reading %s failed: %s\n", safe, trace_file_strerror(ret));
		status = 1;
	}
	for (uint32_t i = 0; i < ebr_reader_problem_count(tf.r) && !status; i++) {
		const struct ebr_problem *p = ebr_reader_problem(tf.r, i);

		if (!ebr_problem_is_damage(p->kind))
			continue;
		fprintf(stderr, "ebrec verify: %s: FAILED: %s\n", safe,
			text_safe(p->msg, msg, sizeof(msg)));
		status = 1;
	}
	if (!status)
		printf("%s: OK: %u blocks intact, %llu events\n", safe, blocks,
		       (unsigned long long)events);
	trace_file_close(&tf);
	return status;
}
