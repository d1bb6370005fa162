// SPDX-License-Identifier: GPL-2.0-only
/* The flight recorder's trigger (record/trigger.h): its conditions, and when it fires. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "format/array_size.h"
#include "record/duration.h"
#include "record/grow.h"
#include "record/record.h"
#include "record/trigger.h"

/* A latency a family measures: a field of its events, and who it is of. */
struct trigger_metric {
	const char *name, *family;
	uint32_t type, field;
	uint32_t pid, tid, comm; /* the fields saying whose latency it is */
	int flags;               /* the field of flags saying it is known (-1: always) */
	uint64_t known;          /* and the bit */
};

static const struct trigger_metric metrics[] = {
	{ "biolatency", "block", EBR_EV_BLOCK_RQ, EBR_F_BLOCK_RQ_LAT_NS, EBR_F_BLOCK_RQ_PID,
	  EBR_F_BLOCK_RQ_TID, EBR_F_BLOCK_RQ_COMM, -1, 0 },
	/* next waited on a run queue: EBR_SCHED_RUNQ says the kernel saw it queued */
	{ "runqlat", "sched", EBR_EV_SCHED_SWITCH, EBR_F_SCHED_SWITCH_RUNQ_NS,
	  EBR_F_SCHED_SWITCH_NEXT_PID, EBR_F_SCHED_SWITCH_NEXT_TID, EBR_F_SCHED_SWITCH_NEXT_COMM,
	  EBR_F_SCHED_SWITCH_FLAGS, EBR_SCHED_RUNQ },
	{ "fsslower", "file", EBR_EV_FILE_SLOW, EBR_F_FILE_SLOW_LAT_NS, EBR_F_FILE_SLOW_PID,
	  EBR_F_FILE_SLOW_TID, EBR_F_FILE_SLOW_COMM, -1, 0 },
	{ "offcpu", "offcpu", EBR_EV_OFFCPU_SPAN, EBR_F_OFFCPU_SPAN_OFFCPU_NS,
	  EBR_F_OFFCPU_SPAN_PID, EBR_F_OFFCPU_SPAN_TID, EBR_F_OFFCPU_SPAN_COMM, -1, 0 },
};

const char *trigger_metric_names(void)
{
	return "biolatency, runqlat, fsslower, offcpu";
}

const char *trigger_family(const struct trigger_cond *c)
{
	return c->metric->family;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int trigger_parse(struct trigger_spec *s, const char *expr, char *msg, size_t len)
{
	struct trigger_cond *c = &s->conds[s->n];
	const char *p = skip_blanks(expr), *name = p;
	char latency[32];
	size_t n;

	if (s->n == TRIGGER_MAX) {
		snprintf(msg, len, "more than %d --trigger", TRIGGER_MAX);
		return -1;
	}
	memset(c, 0, sizeof(*c));
	while ((*p >= 'a' && *p <= 'z') || *p == '_')
		p++;
	for (size_t i = 0; i < ARRAY_SIZE(metrics); i++)
		if (strlen(metrics[i].name) == (size_t)(p - name) &&
		    !strncmp(metrics[i].name, name, (size_t)(p - name)))
			c->metric = &metrics[i];
	if (!c->metric) {
		snprintf(msg, len, "--trigger needs 'METRIC > LATENCY', METRIC one of %s, not '%s'",
			 trigger_metric_names(), expr);
		return -1;
	}
	p = skip_blanks(p);
	if (*p != '>')
		goto bad;
	c->or_equal = p[1] == '=';
	p = skip_blanks(p + 1 + c->or_equal);
	n = strcspn(p, " \t");
	if (n >= sizeof(latency) || *skip_blanks(p + n))
		goto bad;
	memcpy(latency, p, n);
	latency[n] = 0;
	/* a day at most: a latency, not an uptime */
	if (duration_parse(latency, &c->threshold_ns) || c->threshold_ns > 86400000000000ull)
		goto bad;
	snprintf(c->expr, sizeof(c->expr), "%s %s %s", c->metric->name, c->or_equal ? ">=" : ">",
		 latency);
	s->n++;
	return 0;
bad:
	snprintf(msg, len, "--trigger needs 'METRIC > LATENCY' (or >=), LATENCY with a unit (ns, "
		 "us, ms, s: 'biolatency > 100ms'), not '%s'", expr);
	return -1;
}

void trigger_init(struct trigger *t, const struct trigger_spec *spec, uint64_t window_ns)
{
	memset(t, 0, sizeof(*t));
	if (!spec || !spec->n)
		return;
	t->spec = spec;
	/* three quarters of the window before the event, one after */
	t->after_ns = spec->after_set ? spec->after_ns : window_ns / 4;
	/* by default the next file's window begins after this one's end: files never overlap */
	t->holdoff_ns = spec->holdoff_set ? spec->holdoff_ns : window_ns;
}

void trigger_event(struct trigger *t, uint32_t type, uint64_t ts, const struct ebr_value *v)
{
	for (size_t i = 0; i < t->spec->n; i++) {
		const struct trigger_cond *c = &t->spec->conds[i];
		const struct trigger_metric *m = c->metric;
		uint64_t value = v[m->field].u;

		if (type != m->type || value < c->threshold_ns ||
		    (value == c->threshold_ns && !c->or_equal))
			continue;
		if (m->flags >= 0 && !(v[m->flags].u & m->known))
			continue;
		if (t->pending || ts < t->armed_from) {
			t->held_off++;
			return;
		}
		t->pending = true;
		t->fire = (struct trigger_fire){ .cond = c, .type = type, .ts = ts,
						 .value_ns = value, .pid = v[m->pid].u,
						 .tid = v[m->tid].u };
		if (v[m->comm].s)
			snprintf(t->fire.comm, sizeof(t->fire.comm), "%s", v[m->comm].s);
		return;
	}
}

bool trigger_due(const struct trigger *t, uint64_t now_ns)
{
	return t->pending && now_ns >= t->fire.ts + t->after_ns;
}

void trigger_path(const char *out, uint64_t realtime_ns, char *buf, size_t len)
{
	unsigned ms = (unsigned)(realtime_ns / 1000000ull % 1000);
	size_t n = strlen(out);
	char stamp[32];

	host_utc_stamp(realtime_ns, stamp, sizeof(stamp));
	if (n > 4 && !strcmp(out + n - 4, ".ebr"))
		n -= 4;
	snprintf(buf, len, "%.*s-trigger-%s.%03uZ.ebr", (int)n, out, stamp, ms);
}

int trigger_meta(const struct trigger *t, struct ebr_writer *w, uint64_t to_ns,
		 uint64_t fired_real)
{
	const struct trigger_fire *f = &t->fire;
	const struct ebr_event_def *def = ebr_event_def(f->type);
	char expr[TRIGGER_MAX * (TRIGGER_EXPR_MAX + 2)] = "";
	int err;

	for (size_t i = 0; i < t->spec->n; i++)
		snprintf(expr + strlen(expr), sizeof(expr) - strlen(expr), "%s%s", i ? "; " : "",
			 t->spec->conds[i].expr);
	err = ebr_writer_meta(w, "trigger.conditions", expr);
	err = err ?: ebr_writer_meta(w, "trigger.fired", f->cond->expr);
	err = err ?: ebr_writer_meta(w, "trigger.event", def ? def->name : "?");
	err = err ?: record_meta_u64(w, "trigger.fired_ns", f->ts);
	err = err ?: record_meta_u64(w, "trigger.fired_realtime_ns", fired_real);
	err = err ?: record_meta_u64(w, "trigger.value_ns", f->value_ns);
	err = err ?: record_meta_u64(w, "trigger.pid", f->pid);
	err = err ?: record_meta_u64(w, "trigger.tid", f->tid);
	err = err ?: ebr_writer_meta(w, "trigger.comm", f->comm);
	err = err ?: record_meta_u64(w, "trigger.after_ns", to_ns > f->ts ? to_ns - f->ts : 0);
	err = err ?: record_meta_u64(w, "trigger.holdoff_ns", t->holdoff_ns);
	err = err ?: record_meta_u64(w, "trigger.held_off", t->held_off);
	return err ?: record_meta_u64(w, "trigger.seq", t->nfired + 1);
}

int trigger_done(struct trigger *t, const char *path, uint64_t keep)
{
	char *copy;

	t->pending = false;
	t->armed_from = t->fire.ts + (t->holdoff_ns > t->after_ns ? t->holdoff_ns : t->after_ns);
	t->held_off = 0;
	if (!path)
		return 0;
	t->nfired++;
	copy = strdup(path);
	if (!copy || record_grow(&t->files, t->nfiles, &t->cap, sizeof(*t->files), 8)) {
		free(copy);
		return -ENOMEM;
	}
	t->files[t->nfiles++] = copy;
	while (keep && t->nfiles > keep) {
		/* gone already (someone removed it): as good */
		if (unlink(t->files[0]) != 0 && errno != ENOENT)
			fprintf(stderr, "ebrec record: cannot remove %s: %s\n", t->files[0],
				strerror(errno));
		free(t->files[0]);
		memmove(&t->files[0], &t->files[1], (t->nfiles - 1) * sizeof(*t->files));
		t->nfiles--;
	}
	return 0;
}

void trigger_free(struct trigger *t)
{
	for (size_t i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	free(t->files);
	t->files = NULL;
	t->nfiles = t->cap = 0;
}
