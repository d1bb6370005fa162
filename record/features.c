// SPDX-License-Identifier: GPL-2.0-only
/*
 * Feature probing from the kernel's BTF: a tracepoint that tp_btf can attach to has a
 * `btf_trace_<name>` typedef. Reading BTF needs no root, so `ebrec list` works for anyone,
 * and nothing is loaded to find out. Syscall tracepoints (syscalls:sys_enter_*) have no
 * typedef: they are looked up in tracefs, which preflight mounts for `record`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "format/array_size.h"
#include "record/family.h"
#include "record/record.h"


struct features {
	struct btf *vmlinux;
};

int features_open(struct features **out, char *msg, size_t msglen)
{
	struct features *f = calloc(1, sizeof(*f));

	*out = NULL;
	if (!f) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	/*
	 * The kernel's own file first, parsed here: libbpf's search of every place BTF may be
	 * reports any failure as "not found" (ESRCH), an allocation that failed included.
	 */
	if (access(HOST_VMLINUX_BTF, R_OK) == 0)
		f->vmlinux = btf__parse(HOST_VMLINUX_BTF, NULL);
	else
		f->vmlinux = btf__load_vmlinux_btf();
	if (!f->vmlinux) {
		int err = -errno;

		if (err == -ENOMEM)
			snprintf(msg, msglen, "out of memory reading the kernel's BTF");
		else if (access(HOST_VMLINUX_BTF, R_OK) == 0)
			snprintf(msg, msglen, "cannot read the kernel's BTF from %s: %s",
				 HOST_VMLINUX_BTF, strerror(-err));
		else
			snprintf(msg, msglen,
				 "cannot read the kernel's BTF (%s): boot a kernel built with "
				 "CONFIG_DEBUG_INFO_BTF=y", strerror(-err));
		free(f);
		return err;
	}
	*out = f;
	return 0;
}

/* "syscalls:sys_enter_openat" -> <tracefs>/events/syscalls/sys_enter_openat */
static bool tracefs_has_event(const char *tracepoint)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	const char *colon = strchr(tracepoint, ':');
	char path[256];

	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		snprintf(path, sizeof(path), "%s/events/%.*s/%s", roots[i],
			 (int)(colon - tracepoint), tracepoint, colon + 1);
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

bool features_has_tracepoint(const struct features *f, const char *tracepoint)
{
	const char *event = strchr(tracepoint, ':');
	char name[160];

	if (event && !strncmp(tracepoint, "syscalls:", 9))
		return tracefs_has_event(tracepoint);
	event = event ? event + 1 : tracepoint;
	if (snprintf(name, sizeof(name), "btf_trace_%s", event) >= (int)sizeof(name))
		return false;
	return btf__find_by_name_kind(f->vmlinux, name, BTF_KIND_TYPEDEF) > 0;
}

int features_tracepoint_nargs(const struct features *f, const char *event)
{
	const struct btf_type *t;
	char name[160];
	int id;

	if (snprintf(name, sizeof(name), "btf_trace_%s", event) >= (int)sizeof(name))
		return -1;
	id = btf__find_by_name_kind(f->vmlinux, name, BTF_KIND_TYPEDEF);
	t = id > 0 ? btf__type_by_id(f->vmlinux, (__u32)id) : NULL;
	/* typedef -> pointer -> function prototype */
	for (int hop = 0; t && hop < 2; hop++)
		t = btf_is_typedef(t) || btf_is_ptr(t) ? btf__type_by_id(f->vmlinux, t->type) : NULL;
	return t && btf_is_func_proto(t) ? (int)btf_vlen(t) : -1;
}

bool features_has_hook(const struct features *f, const struct family_prog *fp)
{
	return !fp->tracepoint || features_has_tracepoint(f, fp->tracepoint);
}

/* One enum member as "NAME=VALUE", after a comma unless first; false if out is full. */
static bool append_member(char *out, size_t len, size_t *n, const char *name, long long value)
{
	int w = snprintf(out + *n, len - *n, "%s%s=%lld", *n ? "," : "", name, value);

	if (w < 0 || (size_t)w >= len - *n)
		return false;
	*n += (size_t)w;
	return true;
}

int features_enum_values(const struct features *f, const char *name, char *out, size_t len)
{
	const struct btf_type *t = NULL;
	size_t n = 0;
	int id;

	out[0] = 0;
	id = btf__find_by_name_kind(f->vmlinux, name, BTF_KIND_ENUM);
	if (id <= 0)
		id = btf__find_by_name_kind(f->vmlinux, name, BTF_KIND_ENUM64);
	if (id > 0)
		t = btf__type_by_id(f->vmlinux, (__u32)id);
	if (!t)
		return -ENOENT;
	for (__u16 i = 0; i < btf_vlen(t); i++) {
		const char *member;
		long long value;

		if (btf_is_enum(t)) {
			member = btf__name_by_offset(f->vmlinux, btf_enum(t)[i].name_off);
			value = btf_enum(t)[i].val;
		} else {
			member = btf__name_by_offset(f->vmlinux, btf_enum64(t)[i].name_off);
			value = (long long)btf_enum64_value(&btf_enum64(t)[i]);
		}
		if (!member || !append_member(out, len, &n, member, value))
			return -ENOSPC;
	}
	return 0;
}

void features_close(struct features *f)
{
	if (!f)
		return;
	btf__free(f->vmlinux);
	free(f);
}
