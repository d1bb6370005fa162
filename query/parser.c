// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpftrace's grammar by recursive descent: a program is actions, an action is probes
 * separated by commas, an optional /filter/ and a block; statements and expressions are C's,
 * with bpftrace's @maps, $variables, builtins and function calls. The first error stops the
 * parse and is said as bpftrace's parser says it ("syntax error, unexpected ;").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "query/ast.h"

struct parser {
	struct qlexer lx;
	struct qtoken cur;
	struct qprogram *prog;
	int filter_depth; /* > 0: parsing a /filter/ outside parentheses: '/' ends it */
	int depth;        /* nesting, bounded so that a hostile program cannot exhaust the stack */
	char *error;
};

#define PARSE_MAX_DEPTH 200

static const char *const builtin_names[QB_COUNT_] = {
	[QB_PID] = "pid", [QB_TID] = "tid", [QB_UID] = "uid", [QB_COMM] = "comm",
	[QB_CPU] = "cpu", [QB_NSECS] = "nsecs", [QB_ELAPSED] = "elapsed", [QB_PROBE] = "probe",
	[QB_RETVAL] = "retval", [QB_ARG0] = "arg0", [QB_ARG1] = "arg1", [QB_ARG2] = "arg2",
	[QB_ARG3] = "arg3", [QB_ARG4] = "arg4", [QB_ARG5] = "arg5", [QB_KSTACK] = "kstack",
	[QB_USTACK] = "ustack",
};

static const char *const func_names[QF_COUNT_] = {
	[QF_PRINTF] = "printf", [QF_PRINT] = "print", [QF_TIME] = "time", [QF_STR] = "str",
	[QF_STRNCMP] = "strncmp", [QF_KSYM] = "ksym", [QF_USYM] = "usym", [QF_NTOP] = "ntop",
	[QF_COUNT] = "count", [QF_SUM] = "sum", [QF_AVG] = "avg", [QF_MIN] = "min",
	[QF_MAX] = "max", [QF_STATS] = "stats", [QF_HIST] = "hist", [QF_LHIST] = "lhist",
	[QF_DELETE] = "delete", [QF_CLEAR] = "clear", [QF_ZERO] = "zero", [QF_EXIT] = "exit",
	[QF_JOIN] = "join", [QF_STRFTIME] = "strftime",
};

const char *qfunc_name(enum qfunc f)
{
	return f < QF_COUNT_ ? func_names[f] : "?";
}

const char *qbuiltin_name(enum qbuiltin b)
{
	return b < QB_COUNT_ ? builtin_names[b] : "?";
}

static void next(struct parser *p)
{
	p->cur = qlexer_next(&p->lx);
}

static void fail(struct parser *p, const struct qloc *loc, const char *fmt, const char *arg)
{
	if (p->error)
		return;
	if (p->lx.error) {
		p->error = p->lx.error;
		p->lx.error = NULL;
		return;
	}
	p->error = qerror_format(&p->prog->src, loc, fmt, arg);
	if (!p->error)
		p->prog->arena.failed = true;
}

static void unexpected(struct parser *p)
{
	char what[80];

	if (p->cur.kind == QT_EOF)
		snprintf(what, sizeof(what), "end of file");
	else
		snprintf(what, sizeof(what), "%.*s", (int)(p->cur.len > 60 ? 60 : p->cur.len),
			 p->cur.text);
	fail(p, &p->cur.loc, "syntax error, unexpected %s", what);
}

static bool failed(const struct parser *p)
{
	return p->error || p->lx.error || p->prog->arena.failed;
}

static bool expect(struct parser *p, enum qtok kind)
{
	if (p->cur.kind != kind) {
		unexpected(p);
		return false;
	}
	next(p);
	return true;
}

static struct qnode *node(struct parser *p, enum qnode_kind kind, const struct qloc *loc)
{
	struct qnode *n = qarena_alloc(&p->prog->arena, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = kind;
	n->loc = *loc;
	n->id = -1;
	return n;
}

/* a location from a to b on a's line */
static struct qloc span(const struct qloc *a, const struct qloc *b)
{
	struct qloc l = *a;

	if (b->line == a->line && b->end_col > l.end_col)
		l.end_col = b->end_col;
	return l;
}

/* Growable node lists during the parse: copied into the arena at the end. */
struct nodelist {
	struct qnode **v;
	uint32_t n, cap;
};

static bool list_add(struct parser *p, struct nodelist *l, struct qnode *n)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 8;
		struct qnode **v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			p->prog->arena.failed = true;
			return false;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = n;
	return true;
}

static bool list_move(struct parser *p, struct nodelist *l, struct qnode *to)
{
	to->nargs = l->n;
	if (l->n) {
		to->args = qarena_alloc(&p->prog->arena, l->n * sizeof(*to->args));
		if (!to->args) {
			free(l->v);
			return false;
		}
		memcpy(to->args, l->v, l->n * sizeof(*to->args));
	}
	free(l->v);
	l->v = NULL;
	return true;
}

static struct qnode *parse_expr(struct parser *p);
static struct qnode *parse_block(struct parser *p, bool top);

/* '[' expr, ... ']' after a map name */
static bool parse_keys(struct parser *p, struct qnode *map)
{
	struct nodelist keys = { 0 };

	next(p);
	for (;;) {
		struct qnode *k = parse_expr(p);

		if (!k || !list_add(p, &keys, k))
			goto fail;
		if (p->cur.kind == QT_COMMA) {
			next(p);
			continue;
		}
		if (p->cur.kind != QT_RBRACKET) {
			unexpected(p);
			goto fail;
		}
		map->loc = span(&map->loc, &p->cur.loc);
		next(p);
		break;
	}
	return list_move(p, &keys, map);
fail:
	free(keys.v);
	return false;
}

static int lookup_name(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return i;
	return -1;
}

static struct qnode *parse_call(struct parser *p, struct qtoken name)
{
	struct qnode *call = node(p, QN_CALL, &name.loc);
	struct nodelist args = { 0 };

	if (!call)
		return NULL;
	call->sval = name.sval;
	call->slen = name.slen;
	call->id = lookup_name(func_names, QF_COUNT_, name.sval);
	next(p); /* ( */
	if (p->cur.kind != QT_RPAREN) {
		for (;;) {
			struct qnode *a = parse_expr(p);

			if (!a || !list_add(p, &args, a))
				goto fail;
			if (p->cur.kind != QT_COMMA)
				break;
			next(p);
		}
	}
	if (p->cur.kind != QT_RPAREN) {
		unexpected(p);
		goto fail;
	}
	call->loc = span(&call->loc, &p->cur.loc);
	next(p);
	if (!list_move(p, &args, call))
		return NULL;
	return call;
fail:
	free(args.v);
	return NULL;
}

static struct qnode *parse_primary(struct parser *p)
{
	struct qtoken t = p->cur;
	struct qnode *n;

	switch (t.kind) {
	case QT_INT:
		n = node(p, QN_INT, &t.loc);
		if (n)
			n->ival = t.ival;
		next(p);
		return n;
	case QT_STR:
		n = node(p, QN_STR, &t.loc);
		if (n) {
			n->sval = t.sval;
			n->slen = t.slen;
		}
		next(p);
		return n;
	case QT_LPAREN: {
		int saved = p->filter_depth;

		next(p);
		p->filter_depth = 0;
		n = parse_expr(p);
		p->filter_depth = saved;
		if (!n || !expect(p, QT_RPAREN))
			return NULL;
		return n;
	}
	case QT_MAP:
		n = node(p, QN_MAP, &t.loc);
		if (!n)
			return NULL;
		n->sval = t.sval;
		n->slen = t.slen;
		next(p);
		if (p->cur.kind == QT_LBRACKET && !parse_keys(p, n))
			return NULL;
		return n;
	case QT_VAR:
		n = node(p, QN_VAR, &t.loc);
		if (n) {
			n->sval = t.sval;
			n->slen = t.slen;
		}
		next(p);
		return n;
	case QT_IDENT:
		next(p);
		if (p->cur.kind == QT_LPAREN)
			return parse_call(p, t);
		if (!strcmp(t.sval, "args")) {
			n = node(p, QN_ARGS, &t.loc);
			if (!n)
				return NULL;
			if (p->cur.kind == QT_DOT || p->cur.kind == QT_ARROW) {
				next(p);
				if (p->cur.kind != QT_IDENT) {
					unexpected(p);
					return NULL;
				}
				n->kind = QN_ARG_FIELD;
				n->loc = span(&t.loc, &p->cur.loc);
				n->sval = p->cur.sval;
				n->slen = p->cur.slen;
				next(p);
			}
			return n;
		}
		{
			int b = lookup_name(builtin_names, QB_COUNT_, t.sval);

			n = node(p, b >= 0 ? QN_BUILTIN : QN_CONST_IDENT, &t.loc);
			if (!n)
				return NULL;
			n->id = b;
			n->sval = t.sval;
			n->slen = t.slen;
			return n;
		}
	default:
		unexpected(p);
		return NULL;
	}
}

static struct qnode *parse_unary(struct parser *p)
{
	struct qtoken t = p->cur;

	if (++p->depth > PARSE_MAX_DEPTH) {
		fail(p, &t.loc, "%s", "the program nests too deeply");
		return NULL;
	}
	struct qnode *n = NULL;

	if (t.kind == QT_MINUS || t.kind == QT_BANG || t.kind == QT_TILDE || t.kind == QT_PLUS) {
		next(p);
		struct qnode *a = parse_unary(p);

		if (!a)
			goto out;
		if (t.kind == QT_PLUS) {
			n = a;
		} else if (t.kind == QT_MINUS && a->kind == QN_INT) {
			/* a literal: -5 is a constant, as in bpftrace */
			a->ival = (int64_t)(0 - (uint64_t)a->ival);
			a->loc = span(&t.loc, &a->loc);
			n = a;
		} else {
			n = node(p, QN_UNOP, &t.loc);
			if (n) {
				n->op = t.kind;
				n->a = a;
				n->loc = span(&t.loc, &a->loc);
			}
		}
	} else if (t.kind == QT_STAR || t.kind == QT_AMP) {
		fail(p, &t.loc, "%s", "ebrec query: pointers cannot be followed in a trace: it holds "
		     "the events' fields, not the kernel's memory");
	} else {
		n = parse_primary(p);
		if (n && (p->cur.kind == QT_DOT || p->cur.kind == QT_ARROW))
			fail(p, &p->cur.loc, "%s", "ebrec query: only args has fields (args.f, "
			     "args->f): a trace holds the events' fields, not the kernel's structs");
	}
out:
	p->depth--;
	return failed(p) ? NULL : n;
}

static int binop_prec(enum qtok k)
{
	switch (k) {
	case QT_OROR: return 1;
	case QT_ANDAND: return 2;
	case QT_PIPE: return 3;
	case QT_CARET: return 4;
	case QT_AMP: return 5;
	case QT_EQ: case QT_NE: return 6;
	case QT_LT: case QT_LE: case QT_GT: case QT_GE: return 7;
	case QT_SHL: case QT_SHR: return 8;
	case QT_PLUS: case QT_MINUS: return 9;
	case QT_STAR: case QT_SLASH: case QT_PERCENT: return 10;
	default: return 0;
	}
}

static struct qnode *parse_binary(struct parser *p, int min_prec)
{
	struct qnode *lhs = parse_unary(p);

	while (lhs) {
		enum qtok op = p->cur.kind;
		int prec = binop_prec(op);

		if (!prec || prec < min_prec || (op == QT_SLASH && p->filter_depth))
			break;
		struct qloc oploc = p->cur.loc;

		next(p);
		if (++p->depth > PARSE_MAX_DEPTH) {
			fail(p, &oploc, "%s", "the program nests too deeply");
			return NULL;
		}
		struct qnode *rhs = parse_binary(p, prec + 1);

		p->depth--;
		if (!rhs)
			return NULL;
		struct qnode *n = node(p, QN_BINOP, &oploc);

		if (!n)
			return NULL;
		n->op = op;
		n->a = lhs;
		n->b = rhs;
		n->loc = span(&lhs->loc, &rhs->loc);
		lhs = n;
	}
	return failed(p) ? NULL : lhs;
}

static struct qnode *parse_expr(struct parser *p)
{
	struct qnode *cond = parse_binary(p, 1);

	if (!cond || p->cur.kind != QT_QUESTION)
		return cond;
	next(p);
	struct qnode *t = parse_expr(p);

	if (!t || !expect(p, QT_COLON))
		return NULL;
	struct qnode *f = parse_expr(p);

	if (!f)
		return NULL;
	struct qnode *n = node(p, QN_TERNARY, &cond->loc);

	if (!n)
		return NULL;
	n->a = cond;
	n->b = t;
	n->c = f;
	n->loc = span(&cond->loc, &f->loc);
	return n;
}

static bool is_assign_op(enum qtok k)
{
	return k == QT_ASSIGN || k == QT_PLUSEQ || k == QT_MINUSEQ || k == QT_STAREQ ||
	       k == QT_SLASHEQ || k == QT_PERCENTEQ || k == QT_AMPEQ || k == QT_PIPEEQ ||
	       k == QT_CARETEQ || k == QT_SHLEQ || k == QT_SHREQ;
}

/* @m[k] = e, $v op= e, @m++, ++$v ...; lhs already parsed */
static struct qnode *parse_assign(struct parser *p, struct qnode *lhs, enum qtok op,
				  const struct qloc *oploc)
{
	struct qnode *n = node(p, lhs->kind == QN_MAP ? QN_ASSIGN_MAP : QN_ASSIGN_VAR, &lhs->loc);

	if (!n)
		return NULL;
	n->op = op;
	n->a = lhs;
	if (op != QT_INC && op != QT_DEC) {
		n->b = parse_expr(p);
		if (!n->b)
			return NULL;
		n->loc = span(&lhs->loc, &n->b->loc);
	} else {
		n->loc = span(&lhs->loc, oploc);
	}
	return n;
}

static struct qnode *parse_if(struct parser *p)
{
	struct qnode *n = node(p, QN_IF, &p->cur.loc);

	next(p);
	if (!n || !expect(p, QT_LPAREN) || !(n->a = parse_expr(p)) || !expect(p, QT_RPAREN))
		return NULL;
	if (!(n->b = parse_block(p, false)))
		return NULL;
	if (p->cur.kind == QT_IDENT && !strcmp(p->cur.sval, "else")) {
		next(p);
		if (p->cur.kind == QT_IDENT && !strcmp(p->cur.sval, "if"))
			n->c = parse_if(p);
		else
			n->c = parse_block(p, false);
		if (!n->c)
			return NULL;
	}
	return n;
}

/* A statement, and whether it was a block statement (needs no ';' after it). */
static struct qnode *parse_stmt(struct parser *p, bool *block_stmt)
{
	struct qtoken t = p->cur;
	struct qnode *n;

	*block_stmt = false;
	if (t.kind == QT_IDENT && !strcmp(t.sval, "if")) {
		*block_stmt = true;
		return parse_if(p);
	}
	if (t.kind == QT_IDENT && (!strcmp(t.sval, "while") || !strcmp(t.sval, "unroll"))) {
		bool is_while = !strcmp(t.sval, "while");

		*block_stmt = true;
		n = node(p, is_while ? QN_WHILE : QN_UNROLL, &t.loc);
		next(p);
		if (!n || !expect(p, QT_LPAREN) || !(n->a = parse_expr(p)) ||
		    !expect(p, QT_RPAREN) || !(n->b = parse_block(p, false)))
			return NULL;
		return n;
	}
	if (t.kind == QT_IDENT && (!strcmp(t.sval, "return") || !strcmp(t.sval, "break") ||
				   !strcmp(t.sval, "continue"))) {
		n = node(p, t.sval[0] == 'r' ? QN_RETURN : t.sval[0] == 'b' ? QN_BREAK :
			 QN_CONTINUE, &t.loc);
		next(p);
		return n;
	}
	if (t.kind == QT_INC || t.kind == QT_DEC) {
		next(p);
		struct qnode *lhs = parse_primary(p);

		if (!lhs)
			return NULL;
		if (lhs->kind != QN_MAP && lhs->kind != QN_VAR) {
			fail(p, &lhs->loc, "%s", "++ and -- apply to a map or a variable");
			return NULL;
		}
		return parse_assign(p, lhs, t.kind, &t.loc);
	}
	n = parse_expr(p);
	if (!n)
		return NULL;
	if (n->kind == QN_MAP || n->kind == QN_VAR) {
		enum qtok op = p->cur.kind;
		struct qloc oploc = p->cur.loc;

		if (is_assign_op(op) || op == QT_INC || op == QT_DEC) {
			next(p);
			return parse_assign(p, n, op, &oploc);
		}
	}
	struct qnode *s = node(p, QN_EXPR, &n->loc);

	if (s)
		s->a = n;
	return s;
}

static struct qnode *parse_block(struct parser *p, bool top)
{
	struct qnode *b = node(p, QN_BLOCK, &p->cur.loc);
	struct nodelist stmts = { 0 };

	if (!b)
		return NULL;
	if (p->cur.kind != QT_LBRACE) {
		unexpected(p);
		return NULL;
	}
	if (++p->depth > PARSE_MAX_DEPTH) {
		fail(p, &p->cur.loc, "%s", "the program nests too deeply");
		return NULL;
	}
	next(p);
	while (p->cur.kind != QT_RBRACE) {
		bool block_stmt;

		if (p->cur.kind == QT_SEMI) {
			next(p);
			continue;
		}
		struct qnode *s = parse_stmt(p, &block_stmt);

		if (!s || !list_add(p, &stmts, s))
			goto fail;
		if (p->cur.kind == QT_SEMI)
			next(p);
		else if (p->cur.kind != QT_RBRACE && !block_stmt) {
			unexpected(p);
			goto fail;
		}
	}
	p->depth--;
	if (!top)
		next(p);
	if (!list_move(p, &stmts, b))
		return NULL;
	return b;
fail:
	free(stmts.v);
	return NULL;
}

static bool parse_action(struct parser *p, struct qtoken first, struct qaction *act)
{
	struct qprobe_spec specs[64];
	uint32_t n = 0;
	struct qtoken t = first;

	for (;;) {
		if (t.kind != QT_PROBE) {
			p->cur = t;
			unexpected(p);
			return false;
		}
		if (n == sizeof(specs) / sizeof(specs[0])) {
			fail(p, &t.loc, "%s", "more than 64 probes for one action");
			return false;
		}
		specs[n].text = t.sval;
		specs[n].loc = t.loc;
		n++;
		next(p);
		if (p->cur.kind != QT_COMMA)
			break;
		t = qlexer_probe(&p->lx);
		if (t.kind == QT_ERROR) {
			fail(p, &t.loc, "%s", "invalid probe");
			return false;
		}
	}
	act->probes = qarena_alloc(&p->prog->arena, n * sizeof(*act->probes));
	if (!act->probes)
		return false;
	memcpy(act->probes, specs, n * sizeof(*specs));
	act->nprobes = n;
	if (p->cur.kind == QT_SLASH) {
		next(p);
		p->filter_depth = 1;
		act->filter = parse_expr(p);
		p->filter_depth = 0;
		if (!act->filter || !expect(p, QT_SLASH))
			return false;
	}
	act->body = parse_block(p, true);
	return act->body != NULL;
}

int qparse(struct qprogram *prog, const struct qsource *src, char **err)
{
	struct parser p = { 0 };
	struct qaction *acts = NULL;
	uint32_t nacts = 0, cap = 0;

	memset(prog, 0, sizeof(*prog));
	prog->src = *src;
	p.prog = prog;
	*err = NULL;
	qlexer_init(&p.lx, &prog->src, &prog->arena);
	/* "#!/usr/bin/env bpftrace" and "#include <linux/sched.h>": bpftrace's preprocessor lines */
	for (;;) {
		while (qlexer_skip_directive(&p.lx))
			;
		struct qtoken t = qlexer_probe(&p.lx);

		if (t.kind == QT_EOF && !p.lx.error)
			break;
		if (t.kind == QT_ERROR || p.lx.error) {
			fail(&p, &t.loc, "%s", "invalid probe");
			goto fail;
		}
		if (nacts == cap) {
			cap = cap ? cap * 2 : 8;
			struct qaction *na = realloc(acts, cap * sizeof(*acts));

			if (!na) {
				prog->arena.failed = true;
				goto fail;
			}
			acts = na;
		}
		memset(&acts[nacts], 0, sizeof(acts[nacts]));
		if (!parse_action(&p, t, &acts[nacts]))
			goto fail;
		nacts++;
	}
	if (!nacts) {
		struct qloc l = { 1, 1, 2 };

		fail(&p, &l, "%s", "no probes in the program");
		goto fail;
	}
	prog->actions = qarena_alloc(&prog->arena, nacts * sizeof(*acts));
	if (!prog->actions)
		goto fail;
	memcpy(prog->actions, acts, nacts * sizeof(*acts));
	prog->nactions = nacts;
	free(acts);
	return 0;
fail:
	free(acts);
	if (!p.error && p.lx.error) {
		p.error = p.lx.error;
		p.lx.error = NULL;
	}
	free(p.lx.error);
	/* a token or node the arena could not hold reads as a syntax error: it is memory */
	if (prog->arena.failed) {
		free(p.error);
		p.error = NULL;
	}
	*err = p.error;
	return -1;
}

void qprogram_release(struct qprogram *prog)
{
	qarena_release(&prog->arena);
	free(prog->maps);
	prog->maps = NULL;
	prog->nmaps = 0;
}
