// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include "analyze/grow.h"
#include "format/mem.h"

void *grow_array(void *arr, uint32_t len, uint32_t *cap, size_t elem)
{
	uint32_t n = *cap ? *cap * 2 : 8;
	void *p;

	if (len < *cap)
		return arr;
	/* a hostile trace may ask for billions of groups: refuse before the sizes wrap */
	if (n <= *cap || (size_t)n > SIZE_MAX / elem)
		return NULL;
	p = ebr_realloc(arr, (size_t)n * elem);
	if (p)
		*cap = n;
	return p;
}
