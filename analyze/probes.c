// SPDX-License-Identifier: GPL-2.0-only
/* The generic probes' events (analyze/probes.h). */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/probes.h"

bool probe_name_generic(const char *name)
{
	return !strncmp(name, "tracepoint:", 11) || !strncmp(name, "uprobe:", 7) ||
	       !strncmp(name, "uretprobe:", 10) || !strncmp(name, "usdt:", 5);
}

/* The index of type ti's field name of kind want, or -1. */
static int32_t field_index(const struct ebr_reader *r, uint32_t ti, const char *name,
			   enum ebr_kind want)
{
	const char *tname, *fname;
	enum ebr_kind kind;
	uint32_t id, nf;

	ebr_reader_type_at(r, ti, &id, &tname, &nf);
	for (uint32_t f = 0; f < nf; f++)
		if (!ebr_reader_type_field(r, ti, f, &fname, &kind) && kind == want &&
		    !strcmp(fname, name))
			return (int32_t)f;
	return -1;
}

static void type_learn(struct probe_type *t, const struct ebr_reader *r, uint32_t ti)
{
	const char *name = "?", *colon;
	uint32_t id, nf;

	t->seen = true;
	ebr_reader_type_at(r, ti, &id, &name, &nf);
	t->name = name;
	t->generic = probe_name_generic(name);
	if (!t->generic)
		return;
	t->tracepoint = !strncmp(name, "tracepoint:", 11);
	t->hex_args = !strncmp(name, "uprobe:", 7) || !strncmp(name, "uretprobe:", 10);
	colon = t->tracepoint ? strchr(name + 11, ':') : NULL;
	t->short_name = colon ? colon + 1 : name;
	t->pid = field_index(r, ti, "common_pid", EBR_KIND_U64);
	t->tgid = field_index(r, ti, "common_tgid", EBR_KIND_U64);
	t->comm = field_index(r, ti, "common_comm", EBR_KIND_STR);
}

const struct probe_type *probe_type_of(struct probe_types *t, const struct ebr_reader *r,
				       const struct ebr_event *ev, uint32_t *ti, int *err)
{
	int i = ev->type == EBR_EV_UNKNOWN ? ebr_reader_type_index(r, ev->file_type) : -1;

	*err = 0;
	if (i < 0)
		return NULL;
	if (!t->v) {
		uint32_t n = ebr_reader_type_count(r);

		t->v = calloc(n ? n : 1, sizeof(*t->v));
		if (!t->v) {
			*err = EBR_E_NOMEM;
			return NULL;
		}
		t->n = n;
	}
	if ((uint32_t)i >= t->n)
		return NULL;
	if (!t->v[i].seen)
		type_learn(&t->v[i], r, (uint32_t)i);
	*ti = (uint32_t)i;
	return t->v[i].generic ? &t->v[i] : NULL;
}

void probe_types_release(struct probe_types *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

bool probe_events_selects(const struct probe_events *p, const char *name)
{
	for (size_t i = 0; i < p->nselect; i++)
		if (!fnmatch(p->select[i], name, 0))
			return true;
	return !p->nselect;
}

static const struct ebr_value *value_at(const struct ebr_event *ev, int32_t i)
{
	return i >= 0 && (uint32_t)i < ev->nraw ? &ev->raw[i] : NULL;
}

int probe_events_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct probe_events *p = self;
	struct probe_row row = { .ev = ev, .comm = "" };
	const struct ebr_value *v;
	int err;

	row.type = probe_type_of(&p->types, r, ev, &row.ti, &err);
	if (!row.type || !probe_events_selects(p, row.type->name))
		return err;
	if ((v = value_at(ev, row.type->pid)))
		row.tid = v->u;
	if ((v = value_at(ev, row.type->tgid)))
		row.pid = v->u;
	if ((v = value_at(ev, row.type->comm)) && v->s) {
		row.comm = v->s;
		row.comm_len = v->len;
	}
	if (!proc_filter_match(&p->who, row.pid, row.comm))
		return 0;
	return p->emit(p->ctx, &row);
}

void probe_events_release(struct probe_events *p)
{
	probe_types_release(&p->types);
}
