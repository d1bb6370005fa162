/* SPDX-License-Identifier: GPL-2.0-only */
/* What uprobes and USDT probes attach to: binaries, their functions and their USDT notes. */
#ifndef EBREC_RECORD_ELF_PROBES_H
#define EBREC_RECORD_ELF_PROBES_H

#include <stddef.h>
#include <stdint.h>

/*
 * The binary a probe names, as bpftrace finds it: a name with a '/' is a path; a bare name is
 * an executable on $PATH, else a library the dynamic linker knows (/etc/ld.so.cache: "libc"
 * and "libc.so.6" are /lib/x86_64-linux-gnu/libc.so.6). out gets the absolute path.
 * Returns 0 or -ENOENT.
 */
int elf_resolve_path(const char *name, char *out, size_t outlen);

/* Names of an ELF file's defined functions (symtab and dynsym), sorted, each once. */
struct elf_names {
	char **v;
	size_t n, cap;
};

/* 0, -ENOENT (no such file), -ENOEXEC (not ELF), or -ENOMEM. */
int elf_functions(const char *path, struct elf_names *out);
void elf_names_free(struct elf_names *names);

/* One USDT probe of a binary (its .note.stapsdt). */
struct usdt_note {
	char *provider, *name, *args; /* args: "-4@%eax 8@-16(%rbp)" */
};

struct usdt_notes {
	struct usdt_note *v;
	size_t n, cap;
};

/* The USDT probes of an ELF file, in note order. 0, -ENOENT, -ENOEXEC or -ENOMEM. */
int elf_usdt_notes(const char *path, struct usdt_notes *out);
void usdt_notes_free(struct usdt_notes *notes);

/*
 * The arguments of a USDT argument spec ("-4@%eax 8@-16(%rbp)"): how many (at most 32), and
 * which are signed (bit i: argument i's size is negative).
 */
unsigned usdt_arg_count(const char *args, uint32_t *signed_args);

#endif
