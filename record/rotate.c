// SPDX-License-Identifier: GPL-2.0-only
/*
 * --rotate: the seam between two files of a series. It falls between two chunks of what the
 * drain thread handed over, on the thread that writes them, so every record goes to exactly
 * one file: the one open when its chunk is written. The file that ends gets what a recording's
 * end gets (its stacks' symbols, every probe's counts, the TCP sessions open, the end clock
 * pair); the one that begins what a recording's start gets (host facts, what is recorded,
 * the snapshots: the processes from the recorder's table, the TCP sessions from sock_diag,
 * the objects and mappings its stacks may use), and the series' META. A flight recorder's
 * segments are such files, in memory (record/flight.h).
 */
#include "record/recorder.h"

int record_rotate(struct recorder *rec)
{
	struct host_clocks seam;
	int err;

	/*
	 * What the probes emitted until now goes into the file that ends, however far behind the
	 * writer was (the last seam's symbols may have taken it a second): a file's events are
	 * those of its span, to the drain interval.
	 */
	err = record_catch_up(rec);
	host_clocks_now(&rec->seam);
	seam = rec->seam;
	err = err ?: record_file_tail(rec, &seam);
	err = err ?: record_trace_end(rec);
	if (rec->flying) {
		if (!err)
			flight_segment_end(&rec->flight, seam.mono);
		err = err ?: flight_segment_begin(&rec->flight, seam.mono);
	} else {
		err = err ?: series_file_done(&rec->series, rec->bytes);
		err = err ?: series_file_create(&rec->series, seam.real);
	}
	if (err)
		return err;
	rec->file_start = seam.mono;
	rec->nfile++;
	return record_trace_begin(rec);
}
