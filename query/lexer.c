// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpftrace's tokens: numbers (decimal, 0x hex, 1e6, 1_000), strings with C escapes, @maps,
 * $variables, identifiers, C's operators, // and block comments. Probe specifiers have their
 * own scanner (qlexer_probe): they hold ':' '*' '/' '.' that are operators elsewhere.
 * Also the program's arena and the error format every stage shares.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "query/ast.h"

/* ------------------------------------------------------------------ arena */

struct qarena_chunk {
	struct qarena_chunk *next;
	size_t size, used;
	unsigned char data[];
};

#define QARENA_CHUNK (64u << 10)

void *qarena_alloc(struct qarena *a, size_t size)
{
	struct qarena_chunk *c = a->chunks;

	size = (size + 15) & ~(size_t)15;
	if (!c || c->size - c->used < size) {
		size_t want = size > QARENA_CHUNK ? size : QARENA_CHUNK;

		c = malloc(sizeof(*c) + want);
		if (!c) {
			a->failed = true;
			return NULL;
		}
		c->size = want;
		c->used = 0;
		c->next = a->chunks;
		a->chunks = c;
	}
	void *p = c->data + c->used;

	c->used += size;
	a->used_bytes += size;
	memset(p, 0, size);
	return p;
}

char *qarena_strndup(struct qarena *a, const char *s, size_t len)
{
	char *p = qarena_alloc(a, len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

void qarena_release(struct qarena *a)
{
	while (a->chunks) {
		struct qarena_chunk *next = a->chunks->next;

		free(a->chunks);
		a->chunks = next;
	}
	a->used_bytes = 0;
}

/* ------------------------------------------------------------------ errors */

char *qerror_format(const struct qsource *src, const struct qloc *loc, const char *fmt, ...)
{
	char *msg = NULL, *out = NULL;
	size_t n = 0;
	FILE *f;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return NULL;
	f = open_memstream(&out, &n);
	if (!f) {
		free(msg);
		return NULL;
	}
	if (!loc || !loc->line) {
		fprintf(f, "%s: ERROR: %s\n", src->name, msg);
		goto done;
	}
	/* bpftrace's driver: "stdin:1:14-15: ERROR: syntax error, unexpected ;" */
	fprintf(f, "%s:%u:%u-%u: ERROR: %s\n", src->name, loc->line, loc->col,
		loc->end_col > loc->col ? loc->end_col : loc->col + 1, msg);
	/* the line, then '~' under the columns */
	const char *p = src->text, *end = src->text + src->len;

	for (uint32_t l = 1; l < loc->line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *eol = memchr(p, '\n', (size_t)(end - p));

	if (!eol)
		eol = end;
	fprintf(f, "%.*s\n", (int)(eol - p), p);
	for (uint32_t c = 1; c < loc->col; c++)
		fputc(p + c - 1 < eol && p[c - 1] == '\t' ? '\t' : ' ', f);
	for (uint32_t c = loc->col; c < (loc->end_col > loc->col ? loc->end_col : loc->col + 1);
	     c++)
		fputc('~', f);
	fputc('\n', f);
done:
	free(msg);
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

/* ------------------------------------------------------------------ lexer */

void qlexer_init(struct qlexer *lx, const struct qsource *src, struct qarena *arena)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->arena = arena;
	lx->line = 1;
	lx->col = 1;
}

static int peekc(const struct qlexer *lx, size_t ahead)
{
	size_t at = lx->pos + ahead;

	return at < lx->src->len ? (unsigned char)lx->src->text[at] : -1;
}

static void advance(struct qlexer *lx)
{
	if (lx->pos >= lx->src->len)
		return;
	if (lx->src->text[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

static void lex_error(struct qlexer *lx, const struct qloc *loc, const char *msg)
{
	if (!lx->error)
		lx->error = qerror_format(lx->src, loc, "%s", msg);
}

/* Space and comments; false on a comment that does not end (error set). */
static bool skip_space(struct qlexer *lx)
{
	for (;;) {
		int c = peekc(lx, 0);

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			advance(lx);
		} else if (c == '/' && peekc(lx, 1) == '/') {
			while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n')
				advance(lx);
		} else if (c == '/' && peekc(lx, 1) == '*') {
			struct qloc loc = { lx->line, lx->col, lx->col + 2 };

			advance(lx);
			advance(lx);
			while (peekc(lx, 0) >= 0 && !(peekc(lx, 0) == '*' && peekc(lx, 1) == '/'))
				advance(lx);
			if (peekc(lx, 0) < 0) {
				lex_error(lx, &loc, "unterminated comment");
				return false;
			}
			advance(lx);
			advance(lx);
		} else {
			return true;
		}
	}
}

bool qlexer_skip_directive(struct qlexer *lx)
{
	if (!skip_space(lx) || peekc(lx, 0) != '#')
		return false;
	while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n')
		advance(lx);
	return true;
}

static bool ident_start(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ident_char(int c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static void tok_end(struct qlexer *lx, struct qtoken *t, size_t start)
{
	t->text = lx->src->text + start;
	t->len = (uint32_t)(lx->pos - start);
	t->loc.end_col = t->loc.line == lx->line ? lx->col : t->loc.col + 1;
}

static void lex_number(struct qlexer *lx, struct qtoken *t, size_t start)
{
	unsigned long long v = 0;
	bool overflow = false;
	int base = 10;

	if (peekc(lx, 0) == '0' && (peekc(lx, 1) == 'x' || peekc(lx, 1) == 'X')) {
		base = 16;
		advance(lx);
		advance(lx);
	}
	for (;;) {
		int c = peekc(lx, 0), d;

		if (c == '_' && base == 10) {
			advance(lx);
			continue;
		}
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && isxdigit(c))
			d = (tolower(c) - 'a') + 10;
		else
			break;
		if (v > (~0ull - (unsigned)d) / (unsigned)base)
			overflow = true;
		v = v * (unsigned)base + (unsigned)d;
		advance(lx);
	}
	/* 1e6: bpftrace's integer scientific notation */
	if (base == 10 && (peekc(lx, 0) == 'e' || peekc(lx, 0) == 'E') && isdigit(peekc(lx, 1))) {
		unsigned e = 0;

		advance(lx);
		while (isdigit(peekc(lx, 0))) {
			e = e * 10 + (unsigned)(peekc(lx, 0) - '0');
			if (e > 30)
				overflow = true;
			advance(lx);
		}
		for (unsigned i = 0; i < e && !overflow; i++) {
			if (v > ~0ull / 10)
				overflow = true;
			v *= 10;
		}
	}
	tok_end(lx, t, start);
	if (ident_char(peekc(lx, 0)) || overflow) {
		while (ident_char(peekc(lx, 0)))
			advance(lx);
		tok_end(lx, t, start);
		t->kind = QT_ERROR;
		lex_error(lx, &t->loc, overflow ? "integer too large" : "invalid integer");
		return;
	}
	t->kind = QT_INT;
	t->ival = (int64_t)v;
}

static void lex_string(struct qlexer *lx, struct qtoken *t, size_t start)
{
	size_t cap = 64, n = 0;
	char *buf = malloc(cap);

	if (!buf) {
		t->kind = QT_ERROR;
		lx->arena->failed = true;
		return;
	}
	advance(lx); /* the quote */
	for (;;) {
		int c = peekc(lx, 0);

		if (c < 0 || c == '\n') {
			tok_end(lx, t, start);
			t->kind = QT_ERROR;
			lex_error(lx, &t->loc, "unterminated string");
			free(buf);
			return;
		}
		advance(lx);
		if (c == '"')
			break;
		if (c == '\\') {
			int e = peekc(lx, 0);

			advance(lx);
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case '\'': c = '\''; break;
			case 'x': {
				int v = 0, k = 0;

				while (k < 2 && isxdigit(peekc(lx, 0))) {
					int d = peekc(lx, 0);

					v = v * 16 + (isdigit(d) ? d - '0' : tolower(d) - 'a' + 10);
					advance(lx);
					k++;
				}
				c = v;
				break;
			}
			default:
				if (e >= '0' && e <= '7') {
					int v = e - '0', k = 1;

					while (k < 3 && peekc(lx, 0) >= '0' && peekc(lx, 0) <= '7') {
						v = v * 8 + peekc(lx, 0) - '0';
						advance(lx);
						k++;
					}
					c = v & 0xff;
				} else {
					tok_end(lx, t, start);
					t->kind = QT_ERROR;
					lex_error(lx, &t->loc, "invalid escape character in string");
					free(buf);
					return;
				}
			}
		}
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				t->kind = QT_ERROR;
				lx->arena->failed = true;
				return;
			}
			buf = nb;
			cap *= 2;
		}
		buf[n++] = (char)c;
	}
	tok_end(lx, t, start);
	t->kind = QT_STR;
	t->sval = qarena_strndup(lx->arena, buf, n);
	t->slen = (uint32_t)n;
	free(buf);
	if (!t->sval)
		t->kind = QT_ERROR;
}

struct op_spelling {
	const char *text;
	enum qtok kind;
};

/* longest first */
static const struct op_spelling ops[] = {
	{ "<<=", QT_SHLEQ }, { ">>=", QT_SHREQ },
	{ "->", QT_ARROW }, { "<<", QT_SHL }, { ">>", QT_SHR }, { "<=", QT_LE }, { ">=", QT_GE },
	{ "==", QT_EQ }, { "!=", QT_NE }, { "&&", QT_ANDAND }, { "||", QT_OROR },
	{ "+=", QT_PLUSEQ }, { "-=", QT_MINUSEQ }, { "*=", QT_STAREQ }, { "/=", QT_SLASHEQ },
	{ "%=", QT_PERCENTEQ }, { "&=", QT_AMPEQ }, { "|=", QT_PIPEEQ }, { "^=", QT_CARETEQ },
	{ "++", QT_INC }, { "--", QT_DEC },
	{ "{", QT_LBRACE }, { "}", QT_RBRACE }, { "(", QT_LPAREN }, { ")", QT_RPAREN },
	{ "[", QT_LBRACKET }, { "]", QT_RBRACKET }, { ",", QT_COMMA }, { ";", QT_SEMI },
	{ ":", QT_COLON }, { "?", QT_QUESTION }, { ".", QT_DOT }, { "+", QT_PLUS },
	{ "-", QT_MINUS }, { "*", QT_STAR }, { "/", QT_SLASH }, { "%", QT_PERCENT },
	{ "&", QT_AMP }, { "|", QT_PIPE }, { "^", QT_CARET }, { "~", QT_TILDE }, { "!", QT_BANG },
	{ "<", QT_LT }, { ">", QT_GT }, { "=", QT_ASSIGN },
};

const char *qtok_name(enum qtok kind)
{
	switch (kind) {
	case QT_EOF: return "end of file";
	case QT_INT: return "integer";
	case QT_STR: return "string";
	case QT_IDENT: return "identifier";
	case QT_MAP: return "map";
	case QT_VAR: return "variable";
	case QT_PROBE: return "probe";
	case QT_ERROR: return "invalid token";
	default:
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (ops[i].kind == kind)
				return ops[i].text;
		return "?";
	}
}

/* past space and comments, where the next token starts: false (t an error) if a comment does
 * not end */
static bool tok_start(struct qlexer *lx, struct qtoken *t, size_t *start)
{
	memset(t, 0, sizeof(*t));
	if (!skip_space(lx)) {
		t->kind = QT_ERROR;
		return false;
	}
	*start = lx->pos;
	t->loc.line = lx->line;
	t->loc.col = lx->col;
	return true;
}

struct qtoken qlexer_next(struct qlexer *lx)
{
	struct qtoken t;
	size_t start;
	int c;

	if (!tok_start(lx, &t, &start))
		return t;
	c = peekc(lx, 0);
	if (c < 0) {
		t.kind = QT_EOF;
		tok_end(lx, &t, start);
		return t;
	}
	if (isdigit(c)) {
		lex_number(lx, &t, start);
		return t;
	}
	if (c == '"') {
		lex_string(lx, &t, start);
		return t;
	}
	if (ident_start(c) || c == '@' || c == '$') {
		t.kind = c == '@' ? QT_MAP : c == '$' ? QT_VAR : QT_IDENT;
		if (c == '@' || c == '$')
			advance(lx);
		while (ident_char(peekc(lx, 0)))
			advance(lx);
		tok_end(lx, &t, start);
		if (t.kind == QT_VAR && t.len == 1) {
			t.kind = QT_ERROR;
			lex_error(lx, &t.loc, "syntax error, unexpected $");
			return t;
		}
		t.sval = qarena_strndup(lx->arena, t.text, t.len);
		t.slen = t.len;
		if (!t.sval)
			t.kind = QT_ERROR;
		return t;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].text);

		if (lx->pos + n <= lx->src->len && !memcmp(lx->src->text + lx->pos, ops[i].text, n)) {
			for (size_t k = 0; k < n; k++)
				advance(lx);
			t.kind = ops[i].kind;
			tok_end(lx, &t, start);
			return t;
		}
	}
	advance(lx);
	tok_end(lx, &t, start);
	t.kind = QT_ERROR;
	{
		char msg[64];

		snprintf(msg, sizeof(msg), isprint(c) ? "invalid character '%c'" :
			 "invalid character 0x%02x", c);
		lex_error(lx, &t.loc, msg);
	}
	return t;
}

static bool probe_char(int c)
{
	return ident_char(c) || c == ':' || c == '*' || c == '?' || c == '.' || c == '-' ||
	       c == '+' || c == '[' || c == ']' || c == '/' || c == '@';
}

struct qtoken qlexer_probe(struct qlexer *lx)
{
	struct qtoken t;
	bool in_path = false;
	size_t start;

	if (!tok_start(lx, &t, &start))
		return t;
	/*
	 * A '/' belongs to the specifier only in a path (uprobe:/bin/bash:readline): a segment
	 * that starts with '/' after a ':'; elsewhere it starts the filter.
	 */
	for (int c; (c = peekc(lx, 0)) >= 0 && probe_char(c);) {
		if (c == '/' && !in_path) {
			if (lx->pos == start || lx->src->text[lx->pos - 1] != ':')
				break;
			in_path = true;
		}
		if (c == ':')
			in_path = false;
		advance(lx);
	}
	tok_end(lx, &t, start);
	if (!t.len) {
		t = qlexer_next(lx);
		return t;
	}
	t.kind = QT_PROBE;
	t.sval = qarena_strndup(lx->arena, t.text, t.len);
	t.slen = t.len;
	if (!t.sval)
		t.kind = QT_ERROR;
	return t;
}
