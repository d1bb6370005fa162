// SPDX-License-Identifier: GPL-2.0-only
/*
 * What must be true before anything is loaded, each failure named in one line with its fix:
 * root (or CAP_BPF + CAP_PERFMON), the kernel's BTF (CO-RE and tp_btf need it), and tracefs
 * (tracepoint ids live there; mounted here when it is not).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "record/record.h"

#define TRACEFS "/sys/kernel/tracing"

static bool tracefs_mounted(void)
{
	struct stat st;

	return stat(TRACEFS "/events", &st) == 0 && S_ISDIR(st.st_mode);
}

int preflight_check(char *msg, size_t msglen)
{
	if (geteuid() != 0) {
		snprintf(msg, msglen, "recording needs root (BPF and tracepoints): run it with sudo");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(msg, msglen,
			 "this kernel has no BTF (/sys/kernel/btf/vmlinux): boot a kernel built with "
			 "CONFIG_DEBUG_INFO_BTF=y");
		return -ENOENT;
	}
	if (!tracefs_mounted() && mount("tracefs", TRACEFS, "tracefs", 0, NULL) != 0 &&
	    !tracefs_mounted()) {
		snprintf(msg, msglen,
			 "tracefs is not mounted and mounting it failed (%s): run 'mount -t tracefs "
			 "tracefs " TRACEFS "'",
			 strerror(errno));
		return -ENOENT;
	}
	return 0;
}
