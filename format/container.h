/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The `container` fields of proc.task and proc.cgroup (FORMAT.md "Containers"): the id of a
 * container runtime's container, read from a cgroup v2 path by one rule that the recorder
 * applies when it writes them and readers apply to the paths of files older than 1.5; and
 * which cgroups a cgroup's subtree holds.
 */
#ifndef EBREC_FORMAT_CONTAINER_H
#define EBREC_FORMAT_CONTAINER_H

#include <stddef.h>

/* A container id as docker shows it: the first 12 of its 64 hex digits. */
#define EBR_CONTAINER_ID_LEN 12

/*
 * The container of the cgroup v2 path, into out (EBR_CONTAINER_ID_LEN + 1 bytes): the
 * deepest component of len bytes of path that is a container runtime's, "" if none. Returns
 * the id's length: EBR_CONTAINER_ID_LEN or 0.
 */
size_t ebr_container_id(const char *path, size_t len, char out[EBR_CONTAINER_ID_LEN + 1]);

/*
 * Whether the cgroup path is top or a cgroup below it (both from the hierarchy's root, "/a/b"
 * without a trailing slash): what `record --cgroup` and `report --cgroup` select.
 */
int ebr_cgroup_under(const char *path, const char *top);

#endif
