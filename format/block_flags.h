/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The `flags` field of block.rq (FORMAT.md "Block flags"): part of the file format, stable
 * across kernels (the kernel's REQ_* bits are not). Free of includes, so the BPF programs that
 * produce the values (bpf/events.h) and the readers that interpret them share one definition.
 */
#ifndef EBREC_FORMAT_BLOCK_FLAGS_H
#define EBREC_FORMAT_BLOCK_FLAGS_H

enum ebr_block_flags {
	EBR_BIO_OP_MASK = 0xff, /* low byte: operation */
	EBR_BIO_OP_READ = 0,
	EBR_BIO_OP_WRITE = 1,
	EBR_BIO_OP_FLUSH = 2,
	EBR_BIO_OP_DISCARD = 3,
	EBR_BIO_OP_SECURE_ERASE = 4,
	EBR_BIO_OP_WRITE_ZEROES = 5,
	EBR_BIO_OP_OTHER = 6,
	EBR_BIO_SYNC = 1 << 8,
	EBR_BIO_META = 1 << 9,
	EBR_BIO_FUA = 1 << 10,
	EBR_BIO_PREFLUSH = 1 << 11,
	EBR_BIO_RAHEAD = 1 << 12,
};

#endif
