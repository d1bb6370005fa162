// SPDX-License-Identifier: GPL-2.0-only
/* User-space symbols of sampled processes: record/usyms.h. */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <sys/sysmacros.h>
#include "record/elfsyms.h"
#include "record/grow.h"
#include "record/record.h"
#include "record/translate.h"
#include "record/usyms.h"

#define OFFSET_BITS 48 /* user addresses (a perf map's offsets) fit; 65535 objects */
#define OFFSET_MASK ((1ull << OFFSET_BITS) - 1)
#define RESCAN_NS (50 * 1000000ull) /* a process's maps are read at most this often */
#define RESCAN_MAX_SHIFT 5          /* and, while rescans find nothing new, every 1.6 s */
#define MAX_OPEN_OBJECTS 1000       /* beyond, objects are opened by path at the end */
#define MAX_INLINE 16
/*
 * Objects whose libdwfl session is kept between resolutions: opening one and reading its
 * debug info (libc's, with libc6-dbg: 0.1 s on a loaded machine) was most of the 0.2-0.5 s
 * each seam of a rotated recording held the writer, while short processes whose samples
 * waited exited before their maps were read. Some MiB each.
 */
#define MAX_SESSIONS 16
/*
 * Processes whose unwinder (their objects opened and CFI parsed, a descriptor and some
 * hundreds of KiB each) is kept: beyond, the one unwound least recently is dropped, to be
 * made again if that process is sampled again. Bounds the recorder's descriptors and memory
 * on a host with thousands of processes.
 */
#define MAX_UNWINDERS 64

/* ------------------------------------------------------------- objects */

static int write_object(struct ebr_writer *w, const struct uobject *o)
{
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };

	v[EBR_F_SYM_OBJECT_OBJECT].u = o->id;
	v[EBR_F_SYM_OBJECT_PATH].s = o->path;
	v[EBR_F_SYM_OBJECT_BUILD_ID].s = (const char *)o->build_id;
	v[EBR_F_SYM_OBJECT_BUILD_ID].len = o->build_id_len;
	v[EBR_F_SYM_OBJECT_KIND].u = o->kind;
	return errno_of_ebr(ebr_writer_event(w, EBR_EV_SYM_OBJECT, host_monotonic_ns(), 0, v));
}

/* The slot + 1 of the object (dev, ino) or (kind perf map, pid), 0 if unknown. */
static uint32_t object_find(const struct usyms *u, uint32_t kind, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i < u->nobjs; i++)
		if (u->objs[i].kind == kind && u->objs[i].dev == dev && u->objs[i].ino == ino)
			return (uint32_t)i + 1;
	return 0;
}

/*
 * A new object in a free slot (one a released object left) or a new one, with the next trace
 * id; *slot is its slot + 1. NULL: no memory.
 */
static struct uobject *object_new(struct usyms *u, uint32_t kind, const char *path,
				  uint32_t *slot)
{
	struct uobject *o = NULL;
	char *copy = strdup(path);

	if (!copy)
		return NULL;
	for (size_t i = 0; u->nfree && i < u->nobjs && !o; i++)
		if (!u->objs[i].kind) {
			o = &u->objs[i];
			u->nfree--;
		}
	if (!o) {
		if (record_grow(&u->objs, u->nobjs, &u->cap_objs, sizeof(*u->objs), 64)) {
			free(copy);
			return NULL;
		}
		o = &u->objs[u->nobjs++];
	}
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->kind = kind;
	o->path = copy;
	o->id = ++u->last_id;
	*slot = (uint32_t)(o - u->objs) + 1;
	return o;
}

/* The GNU build-id of the ELF file fd; its length, 0 if none. */
static uint32_t read_build_id(int fd, unsigned char *out, uint32_t max)
{
	const void *id = NULL;
	ssize_t len;
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return 0;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return 0;
	len = dwelf_elf_gnu_build_id(elf, &id);
	if (len <= 0 || (size_t)len > max)
		len = 0;
	else
		memcpy(out, id, (size_t)len);
	elf_end(elf);
	return (uint32_t)len;
}

/*
 * The object of a file mapping, opened now through map_files (the mapped file itself, even
 * deleted since, and in the process's mount namespace), written once as sym.object.
 */
static bool object_gone(const struct uobject *o);

/* Whether o's file was deleted: its maps line said so, or its descriptor says so now. */
static bool object_deleted(const struct uobject *o)
{
	static const char mark[] = " (deleted)";
	size_t len = strlen(o->path);

	return (len >= sizeof(mark) - 1 && !strcmp(o->path + len - (sizeof(mark) - 1), mark)) ||
	       object_gone(o);
}

static int object_of_file(struct usyms *u, struct ebr_writer *w, uint32_t pid, uint64_t start,
			  uint64_t end, uint64_t dev, uint64_t ino, const char *path,
			  uint32_t *id)
{
	struct uobject *o;
	char mf[96];

	*id = object_find(u, UOBJ_ELF, dev, ino);
	/*
	 * A deleted file's inode is reused by the next file created: a new path on an inode whose
	 * object is deleted is another file (a build's or a test's executable made and removed
	 * again and again), which the old object would name wrongly. That object stays for the
	 * processes that mapped it, no longer found by (dev, ino). Nor is an inode the same file
	 * when the old object holds no descriptor of it (its process and file were gone when its
	 * maps were read, or the descriptors are at their limit): only a descriptor keeps an inode
	 * from being reused, so a new path on it is another file.
	 */
	if (*id && strcmp(u->objs[*id - 1].path, path) &&
	    (u->objs[*id - 1].fd < 0 || object_deleted(&u->objs[*id - 1]))) {
		u->objs[*id - 1].dev = u->objs[*id - 1].ino = 0;
		*id = 0;
	}
	if (*id)
		return 0;
	o = object_new(u, UOBJ_ELF, path, id);
	if (!o)
		return -ENOMEM;
	o->dev = dev;
	o->ino = ino;
	snprintf(mf, sizeof(mf), "/proc/%u/map_files/%llx-%llx", pid, (unsigned long long)start,
		 (unsigned long long)end);
	o->fd = open(mf, O_RDONLY | O_CLOEXEC);
	if (o->fd < 0)
		o->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (o->fd >= 0) {
		o->build_id_len = read_build_id(o->fd, o->build_id, sizeof(o->build_id));
		/* past the limit: identified now, reopened by path at the end */
		if (u->open_fds >= MAX_OPEN_OBJECTS) {
			close(o->fd);
			o->fd = -1;
		} else {
			u->open_fds++;
		}
	}
	return write_object(w, o);
}

/* The JIT symbol map of pid (/tmp/perf-PID.map, perf's convention), or 0 if it has none. */
static int object_of_perf_map(struct usyms *u, struct ebr_writer *w, uint32_t pid, uint32_t *id)
{
	char path[64];
	struct uobject *o;

	*id = object_find(u, UOBJ_PERF_MAP, 0, pid);
	if (*id)
		return 0;
	snprintf(path, sizeof(path), "/tmp/perf-%u.map", pid);
	if (access(path, R_OK) != 0)
		return 0;
	o = object_new(u, UOBJ_PERF_MAP, path, id);
	if (!o)
		return -ENOMEM;
	o->ino = pid;
	return write_object(w, o);
}

/* ------------------------------------------------------------- processes and mappings */

static struct uproc *proc_find(struct usyms *u, uint32_t pid, size_t *pos)
{
	size_t lo = 0, hi = u->nprocs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return lo < u->nprocs && u->procs[lo].pid == pid ? &u->procs[lo] : NULL;
}

static struct uproc *proc_add(struct usyms *u, uint32_t pid, size_t pos)
{
	if (record_grow(&u->procs, u->nprocs, &u->cap_procs, sizeof(*u->procs), 64))
		return NULL;
	memmove(&u->procs[pos + 1], &u->procs[pos], (u->nprocs - pos) * sizeof(*u->procs));
	memset(&u->procs[pos], 0, sizeof(*u->procs));
	u->procs[pos].pid = pid;
	u->nprocs++;
	return &u->procs[pos];
}

_Static_assert(offsetof(struct umap, start) == 0, "addr_table_upto() reads the leading address");

/* The mapping of p holding addr, or NULL. */
static const struct umap *map_find(const struct uproc *p, uint64_t addr)
{
	size_t upto = addr_table_upto(p->maps, p->nmaps, sizeof(*p->maps), addr);

	return upto && addr < p->maps[upto - 1].end ? &p->maps[upto - 1] : NULL;
}

/* Puts m in p's mappings in place of any it overlaps (the process remapped that range). */
static int map_put(struct uproc *p, const struct umap *m)
{
	uint32_t out = 0, pos;
	struct umap *maps;

	for (uint32_t i = 0; i < p->nmaps; i++)
		if (p->maps[i].end <= m->start || p->maps[i].start >= m->end)
			p->maps[out++] = p->maps[i];
	p->nmaps = out;
	maps = reallocarray(p->maps, p->nmaps + 1, sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	p->maps = maps;
	for (pos = 0; pos < p->nmaps && p->maps[pos].start < m->start; pos++)
		;
	memmove(&p->maps[pos + 1], &p->maps[pos], (p->nmaps - pos) * sizeof(*maps));
	p->maps[pos] = *m;
	p->nmaps++;
	p->maps_changed = true;
	p->maps_added++;
	return 0;
}

static bool map_known(const struct uproc *p, const struct umap *m)
{
	const struct umap *k = map_find(p, m->start);

	return k && k->start == m->start && k->end == m->end && k->pgoff == m->pgoff &&
	       k->object == m->object && k->vdso == m->vdso;
}

static int write_map(const struct usyms *u, struct ebr_writer *w, uint32_t pid,
		     const struct umap *m, const char *name)
{
	struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };

	v[EBR_F_SYM_MAP_PID].u = pid;
	v[EBR_F_SYM_MAP_START].u = m->start;
	v[EBR_F_SYM_MAP_END].u = m->end;
	v[EBR_F_SYM_MAP_PGOFF].u = m->pgoff;
	v[EBR_F_SYM_MAP_OBJECT].u = m->object ? u->objs[m->object - 1].id : 0;
	v[EBR_F_SYM_MAP_NAME].s = name;
	return errno_of_ebr(ebr_writer_event(w, EBR_EV_SYM_MAP, host_monotonic_ns(), 0, v));
}

/* One line of /proc/PID/maps: an executable mapping is added to p and written. */
static int scan_line(struct usyms *u, struct ebr_writer *w, struct uproc *p, char *line)
{
	unsigned long long start, end, pgoff, ino;
	unsigned int major, minor;
	char perms[8];
	int pos = 0, err = 0;
	struct umap m;
	const char *name;

	line[strcspn(line, "\n")] = 0;
	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &pgoff, &major,
		   &minor, &ino, &pos) < 7 || !pos)
		return 0;
	if (strlen(perms) < 3 || perms[2] != 'x')
		return 0;
	name = line + pos;
	m.start = start;
	m.end = end;
	m.pgoff = pgoff;
	m.object = 0;
	m.vdso = !strcmp(name, "[vdso]");
	if (ino && name[0] == '/') {
		err = object_of_file(u, w, p->pid, start, end, makedev(major, minor), ino, name,
				     &m.object);
	} else if (name[0] != '[' || !strncmp(name, "[anon", 5)) {
		/* anonymous executable memory: JIT code, named by the runtime's perf map */
		err = object_of_perf_map(u, w, p->pid, &m.object);
		m.pgoff = m.start; /* a perf map's offsets are addresses */
	}
	if (err || map_known(p, &m))
		return err;
	err = map_put(p, &m);
	return err ?: write_map(u, w, p->pid, &m, name[0] ? name : "[anon]");
}

static int scan_maps(struct usyms *u, struct ebr_writer *w, struct uproc *p)
{
	char path[64], *line = NULL;
	size_t len = 0;
	int err = 0;
	FILE *f;

	p->scanned_ns = host_monotonic_ns();
	snprintf(path, sizeof(path), "/proc/%u/maps", p->pid);
	f = fopen(path, "re");
	if (!f) {
		p->gone = true; /* exited before its first sample was written: nothing to read */
		return 0;
	}
	while (!err && getline(&line, &len, f) > 0)
		err = scan_line(u, w, p, line);
	free(line);
	fclose(f);
	return err;
}

/*
 * The process pid, its maps read the first time, and again when addr is in none of them (a
 * mapping made since, if the sample at ts is newer than the last read). NULL: no memory.
 */
static struct uproc *proc_at(struct usyms *u, struct ebr_writer *w, uint32_t pid, uint64_t addr,
			     uint64_t ts, int *err)
{
	struct uproc *p;
	size_t pos;

	*err = 0;
	p = proc_find(u, pid, &pos);
	if (!p) {
		p = proc_add(u, pid, pos);
		if (!p) {
			*err = -ENOMEM;
			return NULL;
		}
		if ((*err = scan_maps(u, w, p)))
			return NULL;
	}
	if (!map_find(p, addr) && !p->gone && ts > p->scanned_ns &&
	    host_monotonic_ns() - p->scanned_ns >= RESCAN_NS << p->rescan_shift) {
		uint32_t added = p->maps_added;

		if ((*err = scan_maps(u, w, p)))
			return NULL;
		/*
		 * An address in no mapping is mostly a frame-pointer walk's garbage (code built
		 * without frame pointers), not a new mapping; a process with such stacks had its
		 * maps read at every sample (2-5% of a CPU under pgbench or nginx at 49 Hz): the
		 * wait doubles while rescans find nothing new.
		 */
		if (p->maps_added != added)
			p->rescan_shift = 0;
		else if (p->rescan_shift < RESCAN_MAX_SHIFT)
			p->rescan_shift++;
	}
	return p;
}

bool usyms_knows(struct usyms *u, uint32_t pid)
{
	size_t pos;

	return proc_find(u, pid, &pos) != NULL;
}

int usyms_read_maps(struct usyms *u, struct ebr_writer *w, uint32_t pid)
{
	struct uproc *p;
	size_t pos;

	if (proc_find(u, pid, &pos))
		return 0;
	p = proc_add(u, pid, pos);
	return p ? scan_maps(u, w, p) : -ENOMEM;
}

int usyms_rewrite(const struct usyms *u, struct ebr_writer *w)
{
	int err = 0;

	for (size_t i = 0; i < u->nobjs && !err; i++)
		if (u->objs[i].kind) /* kind 0: a slot usyms_prune() freed */
			err = write_object(w, &u->objs[i]);
	for (size_t i = 0; i < u->nprocs && !err; i++) {
		const struct uproc *p = &u->procs[i];

		for (uint32_t m = 0; m < p->nmaps && !err; m++) {
			const struct umap *um = &p->maps[m];
			const char *name = um->vdso ? "[vdso]" : "[anon]";

			/* the maps line's path, as the file's own sym.object has it */
			if (um->object && u->objs[um->object - 1].kind == UOBJ_ELF)
				name = u->objs[um->object - 1].path;
			err = write_map(u, w, p->pid, um, name);
		}
	}
	return err;
}

int usyms_use(struct usyms *u, struct ebr_writer *w, uint32_t pid, uint64_t addr,
	      bool is_return, uint64_t ts)
{
	const struct umap *m;
	struct uproc *p;
	uint64_t off;
	int err;

	p = proc_at(u, w, pid, addr, ts, &err);
	if (!p)
		return err;
	m = map_find(p, addr);
	if (!m || !m->object) {
		u->unmapped++;
		return 0;
	}
	off = addr - m->start + m->pgoff - (is_return ? 1 : 0);
	if (off > OFFSET_MASK || m->object >= (1u << (64 - OFFSET_BITS))) {
		u->unmapped++;
		return 0;
	}
	return addrset_add(&u->used, (uint64_t)m->object << OFFSET_BITS | off) ? -ENOMEM : 0;
}

/*
 * A file holding the [vdso] image, or -1: the recorder's own, which is the traced processes'
 * (one kernel maps the same image into every 64-bit process), so that the unwinder has the CFI
 * of the vdso's functions (clock_gettime, gettimeofday), where many samples fall.
 */
static int vdso_image(struct usyms *u)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);
	char line[256];
	FILE *f;
	int fd = -1;

	if (u->vdso_tried)
		return u->vdso_fd;
	u->vdso_tried = true;
	u->vdso_fd = -1;
	f = base ? fopen("/proc/self/maps", "re") : NULL;
	if (!f)
		return -1;
	while (fd < 0 && fgets(line, sizeof(line), f)) {
		unsigned long long start, end;

		if (!strstr(line, "[vdso]") || sscanf(line, "%llx-%llx", &start, &end) != 2 ||
		    start != base || end <= start)
			continue;
		fd = memfd_create("ebrec-vdso", MFD_CLOEXEC);
		if (fd >= 0 && write(fd, (const void *)base, end - start) != (ssize_t)(end - start)) {
			close(fd);
			fd = -1;
			break;
		}
	}
	fclose(f);
	u->vdso_fd = fd;
	return fd;
}

/* Frees the unwinder of the process unwound least recently (MAX_UNWINDERS). */
static void unwinder_drop_oldest(struct usyms *u)
{
	struct uproc *oldest = NULL;

	for (size_t i = 0; i < u->nprocs; i++)
		if (u->procs[i].unwinder &&
		    (!oldest || u->procs[i].unwound_seq < oldest->unwound_seq))
			oldest = &u->procs[i];
	if (!oldest)
		return;
	unwinder_free(oldest->unwinder);
	oldest->unwinder = NULL;
	u->nunwinders--;
}

/* Gives p's unwinder the ELF objects of its executable mappings, when they changed. */
static int unwinder_sync(struct usyms *u, struct uproc *p)
{
	struct unwind_module *mods;
	size_t n = 0;
	int err;

	p->unwound_seq = ++u->unwind_seq;
	if (!p->unwinder) {
		if (u->nunwinders >= MAX_UNWINDERS)
			unwinder_drop_oldest(u);
		p->unwinder = unwinder_new(p->pid);
		if (!p->unwinder)
			return -ENOMEM;
		u->nunwinders++;
		p->maps_changed = true;
	}
	if (!p->maps_changed)
		return 0;
	mods = calloc(p->nmaps ? p->nmaps : 1, sizeof(*mods));
	if (!mods)
		return -ENOMEM;
	for (uint32_t i = 0; i < p->nmaps; i++) {
		const struct umap *m = &p->maps[i];
		const struct uobject *o = m->object ? &u->objs[m->object - 1] : NULL;

		if (m->vdso && vdso_image(u) >= 0) {
			mods[n++] = (struct unwind_module){ m->start, m->end, 0, "[vdso]",
							    u->vdso_fd };
			continue;
		}
		if (!o || o->kind != UOBJ_ELF)
			continue;
		mods[n++] = (struct unwind_module){ m->start, m->end, m->pgoff, o->path, o->fd };
	}
	err = unwinder_set_modules(p->unwinder, mods, n);
	free(mods);
	if (!err)
		p->maps_changed = false;
	return err;
}

int usyms_unwind(struct usyms *u, struct ebr_writer *w, uint32_t pid,
		 const struct unwind_sample *s, uint64_t ts, uint64_t *frames, size_t max,
		 size_t *n, bool *whole)
{
	struct uproc *p;
	int err;

	*n = 0;
	*whole = false;
	if (s->nregs <= EBR_UREG_IP)
		return 0;
	p = proc_at(u, w, pid, s->regs[EBR_UREG_IP], ts, &err);
	if (!p)
		return err;
	if ((err = unwinder_sync(u, p)))
		return err;
	*n = unwinder_unwind(p->unwinder, s, frames, max, whole);
	return 0;
}

/* ------------------------------------------------------------- resolution */

struct func_frame {
	const char *name, *file;
	int line;
};

static int write_funcs(struct ebr_writer *w, uint64_t ts, uint32_t object, uint64_t offset,
		       const struct func_frame *f, int n, uint64_t func_offset)
{
	int err = 0;

	for (int d = 0; d < n && !err; d++) {
		struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };

		v[EBR_F_SYM_FUNC_OBJECT].u = object;
		v[EBR_F_SYM_FUNC_OFFSET].u = offset;
		v[EBR_F_SYM_FUNC_DEPTH].u = (uint64_t)d;
		v[EBR_F_SYM_FUNC_NAME].s = f[d].name ? f[d].name : "";
		v[EBR_F_SYM_FUNC_FUNC_OFFSET].u = d ? 0 : func_offset;
		v[EBR_F_SYM_FUNC_FILE].s = f[d].file ? f[d].file : "";
		v[EBR_F_SYM_FUNC_LINE].u = f[d].line > 0 ? (uint64_t)f[d].line : 0;
		err = errno_of_ebr(ebr_writer_event(w, EBR_EV_SYM_FUNC, ts, 0, v));
	}
	return err;
}

/* Where an inlined subroutine was called from: its DW_AT_call_file and DW_AT_call_line. */
static void call_site(Dwarf_Die *cu, Dwarf_Die *inl, struct func_frame *f)
{
	Dwarf_Attribute a;
	Dwarf_Word file = 0, line = 0;
	Dwarf_Files *files;
	size_t nfiles;

	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &a), &file) == 0 &&
	    dwarf_getsrcfiles(cu, &files, &nfiles) == 0 && file < nfiles)
		f->file = dwarf_filesrc(files, file, NULL, NULL);
	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &a), &line) == 0)
		f->line = (int)line;
}

/*
 * A function's name from its DWARF: the linkage (mangled) name where there is one, so that a
 * C++ or Rust function inlined somewhere reads qualified once demangled (analyze/demangle.h),
 * not as its bare DW_AT_name ("push_back"); else its name.
 */
static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name = NULL;

	if (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) ||
	    dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr))
		name = dwarf_formstring(&attr);
	return name ? name : dwarf_diename(die);
}

/*
 * The frames at addr of mod: [0] the function, then the functions inlined there, outermost
 * first. Each frame's line is where it is at addr: the innermost's is addr's own line, the
 * others' the call of the next. Returns the count, 0 if nothing is known.
 */
static int resolve_addr(Dwfl_Module *mod, const struct elfsyms *syms, Dwarf_Addr addr,
			struct func_frame *out, uint64_t *func_offset)
{
	GElf_Off symoff = 0;
	GElf_Sym sym;
	bool known = false;
	const char *name = syms ? elfsyms_find(syms, addr, &symoff, &known) : NULL;
	Dwarf_Die *inl[MAX_INLINE], *scopes = NULL, *cu, *sub = NULL;
	Dwarf_Addr dwbias = 0;
	Dwfl_Line *line;
	int n = 0, ninl = 0, nscopes = 0;

	if (!known)
		name = dwfl_module_addrinfo(mod, addr, &symoff, &sym, NULL, NULL, NULL);
	cu = dwfl_module_addrdie(mod, addr, &dwbias);
	if (cu)
		nscopes = dwarf_getscopes(cu, addr - dwbias, &scopes);
	for (int i = 0; i < nscopes && !sub; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_inlined_subroutine && ninl < MAX_INLINE)
			inl[ninl++] = &scopes[i];
		else if (tag == DW_TAG_subprogram)
			sub = &scopes[i];
	}
	if (!name && sub)
		name = die_name(sub);
	if (!name) {
		free(scopes);
		return 0;
	}
	*func_offset = symoff;
	out[n].name = name;
	out[n].file = NULL;
	out[n].line = 0;
	n++;
	/* inl[] is innermost first; frames go outermost first */
	for (int i = ninl - 1; i >= 0; i--) {
		out[n].name = die_name(inl[i]);
		out[n].file = NULL;
		out[n].line = 0;
		n++;
	}
	for (int i = 0; i < ninl; i++) /* frame n-1-i is inl[i], called in frame n-2-i */
		call_site(cu, inl[i], &out[n - 2 - i]);
	line = dwfl_module_getsrc(mod, addr);
	if (line)
		out[n - 1].file = dwfl_lineinfo(line, NULL, &out[n - 1].line, NULL, NULL, NULL);
	/* names point into libdw's data, valid while the Dwfl lives; scopes can go */
	free(scopes);
	return n;
}

/* The module's address of a file offset: through the PT_LOAD segment that maps it. */
static bool offset_to_addr(Elf *elf, GElf_Addr bias, uint64_t off, Dwarf_Addr *addr)
{
	size_t nph;

	if (elf_getphdrnum(elf, &nph) != 0)
		return false;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (off >= ph.p_offset && off < ph.p_offset + ph.p_filesz) {
			*addr = off - ph.p_offset + ph.p_vaddr + bias;
			return true;
		}
	}
	return false;
}

static const Dwfl_Callbacks offline_callbacks = {
	/* finds separate debug info by build-id or debuglink (the -dbgsym packages) */
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static void session_end(struct usyms *u, struct uobject *o)
{
	if (o->elfsyms) {
		elfsyms_free(o->elfsyms);
		free(o->elfsyms);
		o->elfsyms = NULL;
	}
	o->elfsyms_tried = false;
	if (!o->dwfl)
		return;
	dwfl_end(o->dwfl);
	o->dwfl = NULL;
	u->nsessions--;
}

/* Ends the session of the object that resolved least recently (MAX_SESSIONS). */
static void session_end_oldest(struct usyms *u)
{
	struct uobject *oldest = NULL;

	for (size_t i = 0; i < u->nobjs; i++)
		if (u->objs[i].dwfl && (!oldest || u->objs[i].session_used < oldest->session_used))
			oldest = &u->objs[i];
	if (oldest)
		session_end(u, oldest);
}

/* The libdwfl session of ELF object o, begun now if it has none; NULL: no memory. */
static Dwfl *session_of(struct usyms *u, struct uobject *o)
{
	int fd;

	o->session_used = ++u->resolutions;
	if (o->dwfl)
		return o->dwfl;
	if (u->nsessions >= MAX_SESSIONS)
		session_end_oldest(u);
	o->dwfl = dwfl_begin(&offline_callbacks);
	if (!o->dwfl)
		return NULL;
	u->nsessions++;
	fd = o->fd >= 0 ? dup(o->fd) : open(o->path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && !dwfl_report_offline(o->dwfl, "object", o->path, fd))
		close(fd); /* on success libdwfl owns fd */
	dwfl_report_end(o->dwfl, NULL, NULL);
	return o->dwfl;
}

/* The only module of a session, or NULL. */
static int first_module(Dwfl_Module *mod, void **user, const char *name, Dwarf_Addr start,
			void *arg)
{
	(void)user;
	(void)name;
	(void)start;
	*(Dwfl_Module **)arg = mod;
	return DWARF_CB_ABORT;
}

/* Resolves the used offsets items[0..n) of ELF object o; returns resolved frames' count. */
static int resolve_elf(struct usyms *u, struct ebr_writer *w, uint64_t ts, struct uobject *o,
		       const struct addr_count *items, size_t n, uint64_t *resolved)
{
	Dwfl *dwfl = session_of(u, o);
	Dwfl_Module *mod = NULL;
	GElf_Addr bias = 0;
	Elf *elf = NULL;
	int err = 0;

	if (!dwfl)
		return -ENOMEM;
	dwfl_getmodules(dwfl, first_module, &mod, 0);
	if (mod)
		elf = dwfl_module_getelf(mod, &bias);
	/* read once a session, for all the addresses of this and later resolutions */
	if (elf && !o->elfsyms_tried) {
		o->elfsyms_tried = true;
		o->elfsyms = malloc(sizeof(*o->elfsyms));
		if (!o->elfsyms)
			return -ENOMEM;
		err = elfsyms_load(o->elfsyms, mod);
		if (err) {
			free(o->elfsyms);
			o->elfsyms = NULL;
			if (err == -ENOMEM)
				return err;
			err = 0; /* no table: libdwfl is asked */
		}
	}
	for (size_t i = 0; elf && i < n && !err; i++) {
		struct func_frame f[MAX_INLINE + 1];
		uint64_t off = items[i].key & OFFSET_MASK, func_offset = 0;
		Dwarf_Addr addr;
		int nf;

		if (!offset_to_addr(elf, bias, off, &addr))
			continue;
		nf = resolve_addr(mod, o->elfsyms, addr, f, &func_offset);
		if (!nf)
			continue;
		*resolved += items[i].count;
		err = write_funcs(w, ts, o->id, off, f, nf, func_offset);
	}
	return err;
}

struct jit_sym {
	uint64_t start, size;
	char *name;
};

static int by_start(const void *a, const void *b)
{
	const struct jit_sym *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* A perf map: lines "START SIZE name" in hex, written by the JIT runtime. */
static int resolve_perf_map(struct ebr_writer *w, uint64_t ts, const struct uobject *o,
			    uint32_t id,
			    const struct addr_count *items, size_t n, uint64_t *resolved)
{
	FILE *f = fopen(o->path, "re");
	struct jit_sym *syms = NULL;
	size_t nsyms = 0, cap = 0, len = 0;
	char *line = NULL;
	int err = 0;

	if (!f)
		return 0;
	while (!err && getline(&line, &len, f) > 0) {
		unsigned long long start, size;
		int pos = 0;

		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "%llx %llx %n", &start, &size, &pos) < 2 || !pos)
			continue;
		if ((err = record_grow(&syms, nsyms, &cap, sizeof(*syms), 256)))
			break;
		syms[nsyms].start = start;
		syms[nsyms].size = size;
		syms[nsyms].name = strdup(line + pos);
		if (!syms[nsyms].name)
			err = -ENOMEM;
		else
			nsyms++;
	}
	free(line);
	fclose(f);
	if (nsyms)
		qsort(syms, nsyms, sizeof(*syms), by_start);
	for (size_t i = 0, s = 0; i < n && !err; i++) {
		uint64_t addr = items[i].key & OFFSET_MASK;
		struct func_frame fr = { NULL, NULL, 0 };

		while (s + 1 < nsyms && syms[s + 1].start <= addr) /* items are sorted too */
			s++;
		if (!nsyms || addr < syms[s].start || addr - syms[s].start >= syms[s].size)
			continue;
		fr.name = syms[s].name;
		*resolved += items[i].count;
		err = write_funcs(w, ts, id, addr, &fr, 1, addr - syms[s].start);
	}
	for (size_t i = 0; i < nsyms; i++)
		free(syms[i].name);
	free(syms);
	return err;
}

/*
 * Resolves and writes the offsets used in the objects `released` marks (all of them when
 * released_only is false), and forgets them; those of other objects stay. Past deadline
 * (monotonic ns; 0: none), a released object not yet resolved is kept for a later call, its
 * mark cleared. Adds counts.
 */
static int resolve_used(struct usyms *u, struct ebr_writer *w, uint64_t ts, bool released_only,
			uint64_t deadline, uint64_t *frames, uint64_t *resolved)
{
	struct addr_count *items = u->used.items;
	size_t kept = 0;
	bool first = true;
	int err = 0;

	addrset_compact(&u->used);
	for (size_t i = 0, end; i < u->used.n; i = end) {
		uint32_t slot = (uint32_t)(items[i].key >> OFFSET_BITS);
		struct uobject *o = &u->objs[slot - 1];

		for (end = i; end < u->used.n && items[end].key >> OFFSET_BITS == slot; end++)
			;
		if (released_only && o->released && !first && deadline &&
		    host_monotonic_ns() > deadline)
			o->released = false; /* the next call's */
		/*
		 * not while pruning: a process read now could map an object about to be freed;
		 * its objects may move (u->objs grows)
		 */
		if (!err && !released_only && u->meanwhile) {
			err = u->meanwhile(u->meanwhile_arg);
			o = &u->objs[slot - 1];
		}
		if (err || (released_only && !o->released)) {
			memmove(&items[kept], &items[i], (end - i) * sizeof(*items));
			kept += end - i;
			continue;
		}
		first = false;
		for (size_t j = i; j < end; j++)
			*frames += items[j].count;
		if (o->kind == UOBJ_PERF_MAP)
			err = resolve_perf_map(w, ts, o, o->id, &items[i], end - i, resolved);
		else
			err = resolve_elf(u, w, ts, o, &items[i], end - i, resolved);
	}
	u->used.n = kept;
	return err;
}

int usyms_write(struct usyms *u, struct ebr_writer *w, uint64_t ts, uint64_t *frames,
		uint64_t *resolved)
{
	*frames += u->unmapped;
	u->unmapped = 0;
	return resolve_used(u, w, ts, false, 0, frames, resolved);
}

/* ------------------------------------------------------------- pruning */

static void proc_release(struct usyms *u, struct uproc *p)
{
	free(p->maps);
	if (p->unwinder) {
		unwinder_free(p->unwinder);
		u->nunwinders--;
	}
}

/* Whether no process can map o again: a deleted file, or the perf map of a process gone. */
static bool object_gone(const struct uobject *o)
{
	struct stat st;

	if (o->kind == UOBJ_PERF_MAP)
		return true;
	return o->fd >= 0 && fstat(o->fd, &st) == 0 && st.st_nlink == 0;
}

/*
 * Marks released the objects no process in the table maps that no process can map again,
 * or that none has mapped for USYMS_IDLE_PRUNES calls (a compiler run again and again by a
 * build keeps its object, its id and its resolved symbols); how many.
 */
static size_t objects_unmapped(struct usyms *u)
{
	size_t n = 0;

	for (size_t i = 0; i < u->nprocs; i++)
		for (uint32_t m = 0; m < u->procs[i].nmaps; m++)
			if (u->procs[i].maps[m].object)
				u->objs[u->procs[i].maps[m].object - 1].mapped_prune = u->prunes;
	for (size_t i = 0; i < u->nobjs; i++) {
		struct uobject *o = &u->objs[i];

		if (o->kind && !o->mapped_prune)
			o->mapped_prune = u->prunes; /* made since the last call */
		o->released = o->kind && o->mapped_prune != u->prunes &&
			      (u->prunes - o->mapped_prune >= USYMS_IDLE_PRUNES || object_gone(o));
		n += o->released;
	}
	return n;
}

int usyms_prune(struct usyms *u, struct ebr_writer *w, uint64_t now, uint64_t seen_ts,
		uint64_t *frames, uint64_t *resolved)
{
	size_t kept = 0;
	int err;

	u->prunes++;
	for (size_t i = 0; i < u->nprocs; i++) {
		struct uproc *p = &u->procs[i];

		/* EPERM: it exists, owned by someone this recorder may not signal */
		if (!p->dead_ns && kill((pid_t)p->pid, 0) && errno == ESRCH)
			p->dead_ns = now;
		if (p->dead_ns && seen_ts >= p->dead_ns + USYMS_DEAD_GRACE_NS)
			proc_release(u, p);
		else
			u->procs[kept++] = *p;
	}
	u->nprocs = kept;
	if (!objects_unmapped(u))
		return 0;
	/*
	 * an unwinder given its modules before its process remapped may still use a released
	 * object's descriptor: it is made again at its next sample
	 */
	for (size_t i = 0; i < u->nprocs; i++)
		if (u->procs[i].unwinder && u->procs[i].maps_changed) {
			unwinder_free(u->procs[i].unwinder);
			u->procs[i].unwinder = NULL;
			u->nunwinders--;
		}
	/* a large object's DWARF takes long: the writer's loop is held USYMS_PRUNE_NS at most */
	err = resolve_used(u, w, now, true, now + USYMS_PRUNE_NS, frames, resolved);
	for (size_t i = 0; i < u->nobjs; i++) {
		struct uobject *o = &u->objs[i];

		if (!o->released)
			continue;
		session_end(u, o);
		if (o->fd >= 0) {
			close(o->fd);
			u->open_fds--;
		}
		free(o->path);
		memset(o, 0, sizeof(*o)); /* kind 0: a free slot */
		o->fd = -1;
		u->nfree++;
	}
	return err;
}

void usyms_free(struct usyms *u)
{
	for (size_t i = 0; i < u->nprocs; i++)
		proc_release(u, &u->procs[i]);
	for (size_t i = 0; i < u->nobjs; i++) {
		session_end(u, &u->objs[i]);
		free(u->objs[i].path);
		if (u->objs[i].fd >= 0)
			close(u->objs[i].fd);
	}
	free(u->procs);
	free(u->objs);
	if (u->vdso_tried && u->vdso_fd >= 0)
		close(u->vdso_fd);
	addrset_free(&u->used);
	memset(u, 0, sizeof(*u));
}
