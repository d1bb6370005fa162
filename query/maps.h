/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A program's maps while it runs over a trace, and their printing as bpftrace prints them
 * (its src/output.cpp and bpftrace.cpp print_map*): "@name[k1, k2]: value", hist() and
 * lhist() with its bucket labels and bars, stats(), avg(), sorted as bpftrace sorts them.
 */
#ifndef EBREC_QUERY_MAPS_H
#define EBREC_QUERY_MAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "query/ast.h"

struct symtab;

/* A value as the evaluator has it: strings and stacks are borrowed. */
struct qval {
	enum qtype_kind kind;
	int64_t i;
	const char *s;          /* QTY_STR: bytes (not NUL-terminated) */
	uint32_t len;           /* string bytes; stack depth */
	const uint64_t *frames; /* stacks, leaf first */
	uint64_t pid;           /* ustack: whose addresses */
};

struct qentry {
	struct qentry *next;
	uint64_t hash;
	int64_t v;           /* count, sum, min, max, an integer */
	int64_t count, total; /* avg, stats */
	bool has_value;      /* min, max: a first value was seen */
	uint64_t *buckets;   /* hist (65), lhist (buckets + 2) */
	uint8_t *blob;       /* a string or stack value, serialized as keys are */
	uint32_t blen;
	uint32_t klen;
	uint8_t key[];
};

struct qmap {
	const struct qmapdef *def;
	struct qentry **slots;
	uint32_t cap, len;
};

#define QKEY_MAX (8u * (1u + 4u + 1024u))

/*
 * Appends v's serialized form to buf at *len (at most cap bytes: strings are cut at 1024
 * bytes, stacks at 127 frames): the key of a map, or a stored value.
 */
void qval_serialize(const struct qval *v, uint8_t *buf, uint32_t *len, uint32_t cap);

/* The entry of key (klen bytes): found, or created when create (NULL: out of memory). */
struct qentry *qmap_get(struct qmap *m, const uint8_t *key, uint32_t klen, bool create);
void qmap_delete(struct qmap *m, const uint8_t *key, uint32_t klen);
void qmap_clear(struct qmap *m);
/* every value back to zero, the keys kept (bpftrace's zero()) */
void qmap_zero(struct qmap *m);
void qmap_release(struct qmap *m);

/* bpftrace's hist() bucket of a value: 0 negative, 1 zero, 2 + log2 */
uint32_t qhist_bucket(int64_t v);
#define QHIST_BUCKETS 65u

/*
 * Prints m as bpftrace's print(@m, top, div) and its end-of-run printing do (top 0: all; div
 * 0 or 1: as is). 0, or -1 when out of memory.
 */
int qmap_print(const struct qmap *m, FILE *out, uint32_t top, uint64_t div,
	       const struct symtab *syms);

/* A value as print() and printf's %s show it (a stack: bpftrace's lines). */
void qval_print(const struct qval *v, FILE *out, const struct symtab *syms, bool as_key);

#endif
