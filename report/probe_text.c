// SPDX-License-Identifier: GPL-2.0-only
/* The text of a generic probe's event (report/probe_text.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "report/probe_text.h"

/* A bounded string being appended to. */
struct text {
	char *p;
	size_t len, used;
};

static void __attribute__((format(printf, 2, 3))) append(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->used + 1 >= t->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += (size_t)n < t->len - t->used ? (size_t)n : t->len - t->used - 1;
}

/* Whether a line lists the field: not a common one, and after a print format's text only
 * what that format has no place for (the strings read from user memory). */
static bool listed(const char *name, bool after_format)
{
	size_t n = strlen(name);

	if (!strncmp(name, "common_", 7) || !strcmp(name, "capture_flags"))
		return false;
	return !after_format || (n > 4 && !strcmp(name + n - 4, "_str"));
}

static void append_value(struct text *t, const struct ebr_value *v, enum ebr_kind kind,
			 bool hex)
{
	switch (kind) {
	case EBR_KIND_S64:
		append(t, "%lld", (long long)ebr_value_s64(v));
		break;
	case EBR_KIND_STR:
		append(t, "\"%.*s\"", (int)(v->s ? v->len : 0), v->s ? v->s : "");
		break;
	case EBR_KIND_BYTES:
		for (uint32_t i = 0; i < v->len; i++)
			append(t, "%02x", (unsigned char)v->s[i]);
		break;
	case EBR_KIND_STACK:
		for (uint32_t i = 0; i < v->len; i++)
			append(t, "%s0x%llx", i ? "," : "", (unsigned long long)v->frames[i]);
		break;
	default:
		append(t, hex ? "0x%llx" : "%llu", (unsigned long long)v->u);
	}
}

int probe_format_text(struct tpevent *tp, const struct ebr_reader *r,
		      const struct probe_row *row, char *out, size_t len)
{
	int printed;

	if (!row->type->tracepoint)
		return 0;
	printed = tpevent_print(tp, r, row->ti, row->ev, out, len);
	return printed < 0 ? EBR_E_NOMEM : printed;
}

int probe_text(struct tpevent *tp, const struct ebr_reader *r, const struct probe_row *row,
	       char *out, size_t len)
{
	struct text t = { out, len, 0 };
	int printed = probe_format_text(tp, r, row, out, len);
	bool first;

	if (printed < 0)
		return printed;
	if (printed)
		t.used = strlen(out);
	else
		out[0] = 0;
	first = !printed;
	for (uint32_t f = 0; f < row->ev->nraw; f++) {
		const char *name = "?";
		enum ebr_kind kind = 0;

		ebr_reader_type_field(r, row->ti, f, &name, &kind);
		/* stacks are a line each frame, below (ebrec script) */
		if (!listed(name, printed) || kind == EBR_KIND_STACK)
			continue;
		append(&t, "%s%s=", first ? "" : " ", name);
		append_value(&t, &row->ev->raw[f], kind, row->type->hex_args);
		first = false;
	}
	return 0;
}
