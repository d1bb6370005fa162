// SPDX-License-Identifier: GPL-2.0-only
/* The names bcc and the kernel give to request flags and disks. */
#include <stdio.h>
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

void block_flags_label(uint64_t flags, char *out, size_t len)
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
