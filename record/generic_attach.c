// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic probes into the kernel: one program per attach type (bpf/generic.bpf.c), each
 * probe attached through libbpf's attach API with its index as BPF cookie, after its entry
 * of ebr_generic_probes says what it copies.
 */
#include <errno.h>
#include <stdio.h>
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

bool generic_is_prog(const struct ebrec_bpf *skel, const struct bpf_program *prog)
{
	for (int kind = EBR_GEN_TRACEPOINT; kind <= EBR_GEN_USDT; kind++)
		if (generic_prog(skel, kind) == prog)
			return true;
	for (unsigned w = 1; w <= EBR_GENERIC_DIRECT_WORDS; w++)
		if (direct_prog(skel, w) == prog)
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

int generic_attach(struct recorder *rec)
{
	int map_fd = rec->o.generic.n ? bpf_map__fd(rec->skel->maps.ebr_generic_probes) : -1;

	for (size_t i = 0; i < rec->o.generic.n; i++) {
		const struct generic_probe *p = &rec->o.generic.p[i];
		uint32_t key = (uint32_t)i;
		struct bpf_link *link;
		int err;

		if (bpf_map_update_elem(map_fd, &key, &p->cfg, BPF_ANY)) {
			err = -errno;
			fprintf(stderr, "ebrec record: configuring probe %s failed: %s\n",
				p->def.name, strerror(-err));
			return err;
		}
		if (rec->nlinks == RECORD_MAX_LINKS) {
			fprintf(stderr, "ebrec record: more than %d programs to attach\n",
				RECORD_MAX_LINKS);
			return -E2BIG;
		}
		link = attach_one(rec, i);
		if (!link) {
			err = -errno;
			fprintf(stderr, "ebrec record: attaching %s failed: %s\n", p->def.name,
				strerror(-err));
			return err;
		}
		rec->links[rec->nlinks++] = link;
	}
	return 0;
}
