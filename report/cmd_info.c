// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec info FILE`: what a trace holds, from its index and META alone when it has them
 * (no event is decompressed), else by scanning it.
 */
#include <stdlib.h>
#include <string.h>
#include "report/commands.h"
#include "analyze/pass.h"
#include "report/text.h"
#include "report/trace_file.h"
#include "format/mem.h"

static const char *meta(const struct ebr_reader *r, const char *key, char *buf, size_t len)
{
	const char *v = ebr_reader_meta(r, key);

	return text_safe(v ? v : "?", buf, len);
}

#define INFO_WIDTH 100

/*
 * A META value whole (escaped), after a label of col columns: long ones (the file family's
 * tracepoint list, a command line) wrap at INFO_WIDTH after a comma or a space, continuing
 * under the value. 0, or -1 when memory ran out (said).
 */
static int print_wrapped(const char *v, int col)
{
	size_t len = TEXT_SAFE_SIZE(strlen(v)), at = 0, line = (size_t)col;
	char small[1024], *safe = len <= sizeof(small) ? small : ebr_malloc(len);

	if (!safe) {
		fprintf(stderr, "ebrec info: %s\n", trace_file_nomem());
		return -1;
	}
	text_safe(v, safe, len);
	while (safe[at]) {
		/* the next piece: up to and with a comma, or up to a space (which a wrap drops) */
		size_t n = strcspn(safe + at, ", ");
		bool space = safe[at + n] == ' ';

		n += safe[at + n] == ',';
		if (line > (size_t)col && line + n > INFO_WIDTH) {
			printf("\n%*s", col, "");
			line = (size_t)col;
		} else if (line > (size_t)col && safe[at - 1] == ' ') {
			putchar(' ');
			line++;
		}
		fwrite(safe + at, 1, n, stdout);
		line += n;
		at += n + space;
	}
	putchar('\n');
	if (safe != small)
		ebr_free(safe);
	return 0;
}

static const char *type_name(const struct ebr_reader *r, uint32_t file_id)
{
	int idx = ebr_reader_type_index(r, file_id);
	const char *name = "?";
	uint32_t id, nf;

	if (idx >= 0)
		ebr_reader_type_at(r, (uint32_t)idx, &id, &name, &nf);
	return name;
}

/* --call-graph dwarf: what share of the user stacks unwound to the process's entry. */
static void print_unwound(const struct ebr_reader *r)
{
	const char *unwound = ebr_reader_meta(r, "symbols.user_unwound");
	const char *whole = ebr_reader_meta(r, "symbols.user_unwound_whole");
	double n, w;

	if (!unwound || !whole)
		return;
	n = strtod(unwound, NULL);
	w = strtod(whole, NULL);
	printf("unwound:   user stacks %.0f, from copies of the stack (--call-graph dwarf), %.1f%% "
	       "to the process's entry\n", n, n > 0 ? 100 * w / n : 100.0);
}

/* What share of the stack frames the symbols stored by the recorder name (META symbols.*). */
static void print_symbols(const struct ebr_reader *r)
{
	static const char *const parts[] = { "kernel", "user" };
	bool header = false;

	for (int i = 0; i < 2; i++) {
		char key[64];
		const char *frames, *resolved;
		double n, named;

		snprintf(key, sizeof(key), "symbols.%s_frames", parts[i]);
		frames = ebr_reader_meta(r, key);
		snprintf(key, sizeof(key), "symbols.%s_resolved", parts[i]);
		resolved = ebr_reader_meta(r, key);
		if (!frames || !resolved)
			continue;
		n = strtod(frames, NULL);
		named = strtod(resolved, NULL);
		printf("%s %s frames %.0f, %.1f%% named", header ? "," : "symbols:  ", parts[i], n,
		       n > 0 ? 100 * named / n : 100.0);
		header = true;
	}
	if (header)
		printf(" (frames of every recorded stack, by sample)\n");
	print_unwound(r);
}

/* A file of a rotated recording (record --rotate): which series, which file of it. */
static void print_series(const struct ebr_reader *r)
{
	const char *prev = ebr_reader_meta(r, "series.prev");
	char a[512], b[64], c[512];

	if (!ebr_reader_meta(r, "series.id"))
		return;
	printf("series:    %s, file %s%s, after %s\n", meta(r, "series.id", a, sizeof(a)),
	       meta(r, "series.seq", b, sizeof(b)),
	       ebr_reader_meta(r, "series.last") ? " (the last)" : "",
	       prev && *prev ? text_safe(prev, c, sizeof(c)) : "none (the first)");
	if (ebr_reader_meta(r, "series.disk_full_removed"))
		printf("           the disk was full: %s of the series' files removed so far, the "
		       "last %s\n", meta(r, "series.disk_full_removed", b, sizeof(b)),
		       meta(r, "series.disk_full_last", c, sizeof(c)));
}

/* A flight recorder's file written because its trigger fired (META trigger.*). */
static void print_trigger(const struct ebr_reader *r)
{
	const char *fired = ebr_reader_meta(r, "trigger.fired_ns");
	const char *value = ebr_reader_meta(r, "trigger.value_ns");
	const char *after = ebr_reader_meta(r, "trigger.after_ns");
	uint64_t at = fired ? strtoull(fired, NULL, 10) : 0, start = trace_start_ns(r);
	char a[512], b[64], c[64], d[64], e[512], f[64];

	if (!fired)
		return;
	printf("trigger:   '%s' fired at %s, %.3f s into the file, %.3f s before its end:\n",
	       meta(r, "trigger.fired", a, sizeof(a)),
	       text_utc(ebr_reader_meta(r, "trigger.fired_realtime_ns"), b, sizeof(b)),
	       at > start ? (double)(at - start) / 1e9 : 0.0,
	       after ? strtod(after, NULL) / 1e9 : 0.0);
	printf("           %s of pid %s tid %s (%s), %.3f ms\n",
	       meta(r, "trigger.event", c, sizeof(c)), meta(r, "trigger.pid", d, sizeof(d)),
	       meta(r, "trigger.tid", f, sizeof(f)),
	       meta(r, "trigger.comm", e, sizeof(e)), value ? strtod(value, NULL) / 1e6 : 0.0);
	printf("           the trigger's file %s; its conditions: %s; %s more events met one, held "
	       "off, since its file before\n", meta(r, "trigger.seq", b, sizeof(b)),
	       meta(r, "trigger.conditions", a, sizeof(a)),
	       meta(r, "trigger.held_off", d, sizeof(d)));
}

/* The recorder's own cost (META record.cpu_*, record.bpf_*), in traces that have it. */
static void print_recorder_cost(const struct ebr_reader *r)
{
	const char *user = ebr_reader_meta(r, "record.cpu_user_ns");
	const char *sys = ebr_reader_meta(r, "record.cpu_system_ns");
	const char *rss = ebr_reader_meta(r, "record.max_rss_kib");
	const char *bpf_ns = ebr_reader_meta(r, "record.bpf_run_ns");
	const char *bpf_runs = ebr_reader_meta(r, "record.bpf_runs");
	double secs = trace_recording_seconds(r);
	double u, s;

	if (!user || !sys)
		return;
	u = strtod(user, NULL) / 1e9;
	s = strtod(sys, NULL) / 1e9;
	printf("recorder:  cpu %.2f s user + %.2f s system (%.1f%% of one CPU over the recording, "
	       "loading included)", u, s, secs > 0 ? 100 * (u + s) / secs : 0.0);
	if (rss)
		printf(", peak memory %.1f MiB", strtod(rss, NULL) / 1024);
	if (bpf_ns && bpf_runs)
		printf("; BPF programs %.2f s in %.0f runs", strtod(bpf_ns, NULL) / 1e9,
		       strtod(bpf_runs, NULL));
	else
		printf("; BPF programs not timed (sysctl kernel.bpf_stats_enabled=0)");
	putchar('\n');
}

static int print_info(const struct trace_file *tf, const struct ebr_summary *s, bool indexed)
{
	const struct ebr_reader *r = tf->r;
	char a[512], b[512], c[512], d[64], e[64];
	uint16_t major, minor;
	uint64_t size = ebr_reader_offset(r);
	double span = s->t_last > s->t_first ? (double)(s->t_last - s->t_first) / 1e9 : 0;

	if (tf->src.size != UINT64_MAX)
		size = tf->src.size;
	ebr_reader_version(r, &major, &minor);
	printf("file:      %s, %llu bytes, format %u.%u%s\n", text_safe(tf->path, a, sizeof(a)),
	       (unsigned long long)size, major, minor, indexed ? "" : " (no index: scanned)");
	printf("host:      %s, Linux %s %s, %s CPUs, page size %s\n",
	       meta(r, "host.hostname", a, sizeof(a)), meta(r, "host.kernel", b, sizeof(b)),
	       meta(r, "host.machine", c, sizeof(c)), meta(r, "host.ncpus", d, sizeof(d)),
	       meta(r, "host.page_size", e, sizeof(e)));
	printf("recorded:  %s for %.3f s (events span %.3f s), by ebrec %s\n",
	       text_utc(ebr_reader_meta(r, "clock.start.realtime_ns"), a, sizeof(a)),
	       trace_recording_seconds(r), span, meta(r, "ebrec.version", b, sizeof(b)));
	printf("command:   ");
	if (print_wrapped(ebr_reader_meta(r, "record.cmdline") ?: "?", 11))
		return -1;
	printf("families:  %s\n", meta(r, "record.families", a, sizeof(a)));
	if (ebr_reader_meta(r, "record.cgroup_filter"))
		printf("cgroup:    %s (record --cgroup: only its processes and those of the "
		       "cgroups below it)\n", meta(r, "record.cgroup_filter", a, sizeof(a)));
	if (ebr_reader_meta(r, "redact.kinds"))
		printf("redacted:  %s (ebrec redact: keyed pseudonyms, the key not stored)\n",
		       meta(r, "redact.kinds", a, sizeof(a)));
	print_series(r);
	print_trigger(r);
	for (uint32_t i = 0; i < ebr_reader_meta_count(r); i++) {
		const char *k, *v;

		ebr_reader_meta_at(r, i, &k, &v);
		if (strncmp(k, "family.", 7))
			continue;
		printf("  %-24s ", text_safe(k + 7, a, sizeof(a)));
		if (print_wrapped(v, 27))
			return -1;
	}
	printf("events:    %llu in %u blocks\n", (unsigned long long)s->events, s->nblocks);
	for (uint32_t i = 0; i < s->ntypes; i++)
		printf("  %-24s %llu\n", text_safe(type_name(r, s->types[i].type), a, sizeof(a)),
		       (unsigned long long)s->types[i].count);
	printf("losses:\n");
	if (!s->nprobes)
		printf("  (no probe counters in this trace)\n");
	for (uint32_t i = 0; i < s->nprobes; i++) {
		const struct ebr_probe_total *p = &s->probes[i];
		char key[40], way[32];
		const char *name, *path;

		snprintf(key, sizeof(key), "probe.%u.path", p->probe);
		path = ebr_reader_meta(r, key);
		snprintf(key, sizeof(key), "probe.%u", p->probe);
		name = ebr_reader_meta(r, key);
		printf("  %-24s emitted %llu, lost %llu (ring buffer full %llu, unpaired in the kernel "
		       "%llu, recorder queue full %llu)",
		       text_safe(name ? name : key, a, sizeof(a)), (unsigned long long)p->emitted,
		       (unsigned long long)(p->lost_ringbuf + p->lost_map + p->lost_user),
		       (unsigned long long)p->lost_ringbuf, (unsigned long long)p->lost_map,
		       (unsigned long long)p->lost_user);
		/* which way a system call's probe ran: what it cost (man ebrec-record, PROBES) */
		if (path)
			printf(", through the %s path", text_safe(path, way, sizeof(way)));
		printf("\n");
	}
	if (ebr_reader_meta(r, "record.bpf_missed_runs"))
		printf("  %-24s %s: the kernel skipped them, a probe having fired while a BPF "
		       "program already ran on that CPU; what they would have recorded is missing\n",
		       "missed runs", meta(r, "record.bpf_missed_runs", a, sizeof(a)));
	print_symbols(r);
	print_recorder_cost(r);
	printf("size:      %llu bytes of blocks, %llu uncompressed, ratio %.1fx, %.2f bytes/event\n",
	       (unsigned long long)s->stored_bytes, (unsigned long long)s->raw_bytes,
	       s->stored_bytes ? (double)s->raw_bytes / (double)s->stored_bytes : 0.0,
	       s->events ? (double)size / (double)s->events : 0.0);
	/* what the index spared is also what was not checked: a reader of this must know it */
	if (indexed)
		printf("checked:   the index and META blocks only: 'ebrec verify %s' reads the "
		       "event blocks\n", text_safe(tf->path, a, sizeof(a)));
	return 0;
}

int cmd_info(int argc, char **argv)
{
	struct trace_file tf;
	struct ebr_summary sum = { 0 };
	const char *file;
	bool indexed = true;
	int err, status = 1;

	status = trace_file_args(argc, argv, "Host, time span, families, event counts and losses "
				 "per type, file size, compression ratio and bytes per event.",
				 "  ebrec info prod.ebr\n"
				 "  ebrec info - < prod.ebr", &file);
	if (status >= 0)
		return status;
	status = 1;
	if (trace_file_open(&tf, "info", file))
		return 1;
	err = ebr_reader_load_index(tf.r, &sum);
	if (err && err != EBR_E_NOMEM) {
		/* no usable index (a recorder that was killed, a pipe): scan instead */
		indexed = false;
		ebr_summary_release(&sum);
		memset(&sum, 0, sizeof(sum));
		err = ebr_reader_summarize(tf.r, &sum);
	}
	if (err) {
		char safe[512];

		fprintf(stderr, "ebrec info: reading %s failed: %s\n",
			text_safe(file, safe, sizeof(safe)), trace_file_strerror(err));
		goto cleanup;
	}
	if (print_info(&tf, &sum, indexed))
		goto cleanup;
	status = trace_file_warn(&tf, "info") ? 1 : 0;
cleanup:
	ebr_summary_release(&sum);
	trace_file_close(&tf);
	return status;
}
