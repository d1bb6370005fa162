// SPDX-License-Identifier: GPL-2.0-only
/* --cgroup and --container of the reading commands (report/scope_opt.h). */
#include <stdio.h>
#include <string.h>
#include "format/container.h"
#include "report/scope_opt.h"

bool scope_opt_takes(const char *arg)
{
	return !strcmp(arg, "--cgroup") || !strcmp(arg, "--container");
}

int scope_opt_parse(struct scope_opt *o, const char *cmd, const char *arg, const char *val)
{
	if (!strcmp(arg, "--cgroup")) {
		o->scope.cgroup = proc_scope_cgroup_path(val, o->cgroup, sizeof(o->cgroup));
		if (!o->scope.cgroup || !*val) {
			fprintf(stderr, "ebrec %s: --cgroup takes a cgroup v2 path, "
					"e.g. /system.slice/nginx.service\n", cmd);
			return 2;
		}
		return 0;
	}
	if (!*val || strspn(val, "0123456789abcdef") != strlen(val) ||
	    strlen(val) > EBR_CONTAINER_ID_LEN) {
		fprintf(stderr, "ebrec %s: --container takes a container id: up to %d lowercase hex "
				"digits, as docker ps shows it\n", cmd, EBR_CONTAINER_ID_LEN);
		return 2;
	}
	o->scope.container = val;
	return 0;
}
