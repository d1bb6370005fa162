// SPDX-License-Identifier: GPL-2.0-only
/* profile's and offcputime's stack counts: analyze/stackprof.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/siphash.h"
#include "analyze/stackprof.h"
#include "format/mem.h"

static bool same_stack(const struct stackprof_stack *s, uint32_t pid, const char *comm,
		       const struct ebr_value *k, const struct ebr_value *u)
{
	return s->pid == pid && !strcmp(s->comm, comm) && s->kdepth == k->len &&
	       s->udepth == u->len &&
	       (!k->len || !memcmp(s->frames, k->frames, k->len * sizeof(uint64_t))) &&
	       (!u->len || !memcmp(s->frames + k->len, u->frames, u->len * sizeof(uint64_t)));
}

/* The stack (pid, comm, k, u), added if new; NULL when dropped (*err set on failure). */
static struct stackprof_stack *stack_of(struct stackprof *p, uint32_t pid, const char *comm,
					const struct ebr_value *k, const struct ebr_value *u,
					int *err)
{
	/* keyed (a fixed hash would let a trace give every stack the same one): pid, the
	 * kernel depth, the comm, then the frames, hashed in turn */
	uint64_t h = siphash((uint64_t)pid << 32 | k->len, comm, strlen(comm));
	struct stackprof_stack *s;
	uint32_t first = 0, i;

	if (k->len)
		h = siphash(h, k->frames, k->len * sizeof(uint64_t));
	if (u->len)
		h = siphash(h, u->frames, u->len * sizeof(uint64_t));
	if (u64map_get(&p->by_hash, h, &first))
		for (i = first + 1; i; i = p->stacks[i - 1].next)
			if (same_stack(&p->stacks[i - 1], pid, comm, k, u))
				return &p->stacks[i - 1];
	if (p->nstacks == STACKPROF_MAX_STACKS) {
		p->dropped++;
		return NULL;
	}
	s = grow_array(p->stacks, p->nstacks, &p->cap, sizeof(*s));
	if (!s)
		goto nomem;
	p->stacks = s;
	s = &p->stacks[p->nstacks];
	memset(s, 0, sizeof(*s));
	s->frames = ebr_malloc(((size_t)k->len + u->len + 1) * sizeof(uint64_t));
	if (!s->frames)
		goto nomem;
	if (k->len)
		memcpy(s->frames, k->frames, k->len * sizeof(uint64_t));
	if (u->len)
		memcpy(s->frames + k->len, u->frames, u->len * sizeof(uint64_t));
	s->hash = h;
	s->pid = pid;
	ebr_comm_copy(s->comm, comm);
	s->kdepth = k->len;
	s->udepth = u->len;
	/* chain: the new stack goes first */
	s->next = u64map_get(&p->by_hash, h, &first) ? first + 1 : 0;
	if (u64map_put(&p->by_hash, h, p->nstacks)) {
		ebr_free(s->frames);
		goto nomem;
	}
	p->nstacks++;
	return s;
nomem:
	*err = EBR_E_NOMEM;
	return NULL;
}

static bool wanted(const struct stackprof *p, uint64_t pid, uint64_t tid, const char *comm)
{
	return proc_filter_match(&p->o.who, pid, comm) && (p->o.tid < 0 || tid == (uint64_t)p->o.tid);
}

int stackprof_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct stackprof *p = self;
	const struct ebr_value *v = ev->v;
	struct ebr_value none = { 0 }, k, u;
	uint32_t want = p->o.kind == STACKPROF_CPU ? EBR_EV_PROFILE_SAMPLE : EBR_EV_OFFCPU_SPAN;
	struct stackprof_stack *s;
	uint64_t value = 1, flags;
	const char *comm;
	int err = 0;

	(void)r;
	err = symtab_on_event(&p->syms, ev);
	if (err)
		return err < 0 ? err : 0;
	if (ev->type != want)
		return 0;
	/* the two types share their first fields (format/events.def) */
	comm = v[EBR_F_PROFILE_SAMPLE_COMM].s ? v[EBR_F_PROFILE_SAMPLE_COMM].s : "";
	if (!wanted(p, v[EBR_F_PROFILE_SAMPLE_PID].u, v[EBR_F_PROFILE_SAMPLE_TID].u, comm))
		return 0;
	if (p->o.kind == STACKPROF_OFFCPU) {
		value = v[EBR_F_OFFCPU_SPAN_OFFCPU_NS].u;
		if (value < p->o.min_ns || (p->o.max_ns && value > p->o.max_ns))
			return 0;
	}
	flags = v[EBR_F_PROFILE_SAMPLE_FLAGS].u;
	k = p->o.user_only ? none : v[EBR_F_PROFILE_SAMPLE_KSTACK];
	u = p->o.kernel_only ? none : v[EBR_F_PROFILE_SAMPLE_USTACK];
	if (!k.frames)
		k.len = 0;
	if (!u.frames)
		u.len = 0;
	p->samples++;
	p->value += value;
	if (!p->o.user_only && (flags & EBR_STACK_KERNEL_ERR))
		p->missing_kernel++;
	if (!p->o.kernel_only && (flags & EBR_STACK_USER_ERR))
		p->missing_user++;
	if (flags & (EBR_STACK_KERNEL_FULL | EBR_STACK_USER_FULL))
		p->cut++;
	if (!p->o.kernel_only && (flags & EBR_STACK_USER_DWARF)) {
		p->unwound++;
		p->unwound_whole += !!(flags & EBR_STACK_USER_WHOLE);
	}
	if (!p->t_first || ev->ts < p->t_first)
		p->t_first = ev->ts;
	if (ev->ts > p->t_last)
		p->t_last = ev->ts;
	s = stack_of(p, (uint32_t)v[EBR_F_PROFILE_SAMPLE_PID].u, comm, &k, &u, &err);
	if (!s)
		return err;
	s->value += value;
	s->count++;
	s->flags |= (uint32_t)flags;
	return 0;
}

static int by_value(const void *a, const void *b)
{
	const struct stackprof_stack *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp(x->comm, y->comm);
}

struct name_buf {
	char *s;
	size_t len, cap;
	int err;
};

static int append_name(void *ctx, const char *name, bool kernel)
{
	struct name_buf *b = ctx;
	size_t n = strlen(name) + 3;

	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char *s;

		while (cap < b->len + n)
			cap *= 2;
		s = ebr_realloc(b->s, cap);
		if (!s)
			return b->err = EBR_E_NOMEM;
		b->s = s;
		b->cap = cap;
	}
	/* a separator no name holds: names are C strings */
	b->s[b->len++] = kernel ? STACKPROF_KEY_KERNEL : STACKPROF_KEY_USER;
	memcpy(b->s + b->len, name, n - 2);
	b->len += n - 3;
	b->s[b->len] = 0;
	return 0;
}

char *stackprof_stack_key(const struct stackprof *p, const struct stackprof_stack *s,
			  bool with_pid)
{
	struct name_buf b = { NULL, 0, 0, 0 };

	append_name(&b, s->comm, false);
	if (!b.err && with_pid) {
		char pid[16];

		snprintf(pid, sizeof(pid), "%u", s->pid);
		append_name(&b, pid, false);
	}
	if (!b.err)
		stackprof_walk_root_first(p, s, append_name, &b);
	if (b.err) {
		ebr_free(b.s);
		return NULL;
	}
	return b.s;
}

struct named_stack {
	char *key; /* comm and frame names, root first */
	uint32_t index;
};

static int by_key(const void *a, const void *b)
{
	const struct named_stack *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->index > y->index) - (x->index < y->index);
}

/*
 * Stacks that differ only in addresses within the same functions read the same: merged, as
 * perf and flame graphs do, so each line of a view is one distinct named stack.
 */
static int merge_named(struct stackprof *p)
{
	uint32_t n = p->nstacks, out = 0;
	struct named_stack *ns = ebr_calloc(n, sizeof(*ns));
	int err = 0;

	if (!ns)
		return EBR_E_NOMEM;
	for (uint32_t i = 0; i < p->nstacks && !err; i++) {
		ns[i].key = stackprof_stack_key(p, &p->stacks[i], true);
		ns[i].index = i;
		if (!ns[i].key)
			err = EBR_E_NOMEM;
	}
	if (!err) {
		struct stackprof_stack *merged = ebr_calloc(p->nstacks, sizeof(*merged));

		if (!merged) {
			err = EBR_E_NOMEM;
			goto out;
		}
		qsort(ns, p->nstacks, sizeof(*ns), by_key);
		for (uint32_t i = 0; i < p->nstacks; i++) {
			struct stackprof_stack *s = &p->stacks[ns[i].index];

			if (out && !strcmp(ns[i].key, ns[i - 1].key)) {
				merged[out - 1].value += s->value;
				merged[out - 1].count += s->count;
				merged[out - 1].flags |= s->flags;
				ebr_free(s->frames);
				continue;
			}
			merged[out++] = *s;
		}
		ebr_free(p->stacks);
		p->stacks = merged;
		p->nstacks = p->cap = out;
	}
out:
	for (uint32_t i = 0; i < n; i++)
		ebr_free(ns[i].key);
	ebr_free(ns);
	return err;
}

int stackprof_finish(struct stackprof *p)
{
	int err;

	err = symtab_sort(&p->syms);
	/* the hash chains are not needed any more: views read the stacks in order */
	u64map_release(&p->by_hash);
	err = err ?: (p->nstacks && !p->o.by_address ? merge_named(p) : 0);
	if (p->nstacks)
		qsort(p->stacks, p->nstacks, sizeof(*p->stacks), by_value);
	return err;
}

void stackprof_name_frame(const struct stackprof *p, const struct stackprof_stack *s, bool kernel,
			  uint32_t i, struct frame_names *fn)
{
	const uint64_t *frames = kernel ? s->frames : s->frames + s->kdepth;

	symtab_name_frame(&p->syms, kernel, s->pid, frames[i], i, fn);
}

int stackprof_walk_root_first(const struct stackprof *p, const struct stackprof_stack *s,
			      int (*fn)(void *ctx, const char *name, bool kernel), void *ctx)
{
	struct frame_names names;
	int ret = 0;

	for (int part = 0; part < 2; part++) {
		bool kernel = part == 1;
		uint32_t depth = kernel ? s->kdepth : s->udepth;

		for (uint32_t i = depth; i-- > 0 && !ret;) {
			stackprof_name_frame(p, s, kernel, i, &names);
			for (int j = names.n; j-- > 0 && !ret;)
				ret = fn(ctx, names.name[j], kernel);
		}
	}
	return ret;
}

int stackprof_walk_leaf_first(const struct stackprof *p, const struct stackprof_stack *s,
			      int (*fn)(void *ctx, const char *name, bool kernel), void *ctx)
{
	struct frame_names names;
	int ret = 0;

	for (int part = 0; part < 2; part++) {
		bool kernel = part == 0;
		uint32_t depth = kernel ? s->kdepth : s->udepth;

		for (uint32_t i = 0; i < depth && !ret; i++) {
			stackprof_name_frame(p, s, kernel, i, &names);
			for (int j = 0; j < names.n && !ret; j++)
				ret = fn(ctx, names.name[j], kernel);
		}
	}
	return ret;
}

void stackprof_resolved_share(const struct stackprof *p, uint64_t *frames, uint64_t *resolved)
{
	struct frame_names names;

	*frames = *resolved = 0;
	for (uint32_t n = 0; n < p->nstacks; n++) {
		const struct stackprof_stack *s = &p->stacks[n];

		for (uint32_t i = 0; i < s->kdepth + s->udepth; i++) {
			bool kernel = i < s->kdepth;

			stackprof_name_frame(p, s, kernel, kernel ? i : i - s->kdepth, &names);
			*frames += s->count;
			if (names.resolved)
				*resolved += s->count;
		}
	}
}

void stackprof_release(struct stackprof *p)
{
	for (uint32_t i = 0; i < p->nstacks; i++)
		ebr_free(p->stacks[i].frames);
	ebr_free(p->stacks);
	u64map_release(&p->by_hash);
	symtab_release(&p->syms);
	p->stacks = NULL;
	p->nstacks = p->cap = 0;
}

/* "comm\x01leaf\x01caller\x01caller": what the summary merges stacks by */
struct hot_key {
	char text[1024];
	size_t len;
	int frames;
	/* leaf frames that only say where a sample landed, held back until a frame above
	 * them says more (then they are left out), or put back if none does */
	char landing[256];
	size_t landing_len;
	int skipped;
};

/*
 * A kernel frame that says only that a sample landed in the scheduler or after a hypervisor
 * exit: on a VM the timer interrupt that takes a sample is held while interrupts are off, and
 * lands where they come back on, at the end of a context switch (finish_task_switch) or of a
 * halt; an off-CPU stack always starts in the scheduler.
 */
static bool landing_frame(const char *name)
{
	static const char *const prefixes[] = {
		"finish_task_switch", "__schedule", "schedule", "preempt_schedule",
		"__cond_resched", "native_safe_halt", "pv_native_safe_halt",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		/* the name, or the name with a compiler suffix (.isra.0, .constprop.0) */
		if (!strncmp(name, prefixes[i], n) && (!name[n] || name[n] == '.' ||
						       (!strcmp(prefixes[i], "schedule") &&
							name[n] == '_')))
			return true;
	}
	return false;
}

static void hot_append(struct hot_key *k, const char *text)
{
	int n = snprintf(k->text + k->len, sizeof(k->text) - k->len, "%s", text);

	if (n > 0)
		k->len = k->len + (size_t)n < sizeof(k->text) ? k->len + (size_t)n : sizeof(k->text) - 1;
}

/* The landing frames held back, put back: nothing above them said more. */
static void hot_landing_back(struct hot_key *k)
{
	hot_append(k, k->landing);
	k->frames += k->skipped;
	k->skipped = 0;
	k->landing[0] = 0;
	k->landing_len = 0;
}

static int hot_frame(void *ctx, const char *name, bool kernel)
{
	struct hot_key *k = ctx;
	int n;

	/* below an unnamed frame the addresses are noise (no frame pointers): stop there */
	if (!strncmp(name, "[unknown]", 9))
		return 1;
	if (!k->frames && kernel && landing_frame(name)) {
		n = snprintf(k->landing + k->landing_len, sizeof(k->landing) - k->landing_len,
			     "\x01%s", name);
		if (n > 0 && k->landing_len + (size_t)n < sizeof(k->landing)) {
			k->landing_len += (size_t)n;
			k->skipped++;
			return 0;
		}
		k->landing[k->landing_len] = 0; /* no room: this one is shown */
	}
	n = snprintf(k->text + k->len, sizeof(k->text) - k->len, "\x01%s", name);

	if (n > 0)
		k->len = k->len + (size_t)n < sizeof(k->text) ? k->len + (size_t)n : sizeof(k->text) - 1;
	return ++k->frames == STACK_HOT_FRAMES;
}

static int hot_by_key(const void *a, const void *b)
{
	return strcmp(((const struct stack_hot *)a)->key, ((const struct stack_hot *)b)->key);
}

/*
 * The hottest stacks by their process name and first frames (leaf first), merged: the
 * addresses below those frames differ from sample to sample, the story they tell does not.
 */
int stackprof_hottest(const struct stackprof *p, struct stack_hot top[STACK_HOT_TOP])
{
	struct stack_hot *all = ebr_calloc(p->nstacks + 1, sizeof(*all));
	uint32_t n = 0;
	int ntop = 0, err = 0;

	if (!all)
		return EBR_E_NOMEM;
	for (uint32_t i = 0; i < p->nstacks; i++) {
		struct hot_key k = { .len = 0 };

		k.len = (size_t)snprintf(k.text, sizeof(k.text), "%s", p->stacks[i].comm);
		stackprof_walk_leaf_first(p, &p->stacks[i], hot_frame, &k);
		if (!k.frames && k.skipped)
			hot_landing_back(&k);
		all[n].skipped = k.skipped > 0;
		all[n].key = ebr_strdup(k.text);
		if (!all[n].key) {
			err = EBR_E_NOMEM;
			goto cleanup;
		}
		all[n++].value = p->stacks[i].value;
	}
	qsort(all, n, sizeof(*all), hot_by_key);
	for (uint32_t i = 0; i < n;) {
		struct stack_hot h = all[i];

		while (++i < n && !strcmp(all[i].key, h.key)) {
			h.value += all[i].value;
			h.skipped |= all[i].skipped;
		}
		for (int k = 0; k < STACK_HOT_TOP; k++) {
			if (k < ntop && top[k].value >= h.value)
				continue;
			memmove(&top[k + 1], &top[k], (STACK_HOT_TOP - 1 - k) * sizeof(top[0]));
			top[k] = h;
			ntop += ntop < STACK_HOT_TOP;
			break;
		}
	}
	/* the top's keys are copied for the caller; all of these are freed */
	for (int k = 0; k < ntop; k++)
		top[k].key = err ? NULL : ebr_strdup(top[k].key);
	for (int k = 0; k < ntop; k++)
		if (!top[k].key)
			err = EBR_E_NOMEM;
cleanup:
	for (uint32_t i = 0; i < n; i++)
		ebr_free(all[i].key);
	ebr_free(all);
	if (err) {
		for (int k = 0; k < ntop; k++)
			ebr_free(top[k].key);
		return err;
	}
	return ntop;
}
