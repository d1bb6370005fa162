// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stack views: profile (CPU samples) and offcputime (time blocked), as bcc prints them:
 * each distinct stack leaf first with its count, least frequent first, or -f folded lines
 * for FlameGraph and speedscope, or --svg an interactive flame graph.
 *
 * Folded lines are "comm;root frame;...;leaf frame VALUE": user frames, then kernel frames
 * (with -d a "-" between them). A frame name's ';' becomes ':' and its control bytes '?';
 * spaces stay (both tools split the value off at the last space).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/stackprof.h"
#include "analyze/stacktree.h"
#include "report/flamegraph.h"
#include "report/json_models.h"
#include "report/text.h"
#include "report/view.h"
#include "format/mem.h"

struct stack_view {
	struct stackprof p;
	bool folded, delimited;
	const char *svg;
	double min_share; /* --min-share: JSON merges a process's stacks below this % of all */
};

static int stack_setup(struct view_run *vr, int argc, char **argv, enum stackprof_kind kind)
{
	enum { OPT_SVG = 256, OPT_MIN_SHARE };
	static const struct option longopts[] = {
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "min-share", required_argument, NULL, OPT_MIN_SHARE },
		{ 0 },
	};
	const char *opts = kind == STACKPROF_CPU ? "KUL:fd" : "KUt:fdm:M:";
	struct stack_view *sv = ebr_calloc(1, sizeof(*sv));
	int64_t us;
	char *end;
	int c;

	if (!sv)
		return view_no_memory(vr->view);
	vr->state = sv;
	vr->an = (struct analyzer){ stackprof_on_event, &sv->p, STACKPROF_TYPES };
	sv->p.o.kind = kind;
	sv->p.o.tid = -1;
	sv->p.o.who = *vr->who;
	view_opts_begin(vr);
	while ((c = view_getopt(argc, argv, opts, longopts)) != -1) {
		switch (c) {
		case 'K':
			sv->p.o.kernel_only = true;
			break;
		case 'U':
			sv->p.o.user_only = true;
			break;
		case 'L':
		case 't':
			if (view_parse_id(optarg, &sv->p.o.tid))
				return view_usage_error(vr->view, "-L/-t needs a thread id, not", optarg);
			break;
		case 'f':
			sv->folded = true;
			break;
		case 'd':
			sv->delimited = true;
			break;
		case 'm':
		case 'M':
			if (view_parse_id(optarg, &us))
				return view_usage_error(vr->view, "-m/-M need microseconds, not", optarg);
			if (c == 'm')
				sv->p.o.min_ns = (uint64_t)us * 1000;
			else
				sv->p.o.max_ns = (uint64_t)us * 1000;
			break;
		case OPT_SVG:
			sv->svg = vr->file = optarg;
			break;
		case OPT_MIN_SHARE:
			sv->min_share = strtod(optarg, &end);
			if (end == optarg || *end || !(sv->min_share >= 0 && sv->min_share <= 100))
				return view_usage_error(vr->view, "--min-share needs a percentage "
								  "from 0 to 100, not", optarg);
			break;
		default:
			return view_bad_option(vr->view, argv);
		}
	}
	if (sv->p.o.kernel_only && sv->p.o.user_only)
		return view_usage_error(vr->view, "-K and -U exclude each other:", "-K -U");
	return view_opts_end(vr->view, argc, argv);
}

static int profile_setup(struct view_run *vr, int argc, char **argv)
{
	return stack_setup(vr, argc, argv, STACKPROF_CPU);
}

static int offcputime_setup(struct view_run *vr, int argc, char **argv)
{
	return stack_setup(vr, argc, argv, STACKPROF_OFFCPU);
}

/* A stack's value as printed: samples, or microseconds off CPU. */
static uint64_t shown_value(const struct stackprof *p, uint64_t value)
{
	return p->o.kind == STACKPROF_CPU ? value : value / 1000;
}

struct frame_out {
	FILE *f;
	bool delimited, seen_kernel, seen_user;
};

static int folded_frame(void *ctx, const char *name, bool kernel)
{
	struct frame_out *o = ctx;

	/* root first: user frames, then kernel frames */
	if (kernel && !o->seen_kernel && o->delimited && o->seen_user)
		fputs(";-", o->f);
	*(kernel ? &o->seen_kernel : &o->seen_user) = true;
	fputc(';', o->f);
	folded_name(o->f, name);
	return 0;
}

static int text_frame(void *ctx, const char *name, bool kernel)
{
	struct frame_out *o = ctx;
	char safe[1024];

	/* leaf first: kernel frames, then user frames */
	if (!kernel && !o->seen_user && o->delimited && o->seen_kernel)
		fputs("    --\n", o->f);
	*(kernel ? &o->seen_kernel : &o->seen_user) = true;
	fprintf(o->f, "    %s\n", text_safe(name, safe, sizeof(safe)));
	return 0;
}

struct json_frames {
	struct json *j;
	bool kernel;
};

static int json_frame(void *ctx, const char *name, bool kernel)
{
	struct json_frames *o = ctx;

	if (kernel == o->kernel)
		json_str(o->j, NULL, name);
	return 0;
}

static void print_text_stack(struct stack_view *sv, FILE *f, const struct stackprof_stack *s)
{
	struct frame_out o = { f, sv->delimited, false, false };
	char comm[TEXT_COMM_SIZE];

	if (!sv->p.o.user_only && !s->kdepth && (s->flags & EBR_STACK_KERNEL_ERR))
		fputs("    [Missed Kernel Stack]\n", f);
	stackprof_walk_leaf_first(&sv->p, s, text_frame, &o);
	if (!sv->p.o.kernel_only && !s->udepth && (s->flags & EBR_STACK_USER_ERR))
		fputs("    [Missed User Stack]\n", f);
	fprintf(f, "    %-16s %s (%u)\n        %llu\n\n", "-", text_safe(s->comm, comm, sizeof(comm)),
		s->pid, (unsigned long long)shown_value(&sv->p, s->value));
}

static void print_header(const struct stack_view *sv, struct report_out *out)
{
	const struct stackprof *p = &sv->p;
	const char *hz = ebr_reader_meta(out->tf->r, "profile.frequency_hz");
	const char *which = p->o.kernel_only ? "kernel stack"
			    : p->o.user_only ? "user stack"
					     : "user + kernel stack";
	double secs = p->t_last > p->t_first ? (double)(p->t_last - p->t_first) / 1e9 : 0;
	char who[64] = "all threads", safe_hz[64];

	if (p->o.tid >= 0)
		snprintf(who, sizeof(who), "TID %lld", (long long)p->o.tid);
	else if (p->o.who.by_pid)
		snprintf(who, sizeof(who), "PID %u", p->o.who.pid);
	if (p->o.kind == STACKPROF_CPU)
		fprintf(out->f, "Sampled at %s Hertz of %s by %s for %.1f secs.\n\n",
			text_safe(hz ? hz : "?", safe_hz, sizeof(safe_hz)), who, which, secs);
	else
		fprintf(out->f, "Off-CPU time (us) of %s by %s over %.1f secs.\n\n", who, which,
			secs);
}

/* What the counts do not show: stacks not captured or cut, and frames left unnamed. */
static void print_gaps(const struct stackprof *p, FILE *f)
{
	uint64_t frames, resolved;

	stackprof_resolved_share(p, &frames, &resolved);
	if (p->missing_kernel || p->missing_user)
		fprintf(f, "stacks not captured: %llu kernel, %llu user\n",
			(unsigned long long)p->missing_kernel, (unsigned long long)p->missing_user);
	if (p->cut)
		fprintf(f, "stacks that filled their room and may be cut: %llu\n",
			(unsigned long long)p->cut);
	if (p->unwound)
		fprintf(f, "user stacks unwound to the process's entry: %.1f%% (%llu of %llu "
			   "unwound from their copy, by sample)\n",
			100.0 * (double)p->unwound_whole / (double)p->unwound,
			(unsigned long long)p->unwound_whole, (unsigned long long)p->unwound);
	if (p->dropped)
		fprintf(f, "samples left out (more than %u distinct stacks): %llu\n",
			STACKPROF_MAX_STACKS, (unsigned long long)p->dropped);
	if (frames)
		fprintf(f, "frames named: %.1f%% (%llu of %llu, by samples)\n",
			100.0 * (double)resolved / (double)frames, (unsigned long long)resolved,
			(unsigned long long)frames);
}

/* a stack JSON merges (--min-share): below the share of the whole */
static bool stack_is_small(const struct stack_view *sv, const struct stackprof_stack *s)
{
	return (double)s->value * 100.0 < sv->min_share * (double)sv->p.value;
}

static int by_process(const void *a, const void *b)
{
	const struct stackprof_stack *x = *(const struct stackprof_stack *const *)a;
	const struct stackprof_stack *y = *(const struct stackprof_stack *const *)b;

	return x->pid != y->pid ? (x->pid < y->pid ? -1 : 1) : strcmp(x->comm, y->comm);
}

/*
 * --min-share: the stacks below the share, one entry per process ("merged_stacks": how many,
 * no frames), so that a busy host's tens of thousands of rare off-CPU stacks do not make the
 * HTML page's data: the per-process totals stay whole. 0 when nothing needs merging.
 */
static int print_json_merged(struct stack_view *sv, struct json *j)
{
	const struct stackprof_stack **small;
	uint32_t n = 0;

	small = ebr_malloc((sv->p.nstacks ? sv->p.nstacks : 1) * sizeof(*small));
	if (!small)
		return -1;
	for (uint32_t i = 0; i < sv->p.nstacks; i++)
		if (stack_is_small(sv, &sv->p.stacks[i]))
			small[n++] = &sv->p.stacks[i];
	qsort(small, n, sizeof(*small), by_process);
	for (uint32_t i = 0, next; i < n; i = next) {
		uint64_t value = 0, count = 0;

		for (next = i; next < n && !by_process(&small[i], &small[next]); next++) {
			value += small[next]->value;
			count += small[next]->count;
		}
		json_object_begin(j, NULL);
		json_u64(j, "pid", small[i]->pid);
		json_str(j, "comm", small[i]->comm);
		json_u64(j, "value", shown_value(&sv->p, value));
		json_u64(j, "count", count);
		json_u64(j, "merged_stacks", next - i);
		json_array_begin(j, "kernel");
		json_array_end(j);
		json_array_begin(j, "user");
		json_array_end(j);
		json_object_end(j);
	}
	ebr_free(small);
	return 0;
}

/* The view's keys, then its "stacks" array, left open. */
static int print_json(struct stack_view *sv, struct report_out *out)
{
	struct json *j = &out->json;
	uint64_t frames, resolved, merged = 0, merged_value = 0;

	stackprof_resolved_share(&sv->p, &frames, &resolved);
	for (uint32_t i = 0; sv->min_share > 0 && i < sv->p.nstacks; i++)
		if (stack_is_small(sv, &sv->p.stacks[i])) {
			merged++;
			merged_value += sv->p.stacks[i].value;
		}
	json_str(j, "unit", sv->p.o.kind == STACKPROF_CPU ? "samples" : "us");
	json_u64(j, "samples", sv->p.samples);
	json_u64(j, "missing_kernel_stacks", sv->p.missing_kernel);
	json_u64(j, "missing_user_stacks", sv->p.missing_user);
	json_u64(j, "frames", frames);
	json_u64(j, "frames_named", resolved);
	json_u64(j, "user_stacks_unwound", sv->p.unwound);
	json_u64(j, "user_stacks_whole", sv->p.unwound_whole);
	if (sv->min_share > 0) {
		json_double(j, "min_share_percent", sv->min_share, 3);
		json_u64(j, "stacks_merged", merged);
		json_u64(j, "value_merged", shown_value(&sv->p, merged_value));
	}
	json_array_begin(j, "stacks");
	for (uint32_t i = sv->p.nstacks; i-- > 0;) {
		const struct stackprof_stack *s = &sv->p.stacks[i];
		struct json_frames jf = { j, true };

		if (merged && stack_is_small(sv, s))
			continue;

		json_object_begin(j, NULL);
		json_u64(j, "pid", s->pid);
		json_str(j, "comm", s->comm);
		json_u64(j, "value", shown_value(&sv->p, s->value));
		json_u64(j, "count", s->count);
		json_array_begin(j, "kernel");
		stackprof_walk_leaf_first(&sv->p, s, json_frame, &jf);
		json_array_end(j);
		jf.kernel = false;
		json_array_begin(j, "user");
		stackprof_walk_leaf_first(&sv->p, s, json_frame, &jf);
		json_array_end(j);
		json_object_end(j);
	}
	return merged ? print_json_merged(sv, j) : 0;
}

static int write_svg(struct stack_view *sv, struct report_out *out)
{
	struct stacktree t;
	char title[160];
	int err;

	if (stacktree_build(&t, &sv->p)) {
		stacktree_release(&t);
		fprintf(stderr, "ebrec report: building the flame graph: %s\n", trace_file_nomem());
		return 1;
	}
	snprintf(title, sizeof(title), "%s: %s", sv->p.o.kind == STACKPROF_CPU ? "CPU profile"
									: "Off-CPU time",
		 out->tf->path);
	err = flamegraph_write(sv->svg, &t, title,
			       sv->p.o.kind == STACKPROF_CPU ? "samples" : "ns");
	stacktree_release(&t);
	return err;
}

static void stack_end(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct stack_view *sv = vr->state;
	struct stackprof *p = &sv->p;

	if (stackprof_finish(p)) {
		fprintf(stderr, "ebrec report: %s: %s\n", vr->view->name, trace_file_nomem());
		out->failed = true;
		return;
	}
	if (sv->svg && write_svg(sv, out))
		out->failed = true;
	if (out->format == FORMAT_JSON) {
		view_doc_begin(vr, out);
		/* leaves "stacks" open: view_rows_finish closes it */
		if (print_json(sv, out)) {
			fprintf(stderr, "ebrec report: %s: %s\n", vr->view->name, trace_file_nomem());
			out->failed = true;
		}
		view_rows_finish(vr, out, ls);
		return;
	}
	if (sv->svg) {
		fprintf(out->f, "%s: flame graph of %llu %s in %u stacks\n", sv->svg,
			(unsigned long long)shown_value(p, p->value),
			p->o.kind == STACKPROF_CPU ? "samples" : "us off CPU", p->nstacks);
	} else if (sv->folded) {
		for (uint32_t i = 0; i < p->nstacks; i++) {
			const struct stackprof_stack *s = &p->stacks[i];
			struct frame_out o = { out->f, sv->delimited, false, false };

			folded_name(out->f, s->comm);
			stackprof_walk_root_first(p, s, folded_frame, &o);
			fprintf(out->f, " %llu\n", (unsigned long long)shown_value(p, s->value));
		}
	} else {
		print_header(sv, out);
		for (uint32_t i = 0; i < p->nstacks; i++)
			print_text_stack(sv, out->f, &p->stacks[i]);
		if (!p->nstacks)
			fprintf(out->f, "no %s in this trace\n", p->o.kind == STACKPROF_CPU
									 ? "profile sample"
									 : "off-CPU span");
	}
	if (sv->folded) { /* folded lines only: tools read every line as a stack */
		struct probe_losses l;

		losses_of_family(ls, vr->view->family, &l);
		text_losses(stderr, out->tf->r, &l);
		return;
	}
	print_gaps(p, out->f);
	view_rows_finish(vr, out, ls);
}

static void stack_release(struct view_run *vr)
{
	struct stack_view *sv = vr->state;

	if (sv)
		stackprof_release(&sv->p);
	view_free_state(vr);
}

/* The summary's: how much, and the hottest stacks by their first frames. */
static void stack_headline(struct view_run *vr, struct report_out *out, const struct losses *ls)
{
	struct stack_view *sv = vr->state;
	struct stackprof *p = &sv->p;
	bool cpu = p->o.kind == STACKPROF_CPU;
	struct stack_hot top[STACK_HOT_TOP];
	char total[32], safe[4096];
	bool skipped = false;
	int ntop = -1;

	if (!stackprof_finish(p))
		ntop = stackprof_hottest(p, top);
	if (ntop < 0) {
		fprintf(stderr, "ebrec report: %s: %s\n", vr->view->name, trace_file_nomem());
		out->failed = true;
		goto cleanup;
	}
	headline_begin(vr, out);
	if (out->format == FORMAT_JSON) {
		json_u64(&out->json, cpu ? "samples" : "spans", p->samples);
		json_u64(&out->json, cpu ? "total_samples" : "total_us", shown_value(p, p->value));
		json_array_begin(&out->json, "hottest");
	} else if (cpu) {
		fprintf(out->f, "%" PRIu64 " samples", p->samples);
	} else {
		fprintf(out->f, "%" PRIu64 " spans off CPU, %s in all", p->samples,
			text_duration(p->value, total, sizeof(total)));
	}
	for (int i = 0; i < ntop; i++) {
		double share = p->value ? 100.0 * (double)top[i].value / (double)p->value : 0;
		char *part = top[i].key, *next;

		if (out->format == FORMAT_JSON) {
			json_object_begin(&out->json, NULL);
			next = strchr(part, '\x01');
			json_strn(&out->json, "comm", part, next ? (size_t)(next - part) : strlen(part));
			json_u64(&out->json, "value", shown_value(p, top[i].value));
			json_bool(&out->json, "landing_skipped", top[i].skipped);
			json_array_begin(&out->json, "frames");
			while (next) {
				part = next + 1;
				next = strchr(part, '\x01');
				json_strn(&out->json, NULL, part,
					  next ? (size_t)(next - part) : strlen(part));
			}
			json_array_end(&out->json);
			json_object_end(&out->json);
			continue;
		}
		/* "comm: leaf <- caller <- caller" */
		skipped |= top[i].skipped;
		fprintf(out->f, "%s %.1f%% ", i ? "," : "; hottest:", share);
		for (int k = 0; part; k++) {
			next = strchr(part, '\x01');
			if (next)
				*next = '\0';
			fprintf(out->f, "%s%s", k == 0 ? "" : k == 1 ? ": " : " <- ",
				text_safe(part, safe, sizeof(safe)));
			part = next ? next + 1 : NULL;
		}
	}
	if (out->format == FORMAT_JSON) {
		json_array_end(&out->json);
	} else {
		if (skipped)
			fprintf(out->f, " (leaf frames that only say the scheduler or a hypervisor "
					"exit ran left out)");
		if (p->unwound)
			fprintf(out->f, "; user stacks unwound to the process's entry: %.1f%%",
				100.0 * (double)p->unwound_whole / (double)p->unwound);
	}
	headline_end(vr, out);
cleanup:
	for (int i = 0; i < ntop; i++)
		ebr_free(top[i].key);
}

const struct view view_profile = {
	.name = "profile",
	.family = "profile",
	.kind = VIEW_PROFILE,
	.html_args = "",
	.summary = "CPU profile: each distinct stack with its sample count, least frequent first",
	.usage = "-K (kernel stacks only) -U (user only) -L TID -d (delimit "
		 "kernel and user) -f (folded) --svg FILE (flame graph) --min-share PERCENT (JSON: "
		 "a process's stacks below PERCENT of the total merged into one, without frames)",
	.setup = profile_setup,
	.end = stack_end,
	.release = stack_release,
	.headline = stack_headline,
};

const struct view view_offcputime = {
	.name = "offcputime",
	.family = "offcpu",
	.kind = VIEW_PROFILE,
	.html_args = "--min-share 0.1",
	.summary = "off-CPU time: each distinct blocked stack with its total microseconds",
	.usage = "-K -U -t TID -m MIN_US -M MAX_US -d -f --svg FILE --min-share PERCENT (JSON: a "
		 "process's stacks below PERCENT of the total merged into one, without frames)",
	.setup = offcputime_setup,
	.end = stack_end,
	.release = stack_release,
	.headline = stack_headline,
};
