/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a line says of a generic probe's event (`ebrec script`, the probes view): for a
 * tracepoint, the text of its own print format (analyze/tpevent.c) and then the fields that
 * format has no place for ("filename_str=\"/etc/hosts\""); otherwise every field as
 * name=value (a uprobe's registers in hex), but the stacks. Not escaped: the caller escapes
 * for its output.
 */
#ifndef EBREC_REPORT_PROBE_TEXT_H
#define EBREC_REPORT_PROBE_TEXT_H

#include <stddef.h>
#include "analyze/probes.h"
#include "analyze/tpevent.h"

#define PROBE_TEXT_MAX (64u << 10) /* bytes of one event's text; longer ones are cut */

/* The text of row into out (len bytes, NUL-terminated): 0 or EBR_E_NOMEM. */
int probe_text(struct tpevent *tp, const struct ebr_reader *r, const struct probe_row *row,
	       char *out, size_t len);
/* Only the print format's text (tracepoints): 1 printed, 0 none usable, or EBR_E_NOMEM. */
int probe_format_text(struct tpevent *tp, const struct ebr_reader *r,
		      const struct probe_row *row, char *out, size_t len);

#endif
