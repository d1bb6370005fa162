/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel-version shims, all in one place: each helper reads something whose layout changed,
 * and names the kernel commit it follows. bpf/vmlinux.h is one kernel's (make vmlinux); a
 * ___old flavour describes the layout before the change, and libbpf's CO-RE relocation picks,
 * at load time, the branch the running kernel has (the verifier never walks the other).
 * A probe that needs such a switch calls a helper here, never open-codes the test.
 */
#ifndef EBREC_CORE_FIXES_BPF_H
#define EBREC_CORE_FIXES_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>

struct request___old {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

/*
 * The disk of a block request: rq->q->disk since Linux 5.16, commits d152c682f03c ("block:
 * add an explicit ->disk backpointer to the request_queue") and f3fa33acca9f ("block: remove
 * the ->rq_disk field in struct request"); rq->rq_disk before.
 */
static __always_inline struct gendisk *ebr_request_disk(struct request *rq)
{
	if (bpf_core_field_exists(struct request___old, rq_disk))
		return BPF_CORE_READ((struct request___old *)rq, rq_disk);
	return BPF_CORE_READ(rq, q, disk);
}

struct folio___old {
	unsigned long flags;
} __attribute__((preserve_access_index));

/*
 * A folio's page flags: folio->flags.f since Linux 6.18, commit 53fbef56e07d ("mm: introduce
 * memdesc_flags_t"); a plain unsigned long folio->flags before.
 */
static __always_inline unsigned long ebr_folio_flags(struct folio *folio)
{
	if (bpf_core_field_exists(folio->flags.f))
		return BPF_CORE_READ(folio, flags.f);
	return BPF_CORE_READ((struct folio___old *)folio, flags);
}

/*
 * The pages of a large folio (one whose head flag is set): folio->_nr_pages where the kernel
 * keeps it, since Linux 6.15 on 64-bit kernels, commit 4996fc547f5b ("mm: let _folio_nr_pages
 * overlay memcg_data in first tail page"); else from the order in the low byte of
 * folio->_flags_1, where it is kept since Linux 6.6, commit ebc1baf5c9b4 ("mm: free up a word
 * in the first tail page").
 */
static __always_inline __u64 ebr_large_folio_pages(struct folio *folio)
{
	if (bpf_core_field_exists(folio->_nr_pages))
		return BPF_CORE_READ(folio, _nr_pages);
	return 1ull << (BPF_CORE_READ(folio, _flags_1) & 0xff);
}

struct cgroup___old {
	int level;
	u64 ancestor_ids[];
} __attribute__((preserve_access_index));

/*
 * The id of cgroup cg's ancestor at level (level 0 is the root; cg's own level is its own id),
 * or 0: cg->ancestors[level]->kn->id since Linux 6.2, commit 7f203bc89eb6 ("cgroup: Replace
 * cgroup->ancestor_ids[] with ->ancestors[]"); cg->ancestor_ids[level] before. level is the
 * recording's constant, within cg's level (the caller checks).
 */
static __always_inline __u64 ebr_cgroup_ancestor_id(struct cgroup *cg, __u32 level)
{
	struct cgroup *ancestor = NULL;
	__u64 id = 0;

	if (bpf_core_field_exists(cg->ancestors)) {
		bpf_core_read(&ancestor, sizeof(ancestor), &cg->ancestors[level]);
		return ancestor ? BPF_CORE_READ(ancestor, kn, id) : 0;
	}
	bpf_core_read(&id, sizeof(id), &((struct cgroup___old *)cg)->ancestor_ids[level]);
	return id;
}

#endif /* EBREC_CORE_FIXES_BPF_H */
