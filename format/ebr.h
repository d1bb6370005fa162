/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libebr: the only code that reads or writes .ebr trace files (format/FORMAT.md).
 *
 * It never prints, never exits and reads no globals. Functions that can fail return 0 (or a
 * count) or a negative EBR_E_* code, never a -errno; ebr_strerror() names it. The one
 * exception, ebr_trace_create(), wraps open(2) and says so. Objects are opaque; *_free/close
 * accept NULL.
 */
#ifndef EBREC_FORMAT_EBR_H
#define EBREC_FORMAT_EBR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "format/block_flags.h"
#include "format/stack_flags.h"
#include "format/proc_flags.h"
#include "format/file_flags.h"
#include "format/tcp_flags.h"
#include "format/tcp_states.h"
#include "format/sched_flags.h"
#include "format/generic_flags.h"

#define EBR_VERSION_MAJOR 1
#define EBR_VERSION_MINOR 8

/*
 * Error codes. Pinned: never renumbered, and never written into a file. All lie below
 * -EBR_E_ERRNO_MAX, so that none can be read as a -errno: every errno (and libbpf's own codes,
 * -4000 and on) is above it, and a message names the right error.
 */
#define EBR_E_ERRNO_MAX 4095 /* the kernel's MAX_ERRNO */
enum ebr_error {
	EBR_OK = 0,
	EBR_E_IO = -5001,          /* read or write failed (errno has the reason) */
	EBR_E_NOMEM = -5002,
	EBR_E_NOT_TRACE = -5003,   /* no .ebr magic at offset 0 */
	EBR_E_VERSION = -5004,     /* newer major version */
	EBR_E_EMPTY = -5005,       /* zero-length input */
	EBR_E_TRUNCATED = -5006,   /* input ended inside a structure */
	EBR_E_CRC = -5007,         /* checksum mismatch */
	EBR_E_CORRUPT = -5008,     /* a structure is inconsistent */
	EBR_E_TOO_BIG = -5009,     /* a size claim exceeds the format's limits */
	EBR_E_ZSTD = -5010,        /* compression or decompression failed */
	EBR_E_INVALID = -5011,     /* the caller passed something invalid */
	EBR_E_NO_INDEX = -5012,    /* no usable footer/index (the reader can still scan) */
	EBR_E_UNSUPPORTED = -5013, /* a required feature this reader does not know */
};

/* What err (0 or an EBR_E_* code) means, in a few lowercase words; "unknown error" else. */
const char *ebr_strerror(int err);

/* Limits every reader enforces before allocating (FORMAT.md "Limits"). */
#define EBR_MAX_BLOCK_RAW (16u << 20)
#define EBR_MAX_BLOCK_STORED (EBR_MAX_BLOCK_RAW + (1u << 16))
#define EBR_MAX_STRING (1u << 20)
#define EBR_MAX_BLOCK_STRINGS (1u << 20)
#define EBR_MAX_BLOCK_STACKS (1u << 16)
#define EBR_MAX_STACK_DEPTH 256u
#define EBR_MAX_BLOCK_EVENTS (1u << 20) /* of an EVENTS block in columns */
#define EBR_MAX_TYPES 1024u
#define EBR_MAX_FIELDS 64u
/*
 * The most fields of any event type this build writes (format/schema.c checks it when it
 * compiles): the values a writer's caller passes, cheaper to clear per event than 64.
 */
#define EBR_BUILD_FIELDS 20u
#define EBR_MAX_META 65536u /* entries in one META block */
/*
 * The META a reader holds from one file, at most: distinct keys, and bytes of keys and values.
 * Past either, the rest of the file's META is ignored and reported (FORMAT.md "Limits").
 */
#define EBR_MAX_META_KEYS 16384u
#define EBR_MAX_META_BYTES (4u << 20)
/*
 * Thread names (the `comm` fields) are the kernel's: at most 15 bytes (TASK_COMM_LEN, 16 with
 * its NUL). A model that keeps a name keeps at most EBR_COMM_MAX bytes of it.
 */
#define EBR_COMM_MAX 16u

/*
 * A model's copy of a thread name: at most EBR_COMM_MAX bytes and a NUL (src NULL: ""). Views
 * copy one per event: snprintf's "%s" did it in a fifth of runqlat's time.
 */
static inline void ebr_comm_copy(char dst[EBR_COMM_MAX + 1], const char *src)
{
	if (!src)
		dst[0] = '\0';
	else if (!memccpy(dst, src, '\0', EBR_COMM_MAX))
		dst[EBR_COMM_MAX] = '\0';
}

/* Field kinds: fixed for a major version. */
enum ebr_kind {
	EBR_KIND_U64 = 1,   /* unsigned LEB128 */
	EBR_KIND_S64 = 2,   /* zigzag LEB128 */
	EBR_KIND_STR = 3,   /* index into the block's string table, 0 = "" */
	EBR_KIND_BYTES = 4, /* LEB128 length, then the bytes */
	EBR_KIND_STACK = 5, /* index into the block's stack table, 0 = none */
};

/*
 * Event types that a file describes and no build compiles in: one per generic probe (a
 * tracepoint, uprobe or USDT probe, FORMAT.md "Types described by the file"), named after
 * it. A writer gives them the ids EBR_DYN_TYPE_BASE + their index in
 * ebr_writer_opts.dyn_types; a reader knows them by name only (struct ebr_event: type
 * EBR_EV_UNKNOWN, the fields in raw).
 */
#define EBR_DYN_TYPE_BASE 0x10000u

/* Compiled-in event types and their fields, from events.def. */
enum ebr_event_type {
	EBR_EV_UNKNOWN = 0,
#define EBR_EVENT(id, cname, name, desc) EBR_EV_##cname = id,
#define EBR_FIELD(ev, idx, cname, name, kind, desc)
#include "events.def"
#undef EBR_EVENT
#undef EBR_FIELD
	EBR_EV_LIMIT
};
/* A set of event types as bits of a uint32_t (struct analyzer's types, analyze/pass.h). */
#define EBR_TYPE(t) (1u << (t))
#define EBR_EVERY_TYPE UINT32_MAX /* every type's bit */
_Static_assert(EBR_EV_LIMIT <= 32, "a uint32_t has a bit an event type");

/* Field indices within their event type: EBR_F_<EVENT>_<FIELD>. */
enum ebr_field_index {
#define EBR_EVENT(id, cname, name, desc)
#define EBR_FIELD(ev, idx, cname, name, kind, desc) EBR_F_##ev##_##cname = idx,
#include "events.def"
#undef EBR_EVENT
#undef EBR_FIELD
};

struct ebr_field_def {
	const char *name;
	enum ebr_kind kind;
	const char *desc;
};

struct ebr_event_def {
	uint32_t id;
	const char *name;
	const char *desc;
	uint32_t nfields;
	const struct ebr_field_def *fields;
};

/* The compiled-in definition of type id, or NULL. */
const struct ebr_event_def *ebr_event_def(uint32_t id);
/* Iterate: ebr_event_def_at(0 .. ebr_event_def_count()-1). */
uint32_t ebr_event_def_count(void);
const struct ebr_event_def *ebr_event_def_at(uint32_t i);

/* A field value. Strings and bytes are borrowed from the reader until its next call. */
struct ebr_value {
	uint64_t u; /* U64, S64 (as two's complement), STR/STACK index */
	const char *s; /* STR and BYTES: data (STR is NUL-terminated), else NULL */
	uint32_t len;  /* STR and BYTES length; STACK depth */
	const uint64_t *frames; /* STACK: addresses, leaf first */
};

static inline int64_t ebr_value_s64(const struct ebr_value *v)
{
	return (int64_t)v->u;
}

/* ---------------------------------------------------------------- sinks and sources */

/* Where a writer's bytes go. write() returns 0 or a negative EBR_E* code. */
struct ebr_sink {
	int (*write)(void *ctx, const void *buf, size_t len);
	void *ctx;
};

/* Writes to fd (a file or a pipe); never seeks. */
void ebr_sink_fd(struct ebr_sink *sink, int *fd);
/*
 * What the fd sink writes with: all len bytes of buf, through short writes and EINTR. 0, or
 * EBR_E_IO with errno set by the write(2) that failed; *written (if not NULL) says how many
 * bytes went, so that a sink of its own can make room and write the rest.
 */
int ebr_fd_write(int fd, const void *buf, size_t len, size_t *written);

/*
 * Creates a trace file the way every ebrec command does: mode 0600 (traces hold command
 * lines, paths and addresses), an existing file refused unless force, and then made 0600 too.
 * Returns the descriptor, or -1 with errno set (EEXIST: it exists and force is false).
 */
int ebr_trace_create(const char *path, bool force);

/* A growing memory buffer; free buf with free(). */
struct ebr_mem_sink {
	unsigned char *buf;
	size_t len, cap;
};
void ebr_sink_mem(struct ebr_sink *sink, struct ebr_mem_sink *mem);

/*
 * Where a reader's bytes come from. read() returns bytes read (0 at end) or a negative
 * EBR_E* code. pread() and size are optional (NULL / UINT64_MAX): without them the reader
 * scans and `info` cannot use the index.
 */
struct ebr_source {
	long (*read)(void *ctx, void *buf, size_t len);
	long (*pread)(void *ctx, void *buf, size_t len, uint64_t off);
	uint64_t size;
	void *ctx;
};

struct ebr_fd_source {
	int fd;
	uint64_t pos;
};
/* fd is borrowed. pread and size are set when fd is a regular file. */
void ebr_source_fd(struct ebr_source *src, struct ebr_fd_source *fs, int fd);

struct ebr_mem_source {
	const unsigned char *buf;
	size_t len, pos;
};
void ebr_source_mem(struct ebr_source *src, struct ebr_mem_source *ms, const void *buf,
		    size_t len);

/* ---------------------------------------------------------------- writer */

struct ebr_writer;

/* How an events block holds its events (FORMAT.md "EVENTS", "EVENTS in columns"). */
enum ebr_layout {
	EBR_LAYOUT_COLUMNS = 0, /* a column a field: smaller, and the default since 1.7 */
	EBR_LAYOUT_ROWS = 1,    /* an event after the other, as every version before 1.7 */
};

struct ebr_writer_opts {
	int zstd_level;       /* 0: default (3) */
	enum ebr_layout layout;
	size_t block_bytes;   /* raw bytes that end an events block; 0: default (1 MiB) */
	/*
	 * Types described by the file (EBR_DYN_TYPE_BASE above), written into its schema after
	 * the compiled-in ones; their id members are ignored. Borrowed until the writer is
	 * closed or abandoned.
	 */
	const struct ebr_event_def *dyn_types;
	uint32_t ndyn_types;
};

/*
 * Writes the file header and schema. sink is copied; its ctx must outlive the writer.
 * Returns 0 with *out set, or an EBR_E_* code with *out NULL (EBR_E_INVALID: no sink, or a
 * described type without a name, with a name another type has, with a field of no name or an
 * unknown kind, with more than EBR_MAX_FIELDS fields, or more than EBR_MAX_TYPES types).
 */
int ebr_writer_new(struct ebr_writer **out, const struct ebr_sink *sink,
		   const struct ebr_writer_opts *opts);

/*
 * Adds a key/value to the next META block (written before the next events block). Returns 0,
 * EBR_E_INVALID for a NULL or over-long (EBR_MAX_STRING) key or value, or w's sticky error.
 */
int ebr_writer_meta(struct ebr_writer *w, const char *key, const char *value);

/*
 * Appends an event of a compiled-in type, or of a described one (EBR_DYN_TYPE_BASE + i);
 * vals[i] is field i of its definition (STR: s, NUL
 * terminated; BYTES: s,len; STACK: frames,len, 0 frames = no stack). Copies everything.
 * Returns 0; EBR_E_INVALID, with nothing written, for an unknown type or a value past the
 * limits (BYTES longer than EBR_MAX_STRING, a stack deeper than EBR_MAX_STACK_DEPTH); or the
 * writer's first write error, which is sticky: every later call returns it.
 */
int ebr_writer_event(struct ebr_writer *w, uint32_t type, uint64_t ts, uint32_t cpu,
		     const struct ebr_value *vals);

/*
 * Ends the current block and writes it: what was appended is then safe on the sink. Returns 0
 * or the sticky error.
 */
int ebr_writer_flush(struct ebr_writer *w);

/* Bytes handed to the sink so far, and events appended. */
uint64_t ebr_writer_bytes(const struct ebr_writer *w);
uint64_t ebr_writer_events(const struct ebr_writer *w);

/* Flushes, writes the index and footer, frees w. Returns 0 or the first error of w's life. */
int ebr_writer_close(struct ebr_writer *w);

/* Frees w without writing anything more (the file then reads as cut after its last block). */
void ebr_writer_abandon(struct ebr_writer *w);

/* ---------------------------------------------------------------- reader */

struct ebr_reader;

/* Problems the reader met and stepped over; a scan goes on after each. */
enum ebr_problem_kind {
	EBR_PROB_TRUNCATED = 1,  /* the input ends inside a block: complete blocks were read */
	EBR_PROB_NO_FOOTER,      /* the input ends after a whole block: the recorder did not finish */
	EBR_PROB_BAD_HEADER,     /* a block header failed its CRC: skipped to the next block */
	EBR_PROB_BAD_PAYLOAD,    /* a block payload failed its CRC or did not decode */
	EBR_PROB_UNKNOWN_BLOCK,  /* an optional block type this reader does not know: skipped */
	EBR_PROB_GARBAGE,        /* bytes between blocks that are not a block: skipped */
};

/* 1 for the kinds that mean data was lost (verify fails on these), 0 for the others. */
int ebr_problem_is_damage(enum ebr_problem_kind kind);

struct ebr_problem {
	enum ebr_problem_kind kind;
	int err;           /* EBR_E* */
	uint32_t block;    /* block number (file order, counting from 0), if known */
	uint64_t offset;   /* file offset of the block or of the cut */
	uint64_t length;   /* bytes affected */
	char msg[160];     /* one line, lowercase, no final period */
};

/* Block types; bit 15 marks an optional type a reader may skip without understanding it. */
#define EBR_BLOCK_OPTIONAL 0x8000u
enum ebr_block_type {
	EBR_BLOCK_SCHEMA = 1,
	EBR_BLOCK_META = 2,
	EBR_BLOCK_EVENTS = 3,
	EBR_BLOCK_INDEX = 4 | EBR_BLOCK_OPTIONAL,
};

struct ebr_block_info {
	uint32_t seq;
	uint16_t type;
	uint16_t flags;
	uint64_t offset;
	uint32_t stored_size, raw_size;
	uint32_t count;
	uint64_t t_first, t_last;
};

/* A decoded event; borrowed until the next ebr_reader_next(). */
struct ebr_event {
	uint32_t type;       /* compiled-in id, EBR_EV_UNKNOWN for types this build lacks */
	uint32_t file_type;  /* id in the file's schema */
	uint64_t ts;
	uint32_t cpu;
	const struct ebr_value *v; /* known types: compiled field order (missing fields zero) */
	uint32_t nraw;             /* the file's fields, in the file's order */
	const struct ebr_value *raw;
};

/*
 * Reads the header and the schema. src is copied; its ctx must outlive the reader. Returns 0
 * with *out set, or an EBR_E_* code with *out NULL (EBR_E_EMPTY, EBR_E_NOT_TRACE,
 * EBR_E_VERSION, EBR_E_TRUNCATED ...); msg (if not NULL) then gets one line saying what is
 * wrong, e.g. both versions when the file's major version is newer than this reader's.
 */
int ebr_reader_open(struct ebr_reader **out, const struct ebr_source *src, char *msg,
		    size_t msglen);
void ebr_reader_close(struct ebr_reader *r);

/*
 * Decodes the events blocks on n threads (this one included), ahead of ebr_reader_next(),
 * which gives every event, problem and META key in the same order as with one thread. Call
 * it before the first ebr_reader_next() (a reader whose first block after the schema was
 * already read, as when the schema is damaged, stays on one thread); n < 2 (the default)
 * decodes each block as it is reached. The blocks held ahead count against the budget of
 * format/mem.h as it is when this is called: a small one holds one block a thread, not one
 * more. 0, or EBR_E_NOMEM (the reader goes on with one thread).
 */
int ebr_reader_set_threads(struct ebr_reader *r, unsigned n);

/* version of the file */
void ebr_reader_version(const struct ebr_reader *r, uint16_t *major, uint16_t *minor);

/*
 * Next event in file order: 1 with *ev set, 0 at the end of the input, or a negative
 * EBR_E* for a failure of the source itself. Damaged blocks are skipped and reported
 * through ebr_reader_problem(); a reader never stops early on damage.
 */
int ebr_reader_next(struct ebr_reader *r, const struct ebr_event **ev);

/*
 * From now on ebr_reader_next() gives only the events whose EBR_TYPE() bit is in types
 * (EBR_EVERY_TYPE, the default: every event); the others are stepped over without their
 * values being built, and counted (ebr_reader_stepped_over()). In a block in columns their
 * columns are checked but not decoded into events. Every block is checked as ever, so
 * problems and META come out the same whatever is wanted. Widening the set between two events
 * of a block decodes that block again, from where it was.
 */
void ebr_reader_want_types(struct ebr_reader *r, uint32_t types);
uint64_t ebr_reader_stepped_over(const struct ebr_reader *r);

/*
 * Next block, without decoding its events (for verify): 1 with *info set, 0 at the end,
 * negative on source failure. Payload CRCs are checked; events are not decoded unless
 * decode is non-zero.
 */
int ebr_reader_next_block(struct ebr_reader *r, struct ebr_block_info *info, int decode);

/* Problems seen so far. */
uint32_t ebr_reader_problem_count(const struct ebr_reader *r);
const struct ebr_problem *ebr_reader_problem(const struct ebr_reader *r, uint32_t i);

/* META seen so far (later blocks override earlier keys). NULL if absent. */
const char *ebr_reader_meta(const struct ebr_reader *r, const char *key);
/* META clock.start.monotonic_ns (when the recording started) as a number; 0 without it */
uint64_t ebr_reader_start_ns(const struct ebr_reader *r);
/*
 * Gives r the META clock.start.* of first, a reader of the first file of the same recording
 * series: r's own META blocks' clock.start.* take first's values (in r's file's order of keys),
 * so that files read one after the other as one recording (`ebrec report DIR/`) count time
 * from the start of the series, not of each file. Call it before r reads a block. Returns 0
 * or EBR_E_NOMEM.
 */
int ebr_reader_pin_start(struct ebr_reader *r, const struct ebr_reader *first);
uint32_t ebr_reader_meta_count(const struct ebr_reader *r);
void ebr_reader_meta_at(const struct ebr_reader *r, uint32_t i, const char **key,
			const char **value);

/* The file's schema: type ids as in the file. */
uint32_t ebr_reader_type_count(const struct ebr_reader *r);
/*
 * Schema entry i (< ebr_reader_type_count()): its file id, name and field count; field f's
 * name and kind through ebr_reader_type_field(). Both return 0, or EBR_E_INVALID when i or f
 * is out of range. Names are borrowed until ebr_reader_close().
 */
int ebr_reader_type_at(const struct ebr_reader *r, uint32_t i, uint32_t *file_id,
		       const char **name, uint32_t *nfields);
int ebr_reader_type_field(const struct ebr_reader *r, uint32_t i, uint32_t f,
			  const char **name, enum ebr_kind *kind);
/* Schema entry of a file type id, or -1. */
int ebr_reader_type_index(const struct ebr_reader *r, uint32_t file_id);
/*
 * Schema entry i's bit in ebr_reader_want_types()'s set: EBR_TYPE() of the type its events
 * are given as (EBR_EV_UNKNOWN for one this build does not know); 0 when i is out of range.
 */
uint32_t ebr_reader_type_bit(const struct ebr_reader *r, uint32_t i);

/* Bytes consumed from the source so far (= file size after a full read). */
uint64_t ebr_reader_offset(const struct ebr_reader *r);

/* ---------------------------------------------------------------- index and summary */

struct ebr_probe_total {
	uint32_t probe;
	uint64_t emitted, lost_ringbuf, lost_map, lost_user;
};

struct ebr_type_total {
	uint32_t type; /* file id */
	uint64_t count;
};

struct ebr_summary {
	uint64_t events;
	uint64_t raw_bytes;    /* uncompressed payload bytes of all blocks */
	uint64_t stored_bytes; /* bytes of all blocks as stored, headers included */
	uint64_t t_first, t_last;
	uint32_t nblocks;
	struct ebr_block_info *blocks;
	uint32_t ntypes;
	struct ebr_type_total *types;
	uint32_t nprobes;
	struct ebr_probe_total *probes;
};

/*
 * Reads the footer and index (needs pread and size), and the META blocks they point to,
 * without decoding any events. Returns 0 with *sum filled (release it with
 * ebr_summary_release()), EBR_E_NO_INDEX if the file has none or it is unusable: then use
 * ebr_reader_summarize(), which scans; or EBR_E_NOMEM.
 */
int ebr_reader_load_index(struct ebr_reader *r, struct ebr_summary *sum);
/* Builds the same summary by reading every block to the end. Returns 0 or an EBR_E_* code. */
int ebr_reader_summarize(struct ebr_reader *r, struct ebr_summary *sum);
void ebr_summary_release(struct ebr_summary *sum);

/* CRC32C (Castagnoli), as used by every block. */
uint32_t ebr_crc32c(uint32_t crc, const void *buf, size_t len);

#endif /* EBREC_FORMAT_EBR_H */
