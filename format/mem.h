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
