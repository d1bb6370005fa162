// SPDX-License-Identifier: GPL-2.0-only
/*
 * A generic probe's ring record (bpf/events.h struct ebr_rec_generic) into an event of the
 * probe's own type: each field read where its probe's description (record/generic.h) says.
 * The record comes from the kernel, but is checked as if it did not: a field that its record
 * does not hold reads as 0 or empty, and the record is counted as malformed.
 */
#include <string.h>
#include "record/generic.h"
#include "record/stacks.h"
#include "record/translate.h"

/* The parts of a record, checked against its size. */
struct generic_parts {
	const uint8_t *raw;
	size_t raw_len;
	const uint8_t *strs[EBR_GENERIC_MAX_STRS];
	uint16_t str_lens[EBR_GENERIC_MAX_STRS];
	const uint64_t *kframes, *uframes;
	size_t kdepth, udepth;
	/* EBR_GEN_REC_USER_COPY: the user registers and stack copy, to unwind */
	uint32_t nregs;
	const uint8_t *ustack;
	size_t ustack_len;
	bool malformed;
	uint64_t regs[EBR_UREGS]; /* unset until split_copy() fills it (nregs) */
};

/* After the kernel frames at off: the user registers, then the stack copy to the end. */
static void split_copy(const struct ebr_rec_generic *r, size_t have, size_t off,
		       struct generic_parts *p)
{
	size_t regs_at = off + p->kdepth * 8;

	if (have - regs_at < EBR_UREGS_BYTES) {
		p->malformed = true;
		return;
	}
	memcpy(p->regs, r->data + regs_at, EBR_UREGS_BYTES);
	p->nregs = EBR_UREGS;
	p->ustack = r->data + regs_at + EBR_UREGS_BYTES;
	p->ustack_len = (have - regs_at - EBR_UREGS_BYTES) & ~(size_t)7;
}

static void split_record(const struct ebr_rec_generic *r, size_t size, unsigned nstr,
			 struct generic_parts *p)
{
	size_t have = size - offsetof(struct ebr_rec_generic, data);
	size_t off, end, frames;

	/*
	 * Field by field, not regs: a memset of the struct (a rep stos) was a tenth of a
	 * storm's recorder CPU. kframes, uframes, kdepth and udepth are set below.
	 */
	memset(p->strs, 0, sizeof(p->strs));
	memset(p->str_lens, 0, sizeof(p->str_lens));
	p->nregs = 0;
	p->ustack = NULL;
	p->ustack_len = 0;
	p->malformed = false;
	p->raw = r->data;
	p->raw_len = r->raw_len <= have ? r->raw_len : have;
	off = p->raw_len;
	end = r->raw_len + (size_t)r->str_len;
	if (end > have) {
		p->malformed = true;
		end = have;
	}
	for (unsigned i = 0; i < nstr && i < EBR_GENERIC_MAX_STRS; i++) {
		uint16_t len;

		if (end - off < sizeof(len)) {
			p->malformed = true;
			break;
		}
		memcpy(&len, r->data + off, sizeof(len));
		off += sizeof(len);
		if (len > end - off) {
			p->malformed = true;
			len = (uint16_t)(end - off);
		}
		p->strs[i] = r->data + off;
		p->str_lens[i] = len;
		off += len;
	}
	off = (end + 7) & ~(size_t)7;
	frames = off < have ? (have - off) / 8 : 0;
	p->kdepth = r->kdepth;
	p->udepth = r->flags & EBR_GEN_REC_USER_COPY ? 0 : r->udepth;
	if (p->kdepth + p->udepth > frames) {
		p->malformed = true;
		p->kdepth = p->kdepth < frames ? p->kdepth : frames;
		p->udepth = frames - p->kdepth < p->udepth ? frames - p->kdepth : p->udepth;
	}
	/* the frames are 8-aligned in the ring; the record's copy keeps that alignment */
	if (off > have)
		off = have;
	p->kframes = (const uint64_t *)(const void *)(r->data + off);
	p->uframes = p->kframes + p->kdepth;
	if (r->flags & EBR_GEN_REC_USER_COPY)
		split_copy(r, have, off, p);
}

/* A number of size bytes at offset of the tracepoint's record (which starts 8 bytes before raw). */
static bool read_number(const struct generic_parts *p, const struct generic_field *f,
			uint64_t *out)
{
	size_t at = (size_t)f->offset - 8;
	union {
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
	} n = { .u64 = 0 };

	if (f->offset < 8 || at + f->size > p->raw_len || f->size > 8)
		return false;
	memcpy(&n, p->raw + at, f->size);
	switch (f->size) {
	case 1:
		*out = f->is_signed ? (uint64_t)(int64_t)(int8_t)n.u8 : n.u8;
		break;
	case 2:
		*out = f->is_signed ? (uint64_t)(int64_t)(int16_t)n.u16 : n.u16;
		break;
	case 4:
		*out = f->is_signed ? (uint64_t)(int64_t)(int32_t)n.u32 : n.u32;
		break;
	case 8:
		*out = n.u64;
		break;
	default:
		return false;
	}
	return true;
}

/* The bytes of a fixed array, or of a __data_loc / __rel_loc field's data. */
static bool field_bytes(const struct generic_parts *p, const struct generic_field *f,
			const uint8_t **data, size_t *len)
{
	size_t at = (size_t)f->offset - 8;
	uint32_t loc;

	if (f->offset < 8)
		return false;
	if (f->src == GSRC_ARRAY) {
		if (at + f->size > p->raw_len)
			return false;
		*data = p->raw + at;
		*len = f->size;
		return true;
	}
	if (at + sizeof(loc) > p->raw_len)
		return false;
	memcpy(&loc, p->raw + at, sizeof(loc));
	at = loc & 0xffff;
	if (f->rel)
		at += (size_t)f->offset + 4;
	*len = loc >> 16;
	if (at < 8 || at - 8 + *len > p->raw_len)
		return false;
	*data = p->raw + at - 8;
	return true;
}

/* Where an event's strings are copied NUL-terminated. */
struct string_room {
	char *next, *end;
	bool cut;
};

/* A string value of the bytes at data, up to the first NUL: a copy with its NUL. */
static const char *string_value(struct string_room *room, const uint8_t *data, size_t len)
{
	const uint8_t *nul = memchr(data, 0, len);
	char *s = room->next;

	if (nul)
		len = (size_t)(nul - data);
	/* only fields that overlap in a damaged record can need more room than it has */
	if (len >= (size_t)(room->end - room->next)) {
		room->cut = true;
		len = (size_t)(room->end - room->next) - 1;
	}
	memcpy(s, data, len);
	s[len] = 0;
	room->next += len + 1;
	return s;
}

int generic_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_generic *r = rec;
	const struct generic_probes *g = ctx->generic;
	const struct generic_probe *probe;
	/* not zeroed whole: 2 KiB a record was a third of the storm's recorder CPU */
	struct ebr_value v[EBR_MAX_FIELDS];
	/* every string of the event, NUL-terminated: at most the record and a NUL each */
	char strings[EBR_GENERIC_DATA + EBR_MAX_FIELDS + EBR_COMM_LEN + 1];
	struct string_room room = { strings, strings + sizeof(strings), false };
	struct generic_parts p;
	uint64_t uframes[EBR_USTACK_MAX];
	uint32_t flags;
	size_t kskip = 0;
	int err;

	if (!g || r->probe >= g->n) {
		ctx->malformed++;
		return 0;
	}
	probe = &g->p[r->probe];
	split_record(r, size, probe->cfg.nstr, &p);
	if (p.kdepth && ctx->stacks->k.loaded && probe->cfg.kind == EBR_GEN_TRACEPOINT)
		kskip = ksyms_tracing_frames(&ctx->stacks->k, p.kframes, p.kdepth);
	p.kframes += kskip;
	p.kdepth -= kskip;
	flags = r->flags & ~EBR_GEN_REC_USER_COPY;
	if (p.nregs) {
		static const struct stack_unwound_bits bits = { EBR_GENERIC_USER_DWARF,
								EBR_GENERIC_USER_WHOLE };
		struct unwind_sample s = { r->tid, p.regs, p.nregs, p.ustack, p.ustack_len };

		err = stack_unwind_copy(ctx->stacks, ctx->writer, r->pid, r->hdr.ts, &s, uframes,
					&p.udepth, &bits, &flags);
		if (err)
			return err;
		p.uframes = uframes;
	}
	for (uint32_t i = 0; i < probe->def.nfields; i++) {
		const struct generic_field *f = &probe->src[i];
		struct ebr_value *val = &v[i];
		const uint8_t *data = NULL;
		size_t len = 0;

		*val = (struct ebr_value){ 0 };
		switch (f->src) {
		case GSRC_COMMON_PID:
			val->u = r->tid;
			break;
		case GSRC_COMMON_TGID:
			val->u = r->pid;
			break;
		case GSRC_COMMON_COMM:
			val->s = string_value(&room, (const uint8_t *)r->comm, EBR_COMM_LEN);
			break;
		case GSRC_NUMBER:
			p.malformed |= !read_number(&p, f, &val->u);
			break;
		case GSRC_ARRAY:
		case GSRC_DYNAMIC:
			p.malformed |= !field_bytes(&p, f, &data, &len);
			if (probe->fields[i].kind == EBR_KIND_STR) {
				val->s = string_value(&room, data ? data : (const uint8_t *)"",
						      len);
			} else {
				val->s = (const char *)data;
				val->len = (uint32_t)len;
			}
			break;
		case GSRC_ARG:
			if ((size_t)f->index * 8 + 8 <= p.raw_len)
				memcpy(&val->u, p.raw + f->index * 8, 8);
			else
				p.malformed = true;
			break;
		case GSRC_STRING:
			if (f->index < EBR_GENERIC_MAX_STRS && p.strs[f->index])
				val->s = string_value(&room, p.strs[f->index],
						      p.str_lens[f->index]);
			break;
		case GSRC_KSTACK:
			val->frames = p.kframes;
			val->len = (uint32_t)p.kdepth;
			break;
		case GSRC_USTACK:
			val->frames = p.uframes;
			val->len = (uint32_t)p.udepth;
			break;
		case GSRC_FLAGS:
			val->u = flags;
			break;
		}
	}
	if (p.malformed || room.cut)
		ctx->malformed++;
	err = stack_symbols_use(ctx->stacks, ctx->writer, r->pid, r->hdr.ts, p.kframes, p.kdepth,
				p.uframes, p.udepth);
	return err ?: translate_emit(ctx, generic_type_id(r->probe), &r->hdr, v);
}
