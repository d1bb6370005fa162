/* SPDX-License-Identifier: BSD-2-Clause */
/* What the fuzz targets share: the input as a trace reader reads it, from memory or a file. */
#ifndef EBREC_TESTS_FUZZ_INPUT_H
#define EBREC_TESTS_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include "format/ebr.h"

/* A reader over data, or NULL when the input is refused at open (also fine). */
struct ebr_reader *fuzz_open(struct ebr_mem_source *ms, const uint8_t *data, size_t size);

/*
 * The input as a file a command opens by name (a memfd, /proc/self/fd/N), written into path;
 * 0, or -1 when it could not be made. Standard output goes to /dev/null from the first call.
 */
int fuzz_file(const uint8_t *data, size_t size, char *path, size_t len);

#endif
