// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the generic probes without a kernel: probe texts parsed; event types built
 * from tracepoint format files (as this kernel's tracefs gives them); ring records built by
 * hand, translated into a trace in memory and read back by name; and the same events printed
 * by their format's print fmt (analyze/tpevent.c), with hostile formats refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analyze/tpevent.h"
#include "format/ebr.h"
#include "record/generic.h"
#include "record/probe_spec.h"
#include "record/stacks.h"
#include "record/translate.h"
#include "check.h"
#include "own_stack.h"

static const char SIGNAL_GENERATE[] =
	"name: signal_generate\n"
	"ID: 261\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int sig;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int errno;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:int code;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\tfield:char comm[16];\toffset:20;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:36;\tsize:4;\tsigned:1;\n"
	"\tfield:int group;\toffset:40;\tsize:4;\tsigned:1;\n"
	"\tfield:int result;\toffset:44;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"sig=%d errno=%d code=%d comm=%s pid=%d grp=%d res=%d\", REC->sig, "
	"REC->errno, REC->code, REC->comm, REC->pid, REC->group, REC->result\n";

static const char PROCESS_EXEC[] =
	"name: sched_process_exec\n"
	"ID: 365\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, "
	"REC->old_pid\n";

static const char OPENAT[] =
	"name: sys_enter_openat\n"
	"ID: 782\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx\", "
	"((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename)), "
	"((unsigned long)(REC->flags)), ((unsigned long)(REC->mode))\n";

/* ------------------------------------------------------------ probe texts */

static void test_probe_specs(void)
{
	struct probe_spec s;
	char err[256];
	int arg;

	CHECK_EQ(probe_spec_parse("tracepoint:sched:sched_process_*", &s, err, sizeof(err)), 0);
	CHECK(s.kind == EBR_GEN_TRACEPOINT && !strcmp(s.a, "sched") &&
	      !strcmp(s.b, "sched_process_*") && !s.flags);
	CHECK_EQ(probe_spec_parse("t:signal:*+kstack+ustack", &s, err, sizeof(err)), 0);
	CHECK(s.kind == EBR_GEN_TRACEPOINT && s.flags == (EBR_GEN_KSTACK | EBR_GEN_USTACK));
	CHECK_EQ(probe_spec_parse("ur:/bin/bash:readline", &s, err, sizeof(err)), 0);
	CHECK(s.kind == EBR_GEN_URETPROBE && !strcmp(s.a, "/bin/bash") && !strcmp(s.b, "readline"));
	CHECK_EQ(probe_spec_parse("u:libc:malloc+ustack", &s, err, sizeof(err)), 0);
	CHECK(s.kind == EBR_GEN_UPROBE && !strcmp(s.a, "libc") && s.flags == EBR_GEN_USTACK);
	CHECK_EQ(probe_spec_parse("usdt:/usr/bin/x:prov:name", &s, err, sizeof(err)), 0);
	CHECK(s.kind == EBR_GEN_USDT && !strcmp(s.a, "/usr/bin/x") && !strcmp(s.b, "prov") &&
	      !strcmp(s.c, "name"));
	CHECK_EQ(probe_spec_parse("U:/usr/bin/x:name", &s, err, sizeof(err)), 0);
	CHECK(s.kind == EBR_GEN_USDT && !s.b && !strcmp(s.c, "name"));
	/* a C++ operator keeps its '+' */
	CHECK_EQ(probe_spec_parse("uprobe:/x:operator+", &s, err, sizeof(err)), 0);
	CHECK(!strcmp(s.b, "operator+"));
	CHECK_EQ(probe_spec_parse("kprobe:do_sys_open", &s, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "unknown probe type 'kprobe'"));
	CHECK_EQ(probe_spec_parse("tracepoint:sched", &s, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "lacks a part"));
	CHECK_EQ(probe_spec_parse("tracepoint:a:b+kstak", &s, err, sizeof(err)), -EINVAL);
	CHECK_EQ(probe_spec_parse("uprobe::f", &s, err, sizeof(err)), -EINVAL);
	CHECK_EQ(probe_str_parse("uretprobe:/bin/bash:readline:retval", &s, &arg, err,
				 sizeof(err)), 0);
	CHECK(s.kind == EBR_GEN_URETPROBE && arg == 0 && !strcmp(s.b, "readline"));
	CHECK_EQ(probe_str_parse("usdt:/x:p:n:arg11", &s, &arg, err, sizeof(err)), 0);
	CHECK_EQ(arg, 11);
	CHECK_EQ(probe_str_parse("usdt:/x:p:n:arg12", &s, &arg, err, sizeof(err)), -EINVAL);
	CHECK_EQ(probe_str_parse("uprobe:/x:f:retval", &s, &arg, err, sizeof(err)), -EINVAL);
	CHECK_EQ(probe_str_parse("tracepoint:a:b:arg0", &s, &arg, err, sizeof(err)), -EINVAL);
	CHECK(probe_spec_is_probe("t:a:b") && !probe_spec_is_probe("block"));
}

/* ------------------------------------------------------------ types and translation */

static const struct ebr_field_def *field_named(const struct generic_probe *p, const char *name)
{
	for (uint32_t i = 0; i < p->def.nfields; i++)
		if (!strcmp(p->def.fields[i].name, name))
			return &p->def.fields[i];
	return NULL;
}

/* A field past the most a record can be (EBR_GENERIC_RAW_MAX). */
static const char BIG_FIELD[] =
	"name: y\nID: 1\nformat:\n\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:char big[9000];\toffset:8;\tsize:9000;\tsigned:0;\n\nprint fmt: \"\"\n";

static void test_fields_from_format_files(void)
{
	struct generic_probe p = { 0 };
	const struct ebr_field_def *f;

	CHECK_EQ(generic_tracepoint_fields(&p, "signal", "signal_generate", SIGNAL_GENERATE), 0);
	CHECK(!strcmp(p.def.name, "tracepoint:signal:signal_generate"));
	CHECK_EQ(p.def.nfields, 10);
	CHECK(!strcmp(p.def.fields[0].name, "common_pid") && !strcmp(p.def.fields[3].name, "sig"));
	CHECK((f = field_named(&p, "sig")) && f->kind == EBR_KIND_S64);
	CHECK((f = field_named(&p, "comm")) && f->kind == EBR_KIND_STR);
	CHECK_EQ(p.cfg.raw_size, 48);
	CHECK_EQ(p.cfg.ndyn, 0);
	CHECK(!field_named(&p, "capture_flags"));
	generic_probe_release(&p);

	p.cfg.flags = EBR_GEN_KSTACK;
	CHECK_EQ(generic_tracepoint_fields(&p, "sched", "sched_process_exec", PROCESS_EXEC), 0);
	CHECK((f = field_named(&p, "filename")) && f->kind == EBR_KIND_STR);
	CHECK_EQ(p.cfg.ndyn, 1);
	CHECK_EQ(p.cfg.dyn_off[0], 8);
	CHECK((f = field_named(&p, "kstack")) && f->kind == EBR_KIND_STACK);
	CHECK(field_named(&p, "capture_flags") && !field_named(&p, "ustack"));
	generic_probe_release(&p);

	CHECK_EQ(generic_tracepoint_fields(&p, "syscalls", "sys_enter_openat", OPENAT), 0);
	CHECK((f = field_named(&p, "filename")) && f->kind == EBR_KIND_U64);
	CHECK((f = field_named(&p, "filename_str")) && f->kind == EBR_KIND_STR);
	CHECK_EQ(p.cfg.nstr, 1);
	CHECK_EQ(p.cfg.str_src[0], 24);
	generic_probe_release(&p);

	/* refused: a field past the most a record can be, and no format at all */
	CHECK_EQ(generic_tracepoint_fields(&p, "x", "y", BIG_FIELD), -EINVAL);
	generic_probe_release(&p);
	CHECK_EQ(generic_tracepoint_fields(&p, "x", "y", "not a format"), -EINVAL);
	generic_probe_release(&p);
}

/* A trace being written with one probe's type, then read. */
struct trace {
	struct generic_probes g;
	struct generic_probe p;
	struct ebr_mem_sink mem;
	struct ebr_sink sink;
	struct stack_symbols stacks;
	struct translate_ctx ctx;
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_reader *r;
};

static void trace_begin(struct trace *t)
{
	struct ebr_writer_opts o = { .dyn_types = &t->p.def, .ndyn_types = 1 };

	t->g.p = &t->p;
	t->g.n = 1;
	ebr_sink_mem(&t->sink, &t->mem);
	CHECK(ebr_writer_new(&t->ctx.writer, &t->sink, &o) == 0);
	t->ctx.stacks = &t->stacks;
	t->ctx.generic = &t->g;
	if (t->p.format)
		CHECK(ebr_writer_meta(t->ctx.writer, "format.tracepoint:signal:signal_generate",
				      t->p.format) == 0);
	ebr_writer_meta(t->ctx.writer, "clock.start.monotonic_ns", "1000");
}

static void trace_read(struct trace *t)
{
	CHECK(ebr_writer_close(t->ctx.writer) == 0);
	t->ctx.writer = NULL;
	ebr_source_mem(&t->src, &t->ms, t->mem.buf, t->mem.len);
	CHECK(ebr_reader_open(&t->r, &t->src, NULL, 0) == 0);
}

static void trace_end(struct trace *t)
{
	ebr_reader_close(t->r);
	free(t->mem.buf);
	stack_symbols_free(&t->stacks);
	generic_probe_release(&t->p);
}

static const struct ebr_value *value(const struct trace *t, const struct ebr_event *ev,
				     const char *name)
{
	int ti = ebr_reader_type_index(t->r, ev->file_type);

	for (uint32_t f = 0; ti >= 0 && f < ev->nraw; f++) {
		const char *fname;
		enum ebr_kind kind;

		if (!ebr_reader_type_field(t->r, (uint32_t)ti, f, &fname, &kind) &&
		    !strcmp(fname, name))
			return &ev->raw[f];
	}
	return NULL;
}

/* A generic ring record of probe 0 with raw bytes (a record from its offset 8 on). */
static size_t generic_record(struct ebr_rec_generic *r, const void *raw, size_t raw_len,
			     const void *strs, size_t str_len)
{
	memset(r, 0, offsetof(struct ebr_rec_generic, data));
	r->hdr.type = EBR_REC_GENERIC;
	r->hdr.ts = 5000;
	r->hdr.cpu = 1;
	r->pid = 4242;
	r->tid = 4243;
	strcpy(r->comm, "sleep");
	memcpy(r->data, raw, raw_len);
	if (str_len)
		memcpy(r->data + raw_len, strs, str_len);
	r->raw_len = (uint16_t)raw_len;
	r->str_len = (uint16_t)str_len;
	r->hdr.size = (uint16_t)(offsetof(struct ebr_rec_generic, data) + raw_len + str_len);
	return r->hdr.size;
}

static int feed(struct trace *t, const struct ebr_rec_generic *r)
{
	const struct record_kind *k = record_kind_find(r->hdr.type);

	if (!k || !record_kind_fits(k, r->hdr.size))
		return -EINVAL;
	return k->translate(&t->ctx, r, r->hdr.size);
}

static void put32(unsigned char *raw, size_t off, int32_t v)
{
	memcpy(raw + off - 8, &v, 4);
}

static void test_translate_and_print_a_tracepoint(void)
{
	static struct ebr_rec_generic r;
	static struct trace t;
	unsigned char raw[40] = { 0 };
	const struct ebr_event *ev;
	struct tpevent *tp = NULL;
	char out[256];

	memset(&t, 0, sizeof(t));
	CHECK_EQ(generic_tracepoint_fields(&t.p, "signal", "signal_generate", SIGNAL_GENERATE), 0);
	t.p.format = strdup(SIGNAL_GENERATE);
	trace_begin(&t);
	put32(raw, 8, 10);
	put32(raw, 12, 0);
	put32(raw, 16, -6);
	memcpy(raw + 20 - 8, "kworker/0:1\0junk", 16);
	put32(raw, 36, 777);
	put32(raw, 40, 1);
	put32(raw, 44, 2);
	generic_record(&r, raw, sizeof(raw), NULL, 0);
	CHECK_EQ(feed(&t, &r), 0);
	CHECK_EQ(t.ctx.malformed, 0);
	/* cut short: the fields past its end read as zero and it counts as malformed */
	generic_record(&r, raw, 12, NULL, 0);
	CHECK_EQ(feed(&t, &r), 0);
	CHECK_EQ(t.ctx.malformed, 1);
	/* a probe index no probe has */
	r.probe = 7;
	CHECK_EQ(feed(&t, &r), 0);
	CHECK_EQ(t.ctx.malformed, 2);
	trace_read(&t);
	CHECK(ebr_reader_next(t.r, &ev) == 1);
	if (!t.r || !ev)
		goto out;
	CHECK_EQ(ev->type, EBR_EV_UNKNOWN);
	CHECK_EQ(ev->file_type, EBR_DYN_TYPE_BASE);
	CHECK_EQ(ev->ts, 5000);
	CHECK_EQ(value(&t, ev, "common_pid")->u, 4243);
	CHECK_EQ(value(&t, ev, "common_tgid")->u, 4242);
	CHECK(!strcmp(value(&t, ev, "common_comm")->s, "sleep"));
	CHECK_EQ(value(&t, ev, "sig")->u, 10);
	CHECK_EQ(ebr_value_s64(value(&t, ev, "code")), -6);
	CHECK(!strcmp(value(&t, ev, "comm")->s, "kworker/0:1"));
	CHECK_EQ(value(&t, ev, "pid")->u, 777);
	CHECK_EQ(tpevent_new(&tp), 0);
	CHECK_EQ(tpevent_print(tp, t.r, (uint32_t)ebr_reader_type_index(t.r, ev->file_type), ev,
			       out, sizeof(out)), 1);
	CHECK(!strcmp(out, "sig=10 errno=0 code=-6 comm=kworker/0:1 pid=777 grp=1 res=2"));
	CHECK(ebr_reader_next(t.r, &ev) == 1);
	CHECK(ev && value(&t, ev, "sig")->u == 10 && value(&t, ev, "pid")->u == 0);
	CHECK(ebr_reader_next(t.r, &ev) == 0);
out:
	tpevent_free(tp);
	trace_end(&t);
}

static void test_translate_data_loc_and_user_strings(void)
{
	static struct ebr_rec_generic r;
	static struct trace t;
	unsigned char raw[64] = { 0 };
	unsigned char strs[32];
	const struct ebr_event *ev;
	uint16_t len = 10;

	memset(&t, 0, sizeof(t));
	CHECK_EQ(generic_tracepoint_fields(&t.p, "sched", "sched_process_exec", PROCESS_EXEC), 0);
	trace_begin(&t);
	/* filename at offset 20, 10 bytes with its NUL */
	put32(raw, 8, 10 << 16 | 20);
	put32(raw, 12, 99);
	memcpy(raw + 20 - 8, "/bin/true", 10);
	generic_record(&r, raw, 22, NULL, 0);
	CHECK_EQ(feed(&t, &r), 0);
	/* a loc word pointing past the record: an empty string, counted as malformed */
	put32(raw, 8, 10 << 16 | 60);
	generic_record(&r, raw, 22, NULL, 0);
	CHECK_EQ(feed(&t, &r), 0);
	CHECK_EQ(t.ctx.malformed, 1);
	trace_read(&t);
	CHECK(ebr_reader_next(t.r, &ev) == 1);
	CHECK(ev && !strcmp(value(&t, ev, "filename")->s, "/bin/true"));
	CHECK(ev && value(&t, ev, "pid")->u == 99);
	CHECK(ebr_reader_next(t.r, &ev) == 1);
	CHECK(ev && !strcmp(value(&t, ev, "filename")->s, ""));
	trace_end(&t);

	memset(&t, 0, sizeof(t));
	CHECK_EQ(generic_tracepoint_fields(&t.p, "syscalls", "sys_enter_openat", OPENAT), 0);
	trace_begin(&t);
	memset(raw, 0, sizeof(raw));
	memcpy(strs, &len, 2);
	memcpy(strs + 2, "/etc/hosts", 10);
	generic_record(&r, raw, 40, strs, 12);
	CHECK_EQ(feed(&t, &r), 0);
	/* a string that claims more than the record holds is cut to it */
	len = 200;
	memcpy(strs, &len, 2);
	generic_record(&r, raw, 40, strs, 12);
	CHECK_EQ(feed(&t, &r), 0);
	CHECK_EQ(t.ctx.malformed, 1);
	trace_read(&t);
	CHECK(ebr_reader_next(t.r, &ev) == 1);
	CHECK(ev && !strcmp(value(&t, ev, "filename_str")->s, "/etc/hosts"));
	CHECK(ebr_reader_next(t.r, &ev) == 1);
	CHECK(ev && !strcmp(value(&t, ev, "filename_str")->s, "/etc/hosts"));
	trace_end(&t);
}

static void test_translate_arguments(void)
{
	static struct ebr_rec_generic r;
	static struct trace t;
	uint64_t args[6] = { 1, 2, 3, 4, 5, (uint64_t)-1 };
	unsigned char strs[16];
	const struct ebr_event *ev;
	uint16_t len = 5;

	memset(&t, 0, sizeof(t));
	t.p.cfg.kind = EBR_GEN_UPROBE;
	t.p.path = strdup("/bin/x");
	t.p.func = strdup("f");
	t.p.str_args = 1u << 1;
	CHECK_EQ(generic_arg_fields(&t.p, 6, 0), 0);
	CHECK(!strcmp(t.p.def.name, "uprobe:/bin/x:f"));
	CHECK(field_named(&t.p, "arg5") && field_named(&t.p, "arg1_str"));
	CHECK_EQ(t.p.cfg.nstr, 1);
	CHECK_EQ(t.p.cfg.str_src[0], 1);
	trace_begin(&t);
	memcpy(strs, &len, 2);
	memcpy(strs + 2, "hello", 5);
	generic_record(&r, args, sizeof(args), strs, 7);
	CHECK_EQ(feed(&t, &r), 0);
	CHECK_EQ(t.ctx.malformed, 0);
	trace_read(&t);
	CHECK(ebr_reader_next(t.r, &ev) == 1);
	CHECK(ev && value(&t, ev, "arg0")->u == 1 && value(&t, ev, "arg5")->u == UINT64_MAX);
	CHECK(ev && !strcmp(value(&t, ev, "arg1_str")->s, "hello"));
	trace_end(&t);

	memset(&t, 0, sizeof(t));
	t.p.cfg.kind = EBR_GEN_USDT;
	t.p.path = strdup("/bin/x");
	t.p.func = strdup("prov");
	t.p.usdt_name = strdup("tick");
	CHECK_EQ(generic_arg_fields(&t.p, 2, 1u << 1), 0);
	CHECK(!strcmp(t.p.def.name, "usdt:/bin/x:prov:tick"));
	CHECK(field_named(&t.p, "arg0")->kind == EBR_KIND_U64);
	CHECK(field_named(&t.p, "arg1")->kind == EBR_KIND_S64);
	generic_probe_release(&t.p);
}

/* The next event of the probe's type, past the symbols (sym.*) the recorder wrote. */
static const struct ebr_event *next_probe_event(struct trace *t)
{
	const struct ebr_event *ev = NULL;

	while (t->r && ebr_reader_next(t->r, &ev) == 1)
		if (ev->type == EBR_EV_UNKNOWN)
			return ev;
	return NULL;
}

/*
 * --call-graph dwarf, a uprobe with +kstack+ustack: the record holds the kernel frames, the
 * user registers and the stack copy (EBR_GEN_REC_USER_COPY), unwound into the ustack field.
 */
static void test_translate_a_user_stack_copy(void)
{
	static const uint64_t k[2] = { 0xffffffff81001000ull, 0xffffffff81002000ull };
	static struct ebr_rec_generic r;
	static struct trace t;
	uint64_t args[6] = { 1, 2, 3, 4, 5, 6 };
	size_t at = sizeof(args), len;
	const struct ebr_value *u;
	const struct ebr_event *ev;

	memset(&t, 0, sizeof(t));
	t.p.cfg.kind = EBR_GEN_UPROBE;
	t.p.cfg.flags = EBR_GEN_KSTACK | EBR_GEN_USTACK;
	t.p.path = strdup("/bin/x");
	t.p.func = strdup("f");
	CHECK_EQ(generic_arg_fields(&t.p, 6, 0), 0);
	trace_begin(&t);
	generic_record(&r, args, sizeof(args), NULL, 0);
	r.pid = (uint32_t)getpid();
	r.tid = (uint32_t)gettid();
	r.kdepth = 2;
	r.flags = EBR_GEN_REC_USER_COPY;
	memcpy(r.data + at, k, sizeof(k));
	at += sizeof(k);
	/* a record that ends inside the registers: malformed, no user stack, nothing unwound */
	r.hdr.size = (uint16_t)(offsetof(struct ebr_rec_generic, data) + at + 64);
	CHECK_EQ(feed(&t, &r), 0);
	CHECK_EQ(t.ctx.malformed, 1);
#if defined(__x86_64__)
	len = own_stack_nested((uint64_t *)(r.data + at), r.data + at + EBR_UREGS_BYTES,
			       EBR_USTACK_COPY_DEFAULT);
	r.hdr.size = (uint16_t)(offsetof(struct ebr_rec_generic, data) + at + EBR_UREGS_BYTES +
				len);
	CHECK_EQ(feed(&t, &r), 0);
	CHECK_EQ(t.ctx.malformed, 1);
#endif
	CHECK_EQ(stack_symbols_write(&t.stacks, t.ctx.writer), 0);
	trace_read(&t);
	ev = next_probe_event(&t);
	CHECK(ev && value(&t, ev, "ustack")->len == 0 && value(&t, ev, "kstack")->len == 2);
	CHECK(ev && value(&t, ev, "capture_flags")->u == 0);
#if defined(__x86_64__)
	ev = next_probe_event(&t);
	u = ev ? value(&t, ev, "ustack") : NULL;
	/* capture, own_stack_two, own_stack_nested, this test, run, main, libc... */
	CHECK(u && u->len >= 6);
	CHECK(ev && value(&t, ev, "kstack")->len == 2 && value(&t, ev, "arg5")->u == 6);
	CHECK(ev && value(&t, ev, "capture_flags")->u ==
			    (EBR_GENERIC_USER_DWARF | EBR_GENERIC_USER_WHOLE));
	CHECK(ebr_reader_meta(t.r, "symbols.user_unwound") &&
	      !strcmp(ebr_reader_meta(t.r, "symbols.user_unwound"), "1"));
#endif
	(void)u;
	(void)len;
	trace_end(&t);
}

/* ------------------------------------------------------------ hostile formats */

/* A trace of one tracepoint type whose format is text, one event: what tpevent makes of it. */
static int print_with_format(const char *text, char *out, size_t len)
{
	static const struct ebr_field_def fields[] = {
		{ "common_pid", EBR_KIND_U64, NULL }, { "sig", EBR_KIND_S64, NULL },
		{ "comm", EBR_KIND_STR, NULL },       { "pid", EBR_KIND_S64, NULL },
	};
	struct ebr_event_def def = { 0, "tracepoint:signal:signal_generate", NULL, 4, fields };
	struct ebr_writer_opts o = { .dyn_types = &def, .ndyn_types = 1 };
	struct ebr_value v[4] = { { .u = 1 }, { .u = 10 }, { .s = "sh", .len = 2 }, { .u = 0 } };
	struct ebr_mem_sink mem = { 0 };
	struct ebr_mem_source ms;
	struct ebr_source src;
	struct ebr_sink sink;
	struct ebr_writer *w;
	struct ebr_reader *r = NULL;
	const struct ebr_event *ev;
	struct tpevent *tp = NULL;
	int ret = -1;

	ebr_sink_mem(&sink, &mem);
	if (ebr_writer_new(&w, &sink, &o))
		return -1;
	ebr_writer_meta(w, "format.tracepoint:signal:signal_generate", text);
	ebr_writer_event(w, EBR_DYN_TYPE_BASE, 10, 0, v);
	ebr_writer_close(w);
	ebr_source_mem(&src, &ms, mem.buf, mem.len);
	if (!ebr_reader_open(&r, &src, NULL, 0) && ebr_reader_next(r, &ev) == 1 &&
	    !tpevent_new(&tp))
		ret = tpevent_print(tp, r, (uint32_t)ebr_reader_type_index(r, ev->file_type), ev,
				    out, len);
	tpevent_free(tp);
	ebr_reader_close(r);
	free(mem.buf);
	return ret;
}

/* SIGNAL_GENERATE with its print fmt line replaced by fmt. */
static char *with_print_fmt(const char *fmt)
{
	const char *at = strstr(SIGNAL_GENERATE, "print fmt:");
	char *s = malloc(sizeof(SIGNAL_GENERATE) + strlen(fmt));

	if (s) {
		memcpy(s, SIGNAL_GENERATE, (size_t)(at - SIGNAL_GENERATE));
		strcpy(s + (at - SIGNAL_GENERATE), fmt);
	}
	return s;
}

static void test_hostile_formats_are_not_used(void)
{
	static const char *const refused[] = {
		/* an index, a division, a length from a field, a width from an argument, a huge
		 * width, a conversion libtraceevent does not bound, a kernel function */
		"print fmt: \"%d\", REC->comm[REC->pid]\n",
		"print fmt: \"%d\", REC->sig / REC->pid\n",
		"print fmt: \"%d\", REC->sig % REC->pid\n",
		"print fmt: \"%s\", __print_hex(REC->comm, REC->pid)\n",
		"print fmt: \"%*d\", REC->pid, REC->sig\n",
		"print fmt: \"%99999d\", REC->sig\n",
		"print fmt: \"%n\", REC->sig\n",
		"print fmt: \"%s\", __print_array(REC->comm, REC->pid, 4)\n",
		/* the print fmt that crashes libtraceevent's parser (tests/fuzz/seeds) */
		"print fmt: \"%s\", (REC>-sig & ((0x00000q010) + 1)) ? \"R\" : \"S\"\n",
	};
	char out[256], *text;

	CHECK_EQ(print_with_format(SIGNAL_GENERATE, out, sizeof(out)), 1);
	CHECK(!strcmp(out, "sig=10 errno=0 code=0 comm=sh pid=0 grp=0 res=0"));
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		text = with_print_fmt(refused[i]);
		CHECK(text && print_with_format(text, out, sizeof(out)) == 0);
		free(text);
	}
	/* bytes no format file has, and no format at all */
	CHECK_EQ(print_with_format("name: x\nID: 1\x1b[31m\n", out, sizeof(out)), 0);
	CHECK(!tpevent_format_usable("a\x01", 2));
	CHECK_EQ(print_with_format("", out, sizeof(out)), 0);
	/* a harmless one still prints */
	text = with_print_fmt("print fmt: \"%s is %d\", REC->comm, REC->sig << 1\n");
	CHECK(text && print_with_format(text, out, sizeof(out)) == 1 && !strcmp(out, "sh is 20"));
	free(text);
}

int main(void)
{
	RUN(test_probe_specs);
	RUN(test_fields_from_format_files);
	RUN(test_translate_and_print_a_tracepoint);
	RUN(test_translate_data_loc_and_user_strings);
	RUN(test_translate_arguments);
	RUN(test_translate_a_user_stack_copy);
	RUN(test_hostile_formats_are_not_used);
	return CHECK_SUMMARY();
}
