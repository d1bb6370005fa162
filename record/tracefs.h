/* SPDX-License-Identifier: GPL-2.0-only */
/* tracefs: the tracepoints this kernel has, and their format files. */
#ifndef EBREC_RECORD_TRACEFS_H
#define EBREC_RECORD_TRACEFS_H

#include <stddef.h>

struct tracepoint_name {
	char *sys, *name;
};

struct tracepoint_list {
	struct tracepoint_name *v; /* sorted by sys, then name */
	size_t n, cap;
};

/*
 * Every tracepoint whose system matches the glob sys_glob (NULL: all): each events/SYS/NAME
 * of tracefs with a format file. Returns 0, or a negative errno with one line in msg (tracefs
 * not mounted or not readable).
 */
int tracefs_list(struct tracepoint_list *l, const char *sys_glob, char *msg, size_t msglen);
void tracefs_list_free(struct tracepoint_list *l);

/* The format file of SYS:NAME into *text (malloc'd, NUL-terminated). 0 or a negative errno. */
int tracefs_format(const char *sys, const char *name, char **text);

/*
 * The indices in l of at most max tracepoints whose "SYS:NAME" is closest to want by edit
 * distance (closest first), into idx; returns how many.
 */
size_t tracefs_closest(const struct tracepoint_list *l, const char *want, size_t *idx,
		       size_t max);

#endif
