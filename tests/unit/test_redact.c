// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of `ebrec redact`'s rules: the HMAC, the tokens, the kinds of fields. */
#include <stdlib.h>
#include <string.h>
#include "report/hmac_sha256.h"
#include "redact/redact.h"
#include "tests/unit/check.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* FIPS 180-4 and RFC 4231 test vectors */
static void test_sha256_and_hmac_vectors(void)
{
	unsigned char out[SHA256_BYTES], key[20];
	char h[2 * SHA256_BYTES + 1];
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, "abc", 3);
	sha256_final(&s, out);
	hex(out, sizeof(out), h);
	CHECK(!strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	sha256_init(&s);
	sha256_update(&s, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
	sha256_final(&s, out);
	hex(out, sizeof(out), h);
	CHECK(!strcmp(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	memset(key, 0x0b, sizeof(key));
	hmac_sha256(key, sizeof(key), "Hi ", 3, "There", 5, out);
	hex(out, sizeof(out), h);
	CHECK(!strcmp(h, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
	hmac_sha256((const unsigned char *)"Jefe", 4, "what do ya want ", 16, "for nothing?", 12,
		    out);
	hex(out, sizeof(out), h);
	CHECK(!strcmp(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
}

static const unsigned char KEY[SHA256_BYTES] = { 1, 2, 3 };

static size_t last_len;

/* A copy of the rewritten bytes, NULs of args included (their length in last_len). */
static char *rewrite(struct redactor *rd, unsigned kind, const char *s, size_t len)
{
	char *copy;

	CHECK_EQ(redactor_rewrite(rd, kind, s, len, &last_len), 0);
	copy = malloc(last_len + 1);
	CHECK(copy != NULL);
	memcpy(copy, rd->out, last_len + 1);
	return copy;
}

/* A path keeps its shape; the same component gets the same pseudonym everywhere. */
static void test_paths_keep_their_shape_and_joins(void)
{
	struct redactor rd;
	char *srv, *acme, *notes, *got, want[256];

	redactor_init(&rd, REDACT_PATHS, KEY);
	CHECK_EQ(redactor_learn(&rd, REDACT_PATHS, "/srv/acme/notes.txt", 19), 0);
	srv = rewrite(&rd, REDACT_PATHS, "srv", 3);
	acme = rewrite(&rd, REDACT_PATHS, "acme", 4);
	notes = rewrite(&rd, REDACT_PATHS, "notes.txt", 9);
	CHECK(strlen(srv) == 13 && srv[0] == 'r' && strcmp(srv, acme) != 0);
	CHECK(!strcmp(notes + 13, ".txt")); /* the extension says what a file is */
	got = rewrite(&rd, REDACT_PATHS, "/srv/acme/notes.txt", 19);
	snprintf(want, sizeof(want), "/%s/%s/%s", srv, acme, notes);
	CHECK(!strcmp(got, want));
	free(got);
	got = rewrite(&rd, REDACT_PATHS, "../acme/./notes.txt", 19);
	snprintf(want, sizeof(want), "../%s/./%s", acme, notes);
	CHECK(!strcmp(got, want));
	free(got);
	got = rewrite(&rd, 0, "cat notes.txt", 13); /* another field: known names go too */
	snprintf(want, sizeof(want), "cat %s", notes);
	CHECK(!strcmp(got, want));
	free(got);
	got = rewrite(&rd, REDACT_COMM, "acme", 4); /* a kind not chosen: the same */
	CHECK(!strcmp(got, acme));
	free(got);
	free(srv);
	free(acme);
	free(notes);
	redactor_release(&rd);
}

/* Args keep their NUL separators; numbers and short tokens are replaced only in place. */
static void test_args_numbers_and_short_tokens(void)
{
	static const char args[] = "dd\0bs=4096\0if=/dev/sda\0";
	struct redactor rd;
	char *a, *meta;

	redactor_init(&rd, REDACT_ARGS, KEY);
	CHECK_EQ(redactor_learn(&rd, REDACT_ARGS, args, sizeof(args) - 1), 0);
	a = rewrite(&rd, REDACT_ARGS, args, sizeof(args) - 1);
	CHECK(!memmem(a, last_len, "4096", 4) && !memmem(a, last_len, "sda", 3));
	CHECK_EQ(last_len, 13 + 1 + 13 + 1 + 13 + 1 + 13 + 1 + 1 + 13 + 1 + 13 + 1);
	CHECK(a[13] == 0 && !strncmp(a + 14, "r", 1)); /* "dd" then NUL, then "bs"... */
	meta = rewrite(&rd, 0, "page 4096 dd sda", 16);
	CHECK(!strncmp(meta, "page 4096 dd r", 14)); /* 4096 and dd stay; sda is a name */
	free(a);
	free(meta);
	redactor_release(&rd);
}

/* Another key, other pseudonyms: without the key they cannot be recomputed. */
static void test_pseudonyms_depend_on_the_key(void)
{
	static const unsigned char other[SHA256_BYTES] = { 9 };
	struct redactor a, b;
	char *x, *y;

	redactor_init(&a, REDACT_COMM, KEY);
	redactor_init(&b, REDACT_COMM, other);
	x = rewrite(&a, REDACT_COMM, "postgres", 8);
	y = rewrite(&b, REDACT_COMM, "postgres", 8);
	CHECK(strcmp(x, y) != 0 && strlen(x) == 13 && x[0] == 'r');
	free(x);
	free(y);
	redactor_release(&a);
	redactor_release(&b);
}

static void test_addresses_users_and_homes(void)
{
	unsigned char v4[4] = { 192, 0, 2, 77 }, lo[4] = { 127, 0, 0, 1 }, v6[16] = { 0x20, 0x01 };
	unsigned char mapped[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 77 };
	struct redactor rd;
	char *s;

	redactor_init(&rd, REDACT_NET | REDACT_USERS, KEY);
	CHECK_EQ(redactor_learn_addr(&rd, v4, 4), 0);
	redactor_addr(&rd, v4, 4);
	redactor_addr(&rd, lo, 4);
	redactor_addr(&rd, mapped, 16);
	redactor_addr(&rd, v6, 16);
	CHECK(v4[0] == 10 && !memcmp(mapped + 12, v4, 4)); /* IPv4 and v4-mapped agree */
	CHECK(lo[0] == 127 && lo[3] == 1 && v6[0] == 0xfd);
	s = rewrite(&rd, 0, "curl http://192.0.2.77/x", 24);
	CHECK(!strstr(s, "192.0.2.77") && strstr(s, "10."));
	free(s);
	CHECK_EQ(redactor_uid(&rd, 0), 0);
	CHECK(redactor_uid(&rd, 1000) >= 100000 && redactor_uid(&rd, 1000) != 1000);
	CHECK_EQ(redactor_learn(&rd, REDACT_PATHS, "/home/alice/x", 13), 0);
	s = rewrite(&rd, REDACT_COMM, "alice-job", 9); /* '-' ends a private name in a word */
	CHECK(s[0] == 'r' && strlen(s) == 17 && !strcmp(s + 13, "-job"));
	free(s);
	s = rewrite(&rd, 0, "user alice", 10);
	CHECK(!strstr(s, "alice"));
	free(s);
	redactor_release(&rd);
}

/*
 * Tokens whose FNV-1a hashes (the table's old, fixed hash) share their low 12 bits: 2,000 of
 * them were one run of slots in a table of 4,096, each insert and lookup walking the run.
 * Keyed, the longest run stays short.
 */
static void test_tokens_a_trace_chose_do_not_collide(void)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
	struct redactor rd;
	uint32_t made = 0, run = 0, longest = 0;

	redactor_init(&rd, REDACT_PATHS, KEY);
	for (uint64_t i = 0; made < 2000; i++) {
		char tok[8];
		uint32_t h = 2166136261u;
		uint64_t x = i;

		for (int k = 0; k < 7; k++, x /= 26)
			tok[k] = letters[x % 26];
		tok[7] = 0;
		for (int k = 0; k < 7; k++)
			h = (h ^ (unsigned char)tok[k]) * 16777619u;
		if (h & 0xfff)
			continue;
		CHECK_EQ(redactor_learn(&rd, REDACT_PATHS, tok, 7), 0);
		made++;
	}
	CHECK_EQ(rd.len, 2000);
	for (uint32_t i = 0; i < 2 * rd.cap; i++) {
		run = rd.slots[i % rd.cap].text ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	CHECK(longest < 200);
	redactor_release(&rd);
}

static void test_field_kinds(void)
{
	const struct ebr_event_def *open = ebr_event_def(EBR_EV_FILE_OPEN);
	const struct ebr_event_def *func = ebr_event_def(EBR_EV_SYM_FUNC);
	const struct ebr_event_def *map = ebr_event_def(EBR_EV_SYM_MAP);
	const struct ebr_event_def *obj = ebr_event_def(EBR_EV_SYM_OBJECT);
	const struct ebr_event_def *ksym = ebr_event_def(EBR_EV_SYM_KERNEL);
	struct ebr_value v[EBR_MAX_FIELDS] = { 0 };

	CHECK_EQ(redact_field_kind(open, EBR_F_FILE_OPEN_PATH, NULL), REDACT_PATHS);
	CHECK_EQ(redact_field_kind(open, EBR_F_FILE_OPEN_COMM, NULL), REDACT_COMM);
	CHECK_EQ(redact_field_kind(open, EBR_F_FILE_OPEN_FSTYPE, NULL), 0);
	CHECK_EQ(redact_field_kind(func, EBR_F_SYM_FUNC_NAME, NULL), REDACT_SYMBOLS);
	CHECK_EQ(redact_field_kind(func, EBR_F_SYM_FUNC_FILE, NULL), REDACT_PATHS);
	CHECK_EQ(redact_field_kind(map, EBR_F_SYM_MAP_NAME, NULL), REDACT_PATHS);
	CHECK_EQ(redact_field_kind(obj, EBR_F_SYM_OBJECT_BUILD_ID, NULL), REDACT_SYMBOLS);
	CHECK_EQ(redact_field_kind(obj, EBR_F_SYM_OBJECT_PATH, NULL), REDACT_PATHS);
	/* a process's title is the command line it rewrote: --args, as its arguments */
	CHECK_EQ(redact_field_kind(ebr_event_def(EBR_EV_PROC_TITLE), EBR_F_PROC_TITLE_TITLE, NULL),
		 REDACT_ARGS);
	CHECK_EQ(redact_field_kind(ebr_event_def(EBR_EV_PROC_TITLE), EBR_F_PROC_TITLE_COMM, NULL),
		 REDACT_COMM);
	/* a kernel symbol: the image's own names are public, a module's are someone's */
	v[EBR_F_SYM_KERNEL_MODULE].s = "";
	CHECK_EQ(redact_field_kind(ksym, EBR_F_SYM_KERNEL_NAME, v), 0);
	v[EBR_F_SYM_KERNEL_MODULE].s = "acme_drv";
	CHECK_EQ(redact_field_kind(ksym, EBR_F_SYM_KERNEL_NAME, v), REDACT_SYMBOLS);
	CHECK_EQ(redact_field_kind(ksym, EBR_F_SYM_KERNEL_MODULE, v), REDACT_SYMBOLS);
	CHECK_EQ(redact_kinds_parse("comm,net,bogus"), REDACT_COMM | REDACT_NET);
	CHECK_EQ(redact_kinds_parse("symbols"), REDACT_SYMBOLS);
}

/* A generic probe's strings: comm, paths by name or by their '/', the rest --probe-strings. */
static void test_generic_probe_field_kinds(void)
{
	static const struct ebr_field_def fields[] = {
		{ .name = "common_comm", .kind = EBR_KIND_STR },
		{ .name = "child_comm", .kind = EBR_KIND_STR },
		{ .name = "filename_str", .kind = EBR_KIND_STR },
		{ .name = "pathname", .kind = EBR_KIND_STR },
		{ .name = "retval_str", .kind = EBR_KIND_STR },
		{ .name = "uid", .kind = EBR_KIND_U64 },
		{ .name = "arg0", .kind = EBR_KIND_U64 },
		{ .name = "data", .kind = EBR_KIND_BYTES },
	};
	const struct ebr_event_def def = { .id = EBR_DYN_TYPE_BASE, .name = "uprobe:/a/b:f",
					   .nfields = 8, .fields = fields };
	struct ebr_value v[8] = { 0 };

	CHECK_EQ(redact_field_kind(&def, 0, v), REDACT_COMM);
	CHECK_EQ(redact_field_kind(&def, 1, v), REDACT_COMM);
	CHECK_EQ(redact_field_kind(&def, 2, v), REDACT_PATHS);
	CHECK_EQ(redact_field_kind(&def, 3, v), REDACT_PATHS);
	v[4].s = "name-7";
	CHECK_EQ(redact_field_kind(&def, 4, v), REDACT_PROBE_STRINGS);
	v[4].s = "/srv/acme/db";
	CHECK_EQ(redact_field_kind(&def, 4, v), REDACT_PATHS);
	CHECK_EQ(redact_field_kind(&def, 5, v), REDACT_USERS);
	CHECK_EQ(redact_field_kind(&def, 6, v), 0);
	CHECK_EQ(redact_field_kind(&def, 7, v), 0);
	CHECK_EQ(redact_kinds_parse("probe-strings"), REDACT_PROBE_STRINGS);
}

/* A probe's name: its binary's path as a path, its function or USDT names as symbols. */
static void test_probe_names(void)
{
	struct redactor rd;
	size_t n;
	char *path, want[256];

	redactor_init(&rd, REDACT_PATHS | REDACT_SYMBOLS, KEY);
	CHECK_EQ(redact_probe_name_learn(&rd, "uprobe:/opt/acme/bin/acmed:acme_handle"), 0);
	path = rewrite(&rd, REDACT_PATHS, "/opt/acme/bin/acmed", 19);
	CHECK_EQ(redact_probe_name(&rd, "tracepoint:sched:sched_switch", &n), 0);
	CHECK(!strcmp(rd.out, "tracepoint:sched:sched_switch"));
	CHECK_EQ(redact_probe_name(&rd, "uprobe:/opt/acme/bin/acmed:acme_handle", &n), 0);
	CHECK(!strncmp(rd.out, "uprobe:", 7) && strstr(rd.out, path) == rd.out + 7);
	CHECK(!strstr(rd.out, "acme") && n == strlen(rd.out));
	CHECK_EQ(redact_probe_name(&rd, "usdt:/opt/acme/bin/acmed:acmeprov:tick", &n), 0);
	snprintf(want, sizeof(want), "usdt:%s:", path);
	CHECK(!strncmp(rd.out, want, strlen(want)) && !strstr(rd.out, "acme"));
	CHECK(strchr(rd.out + strlen(want), ':') != NULL); /* provider:name, each its own */
	/* a name short of its colons: all path */
	CHECK_EQ(redact_probe_name(&rd, "uretprobe:/opt/acme/bin/acmed", &n), 0);
	snprintf(want, sizeof(want), "uretprobe:%s", path);
	CHECK(!strcmp(rd.out, want));
	free(path);
	redactor_release(&rd);
}

/*
 * --host alone: the host name learned from META is replaced inside longer words of fields
 * of other kinds, where '.', '-' or '_' join it to other text; words that only contain it
 * as part of a longer run of letters are not names of it.
 */
static void test_private_names_inside_longer_words(void)
{
	struct redactor rd;
	char *host, *got, want[256];

	redactor_init(&rd, REDACT_HOST, KEY);
	CHECK_EQ(redactor_learn(&rd, REDACT_HOST, "secrethost", 10), 0);
	host = rewrite(&rd, REDACT_HOST, "secrethost", 10);
	got = rewrite(&rd, REDACT_PATHS, "/var/log/secrethost-q7.log", 26);
	snprintf(want, sizeof(want), "/var/log/%s-q7.log", host);
	CHECK(!strcmp(got, want));
	free(got);
	got = rewrite(&rd, 0, "x_secrethost.example.com_y secrethostly", 39);
	snprintf(want, sizeof(want), "x_%s.example.com_y secrethostly", host);
	CHECK(!strcmp(got, want));
	free(got);
	free(host);
	redactor_release(&rd);
}

/* A build-id's bytes: as many pseudonymous bytes, the same for the same id under one key. */
static void test_build_ids_are_pseudonymized_bytes(void)
{
	static const unsigned char id[20] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 };
	unsigned char a[20], b[20], c[40];
	struct redactor rd;

	redactor_init(&rd, REDACT_SYMBOLS, KEY);
	memcpy(a, id, sizeof(id));
	memcpy(b, id, sizeof(id));
	redactor_bytes(&rd, a, sizeof(a));
	redactor_bytes(&rd, b, sizeof(b));
	CHECK(!memcmp(a, b, sizeof(a)) && memcmp(a, id, sizeof(id)) != 0);
	memset(c, 7, sizeof(c));
	redactor_bytes(&rd, c, sizeof(c));
	CHECK(memchr(c + 32, 7, 8) == NULL || memcmp(c + 32, "\7\7\7\7\7\7\7\7", 8) != 0);
	redactor_release(&rd);
}

/* A value whose pseudonyms outgrow the format's limit is cut after a whole name, and counted. */
static void test_a_value_that_outgrows_the_limit_is_cut_between_names(void)
{
	struct redactor rd;
	size_t len = EBR_MAX_STRING - 1;
	char *in = malloc(len), *out;

	CHECK(in != NULL);
	if (!in)
		return;
	for (size_t i = 0; i < len; i++) /* "a/b/a/b...": one-byte names, each a long pseudonym */
		in[i] = i % 2 ? '/' : (char)('a' + (i / 2) % 2);
	redactor_init(&rd, REDACT_PATHS, KEY);
	out = rewrite(&rd, REDACT_PATHS, in, len);
	CHECK(last_len <= EBR_MAX_STRING && last_len > EBR_MAX_STRING - 64);
	CHECK_EQ(rd.cut, 1);
	/* every name whole: the output is pseudonym/pseudonym/..., ending at a '/' or a name */
	CHECK(out[last_len - 1] == '/' || strcspn(strrchr(out, '/') + 1, "/") ==
	      strcspn(out, "/"));
	CHECK_EQ(redactor_rewrite(&rd, REDACT_PATHS, "a/b", 3, &last_len), 0);
	CHECK_EQ(rd.cut, 1); /* a short one is not */
	free(out);
	free(in);
	redactor_release(&rd);
}

int main(void)
{
	RUN(test_sha256_and_hmac_vectors);
	RUN(test_paths_keep_their_shape_and_joins);
	RUN(test_args_numbers_and_short_tokens);
	RUN(test_pseudonyms_depend_on_the_key);
	RUN(test_addresses_users_and_homes);
	RUN(test_field_kinds);
	RUN(test_generic_probe_field_kinds);
	RUN(test_probe_names);
	RUN(test_private_names_inside_longer_words);
	RUN(test_build_ids_are_pseudonymized_bytes);
	RUN(test_tokens_a_trace_chose_do_not_collide);
	RUN(test_a_value_that_outgrows_the_limit_is_cut_between_names);
	return CHECK_SUMMARY();
}
