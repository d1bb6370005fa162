/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memory every reading command holds for a trace, counted where it is allocated: the
 * reader's tables, the models analyze/ builds, the views' rows, redact's maps. A hostile
 * trace of a few KB can ask for gigabytes (a string referenced by every event, a stack of a
 * thousand frames in every process), and one event can ask for megabytes, so the budget is
 * checked at each allocation, not now and then.
 *
 * It is the one process-wide state of format/ (with the count of bytes decoded, below): a
 * command sets the budget once, before it
 * reads (--max-memory), and every layer that holds trace-derived data allocates through here.
 * An allocation that would take the bytes held over the budget fails as malloc() does when
 * memory runs out (NULL), and the refusal is remembered, so that the command can say that its
 * limit was reached rather than that the machine ran out. Without a budget (0) nothing is
 * refused. Memory from these functions is freed with ebr_free() (free() works, but the bytes
 * stay counted); the counts are atomic.
 */
#ifndef EBREC_FORMAT_MEM_H
#define EBREC_FORMAT_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *ebr_malloc(size_t size);
void *ebr_calloc(size_t n, size_t size);
void *ebr_realloc(void *p, size_t size);
char *ebr_strdup(const char *s);
char *ebr_strndup(const char *s, size_t n);
void ebr_free(void *p);

/*
 * A buffer the reader writes whole for every block it decodes (a block's events as words,
 * their order): megabytes, touched page by page when new. Where a page fault costs 10-25 us
 * (the VMs ebrec is measured on), the faults of a small trace's blocks cost more than
 * decoding them (2,000 faults, 40 of 60 ms for 187,000 events), so from 1 MiB on it
 * is whole huge pages from a 2 MiB boundary, with transparent huge pages asked for (a fault a
 * 2 MiB page, where the kernel's THP setting allows); below that, and under ASan, it is
 * ebr_realloc()'s. *cap counts elements; returns 0 or EBR_E_NOMEM (ebr.h). Freed with
 * ebr_big_free() and the same cap and elem, never ebr_free().
 */
int ebr_big_grow(void **p, size_t *cap, size_t need, size_t elem);
void ebr_big_free(void *p, size_t cap, size_t elem);

/* The budget in bytes (0: none). */
void ebr_mem_set_limit(size_t bytes);
size_t ebr_mem_limit(void);
/* Bytes allocated here and not freed (as malloc_usable_size() counts them). */
size_t ebr_mem_held(void);
/* An allocation was refused for the budget since the start (sticky). */
bool ebr_mem_limit_reached(void);

/*
 * Bytes of block payload the readers of this process have decoded (after zstd): what a
 * command's output is bounded by (report/output_cap.h), since a hostile trace's few KB can
 * decompress to megabytes and each event can expand to kilobytes of text.
 */
void ebr_mem_note_decoded(size_t bytes);
uint64_t ebr_mem_decoded(void);

#endif
