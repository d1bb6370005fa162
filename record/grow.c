// SPDX-License-Identifier: GPL-2.0-only
/* Growable arrays (record/grow.h). */
#include <errno.h>
#include <stdlib.h>
#include "record/grow.h"

int record_grow(void *arr, size_t n, size_t *cap, size_t elem, size_t first)
{
	void **p = arr;
	size_t ncap = *cap ? *cap * 2 : first;
	void *grown;

	if (n < *cap)
		return 0;
	grown = reallocarray(*p, ncap, elem);
	if (!grown)
		return -ENOMEM;
	*p = grown;
	*cap = ncap;
	return 0;
}
