// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stack samples (profile and offcpu) into trace events, and the symbols their frames need:
 * every frame is counted as it is written, and the symbols of those frames are written at
 * the end (stack_symbols_finish), so that the trace reads without the recording host.
 */
#include <stdio.h>
#include <string.h>
#include "record/family.h"
#include "record/ksyms.h"
#include "record/record.h"
#include "record/usyms.h"

_Static_assert(EBR_F_OFFCPU_SPAN_PID == EBR_F_PROFILE_SAMPLE_PID &&
		       EBR_F_OFFCPU_SPAN_TID == EBR_F_PROFILE_SAMPLE_TID &&
		       EBR_F_OFFCPU_SPAN_COMM == EBR_F_PROFILE_SAMPLE_COMM &&
		       EBR_F_OFFCPU_SPAN_KSTACK == EBR_F_PROFILE_SAMPLE_KSTACK &&
		       EBR_F_OFFCPU_SPAN_USTACK == EBR_F_PROFILE_SAMPLE_USTACK &&
		       EBR_F_OFFCPU_SPAN_FLAGS == EBR_F_PROFILE_SAMPLE_FLAGS,
	       "stack types share their first fields");

/* The symbol state of the recording: the recorder runs one recording per process. */
static struct stack_symbols {
	struct ksyms k;
	struct usyms u;
	bool tried_kallsyms;
	uint64_t kframes, kresolved, uframes, uresolved;
} syms;

/* Reads kallsyms once, when a stack family starts; without it kernel frames stay numbers. */
int stack_symbols_start(void)
{
	char msg[160];

	if (syms.tried_kallsyms)
		return 0;
	syms.tried_kallsyms = true;
	if (ksyms_load(&syms.k, msg, sizeof(msg)))
		fprintf(stderr, "ebrec record: warning: %s\n", msg);
	return 0;
}

/* A frame's lookup address: the leaf's own, a return address's call instruction (- 1). */
static uint64_t lookup_addr(const uint64_t *frames, size_t i)
{
	return i ? frames[i] - 1 : frames[i];
}

int stack_translate(struct ebr_writer *w, const void *rec, size_t size)
{
	const struct ebr_rec_stack *r = rec;
	size_t have = (size - offsetof(struct ebr_rec_stack, frames)) / sizeof(r->frames[0]);
	size_t kdepth = r->kdepth, udepth = r->udepth, kskip = 0;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	const uint64_t *kframes = (const uint64_t *)r->frames, *uframes;
	char comm[EBR_COMM_LEN + 1];
	int err = 0;

	/* a record that disagrees with its size is cut to it */
	if (kdepth > have)
		kdepth = have;
	if (udepth > have - kdepth)
		udepth = have - kdepth;
	uframes = kframes + kdepth;
	/* a stack taken in a tracepoint starts in the BPF program that took it */
	if (r->hdr.type == EBR_REC_OFFCPU && syms.k.loaded)
		kskip = ksyms_tracing_frames(&syms.k, kframes, kdepth);
	kframes += kskip;
	kdepth -= kskip;
	for (size_t i = 0; i < kdepth && !err; i++)
		err = ksyms_use(&syms.k, lookup_addr(kframes, i)) ? EBR_E_NOMEM : 0;
	for (size_t i = 0; i < udepth && !err; i++)
		err = usyms_use(&syms.u, w, r->pid, uframes[i], i > 0, r->hdr.ts);
	if (err)
		return err;
	v[EBR_F_PROFILE_SAMPLE_PID].u = r->pid;
	v[EBR_F_PROFILE_SAMPLE_TID].u = r->tid;
	v[EBR_F_PROFILE_SAMPLE_COMM].s = family_kstr(comm, r->comm, EBR_COMM_LEN);
	v[EBR_F_PROFILE_SAMPLE_KSTACK].frames = kframes;
	v[EBR_F_PROFILE_SAMPLE_KSTACK].len = (uint32_t)kdepth;
	v[EBR_F_PROFILE_SAMPLE_USTACK].frames = uframes;
	v[EBR_F_PROFILE_SAMPLE_USTACK].len = (uint32_t)udepth;
	v[EBR_F_PROFILE_SAMPLE_FLAGS].u = r->flags;
	if (r->hdr.type == EBR_REC_PROFILE)
		return ebr_writer_event(w, EBR_EV_PROFILE_SAMPLE, r->hdr.ts, r->hdr.cpu, v);
	v[EBR_F_OFFCPU_SPAN_OFFCPU_NS].u = r->offcpu_ns;
	v[EBR_F_OFFCPU_SPAN_STATE].u = r->state;
	return ebr_writer_event(w, EBR_EV_OFFCPU_SPAN, r->hdr.ts, r->hdr.cpu, v);
}

static int write_share(struct ebr_writer *w, const char *key, uint64_t n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
	return ebr_writer_meta(w, key, buf);
}

int stack_symbols_finish(const struct family_env *env)
{
	int err;

	err = ksyms_write(&syms.k, env->writer, &syms.kframes, &syms.kresolved);
	err = err ?: usyms_write(&syms.u, env->writer, &syms.uframes, &syms.uresolved);
	err = err ?: write_share(env->writer, "symbols.kernel_frames", syms.kframes);
	err = err ?: write_share(env->writer, "symbols.kernel_resolved", syms.kresolved);
	err = err ?: write_share(env->writer, "symbols.user_frames", syms.uframes);
	err = err ?: write_share(env->writer, "symbols.user_resolved", syms.uresolved);
	/* no stack comes after the probes are detached: a second family's call writes nothing */
	ksyms_free(&syms.k);
	usyms_free(&syms.u);
	return err;
}
