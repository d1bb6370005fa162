// SPDX-License-Identifier: GPL-2.0-only
/* A flame graph's tree from a stack profile: analyze/stacktree.h. */
#include <stdlib.h>
#include <string.h>
#include "analyze/grow.h"
#include "analyze/stacktree.h"

struct tree_walk {
	struct stacktree *t;
	uint32_t at;  /* current node */
	uint64_t value;
	int err;
};

/* A name the tree keeps: frame names with no owner (synthesized "[unknown] ..." ones). */
static const char *keep_name(struct stacktree *t, const char *name, int *err)
{
	char **names = grow_array(t->names, t->nnames, &t->cap_names, sizeof(*names));
	char *copy;

	if (!names || !(copy = strdup(name))) {
		if (names)
			t->names = names;
		*err = EBR_E_NOMEM;
		return NULL;
	}
	t->names = names;
	t->names[t->nnames++] = copy;
	return copy;
}

/* The child of node `at` named name, added if new. */
static int child(struct stacktree *t, uint32_t at, const char *name, bool kernel,
		 bool owned, uint32_t *out)
{
	struct stacktree_node *n;
	uint32_t c;
	int err = 0;

	for (c = t->nodes[at].first_child; c; c = t->nodes[c - 1].next_sibling)
		if (t->nodes[c - 1].kernel == kernel && !strcmp(t->nodes[c - 1].name, name)) {
			*out = c - 1;
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
	n->depth = t->nodes[at].depth + 1;
	n->next_sibling = t->nodes[at].first_child;
	t->nodes[at].first_child = t->nnodes + 1;
	if (n->depth > t->max_depth)
		t->max_depth = n->depth;
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
	w->t->nodes[w->at].value += w->value;
	return 0;
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
	for (uint32_t i = 0; i < p->nstacks; i++) {
		const struct stackprof_stack *s = &p->stacks[i];
		struct tree_walk w = { t, 0, s->value, 0 };
		int ret;

		t->nodes[0].value += s->value;
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
		t->nodes[w.at].self += s->value;
	}
	return 0;
}

void stacktree_release(struct stacktree *t)
{
	for (uint32_t i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->nodes);
	memset(t, 0, sizeof(*t));
}
