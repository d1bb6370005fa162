// SPDX-License-Identifier: BSD-2-Clause
#include "ebr.h"

const char *ebr_strerror(int err)
{
	switch (err) {
	case EBR_OK: return "success";
	case EBR_E_IO: return "input/output error";
	case EBR_E_NOMEM: return "out of memory";
	case EBR_E_NOT_TRACE: return "not an ebrec trace (no .ebr magic)";
	case EBR_E_VERSION: return "trace format version is newer than this ebrec";
	case EBR_E_EMPTY: return "empty file";
	case EBR_E_TRUNCATED: return "truncated";
	case EBR_E_CRC: return "checksum mismatch";
	case EBR_E_CORRUPT: return "corrupt structure";
	case EBR_E_TOO_BIG: return "size exceeds the format's limits";
	case EBR_E_ZSTD: return "compression error";
	case EBR_E_INVALID: return "invalid argument";
	case EBR_E_NO_INDEX: return "no index";
	case EBR_E_UNSUPPORTED: return "unsupported feature";
	}
	return "unknown error";
}
