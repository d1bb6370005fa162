// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec record`: load the selected families, drain their ring buffer on one thread, and on
 * this one translate records into trace events, account for losses and write the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "record/record.h"
#include "record/family.h"
#include "ebrec.skel.h"

#define MAX_FAMILIES 32
#define MAX_LINKS 1024 /* profile: one per CPU */
#define DRAIN_INTERVAL_US 10000       /* DESIGN.md: 10 ms keeps up with ~1 M events/s */
#define QUEUE_LIMIT (256u << 20)      /* raw records waiting for the writer */
#define FLUSH_INTERVAL_MS 1000        /* at most this much is lost on SIGKILL */

struct record_opts {
	const char *out;
	const char *events;
	double duration;
	long pid;
	long freq;
	size_t buffer_size;
	struct family_opts fam; /* --min-us, --fs, and -p once parsed */
	bool fail_on_loss, force, verbose;
	char **cmd;
	int argc; /* the whole command line, for META */
	char **argv;
};

/* Kernel counter totals of one probe, as last written to the trace. */
struct probe_state {
	uint32_t id;
	uint64_t emitted, lost_ringbuf, lost_map, lost_user;
};

struct recording {
	struct record_opts o;
	const struct family *fams[MAX_FAMILIES];
	size_t nfams;
	struct probe_state probes[EBR_PROBE_MAX];
	size_t nprobes;
	struct ebrec_bpf *skel;
	struct bpf_link *links[MAX_LINKS];
	size_t nlinks;
	int fd;
	bool created, to_stdout;
	struct ebr_writer *w;
	struct drain drain;
	pid_t child;
	int child_status;
	bool child_done;
	int go_fd;
	uint64_t t_start, written, bytes;
	uint64_t malformed, drain_malformed; /* records found malformed by the writer, the drain */
	uint64_t last_ts, max_inversion;
	int ncpus;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ebrec record [-o FILE|-] [-e FAMILY[,FAMILY...]] [-d SECONDS] [-p PID]\n"
		"                    [-F HZ] [-I] [--buffer-size SIZE] [--min-us US] [--fs TYPE]\n"
		"                    [--fail-on-loss] [-f] [-v] [-- COMMAND ARGS...]\n"
		"\n"
		"Records what the kernel does into a trace file, until Ctrl-C, SIGTERM, -d, or the\n"
		"end of COMMAND (then ebrec exits with COMMAND's status).\n"
		"\n"
		"  -o FILE          trace file (default trace.ebr; '-' writes to stdout)\n"
		"  -e FAMILIES      probe families, comma separated (default: all but offcpu, whose\n"
		"                   stack walk at every context switch costs more; see 'ebrec list')\n"
		"  -d SECONDS       stop after this long\n"
		"  -p PID           only events of this process (tcp: the report filters by owner)\n"
		"  -F HZ            profile: samples per second on each CPU (default 49)\n"
		"  -I               profile: sample the idle tasks too\n"
		"  --buffer-size N  ring buffer size, a power of two, K/M suffixes (default 8M)\n"
		"  --min-us US      file: record reads/writes/syncs taking at least US (default 1000);\n"
		"                   offcpu: record stretches off CPU of at least US (default 1)\n"
		"  --fs TYPE        file: slow operations on this file system type only (ext4, xfs...;\n"
		"                   default: every file system on a block device)\n"
		"  --fail-on-loss   exit 1 if any event was lost\n"
		"  -f               overwrite FILE if it exists\n"
		"  -v               show libbpf's warnings (verifier logs)\n"
		"\n"
		"examples:\n"
		"  ebrec record -o io.ebr -e block -d 10\n"
		"  ebrec record -o build.ebr -- make -j2\n"
		"  ebrec record -o - -d 5 | ssh analyst@host 'cat > prod.ebr'\n");
}

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ebrec record: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see 'ebrec record --help')\n", stderr);
	return 2;
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end || v < 4096 || v > (1ull << 31) || (v & (v - 1)))
		return -1;
	*out = v;
	return 0;
}

static int parse_args(struct record_opts *o, int argc, char **argv)
{
	enum { OPT_BUFFER = 256, OPT_FAIL_ON_LOSS, OPT_MIN_US, OPT_FS };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "events", required_argument, NULL, 'e' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, 'p' },
		{ "freq", required_argument, NULL, 'F' },
		{ "idle", no_argument, NULL, 'I' },
		{ "buffer-size", required_argument, NULL, OPT_BUFFER },
		{ "fail-on-loss", no_argument, NULL, OPT_FAIL_ON_LOSS },
		{ "min-us", required_argument, NULL, OPT_MIN_US },
		{ "fs", required_argument, NULL, OPT_FS },
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *end;
	int c;

	o->out = "trace.ebr";
	o->buffer_size = 8u << 20;
	o->fam.min_us = 1000;
	o->argc = argc;
	o->argv = argv;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:e:d:p:F:Ifvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'e':
			o->events = optarg;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || end == optarg || !(o->duration > 0) || o->duration > 1e9)
				return usage_error("-d needs a positive number of seconds, not '%s'",
						   optarg);
			break;
		case 'p':
			o->pid = strtol(optarg, &end, 10);
			if (*end || end == optarg || o->pid <= 0 || o->pid > 0x3fffffff)
				return usage_error("-p needs a process id, not '%s'", optarg);
			break;
		case 'F':
			o->freq = strtol(optarg, &end, 10);
			if (*end || end == optarg || o->freq <= 0 || o->freq > 100000)
				return usage_error("-F needs a frequency in Hz, not '%s'", optarg);
			break;
		case 'I':
			o->fam.idle = true;
			break;
		case OPT_BUFFER:
			if (parse_size(optarg, &o->buffer_size))
				return usage_error("--buffer-size needs a power of two from 4K to 2G "
						   "(K/M/G suffixes), not '%s'",
						   optarg);
			break;
		case OPT_MIN_US: {
			unsigned long long us;

			errno = 0;
			us = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || *optarg == '-' || us > 3600000000ull)
				return usage_error("--min-us needs microseconds (0 to 3600000000), not "
						   "'%s'", optarg);
			o->fam.min_us = us;
			o->fam.min_us_set = true;
			break;
		}
		case OPT_FS:
			if (!*optarg || strlen(optarg) >= EBR_FS_NAME_LEN || strpbrk(optarg, " /,"))
				return usage_error("--fs needs a file system type such as ext4, not "
						   "'%s'", optarg);
			o->fam.fs = optarg;
			break;
		case OPT_FAIL_ON_LOSS:
			o->fail_on_loss = true;
			break;
		case 'f':
			o->force = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->cmd = argv + optind;
	o->fam.pid = o->pid;
	o->fam.freq = o->freq;
	return 0;
}

static int select_families(struct recording *rec)
{
	char buf[512], *save = NULL, *name;

	if (!rec->o.events) {
		for (size_t i = 0; i < nfamilies && i < MAX_FAMILIES; i++)
			if (!families[i]->opt_in)
				rec->fams[rec->nfams++] = families[i];
		return 0;
	}
	if (strlen(rec->o.events) >= sizeof(buf))
		return usage_error("-e list too long");
	strcpy(buf, rec->o.events);
	for (name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct family *f = family_find(name);
		bool dup = false;

		if (!f)
			return usage_error("unknown family '%s' ('ebrec list' shows the families)",
					   name);
		for (size_t i = 0; i < rec->nfams; i++)
			dup |= rec->fams[i] == f;
		if (!dup && rec->nfams < MAX_FAMILIES)
			rec->fams[rec->nfams++] = f;
	}
	if (!rec->nfams)
		return usage_error("-e names no family");
	return 0;
}

static bool family_selected(const struct recording *rec, const struct family *f)
{
	for (size_t i = 0; i < rec->nfams; i++)
		if (rec->fams[i] == f)
			return true;
	return false;
}

static int open_output(struct recording *rec)
{
	const char *path = rec->o.out;

	if (!strcmp(path, "-")) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "ebrec record: refusing to write a binary trace to a "
					"terminal: redirect stdout or use -o FILE\n");
			return 1;
		}
		rec->fd = STDOUT_FILENO;
		rec->to_stdout = true;
		return 0;
	}
	rec->fd = ebr_trace_create(path, rec->o.force);
	if (rec->fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr, "ebrec record: %s exists: use -f to overwrite it or -o to "
					"choose another file\n", path);
		else
			fprintf(stderr, "ebrec record: cannot create %s (mode 0600): %s\n", path,
				strerror(errno));
		return 1;
	}
	rec->created = true;
	return 0;
}

/* Forks COMMAND stopped on a pipe: it runs only once the probes are attached. */
static int spawn_command(struct recording *rec)
{
	int go[2];

	if (pipe2(go, O_CLOEXEC) != 0) {
		fprintf(stderr, "ebrec record: pipe: %s\n", strerror(errno));
		return 1;
	}
	rec->child = fork();
	if (rec->child < 0) {
		fprintf(stderr, "ebrec record: cannot start %s: %s\n", rec->o.cmd[0],
			strerror(errno));
		return 1;
	}
	if (rec->child == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127); /* the recorder gave up before starting */
		/* the trace owns stdout when it goes there */
		if (rec->to_stdout && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execvp(rec->o.cmd[0], rec->o.cmd);
		fprintf(stderr, "ebrec record: cannot run %s: %s\n", rec->o.cmd[0],
			strerror(errno));
		_exit(127);
	}
	close(go[0]);
	rec->go_fd = go[1];
	return 0;
}

/* The selected families' description of a program, or NULL. */
static const struct family_prog *prog_of(const struct recording *rec, const char *prog_name)
{
	for (size_t i = 0; i < rec->nfams; i++)
		for (size_t p = 0; p < rec->fams[i]->nprogs; p++)
			if (!strcmp(rec->fams[i]->progs[p].prog_name, prog_name))
				return &rec->fams[i]->progs[p];
	return NULL;
}

/* A program is loaded when a selected family uses it and the kernel has its hook. */
static bool prog_wanted(const struct recording *rec, const struct features *feat,
			const char *prog_name)
{
	const struct family_prog *fp = prog_of(rec, prog_name);

	return fp && features_has_hook(feat, fp);
}

/* Checks that the kernel has what each family needs, and lets the family set its rodata. */
static int configure_families(struct recording *rec, const struct features *feat)
{
	for (size_t i = 0; i < rec->nfams; i++) {
		const struct family *f = rec->fams[i];
		bool *have = calloc(f->nprogs ? f->nprogs : 1, sizeof(*have));
		struct family_env env = { rec->skel, NULL, have, &rec->o.fam };
		int err = 0;

		if (!have) {
			fprintf(stderr, "ebrec record: out of memory\n");
			return 1;
		}
		for (size_t p = 0; p < f->nprogs && !err; p++) {
			have[p] = features_has_hook(feat, &f->progs[p]);
			if (!have[p] && !f->progs[p].optional) {
				fprintf(stderr,
					"ebrec record: family %s needs tracepoint %s, which this "
					"kernel lacks: record without it (-e) or see 'ebrec list'\n",
					f->name, f->progs[p].tracepoint);
				err = -ENOENT;
			}
		}
		if (!err && f->configure && (err = f->configure(&env)))
			fprintf(stderr, "ebrec record: configuring family %s failed: %s\n", f->name,
				strerror(-err));
		free(have);
		if (err)
			return 1;
	}
	return 0;
}

static int load_probes(struct recording *rec, const struct features *feat)
{
	struct bpf_program *prog;
	int err;

	rec->skel = ebrec_bpf__open();
	if (!rec->skel) {
		fprintf(stderr, "ebrec record: cannot open the BPF object: %s\n", strerror(errno));
		return 1;
	}
	err = bpf_map__set_max_entries(rec->skel->maps.ebr_ring, (uint32_t)rec->o.buffer_size);
	if (err) {
		fprintf(stderr, "ebrec record: cannot size the ring buffer: %s\n", strerror(-err));
		return 1;
	}
	rec->skel->rodata->ebr_target_tgid = (uint32_t)rec->o.pid;
	rec->skel->rodata->ebr_self_tgid = (uint32_t)getpid();
	if (configure_families(rec, feat))
		return 1;
	/* everything not wanted stays out of the kernel */
	bpf_object__for_each_program(prog, rec->skel->obj)
		bpf_program__set_autoload(prog, prog_wanted(rec, feat, bpf_program__name(prog)));
	err = ebrec_bpf__load(rec->skel);
	if (err) {
		fprintf(stderr, "ebrec record: loading the BPF programs failed (%s): rerun with "
				"-v for the verifier's log\n", strerror(-err));
		return 1;
	}
	bpf_object__for_each_program(prog, rec->skel->obj) {
		struct bpf_link *link;

		const struct family_prog *fp = prog_of(rec, bpf_program__name(prog));

		if (!bpf_program__autoload(prog) || !fp || !fp->tracepoint)
			continue;
		if (rec->nlinks == MAX_LINKS) {
			fprintf(stderr, "ebrec record: more than %d programs to attach\n", MAX_LINKS);
			return 1;
		}
		link = bpf_program__attach(prog);
		if (!link) {
			fprintf(stderr, "ebrec record: attaching %s failed: %s\n",
				bpf_program__name(prog), strerror(errno));
			return 1;
		}
		rec->links[rec->nlinks++] = link;
	}
	for (size_t i = 0; i < rec->nfams; i++) {
		struct family_env env = { rec->skel, NULL, NULL, &rec->o.fam };

		if (rec->fams[i]->attach &&
		    rec->fams[i]->attach(&env, rec->links, &rec->nlinks, MAX_LINKS))
			return 1;
	}
	return 0;
}

#define DETACH_THREADS 64

struct detach_work {
	struct bpf_link **links;
	size_t n;
	atomic_size_t next;
};

static void *detach_some(void *arg)
{
	struct detach_work *w = arg;
	size_t i;

	while ((i = atomic_fetch_add(&w->next, 1)) < w->n)
		bpf_link__destroy(w->links[i]);
	return NULL;
}

/*
 * Detaching from a syscall tracepoint waits for RCU grace periods (they are faultable on
 * 6.x): 70 ms a link here, 2 s for the file family's 28 one after another, paid at every end
 * of a recording. Concurrent waiters share part of those waits (the kernel's event_mutex
 * serializes the rest), so the links go all at once: 2.1 -> 1.1 s.
 */
static void detach_probes(struct recording *rec)
{
	struct detach_work w = { rec->links, rec->nlinks, 0 };
	pthread_t t[DETACH_THREADS];
	size_t nt = 0;

	while (nt < DETACH_THREADS && nt + 1 < w.n && !pthread_create(&t[nt], NULL, detach_some, &w))
		nt++;
	detach_some(&w); /* and whatever no thread could be started for */
	for (size_t i = 0; i < nt; i++)
		pthread_join(t[i], NULL);
	rec->nlinks = 0;
}

/* META that says what was recorded: families, their attached tracepoints, probe ids. */
static int describe_recording(struct recording *rec, const struct features *feat)
{
	char fams[512] = "", key[64], tps[1024];
	int err = 0;

	for (size_t i = 0; i < rec->nfams && !err; i++) {
		const struct family *f = rec->fams[i];
		struct family_env env = { rec->skel, rec->w, NULL, &rec->o.fam };

		snprintf(fams + strlen(fams), sizeof(fams) - strlen(fams), "%s%s", i ? "," : "",
			 f->name);
		tps[0] = 0;
		for (size_t p = 0; p < f->nprogs; p++)
			if (f->progs[p].tracepoint &&
			    features_has_tracepoint(feat, f->progs[p].tracepoint))
				snprintf(tps + strlen(tps), sizeof(tps) - strlen(tps), "%s%s",
					 tps[0] ? "," : "", f->progs[p].tracepoint);
		snprintf(key, sizeof(key), "family.%s.tracepoints", f->name);
		if (tps[0])
			err = ebr_writer_meta(rec->w, key, tps);
		for (size_t p = 0; p < f->nprobes && !err; p++) {
			snprintf(key, sizeof(key), "probe.%u", f->probes[p].id);
			err = ebr_writer_meta(rec->w, key, f->probes[p].name);
			if (rec->nprobes < EBR_PROBE_MAX)
				rec->probes[rec->nprobes++].id = f->probes[p].id;
		}
		if (!err && f->snapshot)
			err = f->snapshot(&env);
	}
	if (!err)
		err = ebr_writer_meta(rec->w, "record.families", fams);
	if (!err && rec->o.pid) {
		snprintf(key, sizeof(key), "%ld", rec->o.pid);
		err = ebr_writer_meta(rec->w, "record.pid_filter", key);
	}
	if (!err) {
		snprintf(key, sizeof(key), "%zu", rec->o.buffer_size);
		err = ebr_writer_meta(rec->w, "record.buffer_size", key);
	}
	return err;
}

/*
 * Writes one ebr.counts event per probe whose counters moved since the last one; at the end
 * (final) one for every probe, so that a trace says "0 lost" of each probe it recorded.
 */
static int write_counts(struct recording *rec, bool final)
{
	struct ebr_probe_counters *vals = calloc((size_t)rec->ncpus, sizeof(*vals));
	uint64_t lost_user[EBR_PROBE_MAX];
	int map_fd = bpf_map__fd(rec->skel->maps.ebr_counters);
	uint64_t now = host_monotonic_ns();
	int err = 0;

	if (!vals)
		return EBR_E_NOMEM;
	drain_totals(&rec->drain, lost_user, &rec->drain_malformed);
	for (size_t i = 0; i < rec->nprobes && !err; i++) {
		struct probe_state *p = &rec->probes[i];
		struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
		uint64_t emitted = 0, lost_rb = 0, lost_map = 0;
		uint32_t key = p->id;

		if (bpf_map_lookup_elem(map_fd, &key, vals) == 0)
			for (int c = 0; c < rec->ncpus; c++) {
				emitted += vals[c].emitted;
				lost_rb += vals[c].lost_ringbuf;
				lost_map += vals[c].lost_map;
			}
		v[EBR_F_COUNTS_PROBE].u = p->id;
		v[EBR_F_COUNTS_EMITTED].u = emitted - p->emitted;
		v[EBR_F_COUNTS_LOST_RINGBUF].u = lost_rb - p->lost_ringbuf;
		v[EBR_F_COUNTS_LOST_MAP].u = lost_map - p->lost_map;
		v[EBR_F_COUNTS_LOST_USER].u = lost_user[p->id] - p->lost_user;
		if (!final && !v[EBR_F_COUNTS_EMITTED].u && !v[EBR_F_COUNTS_LOST_RINGBUF].u &&
		    !v[EBR_F_COUNTS_LOST_MAP].u && !v[EBR_F_COUNTS_LOST_USER].u)
			continue;
		err = ebr_writer_event(rec->w, EBR_EV_COUNTS, now, 0, v);
		p->emitted = emitted;
		p->lost_ringbuf = lost_rb;
		p->lost_map = lost_map;
		p->lost_user = lost_user[p->id];
	}
	free(vals);
	return err;
}

/* The families' counters kept in maps (cachestat's), as events. */
static int write_samples(struct recording *rec, uint64_t now)
{
	int err = 0;

	for (size_t i = 0; i < rec->nfams && !err; i++) {
		struct family_env env = { rec->skel, rec->w, NULL, &rec->o.fam };

		if (rec->fams[i]->sample)
			err = rec->fams[i]->sample(&env, now);
	}
	return err;
}

static uint64_t total_lost(const struct recording *rec)
{
	uint64_t n = 0;

	for (size_t i = 0; i < rec->nprobes; i++)
		n += rec->probes[i].lost_ringbuf + rec->probes[i].lost_map + rec->probes[i].lost_user;
	return n;
}

static int write_chunk(struct recording *rec, const struct drain_chunk *c)
{
	size_t off = 0;

	while (c->len - off >= sizeof(struct ebr_rec_hdr)) {
		const struct ebr_rec_hdr *h = (const void *)(c->data + off);
		const struct record_kind *k = record_kind_find(h->type);
		int err;

		if (h->size < sizeof(*h) || h->size > c->len - off) {
			rec->malformed++;
			break;
		}
		off += (h->size + 7u) & ~7u;
		if (!k || !record_kind_fits(k, h->size)) {
			rec->malformed++;
			continue;
		}
		/* the ring is in reservation order: measure how far time order departs from it */
		if (h->ts < rec->last_ts && rec->last_ts - h->ts > rec->max_inversion)
			rec->max_inversion = rec->last_ts - h->ts;
		if (h->ts > rec->last_ts)
			rec->last_ts = h->ts;
		err = k->translate(rec->w, h, h->size);
		if (err)
			return err;
		rec->written++;
	}
	return 0;
}

static void print_status(const struct recording *rec, bool final, uint64_t prev_written,
			 double dt)
{
	double elapsed = (double)(host_monotonic_ns() - rec->t_start) / 1e9;
	double bytes = (double)(rec->w ? ebr_writer_bytes(rec->w) : rec->bytes);
	bool kib = bytes < (1 << 20);
	double size = bytes / (kib ? 1024 : 1 << 20);
	const char *name = rec->to_stdout ? "stdout" : rec->o.out;

	if (!final) {
		fprintf(stderr, "\r\033[Kebrec: %.0fs  %.0f events/s  %.1f %s written  %llu lost",
			elapsed, dt > 0 ? (double)(rec->written - prev_written) / dt : 0.0, size,
			kib ? "KiB" : "MiB",
			(unsigned long long)total_lost(rec));
		return;
	}
	fprintf(stderr, "ebrec: recorded %llu events in %.1fs (%.0f/s) to %s: %.1f %s, %llu lost\n",
		(unsigned long long)rec->written, elapsed,
		elapsed > 0 ? (double)rec->written / elapsed : 0.0, name, size, kib ? "KiB" : "MiB",
		(unsigned long long)total_lost(rec));
}

static bool child_finished(struct recording *rec)
{
	if (rec->child > 0 && !rec->child_done &&
	    waitpid(rec->child, &rec->child_status, WNOHANG) == rec->child)
		rec->child_done = true;
	return rec->child_done;
}

/* The writer loop: runs until a signal, -d, or the end of COMMAND. */
static int record_loop(struct recording *rec)
{
	bool tty = isatty(STDERR_FILENO);
	uint64_t deadline = rec->o.duration > 0 ? rec->t_start + (uint64_t)(rec->o.duration * 1e9)
						: UINT64_MAX;
	uint64_t next_flush = rec->t_start + FLUSH_INTERVAL_MS * 1000000ull;
	uint64_t prev_written = 0, prev_t = rec->t_start;
	int err = 0;

	while (!err && !stop_signal && host_monotonic_ns() < deadline &&
	       !(rec->child > 0 && child_finished(rec))) {
		struct drain_chunk *c = drain_pop(&rec->drain, 50);
		uint64_t now;

		if (c) {
			err = write_chunk(rec, c);
			free(c);
		}
		now = host_monotonic_ns();
		if (!err && now >= next_flush) {
			err = write_samples(rec, now);
			err = err ?: write_counts(rec, false);
			err = err ?: ebr_writer_flush(rec->w);
			if (tty)
				print_status(rec, false, prev_written, (double)(now - prev_t) / 1e9);
			prev_written = rec->written;
			prev_t = now;
			next_flush = now + FLUSH_INTERVAL_MS * 1000000ull;
		}
	}
	if (tty)
		fputs("\r\033[K", stderr);
	return err;
}

/* Detach, then take everything the probes handed over before that, then the last counts. */
static int record_finish(struct recording *rec)
{
	struct drain_chunk *c;
	struct timespec settle = { 0, 20 * 1000000L };
	char buf[32];
	int err = 0;

	detach_probes(rec);
	nanosleep(&settle, NULL); /* programs that were running finish their submit */
	drain_stop(&rec->drain);
	while (!err && (c = drain_pop(&rec->drain, 0))) {
		err = write_chunk(rec, c);
		free(c);
	}
	err = err ?: write_samples(rec, host_monotonic_ns());
	for (size_t i = 0; i < rec->nfams && !err; i++) {
		struct family_env env = { rec->skel, rec->w, NULL, &rec->o.fam };

		if (rec->fams[i]->finish)
			err = rec->fams[i]->finish(&env);
	}
	err = err ?: write_counts(rec, true);
	err = err ?: host_clock_pair(rec->w, "end");
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)rec->max_inversion);
	err = err ?: ebr_writer_meta(rec->w, "record.max_reorder_ns", buf);
	if (!err && rec->malformed + rec->drain_malformed) {
		snprintf(buf, sizeof(buf), "%llu",
			 (unsigned long long)(rec->malformed + rec->drain_malformed));
		err = ebr_writer_meta(rec->w, "record.malformed_records", buf);
	}
	return err;
}

static void write_failed(const struct recording *rec, int err)
{
	int saved = errno; /* the sink's failed write(2) set it */

	fprintf(stderr, "ebrec record: writing %s failed: %s; the trace holds every block "
			"written before\n",
		rec->to_stdout ? "stdout" : rec->o.out,
		err == EBR_E_IO ? strerror(saved) : ebr_strerror(err));
}

static void stop_child(struct recording *rec)
{
	if (rec->child <= 0 || rec->child_done)
		return;
	kill(rec->child, SIGTERM);
	if (waitpid(rec->child, &rec->child_status, 0) == rec->child)
		rec->child_done = true;
}

static int exit_status(const struct recording *rec, int status)
{
	if (status)
		return status;
	if (rec->o.fail_on_loss && total_lost(rec)) {
		fprintf(stderr, "ebrec record: %llu events were lost (--fail-on-loss): try a bigger "
				"--buffer-size\n", (unsigned long long)total_lost(rec));
		return 1;
	}
	if (rec->child > 0 && rec->child_done) {
		if (WIFEXITED(rec->child_status))
			return WEXITSTATUS(rec->child_status);
		if (WIFSIGNALED(rec->child_status))
			return 128 + WTERMSIG(rec->child_status);
	}
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct recording rec = { .fd = -1, .go_fd = -1 };
	struct features *feat = NULL;
	struct sigaction sa = { .sa_handler = on_stop_signal };
	struct ebr_sink sink;
	char msg[256];
	int status = 1, err;

	status = parse_args(&rec.o, argc, argv);
	if (status)
		return status == 1 ? 0 : status;
	status = select_families(&rec);
	if (status)
		return status;
	if ((rec.o.freq || rec.o.fam.idle) && !family_selected(&rec, &profile_family))
		return usage_error("-F and -I apply to the profile family, which is not selected");
	status = 1;
	verbose = rec.o.verbose;
	libbpf_set_print(libbpf_print);
	if (preflight_check(msg, sizeof(msg)) || features_open(&feat, msg, sizeof(msg))) {
		fprintf(stderr, "ebrec record: %s\n", msg);
		return 1;
	}
	if (rec.o.pid && kill((pid_t)rec.o.pid, 0) != 0 && errno == ESRCH) {
		fprintf(stderr, "ebrec record: no process %ld\n", rec.o.pid);
		goto cleanup;
	}
	rec.ncpus = libbpf_num_possible_cpus();
	if (rec.ncpus <= 0) {
		fprintf(stderr, "ebrec record: cannot count the possible CPUs\n");
		goto cleanup;
	}
	if (open_output(&rec))
		goto cleanup;
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, reported as one */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (rec.o.cmd && spawn_command(&rec))
		goto cleanup;
	if (load_probes(&rec, feat))
		goto cleanup;

	ebr_sink_fd(&sink, &rec.fd);
	err = ebr_writer_new(&rec.w, &sink, NULL);
	err = err ?: host_snapshot(rec.w, argc, argv);
	err = err ?: describe_recording(&rec, feat);
	err = err ?: ebr_writer_flush(rec.w);
	if (err) {
		write_failed(&rec, err);
		goto cleanup;
	}
	err = drain_start(&rec.drain, bpf_map__fd(rec.skel->maps.ebr_ring), QUEUE_LIMIT,
			  DRAIN_INTERVAL_US);
	if (err) {
		fprintf(stderr, "ebrec record: cannot start draining the ring buffer: %s\n",
			strerror(-err));
		goto cleanup;
	}
	rec.t_start = host_monotonic_ns();
	err = write_samples(&rec, rec.t_start); /* the baseline of map counters */
	if (err) {
		write_failed(&rec, err);
		goto cleanup;
	}
	if (rec.go_fd >= 0) {
		if (write(rec.go_fd, "g", 1) != 1)
			fprintf(stderr, "ebrec record: cannot start %s\n", rec.o.cmd[0]);
		close(rec.go_fd);
		rec.go_fd = -1;
	}

	err = record_loop(&rec);
	err = err ?: record_finish(&rec);
	if (!err) {
		err = ebr_writer_flush(rec.w);
		rec.bytes = ebr_writer_bytes(rec.w);
		if (!err) { /* close frees the writer; after a failed flush, cleanup abandons it */
			err = ebr_writer_close(rec.w);
			rec.w = NULL;
		}
	}
	if (err) {
		write_failed(&rec, err);
		goto cleanup;
	}
	print_status(&rec, true, 0, 0);
	status = 0;
cleanup:
	detach_probes(&rec);
	if (rec.drain.rb)
		drain_free(&rec.drain);
	ebr_writer_abandon(rec.w);
	if (rec.go_fd >= 0)
		close(rec.go_fd); /* an unstarted COMMAND exits without running */
	stop_child(&rec);
	ebrec_bpf__destroy(rec.skel);
	features_close(feat);
	if (rec.fd >= 0 && !rec.to_stdout) {
		if (close(rec.fd) != 0 && status == 0) {
			fprintf(stderr, "ebrec record: closing %s failed: %s\n", rec.o.out,
				strerror(errno));
			status = 1;
		}
		/* a file holding nothing at all is no use to anyone */
		if (status && rec.created && !rec.t_start)
			unlink(rec.o.out);
	}
	return exit_status(&rec, status);
}
