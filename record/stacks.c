// SPDX-License-Identifier: GPL-2.0-only
/* Stack samples (profile and offcpu) into trace events, and the symbols their frames need. */
#include <stdio.h>
#include <string.h>
#include "record/family.h"
#include "record/record.h"
#include "record/stacks.h"
#include "record/translate.h"

_Static_assert(EBR_F_OFFCPU_SPAN_PID == EBR_F_PROFILE_SAMPLE_PID &&
		       EBR_F_OFFCPU_SPAN_TID == EBR_F_PROFILE_SAMPLE_TID &&
		       EBR_F_OFFCPU_SPAN_COMM == EBR_F_PROFILE_SAMPLE_COMM &&
		       EBR_F_OFFCPU_SPAN_KSTACK == EBR_F_PROFILE_SAMPLE_KSTACK &&
		       EBR_F_OFFCPU_SPAN_USTACK == EBR_F_PROFILE_SAMPLE_USTACK &&
		       EBR_F_OFFCPU_SPAN_FLAGS == EBR_F_PROFILE_SAMPLE_FLAGS,
	       "stack types share their first fields");

/*
 * Reads kallsyms once, when a stack family starts; without it kernel frames stay numbers. The
 * META goes into every file of a rotated recording.
 */
int stack_symbols_start(struct stack_symbols *s, struct ebr_writer *w,
			const struct family_opts *o)
{
	char msg[160];

	if (!s->tried_kallsyms) {
		s->tried_kallsyms = true;
		if (ksyms_load(&s->k, msg, sizeof(msg)))
			fprintf(stderr, "ebrec record: warning: %s\n", msg);
	}
	if (o->ustack_copy)
		snprintf(msg, sizeof(msg), "dwarf,%u", o->ustack_copy);
	else
		snprintf(msg, sizeof(msg), "fp");
	return errno_of_ebr(ebr_writer_meta(w, "stack.call_graph", msg));
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

/* The parts of a stack record, whichever its kind, once checked against its size. */
struct stack_parts {
	const struct ebr_rec_stack *r; /* the fields both kinds share */
	const uint64_t *kframes, *uframes;
	size_t kdepth, udepth;
	uint32_t flags;
};

/* The sample of parts as a trace event of its type. */
static int stack_emit(struct translate_ctx *ctx, struct stack_parts *sp)
{
	struct stack_symbols *syms = ctx->stacks;
	const struct ebr_rec_stack *r = sp->r;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	size_t kskip = 0;
	char comm[EBR_COMM_LEN + 1];
	bool offcpu = r->hdr.type == EBR_REC_OFFCPU || r->hdr.type == EBR_REC_OFFCPU_COPY;
	int err;

	/* a stack taken in a tracepoint starts in the BPF program that took it */
	if (offcpu && syms->k.loaded)
		kskip = ksyms_tracing_frames(&syms->k, sp->kframes, sp->kdepth);
	sp->kframes += kskip;
	sp->kdepth -= kskip;
	err = stack_symbols_use(syms, ctx->writer, r->pid, r->hdr.ts, sp->kframes, sp->kdepth,
				sp->uframes, sp->udepth);
	if (err)
		return err;
	v[EBR_F_PROFILE_SAMPLE_PID].u = r->pid;
	v[EBR_F_PROFILE_SAMPLE_TID].u = r->tid;
	v[EBR_F_PROFILE_SAMPLE_COMM].s = family_kstr(comm, r->comm, EBR_COMM_LEN);
	v[EBR_F_PROFILE_SAMPLE_KSTACK].frames = sp->kframes;
	v[EBR_F_PROFILE_SAMPLE_KSTACK].len = (uint32_t)sp->kdepth;
	v[EBR_F_PROFILE_SAMPLE_USTACK].frames = sp->uframes;
	v[EBR_F_PROFILE_SAMPLE_USTACK].len = (uint32_t)sp->udepth;
	v[EBR_F_PROFILE_SAMPLE_FLAGS].u = sp->flags;
	if (!offcpu)
		return translate_emit(ctx, EBR_EV_PROFILE_SAMPLE, &r->hdr, v);
	v[EBR_F_OFFCPU_SPAN_OFFCPU_NS].u = r->offcpu_ns;
	v[EBR_F_OFFCPU_SPAN_STATE].u = r->state;
	return translate_emit(ctx, EBR_EV_OFFCPU_SPAN, &r->hdr, v);
}

int stack_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_stack *r = rec;
	size_t have = (size - offsetof(struct ebr_rec_stack, frames)) / sizeof(r->frames[0]);
	struct stack_parts sp = { r, (const uint64_t *)r->frames, NULL, r->kdepth, r->udepth,
				  r->flags };

	/* a record that disagrees with its size is cut to it */
	if (sp.kdepth > have)
		sp.kdepth = have;
	if (sp.udepth > have - sp.kdepth)
		sp.udepth = have - sp.kdepth;
	sp.uframes = sp.kframes + sp.kdepth;
	return stack_emit(ctx, &sp);
}

int stack_unwind_copy(struct stack_symbols *syms, struct ebr_writer *w, uint32_t pid,
		      uint64_t ts, const struct unwind_sample *s, uint64_t *uframes,
		      size_t *udepth, const struct stack_unwound_bits *bits, uint32_t *flags)
{
	bool whole = false;
	int err;

	err = usyms_unwind(&syms->u, w, pid, s, ts, uframes, EBR_USTACK_MAX, udepth, &whole);
	if (err)
		return err;
	*flags |= bits->dwarf;
	if (whole)
		*flags |= bits->whole;
	else if (*udepth == EBR_USTACK_MAX)
		*flags |= EBR_STACK_USER_FULL;
	if (!*udepth)
		*flags |= EBR_STACK_USER_ERR;
	syms->unwound++;
	syms->unwound_whole += whole;
	return 0;
}

/*
 * --call-graph dwarf: the user stack is unwound here, while the process's objects are open
 * and its mappings known, so that the trace holds frames as a frame-pointer walk's do, and
 * neither the stack's bytes nor the objects' CFI (docs: "Stacks through code without frame
 * pointers").
 */
int stack_copy_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	static const struct stack_unwound_bits bits = { EBR_STACK_USER_DWARF,
							EBR_STACK_USER_WHOLE };
	const struct ebr_rec_stack_copy *r = rec;
	size_t data = size - offsetof(struct ebr_rec_stack_copy, data);
	size_t ulen = r->ustack_len <= data ? r->ustack_len & ~(size_t)7 : 0;
	uint64_t uframes[EBR_USTACK_MAX], kframes[EBR_KSTACK_MAX], regs[EBR_UREGS];
	struct unwind_sample s = { r->tid, regs, r->nregs, r->data, ulen };
	struct stack_parts sp = { (const struct ebr_rec_stack *)rec, kframes, uframes,
				  r->kdepth, 0, r->flags };
	int err;

	/* a record that disagrees with its size is cut to it */
	if (s.nregs > EBR_UREGS)
		s.nregs = 0;
	memcpy(regs, r->regs, sizeof(regs));
	if (sp.kdepth > (data - ulen) / 8)
		sp.kdepth = (data - ulen) / 8;
	if (sp.kdepth > EBR_KSTACK_MAX)
		sp.kdepth = EBR_KSTACK_MAX;
	memcpy(kframes, r->data + ulen, sp.kdepth * 8);
	if (!(sp.flags & EBR_STACK_USER_ERR)) {
		err = stack_unwind_copy(ctx->stacks, ctx->writer, r->pid, r->hdr.ts, &s, uframes,
					&sp.udepth, &bits, &sp.flags);
		if (err)
			return err;
	}
	return stack_emit(ctx, &sp);
}

int stack_symbols_write(struct stack_symbols *s, struct ebr_writer *w)
{
	uint64_t ts = s->span_end_ns ? s->span_end_ns : host_monotonic_ns();
	int err;

	err = ksyms_write(&s->k, w, ts, &s->kframes, &s->kresolved);
	err = err ?: usyms_write(&s->u, w, ts, &s->uframes, &s->uresolved);
	err = err ?: errno_of_ebr(record_meta_u64(w, "symbols.kernel_frames", s->kframes));
	err = err ?: errno_of_ebr(record_meta_u64(w, "symbols.kernel_resolved", s->kresolved));
	err = err ?: errno_of_ebr(record_meta_u64(w, "symbols.user_frames", s->uframes));
	err = err ?: errno_of_ebr(record_meta_u64(w, "symbols.user_resolved", s->uresolved));
	if (s->unwound) {
		err = err ?: errno_of_ebr(record_meta_u64(w, "symbols.user_unwound", s->unwound));
		err = err ?: errno_of_ebr(record_meta_u64(w, "symbols.user_unwound_whole",
						      s->unwound_whole));
	}
	/* what was used is written: a second family's call writes no symbol again */
	return err;
}

int stack_symbols_next_file(struct stack_symbols *s, struct ebr_writer *w)
{
	s->kframes = s->kresolved = s->uframes = s->uresolved = 0;
	s->unwound = s->unwound_whole = 0;
	return usyms_rewrite(&s->u, w);
}

int stack_symbols_prune(struct stack_symbols *s, struct ebr_writer *w, uint64_t seen_ts)
{
	if (!s->u.nprocs)
		return 0;
	return usyms_prune(&s->u, w, host_monotonic_ns(), seen_ts, &s->uframes, &s->uresolved);
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
