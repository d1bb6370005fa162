/* SPDX-License-Identifier: GPL-2.0-only */
/* The growable arrays of analyze/'s models (groups, intervals, processes, paths). */
#ifndef EBREC_ANALYZE_GROW_H
#define EBREC_ANALYZE_GROW_H

#include <stddef.h>
#include <stdint.h>

/*
 * Room for element len of arr (of *cap elements of elem bytes): arr itself when it has room,
 * else arr reallocated to twice the capacity (at least 8), *cap updated. NULL when out of
 * memory or when the capacity would overflow; arr is then unchanged and still owned.
 */
void *grow_array(void *arr, uint32_t len, uint32_t *cap, size_t elem);

#endif
