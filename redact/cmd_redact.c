// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec redact IN -o OUT --paths --comm ...`: a copy of a trace with the chosen kinds of
 * strings replaced by keyed pseudonyms (redact/redact.h has the rules). Two passes over IN:
 * the first learns every private token, so the second can replace it wherever it appears,
 * META included; OUT is written through format/'s writer, so it is a new, valid trace.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include "analyze/probes.h"
#include "format/array_size.h"
#include "report/commands.h"
#include "redact/redact.h"
#include "report/text.h"
#include "report/trace_file.h"
#include "format/mem.h"

struct redact_args {
	const char *in, *out, *key_file, *max_memory;
	unsigned kinds;
	bool force;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ebrec redact IN -o OUT [--paths] [--args] [--comm] [--net] [--host] [--users]\n"
		"                    [--symbols] [--probe-strings] [--all] [--key-file FILE] [-f] [--max-memory MIB]\n"
		"\nA copy of IN fit to share: every string of the chosen kinds becomes a keyed\n"
		"pseudonym (HMAC-SHA-256), the same one wherever it appears, so joins still work.\n"
		"  -o OUT      the redacted copy (created 0600)\n"
		"  --paths     file paths, working directories, cgroups and container ids,\n"
		"              mapped files, source files\n"
		"  --args      command-line arguments (exec events, the process snapshot, process\n"
		"              titles, META)\n"
		"  --comm      process and thread names\n"
		"  --net       IP addresses (IPv4 to 10.x.y.z, IPv6 to fd00::/8; loopback kept)\n"
		"  --host      the host name\n"
		"  --users     user ids (root kept) and user names in /home/NAME, /run/user/UID\n"
		"  --symbols   function names, build-ids, kernel modules and their symbols (the\n"
		"              kernel image's own symbols are public: kept), a uprobe's function,\n"
		"              a USDT probe's provider and name\n"
		"  --probe-strings  the strings of generic probes (tracepoint:, uprobe:, usdt:)\n"
		"              that are no path and no process name: __data_loc strings, --str\n"
		"              strings (their numbers are kept)\n"
		"  --all       all of them\n"
		"  --key-file  derive the key from FILE, for the same pseudonyms across traces\n"
		"              (default: a random key, never stored: nobody can reverse them)\n"
		"  -f          overwrite OUT\n"
		"  --max-memory MIB  stop at MIB of memory held for the trace (default: half of\n"
		"              this machine's memory)\n"
		"\nOUT records which kinds were redacted; 'ebrec info' and every report show it.\n"
		"\nexamples:\n"
		"  ebrec redact prod.ebr -o share.ebr --paths --args --host --users\n"
		"  ebrec redact prod.ebr -o share.ebr --all\n");
}

static int parse_args(struct redact_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		/* the kinds' options return the kind itself (small numbers, no letter) */
		{ "paths", no_argument, NULL, REDACT_PATHS },
		{ "args", no_argument, NULL, REDACT_ARGS },
		{ "comm", no_argument, NULL, REDACT_COMM },
		{ "net", no_argument, NULL, REDACT_NET },
		{ "host", no_argument, NULL, REDACT_HOST },
		{ "users", no_argument, NULL, REDACT_USERS },
		{ "symbols", no_argument, NULL, REDACT_SYMBOLS },
		{ "probe-strings", no_argument, NULL, REDACT_PROBE_STRINGS },
		{ "all", no_argument, NULL, 'a' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "max-memory", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': a->out = optarg; break;
		case 'f': a->force = true; break;
		case 'k': a->key_file = optarg; break;
		case 'm': a->max_memory = optarg; break;
		case 'a': a->kinds = ~0u; break;
		case 'h': usage(stdout); return 1;
		case '?':
			fprintf(stderr, "ebrec redact: unknown option or missing value '%s' (see "
					"'ebrec redact --help')\n", argv[optind - 1]);
			return 2;
		default: a->kinds |= (unsigned)c; break;
		}
	}
	if (optind < argc)
		a->in = argv[optind++];
	if (!a->in || !a->out || optind < argc) {
		fprintf(stderr, "usage: ebrec redact IN -o OUT --paths|--args|--comm|--net|--host|"
				"--users|--symbols|--probe-strings|--all (see 'ebrec redact --help')\n");
		return 2;
	}
	if (!a->kinds) {
		fprintf(stderr, "ebrec redact: say what to redact: --paths, --args, --comm, --net, "
				"--host, --users, --symbols, --probe-strings or --all\n");
		return 2;
	}
	return trace_file_budget("redact", a->max_memory);
}

/* The key: SHA-256 of --key-file's bytes, or 32 random bytes that die with this process. */
static int make_key(const char *key_file, unsigned char key[SHA256_BYTES])
{
	struct sha256 s;
	unsigned char buf[4096];
	ssize_t n;
	int fd;

	if (!key_file) {
		if (getrandom(key, SHA256_BYTES, 0) != SHA256_BYTES) {
			fprintf(stderr, "ebrec redact: no random key: %m\n");
			return 1;
		}
		return 0;
	}
	fd = open(key_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "ebrec redact: cannot open the key file %s: %m\n", key_file);
		return 1;
	}
	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&s, buf, (size_t)n);
	close(fd);
	if (n < 0 || s.len < 16) {
		fprintf(stderr, "ebrec redact: the key file %s %s\n", key_file,
			n < 0 ? "cannot be read" : "holds fewer than 16 bytes: too guessable");
		return 1;
	}
	sha256_final(&s, key);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/*
 * What a META value holds: a kind (the host name, the recorder's command line), the format's
 * own vocabulary (families, probes, clocks, counts: copied as they are, or the trace would no
 * longer read), or, for any other key, text that is scrubbed of every known token.
 */
#define META_VERBATIM (-1)

static int meta_kind(const char *key)
{
	static const char *const verbatim[] = {
		"clock.", "ebrec.", "family.", "probe.", "dev.", "profile.", "offcpu.", "symbols.",
		"record.families", "record.pid_filter", "record.buffer_size", "record.max_reorder_ns",
		"record.malformed_records", "host.kernel", "host.machine", "host.ncpus",
		"host.page_size", "host.boot_time_ns", "host.long_size",
		"format.", /* a tracepoint's format file: the kernel's text, needed to print it */
	};

	if (!strcmp(key, "host.hostname"))
		return REDACT_HOST;
	if (!strcmp(key, "record.cmdline"))
		return REDACT_ARGS;
	for (size_t i = 0; i < ARRAY_SIZE(verbatim); i++)
		if (!strncmp(key, verbatim[i], strlen(verbatim[i])))
			return META_VERBATIM;
	return 0;
}

/*
 * The types the trace describes, one per generic probe (FORMAT.md "Types described by the
 * file"), by schema entry: their definitions as read (id: the file's) and as written (ids
 * EBR_DYN_TYPE_BASE up, the probes' names redacted). Described types of other names are
 * not a probe this ebrec knows: left out, as unknown types are.
 */
struct described {
	int32_t *index;            /* by schema entry: the described type's index, or -1 */
	uint32_t nentries;
	struct ebr_event_def *in, *out;
	uint32_t n;
};

static void described_release(struct described *d)
{
	for (uint32_t k = 0; k < d->n; k++) {
		ebr_free((void *)d->in[k].fields);
		ebr_free((void *)d->out[k].name);
	}
	ebr_free(d->index);
	ebr_free(d->in);
	ebr_free(d->out);
	memset(d, 0, sizeof(*d));
}

/* r's described types, names and fields borrowed from r. 0 or EBR_E_NOMEM. */
static int described_load(struct described *d, const struct ebr_reader *r)
{
	uint32_t n = ebr_reader_type_count(r);

	d->index = ebr_malloc((n ? n : 1) * sizeof(*d->index));
	d->in = ebr_calloc(n ? n : 1, sizeof(*d->in));
	d->out = ebr_calloc(n ? n : 1, sizeof(*d->out));
	if (!d->index || !d->in || !d->out)
		return EBR_E_NOMEM;
	d->nentries = n;
	for (uint32_t i = 0; i < n; i++) {
		struct ebr_event_def *def = &d->in[d->n];
		struct ebr_field_def *fields;
		uint32_t id, nf;
		const char *name;

		d->index[i] = -1;
		if (ebr_reader_type_at(r, i, &id, &name, &nf) || id < EBR_DYN_TYPE_BASE ||
		    !probe_name_generic(name) || nf > EBR_MAX_FIELDS)
			continue;
		fields = ebr_calloc(nf ? nf : 1, sizeof(*fields));
		if (!fields)
			return EBR_E_NOMEM;
		*def = (struct ebr_event_def){ .id = id, .name = name, .nfields = nf,
					       .fields = fields };
		for (uint32_t f = 0; f < nf; f++)
			ebr_reader_type_field(r, i, f, &fields[f].name, &fields[f].kind);
		d->index[i] = (int32_t)d->n++;
	}
	return 0;
}

/* Pass two's definitions: the probes' names redacted. 0 or EBR_E_NOMEM. */
static int described_rename(struct described *d, struct redactor *rd)
{
	for (uint32_t k = 0; k < d->n; k++) {
		size_t n;
		int err = redact_probe_name(rd, d->in[k].name, &n);

		d->out[k] = d->in[k];
		d->out[k].name = NULL;
		if (err || !(d->out[k].name = ebr_strdup(rd->out)))
			return EBR_E_NOMEM;
	}
	return 0;
}

/*
 * ev's definition, its values in that definition's order (*vals) and the type it is written
 * as (*type); NULL for a type this ebrec does not know.
 */
static const struct ebr_event_def *event_def(const struct described *d,
					     const struct ebr_reader *r, const struct ebr_event *ev,
					     const struct ebr_value **vals, uint32_t *type)
{
	const struct ebr_event_def *def = ebr_event_def(ev->type);
	int ti;

	*vals = ev->v;
	*type = ev->type;
	if (def)
		return def;
	ti = ebr_reader_type_index(r, ev->file_type);
	if (ti < 0 || (uint32_t)ti >= d->nentries || d->index[ti] < 0 ||
	    d->in[d->index[ti]].nfields != ev->nraw)
		return NULL;
	*vals = ev->raw;
	*type = EBR_DYN_TYPE_BASE + (uint32_t)d->index[ti];
	return &d->in[d->index[ti]];
}

/* Pass one: every token of a chosen kind, from every event, the probes' names and META. */
static int learn(struct redactor *rd, const struct described *d, struct trace_file *in,
		 uint64_t *unknown)
{
	const struct ebr_event *ev;
	int ret, err = 0;

	for (uint32_t k = 0; k < d->n && !err; k++)
		err = redact_probe_name_learn(rd, d->in[k].name);
	while (!err && (ret = ebr_reader_next(in->r, &ev)) > 0) {
		const struct ebr_value *vals;
		uint32_t type;
		const struct ebr_event_def *def = event_def(d, in->r, ev, &vals, &type);

		if (!def) {
			(*unknown)++;
			continue;
		}
		for (uint32_t f = 0; f < def->nfields && !err; f++) {
			unsigned kind = redact_field_kind(def, f, vals);
			const struct ebr_value *v = &vals[f];

			if (def->fields[f].kind == EBR_KIND_BYTES && kind == REDACT_SYMBOLS) {
				continue; /* a build-id: bytes, not names */
			} else if (def->fields[f].kind == EBR_KIND_BYTES && kind == REDACT_NET) {
				if (rd->kinds & REDACT_NET)
					err = redactor_learn_addr(rd, (const unsigned char *)v->s,
								  v->len);
			} else if (def->fields[f].kind == EBR_KIND_STR ||
				   (def->fields[f].kind == EBR_KIND_BYTES &&
				    def->id < EBR_DYN_TYPE_BASE)) {
				err = redactor_learn(rd, kind, v->s, v->len);
			}
		}
	}
	if (err)
		return err;
	if (ret < 0)
		return ret;
	for (uint32_t i = 0; i < ebr_reader_meta_count(in->r) && !err; i++) {
		const char *k, *v;

		ebr_reader_meta_at(in->r, i, &k, &v);
		if (meta_kind(k) != META_VERBATIM)
			err = redactor_learn(rd, (unsigned)meta_kind(k), v, strlen(v));
	}
	return err;
}

/* META of the whole input first (so readers have it from the start), rewritten. */
static int write_meta(struct redactor *rd, const struct ebr_reader *r, struct ebr_writer *w)
{
	char kinds[128];
	int err = 0;

	for (uint32_t i = 0; i < ebr_reader_meta_count(r) && !err; i++) {
		const char *k, *v;
		size_t n;

		ebr_reader_meta_at(r, i, &k, &v);
		if (!strncmp(k, "redact.", 7))
			continue; /* a trace redacted again: the union is written below */
		if (!strncmp(k, "probe.", 6) && probe_name_generic(v)) {
			/* a generic probe's name: the name its type is written under */
			err = redact_probe_name(rd, v, &n);
			err = err ?: ebr_writer_meta(w, k, rd->out);
			continue;
		}
		if (meta_kind(k) == META_VERBATIM) {
			err = ebr_writer_meta(w, k, v);
			continue;
		}
		err = redactor_rewrite(rd, (unsigned)meta_kind(k), v, strlen(v), &n);
		err = err ?: ebr_writer_meta(w, k, rd->out);
	}
	redact_kinds_text(rd->kinds | redact_kinds_parse(ebr_reader_meta(r, "redact.kinds")), kinds,
			  sizeof(kinds));
	err = err ?: ebr_writer_meta(w, "redact.kinds", kinds);
	return err;
}

/*
 * One event (values in, of definition def, written as type) with its strings, addresses and
 * user ids rewritten. A generic probe's arrays of numbers (bytes) are kept as they are.
 */
static int write_event(struct redactor *rd, const struct ebr_event *ev, const struct ebr_value *in,
		       const struct ebr_event_def *def, uint32_t type, struct ebr_writer *w)
{
	struct ebr_value vals[EBR_MAX_FIELDS];
	char *owned[EBR_MAX_FIELDS] = { 0 };
	unsigned char addrs[EBR_MAX_FIELDS][16];
	int err = 0;

	for (uint32_t f = 0; f < def->nfields && !err; f++) {
		unsigned kind = redact_field_kind(def, f, in);
		enum ebr_kind k = def->fields[f].kind;
		size_t n;

		vals[f] = in[f];
		if (k == EBR_KIND_BYTES && def->id >= EBR_DYN_TYPE_BASE) {
			continue;
		} else if (k == EBR_KIND_BYTES && kind == REDACT_SYMBOLS) {
			if ((rd->kinds & REDACT_SYMBOLS) && vals[f].len) {
				if (!(owned[f] = ebr_malloc(vals[f].len)))
					err = EBR_E_NOMEM;
				if (!err) {
					memcpy(owned[f], vals[f].s, vals[f].len);
					redactor_bytes(rd, (unsigned char *)owned[f], vals[f].len);
					vals[f].s = owned[f];
				}
			}
		} else if (k == EBR_KIND_BYTES && kind == REDACT_NET) {
			if ((rd->kinds & REDACT_NET) && vals[f].len <= 16) {
				memcpy(addrs[f], vals[f].s, vals[f].len);
				redactor_addr(rd, addrs[f], vals[f].len);
				vals[f].s = (const char *)addrs[f];
			}
		} else if (k == EBR_KIND_STR || k == EBR_KIND_BYTES) {
			err = redactor_rewrite(rd, kind, vals[f].s, vals[f].len, &n);
			if (!err && !(owned[f] = ebr_malloc(n + 1)))
				err = EBR_E_NOMEM;
			if (!err) {
				memcpy(owned[f], rd->out, n + 1);
				vals[f].s = owned[f];
				vals[f].len = (uint32_t)n;
			}
		} else if (kind == REDACT_USERS && (rd->kinds & REDACT_USERS)) {
			vals[f].u = redactor_uid(rd, vals[f].u);
		}
	}
	err = err ?: ebr_writer_event(w, type, ev->ts, ev->cpu, vals);
	for (uint32_t f = 0; f < def->nfields; f++)
		ebr_free(owned[f]);
	return err;
}

static int open_output(const struct redact_args *a)
{
	int fd = ebr_trace_create(a->out, a->force);
	char safe[256];

	if (fd < 0 && errno == EEXIST)
		fprintf(stderr, "ebrec redact: %s exists: use -f to overwrite it\n",
			text_safe(a->out, safe, sizeof(safe)));
	else if (fd < 0)
		fprintf(stderr, "ebrec redact: cannot create %s (mode 0600): %s\n",
			text_safe(a->out, safe, sizeof(safe)), strerror(errno));
	return fd;
}

int cmd_redact(int argc, char **argv)
{
	struct redact_args a;
	struct trace_file learn_tf = { .fd = -1 }, in = { .fd = -1 };
	struct redactor rd = { 0 };
	struct described described = { 0 };
	struct ebr_writer_opts wopts = { 0 };
	struct ebr_writer *w = NULL;
	struct ebr_sink sink;
	unsigned char key[SHA256_BYTES];
	const struct ebr_event *ev;
	uint64_t unknown = 0, written = 0;
	bool complete = false;
	char safe[256];
	int status = parse_args(&a, argc, argv), fd = -1, err, ret = 0;

	if (status)
		return status == 1 ? 0 : status;
	status = 1;
	if (!strcmp(a.in, "-")) {
		fprintf(stderr, "ebrec redact: IN must be a file (it is read twice)\n");
		return 2;
	}
	if ((status = output_is_input("redact", a.out, a.in)))
		return status;
	status = 1;
	if (make_key(a.key_file, key))
		return 1;
	redactor_init(&rd, a.kinds, key);
	explicit_bzero(key, sizeof(key));
	if (trace_file_open(&learn_tf, "redact", a.in))
		goto cleanup;
	err = described_load(&described, learn_tf.r);
	err = err ?: learn(&rd, &described, &learn_tf, &unknown);
	err = err ?: described_rename(&described, &rd);
	if (err) {
		fprintf(stderr, "ebrec redact: reading %s failed: %s\n",
			text_safe(a.in, safe, sizeof(safe)), trace_file_strerror(err));
		goto cleanup;
	}
	if (trace_file_open(&in, "redact", a.in) || (fd = open_output(&a)) < 0)
		goto cleanup;
	ebr_sink_fd(&sink, &fd);
	wopts.dyn_types = described.out;
	wopts.ndyn_types = described.n;
	err = ebr_writer_new(&w, &sink, &wopts);
	err = err ?: write_meta(&rd, learn_tf.r, w);
	while (!err && (ret = ebr_reader_next(in.r, &ev)) > 0) {
		const struct ebr_value *vals;
		uint32_t type;
		const struct ebr_event_def *def = event_def(&described, in.r, ev, &vals, &type);

		/* a type this ebrec does not know may hold anything: it is not copied */
		if (!def)
			continue;
		err = write_event(&rd, ev, vals, def, type, w);
		written++;
	}
	if (!err && ret < 0)
		err = ret;
	text_safe(a.out, safe, sizeof(safe));
	if (err) {
		fprintf(stderr, "ebrec redact: writing %s failed: %s\n", safe,
			trace_file_strerror(err));
		ebr_writer_abandon(w);
		w = NULL;
		goto cleanup;
	}
	err = ebr_writer_close(w);
	w = NULL;
	if (err || fsync(fd) != 0) {
		fprintf(stderr, "ebrec redact: writing %s failed: %s\n", safe,
			err ? trace_file_strerror(err) : strerror(errno));
		goto cleanup;
	}
	complete = true;
	if (rd.cut)
		fprintf(stderr, "ebrec redact: %llu values grew past the format's %u-byte limit "
				"once their names were replaced, and were cut after the last whole "
				"name that fits\n", (unsigned long long)rd.cut, EBR_MAX_STRING);
	if (unknown)
		fprintf(stderr, "ebrec redact: %llu events of types this ebrec does not know were "
				"left out (they could hold anything)\n", (unsigned long long)unknown);
	/* a damaged IN gives a complete, redacted copy of what was readable, and exit 1 */
	status = trace_file_warn(&in, "redact");
	fprintf(stderr, "ebrec redact: %llu events written to %s, %u distinct names replaced\n",
		(unsigned long long)written, safe, rd.len);
cleanup:
	if (w)
		ebr_writer_abandon(w);
	if (fd >= 0)
		close(fd);
	if (!complete && fd >= 0)
		unlink(a.out); /* no half-redacted file is left to be shared by mistake */
	trace_file_close(&in);
	trace_file_close(&learn_tf);
	described_release(&described);
	redactor_release(&rd);
	return status;
}
