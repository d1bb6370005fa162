/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space symbols of the sampled processes. Their executable mappings are read from
 * /proc/PID/maps while they run (the first time a process is sampled, and again when one of
 * its frames falls outside what was read), each mapped file is opened then through
 * /proc/PID/map_files (so a file deleted or a process gone later still resolves), and at the
 * end every offset a stack used is resolved with libdw: written as sym.object, sym.map and
 * sym.func (format/FORMAT.md, "Stacks and symbols").
 */
#ifndef EBREC_RECORD_USYMS_H
#define EBREC_RECORD_USYMS_H

#include <stdbool.h>
#include "format/ebr.h"
#include "record/addrset.h"
#include "record/unwind.h"

struct umap {
	uint64_t start, end, pgoff;
	uint32_t object; /* 0: no file */
	bool vdso;       /* the kernel's [vdso] */
};

struct uproc {
	uint32_t pid;
	bool gone; /* its maps could not be read */
	uint32_t nmaps;
	struct umap *maps; /* by start */
	uint64_t scanned_ns;
	uint32_t maps_added;       /* mappings put since the process was first seen */
	uint8_t rescan_shift;      /* the next rescan waits RESCAN_NS << rescan_shift */
	struct unwinder *unwinder; /* --call-graph dwarf: its objects' CFI, or NULL */
	bool maps_changed;         /* since the unwinder was given its modules */
	uint64_t unwound_seq;      /* when it was last unwound (usyms.unwind_seq) */
	uint64_t dead_ns;          /* when it was found gone (usyms_prune), or 0 */
};

enum { UOBJ_ELF = 1, UOBJ_PERF_MAP = 2 };

/*
 * An object some process maps: in a slot of usyms.objs (a umap's object is its slot + 1),
 * under an id of its own in the trace (sym.object), never reused; a slot whose object was
 * released (no process in the table maps it) has kind 0 and is taken again.
 */
struct uobject {
	uint64_t dev, ino; /* ELF: identity; perf map: ino is the pid */
	char *path;
	int fd; /* ELF opened while mapped, or -1 */
	uint32_t kind;
	uint32_t build_id_len;
	unsigned char build_id[64]; /* for each file of a rotated recording */
	uint32_t id;           /* sym.object's */
	uint64_t mapped_prune; /* the last usyms_prune() call that found it mapped */
	bool released;         /* usyms_prune: to be resolved, closed and freed */
	/*
	 * Its libdwfl session (the ELF and its debug info read), kept for the next resolution
	 * (each file of a rotated recording resolves again) while it is among the
	 * USYMS_MAX_SESSIONS used most recently; NULL: none.
	 */
	struct Dwfl *dwfl;
	uint64_t session_used; /* usyms.resolutions when it last resolved */
	struct elfsyms *elfsyms; /* the session's symbols by address (record/elfsyms.h), or NULL */
	bool elfsyms_tried;      /* since the session began */
};

struct usyms {
	struct uproc *procs; /* by pid */
	size_t nprocs, cap_procs;
	struct uobject *objs; /* by slot */
	size_t nobjs, cap_objs, nfree; /* slots used, allocated, of released objects */
	uint32_t last_id;              /* the last sym.object id given */
	uint64_t prunes;               /* usyms_prune() calls */
	size_t open_fds;
	struct addrset used; /* object << 48 | lookup offset */
	uint64_t unmapped;   /* frames in no known mapping */
	uint64_t unwind_seq; /* --call-graph dwarf: stacks unwound so far */
	size_t nunwinders;   /* processes with an unwinder (at most USYMS_MAX_UNWINDERS) */
	size_t nsessions;     /* objects with a libdwfl session */
	uint64_t resolutions; /* objects resolved so far */
	bool vdso_tried;     /* vdso_fd was made, or failed */
	int vdso_fd;         /* a copy of the [vdso] image, or -1 */
	/*
	 * Called between the objects resolved (a file's end takes a while: the samples taken
	 * meanwhile wait), so that the recorder reads the maps of the processes it is about to
	 * meet before they exit (usyms_read_maps); NULL: none. 0 or a negative errno.
	 */
	int (*meanwhile)(void *arg);
	void *meanwhile_arg;
};

/*
 * Counts a user frame of pid: addr, a return address unless it is the leaf. ts is the
 * sample's time; now the recorder's, to pace re-reading a process's maps. Writes sym.object
 * and sym.map events for what it reads. 0 or a negative errno.
 */
int usyms_use(struct usyms *u, struct ebr_writer *w, uint32_t pid, uint64_t addr,
	      bool is_return, uint64_t ts);
/*
 * Reads the maps of pid, writing them as usyms_use() does, unless pid is known already: for a
 * sample still queued, whose process may have exited by the time the sample is written. 0 or
 * a negative errno.
 */
int usyms_read_maps(struct usyms *u, struct ebr_writer *w, uint32_t pid);
/* Whether pid's maps were read (or tried). */
bool usyms_knows(struct usyms *u, uint32_t pid);
/*
 * --call-graph dwarf: unwinds a user stack copy s of pid (record/unwind.h) into
 * frames[0..max), *n of them, *whole when it reached the outermost frame. Reads pid's maps as
 * usyms_use() does, writing what it reads. 0 or a negative errno.
 */
int usyms_unwind(struct usyms *u, struct ebr_writer *w, uint32_t pid,
		 const struct unwind_sample *s, uint64_t ts, uint64_t *frames, size_t max,
		 size_t *n, bool *whole);
/*
 * Resolves and writes sym.func, stamped ts, for every offset used since the last call; adds
 * counts. 0 or a negative errno.
 */
int usyms_write(struct usyms *u, struct ebr_writer *w, uint64_t ts, uint64_t *frames,
		uint64_t *resolved);
/*
 * Writes every object and the mappings of every process known so far (sym.object, sym.map)
 * into w: the next file of a rotated recording. 0 or a negative errno.
 */
int usyms_rewrite(const struct usyms *u, struct ebr_writer *w);
/*
 * How long after a process is found gone its mappings are kept: until the records written
 * reach that time plus this, so that its samples still queued (the drain's chunks) name
 * their frames through them.
 */
#define USYMS_DEAD_GRACE_NS (2 * 1000000000ull)
/* An object no live process maps is kept this many usyms_prune() calls (seconds), unless
 * no process can map it again (deleted). */
#define USYMS_IDLE_PRUNES 60
/* The most time one usyms_prune() call spends resolving: the rest waits for the next. */
#define USYMS_PRUNE_NS (100 * 1000000ull)
/*
 * Keeps the tables as big as the live processes' need, on a recorder that runs for weeks;
 * called once a second. Forgets the processes that ended (found so at `now`, once the
 * records written reach seen_ts past that plus USYMS_DEAD_GRACE_NS), then resolves and
 * writes the offsets used in the objects none of the others maps (deleted, or idle for
 * USYMS_IDLE_PRUNES calls), closes them and frees their slots. Adds counts as usyms_write()
 * does. 0 or a negative errno.
 */
int usyms_prune(struct usyms *u, struct ebr_writer *w, uint64_t now, uint64_t seen_ts,
		uint64_t *frames, uint64_t *resolved);
void usyms_free(struct usyms *u);

#endif
