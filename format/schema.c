// SPDX-License-Identifier: BSD-2-Clause
/* The compiled-in event table, generated from events.def. */
#include <pthread.h>
#include "array_size.h"
#include "ebr.h"
#include "wire.h"

/* Every field of every type, in events.def order: a type's fields are contiguous. */
static const struct {
	uint32_t event;
	uint32_t index;
	struct ebr_field_def def;
} all_fields[] = {
#define EBR_EVENT(id, cname, name, desc)
#define EBR_FIELD(ev, idx, cname, name, kind, desc) { EBR_EV_##ev, idx, { name, kind, desc } },
#include "events.def"
#undef EBR_EVENT
#undef EBR_FIELD
};

static struct ebr_event_def all_events[] = {
#define EBR_EVENT(id, cname, name, desc) { id, name, desc, 0, NULL },
#define EBR_FIELD(ev, idx, cname, name, kind, desc)
#include "events.def"
#undef EBR_EVENT
#undef EBR_FIELD
};

#define EBR_EVENT(id, cname, name, desc)
#define EBR_FIELD(ev, idx, cname, name, kind, desc) \
	_Static_assert((idx) < EBR_BUILD_FIELDS, #ev " has more fields than EBR_BUILD_FIELDS");
#include "events.def"
#undef EBR_EVENT
#undef EBR_FIELD

#define NEVENTS ARRAY_SIZE(all_events)
#define NFIELDS_ALL ARRAY_SIZE(all_fields)

static struct ebr_field_def field_defs[NFIELDS_ALL];
static pthread_once_t schema_once = PTHREAD_ONCE_INIT;
/*
 * Each type id's index in all_events, plus 1 (0: no such type): the writer looks its type up
 * at every event, and a search of the table was 3% of a scheduler storm's recorder CPU.
 */
static uint8_t event_index[EBR_EV_LIMIT];
_Static_assert(NEVENTS < UINT8_MAX, "event_index holds an index of all_events");

static void schema_init(void)
{
	for (size_t i = 0; i < NFIELDS_ALL; i++)
		field_defs[i] = all_fields[i].def;
	for (size_t e = 0; e < NEVENTS; e++) {
		if (all_events[e].id < EBR_EV_LIMIT)
			event_index[all_events[e].id] = (uint8_t)(e + 1);
		for (size_t i = 0; i < NFIELDS_ALL; i++) {
			if (all_fields[i].event != all_events[e].id)
				continue;
			if (!all_events[e].fields)
				all_events[e].fields = &field_defs[i];
			all_events[e].nfields++;
		}
	}
}

uint32_t ebr_event_def_count(void)
{
	return NEVENTS;
}

const struct ebr_event_def *ebr_event_def_at(uint32_t i)
{
	pthread_once(&schema_once, schema_init);
	return i < NEVENTS ? &all_events[i] : NULL;
}

const struct ebr_event_def *ebr_event_def(uint32_t id)
{
	pthread_once(&schema_once, schema_init);
	return id < EBR_EV_LIMIT && event_index[id] ? &all_events[event_index[id] - 1] : NULL;
}

void wbuf_schema_type(struct wbuf *b, uint32_t id, const struct ebr_event_def *d)
{
	wbuf_varint(b, id);
	wbuf_str(b, d->name, strlen(d->name));
	wbuf_varint(b, d->nfields);
	for (uint32_t f = 0; f < d->nfields; f++) {
		wbuf_str(b, d->fields[f].name, strlen(d->fields[f].name));
		wbuf_varint(b, d->fields[f].kind);
	}
}

void wbuf_schema_types(struct wbuf *b)
{
	uint32_t n = ebr_event_def_count();

	for (uint32_t i = 0; i < n; i++)
		wbuf_schema_type(b, ebr_event_def_at(i)->id, ebr_event_def_at(i));
}
