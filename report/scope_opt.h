/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --cgroup PATH and --container ID, which report's views, export, script and query take
 * alike: only what belongs to processes of that cgroup v2 or below it, of containers whose id
 * starts with ID (analyze/procfilter.h's proc_scope; each command points scope.procs at the
 * process table its pass keeps, and its proc_filter's scope at scope).
 */
#ifndef EBREC_REPORT_SCOPE_OPT_H
#define EBREC_REPORT_SCOPE_OPT_H

#include <stdbool.h>
#include "analyze/procfilter.h"

struct scope_opt {
	struct proc_scope scope;
	char cgroup[4096]; /* --cgroup's path from the hierarchy's root */
};

/* Whether arg is --cgroup or --container (each takes a value). */
bool scope_opt_takes(const char *arg);
/* arg's value val into o: 0, or 2 having said "ebrec CMD: ..." (a usage error). */
int scope_opt_parse(struct scope_opt *o, const char *cmd, const char *arg, const char *val);

#endif
