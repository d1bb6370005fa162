// SPDX-License-Identifier: GPL-2.0-only
/*
 * The recorder gives up what it no longer needs once its programs are loaded and attached and
 * the trace's snapshots are taken: loading needs CAP_BPF, CAP_PERFMON (and CAP_SYSLOG for
 * kallsyms' addresses, CAP_SYS_ADMIN to mount tracefs); after that the open descriptors
 * (programs, links, maps, the ring buffer, the trace file) are all the kernel side needs, and
 * what remains is reading other processes' /proc entries for symbols and the end's snapshots:
 *
 * - CAP_SYS_PTRACE: /proc/PID/maps, /proc/PID/map_files, /proc/PID/fd's links and
 *   /proc/PID/cwd of a process of another user (or not dumpable) pass ptrace_may_access()
 *   only with it;
 * - CAP_DAC_READ_SEARCH: /proc/PID/map_files and /proc/PID/fd are directories of mode 0500
 *   owned by the process's user; and a mapped file not readable by root's mode bits;
 * - CAP_CHECKPOINT_RESTORE (Linux 5.9; CAP_SYS_ADMIN before): opening a mapped file through
 *   map_files (proc_map_files_get_link), which reaches the file a process mapped even where
 *   its path names another one (deleted since, or in the process's mount namespace);
 * - CAP_KILL, with -- COMMAND only: ending COMMAND when it changed its user.
 *
 * Everything else leaves the permitted, effective, inheritable, ambient and bounding sets, and
 * no_new_privs is set, so that nothing the recorder might execute gets any of it back.
 * Capabilities are per thread: this runs before the drain thread is made.
 * No libcap: two system calls do it.
 *
 * Not Landlock, which would confine its writes to its directory: a process Landlock confines
 * fails the ptrace access check on every process outside its domain (security/landlock/
 * task.c), so /proc/PID/maps and map_files of every other process became unreadable (tried:
 * 0% of user frames named). The service's ProtectSystem=strict does that job instead.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "record/recorder.h"

#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

/* The highest capability this kernel knows (PR_CAPBSET_READ fails past it). */
static int last_cap(void)
{
	int cap = 0;

	while (cap < 63 && prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0)
		cap++;
	return cap;
}

static void cap_add(struct __user_cap_data_struct d[2], int cap)
{
	d[cap / 32].permitted |= 1u << (cap % 32);
}

static bool cap_in(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].permitted & (1u << (cap % 32));
}

int record_drop_privileges(const struct recorder *rec)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct now[2], keep[2] = { 0 };
	int last = last_cap(), err;

	if (syscall(SYS_capget, &hdr, now)) {
		err = -errno;
		fprintf(stderr, "ebrec record: cannot read its capabilities: %s\n", strerror(-err));
		return err;
	}
	cap_add(keep, CAP_SYS_PTRACE);
	cap_add(keep, CAP_DAC_READ_SEARCH);
	cap_add(keep, last >= CAP_CHECKPOINT_RESTORE ? CAP_CHECKPOINT_RESTORE : CAP_SYS_ADMIN);
	if (rec->o.cmd)
		cap_add(keep, CAP_KILL);
	for (int i = 0; i < 2; i++) {
		keep[i].permitted &= now[i].permitted; /* what it never had it cannot keep */
		keep[i].effective = keep[i].permitted;
		keep[i].inheritable = 0;
	}
	/* the bounding set first: dropping from it needs CAP_SETPCAP, which goes next */
	for (int cap = 0; cap <= last; cap++)
		if (!cap_in(keep, cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) &&
		    errno != EPERM && errno != EINVAL) {
			err = -errno;
			fprintf(stderr, "ebrec record: cannot drop capability %d from the bounding "
					"set: %s\n", cap, strerror(-err));
			return err;
		}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); /* EINVAL before Linux 4.3 */
	if (syscall(SYS_capset, &hdr, keep) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = -errno;
		fprintf(stderr, "ebrec record: cannot drop the capabilities it no longer needs: "
				"%s\n", strerror(-err));
		return err;
	}
	return 0;
}
