// SPDX-License-Identifier: GPL-2.0-only
/*
 * Binaries for uprobes and USDT probes: where a name is (as bpftrace resolves it), what
 * functions it defines (for errors before anything is loaded, and `ebrec list`), and its USDT
 * probes (the .note.stapsdt notes <sys/sdt.h> writes). libbpf attaches; this only looks.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "record/elf_probes.h"

#define LD_SO_CACHE "/etc/ld.so.cache"
#define LD_CACHE_MAGIC "glibc-ld.so.cache1.1"
#define LD_CACHE_HEADER 48 /* magic and version (20), nlibs, len_strings, flags, ..., unused */
#define LD_CACHE_ENTRY 24  /* flags, key, value, osversion, hwcap */
#define LD_FLAG_ELF_LIBC6 3
#if defined(__x86_64__)
#define LD_FLAG_ARCH 0x0300 /* FLAG_X8664_LIB64 */
#elif defined(__aarch64__)
#define LD_FLAG_ARCH 0x0a00 /* FLAG_AARCH64_LIB64 */
#else
#define LD_FLAG_ARCH 0 /* the first entry of the name */
#endif

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int absolute(const char *path, char *out, size_t outlen)
{
	char real[PATH_MAX];

	if (!is_file(path) || !realpath(path, real) || strlen(real) >= outlen)
		return -ENOENT;
	strcpy(out, real);
	return 0;
}

/* An executable named name in a directory of $PATH. */
static int find_on_path(const char *name, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX], full[2 * PATH_MAX];

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n && n < sizeof(dir)) {
			memcpy(dir, path, n);
			dir[n] = 0;
			snprintf(full, sizeof(full), "%s/%s", dir, name);
			if (access(full, X_OK) == 0 && !absolute(full, out, outlen))
				return 0;
		}
		path += n + (path[n] == ':');
	}
	return -ENOENT;
}

/* Whether a library's soname key answers to name: "libc" and "libc.so.6" both mean libc.so.6. */
static bool soname_matches(const char *key, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(key, name))
		return true;
	if (!strncmp(key, name, n) && !strncmp(key + n, ".so", 3))
		return true;
	return !strncmp(key, "lib", 3) && !strncmp(key + 3, name, n) &&
	       !strncmp(key + 3 + n, ".so", 3);
}

/* A library of the dynamic linker's cache (glibc's format 1.1) whose soname matches name. */
static int find_in_ld_cache(const char *name, char *out, size_t outlen)
{
	int fd = open(LD_SO_CACHE, O_RDONLY | O_CLOEXEC);
	unsigned char *buf = NULL;
	struct stat st;
	uint32_t nlibs;
	int err = -ENOENT;

	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) || st.st_size < LD_CACHE_HEADER || st.st_size > (64 << 20))
		goto cleanup;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size)
		goto cleanup;
	buf[st.st_size] = 0; /* every string ends, even in a damaged cache */
	if (memcmp(buf, LD_CACHE_MAGIC, strlen(LD_CACHE_MAGIC)))
		goto cleanup;
	memcpy(&nlibs, buf + 20, sizeof(nlibs));
	if (nlibs > ((size_t)st.st_size - LD_CACHE_HEADER) / LD_CACHE_ENTRY)
		goto cleanup;
	for (uint32_t i = 0; i < nlibs && err; i++) {
		const unsigned char *e = buf + LD_CACHE_HEADER + (size_t)i * LD_CACHE_ENTRY;
		int32_t flags;
		uint32_t key, value;

		memcpy(&flags, e, 4);
		memcpy(&key, e + 4, 4);
		memcpy(&value, e + 8, 4);
		if (key >= st.st_size || value >= st.st_size)
			continue;
		if ((flags & 0xff) != LD_FLAG_ELF_LIBC6 ||
		    (LD_FLAG_ARCH && (flags & 0xff00) != LD_FLAG_ARCH))
			continue;
		if (soname_matches((const char *)buf + key, name))
			err = absolute((const char *)buf + value, out, outlen);
	}
cleanup:
	free(buf);
	close(fd);
	return err;
}

int elf_resolve_path(const char *name, char *out, size_t outlen)
{
	if (strchr(name, '/'))
		return absolute(name, out, outlen);
	if (!find_on_path(name, out, outlen))
		return 0;
	return find_in_ld_cache(name, out, outlen);
}

/* ------------------------------------------------------------ ELF files */

static int elf_open(const char *path, int *fd, Elf **elf)
{
	*fd = -1;
	*elf = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -ENOENT;
	*elf = elf_begin(*fd, ELF_C_READ, NULL);
	if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
		if (*elf)
			elf_end(*elf);
		*elf = NULL;
		close(*fd);
		*fd = -1;
		return -ENOEXEC;
	}
	return 0;
}

static void elf_close(int fd, Elf *elf)
{
	elf_end(elf);
	close(fd);
}

static int names_add(struct elf_names *l, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strdup(name);
	if (!l->v[l->n])
		return -ENOMEM;
	l->n++;
	return 0;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int elf_functions(const char *path, struct elf_names *out)
{
	Elf_Scn *scn = NULL;
	Elf *elf;
	int fd, err;
	size_t kept = 0;

	memset(out, 0, sizeof(*out));
	err = elf_open(path, &fd, &elf);
	if (err)
		return err;
	while (!err && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize && !err;
		     i++) {
			GElf_Sym sym;
			const char *name;
			int type;

			if (!gelf_getsym(data, (int)i, &sym))
				break;
			type = GELF_ST_TYPE(sym.st_info);
			if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_value)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (name && *name)
				err = names_add(out, name);
		}
	}
	elf_close(fd, elf);
	if (err) {
		elf_names_free(out);
		return err;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_string);
	for (size_t i = 0; i < out->n; i++) { /* each name once */
		if (kept && !strcmp(out->v[kept - 1], out->v[i]))
			free(out->v[i]);
		else
			out->v[kept++] = out->v[i];
	}
	out->n = kept;
	return 0;
}

void elf_names_free(struct elf_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
	memset(names, 0, sizeof(*names));
}

/* ------------------------------------------------------------ USDT notes */

#define NT_STAPSDT 3

/* One note's description: three addresses (pc, base, semaphore), then three strings. */
static int note_add(struct usdt_notes *l, const char *desc, size_t len, size_t addr_size)
{
	const char *p = desc + 3 * addr_size, *end = desc + len, *s[3];
	struct usdt_note *n;

	if (len < 3 * addr_size)
		return 0;
	for (int i = 0; i < 3; i++) {
		const char *nul = memchr(p, 0, (size_t)(end - p));

		if (!nul)
			return 0; /* a damaged note: not a probe */
		s[i] = p;
		p = nul + 1;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;

		n = realloc(l->v, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		l->v = n;
		l->cap = cap;
	}
	n = &l->v[l->n];
	n->provider = strdup(s[0]);
	n->name = strdup(s[1]);
	n->args = strdup(s[2]);
	if (!n->provider || !n->name || !n->args) {
		free(n->provider);
		free(n->name);
		free(n->args);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

int elf_usdt_notes(const char *path, struct usdt_notes *out)
{
	Elf_Scn *scn = NULL;
	Elf *elf;
	size_t shstrndx, addr_size;
	int fd, err;

	memset(out, 0, sizeof(*out));
	err = elf_open(path, &fd, &elf);
	if (err)
		return err;
	addr_size = gelf_getclass(elf) == ELFCLASS32 ? 4 : 8;
	if (elf_getshdrstrndx(elf, &shstrndx))
		shstrndx = 0;
	while (!err && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		GElf_Nhdr nh;
		Elf_Data *data;
		const char *sname;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!sname || strcmp(sname, ".note.stapsdt"))
			continue;
		data = elf_getdata(scn, NULL);
		while (!err && data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off))) {
			if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
			    memcmp((const char *)data->d_buf + name_off, "stapsdt", 8))
				continue;
			err = note_add(out, (const char *)data->d_buf + desc_off, nh.n_descsz,
				       addr_size);
		}
	}
	elf_close(fd, elf);
	if (err)
		usdt_notes_free(out);
	return err;
}

void usdt_notes_free(struct usdt_notes *notes)
{
	for (size_t i = 0; i < notes->n; i++) {
		free(notes->v[i].provider);
		free(notes->v[i].name);
		free(notes->v[i].args);
	}
	free(notes->v);
	memset(notes, 0, sizeof(*notes));
}

unsigned usdt_arg_count(const char *args, uint32_t *signed_args)
{
	unsigned n = 0;

	*signed_args = 0;
	while (*args && n < 32) {
		args += strspn(args, " ");
		if (!*args)
			break;
		if (*args == '-')
			*signed_args |= 1u << n;
		n++;
		args += strcspn(args, " ");
	}
	return n;
}
