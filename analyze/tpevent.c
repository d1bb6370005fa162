// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tracepoint events printed by libtraceevent from the format files the trace carries
 * (analyze/tpevent.h). libtraceevent trusts its input, a trace is hostile: a format file
 * reaches it only when it is short text of plain characters; it is first parsed, checked and
 * tried on records in a child process (libtraceevent's parser crashes on some malformed print
 * fmts: tests/fuzz/seeds/format-crashes-libtraceevent), and used only if the child came
 * through; and its parsed print fmt is given records only when every argument reads at
 * offsets the record has room for. Records are rebuilt in a buffer of TP_ROOM zeroed bytes,
 * room for every offset and length a 16-bit __data_loc word can name, so that even a field
 * the format misdeclares reads inside it.
 */
#include <errno.h>
#include <endian.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>
#include "analyze/tpevent.h"
#include "format/mem.h"

#define TP_RAW_MAX 8192                 /* fixed fields of a record: PERF_MAX_TRACE_SIZE */
#define TP_ROOM (2 * 0x10000 + TP_RAW_MAX + 16) /* a 16-bit offset and a 16-bit length */
#define TP_PAREN_DEPTH 64               /* of a format file's text */
#define TP_ARG_DEPTH 16                 /* of a print fmt's arguments */
#define TP_ARG_NODES 128
#define TP_CONV_DIGITS 3                /* width and precision: at most 999 */
#define TP_TRIAL_SECONDS 2               /* a trial parse that takes longer failed */

enum tp_state { TP_UNSEEN = 0, TP_USABLE, TP_UNUSABLE };

/* A format field and where its value is in the trace's event. */
struct tp_field {
	const struct tep_format_field *f;
	int32_t raw; /* index among the event's fields, or -1 (then 0) */
	enum ebr_kind kind;
};

struct tp_type {
	enum tp_state state;
	struct tep_handle *tep;
	struct tep_event *ev;
	const struct tep_format_field *common_type, *common_pid;
	int32_t common_pid_raw;
	uint32_t fixed; /* bytes of the fixed fields, common ones included */
	struct tp_field *fields;
	uint32_t nfields;
};

struct tpevent {
	struct tp_type *types; /* by schema entry */
	uint32_t ntypes;
	unsigned char *buf;    /* TP_ROOM bytes, zero outside an event being printed */
	struct trace_seq seq;
};

int tpevent_new(struct tpevent **out)
{
	struct tpevent *t = ebr_calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return -ENOMEM;
	t->buf = ebr_calloc(1, TP_ROOM);
	if (!t->buf) {
		ebr_free(t);
		return -ENOMEM;
	}
	trace_seq_init(&t->seq);
	if (t->seq.state != TRACE_SEQ__GOOD) { /* its buffer could not be allocated */
		ebr_free(t->buf);
		ebr_free(t);
		return -ENOMEM;
	}
	/* libtraceevent says what it cannot parse on stderr; analyze/ prints nothing */
	tep_set_loglevel(TEP_LOG_NONE);
	*out = t;
	return 0;
}

static void type_release(struct tp_type *tt)
{
	ebr_free(tt->fields);
	if (tt->tep)
		tep_free(tt->tep);
	memset(tt, 0, sizeof(*tt));
}

static void print_guard_off(void);

void tpevent_free(struct tpevent *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->ntypes; i++)
		type_release(&t->types[i]);
	ebr_free(t->types);
	ebr_free(t->buf);
	trace_seq_destroy(&t->seq);
	ebr_free(t);
	print_guard_off();
}

/* ------------------------------------------------------------ what libtraceevent may see */

/* Short text of printable characters, parentheses nested no deeper than it can parse. */
static bool text_usable(const char *text, size_t len)
{
	int depth = 0;

	if (!len || len > TPEVENT_FORMAT_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f)
			return false;
		if (c == '(' && ++depth > TP_PAREN_DEPTH)
			return false;
		if (c == ')')
			depth--;
	}
	return true;
}

/* Conversions of the print fmt: the ones libtraceevent bounds, no '*' and no wide widths. */
static bool conversions_usable(const char *fmt)
{
	for (const char *p = fmt; p && *p; p++) {
		int digits;

		if (*p != '%')
			continue;
		if (*++p == '%')
			continue;
		p += strspn(p, "-+ #0");
		for (digits = 0; *p >= '0' && *p <= '9'; p++)
			digits++;
		if (digits > TP_CONV_DIGITS)
			return false;
		if (*p == '.') {
			for (p++, digits = 0; *p >= '0' && *p <= '9'; p++)
				digits++;
			if (digits > TP_CONV_DIGITS)
				return false;
		}
		for (digits = 0; *p && strchr("hlLzjt", *p); p++)
			digits++;
		if (digits > 2 || !*p || !strchr("diouxXcsp", *p))
			return false;
	}
	return true;
}

/* Whether arg can only read the record at offsets TP_ROOM holds; nodes counts them all. */
static bool arg_usable(const struct tep_print_arg *arg, int depth, int *nodes)
{
	for (; arg; arg = arg->next) {
		if (depth > TP_ARG_DEPTH || ++*nodes > TP_ARG_NODES)
			return false;
		switch (arg->type) {
		case TEP_PRINT_NULL:
		case TEP_PRINT_ATOM:
		case TEP_PRINT_FIELD:
		case TEP_PRINT_BSTRING:
		case TEP_PRINT_STRING:
		case TEP_PRINT_BITMASK:
		case TEP_PRINT_CPUMASK:
		case TEP_PRINT_DYNAMIC_ARRAY_LEN:
			break;
		case TEP_PRINT_DYNAMIC_ARRAY:
			if (arg->dynarray.index)
				return false;
			break;
		case TEP_PRINT_TYPE:
			if (!arg_usable(arg->typecast.item, depth + 1, nodes))
				return false;
			break;
		case TEP_PRINT_FLAGS:
			if (!arg_usable(arg->flags.field, depth + 1, nodes))
				return false;
			break;
		case TEP_PRINT_SYMBOL:
			if (!arg_usable(arg->symbol.field, depth + 1, nodes))
				return false;
			break;
		case TEP_PRINT_HEX:
		case TEP_PRINT_HEX_STR:
			/* a dynamic array and its own length: both 16-bit */
			if (!arg->hex.field || arg->hex.field->type != TEP_PRINT_DYNAMIC_ARRAY ||
			    arg->hex.field->dynarray.index || !arg->hex.size ||
			    arg->hex.size->type != TEP_PRINT_DYNAMIC_ARRAY_LEN)
				return false;
			break;
		case TEP_PRINT_OP:
			/* an index reads anywhere; a division by a zero field ends the process */
			if (!arg->op.op || !strcmp(arg->op.op, "[") || !strcmp(arg->op.op, "/") ||
			    !strcmp(arg->op.op, "%"))
				return false;
			if (!arg_usable(arg->op.left, depth + 1, nodes) ||
			    !arg_usable(arg->op.right, depth + 1, nodes))
				return false;
			break;
		default: /* arrays of a length read from the record, kernel functions */
			return false;
		}
	}
	return true;
}

int tpevent_format_usable(const char *text, size_t len)
{
	return text_usable(text, len);
}

/* Every field inside the record's fixed part, which is inside TP_RAW_MAX. */
static bool fields_usable(struct tp_type *tt, const struct tep_format_field *f)
{
	for (; f; f = f->next) {
		if (f->offset < 0 || f->size < 0 || f->size > TP_RAW_MAX ||
		    f->offset > TP_RAW_MAX - f->size)
			return false;
		if ((uint32_t)(f->offset + f->size) > tt->fixed)
			tt->fixed = (uint32_t)(f->offset + f->size);
	}
	return true;
}

/* ------------------------------------------------------------ a type's format, parsed */

/* "tracepoint:SYS:NAME" -> SYS into sys; false for other names. */
static bool tracepoint_system(const char *name, char *sys, size_t len)
{
	const char *a, *b;

	if (strncmp(name, "tracepoint:", 11))
		return false;
	a = name + 11;
	b = strchr(a, ':');
	if (!b || b == a || (size_t)(b - a) >= len)
		return false;
	memcpy(sys, a, (size_t)(b - a));
	sys[b - a] = 0;
	return true;
}

static int map_fields(struct tp_type *tt, const struct ebr_reader *r, uint32_t ti)
{
	const char *tname, *fname;
	uint32_t id, nf, n = 0;
	enum ebr_kind kind;

	ebr_reader_type_at(r, ti, &id, &tname, &nf);
	for (const struct tep_format_field *f = tt->ev->format.fields; f; f = f->next)
		n++;
	tt->fields = ebr_calloc(n ? n : 1, sizeof(*tt->fields));
	if (!tt->fields)
		return -ENOMEM;
	tt->common_pid_raw = -1;
	for (uint32_t g = 0; g < nf; g++)
		if (!ebr_reader_type_field(r, ti, g, &fname, &kind) && !strcmp(fname, "common_pid"))
			tt->common_pid_raw = (int32_t)g;
	for (const struct tep_format_field *f = tt->ev->format.fields; f; f = f->next) {
		struct tp_field *tf = &tt->fields[tt->nfields++];

		tf->f = f;
		tf->raw = -1;
		/* by name, as every reader maps fields (a quadratic walk over <= 64 fields) */
		for (uint32_t g = 0; g < nf; g++) {
			if (!ebr_reader_type_field(r, ti, g, &fname, &kind) && f->name &&
			    !strcmp(fname, f->name)) {
				tf->raw = (int32_t)g;
				tf->kind = kind;
				break;
			}
		}
	}
	return 0;
}

static bool host_big_endian(void)
{
	return __BYTE_ORDER == __BIG_ENDIAN;
}

/* Parses a format file into tt; its state says whether it can print. 0 or -ENOMEM. */
static int type_load(struct tp_type *tt, const struct ebr_reader *r, uint32_t ti,
		     const char *text, const char *sys)
{
	const char *long_size = ebr_reader_meta(r, "host.long_size");
	enum tep_errno err;
	int nodes = 0;

	tt->state = TP_UNUSABLE;
	tt->tep = tep_alloc();
	if (!tt->tep)
		return -ENOMEM;
	tep_set_long_size(tt->tep, long_size && !strcmp(long_size, "4") ? 4 : 8);
	/* the rebuilt records hold numbers in this host's order */
	tep_set_file_bigendian(tt->tep, host_big_endian() ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tt->tep, host_big_endian() ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	/*
	 * libtraceevent does not always say that an allocation failed, and may then parse a
	 * format into something else: errno says it (a parse that fails may leave errno set
	 * anyway: trial_in_child() tells those apart by parsing again)
	 */
	errno = 0;
	err = tep_parse_format(tt->tep, &tt->ev, text, strlen(text), sys);
	if (err == TEP_ERRNO__MEM_ALLOC_FAILED || (!err && errno == ENOMEM))
		return -ENOMEM;
	/* a print fmt libtraceevent could not parse: the caller's field listing says more */
	if (err || !tt->ev || (tt->ev->flags & TEP_EVENT_FL_FAILED))
		return 0;
	tt->common_type = tep_find_common_field(tt->ev, "common_type");
	tt->common_pid = tep_find_common_field(tt->ev, "common_pid");
	if (!tt->common_type || tt->common_type->size != 2 || !tt->common_pid ||
	    tt->common_pid->size != 4)
		return 0;
	if (!fields_usable(tt, tt->ev->format.common_fields) ||
	    !fields_usable(tt, tt->ev->format.fields))
		return 0;
	if (!conversions_usable(tt->ev->print_fmt.format) ||
	    !arg_usable(tt->ev->print_fmt.args, 0, &nodes))
		return 0;
	if (map_fields(tt, r, ti))
		return -ENOMEM;
	tt->state = TP_USABLE;
	return 0;
}

static int print_record(struct tpevent *t, struct tp_type *tt, const struct ebr_event *ev,
			char *out, size_t len);

/*
 * The child of format_trial(): exits TRIAL_OK when the format parsed, passed and printed,
 * TRIAL_NOMEM when memory ran out on the way.
 */
enum { TRIAL_OK = 0, TRIAL_UNUSABLE = 1, TRIAL_NOMEM = 2 };

/*
 * A crash in the trial, silently (no sanitizer or fuzzer report of it): libtraceevent does
 * not check every allocation, so a crash just after one failed (errno says so) is for want
 * of memory, not the format's doing.
 */
static void trial_crashed(int sig)
{
	(void)sig;
	_exit(errno == ENOMEM ? TRIAL_NOMEM : TRIAL_UNUSABLE);
}

static void __attribute__((noreturn)) trial_in_child(struct tpevent *t,
						     const struct ebr_reader *r, uint32_t ti,
						     const char *text, const char *sys)
{
	static const char ones[64] = { [0 ... 63] = (char)0xff };
	static const int deadly[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct ebr_value vals[EBR_MAX_FIELDS];
	struct ebr_event ev = { .raw = vals };
	struct tp_type tt = { .state = TP_UNSEEN };
	char out[256];
	const char *tname;
	uint32_t id;

	for (size_t i = 0; i < sizeof(deadly) / sizeof(deadly[0]); i++)
		signal(deadly[i], trial_crashed);
	alarm(TP_TRIAL_SECONDS);
	errno = 0;
	if (type_load(&tt, r, ti, text, sys))
		_exit(TRIAL_NOMEM);
	if (tt.state != TP_USABLE) {
		/*
		 * libtraceevent does not always say that an allocation failed: a format that
		 * parses the second time failed the first for want of memory
		 */
		type_release(&tt);
		if (type_load(&tt, r, ti, text, sys) || tt.state == TP_USABLE)
			_exit(TRIAL_NOMEM);
		_exit(TRIAL_UNUSABLE);
	}
	ebr_reader_type_at(r, ti, &id, &tname, &ev.nraw);
	ev.nraw = ev.nraw < EBR_MAX_FIELDS ? ev.nraw : EBR_MAX_FIELDS;
	for (int pattern = 0; pattern < 2; pattern++) {
		for (uint32_t i = 0; i < ev.nraw; i++)
			vals[i] = (struct ebr_value){ .u = pattern ? ~0ull : 0,
						      .s = pattern ? ones : "",
						      .len = pattern ? sizeof(ones) : 0 };
		if (print_record(t, &tt, &ev, out, sizeof(out)) < 0)
			_exit(TRIAL_NOMEM);
	}
	_exit(TRIAL_OK);
}

/*
 * Whether the format survives libtraceevent: parsed, checked and printed (every field zero,
 * then every byte 0xff) in a child process first, which may crash or hang in its stead.
 * 1 it does, 0 it does not, -ENOMEM (no memory for the child or in it).
 */
static int format_trial(struct tpevent *t, const struct ebr_reader *r, uint32_t ti,
			const char *text, const char *sys)
{
	int status = 0;
	pid_t pid;

	fflush(NULL); /* nothing buffered is written twice */
	pid = fork();
	if (pid < 0)
		return errno == ENOMEM || errno == EAGAIN ? -ENOMEM : 0;
	if (pid == 0)
		trial_in_child(t, r, ti, text, sys);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == TRIAL_NOMEM)
		return -ENOMEM;
	return WIFEXITED(status) && WEXITSTATUS(status) == TRIAL_OK;
}

/* Type ti's format file, tried and then parsed: its state says whether it can print. */
static int type_parse(struct tpevent *t, struct tp_type *tt, const struct ebr_reader *r,
		      uint32_t ti)
{
	const char *tname, *text;
	char key[1100], sys[256];
	uint32_t id, nf;
	int err;

	tt->state = TP_UNUSABLE;
	if (ebr_reader_type_at(r, ti, &id, &tname, &nf) || nf > EBR_MAX_FIELDS ||
	    !tracepoint_system(tname, sys, sizeof(sys)))
		return 0;
	if (snprintf(key, sizeof(key), "format.%s", tname) >= (int)sizeof(key))
		return 0;
	text = ebr_reader_meta(r, key);
	if (!text || !text_usable(text, strlen(text)))
		return 0;
	err = format_trial(t, r, ti, text, sys);
	if (err <= 0)
		return err;
	err = type_load(tt, r, ti, text, sys);
	/* the same parse went through in the child: failing here, it ran out of memory */
	return err ? err : tt->state == TP_USABLE ? 0 : -ENOMEM;
}

/* ------------------------------------------------------------ records rebuilt */

static void put_number(unsigned char *at, int size, uint64_t v)
{
	union {
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
	} n;

	switch (size) {
	case 1:
		n.u8 = (uint8_t)v;
		break;
	case 2:
		n.u16 = (uint16_t)v;
		break;
	case 4:
		n.u32 = (uint32_t)v;
		break;
	case 8:
		n.u64 = v;
		break;
	default:
		return;
	}
	memcpy(at, &n, (size_t)size);
}

/* The data of a __data_loc / __rel_loc field appended at *end; its loc word written. */
static void put_dynamic(unsigned char *buf, const struct tep_format_field *f, uint32_t *end,
			const void *data, size_t len, bool nul)
{
	uint32_t at = *end, loc;
	size_t room = at < 0xffff ? 0xffff - at : 0;

	if (len + nul > room)
		len = room > nul ? room - nul : 0;
	memcpy(buf + at, data, len);
	if (nul && room)
		buf[at + len++] = 0;
	*end = at + (uint32_t)len;
	if (f->flags & TEP_FIELD_IS_RELATIVE)
		at -= (uint32_t)(f->offset + f->size);
	loc = (uint32_t)len << 16 | (at & 0xffff);
	if (f->size == 4)
		memcpy(buf + f->offset, &loc, sizeof(loc));
}

/* Writes field tf of ev into the record being built. */
static void put_field(unsigned char *buf, uint32_t *end, const struct tp_field *tf,
		      const struct ebr_event *ev)
{
	const struct tep_format_field *f = tf->f;
	const struct ebr_value *v;
	size_t len;

	if (tf->raw < 0 || (uint32_t)tf->raw >= ev->nraw)
		return;
	v = &ev->raw[tf->raw];
	if (tf->kind == EBR_KIND_STR || tf->kind == EBR_KIND_BYTES) {
		len = v->s ? v->len : 0;
		if (f->flags & TEP_FIELD_IS_DYNAMIC)
			put_dynamic(buf, f, end, v->s ? v->s : "", len, tf->kind == EBR_KIND_STR);
		else
			memcpy(buf + f->offset, v->s ? v->s : "",
			       len < (size_t)f->size ? len : (size_t)f->size);
	} else if (tf->kind == EBR_KIND_U64 || tf->kind == EBR_KIND_S64) {
		put_number(buf + f->offset, f->size, v->u);
	}
}

/*
 * libtraceevent prints each %s conversion through a trace_seq of its own, and does not check
 * that seq's buffer (1.7's print_arg_string() hands a NULL buffer to trace_seq_puts() when
 * its malloc failed): a fault in tep_print_event() just after an allocation failed (errno
 * says so) is for want of memory and comes back as -ENOMEM; any other fault is left to crash
 * as it would, under the handler that was there before, for sanitizers and fuzzers to see.
 */
static sigjmp_buf print_escape;
static volatile sig_atomic_t printing;
static struct sigaction fault_before;
/*
 * The guard stays installed from the first print to tpevent_free(): two sigaction() calls an
 * event were most of a printed event's system time, and outside a print it hands any fault
 * on to the handler before it.
 */
static bool guard_on;

static void print_guard_off(void)
{
	if (guard_on)
		sigaction(SIGSEGV, &fault_before, NULL);
	guard_on = false;
}

static void print_fault(int sig)
{
	if (printing && errno == ENOMEM) {
		printing = 0;
		siglongjmp(print_escape, 1);
	}
	sigaction(sig, &fault_before, NULL); /* the faulting access runs again, as before */
}

/* tep_print_event() of rec into t->seq: 0, or -ENOMEM when memory ran out inside it. */
static int print_guarded(struct tpevent *t, struct tp_type *tt, struct tep_record *rec)
{
	struct sigaction guard = { .sa_handler = print_fault, .sa_flags = SA_NODEFER };
	int ret = 0;

	sigemptyset(&guard.sa_mask);
	if (!guard_on && sigaction(SIGSEGV, &guard, &fault_before))
		return -ENOMEM; /* unguarded, a failed allocation would crash: said as one */
	guard_on = true;
	errno = 0; /* as in type_load(): how an allocation that failed is known */
	if (sigsetjmp(print_escape, 0) == 0) {
		printing = 1;
		tep_print_event(tt->tep, &t->seq, rec, "%s", TEP_PRINT_INFO);
		printing = 0;
		if (t->seq.state == TRACE_SEQ__MEM_ALLOC_FAILED || errno == ENOMEM)
			ret = -ENOMEM;
	} else {
		ret = -ENOMEM;
	}
	return ret;
}

/* ev's record rebuilt in t->buf and printed by tt's print fmt into out. 1 or -ENOMEM. */
static int print_record(struct tpevent *t, struct tp_type *tt, const struct ebr_event *ev,
			char *out, size_t len)
{
	struct tep_record rec;
	uint32_t end = tt->fixed;
	size_t n;
	int err;

	put_number(t->buf + tt->common_type->offset, 2, (uint64_t)tt->ev->id);
	if (tt->common_pid_raw >= 0 && (uint32_t)tt->common_pid_raw < ev->nraw)
		put_number(t->buf + tt->common_pid->offset, 4, ev->raw[tt->common_pid_raw].u);
	for (uint32_t i = 0; i < tt->nfields; i++)
		put_field(t->buf, &end, &tt->fields[i], ev);
	memset(&rec, 0, sizeof(rec));
	rec.ts = ev->ts;
	rec.cpu = (int)ev->cpu;
	rec.size = (int)end;
	rec.data = t->buf;
	trace_seq_reset(&t->seq);
	err = print_guarded(t, tt, &rec);
	memset(t->buf, 0, end); /* zero again for the next event */
	if (err)
		return err;
	n = t->seq.len < len ? t->seq.len : len - 1;
	memcpy(out, t->seq.buffer, n);
	out[n] = 0;
	return 1;
}

int tpevent_print(struct tpevent *t, const struct ebr_reader *r, uint32_t ti,
		  const struct ebr_event *ev, char *out, size_t len)
{
	struct tp_type *tt;
	int err;

	if (!t->types) {
		uint32_t n = ebr_reader_type_count(r);

		t->types = ebr_calloc(n ? n : 1, sizeof(*t->types));
		if (!t->types)
			return -ENOMEM;
		t->ntypes = n;
	}
	if (ti >= t->ntypes)
		return 0;
	tt = &t->types[ti];
	if (tt->state == TP_UNSEEN && (err = type_parse(t, tt, r, ti)))
		return err;
	if (tt->state != TP_USABLE)
		return 0;
	return print_record(t, tt, ev, out, len);
}
