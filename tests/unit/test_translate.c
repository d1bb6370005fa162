// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of record/'s translators: ring-buffer records built by hand (bpf/events.h), put
 * through the table of record kinds into a trace in memory, and read back with format/'s
 * reader, field by field. No root, no kernel, no skeleton.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "format/ebr.h"
#include "record/cgroup.h"
#include "record/proctable.h"
#include "record/stacks.h"
#include "record/duration.h"
#include "record/translate.h"
#include "record/trigger.h"
#include "check.h"
#include "own_stack.h"

/* A trace being written, then read. */
struct trace {
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
	memset(t, 0, sizeof(*t));
	ebr_sink_mem(&t->sink, &t->mem);
	CHECK(ebr_writer_new(&t->ctx.writer, &t->sink, NULL) == 0);
	t->ctx.stacks = &t->stacks;
}

static void hdr(struct ebr_rec_hdr *h, uint16_t type, size_t size, uint64_t ts, uint32_t cpu)
{
	h->type = type;
	h->size = (uint16_t)size;
	h->ts = ts;
	h->cpu = cpu;
}

/* One record through the recorder's table, as the writer loop does: 0 or a negative errno. */
static int feed(struct trace *t, const void *rec)
{
	const struct ebr_rec_hdr *h = rec;
	const struct record_kind *k = record_kind_find(h->type);

	if (!k || !record_kind_fits(k, h->size))
		return -EINVAL;
	return k->translate(&t->ctx, rec, h->size);
}

/* Closes the writer and opens a reader on what it wrote. */
static void trace_read(struct trace *t)
{
	CHECK(ebr_writer_close(t->ctx.writer) == 0);
	t->ctx.writer = NULL;
	ebr_source_mem(&t->src, &t->ms, t->mem.buf, t->mem.len);
	CHECK(ebr_reader_open(&t->r, &t->src, NULL, 0) == 0);
}

/* The next event read back, or NULL at the end. */
static const struct ebr_event *next_event(struct trace *t)
{
	const struct ebr_event *ev;

	return t->r && ebr_reader_next(t->r, &ev) == 1 ? ev : NULL;
}

/* The next event read back, checked to be of this type; NULL if it is not. */
static const struct ebr_event *expect_event(struct trace *t, uint32_t type)
{
	const struct ebr_event *ev = next_event(t);

	CHECK(ev && ev->type == type);
	return ev && ev->type == type ? ev : NULL;
}

/* Checks that nothing more was written, and frees the trace. */
static void trace_end(struct trace *t)
{
	CHECK(next_event(t) == NULL);
	ebr_reader_close(t->r);
	ebr_writer_abandon(t->ctx.writer);
	free(t->mem.buf);
	stack_symbols_free(&t->stacks);
}

static int str_is(const struct ebr_value *v, const char *s)
{
	return v->s && !strcmp(v->s, s);
}

static int bytes_are(const struct ebr_value *v, const void *b, uint32_t len)
{
	return v->len == len && (!len || (v->s && !memcmp(v->s, b, len)));
}

static int frames_are(const struct ebr_value *v, const uint64_t *frames, uint32_t n)
{
	return v->len == n && (!n || (v->frames && !memcmp(v->frames, frames, n * 8)));
}

static void test_record_kinds(void)
{
	for (size_t i = 0; i < nrecord_kinds; i++) {
		const struct record_kind *k = &record_kinds[i];

		CHECK(k->translate != NULL);
		CHECK(k->size >= sizeof(struct ebr_rec_hdr));
		CHECK(!k->max_size || k->max_size > k->size);
		CHECK(k->probe < EBR_PROBE_MAX);
		CHECK(record_kind_find(k->type) == k);
		CHECK(record_kind_fits(k, k->max_size ? k->max_size : k->size));
		CHECK(!record_kind_fits(k, k->size - 1));
		CHECK(!record_kind_fits(k, (k->max_size ? k->max_size : k->size) + 1));
	}
	CHECK(record_kind_find(0) == NULL);
}

static void test_errno_of_ebr(void)
{
	CHECK_EQ(errno_of_ebr(0), 0);
	CHECK_EQ(errno_of_ebr(EBR_E_NOMEM), -ENOMEM);
	CHECK_EQ(errno_of_ebr(EBR_E_INVALID), -EINVAL);
	errno = ENOSPC; /* what a sink's failed write(2) leaves */
	CHECK_EQ(errno_of_ebr(EBR_E_IO), -ENOSPC);
	errno = 0;
	CHECK_EQ(errno_of_ebr(EBR_E_IO), -EIO);
	CHECK(errno_of_ebr(EBR_E_ZSTD) < 0);
}

static void test_block(void)
{
	struct ebr_rec_block_rq r = { 0 };
	const struct ebr_event *ev;
	struct trace t;

	trace_begin(&t);
	hdr(&r.hdr, EBR_REC_BLOCK_RQ, sizeof(r), 5000000, 1);
	r.sector = 123456789;
	r.lat_ns = 250000;
	r.queue_ns = 4000;
	r.pid = 4242;
	r.tid = 4243;
	r.dev = 259u << 20 | 1;
	r.bytes = 65536;
	r.flags = EBR_BIO_OP_WRITE | EBR_BIO_SYNC;
	r.cmd_flags = 0x80000801; /* as the kernel had it: every bit kept, the highest too */
	r.error = -5;
	memcpy(r.comm, "sixteen-chars-xx", EBR_COMM_LEN); /* no NUL: the whole 16 bytes */
	CHECK_EQ(feed(&t, &r), 0);
	r.hdr.size--; /* a record of the wrong size is refused before its translator */
	CHECK_EQ(feed(&t, &r), -EINVAL);
	trace_read(&t);
	ev = expect_event(&t, EBR_EV_BLOCK_RQ);
	if (ev) {
		CHECK_EQ(ev->ts, 5000000);
		CHECK_EQ(ev->cpu, 1);
		CHECK_EQ(ev->v[EBR_F_BLOCK_RQ_PID].u, 4242);
		CHECK_EQ(ev->v[EBR_F_BLOCK_RQ_TID].u, 4243);
		CHECK(str_is(&ev->v[EBR_F_BLOCK_RQ_COMM], "sixteen-chars-xx"));
		CHECK_EQ(ev->v[EBR_F_BLOCK_RQ_DEV].u, 259u << 20 | 1);
		CHECK_EQ(ev->v[EBR_F_BLOCK_RQ_SECTOR].u, 123456789);
		CHECK_EQ(ev->v[EBR_F_BLOCK_RQ_BYTES].u, 65536);
		CHECK_EQ(ev->v[EBR_F_BLOCK_RQ_FLAGS].u, EBR_BIO_OP_WRITE | EBR_BIO_SYNC);
		CHECK_EQ(ebr_value_s64(&ev->v[EBR_F_BLOCK_RQ_ERROR]), -5);
		CHECK_EQ(ev->v[EBR_F_BLOCK_RQ_LAT_NS].u, 250000);
		CHECK_EQ(ev->v[EBR_F_BLOCK_RQ_QUEUE_NS].u, 4000);
		CHECK_EQ(ev->v[EBR_F_BLOCK_RQ_CMD_FLAGS].u, 0x80000801);
	}
	trace_end(&t);
}

static void test_proc_fork_exit(void)
{
	struct ebr_rec_proc_fork f = { 0 };
	struct ebr_rec_proc_exit x = { 0 };
	const struct ebr_event *ev;
	struct trace t;

	trace_begin(&t);
	hdr(&f.hdr, EBR_REC_PROC_FORK, sizeof(f), 1000, 0);
	f.pid = 100;
	f.tid = 101;
	f.child_pid = 200;
	f.uid = 1000;
	strcpy(f.comm, "bash");
	hdr(&x.hdr, EBR_REC_PROC_EXIT, sizeof(x), 2000, 1);
	x.start_ns = 1500;
	x.pid = 200;
	x.tid = 200;
	x.ppid = 100;
	x.code = 3 << 8;
	x.flags = EBR_EXIT_GROUP_DEAD;
	strcpy(x.comm, "true");
	CHECK_EQ(feed(&t, &f), 0);
	CHECK_EQ(feed(&t, &x), 0);
	trace_read(&t);
	ev = expect_event(&t, EBR_EV_PROC_FORK);
	if (ev) {
		CHECK_EQ(ev->ts, 1000);
		CHECK_EQ(ev->v[EBR_F_PROC_FORK_PID].u, 100);
		CHECK_EQ(ev->v[EBR_F_PROC_FORK_TID].u, 101);
		CHECK_EQ(ev->v[EBR_F_PROC_FORK_CHILD_PID].u, 200);
		CHECK_EQ(ev->v[EBR_F_PROC_FORK_UID].u, 1000);
		CHECK(str_is(&ev->v[EBR_F_PROC_FORK_COMM], "bash"));
	}
	ev = expect_event(&t, EBR_EV_PROC_EXIT);
	if (ev) {
		CHECK_EQ(ev->ts, 2000);
		CHECK_EQ(ev->cpu, 1);
		CHECK_EQ(ev->v[EBR_F_PROC_EXIT_PID].u, 200);
		CHECK_EQ(ev->v[EBR_F_PROC_EXIT_TID].u, 200);
		CHECK_EQ(ev->v[EBR_F_PROC_EXIT_PPID].u, 100);
		CHECK(str_is(&ev->v[EBR_F_PROC_EXIT_COMM], "true"));
		CHECK_EQ(ev->v[EBR_F_PROC_EXIT_CODE].u, 3 << 8);
		CHECK_EQ(ev->v[EBR_F_PROC_EXIT_START_NS].u, 1500);
		CHECK_EQ(ev->v[EBR_F_PROC_EXIT_FLAGS].u, EBR_EXIT_GROUP_DEAD);
	}
	trace_end(&t);
}

/*
 * The cgroups of processes: a fork into a cgroup the trace has not named is followed by a
 * proc.cgroup that names it (here with no cgroup2 mount to ask: its path is unknown), a
 * second fork into it is not; a move carries the tracepoint's path and its container; an
 * id a move named needs no name at the next fork.
 */
static void test_proc_cgroups(void)
{
	static const char scope[] = "/system.slice/docker-3f2a9c0d1e4b5a6978879a5b4c3d2e1f"
				    "00112233445566778899aabbccddeeff.scope";
	struct ebr_rec_proc_fork f = { 0 };
	struct ebr_rec_proc_cgroup m = { 0 };
	struct cgroup_names names = { .mount_fd = -1 };
	const struct ebr_event *ev;
	struct trace t;

	trace_begin(&t);
	t.ctx.cgroups = &names;
	hdr(&f.hdr, EBR_REC_PROC_FORK, sizeof(f), 1000, 0);
	f.pid = 100;
	f.tid = 100;
	f.child_pid = 200;
	f.cgroup_id = 77;
	strcpy(f.comm, "sh");
	CHECK_EQ(feed(&t, &f), 0);
	f.child_pid = 201;
	CHECK_EQ(feed(&t, &f), 0);
	hdr(&m.hdr, EBR_REC_PROC_CGROUP, sizeof(m), 2000, 1);
	m.cgroup_id = 88;
	m.pid = 201;
	m.tid = 201;
	strcpy(m.comm, "sh");
	strcpy(m.path, scope);
	CHECK_EQ(feed(&t, &m), 0);
	f.child_pid = 202;
	f.cgroup_id = 88;
	CHECK_EQ(feed(&t, &f), 0);
	trace_read(&t);
	ev = expect_event(&t, EBR_EV_PROC_FORK);
	CHECK(ev && ev->v[EBR_F_PROC_FORK_CGROUP_ID].u == 77);
	ev = expect_event(&t, EBR_EV_PROC_CGROUP);
	if (ev) {
		CHECK_EQ(ev->v[EBR_F_PROC_CGROUP_PID].u, 200);
		CHECK_EQ(ev->v[EBR_F_PROC_CGROUP_CGROUP_ID].u, 77);
		CHECK(str_is(&ev->v[EBR_F_PROC_CGROUP_CGROUP], "") ||
		      !ev->v[EBR_F_PROC_CGROUP_CGROUP].s);
		CHECK_EQ(ev->v[EBR_F_PROC_CGROUP_REASON].u, EBR_CGROUP_NAMED);
	}
	ev = expect_event(&t, EBR_EV_PROC_FORK);
	CHECK(ev && ev->v[EBR_F_PROC_FORK_CHILD_PID].u == 201);
	ev = expect_event(&t, EBR_EV_PROC_CGROUP);
	if (ev) {
		CHECK_EQ(ev->ts, 2000);
		CHECK_EQ(ev->v[EBR_F_PROC_CGROUP_PID].u, 201);
		CHECK_EQ(ev->v[EBR_F_PROC_CGROUP_CGROUP_ID].u, 88);
		CHECK(str_is(&ev->v[EBR_F_PROC_CGROUP_CGROUP], scope));
		CHECK(str_is(&ev->v[EBR_F_PROC_CGROUP_CONTAINER], "3f2a9c0d1e4b"));
		CHECK_EQ(ev->v[EBR_F_PROC_CGROUP_REASON].u, EBR_CGROUP_MOVED);
	}
	ev = expect_event(&t, EBR_EV_PROC_FORK);
	CHECK(ev && ev->v[EBR_F_PROC_FORK_CGROUP_ID].u == 88);
	trace_end(&t);
	cgroup_names_close(&names);
}

/* The exit of pid's last thread, with len bytes of its argument memory. */
static void exit_title_record(struct ebr_rec_proc_exit_title *x, uint32_t pid, uint64_t ts,
			      const char *mem, size_t len, uint32_t flags)
{
	memset(x, 0, sizeof(*x));
	hdr(&x->exit.hdr, EBR_REC_PROC_EXIT, sizeof(*x), ts, 0);
	x->exit.pid = pid;
	x->exit.tid = pid;
	x->exit.ppid = 100;
	x->exit.flags = EBR_EXIT_GROUP_DEAD;
	strcpy(x->exit.comm, "srv");
	memcpy(x->title, mem, len);
	x->title_len = (uint32_t)len;
	x->title_flags = flags;
}

/*
 * Titles at exit: a worker forked by a server that rewrote its arguments (PostgreSQL's
 * "postgres: ..." padded with NULs) gets a proc.title just before its proc.exit; one that kept
 * its parent's, or whose title is its arguments cut at EBR_TITLE_MAX, gets none; a process the
 * table does not know gets its title; a thread's exit (the 64-byte record) none.
 */
static void test_proc_titles(void)
{
	static const char rewritten[] = "ebr-serve: worker 127.0.0.1(57658)\0\0\0\0\0";
	struct ebr_rec_proc_exit_title *x = malloc(sizeof(*x));
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	struct ebr_rec_proc_fork f = { 0 };
	struct ebr_rec_proc_exit thread = { 0 };
	struct proc_table table = { 0 };
	char long_args[400], cut[EBR_TITLE_MAX];
	const struct ebr_event *ev;
	struct trace t;

	CHECK(x != NULL);
	if (!x)
		return;
	for (size_t i = 0; i < sizeof(long_args); i++)
		long_args[i] = i % 10 == 9 ? 0 : (char)('a' + i % 10);
	long_args[sizeof(long_args) - 1] = 0;
	memcpy(cut, long_args, sizeof(cut));
	trace_begin(&t);
	t.ctx.procs = &table;
	v[EBR_F_PROC_TASK_PID].u = 100;
	v[EBR_F_PROC_TASK_COMM].s = "srv";
	v[EBR_F_PROC_TASK_ARGS].s = "srv\0-p\0" "5432";
	v[EBR_F_PROC_TASK_ARGS].len = 12;
	CHECK_EQ(proc_table_task(&table, v), 0);
	v[EBR_F_PROC_TASK_PID].u = 150;
	v[EBR_F_PROC_TASK_ARGS].s = long_args;
	v[EBR_F_PROC_TASK_ARGS].len = sizeof(long_args);
	CHECK_EQ(proc_table_task(&table, v), 0);
	hdr(&f.hdr, EBR_REC_PROC_FORK, sizeof(f), 1000, 0);
	f.pid = 100;
	f.tid = 100;
	strcpy(f.comm, "srv");
	f.child_pid = 200;
	CHECK_EQ(feed(&t, &f), 0);
	f.child_pid = 201;
	CHECK_EQ(feed(&t, &f), 0);
	hdr(&thread.hdr, EBR_REC_PROC_EXIT, sizeof(thread), 1500, 0);
	thread.pid = 200;
	thread.tid = 202;
	CHECK_EQ(feed(&t, &thread), 0);
	exit_title_record(x, 200, 2000, rewritten, sizeof(rewritten), 0);
	CHECK_EQ(feed(&t, x), 0);
	exit_title_record(x, 201, 3000, "srv\0-p\0" "5432\0", 12, 0); /* kept its parent's */
	CHECK_EQ(feed(&t, x), 0);
	exit_title_record(x, 150, 4000, cut, sizeof(cut), EBR_TITLE_CUT);
	CHECK_EQ(feed(&t, x), 0);
	exit_title_record(x, 999, 5000, "unseen\0-x\0", 10, 0);
	CHECK_EQ(feed(&t, x), 0);
	trace_read(&t);
	CHECK(expect_event(&t, EBR_EV_PROC_FORK) != NULL);
	CHECK(expect_event(&t, EBR_EV_PROC_FORK) != NULL);
	CHECK(expect_event(&t, EBR_EV_PROC_EXIT) != NULL); /* the thread */
	ev = expect_event(&t, EBR_EV_PROC_TITLE);
	if (ev) {
		CHECK_EQ(ev->ts, 2000);
		CHECK_EQ(ev->v[EBR_F_PROC_TITLE_PID].u, 200);
		CHECK(str_is(&ev->v[EBR_F_PROC_TITLE_COMM], "srv"));
		CHECK(str_is(&ev->v[EBR_F_PROC_TITLE_TITLE], "ebr-serve: worker 127.0.0.1(57658)"));
		CHECK_EQ(ev->v[EBR_F_PROC_TITLE_REASON].u, EBR_TITLE_AT_EXIT);
		CHECK_EQ(ev->v[EBR_F_PROC_TITLE_FLAGS].u, 0);
	}
	ev = expect_event(&t, EBR_EV_PROC_EXIT);
	CHECK(ev && ev->ts == 2000 && ev->v[EBR_F_PROC_EXIT_PID].u == 200);
	ev = expect_event(&t, EBR_EV_PROC_EXIT);
	CHECK(ev && ev->v[EBR_F_PROC_EXIT_PID].u == 201);
	ev = expect_event(&t, EBR_EV_PROC_EXIT);
	CHECK(ev && ev->v[EBR_F_PROC_EXIT_PID].u == 150);
	ev = expect_event(&t, EBR_EV_PROC_TITLE);
	if (ev) {
		CHECK_EQ(ev->v[EBR_F_PROC_TITLE_PID].u, 999);
		CHECK(str_is(&ev->v[EBR_F_PROC_TITLE_TITLE], "unseen -x"));
	}
	CHECK(expect_event(&t, EBR_EV_PROC_EXIT) != NULL);
	CHECK(next_event(&t) == NULL);
	trace_end(&t);
	proc_table_free(&table);
	free(x);
}

/* An exec record of filename and args (args_len bytes, NULs included), n bytes of data. */
static void exec_record(struct ebr_rec_proc_exec *r, const char *filename, const char *args,
			size_t args_len, uint16_t flags)
{
	size_t flen = strlen(filename) + 1;

	memset(r, 0, sizeof(*r));
	memcpy(r->data, filename, flen);
	memcpy(r->data + flen, args, args_len);
	r->filename_len = (uint16_t)flen;
	r->args_len = (uint16_t)args_len;
	r->flags = flags;
	r->lat_ns = 70000;
	r->pid = 300;
	r->tid = 300;
	r->ppid = 1;
	r->uid = 0;
	r->ret = 0;
	strcpy(r->comm, "ls");
	hdr(&r->hdr, EBR_REC_PROC_EXEC, offsetof(struct ebr_rec_proc_exec, data) + flen + args_len,
	    3000, 0);
}

/*
 * The process table of a rotated recording: a snapshot, then translated forks, execs and
 * exits; written as the next file's proc.task events.
 */
static void test_proc_table(void)
{
	struct ebr_rec_proc_exec *r = malloc(sizeof(*r));
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	struct ebr_rec_proc_fork f = { 0 };
	struct ebr_rec_proc_exit x = { 0 };
	struct proc_table table = { 0 };
	const struct ebr_event *ev;
	struct trace t;

	CHECK(r != NULL);
	if (!r)
		return;
	trace_begin(&t);
	t.ctx.procs = &table;
	v[EBR_F_PROC_TASK_PID].u = 100;
	v[EBR_F_PROC_TASK_PPID].u = 1;
	v[EBR_F_PROC_TASK_UID].u = 1000;
	v[EBR_F_PROC_TASK_COMM].s = "bash";
	v[EBR_F_PROC_TASK_ARGS].s = "-bash";
	v[EBR_F_PROC_TASK_ARGS].len = 6;
	v[EBR_F_PROC_TASK_START_NS].u = 50;
	v[EBR_F_PROC_TASK_CGROUP].s = "/user.slice";
	v[EBR_F_PROC_TASK_CWD].s = "/home/u";
	v[EBR_F_PROC_TASK_THREADS].u = 1;
	CHECK_EQ(proc_table_task(&table, v), 0);
	/* 100 forks 300, which execs ls; 100 forks 200, which ends; 100 stays */
	hdr(&f.hdr, EBR_REC_PROC_FORK, sizeof(f), 1000, 0);
	f.pid = 100;
	f.tid = 100;
	f.child_pid = 300;
	f.uid = 1000;
	strcpy(f.comm, "bash");
	CHECK_EQ(feed(&t, &f), 0);
	exec_record(r, "/bin/ls", "ls\0-l\0", 6, 0);
	r->ppid = 100;
	r->uid = 1000;
	CHECK_EQ(feed(&t, r), 0);
	exec_record(r, "/nonexistent", "", 0, 0); /* a failed exec changes nothing */
	r->ret = -ENOENT;
	strcpy(r->comm, "nope");
	CHECK_EQ(feed(&t, r), 0);
	f.child_pid = 200;
	f.hdr.ts = 1100;
	CHECK_EQ(feed(&t, &f), 0);
	hdr(&x.hdr, EBR_REC_PROC_EXIT, sizeof(x), 2000, 1);
	x.pid = 200;
	x.tid = 200;
	x.ppid = 100;
	x.flags = EBR_EXIT_GROUP_DEAD;
	CHECK_EQ(feed(&t, &x), 0);
	CHECK_EQ(table.n, 2);
	trace_end(&t);

	/* the next file's snapshot */
	trace_begin(&t);
	CHECK_EQ(proc_table_write(&table, t.ctx.writer, 5000), 0);
	trace_read(&t);
	ev = expect_event(&t, EBR_EV_PROC_TASK);
	if (ev) {
		CHECK_EQ(ev->ts, 5000);
		CHECK_EQ(ev->v[EBR_F_PROC_TASK_PID].u, 100);
		CHECK(str_is(&ev->v[EBR_F_PROC_TASK_COMM], "bash"));
		CHECK(bytes_are(&ev->v[EBR_F_PROC_TASK_ARGS], "-bash", 6));
		CHECK_EQ(ev->v[EBR_F_PROC_TASK_START_NS].u, 50);
	}
	ev = expect_event(&t, EBR_EV_PROC_TASK);
	if (ev) {
		CHECK_EQ(ev->v[EBR_F_PROC_TASK_PID].u, 300);
		CHECK_EQ(ev->v[EBR_F_PROC_TASK_PPID].u, 100);
		CHECK_EQ(ev->v[EBR_F_PROC_TASK_UID].u, 1000);
		CHECK(str_is(&ev->v[EBR_F_PROC_TASK_COMM], "ls"));
		CHECK(bytes_are(&ev->v[EBR_F_PROC_TASK_ARGS], "ls\0-l\0", 6));
		CHECK_EQ(ev->v[EBR_F_PROC_TASK_START_NS].u, 1000); /* its fork */
		/* what a fork inherits, and an exec keeps */
		CHECK(str_is(&ev->v[EBR_F_PROC_TASK_CGROUP], "/user.slice"));
		CHECK(str_is(&ev->v[EBR_F_PROC_TASK_CWD], "/home/u"));
		CHECK_EQ(ev->v[EBR_F_PROC_TASK_THREADS].u, 1);
	}
	trace_end(&t);
	proc_table_free(&table);
	free(r);
}

static void test_proc_exec(void)
{
	struct ebr_rec_proc_exec *r = malloc(sizeof(*r));
	const struct ebr_event *ev;
	struct trace t;

	CHECK(r != NULL);
	if (!r)
		return;
	trace_begin(&t);
	/* whole arguments */
	exec_record(r, "/bin/ls", "ls\0-l\0", 6, 0);
	CHECK_EQ(feed(&t, r), 0);
	/* the last argument cut by the kernel: kept, terminated and flagged */
	exec_record(r, "/bin/ls", "ls\0-lah", 7, 0);
	CHECK_EQ(feed(&t, r), 0);
	/* a failed exec whose filename length disagrees with the record: cut to the record */
	exec_record(r, "/nonexistent", "", 0, 0);
	r->ret = -ENOENT;
	r->filename_len = 200;
	CHECK_EQ(feed(&t, r), 0);
	trace_read(&t);
	ev = expect_event(&t, EBR_EV_PROC_EXEC);
	if (ev) {
		CHECK_EQ(ev->ts, 3000);
		CHECK_EQ(ev->v[EBR_F_PROC_EXEC_PID].u, 300);
		CHECK_EQ(ev->v[EBR_F_PROC_EXEC_TID].u, 300);
		CHECK_EQ(ev->v[EBR_F_PROC_EXEC_PPID].u, 1);
		CHECK_EQ(ev->v[EBR_F_PROC_EXEC_UID].u, 0);
		CHECK(str_is(&ev->v[EBR_F_PROC_EXEC_COMM], "ls"));
		CHECK_EQ(ebr_value_s64(&ev->v[EBR_F_PROC_EXEC_RET]), 0);
		CHECK(str_is(&ev->v[EBR_F_PROC_EXEC_FILENAME], "/bin/ls"));
		CHECK(bytes_are(&ev->v[EBR_F_PROC_EXEC_ARGS], "ls\0-l\0", 6));
		CHECK_EQ(ev->v[EBR_F_PROC_EXEC_FLAGS].u, 0);
		CHECK_EQ(ev->v[EBR_F_PROC_EXEC_LAT_NS].u, 70000);
	}
	ev = expect_event(&t, EBR_EV_PROC_EXEC);
	if (ev) {
		CHECK(bytes_are(&ev->v[EBR_F_PROC_EXEC_ARGS], "ls\0-lah\0", 8));
		CHECK_EQ(ev->v[EBR_F_PROC_EXEC_FLAGS].u, EBR_EXEC_ARG_CUT);
	}
	ev = expect_event(&t, EBR_EV_PROC_EXEC);
	if (ev) {
		CHECK_EQ(ebr_value_s64(&ev->v[EBR_F_PROC_EXEC_RET]), -ENOENT);
		CHECK(str_is(&ev->v[EBR_F_PROC_EXEC_FILENAME], "/nonexistent"));
		CHECK_EQ(ev->v[EBR_F_PROC_EXEC_ARGS].len, 0);
	}
	trace_end(&t);
	free(r);
}

static void file_open_record(struct ebr_rec_file_open *r, uint8_t call, const char *path)
{
	size_t len = strlen(path) + 1;

	memset(r, 0, sizeof(*r));
	r->call = call;
	r->lat_ns = 9000;
	r->pid = 500;
	r->tid = 501;
	r->ret = 3;
	r->dirfd = -100; /* AT_FDCWD */
	r->flags = 0x80000; /* O_CLOEXEC */
	r->mode = 0644;
	r->fs_flags = EBR_FS_BDEV;
	r->path_len = (uint16_t)len;
	strcpy(r->comm, "cat");
	strcpy(r->fstype, "ext4");
	memcpy(r->path, path, len);
	hdr(&r->hdr, EBR_REC_FILE_OPEN, offsetof(struct ebr_rec_file_open, path) + len, 4000, 1);
}

static void test_file(void)
{
	struct ebr_rec_file_open *o = malloc(sizeof(*o));
	struct ebr_rec_file_slow s = { 0 };
	const struct ebr_event *ev;
	struct trace t;

	CHECK(o != NULL);
	if (!o)
		return;
	trace_begin(&t);
	file_open_record(o, EBR_CALL_OPENAT, "/etc/hostname");
	CHECK_EQ(feed(&t, o), 0);
	file_open_record(o, EBR_CALL_CHDIR, "/tmp");
	o->ret = 0;
	CHECK_EQ(feed(&t, o), 0);
	hdr(&s.hdr, EBR_REC_FILE_SLOW, sizeof(s), 5000, 0);
	s.lat_ns = 12000000;
	s.offset = 1 << 20;
	s.ret = 4096;
	s.ino = 131075;
	s.pid = 600;
	s.tid = 601;
	s.dev = 8u << 20 | 1;
	s.op = EBR_SLOW_READ;
	strcpy(s.comm, "postgres");
	strcpy(s.fstype, "xfs");
	strcpy(s.name, "base.dat");
	CHECK_EQ(feed(&t, &s), 0);
	trace_read(&t);
	ev = expect_event(&t, EBR_EV_FILE_OPEN);
	if (ev) {
		CHECK_EQ(ev->ts, 4000);
		CHECK_EQ(ev->cpu, 1);
		CHECK_EQ(ev->v[EBR_F_FILE_OPEN_PID].u, 500);
		CHECK_EQ(ev->v[EBR_F_FILE_OPEN_TID].u, 501);
		CHECK(str_is(&ev->v[EBR_F_FILE_OPEN_COMM], "cat"));
		CHECK_EQ(ev->v[EBR_F_FILE_OPEN_CALL].u, EBR_CALL_OPENAT);
		CHECK_EQ(ebr_value_s64(&ev->v[EBR_F_FILE_OPEN_DIRFD]), -100);
		CHECK(str_is(&ev->v[EBR_F_FILE_OPEN_PATH], "/etc/hostname"));
		CHECK_EQ(ev->v[EBR_F_FILE_OPEN_FLAGS].u, 0x80000);
		CHECK_EQ(ev->v[EBR_F_FILE_OPEN_MODE].u, 0644);
		CHECK_EQ(ebr_value_s64(&ev->v[EBR_F_FILE_OPEN_RET]), 3);
		CHECK(str_is(&ev->v[EBR_F_FILE_OPEN_FSTYPE], "ext4"));
		CHECK_EQ(ev->v[EBR_F_FILE_OPEN_FS_FLAGS].u, EBR_FS_BDEV);
		CHECK_EQ(ev->v[EBR_F_FILE_OPEN_LAT_NS].u, 9000);
	}
	ev = expect_event(&t, EBR_EV_FILE_CHDIR);
	if (ev) {
		CHECK_EQ(ev->v[EBR_F_FILE_CHDIR_PID].u, 500);
		CHECK_EQ(ev->v[EBR_F_FILE_CHDIR_TID].u, 501);
		CHECK(str_is(&ev->v[EBR_F_FILE_CHDIR_COMM], "cat"));
		CHECK_EQ(ebr_value_s64(&ev->v[EBR_F_FILE_CHDIR_FD]), -100);
		CHECK(str_is(&ev->v[EBR_F_FILE_CHDIR_PATH], "/tmp"));
		CHECK_EQ(ebr_value_s64(&ev->v[EBR_F_FILE_CHDIR_RET]), 0);
	}
	ev = expect_event(&t, EBR_EV_FILE_SLOW);
	if (ev) {
		CHECK_EQ(ev->ts, 5000);
		CHECK_EQ(ev->v[EBR_F_FILE_SLOW_PID].u, 600);
		CHECK_EQ(ev->v[EBR_F_FILE_SLOW_TID].u, 601);
		CHECK(str_is(&ev->v[EBR_F_FILE_SLOW_COMM], "postgres"));
		CHECK_EQ(ev->v[EBR_F_FILE_SLOW_OP].u, EBR_SLOW_READ);
		CHECK_EQ(ebr_value_s64(&ev->v[EBR_F_FILE_SLOW_RET]), 4096);
		CHECK_EQ(ev->v[EBR_F_FILE_SLOW_OFFSET].u, 1 << 20);
		CHECK_EQ(ev->v[EBR_F_FILE_SLOW_LAT_NS].u, 12000000);
		CHECK_EQ(ev->v[EBR_F_FILE_SLOW_DEV].u, 8u << 20 | 1);
		CHECK_EQ(ev->v[EBR_F_FILE_SLOW_INO].u, 131075);
		CHECK(str_is(&ev->v[EBR_F_FILE_SLOW_FSTYPE], "xfs"));
		CHECK(str_is(&ev->v[EBR_F_FILE_SLOW_NAME], "base.dat"));
	}
	trace_end(&t);
	free(o);
}

static void tcp_record(struct ebr_rec_tcp *r, uint16_t type, uint16_t family)
{
	static const uint8_t l4[4] = { 10, 0, 0, 1 }, r4[4] = { 10, 0, 0, 2 };

	memset(r, 0, sizeof(*r));
	hdr(&r->hdr, type, sizeof(*r), 6000, 0);
	r->cookie = 0x1122334455ull;
	r->skaddr = 0xffff888012345678ull;
	r->pid = 700;
	r->tid = 701;
	r->family = family;
	r->sport = 5432;
	r->dport = 40000;
	r->state = 1; /* ESTABLISHED */
	strcpy(r->comm, "nginx");
	if (family == AF_INET) {
		memcpy(r->saddr, l4, 4);
		memcpy(r->daddr, r4, 4);
	} else {
		for (int i = 0; i < 16; i++) {
			r->saddr[i] = (uint8_t)i;
			r->daddr[i] = (uint8_t)(0xf0 + i);
		}
	}
}

static void test_tcp(void)
{
	static const uint8_t l4[4] = { 10, 0, 0, 1 }, r4[4] = { 10, 0, 0, 2 };
	static const uint8_t l6[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const uint8_t r6[16] = { 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
					0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff };
	struct ebr_rec_tcp r;
	const struct ebr_event *ev;
	struct trace t;

	trace_begin(&t);
	tcp_record(&r, EBR_REC_TCP_STATE, AF_INET);
	r.oldstate = 2; /* SYN_SENT */
	r.tx_bytes = 1001;
	r.rx_bytes = 2002;
	r.flags = EBR_TCP_ALL_ACKED;
	CHECK_EQ(feed(&t, &r), 0);
	tcp_record(&r, EBR_REC_TCP_RESET, AF_INET6);
	r.detail = EBR_TCP_RESET_SENT << 16 | 7;
	CHECK_EQ(feed(&t, &r), 0);
	/* a reset whose packet could not be read: no event */
	tcp_record(&r, EBR_REC_TCP_RESET, 0);
	CHECK_EQ(feed(&t, &r), 0);
	tcp_record(&r, EBR_REC_TCP_ACCEPT, AF_INET);
	CHECK_EQ(feed(&t, &r), 0);
	trace_read(&t);
	ev = expect_event(&t, EBR_EV_TCP_STATE);
	if (ev) {
		CHECK_EQ(ev->ts, 6000);
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_PID].u, 700);
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_TID].u, 701);
		CHECK(str_is(&ev->v[EBR_F_TCP_STATE_COMM], "nginx"));
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_COOKIE].u, 0x1122334455ull);
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_SKADDR].u, 0xffff888012345678ull);
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_IP].u, 4);
		CHECK(bytes_are(&ev->v[EBR_F_TCP_STATE_LADDR], l4, 4));
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_LPORT].u, 5432);
		CHECK(bytes_are(&ev->v[EBR_F_TCP_STATE_RADDR], r4, 4));
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_RPORT].u, 40000);
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_STATE].u, 1);
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_OLDSTATE].u, 2);
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_TX_BYTES].u, 1001);
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_RX_BYTES].u, 2002);
		CHECK_EQ(ev->v[EBR_F_TCP_STATE_FLAGS].u, EBR_TCP_ALL_ACKED);
	}
	ev = expect_event(&t, EBR_EV_TCP_RESET);
	if (ev) {
		CHECK_EQ(ev->v[EBR_F_TCP_RESET_IP].u, 6);
		CHECK(bytes_are(&ev->v[EBR_F_TCP_RESET_LADDR], l6, 16));
		CHECK(bytes_are(&ev->v[EBR_F_TCP_RESET_RADDR], r6, 16));
		CHECK_EQ(ev->v[EBR_F_TCP_RESET_DIRECTION].u, EBR_TCP_RESET_SENT);
		CHECK_EQ(ev->v[EBR_F_TCP_RESET_REASON].u, 7);
	}
	ev = expect_event(&t, EBR_EV_TCP_ACCEPT);
	if (ev) {
		CHECK_EQ(ev->v[EBR_F_TCP_ACCEPT_PID].u, 700);
		CHECK_EQ(ev->v[EBR_F_TCP_ACCEPT_IP].u, 4);
		CHECK_EQ(ev->v[EBR_F_TCP_ACCEPT_LPORT].u, 5432);
		CHECK_EQ(ev->v[EBR_F_TCP_ACCEPT_STATE].u, 1);
	}
	trace_end(&t);
}

/* One sched switch into tid, which waited runq_ns (known: flag EBR_SCHED_RUNQ), at ts. */
static void feed_switch(struct trace *t, uint64_t ts, uint32_t tid, uint64_t runq_ns, bool known)
{
	struct ebr_rec_sched_switch r = { 0 };

	hdr(&r.hdr, EBR_REC_SCHED_SWITCH, sizeof(r), ts, 1);
	r.next_pid = tid;
	r.next_tid = tid;
	strcpy(r.next_comm, "victim");
	r.runq_ns = runq_ns;
	r.flags = known ? EBR_SCHED_RUNQ : 0;
	CHECK_EQ(feed(t, &r), 0);
}

/* --trigger: parsed, fired by the first event over its threshold, held off, re-armed. */
static void test_trigger(void)
{
	static const char *bad[] = { "runqlat", "runqlat > ", "runqlat > 5", "runqlat < 5ms",
				     "runq > 5ms", "runqlat > 5ms x", "runqlat > 0ms",
				     "runqlat > -5ms", "biolatency > 2d" };
	struct trigger_spec spec = { 0 };
	struct trigger trig;
	struct trace t;
	char msg[256];

	/* one syntax for every duration of the command line (record/duration.h) */
	static const char *bad_durations[] = { "", "5", "ms", "1 s", "-1s", "+1s", "1e3s",
					       "0x10s", "1.2.3s", "1S", "0s", "0.4ns",
					       "300000000000d" };
	uint64_t ns;

	for (size_t i = 0; i < sizeof(bad_durations) / sizeof(bad_durations[0]); i++)
		CHECK(duration_parse(bad_durations[i], &ns) == -1);
	CHECK(duration_parse("0.3s", &ns) == 0 && ns == 300000000); /* rounded, not cut */
	CHECK(duration_parse("1.5ms", &ns) == 0 && ns == 1500000);
	CHECK(duration_parse("250us", &ns) == 0 && ns == 250000);
	CHECK(duration_parse("10m", &ns) == 0 && ns == 600000000000ull);
	CHECK(duration_parse("10min", &ns) == 0 && ns == 600000000000ull);
	CHECK(duration_parse("1.5h", &ns) == 0 && ns == 5400000000000ull);
	CHECK(duration_parse("2d", &ns) == 0 && ns == 172800000000000ull);
	CHECK(duration_parse("7ns", &ns) == 0 && ns == 7);
	CHECK(duration_parse("3.s", &ns) == 0 && ns == 3000000000ull);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(trigger_parse(&spec, bad[i], msg, sizeof(msg)) == -1 && msg[0]);
	CHECK_EQ(spec.n, 0);
	CHECK(trigger_parse(&spec, " runqlat>=1.5ms ", msg, sizeof(msg)) == 0);
	CHECK(trigger_parse(&spec, "biolatency > 100ms", msg, sizeof(msg)) == 0);
	CHECK_EQ(spec.n, 2);
	CHECK(!strcmp(spec.conds[0].expr, "runqlat >= 1.5ms") && spec.conds[0].or_equal);
	CHECK_EQ(spec.conds[0].threshold_ns, 1500000);
	CHECK(!strcmp(trigger_family(&spec.conds[1]), "block"));

	trigger_init(&trig, &spec, 4000000000ull);
	CHECK_EQ(trig.after_ns, 1000000000);
	CHECK_EQ(trig.holdoff_ns, 4000000000ull);
	trace_begin(&t);
	t.ctx.trigger = &trig;
	feed_switch(&t, 1000, 10, 1499999, true); /* under */
	feed_switch(&t, 2000, 11, 9000000, false); /* not known to have waited */
	CHECK(!trig.pending);
	feed_switch(&t, 3000, 12, 1500000, true); /* fires: >= */
	feed_switch(&t, 4000, 13, 9000000, true); /* held off: the first is pending */
	CHECK(trig.pending);
	CHECK_EQ(trig.fire.ts, 3000);
	CHECK_EQ(trig.fire.tid, 12);
	CHECK_EQ(trig.fire.value_ns, 1500000);
	CHECK(!strcmp(trig.fire.comm, "victim"));
	CHECK_EQ(trig.held_off, 1);
	CHECK(!trigger_due(&trig, 3000 + 999999999));
	CHECK(trigger_due(&trig, 3000 + 1000000000));
	CHECK_EQ(trigger_done(&trig, NULL, 0), 0);
	feed_switch(&t, 3000 + 3999999999ull, 14, 9000000, true); /* within the hold-off */
	CHECK(!trig.pending);
	feed_switch(&t, 3000 + 4000000000ull, 15, 9000000, true); /* re-armed */
	CHECK(trig.pending && trig.fire.tid == 15);
	/* --keep 1: the trigger's older file is removed once the next is written */
	{
		char a[] = "/tmp/ebrec-trigger-XXXXXX", b[] = "/tmp/ebrec-trigger-XXXXXX";
		int fa = mkstemp(a), fb = mkstemp(b);

		CHECK(fa >= 0 && fb >= 0);
		close(fa);
		close(fb);
		CHECK_EQ(trigger_done(&trig, a, 1), 0);
		CHECK(access(a, F_OK) == 0);
		CHECK_EQ(trigger_done(&trig, b, 1), 0);
		CHECK(access(a, F_OK) != 0 && access(b, F_OK) == 0);
		CHECK_EQ(trig.nfired, 2);
		unlink(b);
	}
	trace_read(&t); /* the trigger writes nothing: every event is there */
	for (int i = 0; i < 6; i++)
		expect_event(&t, EBR_EV_SCHED_SWITCH);
	trace_end(&t);
	trigger_free(&trig);

	/* the second condition, on another family's events: a block I/O's issue to completion */
	{
		struct ebr_rec_block_rq r = { 0 };

		trigger_init(&trig, &spec, 4000000000ull);
		trace_begin(&t);
		t.ctx.trigger = &trig;
		hdr(&r.hdr, EBR_REC_BLOCK_RQ, sizeof(r), 9000, 0);
		r.pid = 77;
		r.tid = 78;
		strcpy(r.comm, "dd");
		r.lat_ns = 100000000; /* not over 100ms */
		r.queue_ns = 900000000; /* the OS queue's time is not biolatency's */
		CHECK_EQ(feed(&t, &r), 0);
		CHECK(!trig.pending);
		r.lat_ns = 100000001;
		CHECK_EQ(feed(&t, &r), 0);
		CHECK(trig.pending && trig.fire.cond == &spec.conds[1]);
		CHECK(trig.fire.type == EBR_EV_BLOCK_RQ && trig.fire.pid == 77 &&
		      trig.fire.tid == 78 && !strcmp(trig.fire.comm, "dd"));
		trace_read(&t);
		expect_event(&t, EBR_EV_BLOCK_RQ);
		expect_event(&t, EBR_EV_BLOCK_RQ);
		trace_end(&t);
		trigger_free(&trig);
	}
}

static void test_sched_switch(void)
{
	struct ebr_rec_sched_switch r = { 0 };
	const struct ebr_event *ev;
	struct trace t;

	trace_begin(&t);
	hdr(&r.hdr, EBR_REC_SCHED_SWITCH, sizeof(r), 7000, 1);
	r.runq_ns = 11;
	r.oncpu_ns = 22;
	r.offcpu_ns = 33;
	r.prev_pid = 800;
	r.prev_tid = 801;
	r.next_pid = 900;
	r.next_tid = 902;
	r.prev_state = 2;
	r.flags = EBR_SCHED_RUNQ | EBR_SCHED_ONCPU | EBR_SCHED_OFFCPU;
	strcpy(r.prev_comm, "make");
	strcpy(r.next_comm, "cc1");
	CHECK_EQ(feed(&t, &r), 0);
	trace_read(&t);
	ev = expect_event(&t, EBR_EV_SCHED_SWITCH);
	if (ev) {
		CHECK_EQ(ev->ts, 7000);
		CHECK_EQ(ev->cpu, 1);
		CHECK_EQ(ev->v[EBR_F_SCHED_SWITCH_PREV_PID].u, 800);
		CHECK_EQ(ev->v[EBR_F_SCHED_SWITCH_PREV_TID].u, 801);
		CHECK(str_is(&ev->v[EBR_F_SCHED_SWITCH_PREV_COMM], "make"));
		CHECK_EQ(ev->v[EBR_F_SCHED_SWITCH_NEXT_PID].u, 900);
		CHECK_EQ(ev->v[EBR_F_SCHED_SWITCH_NEXT_TID].u, 902);
		CHECK(str_is(&ev->v[EBR_F_SCHED_SWITCH_NEXT_COMM], "cc1"));
		CHECK_EQ(ev->v[EBR_F_SCHED_SWITCH_PREV_STATE].u, 2);
		CHECK_EQ(ev->v[EBR_F_SCHED_SWITCH_FLAGS].u,
			 EBR_SCHED_RUNQ | EBR_SCHED_ONCPU | EBR_SCHED_OFFCPU);
		CHECK_EQ(ev->v[EBR_F_SCHED_SWITCH_RUNQ_NS].u, 11);
		CHECK_EQ(ev->v[EBR_F_SCHED_SWITCH_ONCPU_NS].u, 22);
		CHECK_EQ(ev->v[EBR_F_SCHED_SWITCH_OFFCPU_NS].u, 33);
	}
	trace_end(&t);
}

/* No process has this id (pid_max is at most 2^22): its user frames resolve to nothing. */
#define NO_PID 0x7ffffff0u

static void stack_record(struct ebr_rec_stack *r, uint16_t type, const uint64_t *k, uint16_t kn,
			 const uint64_t *u, uint16_t un)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->frames, k, kn * sizeof(*k));
	memcpy(r->frames + kn, u, un * sizeof(*u));
	r->kdepth = kn;
	r->udepth = un;
	r->pid = NO_PID;
	r->tid = NO_PID;
	r->flags = EBR_STACK_USER_FULL;
	strcpy(r->comm, "burn");
	hdr(&r->hdr, type, offsetof(struct ebr_rec_stack, frames) + (kn + un) * 8, 8000, 0);
}

static void test_stacks(void)
{
	static const uint64_t k[3] = { 0xffffffff81001000ull, 0xffffffff81002000ull,
				       0xffffffff81003000ull };
	static const uint64_t u[2] = { 0x401000, 0x402000 };
	struct ebr_rec_stack *r = malloc(sizeof(*r));
	const struct ebr_event *ev;
	struct trace t;

	CHECK(r != NULL);
	if (!r)
		return;
	trace_begin(&t);
	stack_record(r, EBR_REC_PROFILE, k, 3, u, 2);
	CHECK_EQ(feed(&t, r), 0);
	stack_record(r, EBR_REC_OFFCPU, k, 3, u, 2);
	r->offcpu_ns = 123456;
	r->state = 1;
	CHECK_EQ(feed(&t, r), 0);
	/* depths that disagree with the record's size are cut to it */
	stack_record(r, EBR_REC_PROFILE, k, 3, u, 0);
	r->kdepth = 5;
	r->udepth = 4;
	CHECK_EQ(feed(&t, r), 0);
	CHECK_EQ(stack_symbols_write(&t.stacks, t.ctx.writer), 0);
	trace_read(&t);
	ev = expect_event(&t, EBR_EV_PROFILE_SAMPLE);
	if (ev) {
		CHECK_EQ(ev->ts, 8000);
		CHECK_EQ(ev->v[EBR_F_PROFILE_SAMPLE_PID].u, NO_PID);
		CHECK_EQ(ev->v[EBR_F_PROFILE_SAMPLE_TID].u, NO_PID);
		CHECK(str_is(&ev->v[EBR_F_PROFILE_SAMPLE_COMM], "burn"));
		CHECK(frames_are(&ev->v[EBR_F_PROFILE_SAMPLE_KSTACK], k, 3));
		CHECK(frames_are(&ev->v[EBR_F_PROFILE_SAMPLE_USTACK], u, 2));
		CHECK_EQ(ev->v[EBR_F_PROFILE_SAMPLE_FLAGS].u, EBR_STACK_USER_FULL);
	}
	ev = expect_event(&t, EBR_EV_OFFCPU_SPAN);
	if (ev) {
		/* no kallsyms read: no frame is known to be the tracing machinery's */
		CHECK(frames_are(&ev->v[EBR_F_OFFCPU_SPAN_KSTACK], k, 3));
		CHECK(frames_are(&ev->v[EBR_F_OFFCPU_SPAN_USTACK], u, 2));
		CHECK_EQ(ev->v[EBR_F_OFFCPU_SPAN_OFFCPU_NS].u, 123456);
		CHECK_EQ(ev->v[EBR_F_OFFCPU_SPAN_STATE].u, 1);
	}
	ev = expect_event(&t, EBR_EV_PROFILE_SAMPLE);
	if (ev) {
		CHECK(frames_are(&ev->v[EBR_F_PROFILE_SAMPLE_KSTACK], k, 3));
		CHECK_EQ(ev->v[EBR_F_PROFILE_SAMPLE_USTACK].len, 0);
	}
	CHECK(next_event(&t) == NULL);
	/* every frame counted, none resolved: no kallsyms, and the process does not exist */
	CHECK(ebr_reader_meta(t.r, "symbols.kernel_frames") &&
	      !strcmp(ebr_reader_meta(t.r, "symbols.kernel_frames"), "9"));
	CHECK(ebr_reader_meta(t.r, "symbols.kernel_resolved") &&
	      !strcmp(ebr_reader_meta(t.r, "symbols.kernel_resolved"), "0"));
	CHECK(ebr_reader_meta(t.r, "symbols.user_frames") &&
	      !strcmp(ebr_reader_meta(t.r, "symbols.user_frames"), "4"));
	trace_end(&t);
	free(r);
}


/* The next event that is not a symbol (sym.*: what the recorder read of a process), of type. */
static const struct ebr_event *expect_sample(struct trace *t, uint32_t type)
{
	const struct ebr_event *ev;

	do
		ev = next_event(t);
	while (ev && (ev->type == EBR_EV_SYM_OBJECT || ev->type == EBR_EV_SYM_MAP ||
		      ev->type == EBR_EV_SYM_FUNC || ev->type == EBR_EV_SYM_KERNEL));
	CHECK(ev && ev->type == type);
	return ev && ev->type == type ? ev : NULL;
}

/* --call-graph dwarf: records with a copy of the user stack, unwound by the recorder. */
static void test_stack_copies(void)
{
	static const uint64_t k[2] = { 0xffffffff81001000ull, 0xffffffff81002000ull };
	struct ebr_rec_stack_copy *r = calloc(1, sizeof(*r));
	size_t fixed = offsetof(struct ebr_rec_stack_copy, data);
	const struct ebr_event *ev;
	struct trace t;

	CHECK(r != NULL);
	if (!r)
		return;
	trace_begin(&t);
	/* a kernel thread: no user registers, the kernel frames after no stack bytes */
	r->pid = r->tid = NO_PID;
	r->flags = EBR_STACK_USER_ERR;
	r->kdepth = 2;
	memcpy(r->data, k, sizeof(k));
	hdr(&r->hdr, EBR_REC_PROFILE_COPY, fixed + sizeof(k), 1000, 0);
	CHECK_EQ(feed(&t, r), 0);
	/* lengths past the record's size are cut to it; no register, nothing unwound */
	r->flags = 0;
	r->ustack_len = 4096;
	r->kdepth = 100;
	hdr(&r->hdr, EBR_REC_OFFCPU_COPY, fixed + 16, 2000, 0);
	CHECK_EQ(feed(&t, r), 0);
#if defined(__x86_64__)
	/* this thread's own stack, unwound through its callers to the process's entry */
	memset(r, 0, sizeof(*r));
	r->ustack_len = (uint16_t)own_stack_nested((uint64_t *)r->regs, r->data,
						   EBR_USTACK_COPY_DEFAULT);
	r->nregs = EBR_UREGS;
	r->pid = (uint32_t)getpid();
	r->tid = (uint32_t)gettid();
	hdr(&r->hdr, EBR_REC_PROFILE_COPY, fixed + r->ustack_len, 3000, 0);
	CHECK_EQ(feed(&t, r), 0);
#endif
	CHECK_EQ(stack_symbols_write(&t.stacks, t.ctx.writer), 0);
	trace_read(&t);
	ev = expect_sample(&t, EBR_EV_PROFILE_SAMPLE);
	if (ev) {
		CHECK(frames_are(&ev->v[EBR_F_PROFILE_SAMPLE_KSTACK], k, 2));
		CHECK_EQ(ev->v[EBR_F_PROFILE_SAMPLE_USTACK].len, 0);
		CHECK_EQ(ev->v[EBR_F_PROFILE_SAMPLE_FLAGS].u, EBR_STACK_USER_ERR);
	}
	ev = expect_sample(&t, EBR_EV_OFFCPU_SPAN);
	if (ev) {
		CHECK(frames_are(&ev->v[EBR_F_OFFCPU_SPAN_KSTACK], k, 2));
		CHECK_EQ(ev->v[EBR_F_OFFCPU_SPAN_USTACK].len, 0);
		CHECK_EQ(ev->v[EBR_F_OFFCPU_SPAN_FLAGS].u,
			 EBR_STACK_USER_DWARF | EBR_STACK_USER_ERR);
	}
#if defined(__x86_64__)
	ev = expect_sample(&t, EBR_EV_PROFILE_SAMPLE);
	if (ev) {
		const struct ebr_value *u = &ev->v[EBR_F_PROFILE_SAMPLE_USTACK];

		/* capture, own_stack_two, own_stack_nested, test_stack_copies, run, main... */
		CHECK(u->len >= 6);
		CHECK(u->len && u->frames[0] == r->regs[EBR_UREG_IP]);
		CHECK_EQ(ev->v[EBR_F_PROFILE_SAMPLE_FLAGS].u,
			 EBR_STACK_USER_DWARF | EBR_STACK_USER_WHOLE);
	}
	CHECK(ebr_reader_meta(t.r, "symbols.user_unwound") &&
	      !strcmp(ebr_reader_meta(t.r, "symbols.user_unwound"), "2"));
	CHECK(ebr_reader_meta(t.r, "symbols.user_unwound_whole") &&
	      !strcmp(ebr_reader_meta(t.r, "symbols.user_unwound_whole"), "1"));
#endif
	/* the symbols of this process's frames, written at the end */
	while ((ev = next_event(&t)))
		CHECK(ev->type == EBR_EV_SYM_FUNC || ev->type == EBR_EV_SYM_KERNEL);
	trace_end(&t);
	free(r);
}

int main(void)
{
	RUN(test_record_kinds);
	RUN(test_errno_of_ebr);
	RUN(test_block);
	RUN(test_proc_fork_exit);
	RUN(test_proc_cgroups);
	RUN(test_proc_titles);
	RUN(test_proc_exec);
	RUN(test_proc_table);
	RUN(test_file);
	RUN(test_tcp);
	RUN(test_sched_switch);
	RUN(test_trigger);
	RUN(test_stacks);
	RUN(test_stack_copies);
	return CHECK_SUMMARY();
}
