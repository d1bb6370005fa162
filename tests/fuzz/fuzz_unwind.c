// SPDX-License-Identifier: GPL-2.0-only
/*
 * The --call-graph dwarf unwinder (record/unwind.c) under libFuzzer: the registers and the
 * stack copy a traced process hands over are its to make, so they are the input. The modules
 * are this program's own executable mappings (itself, libc, libdw...), with their real CFI;
 * the input's instruction pointer is placed inside one of them, so that each run unwinds
 * through real CFI over hostile stack bytes. What must hold: no read outside the copy (ASan),
 * at most the frames asked for, and each run bounded in time (-timeout).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include "bpf/events.h"
#include "record/unwind.h"

#define MAX_MODULES 64
#define MAX_FRAMES 128

static struct unwind_module mods[MAX_MODULES];
static size_t nmods;
static struct unwinder *unwinder;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* This process's executable file mappings, as the recorder reads a traced one's. */
static void read_own_maps(void)
{
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		abort();
	while (nmods < MAX_MODULES && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, pgoff, ino;
		char perms[8], path[4096];
		unsigned int major, minor;

		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %4095s", &start, &end, perms, &pgoff,
			   &major, &minor, &ino, path) != 8 || perms[2] != 'x' || path[0] != '/')
			continue;
		mods[nmods].start = start;
		mods[nmods].end = end;
		mods[nmods].pgoff = pgoff;
		mods[nmods].path = strdup(path);
		mods[nmods].fd = open(path, O_RDONLY | O_CLOEXEC);
		if (mods[nmods].path && mods[nmods].fd >= 0)
			nmods++;
	}
	fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	read_own_maps();
	unwinder = unwinder_new((uint32_t)getpid());
	if (!nmods || !unwinder || unwinder_set_modules(unwinder, mods, nmods))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t regs[EBR_UREGS] = { 0 }, frames[MAX_FRAMES];
	size_t nregs_bytes = sizeof(regs) < size ? sizeof(regs) : size;
	const struct unwind_module *m;
	struct unwind_sample s;
	uint8_t *stack;
	bool whole;
	size_t n;

	memcpy(regs, data, nregs_bytes);
	/* the IP in a real module, so that its CFI is what unwinds the hostile bytes */
	m = &mods[regs[0] % nmods];
	regs[EBR_UREG_IP] = m->start + regs[EBR_UREG_IP] % (m->end - m->start);
	/* the copy in a buffer of its own size, so that ASan sees any read past it */
	stack = malloc(size - nregs_bytes + 1);
	if (!stack)
		return 0;
	memcpy(stack, data + nregs_bytes, size - nregs_bytes);
	s = (struct unwind_sample){ 1, regs, EBR_UREGS, stack, size - nregs_bytes };
	n = unwinder_unwind(unwinder, &s, frames, MAX_FRAMES, &whole);
	if (n > MAX_FRAMES || (n && frames[0] != regs[EBR_UREG_IP]))
		abort();
	free(stack);
	return 0;
}
