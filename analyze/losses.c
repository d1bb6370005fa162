// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include "analyze/losses.h"
#include "analyze/pass.h"
#include "analyze/probes.h"

static int probe_index(struct losses *l, const struct ebr_reader *r, uint32_t id)
{
	struct probe_losses *p;
	const char *name;
	char key[32];

	for (uint32_t i = 0; i < l->nprobes; i++)
		if (l->probes[i].probe == id)
			return (int)i;
	if (l->nprobes >= LOSSES_MAX_PROBES)
		return -1;
	p = &l->probes[l->nprobes];
	memset(p, 0, sizeof(*p));
	p->probe = id;
	snprintf(key, sizeof(key), "probe.%u", id);
	name = ebr_reader_meta(r, key);
	snprintf(p->name, sizeof(p->name), "%s", name ? name : key);
	/* the first window of a probe starts with the recording */
	l->last_ns[l->nprobes] = trace_start_ns(r);
	return (int)l->nprobes++;
}

int losses_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct losses *l = self;
	struct probe_losses *p;
	uint64_t lost;
	int i;

	if (ev->type != EBR_EV_COUNTS)
		return 0;
	i = probe_index(l, r, (uint32_t)ev->v[EBR_F_COUNTS_PROBE].u);
	if (i < 0)
		return 0;
	p = &l->probes[i];
	p->emitted += ev->v[EBR_F_COUNTS_EMITTED].u;
	p->lost_ringbuf += ev->v[EBR_F_COUNTS_LOST_RINGBUF].u;
	p->lost_map += ev->v[EBR_F_COUNTS_LOST_MAP].u;
	p->lost_user += ev->v[EBR_F_COUNTS_LOST_USER].u;
	lost = ev->v[EBR_F_COUNTS_LOST_RINGBUF].u + ev->v[EBR_F_COUNTS_LOST_MAP].u +
	       ev->v[EBR_F_COUNTS_LOST_USER].u;
	if (lost && l->nwindows < LOSSES_MAX_WINDOWS) {
		l->windows[l->nwindows].probe_index = (uint32_t)i;
		l->windows[l->nwindows].w = (struct loss_window){
			.start_ns = l->last_ns[i] < ev->ts ? l->last_ns[i] : ev->ts,
			.end_ns = ev->ts,
			.lost = lost,
		};
		l->nwindows++;
	} else if (lost) {
		l->windows_dropped[i]++;
	}
	if (ev->ts > l->last_ns[i])
		l->last_ns[i] = ev->ts;
	return 0;
}

static int in_family(const char *probe, const char *family)
{
	size_t n = strlen(family);

	if (!strcmp(family, "probes"))
		return probe_name_generic(probe);
	return !strncmp(probe, family, n) && probe[n] == '/';
}

/* Adds w to out's list, merged into the last window when they overlap (probes of a family
 * are counted at the same instants, so their windows coincide). */
static void add_window(struct probe_losses *out, const struct loss_window *w)
{
	struct loss_window *last = out->nwindows ? &out->windows[out->nwindows - 1] : NULL;

	if (last && w->start_ns < last->end_ns && w->end_ns > last->start_ns) {
		last->start_ns = w->start_ns < last->start_ns ? w->start_ns : last->start_ns;
		last->end_ns = w->end_ns > last->end_ns ? w->end_ns : last->end_ns;
		last->lost += w->lost;
	} else if (out->nwindows < LOSSES_LISTED_WINDOWS) {
		out->windows[out->nwindows++] = *w;
	} else {
		out->more_windows++;
	}
}

/* The probes that are the family's (NULL: any) and, when probe >= 0, only that one. */
static bool wanted(const struct losses *l, uint32_t i, const char *family, int64_t probe)
{
	return (!family || in_family(l->probes[i].name, family)) && (probe < 0 || i == probe);
}

static void collect(const struct losses *l, const char *family, int64_t probe,
		    struct probe_losses *out)
{
	memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; i < l->nprobes; i++) {
		const struct probe_losses *p = &l->probes[i];

		if (!wanted(l, i, family, probe))
			continue;
		out->emitted += p->emitted;
		out->lost_ringbuf += p->lost_ringbuf;
		out->lost_map += p->lost_map;
		out->lost_user += p->lost_user;
		out->more_windows += l->windows_dropped[i];
	}
	for (uint32_t i = 0; i < l->nwindows; i++)
		if (wanted(l, l->windows[i].probe_index, family, probe))
			add_window(out, &l->windows[i].w);
}

void losses_of_family(const struct losses *l, const char *family, struct probe_losses *out)
{
	collect(l, family, -1, out);
	snprintf(out->name, sizeof(out->name), "%s", family ? family : "all");
}

void losses_of_probe(const struct losses *l, uint32_t i, struct probe_losses *out)
{
	collect(l, NULL, i, out);
	out->probe = l->probes[i].probe;
	memcpy(out->name, l->probes[i].name, sizeof(out->name));
}
