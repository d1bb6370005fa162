/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ebrec record --flight-recorder DURATION -o FILE`: the last DURATION of events, kept in
 * memory as compressed segments and written to FILE on SIGUSR1, on `ebrec record --dump PID`
 * and on exit.
 *
 * The segments are the rotation's files (record/rotate.c), written into memory: each is a
 * whole trace of DURATION / FLIGHT_SPLIT, with its own snapshot, counts and clock pairs, and
 * those that end before the window are dropped, as are the oldest ones past the memory budget.
 * Segments cannot be joined into one file as they are (each has its schema and META first:
 * format/FORMAT.md), so a dump reads them back and writes one trace of the window: META of
 * the first with the window's start clock, the process snapshot as of the window's start (the
 * first segment's, followed through the proc events before the window), every event of the
 * window, and the symbols of the window's stacks, resolved once.
 */
#ifndef EBREC_RECORD_FLIGHT_H
#define EBREC_RECORD_FLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "format/ebr.h"

/* Segments of a window: a dump holds between DURATION and DURATION * (1 + 1/SPLIT) of them. */
#define FLIGHT_SPLIT 4
#define FLIGHT_SEGMENTS (FLIGHT_SPLIT + 2) /* those of the window and the one being written */
/*
 * The most segments held: a dump (SIGUSR1, a trigger's) also ends one, so a window may hold
 * more, shorter ones (a trigger that re-arms at once ends one each time it writes); past it,
 * the oldest goes, as past the budget
 */
#define FLIGHT_SEGMENTS_MAX (4 * FLIGHT_SPLIT + 2)
#define FLIGHT_DEFAULT_BUDGET (64ull << 20)
#define FLIGHT_MIN_BUDGET (4ull << 20)

struct flight_segment {
	struct ebr_mem_sink mem; /* a whole trace */
	uint64_t t_start, t_end; /* monotonic ns; t_end 0 while it is written */
};

struct flight {
	uint64_t window_ns, budget;
	struct flight_segment *segs[FLIGHT_SEGMENTS_MAX]; /* oldest first; the last is written */
	size_t n;
	/* events before this time were dropped to keep within the budget (0: none) */
	uint64_t budget_dropped_until;
	unsigned ndumps; /* dump files (not the trigger's) written so far */
	/*
	 * A trigger's window, which ended a little before the segment is ended to write it, begins
	 * here: segments that end after it stay (0: none)
	 */
	uint64_t keep_from;
};

/* Catches SIGUSR1: a dump is asked for (flight_dump_asked()). */
void flight_catch_signal(void);
/* Whether a dump was asked for since the last call. */
bool flight_dump_asked(void);
/*
 * `ebrec record --dump PID`: sends SIGUSR1 to PID once it is seen to be an `ebrec record
 * --flight-recorder`. Returns the exit status (0, or 1 having said what is wrong).
 */
int flight_ask_dump(const char *pid_arg);

/* Begins a segment at now_ns; its sink is flight_sink(). 0 or -ENOMEM. */
int flight_segment_begin(struct flight *f, uint64_t now_ns);
/* The writer's sink into the segment being written. */
void flight_sink(struct flight *f, struct ebr_sink *sink);
/*
 * The segment being written is complete (its writer closed) at now_ns: segments before the
 * window and past the budget are dropped.
 */
void flight_segment_end(struct flight *f, uint64_t now_ns);
/* Whether the segment being written, begun at start_ns, ends now. */
bool flight_due(const struct flight *f, uint64_t start_ns, uint64_t now_ns);
void flight_free(struct flight *f);

struct recorder;
/*
 * Writes the window ending at now_ns from the complete segments into the next dump file
 * (-o FILE, then FILE.2.ebr, FILE.3.ebr...). 0, or a negative errno having said what failed.
 */
int flight_write(struct recorder *rec, uint64_t now_ns);
/* SIGUSR1: ends the segment being written (record_rotate()), then writes the window. */
int flight_dump(struct recorder *rec);
/*
 * --trigger (record/trigger.h): writes the window of the trigger that fired, ending
 * --trigger-after past the event or at end_ns, whichever is first, from the complete
 * segments, into its own file; then re-arms the trigger. A file that could not be written is
 * said; 0, or -ENOMEM.
 */
int flight_trigger_write(struct recorder *rec, uint64_t end_ns);
/* The trigger's window has ended (trigger_due()): ends the segment, then writes it. */
int flight_trigger_dump(struct recorder *rec);

#endif
