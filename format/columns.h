/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to format/: EVENTS blocks in columns (FORMAT.md "EVENTS in columns", since 1.7).
 * The writer keeps a block's events both as rows (the row layout of FORMAT.md "EVENTS",
 * which sizes the block and serves a small one) and as column values, encoded when the block
 * ends (columns_encode()); the reader reads each column many values at a time
 * (column_read()), or, where that finds damage or the block is too large to decode at once,
 * walks them side by side an event at a time (column_next()), so that a column block gives
 * the very words a row block would (reader.c's scan_event()).
 */
#ifndef EBREC_FORMAT_COLUMNS_H
#define EBREC_FORMAT_COLUMNS_H

#include <stdbool.h>
#include <stdint.h>
#include "predict.h"
#include "wire.h"

/* How a column's values are stored (its first byte). */
enum column_method {
	COL_VARINT = 0, /* a varint a value */
	COL_DELTA = 1,  /* a zigzag varint a value: its difference from the value before */
	COL_PACK = 2,   /* varint base, u8 width, then value - base in width bits a value */
	COL_DICT = 3,   /* varint n, n varint values, u8 width, then an index a value in bits */
	COL_PACK_SHIFT = 4, /* varint base, shift, width: base + (bits << shift) a value (1.8) */
};

/* ------------------------------------------------------------ writing */

struct column_type;

/* CPUs and types below these find their index in a block's list directly */
#define COLUMN_CPU_DIRECT 1024u
#define COLUMN_TYPE_DIRECT 256u

/* The events of the block being written, and memory kept from block to block. */
struct column_writer {
	struct column_type *types; /* the types of the block, in the order they first come */
	size_t cap_types;
	uint32_t ntypes, made; /* listed; slots made (their buffers kept) */
	uint16_t type_direct[COLUMN_TYPE_DIRECT]; /* 1 + a type's index in types, 0: none yet */
	uint64_t *cpus; /* the block's CPUs in the order they first come */
	size_t cap_cpus;
	uint32_t ncpus;
	uint32_t cpu_direct[COLUMN_CPU_DIRECT]; /* 1 + a CPU's index in cpus, 0: none yet */
	uint64_t *cpu_ts; /* the timestamp before, of each CPU of the block */
	size_t cap_cpu_ts;
	uint64_t *ev_type, *ev_cpu, *ev_ts; /* the first three columns' values */
	size_t cap_ev_type, cap_ev_cpu, cap_ev_ts;
	uint32_t count;
	uint64_t *column; /* one field's values, gathered */
	size_t cap_column;
	struct wbuf body; /* one column, before its size is known */
	bool shifted;     /* a column of the block is a PACK_SHIFT */
	struct switch_memory switches; /* predicting sched.switch's fields (predict.h) */
};

/*
 * Adds an event of type d (its id type) to the block: its column values (vals[f], a field's:
 * a U64 itself, an S64's zigzag, a STR's or STACK's id, a BYTES field's length) and, for a
 * type with BYTES fields, where each one's bytes are in the rows (at[f]). 0 or EBR_E_NOMEM.
 */
int column_writer_add(struct column_writer *cw, uint32_t type, const struct ebr_event_def *d,
		      uint64_t ts, uint64_t cpu, const uint64_t *vals, const uint32_t *at);
/*
 * Appends to out the columns of the events added (after the string and stack tables, which
 * stay as they are), and forgets them; rows: the rows the BYTES fields' bytes are in;
 * *flags: the block's flags they need (EBR_BF_COLUMNS, and EBR_BF_COLUMNS_1_8 when a column
 * holds predicted fields or is a PACK_SHIFT). 0 or EBR_E_NOMEM.
 */
int columns_encode(struct column_writer *cw, struct wbuf *out, const unsigned char *rows,
		   uint16_t *flags);
/* Forgets the events added (the next block starts); keeps memory. */
void column_writer_reset(struct column_writer *cw);
void column_writer_release(struct column_writer *cw);

/* ------------------------------------------------------------ reading */

struct column {
	const unsigned char *p, *end; /* VARINT, DELTA: what is left; PACK, DICT: the bits */
	uint64_t base;                /* PACK: the base; DELTA: the value before */
	size_t bit;                   /* PACK, DICT: the next value's first bit */
	size_t dict;                  /* DICT: its first value in the block's dictionary pool */
	uint32_t left;                /* values not yet read */
	uint32_t ndict;
	uint8_t method, width;
	uint8_t shift; /* PACK_SHIFT: the bits' shift (read as a PACK of that shift) */
};

/* not a method of the format: the bytes of a BYTES field's values, in the column after it */
#define COL_BYTES 0xffu

/* the fields of sched.switch that predicted fields read and make: column_block's switch_f */
enum switch_field {
	SWITCH_FLAGS,
	SWITCH_PREV_TID,
	SWITCH_NEXT_TID,
	SWITCH_RUNQ_NS,
	SWITCH_ONCPU_NS,
	SWITCH_OFFCPU_NS,
	SWITCH_FIELDS
};

/* The columns of one block, as the reader walks them. */
struct column_block {
	struct column *cols; /* types, CPUs, timestamps, then each listed type's fields */
	size_t cap_cols;
	uint32_t ncols;
	uint32_t *type;  /* a listed type's index in the reader's schema */
	uint32_t *first; /* its first column */
	uint32_t *n;     /* its events */
	size_t cap_type, cap_first, cap_n;
	uint32_t ntypes;
	uint64_t *cpu, *ts; /* the block's CPUs, and the timestamp before of each */
	size_t cap_cpu, cap_ts;
	uint32_t ncpus;
	uint64_t *dict; /* every DICT column's values */
	size_t ndict, cap_dict;
	/* decoding the whole block at once (reader.c's scan_columns_whole()) */
	uint64_t *tmp;   /* the column of types' values, then of CPUs' indexes, an event each */
	uint32_t *at;    /* each event's first word: grouped by type, then in event order */
	uint32_t *first_at; /* a listed type's first entry in at */
	uint32_t *start;    /* and its next */
	struct column *work; /* the columns as they are read: cols stays as opened */
	bool *keep;          /* a listed type's events get words (the reader wants its type) */
	size_t cap_tmp, cap_at, cap_first_at, cap_start, cap_work, cap_keep;
	/* predicted fields (FORMAT.md "Predicted fields"): the listed type sched.switch, or
	 * UINT32_MAX; the word of each field they read and make; the threads the block can
	 * switch out; what its switches before have told */
	uint32_t switch_k;
	uint32_t switch_f[SWITCH_FIELDS];
	uint32_t switch_threads;
	struct switch_memory switches;
};

void column_block_release(struct column_block *cb);

/*
 * Opens the next column of c, of n values, checked against its size; a DICT column's values
 * go to the end of *pool (pool_len of them, pool_cap room, grown with ebr_realloc); v1_8:
 * the block may use what 1.8 adds (EBR_BF_COLUMNS_1_8). 0, EBR_E_CORRUPT, or EBR_E_NOMEM.
 */
int column_open(struct column *col, struct cursor *c, uint32_t n, bool v1_8, uint64_t **pool,
		size_t *pool_len, size_t *pool_cap);

/*
 * The column's next n values into dst[at[i]] (dst[i] without at), in one loop of its method.
 * 0, or EBR_E_CORRUPT at a bad value or past the column's count (the column is then of no
 * further use).
 */
int column_read(struct column *col, const uint64_t *pool, uint64_t *dst, const uint32_t *at,
		uint32_t n);

/*
 * The column's next n values passed over, checked as column_read() checks them but not kept
 * (the values of a type no one reads): the same 0 or EBR_E_CORRUPT as column_read() on them.
 */
int column_pass(struct column *col, const uint64_t *pool, uint32_t n);

/* The column's next value, for a block read an event at a time; 0 with the error
 * (EBR_E_CORRUPT) when it has none or is bad. */
static inline uint64_t column_next(struct column *col, const uint64_t *pool, int *err)
{
	uint64_t v = 0;

	if (column_read(col, pool, &v, NULL, 1))
		*err = EBR_E_CORRUPT;
	return v;
}

/*
 * At most how many distinct values the column's values not yet read can be: what its bytes
 * can hold (a PACK's width, a DICT's dictionary), not only what its count claims.
 */
uint32_t column_values_bound(const struct column *col);

/* Whether every value of the column was read, and it holds nothing past them. */
static inline int column_done(const struct column *col)
{
	return !col->left && (col->method == COL_PACK || col->method == COL_DICT ||
			      col->p == col->end);
}

#endif
