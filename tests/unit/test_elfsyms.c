// SPDX-License-Identifier: GPL-2.0-only
/*
 * record/elfsyms.c names an address as dwfl_module_addrinfo() does, or says it cannot tell:
 * compared on real objects (this test's own executable, libc, libdw) at every symbol's edges
 * and at addresses spread over their code.
 */
#include <fcntl.h>
#include <gelf.h>
#include <link.h>
#include <string.h>
#include <unistd.h>
#include <elfutils/libdwfl.h>
#include "record/elfsyms.h"
#include "tests/unit/check.h"

static const Dwfl_Callbacks callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

struct tally {
	unsigned long checked, known, differ;
};

static void compare_at(Dwfl_Module *mod, const struct elfsyms *s, uint64_t addr,
		       struct tally *t)
{
	GElf_Off off = 0, want_off = 0;
	GElf_Sym sym;
	bool known;
	const char *name = elfsyms_find(s, addr, &off, &known);
	const char *want = dwfl_module_addrinfo(mod, addr, &want_off, &sym, NULL, NULL, NULL);

	t->checked++;
	if (!known)
		return;
	t->known++;
	if ((!name) != (!want) || (name && (strcmp(name, want) || off != want_off))) {
		if (t->differ++ < 5)
			fprintf(stderr, "elfsyms: %#llx: %s+%llu, libdwfl %s+%llu\n",
				(unsigned long long)addr, name ? name : "-",
				(unsigned long long)off, want ? want : "-",
				(unsigned long long)want_off);
	}
}

/* Compares at each symbol's edges and at every step bytes of the executable segments. */
static void compare_object(const char *path)
{
	Dwfl *dwfl = dwfl_begin(&callbacks);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Dwfl_Module *mod = NULL;
	struct elfsyms s;
	struct tally t = { 0 };
	GElf_Addr bias = 0;
	size_t nph = 0;
	Elf *elf;

	CHECK(dwfl && fd >= 0);
	if (!dwfl || fd < 0)
		return;
	mod = dwfl_report_offline(dwfl, "object", path, fd);
	dwfl_report_end(dwfl, NULL, NULL);
	elf = mod ? dwfl_module_getelf(mod, &bias) : NULL;
	CHECK(elf != NULL);
	if (!elf || elfsyms_load(&s, mod)) {
		CHECK(!"elfsyms_load");
		dwfl_end(dwfl);
		return;
	}
	CHECK(s.n > 100);
	for (size_t i = 0; i < s.n; i += 3) {
		compare_at(mod, &s, s.syms[i].value, &t);
		compare_at(mod, &s, s.syms[i].value - 1, &t);
		compare_at(mod, &s, s.syms[i].end - 1, &t);
		compare_at(mod, &s, s.syms[i].end, &t);
	}
	elf_getphdrnum(elf, &nph);
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		for (uint64_t a = ph.p_vaddr; a < ph.p_vaddr + ph.p_memsz; a += 997)
			compare_at(mod, &s, a + bias, &t);
	}
	printf("  %s: %lu addresses, %lu named here\n", path, t.checked, t.known);
	CHECK_EQ(t.differ, 0);
	/* most addresses are in a function of known size: the fast path is taken */
	CHECK(t.known * 10 > t.checked * 9);
	elfsyms_free(&s);
	dwfl_end(dwfl);
}

static int find_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	const char **want = arg;

	(void)size;
	if (info->dlpi_name && strstr(info->dlpi_name, *want)) {
		*want = info->dlpi_name;
		return 1;
	}
	return 0;
}

/* The path this process loaded a library from, or NULL. */
static const char *loaded(const char *name)
{
	const char *found = name;

	return dl_iterate_phdr(find_object, &found) ? found : NULL;
}

static void test_self(void)
{
	compare_object("/proc/self/exe");
}

static void test_libc(void)
{
	const char *path = loaded("libc.so");

	CHECK(path != NULL);
	if (path)
		compare_object(path);
}

static void test_libdw(void)
{
	const char *path = loaded("libdw");

	CHECK(path != NULL);
	if (path)
		compare_object(path);
}

int main(void)
{
	elf_version(EV_CURRENT);
	RUN(test_self);
	RUN(test_libc);
	RUN(test_libdw);
	return CHECK_SUMMARY();
}
