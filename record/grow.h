/* SPDX-License-Identifier: GPL-2.0-only */
/* The growable arrays of record/'s tables (processes, objects, files of a series). */
#ifndef EBREC_RECORD_GROW_H
#define EBREC_RECORD_GROW_H

#include <stddef.h>

/*
 * Room for one more element in *arr (n used of *cap, elem bytes each): doubled from `first`
 * when full. 0, or -ENOMEM with *arr unchanged.
 */
int record_grow(void *arr, size_t n, size_t *cap, size_t elem, size_t first);

#endif
