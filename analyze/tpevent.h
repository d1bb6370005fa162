/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoint events as ftrace prints them, anywhere: the format files a trace carries (META
 * format.<type>, FORMAT.md "Types described by the file") parsed by libtraceevent, the library
 * trace-cmd and perf use, and each event's record rebuilt from its fields for the format's
 * print fmt. Format files come from the trace, so they are untrusted: one that libtraceevent
 * would misread memory for (an index, a division, a length taken from a field, a conversion
 * it does not bound) is not used, and its events are left to the caller's field listing.
 */
#ifndef EBREC_ANALYZE_TPEVENT_H
#define EBREC_ANALYZE_TPEVENT_H

#include <stddef.h>
#include <stdint.h>
#include "format/ebr.h"

#define TPEVENT_FORMAT_MAX (64u << 10) /* bytes of a format file a reader parses */

struct tpevent;

/* 0 with *out set, or -ENOMEM. */
int tpevent_new(struct tpevent **out);
void tpevent_free(struct tpevent *t);

/*
 * The print format's text of ev, an event of schema entry ti (ebr_reader_type_at) of r, into
 * out (NUL-terminated, cut to len): 1 when printed, 0 when the type has no usable format file
 * (not a tracepoint, none in the trace, or one refused above), -ENOMEM. A type's format is
 * parsed at its first event and kept.
 */
int tpevent_print(struct tpevent *t, const struct ebr_reader *r, uint32_t ti,
		  const struct ebr_event *ev, char *out, size_t len);

/*
 * Whether a format file is one this reader gives libtraceevent, and its print fmt one it
 * lets it print (exposed for the unit tests and the fuzzer).
 */
int tpevent_format_usable(const char *text, size_t len);

#endif
