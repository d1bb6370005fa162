// SPDX-License-Identifier: GPL-2.0-only
/* The file family's open/chdir and slow-operation records into file.* events. */
#include "record/translate.h"

int file_open_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_file_open *r = rec;
	size_t path_len = r->path_len;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char comm[EBR_COMM_LEN + 1], fstype[EBR_FS_NAME_LEN + 1], path[EBR_PATH_MAX + 1];
	bool chdir = r->call == EBR_CALL_CHDIR || r->call == EBR_CALL_FCHDIR;

	if (path_len > size - offsetof(struct ebr_rec_file_open, path))
		path_len = size - offsetof(struct ebr_rec_file_open, path);
	family_kstr(path, r->path, path_len);
	family_kstr(comm, r->comm, EBR_COMM_LEN);
	if (chdir) {
		v[EBR_F_FILE_CHDIR_PID].u = r->pid;
		v[EBR_F_FILE_CHDIR_TID].u = r->tid;
		v[EBR_F_FILE_CHDIR_COMM].s = comm;
		v[EBR_F_FILE_CHDIR_FD].u = (uint64_t)(int64_t)r->dirfd;
		v[EBR_F_FILE_CHDIR_PATH].s = path;
		v[EBR_F_FILE_CHDIR_RET].u = (uint64_t)(int64_t)r->ret;
		return translate_emit(ctx, EBR_EV_FILE_CHDIR, &r->hdr, v);
	}
	v[EBR_F_FILE_OPEN_PID].u = r->pid;
	v[EBR_F_FILE_OPEN_TID].u = r->tid;
	v[EBR_F_FILE_OPEN_COMM].s = comm;
	v[EBR_F_FILE_OPEN_CALL].u = r->call;
	v[EBR_F_FILE_OPEN_DIRFD].u = (uint64_t)(int64_t)r->dirfd;
	v[EBR_F_FILE_OPEN_PATH].s = path;
	v[EBR_F_FILE_OPEN_FLAGS].u = r->flags;
	v[EBR_F_FILE_OPEN_MODE].u = r->mode;
	v[EBR_F_FILE_OPEN_RET].u = (uint64_t)(int64_t)r->ret;
	v[EBR_F_FILE_OPEN_FSTYPE].s = family_kstr(fstype, r->fstype, EBR_FS_NAME_LEN);
	v[EBR_F_FILE_OPEN_FS_FLAGS].u = r->fs_flags;
	v[EBR_F_FILE_OPEN_LAT_NS].u = r->lat_ns;
	return translate_emit(ctx, EBR_EV_FILE_OPEN, &r->hdr, v);
}

int file_slow_translate(struct translate_ctx *ctx, const void *rec, size_t size)
{
	const struct ebr_rec_file_slow *r = rec;
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
	char comm[EBR_COMM_LEN + 1], fstype[EBR_FS_NAME_LEN + 1], name[EBR_DNAME_LEN + 1];

	v[EBR_F_FILE_SLOW_PID].u = r->pid;
	v[EBR_F_FILE_SLOW_TID].u = r->tid;
	v[EBR_F_FILE_SLOW_COMM].s = family_kstr(comm, r->comm, EBR_COMM_LEN);
	v[EBR_F_FILE_SLOW_OP].u = r->op;
	v[EBR_F_FILE_SLOW_RET].u = (uint64_t)r->ret;
	v[EBR_F_FILE_SLOW_OFFSET].u = r->offset;
	v[EBR_F_FILE_SLOW_LAT_NS].u = r->lat_ns;
	v[EBR_F_FILE_SLOW_DEV].u = r->dev;
	v[EBR_F_FILE_SLOW_INO].u = r->ino;
	v[EBR_F_FILE_SLOW_FSTYPE].s = family_kstr(fstype, r->fstype, EBR_FS_NAME_LEN);
	v[EBR_F_FILE_SLOW_NAME].s = family_kstr(name, r->name, EBR_DNAME_LEN);
	return translate_emit(ctx, EBR_EV_FILE_SLOW, &r->hdr, v);
}
