// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes crafted traces through format/'s writer, for tests/e2e/test_hostile.py: for each
 * kind, a hostile trace made to hit one worst case of a reader, and an ordinary trace with
 * the same events in ordinary shape (about the same number of events and bytes), so that a
 * test can state its time bound as a multiple of the ordinary one's.
 *
 *   ebr-traces KIND hostile|ordinary N OUT
 *
 * KIND (N: the number of keys, maps, functions... the worst case grows with):
 *   tcp-cookies    tcp.state of N sockets whose cookies collide in a fixed multiplicative hash
 *                  (murmur3's finalizer, inverted: every key lands in slot 0 of any table of
 *                  up to 2^24 slots)
 *   fd-keys        N file.open whose pid << 32 | fd keys collide the same way
 *   redact-tokens  N path tokens whose FNV-1a hashes share their low 20 bits
 *   map-overlap    N overlapping sym.map of one process, N samples at distinct addresses
 *   func-same      N sym.func at one offset, N samples (distinct comms) naming it
 *   siblings       N functions, N samples: each stack one distinct function under the
 *                  process (ordinary: under N / 64 callers)
 *   demangle       N sym.func with one long mangled C++ name (ordinary: a short C name)
 *   cwd-expand     a process whose working directory is 8000 bytes long, N opens of "a"
 *                  (ordinary: the directory is /home/user/work)
 *   fork-args      a process whose arguments are 1 MiB long and whose working directory is
 *                  4000 bytes, and N forks of it (ordinary: "app --serve" in /srv)
 *   stack-names    N samples (distinct comms) of a user stack of 256 frames in one function
 *                  whose name is 64 KiB long (ordinary: "step")
 *   private        for redact: host "secrethost", a log file named after it, a program's
 *                  symbols (function names, a build-id, a kernel module's symbol and a
 *                  kernel one) and N samples in two functions (ordinary: the same)
 *   strings        N rounds of one event of every type whose every string (and META value,
 *                  and fsslower's op byte) holds controls: C0, ESC sequences, DEL, C1 raw
 *                  and in UTF-8, bidi controls, U+2028/2029, and markup (ordinary: "plain")
 *
 * Deterministic: the same bytes on every run.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "format/array_size.h"
#include "format/ebr.h"

#define BASE_TS 1000000000ull
#define MAP_BASE 0x400000ull
#define PID 100

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
#define NALPHA (sizeof(alphabet) - 1)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The inverse of key ^= key >> 33; key *= C; key ^= key >> 33 (the old u64map slot hash). */
static uint64_t murmur_fmix_inverse(uint64_t h)
{
	const uint64_t c = 0xff51afd7ed558ccdull;
	uint64_t inv = c;

	for (int i = 0; i < 6; i++) /* Newton's iteration: c * inv = 1 mod 2^64 */
		inv *= 2 - c * inv;
	h ^= h >> 33;
	h *= inv;
	h ^= h >> 33;
	return h;
}

static int event(struct ebr_writer *w, uint32_t type, uint64_t i, struct ebr_value *v)
{
	return ebr_writer_event(w, type, BASE_TS + i * 1000, 0, v);
}

/* A file.open at time i of pid: path, returning ret (a descriptor or -errno). */
static int write_open(struct ebr_writer *w, uint64_t i, uint64_t pid, const char *comm,
		      const char *path, int64_t ret)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_FILE_OPEN_PID].u = pid;
	v[EBR_F_FILE_OPEN_TID].u = pid;
	v[EBR_F_FILE_OPEN_COMM].s = comm;
	v[EBR_F_FILE_OPEN_CALL].u = 2;
	v[EBR_F_FILE_OPEN_DIRFD].u = (uint64_t)-100;
	v[EBR_F_FILE_OPEN_PATH].s = path;
	v[EBR_F_FILE_OPEN_RET].u = (uint64_t)ret;
	return event(w, EBR_EV_FILE_OPEN, i, v);
}

static int write_tcp(struct ebr_writer *w, bool hostile, uint32_t n)
{
	static const unsigned char laddr[4] = { 10, 0, 0, 1 }, raddr[4] = { 10, 0, 0, 2 };
	int err = 0;

	for (uint32_t i = 1; i <= n && !err; i++) {
		struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

		v[EBR_F_TCP_STATE_PID].u = PID;
		v[EBR_F_TCP_STATE_TID].u = PID;
		v[EBR_F_TCP_STATE_COMM].s = "client";
		v[EBR_F_TCP_STATE_COOKIE].u = hostile ? murmur_fmix_inverse((uint64_t)i << 24) : rng();
		v[EBR_F_TCP_STATE_SKADDR].u = 0xffff888000000000ull + i * 64;
		v[EBR_F_TCP_STATE_IP].u = 4;
		v[EBR_F_TCP_STATE_LADDR].s = (const char *)laddr;
		v[EBR_F_TCP_STATE_LADDR].len = 4;
		v[EBR_F_TCP_STATE_RADDR].s = (const char *)raddr;
		v[EBR_F_TCP_STATE_RADDR].len = 4;
		v[EBR_F_TCP_STATE_LPORT].u = 40000;
		v[EBR_F_TCP_STATE_RPORT].u = 80;
		v[EBR_F_TCP_STATE_STATE].u = 2; /* SYN_SENT */
		v[EBR_F_TCP_STATE_OLDSTATE].u = 7; /* CLOSE */
		err = event(w, EBR_EV_TCP_STATE, i, v);
	}
	return err;
}

static int write_fd_keys(struct ebr_writer *w, bool hostile, uint32_t n)
{
	int err = 0;

	for (uint32_t i = 1, made = 0; made < n && !err; i++) {
		uint64_t key = hostile ? murmur_fmix_inverse((uint64_t)i << 24) : rng();

		if ((uint32_t)key > INT32_MAX)
			continue; /* not a descriptor */
		err = write_open(w, made++, key >> 32, "opener", "/etc/hosts", (uint32_t)key);
	}
	return err;
}

/*
 * FNV-1a's low k bits depend only on the low k bits before each step, and each step can be
 * undone: the 62 * 62 two-letter endings that lead back from 0 are tabled, and each token
 * (a distinct 5-letter prefix) gets the two letters that reach one of them.
 */
#define FNV_BITS 20
#define FNV_MASK ((1u << FNV_BITS) - 1)
#define FNV_PRIME 16777619u

static uint32_t fnv_step(uint32_t h, unsigned char c)
{
	return ((h ^ c) * FNV_PRIME) & FNV_MASK;
}

static int colliding_token(const uint16_t *back, uint32_t i, char out[10])
{
	uint32_t h = 2166136261u & FNV_MASK;

	out[0] = 't';
	for (int k = 1; k < 5; k++, i /= NALPHA)
		out[k] = alphabet[i % NALPHA];
	for (int k = 0; k < 5; k++)
		h = fnv_step(h, (unsigned char)out[k]);
	for (size_t a = 0; a < NALPHA; a++)
		for (size_t b = 0; b < NALPHA; b++) {
			uint32_t s = fnv_step(fnv_step(h, (unsigned char)alphabet[a]),
					      (unsigned char)alphabet[b]);

			if (back[s] != 0xffff) {
				out[5] = alphabet[a];
				out[6] = alphabet[b];
				out[7] = alphabet[back[s] / NALPHA];
				out[8] = alphabet[back[s] % NALPHA];
				out[9] = 0;
				return 0;
			}
		}
	return -1;
}

static int write_tokens(struct ebr_writer *w, bool hostile, uint32_t n)
{
	uint16_t *back = malloc(sizeof(*back) << FNV_BITS);
	uint32_t inv = FNV_PRIME, made = 0;
	char path[16 * 11 + 1];
	int err = 0;

	if (!back)
		return EBR_E_NOMEM;
	for (int i = 0; i < 5; i++)
		inv *= 2 - FNV_PRIME * inv;
	memset(back, 0xff, sizeof(*back) << FNV_BITS);
	for (size_t c = 0; c < NALPHA; c++) /* h = (h' * inv) ^ c undoes a step */
		for (size_t d = 0; d < NALPHA; d++) {
			uint32_t s = ((0 * inv) ^ (unsigned char)alphabet[d]) & FNV_MASK;

			s = ((s * inv) ^ (unsigned char)alphabet[c]) & FNV_MASK;
			back[s] = (uint16_t)(c * NALPHA + d);
		}
	for (uint32_t ev = 0, i = 0; made < n && !err; ev++) {
		size_t len = 0;

		for (int t = 0; t < 16 && made < n; t++, made++) { /* 16 tokens a path */
			char tok[10];

			if (hostile) {
				while (colliding_token(back, i++, tok))
					;
			} else {
				for (int k = 0; k < 9; k++)
					tok[k] = alphabet[rng() % NALPHA];
				tok[9] = 0;
			}
			path[len++] = '/';
			memcpy(path + len, tok, 9);
			len += 9;
		}
		path[len] = 0;
		err = write_open(w, ev, PID, "opener", path, 3);
	}
	free(back);
	return err;
}

static int write_object(struct ebr_writer *w)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_SYM_OBJECT_OBJECT].u = 1;
	v[EBR_F_SYM_OBJECT_PATH].s = "/usr/bin/app";
	v[EBR_F_SYM_OBJECT_KIND].u = 1;
	return event(w, EBR_EV_SYM_OBJECT, 0, v);
}

static int write_map(struct ebr_writer *w, uint64_t start, uint64_t end, uint64_t pgoff)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_SYM_MAP_PID].u = PID;
	v[EBR_F_SYM_MAP_START].u = start;
	v[EBR_F_SYM_MAP_END].u = end;
	v[EBR_F_SYM_MAP_PGOFF].u = pgoff;
	v[EBR_F_SYM_MAP_OBJECT].u = 1;
	v[EBR_F_SYM_MAP_NAME].s = "/usr/bin/app";
	return event(w, EBR_EV_SYM_MAP, 0, v);
}

static int write_func(struct ebr_writer *w, uint64_t offset, const char *name)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_SYM_FUNC_OBJECT].u = 1;
	v[EBR_F_SYM_FUNC_OFFSET].u = offset;
	v[EBR_F_SYM_FUNC_NAME].s = name;
	return event(w, EBR_EV_SYM_FUNC, 0, v);
}

/* A profile sample of comm with a user stack of depth frames (leaf first). */
static int write_sample(struct ebr_writer *w, uint64_t i, const char *comm, const uint64_t *frames,
			uint32_t depth)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	v[EBR_F_PROFILE_SAMPLE_PID].u = PID;
	v[EBR_F_PROFILE_SAMPLE_TID].u = PID;
	v[EBR_F_PROFILE_SAMPLE_COMM].s = comm;
	v[EBR_F_PROFILE_SAMPLE_USTACK].frames = frames;
	v[EBR_F_PROFILE_SAMPLE_USTACK].len = depth;
	v[EBR_F_PROFILE_SAMPLE_FLAGS].u = 4; /* no kernel stack */
	return event(w, EBR_EV_PROFILE_SAMPLE, i, v);
}

static int write_map_overlap(struct ebr_writer *w, bool hostile, uint32_t n)
{
	int err = write_object(w);

	/*
	 * hostile: each map starts 16 bytes after the last and all reach past every sample;
	 * ordinary: side by side. Either way each sample is at its own offset of the object.
	 */
	for (uint32_t i = 0; i < n && !err; i++)
		err = hostile ? write_map(w, MAP_BASE + i * 16ull, MAP_BASE + (1ull << 32), 0)
			      : write_map(w, MAP_BASE + i * 4096ull, MAP_BASE + (i + 1) * 4096ull,
					  i * 4096ull);
	for (uint32_t i = 0; i < n && !err; i++) {
		uint64_t addr = hostile ? MAP_BASE + n * 16ull + i * 16 : MAP_BASE + i * 4096ull + 16;

		err = write_sample(w, i, "app", &addr, 1);
	}
	return err;
}

static int write_func_same(struct ebr_writer *w, bool hostile, uint32_t n)
{
	int err = write_object(w) ?: write_map(w, MAP_BASE, MAP_BASE + (1ull << 32), 0);

	for (uint32_t i = 0; i < n && !err; i++)
		err = write_func(w, hostile ? 0x1000 : 0x1000 + i * 16ull, "step");
	for (uint32_t i = 0; i < n && !err; i++) {
		uint64_t addr = MAP_BASE + (hostile ? 0x1000 : 0x1000 + i * 16ull);
		char comm[16];

		snprintf(comm, sizeof(comm), "w%u", i);
		err = write_sample(w, i, comm, &addr, 1);
	}
	return err;
}

static int write_siblings(struct ebr_writer *w, bool hostile, uint32_t n)
{
	int err = write_object(w) ?: write_map(w, MAP_BASE, MAP_BASE + (1ull << 32), 0);
	char name[32];

	for (uint32_t i = 0; i < n && !err; i++) {
		snprintf(name, sizeof(name), "fn_%u", i);
		err = write_func(w, 0x1000 + i * 16ull, name);
	}
	for (uint32_t i = 0; i < n / 64 + 1 && !err; i++) {
		snprintf(name, sizeof(name), "caller_%u", i);
		err = write_func(w, 0x100000000ull + i * 16ull - 1, name); /* a return address */
	}
	for (uint32_t i = 0; i < n && !err; i++) {
		uint64_t frames[2] = { MAP_BASE + 0x1000 + i * 16ull,
				       MAP_BASE + 0x100000000ull + (i / 64) * 16ull };

		err = write_sample(w, i, "app", frames, hostile ? 1 : 2);
	}
	return err;
}

static int write_demangle(struct ebr_writer *w, bool hostile, uint32_t n)
{
	/* std::_Rb_tree<std::string, std::pair<...>, ...>::_M_erase(...): 419 bytes demangled */
	static const char mangled[] =
		"_ZNSt8_Rb_treeINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt4pairIKS5_"
		"St6vectorIS5_SaIS5_EEESt10_Select1stISB_ESt4lessIS5_ESaISB_EE8_M_eraseEPSt13_Rb_"
		"tree_nodeISB_E";
	int err = write_object(w);

	for (uint32_t i = 0; i < n && !err; i++)
		err = write_func(w, 0x1000 + i * 16ull, hostile ? mangled : "main_loop");
	return err;
}

static int write_cwd(struct ebr_writer *w, bool hostile, uint32_t n)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	char *cwd = malloc(8001);
	int err;

	if (!cwd)
		return EBR_E_NOMEM;
	for (int i = 0; i < 8000; i++)
		cwd[i] = i % 100 ? 'd' : '/';
	cwd[8000] = 0;
	v[EBR_F_PROC_TASK_PID].u = PID;
	v[EBR_F_PROC_TASK_PPID].u = 1;
	v[EBR_F_PROC_TASK_COMM].s = "opener";
	v[EBR_F_PROC_TASK_CWD].s = hostile ? cwd : "/home/user/work";
	v[EBR_F_PROC_TASK_THREADS].u = 1;
	err = event(w, EBR_EV_PROC_TASK, 0, v);
	free(cwd);
	for (uint32_t i = 0; i < n && !err; i++) /* ENOENT: no descriptor to remember */
		err = write_open(w, i + 1, PID, "opener", "a", -2);
	return err;
}

/* A string of len bytes of c: the caller frees it. */
static char *long_string(size_t len, char c)
{
	char *s = malloc(len + 1);

	if (s) {
		memset(s, c, len);
		s[len] = 0;
	}
	return s;
}

static int write_fork_args(struct ebr_writer *w, bool hostile, uint32_t n)
{
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	char *args = long_string(EBR_MAX_STRING - 1, 'a'), *cwd = long_string(4000, 'd');
	int err;

	if (!args || !cwd) {
		err = EBR_E_NOMEM;
		goto out;
	}
	cwd[0] = '/';
	v[EBR_F_PROC_TASK_PID].u = PID;
	v[EBR_F_PROC_TASK_PPID].u = 1;
	v[EBR_F_PROC_TASK_COMM].s = "app";
	v[EBR_F_PROC_TASK_ARGS].s = hostile ? args : "app\0--serve";
	v[EBR_F_PROC_TASK_ARGS].len = hostile ? EBR_MAX_STRING - 1 : 12;
	v[EBR_F_PROC_TASK_CWD].s = hostile ? cwd : "/srv";
	v[EBR_F_PROC_TASK_THREADS].u = 1;
	err = event(w, EBR_EV_PROC_TASK, 0, v);
	for (uint32_t i = 0; i < n && !err; i++) {
		memset(v, 0, sizeof(v));
		v[EBR_F_PROC_FORK_PID].u = PID;
		v[EBR_F_PROC_FORK_TID].u = PID;
		v[EBR_F_PROC_FORK_CHILD_PID].u = PID + 1 + i;
		v[EBR_F_PROC_FORK_COMM].s = "app";
		err = event(w, EBR_EV_PROC_FORK, i + 1, v);
	}
out:
	free(args);
	free(cwd);
	return err;
}

static int write_stack_names(struct ebr_writer *w, bool hostile, uint32_t n)
{
	char *name = long_string(64 << 10, 'f');
	uint64_t frames[EBR_MAX_STACK_DEPTH];
	int err;

	if (!name)
		return EBR_E_NOMEM;
	err = write_object(w) ?: write_map(w, MAP_BASE, MAP_BASE + (1ull << 32), 0);
	err = err ?: write_func(w, 0x1000, hostile ? name : "step");
	for (uint32_t i = 0; i < EBR_MAX_STACK_DEPTH; i++)
		frames[i] = MAP_BASE + 0x1000 + i;
	for (uint32_t i = 0; i < n && !err; i++) {
		char comm[16];

		snprintf(comm, sizeof(comm), "w%u", i);
		err = write_sample(w, i, comm, frames, EBR_MAX_STACK_DEPTH);
	}
	free(name);
	return err;
}

/* Every kind of byte a terminal, a JSON reader or a browser might act on. */
static const char hostile_text[] =
	"h\x1b]0;title\x07\x1b[2J\x01\x7f\x9b" "31m\xc2\x85\xc2\x9b" "1m\xe2\x80\xae"
	"\xe2\x80\xa8\xe2\x80\xa9\xe2\x81\xa6<b>&\"'</script>\xff";

/* A value for a number field that makes its event one the views show. */
static uint64_t number_for(const char *field, bool hostile)
{
	static const struct {
		const char *name;
		uint64_t value;
	} numbers[] = {
		{ "pid", PID }, { "tid", PID }, { "ppid", 1 }, { "uid", 1000 },
		{ "dev", 254u << 20 }, { "ip", 4 }, { "start", MAP_BASE },
		{ "end", MAP_BASE + 0x100000 }, { "object", 1 }, { "offset", 0x1010 },
		{ "addr", 0xffffffff81000000ull }, { "size", 0x1000 }, { "ret", 3 },
		{ "bytes", 4096 }, { "state", 1 }, { "oldstate", 2 }, { "lport", 40000 },
		{ "rport", 80 }, { "dirfd", (uint64_t)-100 }, { "call", 2 }, { "kind", 1 },
		{ "fs_flags", 1 }, { "threads", 1 }, { "depth", 0 },
	};

	if (!strcmp(field, "op"))
		return hostile ? 0x1b : 'R';
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++)
		if (!strcmp(numbers[i].name, field))
			return numbers[i].value;
	return 5000000; /* latencies, spans, counts */
}

static int write_strings(struct ebr_writer *w, bool hostile, uint32_t n)
{
	static const unsigned char addr[4] = { 10, 0, 0, 1 };
	static const uint64_t kstack[] = { 0xffffffff81000010ull };
	static const uint64_t ustack[] = { MAP_BASE + 0x1010 };
	const char *text = hostile ? hostile_text : "plain";
	uint64_t ts = 0;
	int err = 0;

	for (uint32_t round = 0; round < n && !err; round++) {
		for (uint32_t t = 0; t < ebr_event_def_count() && !err; t++) {
			const struct ebr_event_def *def = ebr_event_def_at(t);
			struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

			for (uint32_t f = 0; f < def->nfields; f++) {
				const char *name = def->fields[f].name;

				switch (def->fields[f].kind) {
				case EBR_KIND_STR:
					v[f].s = text;
					break;
				case EBR_KIND_BYTES:
					v[f].s = strstr(name, "addr") ? (const char *)addr : text;
					v[f].len = strstr(name, "addr") ? 4 : (uint32_t)strlen(text) + 1;
					break;
				case EBR_KIND_STACK:
					v[f].frames = strcmp(name, "kstack") ? ustack : kstack;
					v[f].len = 1;
					break;
				default:
					v[f].u = number_for(name, hostile);
				}
			}
			/* fsslower's op: ESC in the first round, an 8-bit CSI in the next */
			if (def->id == EBR_EV_FILE_SLOW && hostile && round % 2)
				v[EBR_F_FILE_SLOW_OP].u = 0x9b;
			err = ebr_writer_event(w, def->id, BASE_TS + ++ts * 1000000, 0, v);
		}
	}
	return err;
}

static int write_private(struct ebr_writer *w, bool hostile, uint32_t n)
{
	static const unsigned char build_id[20] = { 0x5e, 0xc2, 0xe7, 0x1d };
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };
	int err;

	(void)hostile;
	err = write_open(w, 0, PID, "logger", "/var/log/secrethost-q7.log", 3);
	for (uint32_t i = 0; i < n && !err; i++) {
		/* two addresses in each function: after redaction they still merge into two */
		uint64_t u = MAP_BASE + 0x1000 + (i % 4) * 0x10, k[2] = { 0xffffffffc0001010ull,
									   0xffffffff81000010ull };

		memset(v, 0, sizeof(v));
		v[EBR_F_PROFILE_SAMPLE_PID].u = PID;
		v[EBR_F_PROFILE_SAMPLE_TID].u = PID;
		v[EBR_F_PROFILE_SAMPLE_COMM].s = "app";
		v[EBR_F_PROFILE_SAMPLE_KSTACK].frames = k;
		v[EBR_F_PROFILE_SAMPLE_KSTACK].len = 2;
		v[EBR_F_PROFILE_SAMPLE_USTACK].frames = &u;
		v[EBR_F_PROFILE_SAMPLE_USTACK].len = 1;
		err = event(w, EBR_EV_PROFILE_SAMPLE, i + 1, v);
	}
	memset(v, 0, sizeof(v));
	v[EBR_F_SYM_OBJECT_OBJECT].u = 1;
	v[EBR_F_SYM_OBJECT_PATH].s = "/usr/bin/app";
	v[EBR_F_SYM_OBJECT_BUILD_ID].s = (const char *)build_id;
	v[EBR_F_SYM_OBJECT_BUILD_ID].len = sizeof(build_id);
	v[EBR_F_SYM_OBJECT_KIND].u = 1;
	err = err ?: event(w, EBR_EV_SYM_OBJECT, n + 1, v);
	err = err ?: write_map(w, MAP_BASE, MAP_BASE + 0x100000, 0);
	for (uint64_t off = 0x1000; off < 0x1040 && !err; off += 0x10)
		err = write_func(w, off, off < 0x1020 ? "_ZN6secret7computeEv" : "secret_helper");
	memset(v, 0, sizeof(v));
	v[EBR_F_SYM_KERNEL_ADDR].u = 0xffffffffc0001000ull;
	v[EBR_F_SYM_KERNEL_SIZE].u = 0x100;
	v[EBR_F_SYM_KERNEL_NAME].s = "secretdrv_ioctl";
	v[EBR_F_SYM_KERNEL_MODULE].s = "secretdrv";
	err = err ?: event(w, EBR_EV_SYM_KERNEL, n + 1, v);
	v[EBR_F_SYM_KERNEL_ADDR].u = 0xffffffff81000000ull;
	v[EBR_F_SYM_KERNEL_NAME].s = "vfs_ioctl";
	v[EBR_F_SYM_KERNEL_MODULE].s = "";
	return err ?: event(w, EBR_EV_SYM_KERNEL, n + 1, v);
}

/* META whose every free-text value is hostile; the families' names stay the format's own */
static int write_strings_meta(struct ebr_writer *w, bool hostile)
{
	static const char *const keys[] = {
		"host.hostname", "host.kernel", "host.machine", "host.ncpus", "host.page_size",
		"record.cmdline", "profile.frequency_hz", "offcpu.min_us", "file.min_us", "file.fs",
		"dev.254:0", "ebrec.version", "probe.1", "family.block", "symbols.user_frames",
		"symbols.user_resolved", "clock.start.realtime_ns",
	};
	int err = ebr_writer_meta(w, "record.families", "block,proc,file,cache,tcp,sched,profile,"
				  "offcpu");
	char host[3 * sizeof(hostile_text)];

	/* a host name of more than 256 bytes once escaped: info's fields must not overlap */
	snprintf(host, sizeof(host), "%s%s%s", hostile_text, hostile_text, hostile_text);
	for (size_t i = 0; i < ARRAY_SIZE(keys) && !err; i++)
		err = ebr_writer_meta(w, keys[i], !hostile ? "plain" : i ? hostile_text : host);
	return err;
}

static const struct {
	const char *name, *families;
	int (*write)(struct ebr_writer *w, bool hostile, uint32_t n);
} kinds[] = {
	{ "tcp-cookies", "tcp", write_tcp },
	{ "fd-keys", "file", write_fd_keys },
	{ "redact-tokens", "file", write_tokens },
	{ "map-overlap", "profile", write_map_overlap },
	{ "func-same", "profile", write_func_same },
	{ "siblings", "profile", write_siblings },
	{ "demangle", "profile", write_demangle },
	{ "cwd-expand", "proc,file", write_cwd },
	{ "fork-args", "proc", write_fork_args },
	{ "stack-names", "profile", write_stack_names },
	{ "private", "file,profile", write_private },
	{ "strings", NULL, write_strings },
};

int main(int argc, char **argv)
{
	struct ebr_writer *w = NULL;
	struct ebr_sink sink;
	int fd, err;
	size_t k;

	if (argc != 5 || (strcmp(argv[2], "hostile") && strcmp(argv[2], "ordinary"))) {
		fprintf(stderr, "usage: ebr-traces KIND hostile|ordinary N OUT\n");
		return 2;
	}
	for (k = 0; k < ARRAY_SIZE(kinds) && strcmp(kinds[k].name, argv[1]); k++)
		;
	if (k == ARRAY_SIZE(kinds)) {
		fprintf(stderr, "ebr-traces: unknown kind %s\n", argv[1]);
		return 2;
	}
	fd = ebr_trace_create(argv[4], true);
	if (fd < 0) {
		perror(argv[4]);
		return 1;
	}
	ebr_sink_fd(&sink, &fd);
	err = ebr_writer_new(&w, &sink, NULL);
	if (kinds[k].families) {
		err = err ?: ebr_writer_meta(w, "host.hostname", strcmp(argv[1], "private")
								   ? "crafted" : "secrethost");
		err = err ?: ebr_writer_meta(w, "record.families", kinds[k].families);
		err = err ?: ebr_writer_meta(w, "profile.frequency_hz", "99");
	} else {
		err = err ?: write_strings_meta(w, !strcmp(argv[2], "hostile"));
	}
	err = err ?: ebr_writer_meta(w, "clock.start.monotonic_ns", "1000000000");
	err = err ?: kinds[k].write(w, !strcmp(argv[2], "hostile"), (uint32_t)atoi(argv[3]));
	if (err) {
		if (w)
			ebr_writer_abandon(w);
		fprintf(stderr, "ebr-traces: writing %s failed: %s\n", argv[4], ebr_strerror(err));
		close(fd);
		return 1;
	}
	err = ebr_writer_close(w);
	if (close(fd) || err) {
		fprintf(stderr, "ebr-traces: writing %s failed\n", argv[4]);
		return 1;
	}
	return 0;
}
