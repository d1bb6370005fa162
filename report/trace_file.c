// SPDX-License-Identifier: GPL-2.0-only
/* Opening a trace for the reading commands, and saying what was wrong with it. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pwd.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "format/array_size.h"
#include "format/mem.h"
#include "report/text.h"
#include "report/trace_file.h"
#include "report/output_cap.h"

/* What a file that is not a trace is, by its first bytes, when it is a known format. */
static const char *known_format(int fd)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *what;
	} formats[] = {
		{ "\x1f\x8b", 2, "gzip-compressed: gunzip it first" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd-compressed: unzstd it first" },
		{ "\xfd" "7zXZ\x00", 6, "xz-compressed: unxz it first" },
		{ "BZh", 3, "bzip2-compressed: bunzip2 it first" },
		{ "PK\x03\x04", 4, "a zip archive: unzip it first" },
		{ "PERFILE2", 8, "a perf.data file: read it with perf report or perf script" },
		{ "\x17\x08\x44tracing", 10, "a trace-cmd trace.dat: read it with trace-cmd report" },
		{ "\xd4\xc3\xb2\xa1", 4, "a pcap capture: read it with tcpdump or tshark" },
		{ "\x0a\x0d\x0d\x0a", 4, "a pcapng capture: read it with tshark" },
	};
	unsigned char head[16];
	ssize_t n = pread(fd, head, sizeof(head), 0);

	for (size_t i = 0; n > 0 && i < ARRAY_SIZE(formats); i++)
		if ((size_t)n >= formats[i].len && !memcmp(head, formats[i].magic, formats[i].len))
			return formats[i].what;
	/* a tar archive says so at offset 257 */
	if (pread(fd, head, 5, 257) == 5 && !memcmp(head, "ustar", 5))
		return "a tar archive: extract the trace first";
	return NULL;
}

/* Why a trace could not be opened for reading, and what to do about it. */
static void say_cannot_open(const char *cmd, const char *path, int err)
{
	char safe[256];
	struct stat st;

	text_safe(path, safe, sizeof(safe));
	if (err == EACCES && stat(path, &st) == 0 && st.st_uid != geteuid() &&
	    !(st.st_mode & S_IROTH)) {
		struct passwd *pw = getpwuid(st.st_uid);
		char owner[64];

		text_safe(pw ? pw->pw_name : "another user", owner, sizeof(owner));
		fprintf(stderr, "ebrec %s: cannot open %s: it belongs to %s and is private (mode %04o: "
				"traces hold command lines and paths); read it as %s, or have %s share "
				"it: 'chown YOU %s', or 'ebrec redact %s -o shared.ebr' for a copy without "
				"the private names\n",
			cmd, safe, owner, (unsigned)(st.st_mode & 07777), owner, owner, safe, safe);
		return;
	}
	fprintf(stderr, "ebrec %s: cannot open %s: %s\n", cmd, safe, strerror(err));
}

int trace_file_open(struct trace_file *t, const char *cmd, const char *path)
{
	char msg[256], safe[256];
	struct stat st;
	int err;

	memset(t, 0, sizeof(*t));
	if (output_cap_stdout(cmd))
		return 1;
	t->path = path;
	t->fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (t->fd < 0) {
		say_cannot_open(cmd, path, errno);
		return 1;
	}
	if (fstat(t->fd, &st))
		st.st_mode = 0; /* nothing known of it: neither a directory nor a file's size */
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ebrec %s: %s is a directory, not a trace file\n", cmd,
			text_safe(path, safe, sizeof(safe)));
		trace_file_close(t);
		return 1;
	}
	ebr_source_fd(&t->src, &t->fs, t->fd);
	msg[0] = 0;
	/*
	 * A reader's blocks (a MiB of payload, up to 16 MiB of decoded words a thread) are
	 * mapped, and given back when it closes: glibc's threshold would rise once the first
	 * is freed and put the next reader's in the heap, where they stay (a series of seven
	 * files, read one after the other, held 2.3 MiB more than the trace they were cut from).
	 */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	err = ebr_reader_open(&t->r, &t->src, msg, sizeof(msg));
	/* without threads of its own, the reader decodes every block itself */
	if (!err)
		(void)ebr_reader_set_threads(t->r, trace_file_threads(S_ISREG(st.st_mode) ?
								      (long long)st.st_size : -1));
	if (err == EBR_E_NOT_TRACE && known_format(t->fd)) {
		fprintf(stderr, "ebrec %s: %s is not an ebrec trace: it is %s\n", cmd,
			text_safe(path, safe, sizeof(safe)), known_format(t->fd));
		trace_file_close(t);
		return 1;
	}
	if (err) {
		fprintf(stderr, "ebrec %s: %s: %s\n", cmd, text_safe(path, safe, sizeof(safe)),
			msg[0] ? msg : ebr_strerror(err));
		trace_file_close(t);
		return 1;
	}
	return 0;
}

int output_is_input(const char *cmd, const char *out, const char *in)
{
	struct stat so, si;
	char a[256], b[256];

	if (stat(out, &so) != 0 || (strcmp(in, "-") ? stat(in, &si) : fstat(STDIN_FILENO, &si)) ||
	    so.st_dev != si.st_dev || so.st_ino != si.st_ino)
		return 0;
	fprintf(stderr, "ebrec %s: %s is the trace being read (%s): writing it would destroy it; "
			"choose another output file\n", cmd, text_safe(out, a, sizeof(a)),
		strcmp(in, "-") ? text_safe(in, b, sizeof(b)) : "standard input");
	return 2;
}

void trace_file_close(struct trace_file *t)
{
	ebr_reader_close(t->r);
	t->r = NULL;
	if (t->fd > STDIN_FILENO)
		close(t->fd);
	t->fd = -1;
}

int trace_file_warn(const struct trace_file *t, const char *cmd)
{
	uint32_t n = ebr_reader_problem_count(t->r);
	char safe[256], msg[1024];
	int damaged = 0;

	for (uint32_t i = 0; i < n; i++) {
		const struct ebr_problem *p = ebr_reader_problem(t->r, i);

		/* a message may quote the file's own schema: a terminal gets it escaped */
		fprintf(stderr, "ebrec %s: warning: %s: %s\n", cmd,
			text_safe(t->path, safe, sizeof(safe)), text_safe(p->msg, msg, sizeof(msg)));
		damaged |= ebr_problem_is_damage(p->kind);
	}
	if (damaged)
		fprintf(stderr, "ebrec %s: %s is damaged: the output above holds only what was "
				"readable\n", cmd, text_safe(t->path, safe, sizeof(safe)));
	return damaged;
}

void trace_file_json_warnings(const struct trace_file *t, struct json *j, const char *extra)
{
	uint32_t n = ebr_reader_problem_count(t->r);

	json_array_begin(j, "warnings");
	if (extra)
		json_str(j, NULL, extra);
	for (uint32_t i = 0; i < n; i++)
		json_str(j, NULL, ebr_reader_problem(t->r, i)->msg);
	json_array_end(j);
}

/* --threads N; 0 until set: every CPU this process may run on */
static unsigned decode_threads;

int trace_file_threads_option(const char *cmd, const char *val)
{
	char *end;
	unsigned long n = strtoul(val, &end, 10);

	if (*end || end == val || !n || n > TRACE_MAX_THREADS) {
		fprintf(stderr, "ebrec %s: --threads takes a number of threads from 1 to %d\n", cmd,
			TRACE_MAX_THREADS);
		return 2;
	}
	decode_threads = (unsigned)n;
	return 0;
}

unsigned trace_file_threads(long long size)
{
	cpu_set_t set;
	int n;

	if (decode_threads)
		return decode_threads;
	if (size >= 0 && size < TRACE_THREADS_MIN_BYTES)
		return 1;
	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > TRACE_MAX_THREADS ? TRACE_MAX_THREADS : (unsigned)n;
}

int trace_file_budget(const char *cmd, const char *mib)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	/* half of this machine's memory: a hostile trace must not take the rest of it */
	size_t bytes = pages > 0 && size > 0 ? (size_t)pages / 2 * (size_t)size : (size_t)4 << 30;

	if (mib) {
		char *end;
		unsigned long long n = strtoull(mib, &end, 10);

		if (*end || end == mib || !n || n > (SIZE_MAX >> 20)) {
			fprintf(stderr, "ebrec %s: --max-memory takes MiB, e.g. 4096\n", cmd);
			return 2;
		}
		bytes = (size_t)n << 20;
	}
	ebr_mem_set_limit(bytes);
	return 0;
}

const char *trace_file_nomem(void)
{
	static char msg[96];

	if (!ebr_mem_limit_reached())
		return "out of memory";
	snprintf(msg, sizeof(msg), "its memory limit was reached (--max-memory %zu MiB)",
		 ebr_mem_limit() >> 20);
	return msg;
}

const char *trace_file_strerror(int err)
{
	return err == EBR_E_NOMEM ? trace_file_nomem() : ebr_strerror(err);
}

int trace_file_args(int argc, char **argv, const char *help, const char *examples,
		    const char **file)
{
	const char *mib = NULL;

	*file = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: ebrec %s FILE [--max-memory MIB]\n\n%s\n\noptions:\n"
			       "  --max-memory MIB   stop at MIB of memory held for the trace "
			       "(default: half of\n"
			       "                     this machine's memory)\n\nexamples:\n%s\n",
			       argv[0], help, examples);
			return 0;
		}
		if (!strcmp(argv[i], "--max-memory") && i + 1 < argc) {
			mib = argv[++i];
		} else if ((argv[i][0] == '-' && argv[i][1]) || *file) {
			fprintf(stderr, "usage: ebrec %s FILE [--max-memory MIB] (see 'ebrec %s "
					"--help')\n", argv[0], argv[0]);
			return 2;
		} else {
			*file = argv[i];
		}
	}
	if (!*file) {
		fprintf(stderr, "usage: ebrec %s FILE [--max-memory MIB] (see 'ebrec %s --help')\n",
			argv[0], argv[0]);
		return 2;
	}
	return trace_file_budget(argv[0], mib) ?: -1;
}

bool trace_list_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
		if (!strncmp(p, item, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

bool trace_family_recorded(const struct ebr_reader *r, const char *family)
{
	return trace_list_has(ebr_reader_meta(r, "record.families"), family);
}

bool trace_tracepoint_recorded(const struct ebr_reader *r, const char *family,
			       const char *tracepoint)
{
	char key[64];
	const char *tps;

	snprintf(key, sizeof(key), "family.%s.tracepoints", family);
	tps = ebr_reader_meta(r, key);
	return !tps || trace_list_has(tps, tracepoint);
}

int trace_file_peek(const char *path, struct trace_peek *p)
{
	struct ebr_summary sum = { 0 };
	const char *end;
	char msg[256];
	int err;

	memset(p, 0, sizeof(*p));
	p->tf.fd = -1;
	if (!strcmp(path, "-"))
		return 0; /* a pipe is read once */
	p->tf.path = path;
	p->tf.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->tf.fd < 0)
		return 0;
	ebr_source_fd(&p->tf.src, &p->tf.fs, p->tf.fd);
	err = ebr_reader_open(&p->tf.r, &p->tf.src, msg, sizeof(msg));
	if (!err)
		err = ebr_reader_load_index(p->tf.r, &sum);
	if (!err) {
		end = ebr_reader_meta(p->tf.r, "clock.end.monotonic_ns");
		p->end_ns = end ? strtoull(end, NULL, 10) : sum.t_last;
		p->known = true;
	}
	ebr_summary_release(&sum);
	return err == EBR_E_NOMEM ? err : 0;
}

void trace_peek_release(struct trace_peek *p)
{
	trace_file_close(&p->tf);
}
