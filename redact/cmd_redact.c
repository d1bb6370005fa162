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
		"                    [--symbols] [--all] [--key-file FILE] [-f] [--max-memory MIB]\n"
		"\nA copy of IN fit to share: every string of the chosen kinds becomes a keyed\n"
		"pseudonym (HMAC-SHA-256), the same one wherever it appears, so joins still work.\n"
		"  -o OUT      the redacted copy (created 0600)\n"
		"  --paths     file paths, working directories, cgroups and container ids,\n"
		"              mapped files, source files\n"
		"  --args      command-line arguments (exec events, the process snapshot, META)\n"
		"  --comm      process and thread names\n"
		"  --net       IP addresses (IPv4 to 10.x.y.z, IPv6 to fd00::/8; loopback kept)\n"
		"  --host      the host name\n"
		"  --users     user ids (root kept) and user names in /home/NAME, /run/user/UID\n"
		"  --symbols   function names, build-ids, kernel modules and their symbols (the\n"
		"              kernel image's own symbols are public: kept)\n"
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
				"--users|--symbols|--all (see 'ebrec redact --help')\n");
		return 2;
	}
	if (!a->kinds) {
		fprintf(stderr, "ebrec redact: say what to redact: --paths, --args, --comm, --net, "
				"--host, --users, --symbols or --all\n");
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
		"host.page_size", "host.boot_time_ns", "host.long_size", "format.",
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
 * The types the input describes (its generic probes), as the output's schema describes them
 * again: their events are copied with their strings redacted by field name, as those of the
 * compiled-in types are. Names are the reader's, borrowed until it closes.
 */
struct described {
	struct ebr_event_def *defs;
	struct ebr_field_def *fields;
	uint32_t n;
	int32_t *by_index; /* schema index -> defs index, -1, or DESCRIBED_LEFT_OUT */
	uint32_t ntypes;
	uint64_t left_out; /* events of the types left out */
};

#define DESCRIBED_LEFT_OUT (-2)

/* a uprobe's, uretprobe's or USDT probe's type is named after its binary's path */
static bool named_by_path(const char *name)
{
	return !strncmp(name, "uprobe:", 7) || !strncmp(name, "uretprobe:", 10) ||
	       !strncmp(name, "usdt:", 5);
}

/*
 * paths: the paths are redacted, and the types named by a binary's path are left out (the
 * format's schema and META probe.<id> name them as they are).
 */
static int described_init(struct described *d, const struct ebr_reader *r, bool paths)
{
	uint32_t nfields = 0, used = 0;

	memset(d, 0, sizeof(*d));
	d->ntypes = ebr_reader_type_count(r);
	d->by_index = ebr_calloc(d->ntypes ? d->ntypes : 1, sizeof(*d->by_index));
	if (!d->by_index)
		return EBR_E_NOMEM;
	for (uint32_t i = 0; i < d->ntypes; i++) {
		uint32_t id, nf;
		const char *name;

		d->by_index[i] = -1;
		if (!ebr_reader_type_at(r, i, &id, &name, &nf) && id >= EBR_DYN_TYPE_BASE) {
			if (paths && named_by_path(name)) {
				d->by_index[i] = DESCRIBED_LEFT_OUT;
				continue;
			}
			d->n++;
			nfields += nf;
		}
	}
	d->defs = ebr_calloc(d->n ? d->n : 1, sizeof(*d->defs));
	d->fields = ebr_calloc(nfields ? nfields : 1, sizeof(*d->fields));
	if (!d->defs || !d->fields)
		return EBR_E_NOMEM;
	d->n = 0;
	for (uint32_t i = 0; i < d->ntypes; i++) {
		struct ebr_event_def *def = &d->defs[d->n];
		uint32_t id, nf;
		const char *name;

		if (ebr_reader_type_at(r, i, &id, &name, &nf) || id < EBR_DYN_TYPE_BASE ||
		    d->by_index[i] == DESCRIBED_LEFT_OUT)
			continue;
		def->name = name;
		def->desc = "";
		def->nfields = nf;
		def->fields = &d->fields[used];
		for (uint32_t f = 0; f < nf; f++) {
			d->fields[used + f].desc = "";
			if (ebr_reader_type_field(r, i, f, &d->fields[used + f].name,
						  &d->fields[used + f].kind))
				return EBR_E_INVALID;
		}
		used += nf;
		d->by_index[i] = (int32_t)d->n++;
	}
	return 0;
}

static void described_release(struct described *d)
{
	ebr_free(d->defs);
	ebr_free(d->fields);
	ebr_free(d->by_index);
}

/*
 * An event's definition, compiled-in or described, and the type the writer knows it by; NULL
 * for a type left out (counted in d->left_out) or unknown.
 */
static const struct ebr_event_def *event_def(struct described *d, const struct ebr_reader *r,
					     const struct ebr_event *ev, uint32_t *type)
{
	const struct ebr_event_def *def = ebr_event_def(ev->type);
	int ti;

	*type = ev->type;
	if (def)
		return def;
	ti = ebr_reader_type_index(r, ev->file_type);
	if (ti >= 0 && (uint32_t)ti < d->ntypes && d->by_index[ti] == DESCRIBED_LEFT_OUT)
		d->left_out++;
	if (ti < 0 || (uint32_t)ti >= d->ntypes || d->by_index[ti] < 0)
		return NULL;
	*type = EBR_DYN_TYPE_BASE + (uint32_t)d->by_index[ti];
	return &d->defs[d->by_index[ti]];
}

/* Pass one: every token of a chosen kind, from every event and from META. */
static int learn(struct redactor *rd, struct trace_file *in, struct described *d,
		 uint64_t *unknown)
{
	const struct ebr_event *ev;
	int ret, err = 0;

	while (!err && (ret = ebr_reader_next(in->r, &ev)) > 0) {
		uint32_t type;
		uint64_t left_out = d->left_out;
		const struct ebr_event_def *def = event_def(d, in->r, ev, &type);

		if (!def) {
			*unknown += d->left_out == left_out;
			continue;
		}
		for (uint32_t f = 0; f < def->nfields && !err; f++) {
			unsigned kind = redact_field_kind(def, f, ev->v);
			const struct ebr_value *v = &ev->v[f];

			if (def->fields[f].kind == EBR_KIND_BYTES && kind == REDACT_SYMBOLS) {
				continue; /* a build-id: bytes, not names */
			} else if (def->fields[f].kind == EBR_KIND_BYTES && kind == REDACT_NET) {
				if (rd->kinds & REDACT_NET)
					err = redactor_learn_addr(rd, (const unsigned char *)v->s,
								  v->len);
			} else if (def->fields[f].kind == EBR_KIND_STR ||
				   def->fields[f].kind == EBR_KIND_BYTES) {
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
		/* the name of a probe whose type is left out (described_init) */
		if ((rd->kinds & REDACT_PATHS) && !strncmp(k, "probe.", 6) && named_by_path(v))
			continue;
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

/* One event with its strings, addresses and user ids rewritten. */
static int write_event(struct redactor *rd, const struct ebr_event *ev,
		       const struct ebr_event_def *def, uint32_t type, struct ebr_writer *w)
{
	struct ebr_value vals[EBR_MAX_FIELDS];
	char *owned[EBR_MAX_FIELDS] = { 0 };
	unsigned char addrs[EBR_MAX_FIELDS][16];
	int err = 0;

	for (uint32_t f = 0; f < def->nfields && !err; f++) {
		unsigned kind = redact_field_kind(def, f, ev->v);
		enum ebr_kind k = def->fields[f].kind;
		size_t n;

		vals[f] = ev->v[f];
		if (k == EBR_KIND_BYTES && kind == REDACT_SYMBOLS) {
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
		} else if (k == EBR_KIND_STR || (k == EBR_KIND_BYTES && kind)) {
			/* a probe's array of no known kind (numbers, a struct) is not text */
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
	uint64_t unknown = 0, written = 0, left_out = 0;
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
	err = described_init(&described, learn_tf.r, a.kinds & REDACT_PATHS);
	err = err ?: learn(&rd, &learn_tf, &described, &unknown);
	left_out = described.left_out;
	if (err) {
		fprintf(stderr, "ebrec redact: reading %s failed: %s\n",
			text_safe(a.in, safe, sizeof(safe)), trace_file_strerror(err));
		goto cleanup;
	}
	if (trace_file_open(&in, "redact", a.in) || (fd = open_output(&a)) < 0)
		goto cleanup;
	ebr_sink_fd(&sink, &fd);
	wopts.dyn_types = described.defs;
	wopts.ndyn_types = described.n;
	err = ebr_writer_new(&w, &sink, &wopts);
	err = err ?: write_meta(&rd, learn_tf.r, w);
	while (!err && (ret = ebr_reader_next(in.r, &ev)) > 0) {
		uint32_t type;
		const struct ebr_event_def *def = event_def(&described, in.r, ev, &type);

		/* a type neither this ebrec nor the file describes may hold anything: not copied */
		if (!def)
			continue;
		err = write_event(&rd, ev, def, type, w);
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
	if (left_out)
		fprintf(stderr, "ebrec redact: %llu events of uprobes and USDT probes were left out: "
				"their probes are named by their binaries' paths, which --paths "
				"redacts\n", (unsigned long long)left_out);
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
