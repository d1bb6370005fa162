// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include "analyze/procfilter.h"

bool proc_filter_match(const struct proc_filter *f, uint64_t pid, const char *comm)
{
	if (f->by_pid && pid != f->pid)
		return false;
	return !f->comm || !strncmp(comm ? comm : "", f->comm, PROC_COMM_LEN);
}

bool proc_filter_active(const struct proc_filter *f)
{
	return f->by_pid || f->comm;
}
