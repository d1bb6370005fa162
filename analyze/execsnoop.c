// SPDX-License-Identifier: GPL-2.0-only
/* execsnoop: one row per exec, successful or not, with bcc's filters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/proc.h"
#include "format/mem.h"

/* bcc's -n matches the command or any argument */
static bool name_matches(const char *name, const struct execsnoop_row *row)
{
	return strstr(row->comm, name) || strstr(row->args, name) || strstr(row->filename, name);
}

/*
 * bcc's execsnoop shows the path exec was given in place of argv[0], so a PATH search's
 * failed tries each name the path they tried: "filename argv[1] argv[2]...", in buf after
 * the joined argv (argv0_len: the bytes of argv[0] in it).
 */
static const char *command_line(struct execsnoop_row *row, size_t argv0_len, char *buf,
				size_t cap)
{
	const char *tail = row->args + argv0_len;

	if (!*row->filename)
		return row->args; /* not recorded: argv as it is */
	snprintf(buf, cap, "%s%s", row->filename, tail);
	return buf;
}

int execsnoop_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct execsnoop *s = self;
	const struct ebr_value *v = ev->v;
	const struct ebr_value *args = &v[EBR_F_PROC_EXEC_ARGS];
	struct execsnoop_row row;
	size_t need;

	if (ev->type != EBR_EV_PROC_EXEC)
		return 0;
	row.ret = ebr_value_s64(&v[EBR_F_PROC_EXEC_RET]);
	row.uid = (uint32_t)v[EBR_F_PROC_EXEC_UID].u;
	if ((s->failed_only && row.ret == 0) || (s->uid >= 0 && row.uid != s->uid))
		return 0;
	row.filename = v[EBR_F_PROC_EXEC_FILENAME].s ? v[EBR_F_PROC_EXEC_FILENAME].s : "";
	/* the joined argv, then the command line made of the filename and argv[1...] */
	need = 2 * ((size_t)args->len + 8) + strlen(row.filename);
	if (need > s->args_cap) {
		char *n = ebr_realloc(s->args_buf, need);

		if (!n)
			return EBR_E_NOMEM;
		s->args_buf = n;
		s->args_cap = need;
	}
	row.args = proc_args_join(args->s ? args->s : "", args->s ? args->len : 0,
				  v[EBR_F_PROC_EXEC_FLAGS].u & EBR_EXEC_MORE_ARGS, s->args_buf,
				  (size_t)args->len + 8);
	row.command = command_line(&row, args->s ? strnlen(args->s, args->len) : 0,
				   s->args_buf + args->len + 8, s->args_cap - args->len - 8);
	row.comm = v[EBR_F_PROC_EXEC_COMM].s ? v[EBR_F_PROC_EXEC_COMM].s : "";
	row.pid = (uint32_t)v[EBR_F_PROC_EXEC_PID].u;
	if ((s->name && !name_matches(s->name, &row)) ||
	    !proc_filter_match(&s->who, row.pid, row.comm))
		return 0;
	row.ts_ns = ev->ts;
	row.ppid = (uint32_t)v[EBR_F_PROC_EXEC_PPID].u;
	s->rows++;
	return s->emit(s->ctx, &row);
}

void execsnoop_release_model(struct execsnoop *s)
{
	ebr_free(s->args_buf);
	s->args_buf = NULL;
	s->args_cap = 0;
}
