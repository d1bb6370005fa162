// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/siphash.h"
#include "format/array_size.h"
#include "redact/redact.h"
#include "format/mem.h"

#define PSEUDONYM_HEX 12          /* 48 bits: no collision expected below millions of tokens */
#define EVERYWHERE_MIN_LEN 3      /* shorter tokens ("-c", "x") are replaced only in place */
#define MAX_TOKENS (1u << 26)

static const struct {
	const char *name;
	unsigned kind;
} kind_names[] = {
	{ "paths", REDACT_PATHS }, { "args", REDACT_ARGS }, { "comm", REDACT_COMM },
	{ "net", REDACT_NET },	   { "host", REDACT_HOST }, { "users", REDACT_USERS },
	{ "symbols", REDACT_SYMBOLS }, { "probe-strings", REDACT_PROBE_STRINGS },
};

unsigned redact_kind_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++)
		if (!strcmp(kind_names[i].name, name))
			return kind_names[i].kind;
	return 0;
}

unsigned redact_kinds_parse(const char *text)
{
	unsigned kinds = 0;
	char name[16];

	for (const char *p = text; p && *p;) {
		size_t n = strcspn(p, ",");

		if (n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = 0;
			kinds |= redact_kind_of(name);
		}
		p += n + (p[n] == ',');
	}
	return kinds;
}

const char *redact_kinds_text(unsigned kinds, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++)
		if ((kinds & kind_names[i].kind) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "",
					      kind_names[i].name);
	return buf;
}

static unsigned field_kind_by_name(const struct ebr_event_def *def, const char *name);

/*
 * A string of a generic probe's event (a type the trace describes): its comm fields are
 * names of processes; a string named as the families' are ("filename_str" as "filename") of
 * that kind; one named for a path or a file, or that starts with '/', a path; any other
 * (a tracepoint's __data_loc string, a --str string, a USDT argument's) under
 * --probe-strings. Numbers and arrays of numbers are kept: they are no names.
 */
static unsigned probe_string_kind(const struct ebr_event_def *def, uint32_t field,
				  const struct ebr_value *v)
{
	const char *name = def->fields[field].name;
	size_t n = strlen(name);
	char base[64];
	unsigned kind;

	if (def->fields[field].kind != EBR_KIND_STR)
		return 0;
	if (n >= 4 && !strcmp(name + n - 4, "comm"))
		return REDACT_COMM;
	if (n > 4 && n - 4 < sizeof(base) && !strcmp(name + n - 4, "_str")) {
		memcpy(base, name, n - 4);
		base[n - 4] = 0;
		if ((kind = field_kind_by_name(def, base)))
			return kind;
	}
	if (strstr(name, "path") || strstr(name, "file") || strstr(name, "dir") ||
	    (v && v[field].s && v[field].s[0] == '/'))
		return REDACT_PATHS;
	return REDACT_PROBE_STRINGS;
}

unsigned redact_field_kind(const struct ebr_event_def *def, uint32_t field,
			   const struct ebr_value *v)
{
	unsigned kind;

	/* the kernel image's own symbols are public: only a module's are someone's */
	if (def->id == EBR_EV_SYM_KERNEL && v && !(v[EBR_F_SYM_KERNEL_MODULE].s &&
						   v[EBR_F_SYM_KERNEL_MODULE].s[0]))
		return 0;
	kind = field_kind_by_name(def, def->fields[field].name);
	if (!kind && def->id >= EBR_DYN_TYPE_BASE)
		kind = probe_string_kind(def, field, v);
	return kind;
}

static unsigned field_kind_by_name(const struct ebr_event_def *def, const char *name)
{
	static const struct {
		const char *type, *field; /* type NULL: a field of that name in any type */
		unsigned kind;
	} rules[] = {
		{ NULL, "comm", REDACT_COMM },	      { NULL, "prev_comm", REDACT_COMM },
		{ NULL, "next_comm", REDACT_COMM },   { NULL, "path", REDACT_PATHS },
		{ NULL, "filename", REDACT_PATHS },   { NULL, "cwd", REDACT_PATHS },
		{ NULL, "cgroup", REDACT_PATHS },     { NULL, "file", REDACT_PATHS },
		{ NULL, "container", REDACT_PATHS }, /* read from the cgroup's path */
		{ "sym.map", "name", REDACT_PATHS },  { "file.slow", "name", REDACT_PATHS },
		{ NULL, "args", REDACT_ARGS },	      { NULL, "laddr", REDACT_NET },
		{ "proc.title", "title", REDACT_ARGS }, /* a command line the process rewrote */
		{ NULL, "raddr", REDACT_NET },	      { NULL, "uid", REDACT_USERS },
		{ "sym.func", "name", REDACT_SYMBOLS }, { "sym.object", "build_id", REDACT_SYMBOLS },
		{ "sym.kernel", "name", REDACT_SYMBOLS }, { "sym.kernel", "module", REDACT_SYMBOLS },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i].field, name) && (!rules[i].type || !strcmp(rules[i].type, def->name)))
			return rules[i].kind;
	return 0;
}

/* ------------------------------------------------------------ tokens */

static bool is_separator(unsigned char c)
{
	return c == 0 || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '=' || c == ':' ||
	       c == ',' || c == ';' || c == '"' || c == '\'' || c == '(' || c == ')' || c == '[' ||
	       c == ']' || c == '{' || c == '}' || c == '@';
}

/* keyed: the tokens are whatever a trace holds, so a fixed hash could put them all in one slot */
static uint32_t token_hash(const char *s, size_t len)
{
	return (uint32_t)siphash(0, s, len);
}

static struct redact_token *lookup(const struct redactor *rd, const char *s, size_t len)
{
	if (!rd->cap)
		return NULL;
	for (uint32_t i = token_hash(s, len) & (rd->cap - 1);; i = (i + 1) & (rd->cap - 1)) {
		struct redact_token *t = &rd->slots[i];

		if (!t->text)
			return NULL;
		if (t->len == len && !memcmp(t->text, s, len))
			return t;
	}
}

static int rehash(struct redactor *rd)
{
	uint32_t cap = rd->cap ? rd->cap * 2 : 1024;
	struct redact_token *slots = ebr_calloc(cap, sizeof(*slots));

	if (!slots)
		return EBR_E_NOMEM;
	for (uint32_t i = 0; i < rd->cap; i++) {
		const struct redact_token *t = &rd->slots[i];
		uint32_t j;

		if (!t->text)
			continue;
		for (j = token_hash(t->text, t->len) & (cap - 1); slots[j].text; j = (j + 1) & (cap - 1))
			;
		slots[j] = *t;
	}
	ebr_free(rd->slots);
	rd->slots = slots;
	rd->cap = cap;
	return 0;
}

/* 'r' and 12 hex digits of HMAC(key, token), keeping a short file extension. */
static void token_pseudonym(const struct redactor *rd, const char *s, size_t len, char *out,
			    size_t outlen)
{
	unsigned char mac[SHA256_BYTES];
	const char *dot = memrchr(s, '.', len);
	size_t ext = dot && dot > s ? len - (size_t)(dot - s) : 0;
	bool letter = false;

	for (size_t i = 1; i < ext; i++) {
		unsigned char c = (unsigned char)dot[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			ext = 0;
		else
			letter |= c > '9';
	}
	if (ext < 2 || ext > 6 || !letter)
		ext = 0; /* ".txt", ".so", ".log" say what a file is; "10.1.2.3" is no extension */
	hmac_sha256(rd->key, sizeof(rd->key), "token", 6, s, len, mac);
	out[0] = 'r';
	for (int i = 0; i < PSEUDONYM_HEX / 2; i++)
		snprintf(out + 1 + 2 * i, 3, "%02x", mac[i]);
	snprintf(out + 1 + PSEUDONYM_HEX, outlen - 1 - PSEUDONYM_HEX, "%.*s", (int)ext,
		 ext ? dot : "");
}

static int add_token(struct redactor *rd, const char *s, size_t len, const char *pseudonym,
		     bool everywhere)
{
	struct redact_token *t = lookup(rd, s, len);
	char buf[32];
	uint32_t i;
	int err;

	if (t) {
		t->everywhere |= everywhere;
		return 0;
	}
	if (rd->len >= MAX_TOKENS)
		return EBR_E_TOO_BIG;
	if ((rd->len + 1) * 2 > rd->cap && (err = rehash(rd)))
		return err;
	if (!pseudonym) {
		token_pseudonym(rd, s, len, buf, sizeof(buf));
		pseudonym = buf;
	}
	for (i = token_hash(s, len) & (rd->cap - 1); rd->slots[i].text; i = (i + 1) & (rd->cap - 1))
		;
	t = &rd->slots[i];
	t->text = ebr_malloc(len + 1);
	t->pseudonym = ebr_strdup(pseudonym);
	if (!t->text || !t->pseudonym) {
		ebr_free(t->text);
		ebr_free(t->pseudonym);
		t->text = t->pseudonym = NULL;
		return EBR_E_NOMEM;
	}
	memcpy(t->text, s, len);
	t->text[len] = 0;
	t->len = (uint32_t)len;
	t->everywhere = everywhere;
	rd->len++;
	return 0;
}

/* Numbers are not names: "4096" in a command line must not rewrite every page size. */
static bool is_name(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return len >= EVERYWHERE_MIN_LEN;
	return false;
}

static bool is_dots(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
}

void redactor_init(struct redactor *rd, unsigned kinds, const unsigned char *key)
{
	memset(rd, 0, sizeof(*rd));
	rd->kinds = kinds;
	memcpy(rd->key, key, sizeof(rd->key));
}

void redactor_release(struct redactor *rd)
{
	for (uint32_t i = 0; i < rd->cap; i++) {
		ebr_free(rd->slots[i].text);
		ebr_free(rd->slots[i].pseudonym);
	}
	ebr_free(rd->slots);
	ebr_free(rd->out);
	explicit_bzero(rd->key, sizeof(rd->key));
	memset(rd, 0, sizeof(*rd));
}

int redactor_learn(struct redactor *rd, unsigned kind, const char *s, size_t len)
{
	bool chosen = kind & rd->kinds;
	/* --users: the name after /home/ or /run/user/ in any path */
	bool homes = (kind & REDACT_PATHS) && (rd->kinds & REDACT_USERS);
	const char *prev = NULL, *prev2 = NULL;
	size_t prevlen = 0, prev2len = 0;
	int err = 0;

	for (size_t i = 0; i < len && !err;) {
		size_t start, n;

		while (i < len && is_separator((unsigned char)s[i]))
			i++;
		start = i;
		while (i < len && !is_separator((unsigned char)s[i]))
			i++;
		n = i - start;
		if (!n)
			break;
		if (chosen && !((kind & REDACT_PATHS) && is_dots(s + start, n)))
			err = add_token(rd, s + start, n, NULL, is_name(s + start, n));
		if (!err && homes &&
		    ((prevlen == 4 && !memcmp(prev, "home", 4)) ||
		     (prevlen == 4 && !memcmp(prev, "user", 4) && prev2len == 3 &&
		      !memcmp(prev2, "run", 3))))
			err = add_token(rd, s + start, n, NULL, true);
		prev2 = prev;
		prev2len = prevlen;
		prev = s + start;
		prevlen = n;
	}
	if (!err && chosen && (kind & REDACT_HOST)) {
		/* "web-01.example.com" is one token; its first label is a name of its own */
		const char *dot = memchr(s, '.', len);

		if (dot && dot > s)
			err = add_token(rd, s, (size_t)(dot - s), NULL, true);
	}
	return err;
}

int redactor_learn_addr(struct redactor *rd, const unsigned char *addr, size_t len)
{
	unsigned char mapped[16];
	char text[INET6_ADDRSTRLEN], ptext[INET6_ADDRSTRLEN];
	int family = len == 4 ? AF_INET : AF_INET6;

	if (len != 4 && len != 16)
		return 0;
	memcpy(mapped, addr, len);
	redactor_addr(rd, mapped, len);
	if (!memcmp(mapped, addr, len) || !inet_ntop(family, addr, text, sizeof(text)) ||
	    !inet_ntop(family, mapped, ptext, sizeof(ptext)))
		return 0;
	/* the address written out in a command line or a path is the same address */
	return add_token(rd, text, strlen(text), ptext, true);
}

static int out_reserve(struct redactor *rd, size_t need)
{
	char *p;

	size_t cap = rd->out_cap ? rd->out_cap : 256;

	if (need <= rd->out_cap)
		return 0;
	/* doubling: a value is appended token by token, and growing it by each one was quadratic */
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = ebr_realloc(rd->out, cap);
	if (!p)
		return EBR_E_NOMEM;
	rd->out = p;
	rd->out_cap = cap;
	return 0;
}

/* len bytes of p appended to rd->out at *n. 0 or EBR_E_NOMEM. */
static int out_put(struct redactor *rd, size_t *n, const char *p, size_t len)
{
	if (out_reserve(rd, *n + len + 1))
		return EBR_E_NOMEM;
	memcpy(rd->out + *n, p, len);
	*n += len;
	return 0;
}

static bool is_joiner(char c)
{
	return c == '.' || c == '-' || c == '_';
}

/*
 * A token of a field not chosen, that is no private name as a whole: its parts between
 * '.', '-' and '_' that are ("secrethost" in "secrethost-q7.log") replaced, the rest kept.
 */
static int rewrite_parts(struct redactor *rd, const char *s, size_t len, size_t *n)
{
	int err = 0;

	for (size_t i = 0; i < len && !err;) {
		size_t start = i;
		const struct redact_token *t;

		while (i < len && !is_joiner(s[i]))
			i++;
		t = i - start >= EVERYWHERE_MIN_LEN && i - start < len ? lookup(rd, s + start, i - start)
								     : NULL;
		if (t && t->everywhere)
			err = out_put(rd, n, t->pseudonym, strlen(t->pseudonym));
		else
			err = out_put(rd, n, s + start, i - start);
		for (start = i; i < len && is_joiner(s[i]); i++)
			;
		err = err ?: out_put(rd, n, s + start, i - start);
	}
	return err;
}

int redactor_rewrite(struct redactor *rd, unsigned kind, const char *s, size_t len,
		     size_t *out_len)
{
	bool chosen = kind & rd->kinds;
	size_t n = 0, fits = 0; /* fits: the output up to the last token within the limit */
	int err = 0;

	for (size_t i = 0; i < len && !err;) {
		char buf[32];
		size_t start = i, tl;
		struct redact_token *t;

		while (i < len && !is_separator((unsigned char)s[i]))
			i++;
		tl = i - start;
		t = tl ? lookup(rd, s + start, tl) : NULL;
		if (t && (chosen || t->everywhere)) {
			err = out_put(rd, &n, t->pseudonym, strlen(t->pseudonym));
		} else if (tl && chosen && !((kind & REDACT_PATHS) && is_dots(s + start, tl))) {
			token_pseudonym(rd, s + start, tl, buf, sizeof(buf));
			err = out_put(rd, &n, buf, strlen(buf));
		} else {
			err = rewrite_parts(rd, s + start, tl, &n);
		}
		if (n <= EBR_MAX_STRING)
			fits = n;
		/* the token, then the separators after it, verbatim */
		for (start = i; i < len && is_separator((unsigned char)s[i]); i++)
			;
		err = err ?: out_put(rd, &n, s + start, i - start);
		if (n <= EBR_MAX_STRING)
			fits = n;
	}
	if (err || out_reserve(rd, n + 1))
		return EBR_E_NOMEM;
	if (n > EBR_MAX_STRING) {
		n = fits;
		rd->cut++;
	}
	rd->out[n] = 0;
	*out_len = n;
	return 0;
}

void redactor_addr(const struct redactor *rd, unsigned char *addr, size_t len)
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const unsigned char zero[16];
	unsigned char mac[SHA256_BYTES];

	if (len == 16 && !memcmp(addr, v4mapped, 12)) {
		redactor_addr(rd, addr + 12, 4); /* the same pseudonym as the IPv4 address */
		return;
	}
	if (len == 4) {
		if (addr[0] == 127 || !memcmp(addr, zero, 4))
			return; /* loopback and "any" say nothing about the host */
		hmac_sha256(rd->key, sizeof(rd->key), "ip4", 4, addr, 4, mac);
		addr[0] = 10;
		memcpy(addr + 1, mac, 3);
	} else if (len == 16) {
		if (!memcmp(addr, zero, 15) && (addr[15] == 0 || addr[15] == 1))
			return;
		hmac_sha256(rd->key, sizeof(rd->key), "ip6", 4, addr, 16, mac);
		addr[0] = 0xfd; /* unique local addresses */
		memcpy(addr + 1, mac, 15);
	}
}

void redactor_bytes(const struct redactor *rd, unsigned char *b, size_t len)
{
	unsigned char digest[SHA256_BYTES], mac[SHA256_BYTES];

	hmac_sha256(rd->key, sizeof(rd->key), "bytes", 6, b, len, digest);
	for (size_t off = 0; off < len; off += sizeof(mac)) {
		uint64_t block = off / sizeof(mac);

		hmac_sha256(rd->key, sizeof(rd->key), &block, sizeof(block), digest, sizeof(digest),
			    mac);
		memcpy(b + off, mac, len - off < sizeof(mac) ? len - off : sizeof(mac));
	}
}

uint64_t redactor_uid(const struct redactor *rd, uint64_t uid)
{
	unsigned char mac[SHA256_BYTES];

	if (uid == 0)
		return 0;
	hmac_sha256(rd->key, sizeof(rd->key), "uid", 4, &uid, sizeof(uid), mac);
	return 100000 + ((uint32_t)mac[0] << 16 | (uint32_t)mac[1] << 8 | mac[2]) % 900000;
}

/*
 * Where a uprobe's, uretprobe's or USDT probe's name has its binary's path: *path_at, *path_len,
 * and what follows (":FUNC", ":PROVIDER:NAME") from *rest_at; a name short of its colons is all
 * path after its prefix. false for any other name.
 */
static bool probe_name_parts(const char *name, size_t *path_at, size_t *path_len,
			     size_t *rest_at)
{
	const char *colon = strchr(name, ':'), *end = name + strlen(name);
	unsigned tail; /* names after the path */

	if (!strncmp(name, "uprobe:", 7) || !strncmp(name, "uretprobe:", 10))
		tail = 1;
	else if (!strncmp(name, "usdt:", 5))
		tail = 2;
	else
		return false;
	for (unsigned i = 0; i < tail && end; i++)
		end = memrchr(colon + 1, ':', (size_t)(end - colon - 1));
	if (!end)
		end = colon + strlen(colon);
	*path_at = (size_t)(colon + 1 - name);
	*path_len = (size_t)(end - colon - 1);
	*rest_at = (size_t)(end - name);
	return true;
}

int redact_probe_name_learn(struct redactor *rd, const char *name)
{
	size_t path_at, path_len, rest_at;

	if (!probe_name_parts(name, &path_at, &path_len, &rest_at))
		return 0;
	return redactor_learn(rd, REDACT_PATHS, name + path_at, path_len) ?:
	       redactor_learn(rd, REDACT_SYMBOLS, name + rest_at, strlen(name + rest_at));
}

int redact_probe_name(struct redactor *rd, const char *name, size_t *out_len)
{
	size_t path_at, path_len, rest_at, n;
	char *path = NULL;
	int err;

	if (!probe_name_parts(name, &path_at, &path_len, &rest_at)) {
		n = strlen(name);
		if (out_reserve(rd, n + 1))
			return EBR_E_NOMEM;
		memcpy(rd->out, name, n + 1);
		*out_len = n;
		return 0;
	}
	err = redactor_rewrite(rd, REDACT_PATHS, name + path_at, path_len, &n);
	if (!err && !(path = ebr_malloc(n + 1)))
		err = EBR_E_NOMEM;
	if (err)
		return err;
	memcpy(path, rd->out, n + 1);
	err = redactor_rewrite(rd, REDACT_SYMBOLS, name + rest_at, strlen(name + rest_at), out_len);
	/* rd->out holds the rest: the prefix and the path go before it */
	if (!err && out_reserve(rd, path_at + n + *out_len + 1))
		err = EBR_E_NOMEM;
	if (!err) {
		memmove(rd->out + path_at + n, rd->out, *out_len + 1);
		memcpy(rd->out, name, path_at);
		memcpy(rd->out + path_at, path, n);
		*out_len += path_at + n;
	}
	ebr_free(path);
	return err;
}
