// SPDX-License-Identifier: GPL-2.0-only
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "format/ebr.h"
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

#if defined(__SANITIZE_ADDRESS__)
#define BIG_MIN SIZE_MAX /* malloc'd, so that ASan sees each buffer's end */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIG_MIN SIZE_MAX
#endif
#endif
/* the size of a transparent huge page on x86-64 and arm64 with 4 KiB pages */
#define BIG_PAGE ((size_t)2 << 20)
#ifndef BIG_MIN
#define BIG_MIN (BIG_PAGE / 2)
#endif

/*
 * The bytes a big buffer of cap elements maps: whole huge pages. A huge page is zeroed whole
 * at its fault, which for a buffer of a few hundred KB costs more than the small pages' faults
 * (in this VM a 2 MiB page cost about 75 faults of 4 KiB: 1.5 ms), so only a buffer of half
 * a huge page or more is one (BIG_MIN).
 */
static size_t big_bytes(size_t cap, size_t elem)
{
	size_t bytes = cap * elem;

	return bytes < BIG_MIN ? 0 : (bytes + BIG_PAGE - 1) & ~(BIG_PAGE - 1);
}

/*
 * bytes (whole huge pages) mapped from a 2 MiB boundary, which the kernel does not promise for
 * every length, with huge pages asked for; MAP_FAILED when the kernel has no room
 */
static void *big_map(size_t bytes)
{
	size_t len = bytes + BIG_PAGE;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0), *a;

	if (p == MAP_FAILED)
		return p;
	a = (unsigned char *)(((uintptr_t)p + BIG_PAGE - 1) & ~(uintptr_t)(BIG_PAGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + bytes, (size_t)(p + len - (a + bytes)));
	/* refused where the kernel has no THP: small pages then, as malloc's */
	(void)madvise(a, bytes, MADV_HUGEPAGE);
	return a;
}

int ebr_big_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t old = big_bytes(*cap, elem), bytes;
	void *q;

	if (need <= *cap)
		return 0;
	if (!elem || need > SIZE_MAX / elem - BIG_PAGE)
		return EBR_E_NOMEM;
	if (need * elem < BIG_MIN) {
		if (!(q = ebr_realloc(*p, need * elem)))
			return EBR_E_NOMEM;
		*p = q;
		*cap = need;
		return 0;
	}
	bytes = big_bytes(need, elem);
	if (!mem_fits(bytes, old ? old : (*p ? malloc_usable_size(*p) : 0)))
		return EBR_E_NOMEM;
	/* a new mapping, not mremap(), which may move it off the 2 MiB boundary */
	if ((q = big_map(bytes)) == MAP_FAILED)
		return EBR_E_NOMEM;
	if (*p)
		memcpy(q, *p, *cap * elem);
	ebr_big_free(*p, *cap, elem);
	__atomic_add_fetch(&mem_held, (int64_t)bytes, __ATOMIC_RELAXED);
	*p = q;
	*cap = bytes / elem;
	return 0;
}

void ebr_big_free(void *p, size_t cap, size_t elem)
{
	size_t bytes = big_bytes(cap, elem);

	if (!p)
		return;
	if (!bytes) {
		ebr_free(p);
		return;
	}
	munmap(p, bytes);
	__atomic_sub_fetch(&mem_held, (int64_t)bytes, __ATOMIC_RELAXED);
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
