// SPDX-License-Identifier: GPL-2.0-only
/* Symbol demangling through libiberty: analyze/demangle.h. */
#include <setjmp.h>
#include <string.h>
#include <libiberty/demangle.h>
#include "analyze/demangle.h"

struct sink {
	char *out;
	size_t len, cap;
	jmp_buf overflow;
};

/*
 * The callback demanglers allocate nothing on the heap, so an output that outgrows the cap
 * can end the demangling at once: a hostile name that expands exponentially (nested
 * substitutions) costs at most cap bytes of work, never the memory or time it asks for.
 */
static void put(const char *s, size_t n, void *opaque)
{
	struct sink *k = opaque;

	if (n >= k->cap - k->len)
		longjmp(k->overflow, 1);
	memcpy(k->out + k->len, s, n);
	k->len += n;
}

static bool run(const char *name, bool rust, struct sink *k)
{
	int ok;

	k->len = 0;
	if (setjmp(k->overflow))
		return false;
	ok = rust ? rust_demangle_callback(name, DMGL_PARAMS | DMGL_ANSI, put, k)
		  : cplus_demangle_v3_callback(name, DMGL_PARAMS | DMGL_ANSI, put, k);
	if (!ok || !k->len)
		return false;
	k->out[k->len] = 0;
	return true;
}

bool demangle(const char *name, char *out, size_t cap)
{
	struct sink k = { .out = out, .cap = cap < DEMANGLE_MAX ? cap : DEMANGLE_MAX };

	if (!name || k.cap < 2 || name[0] != '_' || (name[1] != 'Z' && name[1] != 'R') ||
	    strnlen(name, DEMANGLE_MAX) >= DEMANGLE_MAX)
		return false;
	/* a legacy Rust name is also a C++ one: the Rust demangler drops its hash */
	if (run(name, true, &k))
		return true;
	return name[1] == 'Z' && run(name, false, &k);
}
