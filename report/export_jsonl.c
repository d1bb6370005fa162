// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec export --format jsonl`: a directory with one zstd-compressed JSON Lines file per
 * event type (TYPE.jsonl.zst), a row an event, in the schema docs/EXPORT.md states (version
 * JSONL_SCHEMA): the columns every row has (host, trace id, times as ns and as UTC), the
 * event's fields by their names in the trace's own schema (so types this build does not know
 * are exported too), and its process's fields joined in from the process table (comm, ppid,
 * command line, cgroup). DuckDB, Spark, Trino and ClickHouse read a directory of them, from
 * many hosts, as one table per type. Stacks are written named, leaf first: the symbols come
 * at the trace's end, so a trace with stacks is read twice.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zstd.h>
#include "analyze/tcp.h"
#include "report/export.h"
#include "report/json.h"
#include "format/mem.h"
#include "report/membuf.h"

/* the schema version every row states: raise it when a column changes meaning */
#define JSONL_SCHEMA 1
#define JSONL_ZSTD_LEVEL 3
/* rows of a file compressed together: zstd's window is what makes small rows small */
#define JSONL_CHUNK (1u << 17)

struct jsonl_file {
	uint32_t file_type; /* the trace's type id */
	FILE *f;
	char *path;
	ZSTD_CCtx *z;
	char *pending; /* rows not yet compressed */
	size_t len;
	uint64_t rows;
};

struct jsonl {
	struct export_job *job;
	struct symtab syms;
	struct jsonl_file files[EBR_MAX_TYPES];
	uint32_t nfiles;
	struct membuf line;
	FILE *line_f;
	struct json j;
	char trace_id[160], host[128];
	char *scratch; /* joined arguments */
	int err;
	bool failed; /* a message was printed */
};

static int compress_out(struct jsonl *x, struct jsonl_file *jf, ZSTD_EndDirective end)
{
	ZSTD_inBuffer in = { jf->pending, jf->len, 0 };
	char out[1 << 16];
	size_t left;

	do {
		ZSTD_outBuffer o = { out, sizeof(out), 0 };

		left = ZSTD_compressStream2(jf->z, &o, &in, end);
		if (ZSTD_isError(left))
			return x->err = EBR_E_ZSTD;
		if (o.pos && fwrite(out, 1, o.pos, jf->f) != o.pos)
			return x->err = EBR_E_IO;
	} while (end == ZSTD_e_end ? left != 0 : in.pos < in.size);
	jf->len = 0;
	return 0;
}

static struct jsonl_file *file_of(struct jsonl *x, const struct ebr_reader *r, uint32_t type,
				  const char *name)
{
	struct jsonl_file *jf;
	size_t n;

	for (uint32_t i = 0; i < x->nfiles; i++)
		if (x->files[i].file_type == type)
			return &x->files[i];
	if (x->nfiles == EBR_MAX_TYPES)
		return NULL;
	(void)r;
	jf = &x->files[x->nfiles];
	memset(jf, 0, sizeof(*jf));
	jf->file_type = type;
	n = strlen(x->job->out) + strlen(name) + 16;
	jf->path = malloc(n);
	jf->pending = malloc(JSONL_CHUNK);
	jf->z = ZSTD_createCCtx();
	if (!jf->path || !jf->pending || !jf->z) {
		free(jf->path);
		free(jf->pending);
		ZSTD_freeCCtx(jf->z);
		x->err = EBR_E_NOMEM;
		return NULL;
	}
	x->nfiles++;
	ZSTD_CCtx_setParameter(jf->z, ZSTD_c_compressionLevel, JSONL_ZSTD_LEVEL);
	/* a name from the trace's schema: its '/' must not leave the directory */
	snprintf(jf->path, n, "%s/", x->job->out);
	for (const char *c = name; *c; c++) {
		size_t l = strlen(jf->path);

		jf->path[l] = *c == '/' || *c == '\\' || (*c == '.' && c == name) ? '_' : *c;
		jf->path[l + 1] = 0;
	}
	strcat(jf->path, ".jsonl.zst");
	if (!(jf->f = export_create(jf->path)))
		x->failed = true;
	return jf;
}

/* "2024-05-01T12:34:56.123456789Z" */
static void utc_text(uint64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char day[32];

	if (!gmtime_r(&secs, &tm) || !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, len, "1970-01-01T00:00:00.000000000Z");
		return;
	}
	snprintf(buf, len, "%s.%09lluZ", day, (unsigned long long)(ns % 1000000000ull));
}

/* An address of a tcp.* laddr/raddr (4 or 16 bytes), as text. */
static bool ip_text(const struct ebr_value *v, char *buf, size_t len)
{
	if (v->len != 4 && v->len != 16)
		return false;
	tcp_addr_text(v->len == 4 ? 4 : 6, (const uint8_t *)v->s, buf, len);
	return true;
}

static void bytes_field(struct jsonl *x, const char *name, const struct ebr_value *v)
{
	char text[64];

	if ((!strcmp(name, "laddr") || !strcmp(name, "raddr")) && ip_text(v, text, sizeof(text))) {
		json_str(&x->j, name, text);
	} else if (!strcmp(name, "args")) {
		/* arguments, each NUL-terminated: an array, and joined as a command line */
		json_array_begin(&x->j, name);
		for (uint32_t i = 0; i < v->len;) {
			const char *a = v->s + i;
			size_t n = strnlen(a, v->len - i);

			json_strn(&x->j, NULL, a, n);
			i += (uint32_t)n + 1;
		}
		json_array_end(&x->j);
	} else {
		char *hex = malloc(2 * (size_t)v->len + 1);

		if (!hex) {
			x->err = EBR_E_NOMEM;
			return;
		}
		for (uint32_t i = 0; i < v->len; i++)
			snprintf(hex + 2 * i, 3, "%02x", (unsigned char)v->s[i]);
		hex[2 * v->len] = 0;
		json_str(&x->j, name, hex);
		free(hex);
	}
}

static void stack_field(struct jsonl *x, const char *name, const struct ebr_value *v,
			uint64_t pid)
{
	bool kernel = name[0] == 'k';
	struct frame_names fn;

	json_array_begin(&x->j, name);
	for (uint32_t i = 0; v->frames && i < v->len; i++) {
		symtab_name_frame(&x->syms, kernel, pid, v->frames[i], i, &fn);
		for (int k = 0; k < fn.n; k++)
			json_str(&x->j, NULL, fn.name[k]);
	}
	json_array_end(&x->j);
}

static void proc_fields(struct jsonl *x, uint64_t pid)
{
	const struct proc_entry *e = proctable_find(x->job->procs, (uint32_t)pid);
	size_t cap = e && e->args ? (size_t)e->args_len + 8 : 1;
	const struct proc_cgroup *cg;
	char *args;

	if (!e)
		return;
	args = realloc(x->scratch, cap);
	if (!args) {
		x->err = EBR_E_NOMEM;
		return;
	}
	x->scratch = args;
	json_str(&x->j, "proc_comm", e->comm);
	json_u64(&x->j, "proc_ppid", e->ppid);
	json_str(&x->j, "proc_cmdline",
		 proc_args_join(e->args, e->args ? e->args_len : 0, e->args_cut, args, cap));
	cg = proctable_cgroup(x->job->procs, e);
	json_str(&x->j, "proc_cgroup", cg ? cg->path : "");
	if (e->title)
		json_str(&x->j, "proc_title", e->title);
}

/* The field's value of a named field of ev, as the schema orders them; NULL if absent. */
static const struct ebr_value *raw_field(const struct ebr_reader *r, int ti,
					 const struct ebr_event *ev, const char *want)
{
	for (uint32_t f = 0; f < ev->nraw; f++) {
		const char *name;
		enum ebr_kind kind;

		if (!ebr_reader_type_field(r, (uint32_t)ti, f, &name, &kind) && !strcmp(name, want))
			return &ev->raw[f];
	}
	return NULL;
}

static bool wanted(struct jsonl *x, const struct ebr_reader *r, int ti,
		   const struct ebr_event *ev)
{
	const struct ebr_value *pid = raw_field(r, ti, ev, "pid");
	const struct ebr_value *comm = raw_field(r, ti, ev, "comm");

	if (!proc_filter_active(&x->job->who))
		return true;
	if (pid)
		return export_wants(x->job, pid->u, comm ? comm->s : NULL);
	/* sched.switch: either task */
	pid = raw_field(r, ti, ev, "prev_pid");
	if (pid) {
		const struct ebr_value *next = raw_field(r, ti, ev, "next_pid");
		const struct ebr_value *pc = raw_field(r, ti, ev, "prev_comm");
		const struct ebr_value *nc = raw_field(r, ti, ev, "next_comm");

		return export_wants(x->job, pid->u, pc ? pc->s : NULL) ||
		       (next && export_wants(x->job, next->u, nc ? nc->s : NULL));
	}
	return true; /* of no process: the system's (cache.stat, ebr.counts) */
}

/* At the first event, once the trace's META has been read. */
static void name_trace(struct jsonl *x, const struct ebr_reader *r)
{
	const char *host = ebr_reader_meta(r, "host.hostname");
	const char *start = ebr_reader_meta(r, "clock.start.realtime_ns");

	snprintf(x->host, sizeof(x->host), "%s", host ? host : "");
	/* a recording is named by its host and the moment it started */
	snprintf(x->trace_id, sizeof(x->trace_id), "%s@%s", x->host, start ? start : "0");
}

static int jsonl_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct jsonl *x = self;
	int ti = ebr_reader_type_index(r, ev->file_type);
	const char *tname, *fname;
	uint32_t nfields, file_id;
	enum ebr_kind kind;
	const struct ebr_value *pid;
	struct jsonl_file *jf;
	uint64_t real;
	char utc[48];

	if (x->err || x->failed)
		return x->err;
	if (!x->trace_id[0])
		name_trace(x, r);
	if (ti < 0 || ebr_reader_type_at(r, (uint32_t)ti, &file_id, &tname, &nfields))
		return 0;
	/* the symbols name the stacks of the rows; they are no rows themselves */
	if (!strncmp(tname, "sym.", 4) || !wanted(x, r, ti, ev))
		return 0;
	jf = file_of(x, r, ev->file_type, tname);
	if (!jf || !jf->f)
		return x->err;
	if (!x->line_f && !(x->line_f = membuf_open(&x->line)))
		return x->err = EBR_E_NOMEM;
	x->line.len = 0; /* the stream was flushed after the last row: it appends from here */
	json_init(&x->j, x->line_f);
	json_object_begin(&x->j, NULL);
	json_u64(&x->j, "schema", JSONL_SCHEMA);
	json_str(&x->j, "type", tname);
	json_str(&x->j, "host", x->host);
	json_str(&x->j, "trace_id", x->trace_id);
	json_u64(&x->j, "ts_ns", ev->ts);
	real = export_realtime_ns(r, ev->ts);
	if (real) {
		json_u64(&x->j, "time_ns", real);
		utc_text(real, utc, sizeof(utc));
		json_str(&x->j, "time", utc);
	}
	json_u64(&x->j, "cpu", ev->cpu);
	pid = raw_field(r, ti, ev, "pid");
	for (uint32_t f = 0; f < ev->nraw && f < nfields; f++) {
		const struct ebr_value *v = &ev->raw[f];

		if (ebr_reader_type_field(r, (uint32_t)ti, f, &fname, &kind))
			continue;
		switch (kind) {
		case EBR_KIND_U64:
			json_u64(&x->j, fname, v->u);
			break;
		case EBR_KIND_S64:
			json_s64(&x->j, fname, ebr_value_s64(v));
			break;
		case EBR_KIND_STR:
			json_strn(&x->j, fname, v->s ? v->s : "", v->s ? v->len : 0);
			break;
		case EBR_KIND_BYTES:
			bytes_field(x, fname, v);
			break;
		case EBR_KIND_STACK:
			stack_field(x, fname, v, pid ? pid->u : 0);
			break;
		}
	}
	if (!strcmp(tname, "ebr.counts")) {
		char key[32];
		const struct ebr_value *probe = raw_field(r, ti, ev, "probe");
		const char *pname;

		snprintf(key, sizeof(key), "probe.%llu", probe ? (unsigned long long)probe->u : 0);
		pname = ebr_reader_meta(r, key);
		json_str(&x->j, "probe_name", pname ? pname : "");
	}
	if (pid)
		proc_fields(x, pid->u);
	json_object_end(&x->j);
	json_finish(&x->j);
	if (fflush(x->line_f) || ferror(x->line_f))
		return x->err = EBR_E_NOMEM;
	if (jf->len + x->line.len > JSONL_CHUNK && compress_out(x, jf, ZSTD_e_continue))
		return x->err;
	if (x->line.len > JSONL_CHUNK) { /* a row larger than a chunk: compressed alone */
		ZSTD_inBuffer in = { x->line.data, x->line.len, 0 };
		char out[1 << 16];

		while (in.pos < in.size) {
			ZSTD_outBuffer o = { out, sizeof(out), 0 };

			if (ZSTD_isError(ZSTD_compressStream2(jf->z, &o, &in, ZSTD_e_continue)))
				return x->err = EBR_E_ZSTD;
			if (o.pos && fwrite(out, 1, o.pos, jf->f) != o.pos)
				return x->err = EBR_E_IO;
		}
	} else {
		memcpy(jf->pending + jf->len, x->line.data, x->line.len);
		jf->len += x->line.len;
	}
	jf->rows++;
	return 0;
}

static int jsonl_end(void *ctx, struct export_job *job)
{
	struct jsonl *x = ctx;
	int status = 0;

	(void)job;
	for (uint32_t i = 0; i < x->nfiles; i++) {
		struct jsonl_file *jf = &x->files[i];

		if (!jf->f)
			continue;
		if (!x->err)
			compress_out(x, jf, ZSTD_e_end);
		status |= export_close(jf->f, jf->path);
		jf->f = NULL;
	}
	if (x->err)
		return export_fail("jsonl", x->err);
	return status || x->failed;
}

/* mkdir -p: a fleet's exports go to exports/HOST/ */
static int make_dirs(const char *path)
{
	char *p = strdup(path);
	int ret = 0;

	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	for (char *c = p + 1; *c && !ret; c++) {
		if (*c != '/')
			continue;
		*c = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			ret = -1;
		*c = '/';
	}
	if (!ret && mkdir(p, 0755) && errno != EEXIST)
		ret = -1;
	free(p);
	return ret;
}

static int jsonl_run(struct export_job *job)
{
	struct jsonl *x = calloc(1, sizeof(*x));
	struct analyzer an;
	int status = 1;

	if (!x)
		return export_fail("jsonl", EBR_E_NOMEM);
	x->job = job;
	if (make_dirs(job->out)) {
		fprintf(stderr, "ebrec export: cannot create the directory %s: %s\n", job->out,
			strerror(errno));
		goto cleanup;
	}
	if (export_symbols(job, &x->syms))
		goto cleanup;
	an = (struct analyzer){ jsonl_on_event, x, ANALYZER_EVERY_TYPE };
	status = export_pass(job, &an, 1, NULL, jsonl_end, x);
	if (status && x->err)
		status = 1;
cleanup:
	for (uint32_t i = 0; i < x->nfiles; i++) {
		if (x->files[i].f)
			fclose(x->files[i].f);
		free(x->files[i].path);
		free(x->files[i].pending);
		ZSTD_freeCCtx(x->files[i].z);
	}
	if (x->line_f)
		fclose(x->line_f);
	ebr_free(x->line.data); /* membuf grows it through ebr_realloc */
	free(x->scratch);
	symtab_release(&x->syms);
	free(x);
	return status;
}

const struct exporter export_jsonl = {
	.name = "jsonl",
	.summary = "a directory of zstd JSON Lines, a file an event type (DuckDB, Spark, Trino)",
	.run = jsonl_run,
};
