// SPDX-License-Identifier: GPL-2.0-only
/*
 * User stacks unwound with libdw from a copy of the registers and the stack: record/unwind.h.
 * One Dwfl per process, whose modules are its ELF objects at their load addresses, attached
 * (dwfl_attach_state) to callbacks that serve the sample being unwound: its registers as the
 * initial frame, its stack copy as the process's memory. The Dwfl lives as long as the
 * process is sampled, so each object's CFI is parsed once, not once per sample as perf does.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include "bpf/events.h"
#include "record/unwind.h"

struct unwinder {
	uint32_t pid;
	Dwfl *dwfl;
	bool attached;
	struct unwind_module *mods; /* as reported to dwfl; paths owned */
	size_t nmods;
	const struct unwind_sample *cur; /* the sample being unwound */
};

static const Dwfl_Callbacks unwind_callbacks = {
	/* .debug_frame in separate debug info, when .eh_frame lacks a frame's CFI */
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* ------------------------------------------------------------- the process's state */

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_arg)
{
	struct unwinder *u = arg;

	(void)dwfl;
	if (*thread_arg || !u->cur)
		return 0;
	*thread_arg = u;
	return (pid_t)u->cur->tid;
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_arg)
{
	struct unwinder *u = arg;

	(void)dwfl;
	if (!u->cur || (pid_t)u->cur->tid != tid)
		return false;
	*thread_arg = u;
	return true;
}

/* 8 bytes of a mapped file at addr, for a read the stack copy does not hold. */
static bool read_module(const struct unwinder *u, uint64_t addr, Dwarf_Word *out)
{
	for (size_t i = 0; i < u->nmods; i++) {
		const struct unwind_module *m = &u->mods[i];

		if (addr < m->start || addr >= m->end || m->end - addr < sizeof(*out))
			continue;
		return m->fd >= 0 && pread(m->fd, out, sizeof(*out),
					   (off_t)(addr - m->start + m->pgoff)) == sizeof(*out);
	}
	return false;
}

/*
 * The process's memory: the stack copy, bounds checked (addresses and lengths are the
 * process's, so untrusted), else the bytes of a mapped file; nothing else.
 */
static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	const struct unwinder *u = arg;
	const struct unwind_sample *s = u->cur;
	uint64_t sp;

	(void)dwfl;
	if (!s || s->nregs <= EBR_UREG_SP)
		return false;
	sp = s->regs[EBR_UREG_SP];
	if (addr >= sp && addr - sp <= s->stack_len && s->stack_len - (addr - sp) >= 8) {
		memcpy(result, s->stack + (addr - sp), sizeof(*result));
		return true;
	}
	return read_module(u, addr, result);
}

static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	const struct unwinder *u = thread_arg;
	const struct unwind_sample *s = u->cur;
	Dwarf_Word regs[EBR_UREGS];
	uint32_t n = s->nregs < EBR_UREGS ? s->nregs : EBR_UREGS;

	for (uint32_t i = 0; i < n; i++)
		regs[i] = s->regs[i];
	/* x86-64: the IP is DWARF register 16, the return address column: it sets the PC */
	return dwfl_thread_state_registers(thread, 0, n, regs);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* ------------------------------------------------------------- modules */

/*
 * The load bias of the ELF file fd mapped at start from file offset pgoff: start less the
 * address the file's headers give that offset. false when no PT_LOAD holds pgoff.
 */
static bool load_bias(int fd, uint64_t start, uint64_t pgoff, GElf_Addr *bias)
{
	bool found = false;
	size_t nph;
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return false;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return false;
	if (elf_getphdrnum(elf, &nph) == 0) {
		for (size_t i = 0; i < nph && !found; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			if (pgoff >= ph.p_offset && pgoff - ph.p_offset < ph.p_filesz) {
				*bias = start - (pgoff - ph.p_offset + ph.p_vaddr);
				found = true;
			}
		}
	}
	elf_end(elf);
	return found;
}

/* Reports m to u's Dwfl (within a dwfl_report_begin... dwfl_report_end). */
static void report_module(struct unwinder *u, const struct unwind_module *m)
{
	int fd = m->fd >= 0 ? fcntl(m->fd, F_DUPFD_CLOEXEC, 0)
			    : open(m->path, O_RDONLY | O_CLOEXEC);
	GElf_Addr bias;

	if (fd < 0)
		return;
	/* an object the recorder cannot read is left out: frames in it end the unwinding */
	if (!load_bias(fd, m->start, m->pgoff, &bias) ||
	    !dwfl_report_elf(u->dwfl, m->path, m->path, fd, bias, true))
		close(fd); /* on success libdwfl owns fd */
}

static bool same_module(const struct unwind_module *a, const struct unwind_module *b)
{
	return a->start == b->start && a->end == b->end && a->pgoff == b->pgoff &&
	       a->fd == b->fd && !strcmp(a->path, b->path);
}

static void free_modules(struct unwind_module *mods, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)mods[i].path);
	free(mods);
}

struct unwinder *unwinder_new(uint32_t pid)
{
	struct unwinder *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->pid = pid;
	u->dwfl = dwfl_begin(&unwind_callbacks);
	if (!u->dwfl) {
		free(u);
		return NULL;
	}
	return u;
}

int unwinder_set_modules(struct unwinder *u, const struct unwind_module *mods, size_t n)
{
	struct unwind_module *copy = calloc(n ? n : 1, sizeof(*copy));
	bool rebuild = false;

	if (!copy)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		copy[i] = mods[i];
		copy[i].path = strdup(mods[i].path);
		if (!copy[i].path) {
			free_modules(copy, i);
			return -ENOMEM;
		}
	}
	/*
	 * A module gone or moved (the process unmapped or exec'd) cannot be taken out of a
	 * Dwfl alone: the Dwfl is made again. Else the new ones are added to it.
	 */
	for (size_t j = 0; j < u->nmods && !rebuild; j++) {
		bool kept = false;

		for (size_t i = 0; i < n && !kept; i++)
			kept = same_module(&u->mods[j], &copy[i]);
		rebuild = !kept;
	}
	if (rebuild) {
		Dwfl *fresh = dwfl_begin(&unwind_callbacks);

		if (!fresh) {
			free_modules(copy, n);
			return -ENOMEM;
		}
		dwfl_end(u->dwfl);
		u->dwfl = fresh;
		u->attached = false;
		free_modules(u->mods, u->nmods);
		u->mods = NULL;
		u->nmods = 0;
	}
	dwfl_report_begin_add(u->dwfl);
	for (size_t i = 0; i < n; i++) {
		bool known = false;

		for (size_t j = 0; j < u->nmods && !known; j++)
			known = same_module(&u->mods[j], &copy[i]);
		if (!known)
			report_module(u, &copy[i]);
	}
	dwfl_report_end(u->dwfl, NULL, NULL);
	free_modules(u->mods, u->nmods);
	u->mods = copy;
	u->nmods = n;
	return 0;
}

/* ------------------------------------------------------------- unwinding */

struct frame_walk {
	uint64_t *frames;
	size_t n, max;
};

static int take_frame(Dwfl_Frame *state, void *arg)
{
	struct frame_walk *w = arg;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	w->frames[w->n++] = pc;
	return w->n < w->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

size_t unwinder_unwind(struct unwinder *u, const struct unwind_sample *s, uint64_t *frames,
		       size_t max, bool *whole)
{
	struct frame_walk w = { frames, 0, max };
	int ret;

	*whole = false;
	if (!max || s->nregs <= EBR_UREG_IP || !s->tid)
		return 0;
	frames[w.n++] = s->regs[EBR_UREG_IP];
	if (w.n == max)
		return w.n;
	/* the architecture is the first module's: none yet, no CFI to unwind with */
	if (!u->attached)
		u->attached = dwfl_attach_state(u->dwfl, NULL, (pid_t)u->pid, &thread_callbacks,
						u);
	if (!u->attached)
		return w.n;
	w.n = 0;
	u->cur = s;
	ret = dwfl_getthread_frames(u->dwfl, (pid_t)s->tid, take_frame, &w);
	u->cur = NULL;
	if (!w.n) /* not even the first frame: the IP stands alone */
		frames[w.n++] = s->regs[EBR_UREG_IP];
	/* 0: the PC of the next frame is undefined, which is how CFI marks the outermost one */
	*whole = ret == 0;
	return w.n;
}

void unwinder_free(struct unwinder *u)
{
	if (!u)
		return;
	dwfl_end(u->dwfl);
	free_modules(u->mods, u->nmods);
	free(u);
}
