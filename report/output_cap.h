/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bound on what a reading command writes (docs/ARCHITECTURE.md, "Hostile traces"). A
 * trace's events can each expand to kilobytes of text (a one-byte relative path joined to a
 * working directory of 4 KiB, a stack of 256 frames named 1 KiB each), so the output of
 * `report`, `dump`, `script`, `query` and `export` is at most OUTPUT_CAP_FACTOR times the
 * bytes of trace they decoded (format/mem.h) plus OUTPUT_CAP_FLOOR, or what --max-output
 * says. Past it a write fails (EFBIG) after one line on stderr, so the command ends with its
 * usual write error and exit status 1 instead of filling the disk.
 */
#ifndef EBREC_REPORT_OUTPUT_CAP_H
#define EBREC_REPORT_OUTPUT_CAP_H

#include <stdint.h>
#include <stdio.h>

/* `dump --json` writes 84 bytes for each byte of an openat storm's trace (2.5 bytes an event) */
#define OUTPUT_CAP_FACTOR 1024
#define OUTPUT_CAP_FLOOR (64ull << 20)

/* --max-output SIZE ("512M", "2G", bytes; 0: no bound): 0, or 2 after saying what is wrong. */
int output_cap_option(const char *cmd, const char *size);
/*
 * A stream that writes to f's descriptor within the bound, and closes f when it is closed
 * (f = stdout: never closed); NULL (errno set) if it cannot be made. Every stream made here
 * shares one count: the bound is on the command's whole output. f is closed when no stream
 * can be made, so output_cap_stream(fopen(...)) is safe.
 */
FILE *output_cap_stream(FILE *f, const char *cmd);
/* stdout replaced by output_cap_stream(stdout) once, for the commands that write there. */
int output_cap_stdout(const char *cmd);
/* Bytes written through the capped streams so far. */
uint64_t output_cap_written(void);

#endif
