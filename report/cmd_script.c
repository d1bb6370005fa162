// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec script FILE`: every event of the generic probes (record -e tracepoint:..., uprobe:...,
 * usdt:...), one per line, as `perf script` and `trace-cmd report` print them: a tracepoint's
 * with its own print format (analyze/tpevent.c), the others with their fields; or JSON Lines.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/pass.h"
#include "analyze/procfilter.h"
#include "analyze/timewindow.h"
#include "analyze/tpevent.h"
#include "report/commands.h"
#include "report/json.h"
#include "report/text.h"
#include "report/trace_file.h"
#include "report/view.h"

#define SCRIPT_MAX_SELECT 64 /* -e PROBE options */
#define INFO_MAX (64u << 10) /* bytes of one event's text */
#define INFO_SAFE TEXT_SAFE_SIZE(INFO_MAX)

/* Columns of a text line (-F), in the order they are printed. */
enum {
	COL_COMM = 1,
	COL_TID = 2,
	COL_PID = 4,
	COL_CPU = 8,
	COL_TIME = 16,
	COL_EVENT = 32,
	COL_TRACE = 64,
};

static const struct {
	const char *name;
	unsigned bit;
} columns[] = {
	{ "comm", COL_COMM }, { "tid", COL_TID },     { "pid", COL_PID },     { "cpu", COL_CPU },
	{ "time", COL_TIME }, { "event", COL_EVENT }, { "trace", COL_TRACE },
};

/* What script knows of a type of the file's schema, worked out at its first event. */
struct script_type {
	bool seen, shown;  /* shown: a generic probe that -e selects */
	bool tracepoint;
	bool hex_args;     /* uprobes: registers, shown in hex */
	const char *name;  /* the type's name */
	const char *short_name; /* what the line shows: a tracepoint's NAME, else the name */
	int32_t pid, tgid, comm; /* field indices, -1 if absent */
};

struct probe_loss {
	uint64_t id, emitted, lost_ringbuf, lost_map, lost_user;
};

struct script {
	const struct ebr_reader *r;
	bool json, wall;
	unsigned cols;
	struct proc_filter who;
	const char *select[SCRIPT_MAX_SELECT];
	size_t nselect;
	struct script_type *types;
	uint32_t ntypes;
	struct tpevent *tp;
	char *info, *safe; /* an event's text, and as text_safe() made it */
	uint64_t printed;
	struct probe_loss *losses; /* per ebr.counts probe id, as found */
	size_t nlosses, cap_losses;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ebrec script FILE [-e PROBE]... [-p PID] [--comm NAME] [--since WHEN]\n"
		"                    [--until WHEN] [-F COLUMNS] [-T] [--format text|json]\n"
		"\n"
		"Every event of the trace's probes (record -e tracepoint:..., uprobe:..., usdt:...),\n"
		"one per line, as trace-cmd report and perf script print them: comm-tid, [cpu], time\n"
		"(seconds from the start), the probe, and its fields by the tracepoint's own print\n"
		"format where it has one. Losses are said at the end, on stderr.\n"
		"\n"
		"  -e PROBE          only this probe (a glob over the names 'ebrec info' lists:\n"
		"                    tracepoint:sched:*, uprobe:*:readline); repeatable\n"
		"  -p PID            only events of this process\n"
		"  --comm NAME       only events of threads named NAME\n"
		"  --since WHEN      only events from WHEN: seconds from the start (12.5), HH:MM:SS\n"
		"                    or 'YYYY-MM-DD HH:MM:SS' (UTC)\n"
		"  --until WHEN      only events up to WHEN\n"
		"  -F COLUMNS        text columns, comma separated: comm, tid, pid, cpu, time,\n"
		"                    event, trace (default comm,tid,cpu,time,event,trace)\n"
		"  -T                time as wall clock (UTC), not seconds from the start\n"
		"  --format FORMAT   text (default), or json: one JSON object per line\n"
		"\n"
		"examples:\n"
		"  ebrec script sig.ebr\n"
		"  ebrec script sig.ebr -e 'tracepoint:signal:*' -p 4242 --since 10\n"
		"  ebrec script app.ebr --format json | jq -r .fields.retval_str\n");
}

static int usage_error(const char *what, const char *arg)
{
	char safe[256];

	fprintf(stderr, "ebrec script: %s '%s' (see 'ebrec script --help')\n", what,
		text_safe(arg, safe, sizeof(safe)));
	return 2;
}

static int parse_columns(const char *list, unsigned *cols)
{
	char buf[256], *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	*cols = 0;
	for (char *c = strtok_r(buf, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		unsigned bit = 0;

		for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
			if (!strcmp(c, columns[i].name))
				bit = columns[i].bit;
		if (!bit)
			return -1;
		*cols |= bit;
	}
	return *cols ? 0 : -1;
}

struct script_args {
	const char *file;
	struct window_end since, until;
};

static int parse_args(struct script *s, struct script_args *a, int argc, char **argv)
{
	s->cols = COL_COMM | COL_TID | COL_CPU | COL_TIME | COL_EVENT | COL_TRACE;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = !strcmp(arg, "-e") || !strcmp(arg, "-p") || !strcmp(arg, "--comm") ||
			     !strcmp(arg, "--since") || !strcmp(arg, "--until") ||
			     !strcmp(arg, "-F") || !strcmp(arg, "--format");
		int64_t pid;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return 0;
		}
		if (takes && !val)
			return usage_error("this option needs a value:", arg);
		if (takes)
			i++;
		if (!strcmp(arg, "-T")) {
			s->wall = true;
		} else if (!strcmp(arg, "-e")) {
			if (s->nselect == SCRIPT_MAX_SELECT)
				return usage_error("too many -e, at", val);
			s->select[s->nselect++] = val;
		} else if (!strcmp(arg, "-p")) {
			if (view_parse_id(val, &pid))
				return usage_error("-p takes a process id, not", val);
			s->who.by_pid = true;
			s->who.pid = (uint32_t)pid;
		} else if (!strcmp(arg, "--comm")) {
			s->who.comm = val;
		} else if (!strcmp(arg, "--since") || !strcmp(arg, "--until")) {
			if (window_end_parse(val, !strcmp(arg, "--since") ? &a->since : &a->until))
				return usage_error("--since and --until take seconds from the start, "
						   "HH:MM:SS or 'YYYY-MM-DD HH:MM:SS', not", val);
		} else if (!strcmp(arg, "-F")) {
			if (parse_columns(val, &s->cols))
				return usage_error("-F takes columns of comm, tid, pid, cpu, time, "
						   "event, trace, not", val);
		} else if (!strcmp(arg, "--format")) {
			if (strcmp(val, "text") && strcmp(val, "json"))
				return usage_error("--format is text or json, not", val);
			s->json = !strcmp(val, "json");
		} else if (!a->file && !(arg[0] == '-' && arg[1])) {
			a->file = arg;
		} else {
			return usage_error("unknown option", arg);
		}
	}
	if (!a->file) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* ------------------------------------------------------------ types */

static bool generic_name(const char *name)
{
	return !strncmp(name, "tracepoint:", 11) || !strncmp(name, "uprobe:", 7) ||
	       !strncmp(name, "uretprobe:", 10) || !strncmp(name, "usdt:", 5);
}

static int32_t field_index(const struct ebr_reader *r, uint32_t ti, const char *name,
			   enum ebr_kind want)
{
	const char *fname;
	enum ebr_kind kind;
	uint32_t id, nf;
	const char *tname;

	ebr_reader_type_at(r, ti, &id, &tname, &nf);
	for (uint32_t f = 0; f < nf; f++)
		if (!ebr_reader_type_field(r, ti, f, &fname, &kind) && !strcmp(fname, name) &&
		    kind == want)
			return (int32_t)f;
	return -1;
}

static void type_learn(struct script *s, struct script_type *t, uint32_t ti)
{
	const char *name = "?";
	uint32_t id, nf;

	t->seen = true;
	ebr_reader_type_at(s->r, ti, &id, &name, &nf);
	t->name = name;
	if (!generic_name(name))
		return;
	t->shown = !s->nselect;
	for (size_t i = 0; i < s->nselect && !t->shown; i++)
		t->shown = !fnmatch(s->select[i], name, 0);
	t->tracepoint = !strncmp(name, "tracepoint:", 11);
	t->hex_args = !strncmp(name, "uprobe:", 7) || !strncmp(name, "uretprobe:", 10);
	/* a tracepoint is shown by its NAME, as trace-cmd and perf show it */
	t->short_name = t->tracepoint && strchr(name + 11, ':') ? strchr(name + 11, ':') + 1 : name;
	t->pid = field_index(s->r, ti, "common_pid", EBR_KIND_U64);
	t->tgid = field_index(s->r, ti, "common_tgid", EBR_KIND_U64);
	t->comm = field_index(s->r, ti, "common_comm", EBR_KIND_STR);
}

static struct script_type *type_of(struct script *s, const struct ebr_event *ev, uint32_t *ti)
{
	int i = ebr_reader_type_index(s->r, ev->file_type);

	if (i < 0)
		return NULL;
	if (!s->types) {
		s->ntypes = ebr_reader_type_count(s->r);
		s->types = calloc(s->ntypes ? s->ntypes : 1, sizeof(*s->types));
		if (!s->types)
			return NULL;
	}
	if ((uint32_t)i >= s->ntypes)
		return NULL;
	*ti = (uint32_t)i;
	if (!s->types[i].seen)
		type_learn(s, &s->types[i], (uint32_t)i);
	return &s->types[i];
}

/* ------------------------------------------------------------ losses */

static int count_losses(struct script *s, const struct ebr_event *ev)
{
	struct probe_loss *l = NULL;

	for (size_t i = 0; i < s->nlosses && !l; i++)
		if (s->losses[i].id == ev->v[EBR_F_COUNTS_PROBE].u)
			l = &s->losses[i];
	if (!l) {
		if (s->nlosses == s->cap_losses) {
			size_t cap = s->cap_losses ? s->cap_losses * 2 : 16;
			struct probe_loss *p;

			if (cap > EBR_MAX_TYPES * 2)
				return 0; /* more probes than any recording has: the rest uncounted */
			p = realloc(s->losses, cap * sizeof(*p));
			if (!p)
				return EBR_E_NOMEM;
			s->losses = p;
			s->cap_losses = cap;
		}
		l = &s->losses[s->nlosses++];
		memset(l, 0, sizeof(*l));
		l->id = ev->v[EBR_F_COUNTS_PROBE].u;
	}
	l->emitted += ev->v[EBR_F_COUNTS_EMITTED].u;
	l->lost_ringbuf += ev->v[EBR_F_COUNTS_LOST_RINGBUF].u;
	l->lost_map += ev->v[EBR_F_COUNTS_LOST_MAP].u;
	l->lost_user += ev->v[EBR_F_COUNTS_LOST_USER].u;
	return 0;
}

/* The losses of the probes shown, one line each, on stderr. */
static void say_losses(const struct script *s)
{
	for (size_t i = 0; i < s->nlosses; i++) {
		const struct probe_loss *l = &s->losses[i];
		uint64_t lost = l->lost_ringbuf + l->lost_map + l->lost_user;
		const char *name;
		char key[40], safe[1024];
		bool shown = !s->nselect;

		snprintf(key, sizeof(key), "probe.%llu", (unsigned long long)l->id);
		name = ebr_reader_meta(s->r, key);
		if (!lost || !name || !generic_name(name))
			continue;
		for (size_t k = 0; k < s->nselect && !shown; k++)
			shown = !fnmatch(s->select[k], name, 0);
		if (shown)
			fprintf(stderr, "ebrec script: %s: %llu of %llu events lost (ring buffer full "
					"%llu, recorder queue full %llu)\n",
				text_safe(name, safe, sizeof(safe)), (unsigned long long)lost,
				(unsigned long long)l->emitted, (unsigned long long)l->lost_ringbuf,
				(unsigned long long)l->lost_user);
	}
}

/* ------------------------------------------------------------ one event */

static const struct ebr_value *field(const struct ebr_event *ev, int32_t i)
{
	static const struct ebr_value none = { .s = "" };

	return i >= 0 && (uint32_t)i < ev->nraw ? &ev->raw[i] : &none;
}

/* The fields a line lists after the print format's text, or instead of it. */
static bool listed(const char *fname, bool after_format)
{
	if (!strncmp(fname, "common_", 7))
		return false;
	if (after_format) /* what the kernel's format has no place for */
		return strlen(fname) > 4 && !strcmp(fname + strlen(fname) - 4, "_str");
	return true;
}

static void text_value(FILE *f, const struct ebr_value *v, enum ebr_kind kind, bool hex)
{
	char safe[INFO_MAX / 4];

	switch (kind) {
	case EBR_KIND_S64:
		fprintf(f, "%lld", (long long)ebr_value_s64(v));
		break;
	case EBR_KIND_STR:
		fprintf(f, "\"%s\"", text_safe(v->s ? v->s : "", safe, sizeof(safe)));
		break;
	case EBR_KIND_BYTES:
		for (uint32_t i = 0; i < v->len; i++)
			fprintf(f, "%02x", (unsigned char)v->s[i]);
		break;
	case EBR_KIND_STACK:
		for (uint32_t i = 0; i < v->len; i++)
			fprintf(f, "%s0x%llx", i ? "," : "", (unsigned long long)v->frames[i]);
		break;
	default:
		fprintf(f, hex ? "0x%llx" : "%llu", (unsigned long long)v->u);
	}
}

/* The fields of ev (every one, or only those after_format), "name=value" each. */
static void text_fields(const struct script *s, const struct script_type *t, uint32_t ti,
			const struct ebr_event *ev, bool after_format, bool first)
{
	char safe[512];

	for (uint32_t f = 0; f < ev->nraw; f++) {
		const char *fname = "?";
		enum ebr_kind kind = 0;

		ebr_reader_type_field(s->r, ti, f, &fname, &kind);
		if (!listed(fname, after_format) || !strcmp(fname, "capture_flags"))
			continue;
		printf("%s%s=", first ? "" : " ", text_safe(fname, safe, sizeof(safe)));
		/* a uprobe's arguments are registers: addresses as often as numbers */
		text_value(stdout, &ev->raw[f], kind, t->hex_args && kind == EBR_KIND_U64);
		first = false;
	}
}

static const char *time_text(const struct script *s, uint64_t ts, char *buf, size_t len)
{
	char hms[32];

	if (s->wall) {
		const char *real = ebr_reader_meta(s->r, "clock.start.realtime_ns");
		uint64_t start = trace_start_ns(s->r);
		uint64_t ns = real && start ? strtoull(real, NULL, 10) + (ts - start) : 0;

		text_hms(s->r, ts, hms, sizeof(hms));
		snprintf(buf, len, "%s.%06llu", hms, (unsigned long long)(ns % 1000000000ull / 1000));
		return buf;
	}
	ts = ts > trace_start_ns(s->r) ? ts - trace_start_ns(s->r) : 0;
	snprintf(buf, len, "%6llu.%06llu", (unsigned long long)(ts / 1000000000ull),
		 (unsigned long long)(ts % 1000000000ull / 1000));
	return buf;
}

/* trace-cmd report's line: "            comm-tid   [cpu] time: name:   info". */
static int print_text(struct script *s, const struct script_type *t, uint32_t ti,
		      const struct ebr_event *ev)
{
	char comm[TEXT_COMM_SIZE], name[512], when[64];
	const struct ebr_value *c = field(ev, t->comm);
	uint64_t tid = field(ev, t->pid)->u;
	int printed = 0;

	if (s->cols & COL_COMM)
		printf("%16s", tid ? text_safe(c->s ? c->s : "", comm, sizeof(comm)) : "<idle>");
	if (s->cols & COL_TID)
		printf("%s%-5llu", s->cols & COL_COMM ? "-" : "", (unsigned long long)tid);
	if (s->cols & COL_PID)
		printf(" %-7llu", (unsigned long long)field(ev, t->tgid)->u);
	if (s->cols & COL_CPU)
		printf(" [%03u]", ev->cpu);
	if (s->cols & COL_TIME)
		printf(" %s:", time_text(s, ev->ts, when, sizeof(when)));
	if (s->cols & COL_EVENT) {
		size_t n = strlen(text_safe(t->short_name, name, sizeof(name)));

		printf(" %s: %.*s", name, n < 20 ? (int)(20 - n) : 0, "                    ");
	}
	if (s->cols & COL_TRACE) {
		if (t->tracepoint)
			printed = tpevent_print(s->tp, s->r, ti, ev, s->info, INFO_MAX);
		if (printed < 0)
			return EBR_E_NOMEM;
		if (printed)
			fputs(text_safe(s->info, s->safe, INFO_SAFE), stdout);
		text_fields(s, t, ti, ev, printed > 0, !printed);
	}
	putchar('\n');
	return 0;
}

static int print_json(struct script *s, const struct script_type *t, uint32_t ti,
		      const struct ebr_event *ev)
{
	const struct ebr_value *c = field(ev, t->comm);
	struct json j;
	int printed = 0;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_double(&j, "time", trace_seconds(s->r, ev->ts), 9);
	json_u64(&j, "ts", ev->ts);
	json_strn(&j, "comm", c->s ? c->s : "", c->s ? c->len : 0);
	json_u64(&j, "pid", field(ev, t->tgid)->u);
	json_u64(&j, "tid", field(ev, t->pid)->u);
	json_u64(&j, "cpu", ev->cpu);
	json_str(&j, "event", t->name);
	json_object_begin(&j, "fields");
	for (uint32_t f = 0; f < ev->nraw; f++) {
		const struct ebr_value *v = &ev->raw[f];
		const char *fname = "?";
		enum ebr_kind kind = 0;

		ebr_reader_type_field(s->r, ti, f, &fname, &kind);
		if (!strncmp(fname, "common_", 7))
			continue;
		switch (kind) {
		case EBR_KIND_S64:
			json_s64(&j, fname, ebr_value_s64(v));
			break;
		case EBR_KIND_STR:
			json_strn(&j, fname, v->s ? v->s : "", v->s ? v->len : 0);
			break;
		case EBR_KIND_BYTES:
			json_array_begin(&j, fname);
			for (uint32_t i = 0; i < v->len; i++)
				json_u64(&j, NULL, (unsigned char)v->s[i]);
			json_array_end(&j);
			break;
		case EBR_KIND_STACK:
			json_array_begin(&j, fname);
			for (uint32_t i = 0; i < v->len; i++)
				json_u64(&j, NULL, v->frames[i]);
			json_array_end(&j);
			break;
		default:
			json_u64(&j, fname, v->u);
		}
	}
	json_object_end(&j);
	if (t->tracepoint)
		printed = tpevent_print(s->tp, s->r, ti, ev, s->info, INFO_MAX);
	if (printed < 0)
		return EBR_E_NOMEM;
	if (printed)
		json_str(&j, "text", s->info);
	json_object_end(&j);
	json_finish(&j);
	return 0;
}

static int script_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct script *s = self;
	struct script_type *t;
	const struct ebr_value *c;
	uint32_t ti = 0;

	(void)r;
	if (ev->type == EBR_EV_COUNTS)
		return count_losses(s, ev);
	if (ev->type != EBR_EV_UNKNOWN)
		return 0;
	t = type_of(s, ev, &ti);
	if (!t && !s->types)
		return EBR_E_NOMEM;
	if (!t || !t->shown)
		return 0;
	c = field(ev, t->comm);
	if (!proc_filter_match(&s->who, field(ev, t->tgid)->u, c->s ? c->s : ""))
		return 0;
	s->printed++;
	return s->json ? print_json(s, t, ti, ev) : print_text(s, t, ti, ev);
}

int cmd_script(int argc, char **argv)
{
	struct script s = { 0 };
	struct script_args a = { 0 };
	struct trace_file tf;
	struct analyzer an = { script_on_event, &s };
	struct time_window window = { .next = &an, .nnext = 1 };
	struct analyzer windowed = { time_window_on_event, &window };
	int status = parse_args(&s, &a, argc, argv), err;

	if (status >= 0)
		return status;
	status = 1;
	window.since = a.since;
	window.until = a.until;
	if (trace_file_open(&tf, "script", a.file))
		return 1;
	s.r = tf.r;
	s.info = malloc(INFO_MAX);
	s.safe = malloc(INFO_SAFE);
	if (!s.info || !s.safe || tpevent_new(&s.tp)) {
		fprintf(stderr, "ebrec script: out of memory\n");
		goto cleanup;
	}
	err = analyze_pass(tf.r, &windowed, 1);
	if (err) {
		fprintf(stderr, "ebrec script: reading %s failed: %s\n", a.file,
			err == EBR_E_NOMEM ? "out of memory" : ebr_strerror(err));
		goto cleanup;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "ebrec script: writing failed: %m\n");
		goto cleanup;
	}
	say_losses(&s);
	status = trace_file_warn(&tf, "script") ? 1 : 0;
cleanup:
	tpevent_free(s.tp);
	free(s.info);
	free(s.safe);
	free(s.types);
	free(s.losses);
	trace_file_close(&tf);
	return status;
}
