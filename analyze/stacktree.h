/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A flame graph's tree: the stacks of a profile merged from the root (the process name, then
 * its frames root first), each node with the value of the stacks through it.
 */
#ifndef EBREC_ANALYZE_STACKTREE_H
#define EBREC_ANALYZE_STACKTREE_H

#include <stdbool.h>
#include <stdint.h>
#include "analyze/stackprof.h"

#define STACKTREE_MAX_NODES (1u << 22)

struct stacktree_node {
	const char *name; /* borrowed from the profile's symbols or names[] */
	uint64_t value;   /* stacks through this node */
	uint64_t self;    /* stacks ending here */
	uint64_t before;  /* a differential tree's: the value of the BEFORE profile's stacks */
	uint32_t first_child, next_sibling; /* index + 1, 0 none */
	uint32_t parent;
	uint32_t depth;
	bool kernel;
};

struct stacktree {
	struct stacktree_node *nodes; /* [0] is the root ("all") */
	uint32_t nnodes, cap;
	/* node index + 1 (0: free) by a keyed hash of parent, kernel and name: a node may have
	 * as many children as a trace has functions, so they are not searched one by one */
	uint32_t *children;
	uint32_t children_cap;
	uint32_t max_depth;
	char **names; /* names the tree owns: process names, synthesized frames */
	uint32_t nnames, cap_names;
	uint64_t dropped; /* stacks not added: STACKTREE_MAX_NODES reached */
};

/* Builds the tree of p (after stackprof_finish). 0 or EBR_E_NOMEM. */
int stacktree_build(struct stacktree *t, const struct stackprof *p);
/*
 * A differential flame graph's: adds the stacks of before, the profile compared with, to each
 * node's before (nodes[0].before is its total). Nodes only before has get a value of 0: the
 * graph is drawn as the later profile is, coloured by the change. 0 or EBR_E_NOMEM.
 */
int stacktree_add_before(struct stacktree *t, const struct stackprof *before);
void stacktree_release(struct stacktree *t);

#endif
