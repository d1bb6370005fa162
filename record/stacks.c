// SPDX-License-Identifier: GPL-2.0-only
/* Stack samples (profile and offcpu) into trace events, and the symbols their frames need. */
#include <stdio.h>
#include <string.h>
#include "record/family.h"
#include "record/stacks.h"
#include "record/translate.h"

_Static_assert(EBR_F_OFFCPU_SPAN_PID == EBR_F_PROFILE_SAMPLE_PID &&
		       EBR_F_OFFCPU_SPAN_TID == EBR_F_PROFILE_SAMPLE_TID &&
		       EBR_F_OFFCPU_SPAN_COMM == EBR_F_PROFILE_SAMPLE_COMM &&
		       EBR_F_OFFCPU_SPAN_KSTACK == EBR_F_PROFILE_SAMPLE_KSTACK &&
		       EBR_F_OFFCPU_SPAN_USTACK == EBR_F_PROFILE_SAMPLE_USTACK &&
		       EBR_F_OFFCPU_SPAN_FLAGS == EBR_F_PROFILE_SAMPLE_FLAGS,
	       "stack types share their first fields");

/* Reads kallsyms once, when a stack family starts; without it kernel frames stay numbers. */
void stack_symbols_start(struct stack_symbols *s)
{
	char msg[160];

	if (s->tried_kallsyms)
		return;
	s->tried_kallsyms = true;
	if (ksyms_load(&s->k, msg, sizeof(msg)))
		fprintf(stderr, "ebrec record: warning: %s\n", msg);
}

/* A frame's lookup address: the leaf's own, a return address's call instruction (- 1). */
static uint64_t lookup_addr(const uint64_t *frames, size_t i)
{
	return i ? frames[i] - 1 : frames[i];
}

int stack_symbols_use(struct stack_symbols *s, struct ebr_writer *w, uint32_t pid, uint64_t ts,
		      const uint64_t *kframes, size_t kdepth, const uint64_t *uframes,
		      size_t udepth)
{
	int err = 0;

	for (size_t i = 0; i < kdepth && !err; i++)
		err = ksyms_use(&s->k, lookup_addr(kframes, i));
	for (size_t i = 0; i < udepth && !err; i++)
		err = usyms_use(&s->u, w, pid, uframes[i], i > 0, ts);
	return err;
}

int stack_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	struct stack_symbols *syms = ctx->stacks;
	const struct ebr_rec_stack *r = rec;
	size_t have = (size - offsetof(struct ebr_rec_stack, frames)) / sizeof(r->frames[0]);
	size_t kdepth = r->kdepth, udepth = r->udepth, kskip = 0;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	const uint64_t *kframes = (const uint64_t *)r->frames, *uframes;
	char comm[EBR_COMM_LEN + 1];
	int err;

	/* a record that disagrees with its size is cut to it */
	if (kdepth > have)
		kdepth = have;
	if (udepth > have - kdepth)
		udepth = have - kdepth;
	uframes = kframes + kdepth;
	/* a stack taken in a tracepoint starts in the BPF program that took it */
	if (r->hdr.type == EBR_REC_OFFCPU && syms->k.loaded)
		kskip = ksyms_tracing_frames(&syms->k, kframes, kdepth);
	kframes += kskip;
	kdepth -= kskip;
	err = stack_symbols_use(syms, ctx->writer, r->pid, r->hdr.ts, kframes, kdepth, uframes,
				udepth);
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
		return translate_emit(ctx, EBR_EV_PROFILE_SAMPLE, &r->hdr, v);
	v[EBR_F_OFFCPU_SPAN_OFFCPU_NS].u = r->offcpu_ns;
	v[EBR_F_OFFCPU_SPAN_STATE].u = r->state;
	return translate_emit(ctx, EBR_EV_OFFCPU_SPAN, &r->hdr, v);
}

static int write_share(struct ebr_writer *w, const char *key, uint64_t n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
	return ebr_writer_meta(w, key, buf);
}

int stack_symbols_write(struct stack_symbols *s, struct ebr_writer *w)
{
	int err;

	err = ksyms_write(&s->k, w, &s->kframes, &s->kresolved);
	err = err ?: usyms_write(&s->u, w, &s->uframes, &s->uresolved);
	err = err ?: errno_of_ebr(write_share(w, "symbols.kernel_frames", s->kframes));
	err = err ?: errno_of_ebr(write_share(w, "symbols.kernel_resolved", s->kresolved));
	err = err ?: errno_of_ebr(write_share(w, "symbols.user_frames", s->uframes));
	err = err ?: errno_of_ebr(write_share(w, "symbols.user_resolved", s->uresolved));
	/* no stack comes after the probes are detached: a second family's call writes nothing */
	stack_symbols_free(s);
	return err;
}

void stack_symbols_free(struct stack_symbols *s)
{
	ksyms_free(&s->k);
	usyms_free(&s->u);
}

int stack_symbols_finish(const struct family_env *env)
{
	return stack_symbols_write(env->stacks, env->writer);
}
