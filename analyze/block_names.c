// SPDX-License-Identifier: GPL-2.0-only
/* The names bcc and the kernel give to request flags and disks. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/block.h"
#include "format/array_size.h"

void block_rwbs(uint64_t flags, char out[8])
{
	int i = 0;

	if (flags & EBR_BIO_PREFLUSH)
		out[i++] = 'F';
	switch (flags & EBR_BIO_OP_MASK) {
	case EBR_BIO_OP_WRITE:
		out[i++] = 'W';
		break;
	case EBR_BIO_OP_DISCARD:
		out[i++] = 'D';
		break;
	case EBR_BIO_OP_SECURE_ERASE:
		out[i++] = 'D';
		out[i++] = 'E';
		break;
	case EBR_BIO_OP_FLUSH:
		out[i++] = 'F';
		break;
	case EBR_BIO_OP_READ:
		out[i++] = 'R';
		break;
	default:
		out[i++] = 'N';
	}
	if (flags & EBR_BIO_FUA)
		out[i++] = 'F';
	if (flags & EBR_BIO_RAHEAD)
		out[i++] = 'A';
	if (flags & EBR_BIO_SYNC)
		out[i++] = 'S';
	if (flags & EBR_BIO_META)
		out[i++] = 'M';
	out[i] = 0;
}

/* The labels of the stable flags (traces before 1.4), in bcc's order. */
static void block_stable_label(uint64_t flags, char *out, size_t len)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} bits[] = {
		{ EBR_BIO_RAHEAD, "ReadAhead-" }, { EBR_BIO_PREFLUSH, "PreFlush-" },
		{ EBR_BIO_FUA, "FUA-" },          { EBR_BIO_META, "Metadata-" },
		{ EBR_BIO_SYNC, "Sync-" },
	};
	static const char *const ops[] = {
		[EBR_BIO_OP_READ] = "Read",
		[EBR_BIO_OP_WRITE] = "Write",
		[EBR_BIO_OP_FLUSH] = "Flush",
		[EBR_BIO_OP_DISCARD] = "Discard",
		[EBR_BIO_OP_SECURE_ERASE] = "SecureErase",
		[EBR_BIO_OP_WRITE_ZEROES] = "WriteZeroes",
	};
	uint64_t op = flags & EBR_BIO_OP_MASK;
	size_t n = 0;

	out[0] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
		if ((flags & bits[i].bit) && n < len)
			n += (size_t)snprintf(out + n, len - n, "%s", bits[i].name);
	if (n < len)
		snprintf(out + n, len - n, "%s",
			 op < ARRAY_SIZE(ops) && ops[op] ? ops[op] : "Unknown");
}

/*
 * bcc's names for the kernel's flag bits, in the order libbpf-tools' biolatency prints them
 * (print_cmd_flags); a bit bcc does not name is labelled from the kernel's own name.
 */
static const char *const bcc_flag_names[][2] = {
	{ "__REQ_NOWAIT", "NoWait" },	    { "__REQ_BACKGROUND", "Background" },
	{ "__REQ_RAHEAD", "ReadAhead" },    { "__REQ_PREFLUSH", "PreFlush" },
	{ "__REQ_FUA", "FUA" },		    { "__REQ_INTEGRITY", "Integrity" },
	{ "__REQ_IDLE", "Idle" },	    { "__REQ_NOMERGE", "NoMerge" },
	{ "__REQ_PRIO", "Priority" },	    { "__REQ_META", "Metadata" },
	{ "__REQ_SYNC", "Sync" },
};

/* bcc's operation names that are not the kernel's name in CamelCase. */
static const char *const bcc_op_names[][2] = {
	{ "REQ_OP_SCSI_IN", "SCSIIn" },
	{ "REQ_OP_SCSI_OUT", "SCSIOut" },
};

/* "__REQ_ALLOC_CACHE" -> "AllocCache": how bcc spells the names it has. */
static void camel_case(const char *name, size_t prefix, char out[BLOCK_NAME_LEN])
{
	size_t n = 0;
	bool upper = true;

	for (const char *c = name + prefix; *c && n + 1 < BLOCK_NAME_LEN; c++) {
		if (*c == '_') {
			upper = true;
			continue;
		}
		out[n++] = (char)(upper ? toupper((unsigned char)*c) : tolower((unsigned char)*c));
		upper = false;
	}
	out[n] = 0;
}

/* The label of kernel name NAME[0..len) from table (or its CamelCase after prefix). */
static void label_of(const char *name, size_t len, const char *const table[][2], size_t ntable,
		     size_t prefix, char out[BLOCK_NAME_LEN])
{
	char kname[BLOCK_NAME_LEN];

	snprintf(kname, sizeof(kname), "%.*s", (int)len, name);
	for (size_t i = 0; i < ntable; i++)
		if (!strcmp(kname, table[i][0])) {
			snprintf(out, BLOCK_NAME_LEN, "%s", table[i][1]);
			return;
		}
	camel_case(kname, strncmp(kname, name, prefix) ? 0 : prefix, out);
}

/*
 * Calls fn for each "NAME=VALUE" of a META list. A member whose name is too long, whose value
 * is not a number, or which is the enum's sentinel (__REQ_NR_BITS, REQ_OP_LAST) is skipped:
 * the list comes from a trace, and a bit it does not name is printed by number.
 */
static void each_member(const char *list, struct block_req_names *names,
			void (*fn)(struct block_req_names *, const char *, size_t, uint64_t))
{
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ','), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *num_end;
		unsigned long long value;

		eq = memchr(p, '=', len);
		if (eq && eq > p && (size_t)(eq - p) < BLOCK_NAME_LEN && eq + 1 < p + len &&
		    isdigit((unsigned char)eq[1])) {
			value = strtoull(eq + 1, &num_end, 10);
			if (num_end == p + len && !memmem(p, (size_t)(eq - p), "NR_BITS", 7) &&
			    !memmem(p, (size_t)(eq - p), "OP_LAST", 7))
				fn(names, p, (size_t)(eq - p), value);
		}
		p = end ? end + 1 : NULL;
	}
}

static void add_flag_bit(struct block_req_names *names, const char *name, size_t len,
			 uint64_t bit)
{
	if (bit >= 64)
		return;
	label_of(name, len, bcc_flag_names, ARRAY_SIZE(bcc_flag_names), strlen("__REQ_"),
		 names->bit[bit]);
	if (!names->known || (1ull << bit) - 1 < names->op_mask)
		names->op_mask = (1ull << bit) - 1;
	names->known = true;
}

static void add_op(struct block_req_names *names, const char *name, size_t len, uint64_t value)
{
	if (names->nops >= BLOCK_MAX_OPS)
		return;
	names->ops[names->nops].value = value;
	label_of(name, len, bcc_op_names, ARRAY_SIZE(bcc_op_names), strlen("REQ_OP_"),
		 names->ops[names->nops].name);
	names->nops++;
}

void block_req_names_parse(struct block_req_names *names, const char *flag_bits,
			   const char *ops)
{
	bool listed[64] = { false };

	memset(names, 0, sizeof(*names));
	each_member(flag_bits, names, add_flag_bit);
	if (!names->known)
		return;
	each_member(ops, names, add_op);
	/* bcc's bits in bcc's order, then the others from the lowest */
	for (size_t i = 0; i < ARRAY_SIZE(bcc_flag_names); i++)
		for (unsigned bit = 0; bit < 64; bit++)
			if (!listed[bit] && !strcmp(names->bit[bit], bcc_flag_names[i][1])) {
				names->order[names->norder++] = (uint8_t)bit;
				listed[bit] = true;
			}
	for (unsigned bit = 0; bit < 64; bit++)
		if (!listed[bit] && (1ull << bit) > names->op_mask)
			names->order[names->norder++] = (uint8_t)bit;
}

void block_req_names_load(struct block_req_names *names, const struct ebr_reader *r)
{
	block_req_names_parse(names, ebr_reader_meta(r, "block.req_flag_bits"),
			      ebr_reader_meta(r, "block.req_ops"));
}

void block_flags_label(const struct block_req_names *names, uint64_t flags, uint64_t cmd_flags,
		       char *out, size_t len)
{
	uint64_t op = cmd_flags & names->op_mask;
	const char *op_name = "Unknown";
	size_t n = 0;

	if (!names->known) {
		block_stable_label(flags, out, len);
		return;
	}
	out[0] = 0;
	for (unsigned i = 0; i < names->norder && n < len; i++) {
		unsigned bit = names->order[i];

		if (!(cmd_flags & (1ull << bit)))
			continue;
		if (names->bit[bit][0])
			n += (size_t)snprintf(out + n, len - n, "%s-", names->bit[bit]);
		else
			n += (size_t)snprintf(out + n, len - n, "Bit%u-", bit);
	}
	for (unsigned i = 0; i < names->nops; i++)
		if (names->ops[i].value == op) {
			op_name = names->ops[i].name;
			break;
		}
	if (n < len)
		snprintf(out + n, len - n, "%s", op_name);
}

void block_disk_name(const struct ebr_reader *r, uint64_t dev, char *out, size_t len)
{
	char key[48];
	const char *name;
	unsigned major = (unsigned)(dev >> 20), minor = (unsigned)(dev & 0xfffff);

	snprintf(key, sizeof(key), "dev.%u:%u", major, minor);
	name = ebr_reader_meta(r, key);
	if (name)
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "%u:%u", major, minor);
}
