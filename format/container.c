// SPDX-License-Identifier: BSD-2-Clause
/*
 * Container ids from cgroup v2 paths (format/container.h). A runtime names the cgroup of a
 * container after the container's 64-hex-digit id: systemd's driver as a scope,
 * docker-ID.scope, cri-containerd-ID.scope, crio-ID.scope, libpod-ID.scope (podman); the
 * cgroupfs driver as a directory of the id alone (/docker/ID, /kubepods/burstable/podUID/ID).
 */
#include <string.h>
#include "format/container.h"

#define FULL_ID_LEN 64

static const char *const runtime_prefixes[] = {
	"docker-", "cri-containerd-", "crio-", "libpod-",
};
#define NPREFIXES (sizeof(runtime_prefixes) / sizeof(runtime_prefixes[0]))

static int is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Whether the component s[0..n) names a container; *id is where its 64 digits start. */
static int component_id(const char *s, size_t n, const char **id)
{
	static const char scope[] = ".scope";
	size_t k = sizeof(scope) - 1;

	if (n > k && !memcmp(s + n - k, scope, k)) {
		n -= k;
		for (size_t i = 0; i < NPREFIXES; i++) {
			size_t p = strlen(runtime_prefixes[i]);

			if (n > p && !memcmp(s, runtime_prefixes[i], p)) {
				s += p;
				n -= p;
				break;
			}
		}
	}
	if (n != FULL_ID_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_hex(s[i]))
			return 0;
	*id = s;
	return 1;
}

size_t ebr_container_id(const char *path, size_t len, char out[EBR_CONTAINER_ID_LEN + 1])
{
	const char *found = NULL, *end = path + len;

	out[0] = 0;
	if (!path)
		return 0;
	for (const char *s = path; s < end;) {
		const char *slash = memchr(s, '/', (size_t)(end - s));
		const char *stop = slash ? slash : end;
		const char *id;

		/* a container inside a container's cgroup: the innermost is the process's */
		if (component_id(s, (size_t)(stop - s), &id))
			found = id;
		if (!slash)
			break;
		s = slash + 1;
	}
	if (!found)
		return 0;
	memcpy(out, found, EBR_CONTAINER_ID_LEN);
	out[EBR_CONTAINER_ID_LEN] = 0;
	return EBR_CONTAINER_ID_LEN;
}

int ebr_cgroup_under(const char *path, const char *top)
{
	size_t n = strlen(top);

	if (!strcmp(top, "/"))
		return 1;
	return !strncmp(path, top, n) && (path[n] == 0 || path[n] == '/');
}
