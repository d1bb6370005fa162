// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic probes into the kernel: one program per attach type (bpf/generic.bpf.c), each
 * probe attached through libbpf's attach API with its index as BPF cookie, after its entry
 * of ebr_generic_probes says what it copies. System-call tracepoints are served by the raw
 * sys_enter / sys_exit programs instead where this file can prove that they rebuild the
 * tracepoint's record exactly (raw_syscall_nr()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "record/recorder.h"
#include "ebrec.skel.h"

struct bpf_program *generic_prog(const struct ebrec_bpf *skel, int kind)
{
	switch (kind) {
	case EBR_GEN_TRACEPOINT:
		return skel->progs.generic_tracepoint;
	case EBR_GEN_UPROBE:
		return skel->progs.generic_uprobe;
	case EBR_GEN_URETPROBE:
		return skel->progs.generic_uretprobe;
	case EBR_GEN_USDT:
		return skel->progs.generic_usdt;
	}
	return NULL;
}

/*
 * The program that copies the record of a tracepoint of words 4-byte words after its common
 * fields by direct loads (bpf/generic.bpf.c generic_copy_direct()), 1 <= words <=
 * EBR_GENERIC_DIRECT_WORDS.
 */
static struct bpf_program *direct_prog(const struct ebrec_bpf *skel, unsigned words)
{
	struct bpf_program *const progs[EBR_GENERIC_DIRECT_WORDS + 1] = {
		NULL,
		skel->progs.generic_tracepoint_w1, skel->progs.generic_tracepoint_w2,
		skel->progs.generic_tracepoint_w3, skel->progs.generic_tracepoint_w4,
		skel->progs.generic_tracepoint_w5, skel->progs.generic_tracepoint_w6,
		skel->progs.generic_tracepoint_w7, skel->progs.generic_tracepoint_w8,
		skel->progs.generic_tracepoint_w9, skel->progs.generic_tracepoint_w10,
		skel->progs.generic_tracepoint_w11, skel->progs.generic_tracepoint_w12,
		skel->progs.generic_tracepoint_w13, skel->progs.generic_tracepoint_w14,
		skel->progs.generic_tracepoint_w15, skel->progs.generic_tracepoint_w16,
	};

	return words <= EBR_GENERIC_DIRECT_WORDS ? progs[words] : NULL;
}

/* The words a direct-load program copies of this probe's record, or 0: none fits it. */
static unsigned direct_words(const struct ebr_generic_cfg *cfg)
{
	unsigned bytes = cfg->raw_size - 8;

	if (cfg->kind != EBR_GEN_TRACEPOINT || cfg->ndyn || cfg->raw_size <= 8 || bytes % 4 ||
	    bytes / 4 > EBR_GENERIC_DIRECT_WORDS)
		return 0;
	return bytes / 4;
}

/* The raw system-call program of entries (exit 0) or exits, or NULL where there is none. */
static struct bpf_program *syscall_prog(const struct ebrec_bpf *skel, int exit)
{
#if defined(__x86_64__)
	return exit ? skel->progs.generic_sys_exit : skel->progs.generic_sys_enter;
#else
	(void)skel;
	(void)exit;
	return NULL;
#endif
}

/*
 * System-call numbers by name: the C library's kernel headers, the ABI of this architecture.
 * A tracepoint sys_enter_NAME exists only where the kernel found its function at
 * sys_call_table[__NR_NAME] (kernel/trace/trace_syscalls.c), so a name that is in both says
 * the number. One that is not (sys_enter_newstat is __NR_stat's; a system call newer than
 * the headers) keeps the classic path.
 */
struct syscall_nr {
	const char *name;
	int nr;
};

static const struct syscall_nr syscall_nrs[] = {
#if defined(__x86_64__)
#include "syscall_nrs.h"
#endif
	{ NULL, -1 },
};

/*
 * The system-call number of probe p when the raw programs can serve it (0 <= nr <
 * EBR_SYSCALL_SLOTS), with *exit telling its side; -1 otherwise. Its format must be the one
 * they rebuild: __syscall_nr, 4 bytes at 8, then 8-byte arguments from 16 (entry) or the
 * 8-byte ret at 16 (exit), nothing else.
 */
static int raw_syscall_nr(const struct generic_probes *g, const struct generic_probe *p,
			  int *exit)
{
	const char *name;
	uint32_t end = 12;

	if (g->syscall_perf || p->cfg.kind != EBR_GEN_TRACEPOINT || !p->sys ||
	    strcmp(p->sys, "syscalls") || p->cfg.ndyn)
		return -1;
	if (!strncmp(p->tp, "sys_enter_", 10))
		*exit = 0;
	else if (!strncmp(p->tp, "sys_exit_", 9))
		*exit = 1;
	else
		return -1;
	name = p->tp + (*exit ? 9 : 10);
	for (uint32_t i = 0; i < p->def.nfields; i++) {
		const struct generic_field *f = &p->src[i];
		unsigned last = *exit ? 16 : 16 + 5 * 8;

		if (f->src != GSRC_NUMBER && f->src != GSRC_ARRAY && f->src != GSRC_DYNAMIC)
			continue;
		if (f->src == GSRC_NUMBER && f->offset == 8 && f->size == 4)
			continue;
		if (f->src != GSRC_NUMBER || f->size != 8 || f->offset < 16 || f->offset % 8 ||
		    f->offset > last)
			return -1;
		if ((uint32_t)f->offset + 8 > end)
			end = (uint32_t)f->offset + 8;
	}
	if (p->cfg.raw_size != end)
		return -1;
	for (const struct syscall_nr *s = syscall_nrs; s->name; s++)
		if (!strcmp(s->name, name))
			return s->nr < EBR_SYSCALL_SLOTS ? s->nr : -1;
	return -1;
}

bool generic_is_prog(const struct ebrec_bpf *skel, const struct bpf_program *prog)
{
	if (prog && (prog == syscall_prog(skel, 0) || prog == syscall_prog(skel, 1)))
		return true;
	for (int kind = EBR_GEN_TRACEPOINT; kind <= EBR_GEN_USDT; kind++)
		if (generic_prog(skel, kind) == prog)
			return true;
	for (unsigned w = 1; w <= EBR_GENERIC_DIRECT_WORDS; w++)
		if (direct_prog(skel, w) == prog)
			return true;
	return false;
}

bool generic_raw_syscalls(const struct generic_probes *g)
{
	int side;

	for (size_t i = 0; i < g->n; i++)
		if (raw_syscall_nr(g, &g->p[i], &side) >= 0)
			return true;
	return false;
}

void generic_set_autoload(const struct ebrec_bpf *skel, const struct generic_probes *g)
{
	for (int kind = EBR_GEN_TRACEPOINT; kind <= EBR_GEN_USDT; kind++)
		bpf_program__set_autoload(generic_prog(skel, kind), generic_kind_used(g, kind));
	for (unsigned w = 1; w <= EBR_GENERIC_DIRECT_WORDS; w++) {
		bool used = false;

		for (size_t i = 0; i < g->n && !used; i++)
			used = direct_words(&g->p[i].cfg) == w;
		bpf_program__set_autoload(direct_prog(skel, w), used);
	}
	for (int exit = 0; exit <= 1; exit++) {
		bool used = false;
		int side;

		for (size_t i = 0; i < g->n && !used; i++)
			used = raw_syscall_nr(g, &g->p[i], &side) >= 0 && side == exit;
		if (syscall_prog(skel, exit))
			bpf_program__set_autoload(syscall_prog(skel, exit), used);
	}
}

bool generic_kind_used(const struct generic_probes *g, int kind)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->p[i].cfg.kind == kind)
			return true;
	return false;
}

static struct bpf_link *attach_one(struct recorder *rec, size_t i)
{
	const struct generic_probe *p = &rec->o.generic.p[i];
	struct bpf_program *prog = generic_prog(rec->skel, p->cfg.kind);
	pid_t pid = rec->o.pid ? (pid_t)rec->o.pid : -1;

	switch (p->cfg.kind) {
	case EBR_GEN_TRACEPOINT: {
		LIBBPF_OPTS(bpf_tracepoint_opts, o, .bpf_cookie = i);
		struct bpf_program *direct = direct_prog(rec->skel, direct_words(&p->cfg));
		struct bpf_link *link = NULL;

		/*
		 * The kernel refuses a direct-load program whose loads pass the end of the
		 * tracepoint's last field as it counts it: then the copying one serves.
		 */
		if (direct)
			link = bpf_program__attach_tracepoint_opts(direct, p->sys, p->tp, &o);
		return link ?: bpf_program__attach_tracepoint_opts(prog, p->sys, p->tp, &o);
	}
	case EBR_GEN_UPROBE:
	case EBR_GEN_URETPROBE: {
		LIBBPF_OPTS(bpf_uprobe_opts, o, .func_name = p->func, .bpf_cookie = i,
			    .retprobe = p->cfg.kind == EBR_GEN_URETPROBE);

		return bpf_program__attach_uprobe_opts(prog, pid, p->path, 0, &o);
	}
	case EBR_GEN_USDT: {
		LIBBPF_OPTS(bpf_usdt_opts, o, .usdt_cookie = i);

		return bpf_program__attach_usdt(prog, pid, p->path, p->func, p->usdt_name, &o);
	}
	}
	errno = EINVAL;
	return NULL;
}

static int add_link(struct recorder *rec, struct bpf_link *link, const char *what)
{
	int err;

	if (!link) {
		err = -errno;
		fprintf(stderr, "ebrec record: attaching %s failed: %s\n", what, strerror(-err));
		return err;
	}
	if (rec->nlinks == RECORD_MAX_LINKS) {
		bpf_link__destroy(link);
		fprintf(stderr, "ebrec record: more than %d programs to attach\n",
			RECORD_MAX_LINKS);
		return -E2BIG;
	}
	rec->links[rec->nlinks++] = link;
	return 0;
}

/*
 * Probe i into the raw system-call table when the raw programs serve it (its slot taken:
 * true), or false. A second probe of the same system call keeps the classic path.
 */
static bool raw_syscall_take(struct recorder *rec, size_t i)
{
	int exit, nr = raw_syscall_nr(&rec->o.generic, &rec->o.generic.p[i], &exit);
	struct bpf_program *prog = nr >= 0 ? syscall_prog(rec->skel, exit) : NULL;
	__u16 *slot;

	if (!prog || !bpf_program__autoload(prog))
		return false;
	slot = &rec->skel->bss->ebr_syscall_probe[exit][nr];
	if (*slot)
		return false;
	*slot = (__u16)(i + 1);
	rec->o.generic.p[i].raw_syscall = true;
	return true;
}

/*
 * The raw system-call programs that probes took, each attached once. Where the kernel
 * refuses one, its probes go back to the classic path (attached by the caller: fallback[i]).
 */
static int raw_syscall_attach(struct recorder *rec, bool *fallback)
{
	for (int exit = 0; exit <= 1; exit++) {
		struct bpf_program *prog = syscall_prog(rec->skel, exit);
		__u16 *slots;
		struct bpf_link *link;
		bool used = false;

		if (!prog || !bpf_program__autoload(prog))
			continue;
		slots = rec->skel->bss->ebr_syscall_probe[exit];
		for (int nr = 0; nr < EBR_SYSCALL_SLOTS && !used; nr++)
			used = slots[nr] != 0;
		if (!used)
			continue;
		link = bpf_program__attach(prog);
		if (link) {
			int err = add_link(rec, link, bpf_program__name(prog));

			if (err)
				return err;
			continue;
		}
		fprintf(stderr, "ebrec record: attaching %s failed (%s): its system-call probes "
			"go the perf path (as --syscall-path perf)\n", bpf_program__name(prog),
			strerror(errno));
		for (int nr = 0; nr < EBR_SYSCALL_SLOTS; nr++) {
			if (slots[nr]) {
				fallback[slots[nr] - 1] = true;
				rec->o.generic.p[slots[nr] - 1].raw_syscall = false;
			}
			slots[nr] = 0;
		}
	}
	return 0;
}

int generic_attach(struct recorder *rec)
{
	const struct generic_probes *g = &rec->o.generic;
	int map_fd = g->n ? bpf_map__fd(rec->skel->maps.ebr_generic_probes) : -1;
	bool *classic = calloc(g->n ? g->n : 1, sizeof(*classic));
	int err = 0;

	if (!classic) {
		fprintf(stderr, "ebrec record: out of memory attaching the probes\n");
		return -ENOMEM;
	}
	for (size_t i = 0; i < g->n && !err; i++) {
		uint32_t key = (uint32_t)i;

		if (bpf_map_update_elem(map_fd, &key, &g->p[i].cfg, BPF_ANY)) {
			err = -errno;
			fprintf(stderr, "ebrec record: configuring probe %s failed: %s\n",
				g->p[i].def.name, strerror(-err));
			break;
		}
		classic[i] = !raw_syscall_take(rec, i);
	}
	err = err ?: raw_syscall_attach(rec, classic);
	for (size_t i = 0; i < g->n && !err; i++)
		if (classic[i])
			err = add_link(rec, attach_one(rec, i), g->p[i].def.name);
	free(classic);
	return err;
}
