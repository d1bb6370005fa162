/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to format/: the fixed structures of FORMAT.md. */
#ifndef EBREC_FORMAT_LAYOUT_H
#define EBREC_FORMAT_LAYOUT_H

#include "format/ebr.h"

#define EBR_FILE_MAGIC "\x89" "EBR\r\n\x1a\n"
#define EBR_FILE_HEADER_SIZE 16

#define EBR_BLOCK_MAGIC "EBLK"
#define EBR_BLOCK_HEADER_SIZE 48

#define EBR_FOOTER_MAGIC "EBRFOOT1"
#define EBR_FOOTER_SIZE 16

/* Block types (EBR_BLOCK_*) are public: format/ebr.h. */

/* Block flags: bits 0-7 must be understood (else the block is refused), 8-15 are ignorable. */
#define EBR_BF_ZSTD 0x0001u
#define EBR_BF_COLUMNS 0x0002u /* EVENTS: the events in columns (since 1.7) */
/* EVENTS in columns of what 1.8 adds: predicted fields (format/predict.h), PACK_SHIFT */
#define EBR_BF_COLUMNS_1_8 0x0004u
#define EBR_BF_REQUIRED_MASK 0x00ffu

#endif
