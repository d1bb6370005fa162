// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec export --format pprof`: the profile or offcputime stacks as a gzip'd profile.proto
 * (github.com/google/pprof, proto/profile.proto), which go tool pprof, Pyroscope and Grafana
 * read. A sample is a distinct (process, name, kernel stack, user stack) of the stack
 * profile (analyze/stackprof.h, kept apart by address); its values are [count, ns]. Its
 * locations are addresses: user frames in a mapping of their process (from sym.map, with
 * the object's path and build-id), kernel frames in one [kernel.kallsyms] mapping; their lines
 * the functions the trace's symbols name there, inlined ones first (as profile.proto wants),
 * with source files and lines where the recorder's DWARF knew them. The functions are named
 * already (has_functions), so pprof never looks for the binaries, which may be gone.
 *
 * The Profile message is written as it goes: its repeated fields may come in any order, so a
 * string, function, mapping or location is written when a sample first needs it, and the
 * samples are never all held in protobuf form.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "format/array_size.h"
#include "report/export.h"
#include "report/idtab.h"
#include "report/protobuf.h"

/* proto/profile.proto field numbers */
enum {
	PROFILE_SAMPLE_TYPE = 1, PROFILE_SAMPLE = 2, PROFILE_MAPPING = 3, PROFILE_LOCATION = 4,
	PROFILE_FUNCTION = 5, PROFILE_STRING_TABLE = 6, PROFILE_TIME_NANOS = 9,
	PROFILE_DURATION_NANOS = 10, PROFILE_PERIOD_TYPE = 11, PROFILE_PERIOD = 12,
	PROFILE_COMMENT = 13, PROFILE_DEFAULT_SAMPLE_TYPE = 14,
	VALUE_TYPE_TYPE = 1, VALUE_TYPE_UNIT = 2,
	SAMPLE_LOCATION_ID = 1, SAMPLE_VALUE = 2, SAMPLE_LABEL = 3,
	LABEL_KEY = 1, LABEL_STR = 2, LABEL_NUM = 3,
	MAPPING_ID = 1, MAPPING_MEMORY_START = 2, MAPPING_MEMORY_LIMIT = 3,
	MAPPING_FILE_OFFSET = 4, MAPPING_FILENAME = 5, MAPPING_BUILD_ID = 6,
	MAPPING_HAS_FUNCTIONS = 7, MAPPING_HAS_FILENAMES = 8, MAPPING_HAS_LINE_NUMBERS = 9,
	MAPPING_HAS_INLINE_FRAMES = 10,
	LOCATION_ID = 1, LOCATION_MAPPING_ID = 2, LOCATION_ADDRESS = 3, LOCATION_LINE = 4,
	LINE_FUNCTION_ID = 1, LINE_LINE = 2,
	FUNCTION_ID = 1, FUNCTION_NAME = 2, FUNCTION_SYSTEM_NAME = 3, FUNCTION_FILENAME = 4,
};

#define KERNEL_MAPPING_START 0xffff800000000000ull

/* gzip (RFC 1952) through zlib's deflate, header without a time so that output is stable */
struct gz_out {
	z_stream z;
	FILE *f;
	bool open;
	int err;
	unsigned char buf[1 << 16];
};

static int gz_write(struct gz_out *g, const void *data, size_t len, int flush)
{
	g->z.next_in = (Bytef *)data;
	g->z.avail_in = (uInt)len;
	do {
		int ret;

		g->z.next_out = g->buf;
		g->z.avail_out = sizeof(g->buf);
		ret = deflate(&g->z, flush);
		if (ret == Z_STREAM_ERROR)
			return g->err = EBR_E_INVALID;
		if (fwrite(g->buf, 1, sizeof(g->buf) - g->z.avail_out, g->f) !=
		    sizeof(g->buf) - g->z.avail_out)
			return g->err = EBR_E_IO;
	} while (g->z.avail_out == 0 || (flush == Z_FINISH && g->z.avail_in));
	return 0;
}

struct pprof {
	struct export_job *job;
	struct stackprof p;
	struct gz_out gz;
	struct pb msg;
	struct idtab strings, functions, mappings, locations;
	uint64_t *loc_ids;
	uint32_t loc_cap;
	int err;
};

/* Writes the message built in x->msg (one top-level field of Profile), then empties it. */
static void flush_msg(struct pprof *x)
{
	if (!x->err && (x->err = pb_error(&x->msg)) == 0 && x->msg.len)
		x->err = gz_write(&x->gz, x->msg.buf, x->msg.len, Z_NO_FLUSH);
	pb_reset(&x->msg);
}

/* The string table index of s, written to string_table when it is new. */
static uint64_t str_id(struct pprof *x, const char *s)
{
	uint32_t id = 0;
	bool added;
	int err = idtab_id(&x->strings, s, strlen(s), &id, &added);

	if (err) {
		x->err = x->err ?: err;
		return 0;
	}
	if (added) {
		struct pb m = { 0 };

		pb_str(&m, PROFILE_STRING_TABLE, s);
		if (!(x->err = x->err ?: pb_error(&m)))
			x->err = gz_write(&x->gz, m.buf, m.len, Z_NO_FLUSH);
		pb_release(&m);
	}
	return id;
}

static void value_type(struct pprof *x, uint32_t field, const char *type, const char *unit)
{
	uint64_t t = str_id(x, type), u = str_id(x, unit);

	pb_begin(&x->msg, field);
	pb_varint(&x->msg, VALUE_TYPE_TYPE, t);
	pb_varint(&x->msg, VALUE_TYPE_UNIT, u);
	pb_end(&x->msg);
	flush_msg(x);
}

/* The id of the function (name, file), written when new. */
static uint64_t function_id(struct pprof *x, const char *name, const char *file)
{
	size_t nlen = strlen(name), flen = strlen(file);
	char *key = malloc(nlen + flen + 2);
	uint32_t id = 0;
	bool added = false;
	int err;

	if (!key) {
		x->err = x->err ?: EBR_E_NOMEM;
		return 0;
	}
	memcpy(key, name, nlen + 1);
	memcpy(key + nlen + 1, file, flen + 1);
	err = idtab_id(&x->functions, key, nlen + flen + 2, &id, &added);
	free(key);
	if (err) {
		x->err = x->err ?: err;
		return 0;
	}
	if (added) {
		uint64_t n = str_id(x, name), f = str_id(x, file);
		struct pb *m = &x->msg;

		pb_begin(m, PROFILE_FUNCTION);
		pb_varint(m, FUNCTION_ID, id + 1);
		pb_varint(m, FUNCTION_NAME, n);
		pb_varint(m, FUNCTION_SYSTEM_NAME, n);
		if (f)
			pb_varint(m, FUNCTION_FILENAME, f);
		pb_end(m);
		flush_msg(x);
	}
	return id + 1;
}

/* The id of the mapping holding a frame (its sym.map; NULL: the kernel's), written when new. */
static uint64_t mapping_id(struct pprof *x, const struct symtab_map *map)
{
	struct { uint64_t pid, start, end, pgoff; } key = { 0 };
	const struct symtab_object *o;
	uint32_t id = 0;
	bool added = false;
	int err;

	if (map)
		key = (typeof(key)){ map->pid, map->start, map->end, map->pgoff };
	err = idtab_id(&x->mappings, &key, sizeof(key), &id, &added);
	if (err) {
		x->err = x->err ?: err;
		return 0;
	}
	if (added) {
		struct pb *m = &x->msg;
		uint64_t file, build_id = 0;

		o = map && map->object ? symtab_object_of(&x->p.syms, map->object) : NULL;
		file = str_id(x, map ? (o ? o->path : map->name) : "[kernel.kallsyms]");
		if (o && *o->build_id)
			build_id = str_id(x, o->build_id);
		pb_begin(m, PROFILE_MAPPING);
		pb_varint(m, MAPPING_ID, id + 1);
		pb_varint(m, MAPPING_MEMORY_START, map ? map->start : KERNEL_MAPPING_START);
		pb_varint(m, MAPPING_MEMORY_LIMIT, map ? map->end : UINT64_MAX);
		pb_varint(m, MAPPING_FILE_OFFSET, map ? map->pgoff : 0);
		pb_varint(m, MAPPING_FILENAME, file);
		if (build_id)
			pb_varint(m, MAPPING_BUILD_ID, build_id);
		/* named already: pprof must not look for the binary (it may be gone) */
		pb_varint(m, MAPPING_HAS_FUNCTIONS, 1);
		pb_varint(m, MAPPING_HAS_FILENAMES, 1);
		pb_varint(m, MAPPING_HAS_LINE_NUMBERS, 1);
		pb_varint(m, MAPPING_HAS_INLINE_FRAMES, 1);
		pb_end(m);
		flush_msg(x);
	}
	return id + 1;
}

/* The id of frame i of stack s (kernel or user part), its location written when new. */
static uint64_t location_id(struct pprof *x, const struct stackprof_stack *s, bool kernel,
			    uint32_t i)
{
	const uint64_t *frames = kernel ? s->frames : s->frames + s->kdepth;
	/* a user address means something in its own process only */
	struct { uint64_t pid, addr; } key = { kernel ? UINT64_MAX : s->pid, frames[i] };
	struct frame_names fn;
	uint64_t fids[SYMTAB_MAX_INLINE + 1], map;
	uint32_t id = 0;
	bool added = false;
	int err = idtab_id(&x->locations, &key, sizeof(key), &id, &added);

	if (err) {
		x->err = x->err ?: err;
		return 0;
	}
	if (!added)
		return id + 1;
	stackprof_name_frame(&x->p, s, kernel, i, &fn);
	map = kernel || fn.map ? mapping_id(x, kernel ? NULL : fn.map) : 0;
	for (int j = 0; j < fn.n; j++)
		fids[j] = function_id(x, fn.name[j], fn.file[j]);
	pb_begin(&x->msg, PROFILE_LOCATION);
	pb_varint(&x->msg, LOCATION_ID, id + 1);
	if (map)
		pb_varint(&x->msg, LOCATION_MAPPING_ID, map);
	pb_varint(&x->msg, LOCATION_ADDRESS, frames[i]);
	/* innermost first: the last line is the function the others were inlined into */
	for (int j = 0; j < fn.n; j++) {
		pb_begin(&x->msg, LOCATION_LINE);
		pb_varint(&x->msg, LINE_FUNCTION_ID, fids[j]);
		if (fn.line[j])
			pb_varint(&x->msg, LINE_LINE, fn.line[j]);
		pb_end(&x->msg);
	}
	pb_end(&x->msg);
	flush_msg(x);
	return id + 1;
}

static void write_sample(struct pprof *x, const struct stackprof_stack *s, uint64_t period)
{
	uint32_t n = s->kdepth + s->udepth;
	uint64_t values[2] = { s->count, x->p.o.kind == STACKPROF_CPU ? s->count * period : s->value };
	uint64_t key_pid = str_id(x, "pid"), key_comm = str_id(x, "comm"), comm = str_id(x, s->comm);

	if (n > x->loc_cap) {
		uint64_t *ids = realloc(x->loc_ids, n * sizeof(*ids));

		if (!ids) {
			x->err = x->err ?: EBR_E_NOMEM;
			return;
		}
		x->loc_ids = ids;
		x->loc_cap = n;
	}
	/* leaf first: the kernel frames (innermost), then the user frames */
	for (uint32_t i = 0; i < n; i++)
		x->loc_ids[i] = location_id(x, s, i < s->kdepth, i < s->kdepth ? i : i - s->kdepth);
	pb_begin(&x->msg, PROFILE_SAMPLE);
	pb_packed_varints(&x->msg, SAMPLE_LOCATION_ID, x->loc_ids, n);
	pb_packed_varints(&x->msg, SAMPLE_VALUE, values, 2);
	pb_begin(&x->msg, SAMPLE_LABEL);
	pb_varint(&x->msg, LABEL_KEY, key_pid);
	pb_varint(&x->msg, LABEL_NUM, s->pid);
	pb_end(&x->msg);
	pb_begin(&x->msg, SAMPLE_LABEL);
	pb_varint(&x->msg, LABEL_KEY, key_comm);
	pb_varint(&x->msg, LABEL_STR, comm);
	pb_end(&x->msg);
	pb_end(&x->msg);
	flush_msg(x);
}

static int write_profile(void *ctx, struct export_job *job)
{
	struct pprof *x = ctx;
	const struct ebr_reader *r = job->tf.r;
	bool cpu = x->p.o.kind == STACKPROF_CPU;
	const char *hz = ebr_reader_meta(r, "profile.frequency_hz");
	uint64_t freq = hz ? strtoull(hz, NULL, 10) : 0;
	uint64_t period = cpu ? (freq ? 1000000000ull / freq : 1) : 1;
	uint64_t start = export_realtime_ns(r, x->p.t_first);
	char comment[256];
	int err = stackprof_finish(&x->p);
	FILE *f;

	if (err)
		return export_fail("pprof", err);
	if (!(f = export_create(job->out)))
		return 1;
	x->gz.f = f;
	/* windowBits 15 + 16: a gzip stream; gzip's header carries no time (zlib leaves it 0) */
	if (deflateInit2(&x->gz.z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		fclose(f);
		return export_fail("pprof", EBR_E_NOMEM);
	}
	x->gz.open = true;
	str_id(x, ""); /* string_table[0] must be "" */
	value_type(x, PROFILE_SAMPLE_TYPE, cpu ? "samples" : "spans", "count");
	value_type(x, PROFILE_SAMPLE_TYPE, cpu ? "cpu" : "offcpu", "nanoseconds");
	value_type(x, PROFILE_PERIOD_TYPE, cpu ? "cpu" : "offcpu", "nanoseconds");
	pb_varint(&x->msg, PROFILE_PERIOD, period);
	pb_varint(&x->msg, PROFILE_DEFAULT_SAMPLE_TYPE, str_id(x, cpu ? "cpu" : "offcpu"));
	if (start)
		pb_varint(&x->msg, PROFILE_TIME_NANOS, start);
	if (x->p.t_last > x->p.t_first)
		pb_varint(&x->msg, PROFILE_DURATION_NANOS, x->p.t_last - x->p.t_first);
	snprintf(comment, sizeof(comment), "ebrec export of %s (%s, host %s)", job->file,
		 cpu ? "profile" : "offcputime",
		 ebr_reader_meta(r, "host.hostname") ? ebr_reader_meta(r, "host.hostname") : "?");
	pb_varint(&x->msg, PROFILE_COMMENT, str_id(x, comment));
	flush_msg(x);
	/* most first, as pprof lists them */
	for (uint32_t i = x->p.nstacks; i-- > 0 && !x->err;)
		write_sample(x, &x->p.stacks[i], period);
	if (!x->err)
		gz_write(&x->gz, NULL, 0, Z_FINISH);
	err = x->err ?: x->gz.err;
	if (export_close(f, job->out))
		return 1;
	return err ? export_fail("pprof", err) : 0;
}

static int pprof_run(struct export_job *job)
{
	struct pprof *x = calloc(1, sizeof(*x));
	struct analyzer an;
	int status;

	if (!x)
		return export_fail("pprof", EBR_E_NOMEM);
	x->job = job;
	export_profile_opts(job, &x->p.o);
	x->p.o.by_address = true;
	an = (struct analyzer){ stackprof_on_event, &x->p, STACKPROF_TYPES };
	status = export_pass(job, &an, 1, NULL, write_profile, x);
	if (x->gz.open)
		deflateEnd(&x->gz.z);
	stackprof_release(&x->p);
	pb_release(&x->msg);
	idtab_release(&x->strings);
	idtab_release(&x->functions);
	idtab_release(&x->mappings);
	idtab_release(&x->locations);
	free(x->loc_ids);
	free(x);
	return status;
}

const struct exporter export_pprof = {
	.name = "pprof",
	.summary = "gzip'd profile.proto of profile or offcputime (go tool pprof, Pyroscope)",
	.stacks = true,
	.run = pprof_run,
};
