// SPDX-License-Identifier: GPL-2.0-only
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "format/mem.h"

static size_t mem_limit;
static int64_t mem_held;  /* signed: a foreign pointer given to ebr_free() must not wrap it */
static bool mem_refused;
static uint64_t mem_decoded;

void ebr_mem_note_decoded(size_t bytes)
{
	__atomic_add_fetch(&mem_decoded, bytes, __ATOMIC_RELAXED);
}

uint64_t ebr_mem_decoded(void)
{
	return __atomic_load_n(&mem_decoded, __ATOMIC_RELAXED);
}

void ebr_mem_set_limit(size_t bytes)
{
	__atomic_store_n(&mem_limit, bytes, __ATOMIC_RELAXED);
}

size_t ebr_mem_limit(void)
{
	return __atomic_load_n(&mem_limit, __ATOMIC_RELAXED);
}

size_t ebr_mem_held(void)
{
	int64_t held = __atomic_load_n(&mem_held, __ATOMIC_RELAXED);

	return held > 0 ? (size_t)held : 0;
}

bool ebr_mem_limit_reached(void)
{
	return __atomic_load_n(&mem_refused, __ATOMIC_RELAXED);
}

/* May `more` bytes be added to what is held, of which `less` are about to be freed? */
static bool mem_fits(size_t more, size_t less)
{
	size_t limit = ebr_mem_limit(), held = ebr_mem_held();

	held = held > less ? held - less : 0;
	if (!limit || (more <= limit && held <= limit - more))
		return true;
	__atomic_store_n(&mem_refused, true, __ATOMIC_RELAXED);
	return false;
}

static void mem_count(void *p, int64_t sign)
{
	if (p)
		__atomic_add_fetch(&mem_held, sign * (int64_t)malloc_usable_size(p),
				   __ATOMIC_RELAXED);
}

void *ebr_malloc(size_t size)
{
	void *p = mem_fits(size, 0) ? malloc(size) : NULL;

	mem_count(p, 1);
	return p;
}

void *ebr_calloc(size_t n, size_t size)
{
	void *p = NULL;

	if (!size || n <= SIZE_MAX / size)
		p = mem_fits(n * size, 0) ? calloc(n, size) : NULL;
	mem_count(p, 1);
	return p;
}

void *ebr_realloc(void *p, size_t size)
{
	size_t old = p ? malloc_usable_size(p) : 0;
	void *q;

	if (!mem_fits(size, old))
		return NULL;
	q = realloc(p, size);
	if (q || !size) {
		__atomic_sub_fetch(&mem_held, (int64_t)old, __ATOMIC_RELAXED);
		mem_count(q, 1);
	}
	return q;
}

static char *mem_dup(const char *s, size_t len)
{
	char *d = ebr_malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = 0;
	}
	return d;
}

char *ebr_strndup(const char *s, size_t n)
{
	return mem_dup(s, strnlen(s, n));
}

char *ebr_strdup(const char *s)
{
	return mem_dup(s, strlen(s));
}

void ebr_free(void *p)
{
	mem_count(p, -1);
	free(p);
}
