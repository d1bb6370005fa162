// SPDX-License-Identifier: GPL-2.0-only
/* The table of probe families and of the ring-buffer records they emit. */
#include <string.h>
#include "record/family.h"

const struct family *const families[] = {
	&block_family,
};
const size_t nfamilies = sizeof(families) / sizeof(families[0]);

const struct record_kind record_kinds[] = {
	{ EBR_REC_BLOCK_RQ, sizeof(struct ebr_rec_block_rq), EBR_PROBE_BLOCK_RQ, block_translate },
};
const size_t nrecord_kinds = sizeof(record_kinds) / sizeof(record_kinds[0]);

const struct family *family_find(const char *name)
{
	for (size_t i = 0; i < nfamilies; i++)
		if (!strcmp(families[i]->name, name))
			return families[i];
	return NULL;
}

const struct record_kind *record_kind_find(uint16_t type)
{
	for (size_t i = 0; i < nrecord_kinds; i++)
		if (record_kinds[i].type == type)
			return &record_kinds[i];
	return NULL;
}
