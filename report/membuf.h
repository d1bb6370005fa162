/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A FILE that writes into a growing buffer, as open_memstream(3), except that a buffer that
 * cannot grow makes the write fail (ferror() is set): glibc's memstream drops the bytes and
 * says nothing, so a view's JSON for the HTML page could lose a piece and still look whole.
 */
#ifndef EBREC_REPORT_MEMBUF_H
#define EBREC_REPORT_MEMBUF_H

#include <stddef.h>
#include <stdio.h>

struct membuf {
	char *data; /* NUL-terminated after fflush(); owned, free() it after fclose() */
	size_t len, cap;
};

/* A stream writing into b (zeroed by the caller), or NULL with errno set; ftell() works. */
FILE *membuf_open(struct membuf *b);

#endif
