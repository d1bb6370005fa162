// SPDX-License-Identifier: GPL-2.0-only
/* Several trace files read as one recording (report/series.h). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include "analyze/grow.h"
#include "format/mem.h"
#include "report/series.h"
#include "report/text.h"

#define NS 1000000000ull
/* problems of the files read before the last one that JSON's "warnings" lists */
#define SERIES_MAX_WARNINGS 256

/*
 * A rotation series' name, ebrec-YYYYMMDDTHHMMSSZ-HOST.ebr: its start (UTC, to the second) and
 * its host. false for any other name.
 */
static bool parse_name(const char *path, uint64_t *start_real_ns, const char **host,
		       size_t *host_len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(base);
	struct tm tm = { 0 };
	const char *end;
	time_t t;

	if (strncmp(base, "ebrec-", 6) || len < 6 + 16 + 1 + 1 + 4 ||
	    strcmp(base + len - 4, ".ebr") || base[6 + 16] != '-')
		return false;
	end = strptime(base + 6, "%Y%m%dT%H%M%SZ", &tm);
	if (end != base + 6 + 16 || (t = timegm(&tm)) < 0)
		return false;
	*start_real_ns = (uint64_t)t * NS;
	*host = base + 6 + 16 + 1;
	*host_len = len - (6 + 16 + 1) - 4;
	return true;
}

static int add_file(struct trace_series *s, const char *path)
{
	struct series_file *files = grow_array(s->files, s->nfiles, &s->cap, sizeof(*files));
	struct series_file *f;
	const char *host;
	size_t host_len;

	if (!files)
		return EBR_E_NOMEM;
	s->files = files;
	f = &files[s->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = ebr_strdup(path);
	if (!f->path)
		return EBR_E_NOMEM;
	s->nfiles++;
	f->named = parse_name(path, &f->start_real_ns, &host, &host_len);
	if (f->named && !(f->host = ebr_strndup(host, host_len)))
		return EBR_E_NOMEM;
	return 0;
}

static bool is_trace_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 4 && !strcmp(name + len - 4, ".ebr");
}

/* The *.ebr files of dir: 0, EBR_E_NOMEM, or 1 (said). */
static int add_dir(struct trace_series *s, const char *dir)
{
	uint32_t before = s->nfiles;
	DIR *d = opendir(dir);
	struct dirent *de;
	char safe[256];
	int err = 0;

	if (!d) {
		fprintf(stderr, "ebrec %s: cannot read the directory %s: %m\n", s->cmd,
			text_safe(dir, safe, sizeof(safe)));
		return 1;
	}
	while (!err && (de = readdir(d))) {
		size_t len = strlen(dir) + 1 + strlen(de->d_name) + 1;
		char *path;
		struct stat st;

		if (!is_trace_name(de->d_name))
			continue;
		path = ebr_malloc(len);
		if (!path) {
			err = EBR_E_NOMEM;
			break;
		}
		snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
			 de->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			err = add_file(s, path);
		ebr_free(path);
	}
	closedir(d);
	if (!err && s->nfiles == before) {
		fprintf(stderr, "ebrec %s: %s holds no trace (no *.ebr file)\n", s->cmd,
			text_safe(dir, safe, sizeof(safe)));
		return 2;
	}
	return err;
}

static uint64_t meta_u64(const struct ebr_reader *r, const char *key)
{
	const char *v = ebr_reader_meta(r, key);

	return v ? strtoull(v, NULL, 10) : 0;
}

/* What f's index and META say of it, read and let go (a series may hold thousands). */
static int peek_file(struct series_file *f)
{
	struct trace_peek p;
	int err = trace_file_peek(f->path, &p);

	if (!err && p.known) {
		const char *host = ebr_reader_meta(p.tf.r, "host.hostname");

		f->peeked = true;
		f->boot_ns = meta_u64(p.tf.r, "host.boot_time_ns");
		if (meta_u64(p.tf.r, "clock.start.realtime_ns"))
			f->start_real_ns = meta_u64(p.tf.r, "clock.start.realtime_ns");
		f->end_real_ns = meta_u64(p.tf.r, "clock.end.realtime_ns");
		f->start_mono_ns = meta_u64(p.tf.r, "clock.start.monotonic_ns");
		f->end_mono_ns = meta_u64(p.tf.r, "clock.end.monotonic_ns");
		if (host && !f->host && !(f->host = ebr_strdup(host)))
			err = EBR_E_NOMEM;
	}
	trace_peek_release(&p);
	return err;
}

static int by_start(const void *a, const void *b)
{
	const struct series_file *x = a, *y = b;

	if (x->start_real_ns != y->start_real_ns)
		return x->start_real_ns < y->start_real_ns ? -1 : 1;
	return strcmp(x->path, y->path);
}

bool series_same_boot(uint64_t a_ns, uint64_t b_ns)
{
	return !a_ns || !b_ns ||
	       (a_ns <= b_ns + SERIES_SAME_BOOT_NS && b_ns <= a_ns + SERIES_SAME_BOOT_NS);
}

/* One host and one boot: 0, or 2 (said). */
static int check_one_recording(const struct trace_series *s)
{
	const struct series_file *h = NULL, *b = NULL;
	char x[128], y[128], p[256], q[256];

	for (uint32_t i = 0; i < s->nfiles; i++) {
		const struct series_file *f = &s->files[i];

		if (f->host && !h)
			h = f;
		else if (f->host && strcmp(f->host, h->host)) {
			fprintf(stderr, "ebrec %s: %s and %s were recorded on different hosts (%s, "
					"%s): report each host's traces apart\n", s->cmd,
				text_safe(h->path, p, sizeof(p)), text_safe(f->path, q, sizeof(q)),
				text_safe(h->host, x, sizeof(x)), text_safe(f->host, y, sizeof(y)));
			return 2;
		}
		if (f->boot_ns && !b)
			b = f;
		else if (f->boot_ns && !series_same_boot(f->boot_ns, b->boot_ns)) {
			fprintf(stderr, "ebrec %s: %s and %s were recorded in different boots of their "
					"host: their clocks cannot be joined; report them apart\n",
				s->cmd, text_safe(b->path, p, sizeof(p)),
				text_safe(f->path, q, sizeof(q)));
			return 2;
		}
	}
	return 0;
}

/* CLOCK_MONOTONIC of the first file's clock from a wall-clock time, through its clock pair. */
static uint64_t mono_of_real(const struct ebr_reader *first, uint64_t real_ns)
{
	uint64_t start_real = meta_u64(first, "clock.start.realtime_ns");
	uint64_t start = ebr_reader_start_ns(first);

	if (real_ns >= start_real)
		return start + (real_ns - start_real);
	return start > start_real - real_ns ? start - (start_real - real_ns) : 0;
}

/* series_list(); EBR_E_NOMEM is left to the caller to say. */
static int list_files(struct trace_series *s, const char *cmd, char *const *paths, size_t npaths)
{
	int err = 0;

	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->cur.fd = -1;
	s->first.tf.fd = -1;
	for (size_t i = 0; i < npaths && !err; i++) {
		struct stat st;

		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			err = add_dir(s, paths[i]);
		else
			err = add_file(s, paths[i]); /* what cannot be opened is said when read */
	}
	/* a series' order is its files' starts: by their names, else by their META */
	for (uint32_t i = 0; i < s->nfiles && !err && s->nfiles > 1; i++)
		if (!s->files[i].named)
			err = peek_file(&s->files[i]);
	if (!err)
		qsort(s->files, s->nfiles, sizeof(*s->files), by_start);
	return err;
}

static int say_nomem(const char *cmd, char *const *paths, size_t npaths)
{
	char safe[256];

	fprintf(stderr, "ebrec %s: reading %s: %s\n", cmd,
		text_safe(npaths == 1 ? paths[0] : "the traces", safe, sizeof(safe)),
		trace_file_nomem());
	return 1;
}

int series_list(struct trace_series *s, const char *cmd, char *const *paths, size_t npaths)
{
	int err = list_files(s, cmd, paths, npaths);

	/* a named file's boot and clock pairs, which its name does not give */
	for (uint32_t i = 0; i < s->nfiles && !err && s->nfiles > 1; i++)
		if (!s->files[i].peeked)
			err = peek_file(&s->files[i]);
	return err == EBR_E_NOMEM ? say_nomem(cmd, paths, npaths) : err;
}

int series_open(struct trace_series *s, const char *cmd, char *const *paths, size_t npaths)
{
	int err = list_files(s, cmd, paths, npaths);

	if (err)
		goto fail;
	err = check_one_recording(s);
	if (err)
		return err;
	if (trace_file_open(&s->cur, cmd, s->files[0].path))
		return 1;
	err = trace_file_peek(s->files[0].path, &s->first);
	if (err)
		goto fail;
	if (s->nfiles > 1 && s->first.known) {
		/* the series ends where its last file does, when that is known without reading it */
		const struct series_file *last = &s->files[s->nfiles - 1];

		s->first.end_ns = last->end_real_ns ? mono_of_real(s->first.tf.r, last->end_real_ns)
						    : UINT64_MAX;
	}
	if (npaths == 1) {
		s->view.path = paths[0];
	} else {
		snprintf(s->name, sizeof(s->name), "%u files", s->nfiles);
		s->view.path = s->name;
	}
	s->view.fd = -1;
	s->view.r = s->cur.r;
	return 0;
fail:
	return err == EBR_E_NOMEM ? say_nomem(cmd, paths, npaths) : err;
}

/*
 * The files chosen, each peeked (a named one was not, to choose): the boots they were recorded
 * in, which their names do not say. 0, or the exit status (said).
 */
static int check_chosen(struct trace_series *s)
{
	char safe[256];
	int err = 0;

	for (uint32_t i = 0; i < s->nfiles && !err && s->nfiles > 1; i++)
		if (s->files[i].selected && !s->files[i].peeked)
			err = peek_file(&s->files[i]);
	if (err == EBR_E_NOMEM) {
		fprintf(stderr, "ebrec %s: reading %s: %s\n", s->cmd,
			text_safe(s->view.path, safe, sizeof(safe)), trace_file_nomem());
		return 1;
	}
	return err ?: check_one_recording(s);
}

static int choose(struct trace_series *s, const struct window_end *since,
		  const struct window_end *until)
{
	struct time_window w = { .since = *since, .until = *until };
	const struct ebr_reader *first = s->first.tf.r;
	uint64_t start_real, lo, hi;
	uint32_t chosen = 0;
	char from[64];

	for (uint32_t i = 0; i < s->nfiles; i++)
		s->files[i].selected = true;
	if ((since->kind == WINDOW_NONE && until->kind == WINDOW_NONE) || !s->first.known ||
	    s->nfiles == 1 || !(start_real = meta_u64(first, "clock.start.realtime_ns")))
		return 0; /* a window no file's span can be compared with: the pass cuts it */
	time_window_resolve(&w, first);
	if (w.unanchored)
		return 0;
	/* the window as wall-clock times, which the files' names give */
	lo = w.lo_ns > ebr_reader_start_ns(first) ? start_real + (w.lo_ns - ebr_reader_start_ns(first))
						   : start_real;
	hi = w.hi_ns == UINT64_MAX ? UINT64_MAX
				   : start_real + (w.hi_ns > ebr_reader_start_ns(first)
							   ? w.hi_ns - ebr_reader_start_ns(first)
							   : 0);
	for (uint32_t i = 0; i < s->nfiles; i++) {
		struct series_file *f = &s->files[i];
		uint64_t begin = f->start_real_ns, end = UINT64_MAX;

		/* a file ends where the next begins: a name's second is rounded down, so one more */
		if (f->peeked && f->end_real_ns)
			end = f->end_real_ns;
		else if (i + 1 < s->nfiles && s->files[i + 1].start_real_ns)
			end = s->files[i + 1].start_real_ns + NS;
		f->selected = begin <= hi && end >= lo;
		chosen += f->selected;
	}
	if (chosen)
		return 0;
	text_utc(ebr_reader_meta(first, "clock.start.realtime_ns"), from, sizeof(from));
	fprintf(stderr, "ebrec %s: --since/--until select none of the %u files: the series starts "
			"at %s; give seconds from its start or times within it\n", s->cmd, s->nfiles,
		from);
	return 2;
}

/*
 * The problems of a file read before the last, kept to be said after the output (as a single
 * file's are) and for JSON; then it is closed.
 */
static int finish_file(struct trace_series *s)
{
	uint32_t n = ebr_reader_problem_count(s->cur.r);
	bool damaged = false;

	for (uint32_t i = 0; i < n; i++) {
		const char *msg = ebr_reader_problem(s->cur.r, i)->msg;
		size_t len = strlen(s->cur.path) + 2 + strlen(msg) + 1;
		char *w;

		damaged |= ebr_problem_is_damage(ebr_reader_problem(s->cur.r, i)->kind);
		if (s->nwarnings == SERIES_MAX_WARNINGS) {
			s->more_warnings++;
			continue;
		}
		if (!s->warnings && !(s->warnings = ebr_calloc(SERIES_MAX_WARNINGS,
							       sizeof(*s->warnings))))
			return EBR_E_NOMEM;
		if (!(w = ebr_malloc(len)))
			return EBR_E_NOMEM;
		snprintf(w, len, "%s: %s", s->cur.path, msg);
		s->warnings[s->nwarnings++] = w;
	}
	s->damaged_files += damaged;
	trace_file_close(&s->cur);
	s->view.r = NULL;
	return 0;
}

int series_select(struct trace_series *s, const struct window_end *since,
		  const struct window_end *until)
{
	return choose(s, since, until) ?: check_chosen(s);
}

int series_pass(struct trace_series *s, const struct analyzer *an, size_t n,
		struct pass_limit *limit)
{
	for (; s->next < s->nfiles; s->next++) {
		const struct series_file *f = &s->files[s->next];
		int err;

		if (!f->selected) {
			if (s->next == 0) { /* the first file, open but not read */
				trace_file_close(&s->cur);
				s->view.r = NULL;
			}
			continue;
		}
		if (s->next > 0) { /* the first is open; a later one after the one read before */
			if (s->cur.r && (err = finish_file(s)))
				return err;
			if (trace_file_open(&s->cur, s->cmd, f->path))
				return 1;
			if (s->first.known && (err = ebr_reader_pin_start(s->cur.r, s->first.tf.r)))
				return err;
		}
		s->view.r = s->cur.r;
		err = analyze_pass_limited(s->cur.r, an, n, limit);
		if (err)
			return err;
		if (limit && limit->stopped) {
			s->next++;
			break;
		}
	}
	return 0;
}

const char *series_current_path(const struct trace_series *s)
{
	return s->cur.path ? s->cur.path : s->view.path;
}

int series_warn(struct trace_series *s)
{
	char safe[1024];

	for (size_t i = 0; i < s->nwarnings; i++)
		fprintf(stderr, "ebrec %s: warning: %s\n", s->cmd,
			text_safe(s->warnings[i], safe, sizeof(safe)));
	if (s->more_warnings)
		fprintf(stderr, "ebrec %s: warning: and %zu more problems of the files before\n",
			s->cmd, s->more_warnings);
	if (s->damaged_files)
		fprintf(stderr, "ebrec %s: %zu of the files read before the last are damaged: the "
				"output above holds only what was readable\n", s->cmd, s->damaged_files);
	return (s->cur.r ? trace_file_warn(&s->cur, s->cmd) : 0) | (s->damaged_files > 0);
}

void series_json_warnings(const struct trace_series *s, struct json *j, const char *extra)
{
	uint32_t n = s->cur.r ? ebr_reader_problem_count(s->cur.r) : 0;
	char msg[512];

	if (s->nfiles == 1) {
		trace_file_json_warnings(&s->cur, j, extra);
		return;
	}
	json_array_begin(j, "warnings");
	if (extra)
		json_str(j, NULL, extra);
	for (size_t i = 0; i < s->nwarnings; i++)
		json_str(j, NULL, s->warnings[i]);
	if (s->more_warnings) {
		snprintf(msg, sizeof(msg), "and %zu more problems of the files before", s->more_warnings);
		json_str(j, NULL, msg);
	}
	for (uint32_t i = 0; i < n; i++) {
		/* a series' problems say which file they are in */
		snprintf(msg, sizeof(msg), "%s: %s", s->cur.path, ebr_reader_problem(s->cur.r, i)->msg);
		json_str(j, NULL, msg);
	}
	json_array_end(j);
}

void series_close(struct trace_series *s)
{
	trace_file_close(&s->cur);
	trace_peek_release(&s->first);
	for (uint32_t i = 0; i < s->nfiles; i++) {
		ebr_free(s->files[i].path);
		ebr_free(s->files[i].host);
	}
	ebr_free(s->files);
	for (size_t i = 0; i < s->nwarnings; i++)
		ebr_free(s->warnings[i]);
	ebr_free(s->warnings);
	memset(s, 0, sizeof(*s));
	s->cur.fd = -1;
}
