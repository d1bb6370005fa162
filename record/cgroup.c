// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cgroups v2 on the record side (record/cgroup.h). An id is named through a kernfs file handle
 * of the cgroup2 mount (open_by_handle_at: the handle of a kernfs node is its 64-bit id), and
 * the path of the descriptor it opens: no walk of the hierarchy, and an id whose cgroup is
 * gone is said to be (ESTALE) rather than named wrongly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "record/cgroup.h"

/* the kernel's file handle type of a kernfs node (include/linux/exportfs.h FILEID_KERNFS) */
#define CGROUP_FILEID_KERNFS 0xfe

/* The first cgroup2 mount of /proc/self/mounts into cn->mount. */
static void find_mount(struct cgroup_names *cn)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char line[1024], dir[512], type[64];

	cn->mount[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %511s %63s", dir, type) == 2 && !strcmp(type, "cgroup2") &&
		    strlen(dir) < sizeof(cn->mount)) {
			strcpy(cn->mount, dir);
			break;
		}
	fclose(f);
}

int cgroup_names_open(struct cgroup_names *cn)
{
	memset(cn, 0, sizeof(*cn));
	cn->mount_fd = -1;
	find_mount(cn);
	if (cn->mount[0])
		cn->mount_fd = open(cn->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return 0;
}

void cgroup_names_close(struct cgroup_names *cn)
{
	if (cn->mount_fd >= 0)
		close(cn->mount_fd);
	free(cn->named);
	memset(cn, 0, sizeof(*cn));
	cn->mount_fd = -1;
}

void cgroup_names_forget(struct cgroup_names *cn)
{
	cn->nnamed = 0;
}

/* A directory's path under the mount as a path from the hierarchy's root, into out. */
static int strip_mount(const struct cgroup_names *cn, const char *dir, char *out, size_t len)
{
	size_t m = strlen(cn->mount);

	if (strncmp(dir, cn->mount, m) || (dir[m] && dir[m] != '/'))
		return -ENOENT;
	if (snprintf(out, len, "%s", dir[m] ? dir + m : "/") >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int cgroup_path_of_id(const struct cgroup_names *cn, uint64_t id, char *out, size_t len)
{
	/* a file_handle with room for its 8 bytes of handle */
	_Alignas(struct file_handle) char room[sizeof(struct file_handle) + sizeof(uint64_t)];
	struct file_handle *fh = (struct file_handle *)room;
	char link[64], dir[4096];
	ssize_t n;
	int fd, err;

	out[0] = 0;
	if (cn->mount_fd < 0)
		return -ENODEV;
	fh->handle_bytes = sizeof(id);
	fh->handle_type = CGROUP_FILEID_KERNFS;
	memcpy(fh->f_handle, &id, sizeof(id));
	fd = open_by_handle_at(cn->mount_fd, fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, dir, sizeof(dir) - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	dir[n] = 0;
	return strip_mount(cn, dir, out, len);
}

uint64_t cgroup_id_of_path(const struct cgroup_names *cn, const char *path)
{
	char dir[4096];
	struct stat st;

	if (!cn->mount[0] || !path || path[0] != '/' ||
	    snprintf(dir, sizeof(dir), "%s%s", cn->mount, path) >= (int)sizeof(dir) ||
	    stat(dir, &st) || !S_ISDIR(st.st_mode))
		return 0;
	return (uint64_t)st.st_ino;
}

/* Where id is or would be in the sorted named ids. */
static size_t named_slot(const struct cgroup_names *cn, uint64_t id)
{
	size_t lo = 0, hi = cn->nnamed;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cn->named[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool cgroup_names_first(struct cgroup_names *cn, uint64_t id)
{
	size_t i = named_slot(cn, id);

	if (i < cn->nnamed && cn->named[i] == id)
		return false;
	if (cn->nnamed == CGROUP_NAMES_MAX)
		return true;
	if (cn->nnamed == cn->cap) {
		size_t cap = cn->cap ? cn->cap * 2 : 64;
		uint64_t *named = realloc(cn->named, cap * sizeof(*named));

		if (!named)
			return true;
		cn->named = named;
		cn->cap = cap;
	}
	memmove(cn->named + i + 1, cn->named + i, (cn->nnamed - i) * sizeof(*cn->named));
	cn->named[i] = id;
	cn->nnamed++;
	return true;
}

void cgroup_names_reset(struct cgroup_names *cn)
{
	cn->nnamed = 0;
}

/* Whether path has a "." or ".." component: a name of a cgroup it is not. */
static bool has_dot_component(const char *path)
{
	for (const char *s = path; (s = strchr(s, '/')); s++) {
		size_t n = strcspn(s + 1, "/");

		if ((n == 1 && s[1] == '.') || (n == 2 && s[1] == '.' && s[2] == '.'))
			return true;
	}
	return false;
}

int cgroup_resolve(const struct cgroup_names *cn, const char *arg, char *path, size_t len,
		   uint64_t *id, uint32_t *level)
{
	char buf[4096];
	size_t n;

	*id = 0;
	if (!cn->mount[0]) {
		fprintf(stderr, "ebrec record: --cgroup needs the cgroup v2 hierarchy, which is "
				"not mounted (mount -t cgroup2 none /sys/fs/cgroup)\n");
		return -ENODEV;
	}
	/* a directory of the mount, else a path from the root of the hierarchy */
	if (strip_mount(cn, arg, buf, sizeof(buf)) &&
	    snprintf(buf, sizeof(buf), "%s%s", arg[0] == '/' ? "" : "/", arg) >= (int)sizeof(buf))
		buf[0] = 0;
	for (n = strlen(buf); n > 1 && buf[n - 1] == '/'; n--)
		buf[n - 1] = 0;
	if (buf[0] && !has_dot_component(buf) && snprintf(path, len, "%s", buf) < (int)len)
		*id = cgroup_id_of_path(cn, path);
	if (!*id) {
		fprintf(stderr, "ebrec record: --cgroup %s: no such cgroup under %s (give its "
				"directory there, or its path as /proc/PID/cgroup shows it)\n",
			arg, cn->mount);
		return -ENOENT;
	}
	*level = 0;
	for (const char *s = path; *s; s++)
		*level += *s == '/' && s[1];
	return 0;
}

int cgroup_enter(const struct cgroup_names *cn, const char *path, pid_t pid)
{
	char procs[4096 + 16], buf[32];
	int fd, n, err = 0;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", strcmp(path, "/") ? path + 1 : ".");
	fd = openat(cn->mount_fd, procs, O_WRONLY | O_CLOEXEC);
	n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err)
		fprintf(stderr, "ebrec record: cannot run COMMAND in the cgroup %s (%s%s): %s%s\n",
			path, cn->mount, path, strerror(-err),
			err == -EBUSY ? " (it enables controllers for cgroups below it, so it holds no "
					"process of its own: give a cgroup below it)" : "");
	return err;
}
