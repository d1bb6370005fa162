// SPDX-License-Identifier: GPL-2.0-only
/*
 * The process family on the record side: the snapshot of the processes alive at the start
 * (read from /proc once the probes are attached, so that a process started in between is
 * seen by both and none by neither), each with its cgroup v2: path, id and container; in a
 * rotated recording, the snapshot of each later file is the process table
 * (record/proctable.h). At the end of each file, the titles of the processes still running
 * (their exits carry the others'). Its records: record/proc_translate.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "format/array_size.h"
#include "format/container.h"
#include "record/cgroup.h"
#include "record/family.h"
#include "record/proctable.h"
#include "record/record.h"
#include "record/translate.h"
#include "ebrec.skel.h"

#define CMDLINE_MAX (64u << 10)

static const struct family_prog proc_progs[] = {
	FAMILY_PROG("sched:sched_process_fork", false, proc_fork),
	/* failed execs and each exec's duration: -e proc (bpf/proc.bpf.c says why) */
	FAMILY_PROG_NAMED("syscalls:sys_enter_execve", false, proc_execve_enter),
	FAMILY_PROG_NAMED("syscalls:sys_exit_execve", false, proc_execve_exit),
	FAMILY_PROG_NAMED("syscalls:sys_enter_execveat", true, proc_execveat_enter),
	FAMILY_PROG_NAMED("syscalls:sys_exit_execveat", true, proc_execveat_exit),
	FAMILY_PROG("sched:sched_process_exec", false, proc_exec_done),
	FAMILY_PROG("sched:sched_process_exit", false, proc_exit),
	FAMILY_PROG("cgroup:cgroup_attach_task", true, proc_cgroup_attach),
};

static const struct family_probe proc_probes[] = {
	{ EBR_PROBE_PROC_FORK, "proc/fork" },
	{ EBR_PROBE_PROC_EXEC, "proc/exec" },
	{ EBR_PROBE_PROC_EXIT, "proc/exit" },
	{ EBR_PROBE_PROC_CGROUP, "proc/cgroup" },
};

/* What /proc says of one process. */
struct proc_info {
	unsigned long pid, ppid, uid, threads;
	unsigned long long start_ticks;
	char comm[64];
	char cgroup[4096];
	char cwd[4096];
	char *args;
	size_t args_len;
};

/* Reads a whole small /proc file into buf (NUL-terminated); returns its length or -1. */
static ssize_t read_proc_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return (ssize_t)n;
}

/* /proc/PID/stat: comm is between the first '(' and the last ')', as it may hold both. */
static int parse_stat(struct proc_info *p, const char *stat)
{
	const char *open_paren = strchr(stat, '('), *close_paren = strrchr(stat, ')');
	unsigned long long start;
	unsigned long ppid;
	size_t n;

	if (!open_paren || !close_paren || close_paren < open_paren)
		return -1;
	n = (size_t)(close_paren - open_paren - 1);
	if (n >= sizeof(p->comm))
		n = sizeof(p->comm) - 1;
	memcpy(p->comm, open_paren + 1, n);
	p->comm[n] = 0;
	/* fields 3.. after the comm: state ppid ... starttime is field 22 */
	if (sscanf(close_paren + 2, "%*c %lu %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
				    "%*d %*d %*d %*d %llu",
		   &ppid, &start) != 2)
		return -1;
	p->ppid = ppid;
	p->start_ticks = start;
	return 0;
}

static void parse_status(struct proc_info *p, char *status)
{
	char *save = NULL;

	for (char *line = strtok_r(status, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "Uid:", 4))
			p->uid = strtoul(line + 4, NULL, 10);
		else if (!strncmp(line, "Threads:", 8))
			p->threads = strtoul(line + 8, NULL, 10);
	}
}

/* The cgroup v2 path ("0::/system.slice/x.service"), or the first line's path. */
static void parse_cgroup(struct proc_info *p, char *cgroup)
{
	char *line = strstr(cgroup, "0::");
	char *nl;

	if (!line) {
		line = strchr(cgroup, ':');
		line = line ? strchr(line + 1, ':') : NULL;
		if (!line)
			return;
		line -= 2; /* so that line + 3 is the path */
	}
	line += 3;
	nl = strchr(line, '\n');
	if (nl)
		*nl = 0;
	snprintf(p->cgroup, sizeof(p->cgroup), "%s", line);
}

/* Fills p from /proc/PID; -1 if the process went away meanwhile. */
static int read_proc(struct proc_info *p, const char *pid, char *buf, size_t len)
{
	char path[300];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (read_proc_file(path, buf, len) < 0 || parse_stat(p, buf))
		return -1;
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	if (read_proc_file(path, buf, len) >= 0)
		parse_status(p, buf);
	snprintf(path, sizeof(path), "/proc/%s/cgroup", pid);
	if (read_proc_file(path, buf, len) >= 0)
		parse_cgroup(p, buf);
	snprintf(path, sizeof(path), "/proc/%s/cwd", pid);
	n = readlink(path, p->cwd, sizeof(p->cwd) - 1);
	p->cwd[n > 0 ? n : 0] = 0;
	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	n = read_proc_file(path, p->args, CMDLINE_MAX + 1);
	p->args_len = n > 0 ? (size_t)n : 0;
	/* a process that rewrote its arguments may leave them without the final NUL */
	if (p->args_len && p->args[p->args_len - 1] != 0 && p->args_len < CMDLINE_MAX)
		p->args[p->args_len++] = 0;
	return 0;
}

/* CLOCK_BOOTTIME ticks (what /proc says) to CLOCK_MONOTONIC ns (what events say). */
static uint64_t boot_ticks_to_monotonic(unsigned long long ticks, long hz)
{
	struct timespec boot, mono;
	int64_t ns = (int64_t)(ticks * (1000000000ull / (unsigned long long)hz));
	int64_t suspended;

	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	suspended = (boot.tv_sec - mono.tv_sec) * 1000000000ll + (boot.tv_nsec - mono.tv_nsec);
	return ns > suspended ? (uint64_t)(ns - suspended) : 0;
}

/* Whether sched_process_exec completes an exec the system call programs began. */
static int proc_configure(const struct family_env *env)
{
	env->skel->rodata->proc_exec_syscalls = env->named;
	return 0;
}

static int proc_snapshot(const struct family_env *env)
{
	DIR *dir = opendir("/proc");
	struct proc_info *p = calloc(1, sizeof(*p));
	char *buf = malloc(8192);
	struct cgroup_names cgroups;
	uint64_t now = host_monotonic_ns();
	long hz = sysconf(_SC_CLK_TCK);
	struct dirent *de;
	int err = 0;

	/*
	 * Before Linux 6.16 sched_process_exit fires after exit_mm() (the hook gained group_dead
	 * when it moved before it): the exit has no argument memory left to read a title from.
	 */
	if (env->feat && features_tracepoint_nargs(env->feat, "sched_process_exit") == 2) {
		if (!(env->procs && env->procs->seeded))
			fprintf(stderr, "ebrec record: this kernel traces an exit after the process's "
					"memory is gone (before Linux 6.16): process titles are recorded "
					"only of the processes running at the end\n");
		err = errno_of_ebr(ebr_writer_meta(env->writer, "proc.exit_titles", "0"));
		if (err)
			goto cleanup;
	}
	/* a later file of a series: the processes as the events since the first snapshot say */
	if (env->procs && env->procs->seeded) {
		err = proc_table_write(env->procs, env->writer, now);
		goto cleanup;
	}
	if (!dir || !p || !buf || !(p->args = malloc(CMDLINE_MAX + 2))) {
		err = dir ? -ENOMEM : 0; /* without /proc: no snapshot, the events remain */
		goto cleanup;
	}
	if (hz <= 0)
		hz = 100;
	cgroup_names_open(&cgroups);
	while (!err && (de = readdir(dir))) {
		struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
		char container[EBR_CONTAINER_ID_LEN + 1];
		char *args = p->args;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		/* -p: the other processes are none of this trace's business */
		if (env->opts->pid && strtol(de->d_name, NULL, 10) != env->opts->pid)
			continue;
		memset(p, 0, sizeof(*p));
		p->args = args;
		if (read_proc(p, de->d_name, buf, 8192) ||
		    (env->opts->cgroup && !ebr_cgroup_under(p->cgroup, env->opts->cgroup)))
			continue;
		ebr_container_id(p->cgroup, strlen(p->cgroup), container);
		v[EBR_F_PROC_TASK_PID].u = strtoul(de->d_name, NULL, 10);
		v[EBR_F_PROC_TASK_PPID].u = p->ppid;
		v[EBR_F_PROC_TASK_UID].u = p->uid;
		v[EBR_F_PROC_TASK_COMM].s = p->comm;
		v[EBR_F_PROC_TASK_ARGS].s = p->args;
		v[EBR_F_PROC_TASK_ARGS].len = (uint32_t)p->args_len;
		v[EBR_F_PROC_TASK_START_NS].u = boot_ticks_to_monotonic(p->start_ticks, hz);
		v[EBR_F_PROC_TASK_CGROUP].s = p->cgroup;
		v[EBR_F_PROC_TASK_CWD].s = p->cwd;
		v[EBR_F_PROC_TASK_THREADS].u = p->threads;
		/* its directory's inode: the id the probes report (bpf_get_current_cgroup_id) */
		v[EBR_F_PROC_TASK_CGROUP_ID].u = cgroup_id_of_path(&cgroups, p->cgroup);
		v[EBR_F_PROC_TASK_CONTAINER].s = container;
		err = errno_of_ebr(ebr_writer_event(env->writer, EBR_EV_PROC_TASK, now, 0, v));
		if (!err && env->procs)
			err = proc_table_task(env->procs, v);
	}
	cgroup_names_close(&cgroups);
	if (env->procs)
		env->procs->seeded = true;
cleanup:
	if (dir)
		closedir(dir);
	if (p)
		free(p->args);
	free(p);
	free(buf);
	return err;
}

/* What the end-of-file titles need while they go through the process table. */
struct end_titles {
	const struct family_env *env;
	uint64_t now;
	long hz;
	char *buf; /* TITLE_BUF bytes */
};

/* Read beyond a title's bytes: whether /proc's command line goes on past them (cut). */
#define TITLE_READ_MAX (EBR_TITLE_MAX + 1)
#define TITLE_BUF 1024 /* /proc/PID/stat, or TITLE_READ_MAX bytes of cmdline */

/*
 * The title of one process of the table, from /proc/PID/cmdline, when it is the process the
 * table means: its start time agrees to two clock ticks (/proc's precision; a pid reused
 * since its exit was read is another process).
 */
static int end_title(void *arg, const struct ebr_value *v)
{
	struct end_titles *et = arg;
	uint64_t pid = v[EBR_F_PROC_TASK_PID].u, start = v[EBR_F_PROC_TASK_START_NS].u, at;
	uint64_t slack = 2 * (1000000000ull / (uint64_t)et->hz);
	struct proc_info p = { 0 };
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%llu/stat", (unsigned long long)pid);
	if (read_proc_file(path, et->buf, TITLE_BUF) < 0 || parse_stat(&p, et->buf))
		return 0; /* it exited meanwhile: its exit said its title */
	at = boot_ticks_to_monotonic(p.start_ticks, et->hz);
	if (at + slack < start || start + slack < at)
		return 0;
	snprintf(path, sizeof(path), "/proc/%llu/cmdline", (unsigned long long)pid);
	n = read_proc_file(path, et->buf, TITLE_READ_MAX + 1);
	if (n <= 0)
		return 0;
	return proc_title_emit(et->env->writer, et->env->procs, et->now, 0, pid, p.comm, et->buf,
			       (size_t)n, EBR_TITLE_AT_END, 0);
}

static int proc_finish(const struct family_env *env)
{
	/* stamped with the span's end: the stack families' finish before it may take a while */
	struct end_titles et = { env, env->end_ns ?: host_monotonic_ns(), sysconf(_SC_CLK_TCK),
				 NULL };
	int err;

	/* a flight segment's: every process's /proc files, each seam, for nothing */
	if (!env->procs || !env->procs->seeded || env->end_unread)
		return 0;
	if (et.hz <= 0)
		et.hz = 100;
	et.buf = malloc(TITLE_BUF);
	if (!et.buf)
		return -ENOMEM;
	err = proc_table_each(env->procs, end_title, &et);
	free(et.buf);
	return err;
}

const struct family proc_family = {
	.name = "proc",
	.desc = "processes: a snapshot at the start, then every fork, exec (with arguments) and "
		"exit, and the titles processes set (setproctitle) at their exit or the end; when "
		"-e names it, also failed execs and each exec's duration",
	.cost = "0.8-1.1 us per fork, about 3 per exec (its arguments copied), 1.7-2.2 per exit: "
		"under 0.01% of the machine under pgbench and nginx; -e proc adds 4-5 us per exec "
		"and about 50 ns to every system call of every process (a syscall tracepoint)",
	.progs = proc_progs,
	.nprogs = ARRAY_SIZE(proc_progs),
	.probes = proc_probes,
	.nprobes = ARRAY_SIZE(proc_probes),
	.configure = proc_configure,
	.snapshot = proc_snapshot,
	.finish = proc_finish,
};
