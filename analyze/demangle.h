/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * C++ and Rust symbol names made readable, as perf and bcc show them: _ZN5ebrec4spinEv is
 * ebrec::spin(), a Rust v0 or legacy name loses its mangling and hash. Done when a trace is
 * read (the trace keeps the names as the binaries had them), with libiberty's demanglers.
 */
#ifndef EBREC_ANALYZE_DEMANGLE_H
#define EBREC_ANALYZE_DEMANGLE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest demangled name kept; a longer one (or a longer input) stays as it was mangled. */
#define DEMANGLE_MAX 1024

/*
 * Writes the demangled form of name into out (cap bytes, at most DEMANGLE_MAX used) and
 * returns true; false when name is not a C++ or Rust mangled name, is malformed, or would
 * not fit, and out is then unspecified.
 */
bool demangle(const char *name, char *out, size_t cap);

#endif
