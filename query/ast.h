/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The inside of `ebrec query`: bpftrace's language as tokens (lexer.c), a tree (parser.c), a
 * tree bound to a trace's schema and typed (check.c), and run over the trace's events
 * (eval.c, maps.c). query.h is what the command and the tests use; this header is what the
 * stages share.
 */
#ifndef EBREC_QUERY_AST_H
#define EBREC_QUERY_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ diagnostics */

/* Where in the program text: line and columns from 1, end exclusive (bpftrace's "1:14-15"). */
struct qloc {
	uint32_t line, col, end_col;
};

/* The program text, for messages that quote its line. */
struct qsource {
	const char *name; /* "stdin" for -e, else the file's name, as bpftrace says */
	const char *text;
	size_t len;
};

/*
 * Formats one bpftrace-style error into a malloc'd string: "NAME:L:C1-C2: ERROR: MSG", the
 * line, and '~' under the columns. NULL when out of memory.
 */
char *qerror_format(const struct qsource *src, const struct qloc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------------ tokens */

enum qtok {
	QT_EOF, QT_INT, QT_STR, QT_IDENT, QT_MAP, QT_VAR, QT_PROBE,
	QT_LBRACE, QT_RBRACE, QT_LPAREN, QT_RPAREN, QT_LBRACKET, QT_RBRACKET, QT_COMMA, QT_SEMI,
	QT_COLON, QT_QUESTION, QT_DOT, QT_ARROW,
	QT_PLUS, QT_MINUS, QT_STAR, QT_SLASH, QT_PERCENT, QT_AMP, QT_PIPE, QT_CARET, QT_TILDE,
	QT_BANG, QT_SHL, QT_SHR, QT_LT, QT_GT, QT_LE, QT_GE, QT_EQ, QT_NE, QT_ANDAND, QT_OROR,
	QT_ASSIGN, QT_PLUSEQ, QT_MINUSEQ, QT_STAREQ, QT_SLASHEQ, QT_PERCENTEQ, QT_AMPEQ,
	QT_PIPEEQ, QT_CARETEQ, QT_SHLEQ, QT_SHREQ, QT_INC, QT_DEC,
	QT_ERROR,
};

struct qtoken {
	enum qtok kind;
	struct qloc loc;
	const char *text; /* into the source: the token as written */
	uint32_t len;
	int64_t ival;     /* QT_INT */
	char *sval;       /* QT_STR: the decoded string (arena), QT_IDENT/MAP/VAR/PROBE: the name */
	uint32_t slen;
};

struct qarena;

struct qlexer {
	const struct qsource *src;
	size_t pos;
	uint32_t line, col;
	struct qarena *arena;
	char *error; /* the first error, formatted */
};

void qlexer_init(struct qlexer *lx, const struct qsource *src, struct qarena *arena);
/* The next token; QT_ERROR with lx->error set on a bad one. */
struct qtoken qlexer_next(struct qlexer *lx);
/* The next probe specifier ("tracepoint:syscalls:sys_enter_open*", "BEGIN"), or QT_EOF. */
struct qtoken qlexer_probe(struct qlexer *lx);
/* Whether what follows (after space and comments) is a '#' line at the top level. */
bool qlexer_skip_directive(struct qlexer *lx);
const char *qtok_name(enum qtok kind);

/* ------------------------------------------------------------------ arena */

/* All of a program's nodes and strings: freed at once. */
struct qarena {
	struct qarena_chunk *chunks;
	size_t used_bytes;
	bool failed; /* an allocation failed */
};
void *qarena_alloc(struct qarena *a, size_t size);
char *qarena_strndup(struct qarena *a, const char *s, size_t len);
void qarena_release(struct qarena *a);

/* ------------------------------------------------------------------ types */

enum qtype_kind {
	QTY_NONE,   /* not yet known / no value (printf, delete ...) */
	QTY_INT,
	QTY_STR,
	QTY_KSTACK,
	QTY_USTACK,
};

/* Map aggregations: what a map's value is made of. */
enum qagg {
	QAGG_NONE, /* a plain value: @x = expr */
	QAGG_COUNT, QAGG_SUM, QAGG_MIN, QAGG_MAX, QAGG_AVG, QAGG_STATS, QAGG_HIST, QAGG_LHIST,
};

struct qtype {
	enum qtype_kind kind;
	bool is_signed;
};

/* ------------------------------------------------------------------ tree */

enum qnode_kind {
	/* expressions */
	QN_INT, QN_STR, QN_BUILTIN, QN_ARGS, QN_ARG_FIELD, QN_VAR, QN_MAP, QN_CALL, QN_UNOP,
	QN_BINOP, QN_TERNARY, QN_CONST_IDENT,
	/* statements */
	QN_EXPR, QN_ASSIGN_VAR, QN_ASSIGN_MAP, QN_IF, QN_WHILE, QN_UNROLL, QN_BLOCK, QN_RETURN,
	QN_BREAK, QN_CONTINUE,
};

enum qbuiltin {
	QB_PID, QB_TID, QB_UID, QB_COMM, QB_CPU, QB_NSECS, QB_ELAPSED, QB_PROBE, QB_RETVAL,
	QB_ARG0, QB_ARG1, QB_ARG2, QB_ARG3, QB_ARG4, QB_ARG5, QB_KSTACK, QB_USTACK,
	QB_COUNT_
};

enum qfunc {
	QF_PRINTF, QF_PRINT, QF_TIME, QF_STR, QF_STRNCMP, QF_KSYM, QF_USYM, QF_NTOP, QF_COUNT,
	QF_SUM, QF_AVG, QF_MIN, QF_MAX, QF_STATS, QF_HIST, QF_LHIST, QF_DELETE, QF_CLEAR, QF_ZERO,
	QF_EXIT, QF_JOIN, QF_STRFTIME,
	QF_COUNT_
};

struct qnode {
	enum qnode_kind kind;
	struct qloc loc;
	int op;            /* QN_UNOP/BINOP: the token; QN_ASSIGN_*: QT_ASSIGN or the op=, ++, -- */
	int id;            /* builtin, function, variable slot, map index, args slot */
	int64_t ival;      /* QN_INT; QN_CONST_IDENT's value */
	const char *sval;  /* QN_STR (decoded), names of maps, variables, fields, functions */
	uint32_t slen;
	struct qnode *a, *b, *c;  /* operands; QN_IF: cond, then, else; ternary: cond, t, f */
	struct qnode **args;      /* call arguments, map keys, block statements */
	uint32_t nargs;
	struct qtype type;        /* set by the checker */
	enum qagg agg;            /* QN_CALL of an aggregation: which */
};

/* One probe as written: its specifier and where. */
struct qprobe_spec {
	const char *text;
	struct qloc loc;
};

struct qaction {
	struct qprobe_spec *probes;
	uint32_t nprobes;
	struct qnode *filter; /* or NULL */
	struct qnode *body;   /* QN_BLOCK */
	uint32_t nvars;       /* $variables: slots 0..nvars-1 (checker) */
	uint32_t nargs_slots; /* distinct args.f of this action (checker) */
	const char **args_names;
	struct qloc *args_locs;
	uint32_t used_builtins; /* bit per enum qbuiltin (checker) */
	struct qloc builtin_loc[QB_COUNT_];
};

struct qmapdef {
	const char *name; /* "@x", "@" */
	struct qloc loc;  /* first seen */
	struct qtype vtype;
	enum qagg agg;
	int64_t lh_min, lh_max, lh_step; /* lhist's */
	uint32_t nkeys;   /* UINT32_MAX until known */
	struct qtype ktypes[8];
	bool assigned;    /* written somewhere in the program */
};

struct qprogram {
	struct qsource src;
	struct qarena arena;
	struct qaction *actions;
	uint32_t nactions;
	struct qmapdef *maps;
	uint32_t nmaps;
};


/* ------------------------------------------------------------------ bound to a trace */

/* Where a value comes from in an event of a probe: one of its fields (schema order). */
enum qsrc_kind { QSRC_NONE, QSRC_FIELD };

struct qsrc {
	uint8_t kind;
	uint8_t fkind;     /* enum ebr_kind of the field */
	uint16_t field;    /* index in the file's fields of the type */
	uint32_t div;      /* > 1: the value divided by it */
};

struct qalias;

enum qspecial { QSPECIAL_NONE, QSPECIAL_BEGIN, QSPECIAL_END, QSPECIAL_INTERVAL };

/* One probe of the program as the trace holds it: after wildcards and aliases. */
struct qbound {
	uint32_t action;
	const char *name;        /* the probe builtin: "tracepoint:syscalls:sys_exit_openat" */
	enum qspecial special;
	uint64_t interval_ns;
	int type_index;          /* schema index of its event type; -1 for the specials */
	bool enter;              /* nsecs = ts - the lat_ns field; run before the exit half */
	struct qsrc lat;         /* lat_ns for an entry half */
	struct qsrc filter;      /* an alias's selection of the type's events */
	uint8_t filter_op;       /* enum qfilter_op */
	int64_t filter_value;
	struct qsrc builtin[QB_COUNT_];
	struct qsrc *args;       /* by the action's args slot */
	struct qtype *args_types;
	const struct qalias *alias; /* read through the alias table, or NULL */
};

struct qcompiled {
	struct qprogram prog;
	struct qbound *bound;
	uint32_t nbound;
	/* per schema index: the bound probes of that type, entry halves first */
	uint32_t ntypes;
	uint32_t **by_type;
	uint32_t *nby_type;
	bool uses_stacks;        /* kstack, ustack, ksym or usym: the symbols are needed */
	bool order_free;         /* what it prints cannot depend on the order of the events */
};

/* Parses src (borrowed: must outlive prog) into prog: 0, or -1 with *err (malloc'd, NULL
 * when out of memory) saying where, as bpftrace does. */
int qparse(struct qprogram *prog, const struct qsource *src, char **err);
void qprogram_release(struct qprogram *prog);

const char *qfunc_name(enum qfunc f);
const char *qbuiltin_name(enum qbuiltin b);

#endif
