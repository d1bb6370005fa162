// SPDX-License-Identifier: GPL-2.0-only
/* A flame graph's tree from a stack profile: analyze/stacktree.h. */
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/siphash.h"
#include "analyze/stacktree.h"
#include "format/mem.h"

struct tree_walk {
	struct stacktree *t;
	uint32_t at;  /* current node */
	uint64_t value;
	bool before;  /* the value is the BEFORE profile's (stacktree_add_before) */
	int err;
};

/* A name the tree keeps: frame names with no owner (synthesized "[unknown] ..." ones). */
static const char *keep_name(struct stacktree *t, const char *name, int *err)
{
	char **names = grow_array(t->names, t->nnames, &t->cap_names, sizeof(*names));
	char *copy;

	if (!names || !(copy = ebr_strdup(name))) {
		if (names)
			t->names = names;
		*err = EBR_E_NOMEM;
		return NULL;
	}
	t->names = names;
	t->names[t->nnames++] = copy;
	return copy;
}

static uint64_t child_hash(uint32_t parent, bool kernel, const char *name)
{
	return siphash((uint64_t)parent << 1 | kernel, name, strlen(name));
}

/* The slot of the child of parent named name: where it is, or the free slot it would take. */
static uint32_t child_slot(const struct stacktree *t, uint32_t parent, const char *name,
			   bool kernel)
{
	uint32_t mask = t->children_cap - 1, i = (uint32_t)child_hash(parent, kernel, name) & mask;

	for (; t->children[i]; i = (i + 1) & mask) {
		const struct stacktree_node *n = &t->nodes[t->children[i] - 1];

		if (n->parent == parent && n->kernel == kernel && !strcmp(n->name, name))
			break;
	}
	return i;
}

/* Room in the children's index for one more node (at most half full). */
static int children_reserve(struct stacktree *t)
{
	uint32_t cap = t->children_cap ? t->children_cap * 2 : 1024, *old = t->children;
	uint32_t old_cap = t->children_cap;

	if ((t->nnodes + 1) * 2 <= t->children_cap)
		return 0;
	t->children = ebr_calloc(cap, sizeof(*t->children));
	if (!t->children) {
		t->children = old;
		return EBR_E_NOMEM;
	}
	t->children_cap = cap;
	for (uint32_t i = 0; i < old_cap; i++) {
		const struct stacktree_node *n;

		if (!old[i])
			continue;
		n = &t->nodes[old[i] - 1];
		t->children[child_slot(t, n->parent, n->name, n->kernel)] = old[i];
	}
	ebr_free(old);
	return 0;
}

/* The child of node `at` named name, added if new. */
static int child(struct stacktree *t, uint32_t at, const char *name, bool kernel,
		 bool owned, uint32_t *out)
{
	struct stacktree_node *n;
	uint32_t slot;
	int err = 0;

	if ((err = children_reserve(t)))
		return err;
	slot = child_slot(t, at, name, kernel);
	if (t->children[slot]) {
		*out = t->children[slot] - 1;
		return 0;
	}
	if (t->nnodes == STACKTREE_MAX_NODES)
		return 1;
	n = grow_array(t->nodes, t->nnodes, &t->cap, sizeof(*n));
	if (!n)
		return EBR_E_NOMEM;
	t->nodes = n;
	if (!owned && !(name = keep_name(t, name, &err)))
		return err;
	n = &t->nodes[t->nnodes];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->kernel = kernel;
	n->parent = at;
	n->depth = t->nodes[at].depth + 1;
	n->next_sibling = t->nodes[at].first_child;
	t->nodes[at].first_child = t->nnodes + 1;
	if (n->depth > t->max_depth)
		t->max_depth = n->depth;
	t->children[slot] = t->nnodes + 1;
	*out = t->nnodes++;
	return 0;
}

static int add_frame(void *ctx, const char *name, bool kernel)
{
	struct tree_walk *w = ctx;
	/* "[unknown] ..." names live in a caller's buffer: the tree copies them */
	bool owned = strncmp(name, "[unknown]", 9) != 0;
	int ret = child(w->t, w->at, name, kernel, owned, &w->at);

	if (ret)
		return ret;
	*(w->before ? &w->t->nodes[w->at].before : &w->t->nodes[w->at].value) += w->value;
	return 0;
}

/* Every stack of p into the tree, as value or (before) as before. */
static int add_profile(struct stacktree *t, const struct stackprof *p, bool before)
{
	for (uint32_t i = 0; i < p->nstacks; i++) {
		const struct stackprof_stack *s = &p->stacks[i];
		struct tree_walk w = { t, 0, s->value, before, 0 };
		int ret;

		*(before ? &t->nodes[0].before : &t->nodes[0].value) += s->value;
		ret = add_frame(&w, s->comm, false);
		if (!ret) {
			/* the process name is the tree's own copy: the profile's stacks hold it */
			ret = stackprof_walk_root_first(p, s, add_frame, &w);
		}
		if (ret < 0)
			return ret;
		if (ret > 0) { /* out of nodes: the stack stops where it got to */
			t->dropped++;
			continue;
		}
		if (!before)
			t->nodes[w.at].self += s->value;
	}
	return 0;
}

int stacktree_add_before(struct stacktree *t, const struct stackprof *before)
{
	return add_profile(t, before, true);
}

int stacktree_build(struct stacktree *t, const struct stackprof *p)
{
	uint32_t cap = 0;

	memset(t, 0, sizeof(*t));
	t->nodes = grow_array(NULL, 0, &cap, sizeof(*t->nodes));
	if (!t->nodes)
		return EBR_E_NOMEM;
	t->cap = cap;
	memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
	t->nodes[0].name = "all";
	t->nnodes = 1;
	return add_profile(t, p, false);
}

void stacktree_release(struct stacktree *t)
{
	for (uint32_t i = 0; i < t->nnames; i++)
		ebr_free(t->names[i]);
	ebr_free(t->names);
	ebr_free(t->nodes);
	ebr_free(t->children);
	memset(t, 0, sizeof(*t));
}
