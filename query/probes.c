// SPDX-License-Identifier: GPL-2.0-only
/*
 * The alias table: bpftrace's tracepoints that a family records under another name, and
 * which of their fields it has. A field the family does not record is not listed, so a
 * program that uses it fails before reading an event, naming the fields there are.
 * The kernel's own field names are from its format files (tracefs events/SYS/NAME/format).
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include "query/probes.h"

#define SYS "tracepoint:syscalls:"

/* file.open's call values: format/file_flags.h EBR_CALL_* (1 open, 2 openat, 3 openat2, 4 creat) */
const struct qalias qaliases[] = {
	{ SYS "sys_enter_open", "file.open", true, "call", QFILTER_EQ, 1,
	  { { "filename", "path", 0 }, { "flags", "flags", 0 }, { "mode", "mode", 0 } } },
	{ SYS "sys_enter_openat", "file.open", true, "call", QFILTER_EQ, 2,
	  { { "dfd", "dirfd", 0 }, { "filename", "path", 0 }, { "flags", "flags", 0 },
	    { "mode", "mode", 0 } } },
	{ SYS "sys_enter_openat2", "file.open", true, "call", QFILTER_EQ, 3,
	  { { "dfd", "dirfd", 0 }, { "filename", "path", 0 } } },
	{ SYS "sys_enter_creat", "file.open", true, "call", QFILTER_EQ, 4,
	  { { "pathname", "path", 0 }, { "mode", "mode", 0 } } },
	{ SYS "sys_exit_open", "file.open", false, "call", QFILTER_EQ, 1, { { "ret", "ret", 0 } } },
	{ SYS "sys_exit_openat", "file.open", false, "call", QFILTER_EQ, 2,
	  { { "ret", "ret", 0 } } },
	{ SYS "sys_exit_openat2", "file.open", false, "call", QFILTER_EQ, 3,
	  { { "ret", "ret", 0 } } },
	{ SYS "sys_exit_creat", "file.open", false, "call", QFILTER_EQ, 4,
	  { { "ret", "ret", 0 } } },
	{ SYS "sys_enter_chdir", "file.chdir", true, "fd", QFILTER_EQ, -100,
	  { { "filename", "path", 0 } } },
	{ SYS "sys_exit_chdir", "file.chdir", false, "fd", QFILTER_EQ, -100,
	  { { "ret", "ret", 0 } } },
	{ SYS "sys_enter_fchdir", "file.chdir", true, "fd", QFILTER_NE, -100,
	  { { "fd", "fd", 0 } } },
	{ SYS "sys_exit_fchdir", "file.chdir", false, "fd", QFILTER_NE, -100,
	  { { "ret", "ret", 0 } } },
	/* proc.exec records execve and execveat alike: both read as execve */
	{ SYS "sys_enter_execve", "proc.exec", true, NULL, QFILTER_NONE, 0,
	  { { "filename", "filename", 0 }, { "argv", "args", 0 } } },
	{ SYS "sys_exit_execve", "proc.exec", false, NULL, QFILTER_NONE, 0,
	  { { "ret", "ret", 0 } } },
	{ "tracepoint:sched:sched_process_exec", "proc.exec", false, "ret", QFILTER_EQ, 0,
	  { { "filename", "filename", 0 }, { "pid", "pid", 0 }, { "old_pid", "tid", 0 } } },
	{ "tracepoint:sched:sched_process_fork", "proc.fork", false, NULL, QFILTER_NONE, 0,
	  { { "parent_comm", "comm", 0 }, { "parent_pid", "pid", 0 },
	    { "child_comm", "comm", 0 }, { "child_pid", "child_pid", 0 } } },
	{ "tracepoint:sched:sched_process_exit", "proc.exit", false, NULL, QFILTER_NONE, 0,
	  { { "comm", "comm", 0 }, { "pid", "tid", 0 } } },
	{ "tracepoint:sched:sched_switch", "sched.switch", false, NULL, QFILTER_NONE, 0,
	  { { "prev_comm", "prev_comm", 0 }, { "prev_pid", "prev_tid", 0 },
	    { "prev_state", "prev_state", 0 }, { "next_comm", "next_comm", 0 },
	    { "next_pid", "next_tid", 0 } } },
	{ "tracepoint:block:block_rq_issue", "block.rq", true, NULL, QFILTER_NONE, 0,
	  { { "dev", "dev", 0 }, { "sector", "sector", 0 }, { "nr_sector", "bytes", 512 },
	    { "bytes", "bytes", 0 } } },
	{ "tracepoint:block:block_rq_complete", "block.rq", false, NULL, QFILTER_NONE, 0,
	  { { "dev", "dev", 0 }, { "sector", "sector", 0 }, { "nr_sector", "bytes", 512 },
	    { "error", "error", 0 } } },
	{ "tracepoint:sock:inet_sock_set_state", "tcp.state", false, NULL, QFILTER_NONE, 0,
	  { { "skaddr", "skaddr", 0 }, { "oldstate", "oldstate", 0 },
	    { "newstate", "state", 0 }, { "sport", "lport", 0 }, { "dport", "rport", 0 },
	    { "saddr", "laddr", 0 }, { "daddr", "raddr", 0 } } },
	{ "tracepoint:tcp:tcp_retransmit_skb", "tcp.retrans", false, NULL, QFILTER_NONE, 0,
	  { { "skaddr", "skaddr", 0 }, { "sport", "lport", 0 }, { "dport", "rport", 0 },
	    { "saddr", "laddr", 0 }, { "daddr", "raddr", 0 }, { "state", "state", 0 } } },
};
const uint32_t qnaliases = sizeof(qaliases) / sizeof(qaliases[0]);

const char *const *qbuiltin_fields(enum qbuiltin b, const char *type_name)
{
	static const char *const pid[] = { "pid", "common_tgid", NULL };
	static const char *const tid[] = { "tid", "common_pid", NULL };
	static const char *const comm[] = { "comm", "common_comm", NULL };
	static const char *const sw_pid[] = { "prev_pid", NULL };
	static const char *const sw_tid[] = { "prev_tid", NULL };
	static const char *const sw_comm[] = { "prev_comm", NULL };
	static const char *const uid[] = { "uid", NULL };
	static const char *const retval[] = { "retval", "ret", NULL };
	static const char *const kstack[] = { "kstack", NULL };
	static const char *const ustack[] = { "ustack", NULL };
	static const char *const args[6][2] = { { "arg0", NULL }, { "arg1", NULL },
		{ "arg2", NULL }, { "arg3", NULL }, { "arg4", NULL }, { "arg5", NULL } };
	bool sw = !strcmp(type_name, "sched.switch");

	switch (b) {
	case QB_PID: return sw ? sw_pid : pid;
	case QB_TID: return sw ? sw_tid : tid;
	case QB_COMM: return sw ? sw_comm : comm;
	case QB_UID: return uid;
	case QB_RETVAL: return retval;
	case QB_KSTACK: return kstack;
	case QB_USTACK: return ustack;
	case QB_ARG0: case QB_ARG1: case QB_ARG2: case QB_ARG3: case QB_ARG4: case QB_ARG5:
		return args[b - QB_ARG0];
	default:
		return NULL;
	}
}

struct kprobe_replacement {
	const char *func, *tracepoint;
};

/* the kernel functions bpftrace's tools and tutorials probe most, and their tracepoints */
static const struct kprobe_replacement kreplace[] = {
	{ "vfs_read", "tracepoint:syscalls:sys_enter_read" },
	{ "vfs_write", "tracepoint:syscalls:sys_enter_write" },
	{ "vfs_open", SYS "sys_enter_openat" },
	{ "do_sys_open", SYS "sys_enter_openat" },
	{ "do_sys_openat2", SYS "sys_enter_openat" },
	{ "do_nanosleep", SYS "sys_enter_nanosleep" },
	{ "blk_account_io_start", "tracepoint:block:block_io_start" },
	{ "__blk_account_io_start", "tracepoint:block:block_io_start" },
	{ "blk_account_io_done", "tracepoint:block:block_rq_complete" },
	{ "__blk_account_io_done", "tracepoint:block:block_rq_complete" },
	{ "blk_mq_start_request", "tracepoint:block:block_rq_issue" },
	{ "tcp_set_state", "tracepoint:sock:inet_sock_set_state" },
	{ "tcp_retransmit_skb", "tracepoint:tcp:tcp_retransmit_skb" },
	{ "tcp_v4_connect", "tracepoint:sock:inet_sock_set_state" },
	{ "tcp_v6_connect", "tracepoint:sock:inet_sock_set_state" },
	{ "inet_csk_accept", "tracepoint:sock:inet_sock_set_state" },
	{ "finish_task_switch", "tracepoint:sched:sched_switch" },
	{ "ttwu_do_wakeup", "tracepoint:sched:sched_wakeup" },
	{ "wake_up_new_task", "tracepoint:sched:sched_wakeup_new" },
	{ "do_exit", "tracepoint:sched:sched_process_exit" },
	{ "bprm_execve", "tracepoint:sched:sched_process_exec" },
	{ "security_bprm_check", "tracepoint:sched:sched_process_exec" },
	{ "kernel_clone", "tracepoint:sched:sched_process_fork" },
	{ "_do_fork", "tracepoint:sched:sched_process_fork" },
	{ "do_signal", "tracepoint:signal:signal_deliver" },
	{ "__send_signal", "tracepoint:signal:signal_generate" },
	{ "mark_page_accessed", "tracepoint:filemap:mm_filemap_get_pages" },
	{ "add_to_page_cache_lru", "tracepoint:filemap:mm_filemap_add_to_page_cache" },
};

const char *qkprobe_replacement(const char *func, char *buf, size_t len)
{
	static const char *const prefixes[] = { "__x64_sys_", "__arm64_sys_", "__se_sys_",
		"__do_sys_", "ksys_", "sys_" };

	for (size_t i = 0; i < sizeof(kreplace) / sizeof(kreplace[0]); i++)
		if (!strcmp(func, kreplace[i].func))
			return kreplace[i].tracepoint;
	/* a system call's entry point: its syscalls tracepoint */
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(func, prefixes[i], n) && func[n] && strlen(func + n) < 64 &&
		    !strpbrk(func + n, "*?[")) {
			snprintf(buf, len, SYS "sys_enter_%s", func + n);
			return buf;
		}
	}
	return NULL;
}

static const char *const provider_short[][2] = {
	{ "t", "tracepoint" }, { "u", "uprobe" }, { "ur", "uretprobe" }, { "U", "usdt" },
	{ "k", "kprobe" }, { "kr", "kretprobe" }, { "f", "kfunc" }, { "fr", "kretfunc" },
	{ "i", "interval" }, { "p", "profile" }, { "s", "software" }, { "h", "hardware" },
	{ "w", "watchpoint" },
};

void qprobe_full_name(const char *text, char *full, size_t flen, char *provider, size_t plen)
{
	const char *colon = strchr(text, ':');
	size_t n = colon ? (size_t)(colon - text) : strlen(text);

	if (n >= plen)
		n = plen - 1;
	memcpy(provider, text, n);
	provider[n] = '\0';
	for (size_t i = 0; i < sizeof(provider_short) / sizeof(provider_short[0]); i++)
		if (colon && !strcmp(provider, provider_short[i][0]))
			snprintf(provider, plen, "%s", provider_short[i][1]);
	if (colon)
		snprintf(full, flen, "%s%s", provider, colon);
	else
		snprintf(full, flen, "%s", text);
}

bool qprobe_unrecordable(const char *full, const char *provider, char *msg, size_t len)
{
	if (!strcmp(provider, "kprobe") || !strcmp(provider, "kretprobe") ||
	    !strcmp(provider, "kfunc") || !strcmp(provider, "kretfunc") ||
	    !strcmp(provider, "fentry") || !strcmp(provider, "fexit")) {
		const char *colon = strrchr(full, ':');
		char rbuf[128];
		const char *rep = qkprobe_replacement(colon ? colon + 1 : "", rbuf, sizeof(rbuf));

		if (rep)
			snprintf(msg, len, "%s: ebrec records no kprobes or kfuncs (a trace holds "
				 "tracepoints, uprobes and USDT probes); the tracepoint that usually "
				 "replaces it is %s", full, rep);
		else
			snprintf(msg, len, "%s: ebrec records no kprobes or kfuncs (a trace holds "
				 "tracepoints, uprobes and USDT probes): use the tracepoint of the "
				 "event (ebrec list PROBE, bpftrace -l 'tracepoint:*')", full);
		return true;
	}
	if (!strcmp(provider, "software") || !strcmp(provider, "hardware") ||
	    !strcmp(provider, "watchpoint") || !strcmp(provider, "asyncwatchpoint")) {
		snprintf(msg, len, "%s: ebrec records no %s probes", full, provider);
		return true;
	}
	return false;
}

const char *qtype_family(const char *type_name, char *buf, size_t len)
{
	const char *dot = strchr(type_name, '.');
	size_t n = dot ? (size_t)(dot - type_name) : 0;

	if (!dot || strchr(type_name, ':') || n >= len)
		return NULL;
	memcpy(buf, type_name, n);
	buf[n] = '\0';
	if (!strcmp(buf, "sym") || !strcmp(buf, "ebr"))
		return NULL;
	/* the page-cache counters are the file family's */
	if (!strcmp(buf, "cache"))
		snprintf(buf, len, "file");
	return buf;
}

bool qglob_match(const char *pattern, const char *name)
{
	return fnmatch(pattern, name, 0) == 0;
}
