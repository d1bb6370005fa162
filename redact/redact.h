/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rules of `ebrec redact`: which fields hold which kind of private string, and the keyed
 * pseudonyms that replace them. A string is cut into tokens at separators ('/', spaces, '=',
 * ':', ',', quotes...); in a field of a chosen kind every token is replaced, so a path keeps
 * its shape and "/home/alice/notes.txt" becomes "/r3f0c1d2e4a/r9b8a7c6d5e/r11aa22bb33.txt".
 * A token is replaced by the same pseudonym wherever it appears (HMAC-SHA-256 under a key
 * that is not stored), so joins still work: the file a process opened is still the one its
 * command line named. Tokens of 3 bytes or more met in chosen fields are also replaced in
 * every other string of the trace (a program's name in its path, a host name in a cgroup),
 * also where '.', '-' or '_' join them to other text ("web01-q7.log"): inside a word, those
 * end a private name.
 */
#ifndef EBREC_REDACT_REDACT_H
#define EBREC_REDACT_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "format/ebr.h"
#include "report/hmac_sha256.h"

enum redact_kind {
	REDACT_PATHS = 1 << 0,
	REDACT_ARGS = 1 << 1,
	REDACT_COMM = 1 << 2,
	REDACT_NET = 1 << 3,
	REDACT_HOST = 1 << 4,
	REDACT_USERS = 1 << 5,
	REDACT_SYMBOLS = 1 << 6,
	REDACT_PROBE_STRINGS = 1 << 7, /* a generic probe's strings that are no path or name */
};

/* "paths", "args"...: the kind of that name, or 0 */
unsigned redact_kind_of(const char *name);
/* the kinds named in "paths,comm" (META redact.kinds); unknown names are ignored */
unsigned redact_kinds_parse(const char *text);
/* "paths,comm": the chosen kinds in a fixed order, into buf */
const char *redact_kinds_text(unsigned kinds, char *buf, size_t len);

/*
 * What field of an event of type def holds, as a redact_kind (0: nothing private of a kind);
 * v, the event's values, when the answer depends on them (a kernel symbol is private only
 * when a module has it: the kernel image's names are those of its public release).
 */
unsigned redact_field_kind(const struct ebr_event_def *def, uint32_t field,
			   const struct ebr_value *v);

/*
 * A generic probe's type name ("uprobe:/opt/app/bin:func") rewritten into rd->out: the binary's
 * path as a path, the function or the USDT provider and name as symbols; a tracepoint's name
 * (the kernel's) as it is. 0 or EBR_E_NOMEM.
 */
struct redactor;
int redact_probe_name(struct redactor *rd, const char *name, size_t *out_len);
/* Pass one's side of it: the path's and the function's tokens learnt. 0 or an EBR_E_* code. */
int redact_probe_name_learn(struct redactor *rd, const char *name);

struct redact_token {
	char *text;      /* the original */
	char *pseudonym;
	uint32_t len;
	bool everywhere; /* replaced in every string, not only in fields of its kind */
};

struct redactor {
	unsigned kinds;
	unsigned char key[SHA256_BYTES];
	struct redact_token *slots; /* open addressing, by a keyed hash of the text */
	uint32_t cap, len;
	char *out;                  /* the last rewritten string */
	size_t out_cap;
	uint64_t cut;               /* values cut to the format's limit once rewritten */
};

/* kinds chosen, key the secret (random unless the user gave one). */
void redactor_init(struct redactor *rd, unsigned kinds, const unsigned char *key);
void redactor_release(struct redactor *rd);

/*
 * First pass: learns the tokens of a string s (len bytes) of field kind kind, so that pass
 * two replaces them everywhere. 0 or EBR_E_NOMEM / EBR_E_TOO_BIG.
 */
int redactor_learn(struct redactor *rd, unsigned kind, const char *s, size_t len);
/* First pass: a 4- or 16-byte address of a chosen --net. */
int redactor_learn_addr(struct redactor *rd, const unsigned char *addr, size_t len);

/*
 * Second pass: s (len bytes) of a field of kind kind (0: any other string) rewritten, into
 * rd->out (NUL-terminated; *out_len its length, NULs of args included). 0 or EBR_E_NOMEM.
 * Pseudonyms can be longer than what they replace: a value that grows past the format's
 * EBR_MAX_STRING is cut after the last whole token that fits (never inside a pseudonym) and
 * counted in rd->cut, for the command to say.
 */
int redactor_rewrite(struct redactor *rd, unsigned kind, const char *s, size_t len,
		     size_t *out_len);
/* An address of a chosen --net, pseudonymized in place (loopback and unspecified kept). */
void redactor_addr(const struct redactor *rd, unsigned char *addr, size_t len);
/* Bytes of a chosen kind that are no text (a build-id), replaced in place by as many keyed
 * pseudonymous bytes: the same for the same bytes, so objects still match up. */
void redactor_bytes(const struct redactor *rd, unsigned char *b, size_t len);
/* A user id of a chosen --users (0, root, kept). */
uint64_t redactor_uid(const struct redactor *rd, uint64_t uid);

/* `ebrec redact IN -o OUT [KINDS...]` (cmd_redact.c) */
int cmd_redact(int argc, char **argv);

#endif
