// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include "analyze/losses.h"

static struct probe_losses *probe_of(struct losses *l, const struct ebr_reader *r, uint32_t id)
{
	struct probe_losses *p;
	const char *name;
	char key[32];

	for (uint32_t i = 0; i < l->nprobes; i++)
		if (l->probes[i].probe == id)
			return &l->probes[i];
	if (l->nprobes >= LOSSES_MAX_PROBES)
		return NULL;
	p = &l->probes[l->nprobes++];
	memset(p, 0, sizeof(*p));
	p->probe = id;
	snprintf(key, sizeof(key), "probe.%u", id);
	name = ebr_reader_meta(r, key);
	snprintf(p->name, sizeof(p->name), "%s", name ? name : key);
	return p;
}

int losses_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct losses *l = self;
	struct probe_losses *p;

	if (ev->type != EBR_EV_COUNTS)
		return 0;
	p = probe_of(l, r, (uint32_t)ev->v[EBR_F_COUNTS_PROBE].u);
	if (!p)
		return 0;
	p->emitted += ev->v[EBR_F_COUNTS_EMITTED].u;
	p->lost_ringbuf += ev->v[EBR_F_COUNTS_LOST_RINGBUF].u;
	p->lost_map += ev->v[EBR_F_COUNTS_LOST_MAP].u;
	p->lost_user += ev->v[EBR_F_COUNTS_LOST_USER].u;
	return 0;
}

static int in_family(const char *probe, const char *family)
{
	size_t n = strlen(family);

	return !strncmp(probe, family, n) && probe[n] == '/';
}

void losses_of_family(const struct losses *l, const char *family, struct probe_losses *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", family ? family : "all");
	for (uint32_t i = 0; i < l->nprobes; i++) {
		const struct probe_losses *p = &l->probes[i];

		if (family && !in_family(p->name, family))
			continue;
		out->emitted += p->emitted;
		out->lost_ringbuf += p->lost_ringbuf;
		out->lost_map += p->lost_map;
		out->lost_user += p->lost_user;
	}
}
