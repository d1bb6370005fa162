/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A trace's events in time order. They are in the file in the order the recorder's ring
 * buffer handed them over, which departs from time order by at most record.max_reorder_ns
 * (FORMAT.md "Event order"). An analyzer for which the order of events on different CPUs
 * matters (a program that stores a time at one event and reads it at another) reads through a
 * reorder: each event is copied and held until no event still to come in the file can
 * precede it, then offered to the next analyzer; events of equal time keep their file order.
 */
#ifndef EBREC_ANALYZE_REORDER_H
#define EBREC_ANALYZE_REORDER_H

#include <stdint.h>
#include "analyze/pass.h"

struct reorder;

/*
 * A reorder over window_ns (0: events are passed on as they come, nothing held) in front of
 * next (borrowed: must outlive it). Returns 0 or EBR_E_NOMEM. Held events count against
 * format/mem.h's budget, so --max-memory bounds a window that a hostile trace made huge.
 */
int reorder_new(struct reorder **out, uint64_t window_ns, const struct analyzer *next);

/* The analyzer of the pass (self: the reorder). Returns what next returned, or EBR_E_NOMEM. */
int reorder_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev);

/* Offers every event still held, in time order: at the end of the pass. Returns as above. */
int reorder_flush(struct reorder *ro, const struct ebr_reader *r);

void reorder_free(struct reorder *ro);

#endif
