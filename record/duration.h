/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Durations on record's command line, one syntax for all: --rotate and --flight-recorder's
 * DURATION, --trigger's LATENCY, --trigger-after and --trigger-holdoff.
 */
#ifndef EBREC_RECORD_DURATION_H
#define EBREC_RECORD_DURATION_H

#include <stdint.h>

/*
 * A number (decimals allowed: "1.5ms") and its unit, lowercase (ns, us, ms, s, m or min,
 * h, d: "10m" is ten minutes), into *ns, rounded to the nanosecond. 0, or -1 when s is no
 * such duration, is under 1 ns or does not fit 64 bits. Callers bound it further.
 */
int duration_parse(const char *s, uint64_t *ns);

#endif
