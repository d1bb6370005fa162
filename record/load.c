// SPDX-License-Identifier: GPL-2.0-only
/*
 * The selected families' programs into the kernel and out: open the skeleton, let each family
 * check and configure its part, load only the programs a selected family uses and the kernel
 * can attach, attach them, and at the end detach them all at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "record/recorder.h"
#include "ebrec.skel.h"

struct family_env recorder_env(struct recorder *rec, size_t i)
{
	return (struct family_env){
		.skel = rec->skel,
		.writer = rec->w,
		.opts = &rec->o.fam,
		.named = rec->fam_named[i],
		.state = rec->fam_state[i],
		.stacks = &rec->stacks,
		.procs = rec->tctx.procs,
	};
}

/* The description of prog in fams[0..nfams), or NULL; *fam (unless NULL): its family's index. */
static const struct family_prog *prog_in(const struct ebrec_bpf *skel,
					 const struct family *const *fams, size_t nfams,
					 const struct bpf_program *prog, size_t *fam)
{
	for (size_t i = 0; i < nfams; i++)
		for (size_t p = 0; p < fams[i]->nprogs; p++)
			if (family_prog_get(skel, &fams[i]->progs[p]) == prog) {
				if (fam)
					*fam = i;
				return &fams[i]->progs[p];
			}
	return NULL;
}

/* A program no family lists would never be loaded: a family's table lacks a row. */
static int check_every_prog_listed(const struct ebrec_bpf *skel)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) {
		if (!prog_in(skel, families, nfamilies, prog, NULL) && !generic_is_prog(skel, prog)) {
			fprintf(stderr, "ebrec record: BPF program %s is in no family's table of "
					"programs (record/<family>.c) nor generic_prog(): this "
					"build is broken\n",
				bpf_program__name(prog));
			return -ENOENT;
		}
	}
	return 0;
}

/* Checks that the kernel has what each family needs, and lets the family set its rodata. */
static int configure_families(struct recorder *rec, const struct features *feat)
{
	for (size_t i = 0; i < rec->nfams; i++) {
		const struct family *f = rec->fams[i];
		bool *have = calloc(f->nprogs ? f->nprogs : 1, sizeof(*have));
		struct family_env env = recorder_env(rec, i);
		int err = 0;

		if (!have) {
			fprintf(stderr, "ebrec record: out of memory\n");
			return -ENOMEM;
		}
		env.have_prog = have;
		for (size_t p = 0; p < f->nprogs && !err; p++) {
			have[p] = features_has_hook(feat, &f->progs[p]);
			/* a program this recording leaves out (named_only) is not needed either */
			if (!have[p] && !f->progs[p].optional &&
			    family_prog_selected(&f->progs[p], env.named)) {
				fprintf(stderr,
					"ebrec record: family %s needs tracepoint %s, which this "
					"kernel lacks: record without it (-e) or see 'ebrec list'\n",
					f->name, f->progs[p].tracepoint);
				err = -ENOENT;
			}
		}
		if (!err && f->configure && (err = f->configure(&env)))
			fprintf(stderr, "ebrec record: configuring family %s failed: %s\n", f->name,
				strerror(-err));
		free(have);
		if (err)
			return err;
	}
	return 0;
}

/* Each selected family's state, zeroed. */
static int alloc_family_states(struct recorder *rec)
{
	for (size_t i = 0; i < rec->nfams; i++) {
		if (!rec->fams[i]->state_size)
			continue;
		rec->fam_state[i] = calloc(1, rec->fams[i]->state_size);
		if (!rec->fam_state[i]) {
			fprintf(stderr, "ebrec record: out of memory\n");
			return -ENOMEM;
		}
	}
	return 0;
}

/* The programs of the selected families whose tracepoint the kernel has, attached. */
static int attach_tracepoints(struct recorder *rec)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, rec->skel->obj) {
		const struct family_prog *fp = prog_in(rec->skel, rec->fams, rec->nfams, prog, NULL);
		struct bpf_link *link;

		if (!bpf_program__autoload(prog) || !fp || !fp->tracepoint)
			continue;
		if (rec->nlinks == RECORD_MAX_LINKS) {
			fprintf(stderr, "ebrec record: more than %d programs to attach\n",
				RECORD_MAX_LINKS);
			return -E2BIG;
		}
		link = bpf_program__attach(prog);
		if (!link) {
			int err = -errno;

			fprintf(stderr, "ebrec record: attaching %s failed: %s\n",
				bpf_program__name(prog), strerror(-err));
			return err;
		}
		rec->links[rec->nlinks++] = link;
	}
	return 0;
}

/*
 * --cgroup: whether every kind of program of ours may call bpf_get_current_ancestor_cgroup_id()
 * (tp_btf programs are given what raw tracepoints are, which libbpf cannot probe alone).
 */
static bool have_ancestor_helper(void)
{
	static const enum bpf_prog_type types[] = { BPF_PROG_TYPE_TRACEPOINT,
						    BPF_PROG_TYPE_PERF_EVENT,
						    BPF_PROG_TYPE_KPROBE };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (libbpf_probe_bpf_helper(types[i], BPF_FUNC_get_current_ancestor_cgroup_id,
					    NULL) != 1)
			return false;
	return true;
}

int record_load(struct recorder *rec, const struct features *feat)
{
	struct bpf_program *prog;
	int err;

	rec->skel = ebrec_bpf__open();
	if (!rec->skel) {
		char why[128];

		err = -errno;
		libbpf_strerror(err, why, sizeof(why));
		/* the object is built in: libelf fails on it only for want of memory */
		fprintf(stderr, "ebrec record: cannot open the BPF object: %s%s\n", why,
			err == -LIBBPF_ERRNO__LIBELF ? " (out of memory)" : "");
		return err;
	}
	err = check_every_prog_listed(rec->skel);
	err = err ?: alloc_family_states(rec);
	if (err)
		return err;
	err = bpf_map__set_max_entries(rec->skel->maps.ebr_ring, (uint32_t)rec->o.buffer_size);
	/* a generic record being built per CPU, and one more for the raw system-call programs
	 * (bpf/generic.bpf.c) */
	err = err ?: bpf_map__set_max_entries(rec->skel->maps.ebr_generic_scratch,
					      (uint32_t)rec->ncpus *
					      (generic_raw_syscalls(&rec->o.generic) ? 2 : 1));
	rec->skel->rodata->ebr_generic_raw_base = (uint32_t)rec->ncpus;
	if (err) {
		fprintf(stderr, "ebrec record: cannot size the ring buffer or the probes' "
				"scratch: %s\n", strerror(-err));
		return err;
	}
	rec->skel->rodata->ebr_target_tgid = (uint32_t)rec->o.pid;
	rec->skel->rodata->ebr_self_tgid = (uint32_t)getpid();
	rec->skel->rodata->ebr_target_cgroup_id = rec->cgroup_id;
	rec->skel->rodata->ebr_target_cgroup_level = rec->cgroup_level;
	rec->skel->rodata->ebr_have_ancestor_helper = rec->cgroup_id && have_ancestor_helper();
	memcpy((char *)rec->skel->rodata->ebr_comm_filter, rec->o.generic.comm, EBR_COMM_LEN);
	/* --call-graph dwarf: for profile, offcpu and the probes' user stacks alike */
	rec->skel->rodata->ebr_ustack_copy_bytes = rec->o.fam.ustack_copy;
	err = configure_families(rec, feat);
	if (err)
		return err;
	/* a program loads when a selected family uses it and the kernel has its hook */
	bpf_object__for_each_program(prog, rec->skel->obj) {
		size_t fam = 0;
		const struct family_prog *fp = prog_in(rec->skel, rec->fams, rec->nfams, prog, &fam);

		bpf_program__set_autoload(prog, fp && features_has_hook(feat, fp) &&
					  family_prog_selected(fp, rec->fam_named[fam]));
	}
	generic_set_autoload(rec->skel, &rec->o.generic);
	err = ebrec_bpf__load(rec->skel);
	if (err) {
		if (err == -ENOMEM)
			fprintf(stderr, "ebrec record: out of memory loading the BPF programs\n");
		else if (record_libbpf_dropped_btf() && access(HOST_VMLINUX_BTF, R_OK) == 0)
			fprintf(stderr, "ebrec record: loading the BPF programs failed (%s): libbpf "
					"went on without their BTF, though this kernel has BTF (%s), "
					"as it does when it runs out of memory building or probing it "
					"(rerun with -v for its log)\n", strerror(-err), HOST_VMLINUX_BTF);
		else if (err == -ESRCH && access(HOST_VMLINUX_BTF, R_OK) == 0)
			/* libbpf's search for the kernel's BTF calls any failure "not found" */
			fprintf(stderr, "ebrec record: loading the BPF programs failed: libbpf could "
					"not read %s, which is there (it says 'not found' for any "
					"failure, out of memory included)\n", HOST_VMLINUX_BTF);
		else
			fprintf(stderr, "ebrec record: loading the BPF programs failed (%s): rerun "
					"with -v for the verifier's log\n", strerror(-err));
		return err;
	}
	err = attach_tracepoints(rec);
	for (size_t i = 0; i < rec->nfams && !err; i++) {
		struct family_env env = recorder_env(rec, i);

		if (rec->fams[i]->attach)
			err = rec->fams[i]->attach(&env, rec->links, &rec->nlinks,
						   RECORD_MAX_LINKS);
	}
	return err ?: generic_attach(rec);
}

#define DETACH_THREADS 64

struct detach_work {
	struct bpf_link **links;
	size_t n;
	atomic_size_t next;
};

static void *detach_some(void *arg)
{
	struct detach_work *w = arg;
	size_t i;

	while ((i = atomic_fetch_add(&w->next, 1)) < w->n)
		bpf_link__destroy(w->links[i]);
	return NULL;
}

/*
 * Detaching from a syscall tracepoint waits for RCU grace periods (they are faultable on
 * 6.x): 70 ms a link here, 2 s for the file family's 28 one after another, paid at every end
 * of a recording. Concurrent waiters share part of those waits (the kernel's event_mutex
 * serializes the rest), so the links go all at once: 2.1 -> 1.1 s.
 */
void record_detach(struct recorder *rec)
{
	struct detach_work w = { rec->links, rec->nlinks, 0 };
	pthread_t t[DETACH_THREADS];
	size_t nt = 0;

	while (nt < DETACH_THREADS && nt + 1 < w.n && !pthread_create(&t[nt], NULL, detach_some, &w))
		nt++;
	detach_some(&w); /* and whatever no thread could be started for */
	for (size_t i = 0; i < nt; i++)
		pthread_join(t[i], NULL);
	rec->nlinks = 0;
}

void record_unload(struct recorder *rec)
{
	ebrec_bpf__destroy(rec->skel);
	rec->skel = NULL;
	for (size_t i = 0; i < rec->nfams; i++) {
		free(rec->fam_state[i]);
		rec->fam_state[i] = NULL;
	}
	stack_symbols_free(&rec->stacks);
}
