/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The codes and flags of file.open and file.slow (FORMAT.md "Flags and codes"): part of the
 * file format. Free of includes, so the BPF programs that produce them (bpf/events.h) and the
 * readers that interpret them share one definition.
 */
#ifndef EBREC_FORMAT_FILE_FLAGS_H
#define EBREC_FORMAT_FILE_FLAGS_H

/* file.open field `call`: the system call */
enum ebr_file_call {
	EBR_CALL_OPEN = 1,
	EBR_CALL_OPENAT = 2,
	EBR_CALL_OPENAT2 = 3,
	EBR_CALL_CREAT = 4,
};

/* file.open field `dirfd` and file.chdir field `fd`: the working directory (Linux's AT_FDCWD) */
#define EBR_AT_FDCWD (-100)

/* file.open field `fs_flags` */
#define EBR_FS_BDEV 1u /* the file system sits on a block device */

/* file.slow field `op`: an ASCII letter */
enum ebr_file_slow_op {
	EBR_SLOW_READ = 'R',
	EBR_SLOW_WRITE = 'W',
	EBR_SLOW_SYNC = 'S',
};

#endif
