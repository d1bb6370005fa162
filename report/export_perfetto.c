// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec export --format perfetto`: a Perfetto trace (a protobuf `Trace`: repeated
 * TracePacket packet = 1), written with report/protobuf.h, no SDK, for the Perfetto UI and
 * trace_processor. What goes where:
 *
 * - sched.switch: ftrace sched_switch events in per-CPU FtraceEventBundles, as traced_probes
 *   writes them, so the UI draws its CPU tracks and thread states;
 * - proc.*: ProcessTree packets (pid, ppid, command line, uid) and the threads seen;
 * - block.rq: a slice an I/O, on a track of its disk (from issue to completion) and on a
 *   "block I/O" track of the submitting thread (from insertion in the queue);
 * - file.open, file.slow: a slice a call on a "syscalls" track of the thread; file.chdir an
 *   instant there;
 * - TCP sessions (analyze/tcp.h): a slice a session, on a "TCP" track of its owner process;
 * - cache.stat and the loss counters of ebr.counts: counter tracks;
 * - profile.sample: PerfSamples, their callstacks interned (InternedData frames, function
 *   names, mappings), named through the trace's symbols: the trace is read twice, the
 *   symbols being written at its end.
 *
 * Slices of one track must nest, and I/Os or sessions overlap: each owner (a disk, a thread,
 * a process) has lanes, child tracks of the same name, and a slice goes on the first lane
 * whose last slice ended before it began.
 *
 * Clocks: the trace's times are CLOCK_MONOTONIC; Perfetto's trace clock is BOOTTIME. Every
 * timestamp is converted to BOOTTIME through META (host.boot_time_ns is realtime - boottime;
 * clock.start.* pair monotonic and realtime), and a ClockSnapshot at the start states the
 * three clocks and BOOTTIME as the primary trace clock, so that trace_processor converts
 * between them (and shows wall-clock time) exactly.
 *
 * Field numbers from perfetto's protos/perfetto/trace/: trace_packet.proto,
 * clock_snapshot.proto, ftrace/ftrace_event_bundle.proto, ftrace/ftrace_event.proto,
 * ftrace/sched.proto, ps/process_tree.proto, track_event/track_descriptor.proto,
 * track_event/track_event.proto, track_event/counter_descriptor.proto,
 * track_event/debug_annotation.proto, track_event/thread_descriptor.proto,
 * track_event/process_descriptor.proto, interned_data/interned_data.proto,
 * profiling/profile_common.proto, profiling/profile_packet.proto (PerfSample).
 */
#include <stdlib.h>
#include <string.h>
#include "analyze/block.h"
#include "analyze/tcp.h"
#include "analyze/u64map.h"
#include "format/array_size.h"
#include "report/export.h"
#include "report/idtab.h"
#include "report/protobuf.h"

enum {
	TRACE_PACKET = 1, /* Trace.packet */
	/* TracePacket */
	PKT_FTRACE_EVENTS = 1, PKT_PROCESS_TREE = 2, PKT_CLOCK_SNAPSHOT = 6, PKT_TIMESTAMP = 8,
	PKT_SEQUENCE_ID = 10, PKT_TRACK_EVENT = 11, PKT_INTERNED_DATA = 12,
	PKT_SEQUENCE_FLAGS = 13, PKT_TRACK_DESCRIPTOR = 60, PKT_PERF_SAMPLE = 66,
	SEQ_INCREMENTAL_STATE_CLEARED = 1, SEQ_NEEDS_INCREMENTAL_STATE = 2,
	/* ClockSnapshot, ClockSnapshot.Clock, BuiltinClock */
	CLOCKS = 1, PRIMARY_TRACE_CLOCK = 2, CLOCK_ID = 1, CLOCK_TIMESTAMP = 2,
	CLOCK_REALTIME = 1, CLOCK_MONOTONIC = 3, CLOCK_BOOTTIME = 6,
	/* FtraceEventBundle, FtraceEvent, SchedSwitchFtraceEvent */
	BUNDLE_CPU = 1, BUNDLE_EVENT = 2,
	FTRACE_TIMESTAMP = 1, FTRACE_PID = 2, FTRACE_SCHED_SWITCH = 4,
	SWITCH_PREV_COMM = 1, SWITCH_PREV_PID = 2, SWITCH_PREV_STATE = 4, SWITCH_NEXT_COMM = 5,
	SWITCH_NEXT_PID = 6,
	/* ProcessTree, .Process, .Thread */
	TREE_PROCESSES = 1, TREE_THREADS = 2,
	PROCESS_PID = 1, PROCESS_PPID = 2, PROCESS_CMDLINE = 3, PROCESS_UID = 5,
	THREAD_TID = 1, THREAD_NAME = 2, THREAD_TGID = 3,
	/* TrackDescriptor, ProcessDescriptor, ThreadDescriptor */
	TRACK_UUID = 1, TRACK_NAME = 2, TRACK_PROCESS = 3, TRACK_THREAD = 4,
	TRACK_PARENT_UUID = 5, TRACK_COUNTER = 8,
	PDESC_PID = 1, PDESC_PROCESS_NAME = 6, TDESC_PID = 1, TDESC_TID = 2, TDESC_NAME = 5,
	/* TrackEvent, its Type, DebugAnnotation */
	EVENT_DEBUG_ANNOTATIONS = 4, EVENT_TYPE = 9, EVENT_TRACK_UUID = 11, EVENT_NAME = 23,
	EVENT_COUNTER_VALUE = 30,
	TYPE_SLICE_BEGIN = 1, TYPE_SLICE_END = 2, TYPE_INSTANT = 3, TYPE_COUNTER = 4,
	ANNOT_INT_VALUE = 4, ANNOT_STRING_VALUE = 6, ANNOT_NAME = 10,
	/* InternedData, InternedString, Mapping, Frame, Callstack */
	INTERNED_FUNCTION_NAMES = 5, INTERNED_FRAMES = 6, INTERNED_CALLSTACKS = 7,
	INTERNED_MAPPING_PATHS = 17, INTERNED_MAPPINGS = 19,
	ISTRING_IID = 1, ISTRING_STR = 2,
	MAPPING_IID = 1, MAPPING_START = 4, MAPPING_END = 5, MAPPING_PATH_STRING_IDS = 7,
	FRAME_IID = 1, FRAME_FUNCTION_NAME_ID = 2, FRAME_MAPPING_ID = 3, FRAME_REL_PC = 4,
	CALLSTACK_IID = 1, CALLSTACK_FRAME_IDS = 2,
	/* PerfSample, Profiling.CpuMode */
	PERF_CPU = 1, PERF_PID = 2, PERF_TID = 3, PERF_CALLSTACK_IID = 4, PERF_CPU_MODE = 5,
	MODE_KERNEL = 1, MODE_USER = 2,
};

/* the one packet sequence of this writer (interned data and track events are per sequence) */
#define PERFETTO_SEQUENCE 1
/* a per-CPU ftrace bundle is written when it holds this much */
#define BUNDLE_BYTES (1u << 16)
/* lanes of one owner; more overlapping slices than this share the last lane */
#define MAX_LANES 32

/* What owns tracks: the key's top byte, its id the rest. */
enum owner_kind { OWN_THREAD = 1, OWN_PROCESS, OWN_DISK, OWN_THREAD_IO, OWN_THREAD_SYS,
		  OWN_PROCESS_TCP, OWN_COUNTER };

struct owner {
	uint64_t uuid; /* its own track */
	uint32_t nlanes;
	uint64_t lane_uuid[MAX_LANES];
	uint64_t lane_end[MAX_LANES];
};

struct perfetto {
	struct export_job *job;
	FILE *f;
	struct pb pkt;      /* the packet being built */
	struct pb interned; /* the InternedData entries of the packet being built */
	struct pb *bundles; /* per CPU */
	uint32_t ncpus;
	bool started;
	int64_t boot_offset; /* BOOTTIME - MONOTONIC */
	struct symtab syms;
	struct idtab names, paths, mappings, frames, callstacks;
	uint64_t *stack; /* frame iids of the sample being written, root first */
	uint32_t stack_cap;
	struct u64map threads_seen;
	struct owner *owners;
	uint32_t nowners, owners_cap;
	struct u64map owner_of; /* kind << 56 | id -> index */
	struct tcptable tcp;
	uint64_t next_uuid;
	int err;
};

static uint64_t boottime(const struct perfetto *x, uint64_t mono)
{
	return mono + (uint64_t)x->boot_offset;
}

/* ------------------------------------------------------------ packets */

static void packet_begin(struct perfetto *x, uint64_t mono_ts, bool sequenced)
{
	pb_reset(&x->pkt);
	pb_begin(&x->pkt, TRACE_PACKET);
	if (mono_ts)
		pb_varint(&x->pkt, PKT_TIMESTAMP, boottime(x, mono_ts));
	if (sequenced) {
		pb_varint(&x->pkt, PKT_SEQUENCE_ID, PERFETTO_SEQUENCE);
		pb_varint(&x->pkt, PKT_SEQUENCE_FLAGS, SEQ_NEEDS_INCREMENTAL_STATE);
	}
}

static void packet_end(struct perfetto *x)
{
	pb_end(&x->pkt);
	if (x->err)
		return;
	if ((x->err = pb_error(&x->pkt)))
		return;
	if (fwrite(x->pkt.buf, 1, x->pkt.len, x->f) != x->pkt.len)
		x->err = EBR_E_IO;
}

/* The clock snapshot, first packet of the sequence: it clears its incremental state. */
static void start(struct perfetto *x, const struct ebr_reader *r)
{
	const char *boot = ebr_reader_meta(r, "host.boot_time_ns");
	const char *real = ebr_reader_meta(r, "clock.start.realtime_ns");
	uint64_t mono = trace_start_ns(r);
	int64_t off = 0;

	x->started = true;
	/* boottime = realtime - boot_time; realtime = mono - mono_start + real_start */
	if (boot && real && mono)
		off = (int64_t)(strtoull(real, NULL, 10) - mono - strtoull(boot, NULL, 10));
	/* both were read a few microseconds apart: boottime is never behind monotonic */
	x->boot_offset = off > 0 ? off : 0;
	pb_reset(&x->pkt);
	pb_begin(&x->pkt, TRACE_PACKET);
	pb_varint(&x->pkt, PKT_SEQUENCE_ID, PERFETTO_SEQUENCE);
	pb_varint(&x->pkt, PKT_SEQUENCE_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
	pb_begin(&x->pkt, PKT_CLOCK_SNAPSHOT);
	if (mono) {
		pb_begin(&x->pkt, CLOCKS);
		pb_varint(&x->pkt, CLOCK_ID, CLOCK_BOOTTIME);
		pb_varint(&x->pkt, CLOCK_TIMESTAMP, boottime(x, mono));
		pb_end(&x->pkt);
		pb_begin(&x->pkt, CLOCKS);
		pb_varint(&x->pkt, CLOCK_ID, CLOCK_MONOTONIC);
		pb_varint(&x->pkt, CLOCK_TIMESTAMP, mono);
		pb_end(&x->pkt);
		if (real) {
			pb_begin(&x->pkt, CLOCKS);
			pb_varint(&x->pkt, CLOCK_ID, CLOCK_REALTIME);
			pb_varint(&x->pkt, CLOCK_TIMESTAMP, strtoull(real, NULL, 10));
			pb_end(&x->pkt);
		}
	}
	pb_varint(&x->pkt, PRIMARY_TRACE_CLOCK, CLOCK_BOOTTIME);
	pb_end(&x->pkt);
	packet_end(x);
}

/* ------------------------------------------------------------ tracks */

static struct owner *owner(struct perfetto *x, enum owner_kind kind, uint64_t id, bool *added)
{
	uint64_t key = (uint64_t)kind << 56 | (id & ((1ull << 56) - 1));
	uint32_t i;
	struct owner *o;

	*added = false;
	if (u64map_get(&x->owner_of, key, &i))
		return &x->owners[i];
	if (x->nowners == x->owners_cap) {
		uint32_t cap = x->owners_cap ? x->owners_cap * 2 : 64;

		o = realloc(x->owners, cap * sizeof(*o));
		if (!o) {
			x->err = EBR_E_NOMEM;
			return NULL;
		}
		x->owners = o;
		x->owners_cap = cap;
	}
	if ((x->err = u64map_put(&x->owner_of, key, x->nowners)))
		return NULL;
	o = &x->owners[x->nowners++];
	memset(o, 0, sizeof(*o));
	o->uuid = ++x->next_uuid;
	*added = true;
	return o;
}

static void track_packet_begin(struct perfetto *x, uint64_t uuid)
{
	packet_begin(x, 0, false);
	pb_begin(&x->pkt, PKT_TRACK_DESCRIPTOR);
	pb_varint(&x->pkt, TRACK_UUID, uuid);
}

static void track_packet_end(struct perfetto *x)
{
	pb_end(&x->pkt);
	packet_end(x);
}

static uint64_t thread_track(struct perfetto *x, uint64_t pid, uint64_t tid, const char *comm)
{
	bool added;
	struct owner *o = owner(x, OWN_THREAD, tid, &added);

	if (!o)
		return 0;
	if (added) {
		track_packet_begin(x, o->uuid);
		pb_begin(&x->pkt, TRACK_THREAD);
		pb_varint(&x->pkt, TDESC_PID, pid);
		pb_varint(&x->pkt, TDESC_TID, tid);
		pb_str(&x->pkt, TDESC_NAME, comm);
		pb_end(&x->pkt);
		track_packet_end(x);
	}
	return o->uuid;
}

static uint64_t process_track(struct perfetto *x, uint64_t pid, const char *comm)
{
	bool added;
	struct owner *o = owner(x, OWN_PROCESS, pid, &added);

	if (!o)
		return 0;
	if (added) {
		track_packet_begin(x, o->uuid);
		pb_begin(&x->pkt, TRACK_PROCESS);
		pb_varint(&x->pkt, PDESC_PID, pid);
		pb_str(&x->pkt, PDESC_PROCESS_NAME, comm);
		pb_end(&x->pkt);
		track_packet_end(x);
	}
	return o->uuid;
}

/* The lane of o (its tracks named name under parent) free for [begin, end]. */
static uint64_t lane(struct perfetto *x, struct owner *o, uint64_t parent, const char *name,
		     uint64_t begin, uint64_t end)
{
	uint32_t i;

	for (i = 0; i < o->nlanes && o->lane_end[i] > begin; i++)
		;
	if (i == MAX_LANES)
		i = MAX_LANES - 1; /* more at once than lanes: the last one takes it */
	if (i == o->nlanes) {
		o->lane_uuid[o->nlanes++] = ++x->next_uuid;
		track_packet_begin(x, o->lane_uuid[i]);
		pb_varint(&x->pkt, TRACK_PARENT_UUID, parent);
		pb_str(&x->pkt, TRACK_NAME, name);
		track_packet_end(x);
	}
	if (end > o->lane_end[i])
		o->lane_end[i] = end;
	return o->lane_uuid[i];
}

static uint64_t counter_track(struct perfetto *x, uint64_t id, const char *name)
{
	bool added;
	struct owner *o = owner(x, OWN_COUNTER, id, &added);

	if (!o)
		return 0;
	if (added) {
		track_packet_begin(x, o->uuid);
		pb_str(&x->pkt, TRACK_NAME, name);
		pb_begin(&x->pkt, TRACK_COUNTER);
		pb_end(&x->pkt);
		track_packet_end(x);
	}
	return o->uuid;
}

static void counter(struct perfetto *x, uint64_t ts, uint64_t track, int64_t value)
{
	packet_begin(x, ts, true);
	pb_begin(&x->pkt, PKT_TRACK_EVENT);
	pb_varint(&x->pkt, EVENT_TYPE, TYPE_COUNTER);
	pb_varint(&x->pkt, EVENT_TRACK_UUID, track);
	pb_varint(&x->pkt, EVENT_COUNTER_VALUE, (uint64_t)value);
	pb_end(&x->pkt);
	packet_end(x);
}

/* Arguments of a slice, shown in the UI's details: name = integer, or name = string. */
struct slice_arg {
	const char *name;
	const char *str; /* NULL: num */
	int64_t num;
};

static void slice(struct perfetto *x, uint64_t track, uint64_t begin, uint64_t end,
		  const char *name, const struct slice_arg *args, size_t nargs)
{
	packet_begin(x, begin, true);
	pb_begin(&x->pkt, PKT_TRACK_EVENT);
	pb_varint(&x->pkt, EVENT_TYPE, end ? TYPE_SLICE_BEGIN : TYPE_INSTANT);
	pb_varint(&x->pkt, EVENT_TRACK_UUID, track);
	pb_str(&x->pkt, EVENT_NAME, name);
	for (size_t i = 0; i < nargs; i++) {
		pb_begin(&x->pkt, EVENT_DEBUG_ANNOTATIONS);
		pb_str(&x->pkt, ANNOT_NAME, args[i].name);
		if (args[i].str)
			pb_str(&x->pkt, ANNOT_STRING_VALUE, args[i].str);
		else
			pb_varint(&x->pkt, ANNOT_INT_VALUE, (uint64_t)args[i].num);
		pb_end(&x->pkt);
	}
	pb_end(&x->pkt);
	packet_end(x);
	if (!end)
		return;
	packet_begin(x, end, true);
	pb_begin(&x->pkt, PKT_TRACK_EVENT);
	pb_varint(&x->pkt, EVENT_TYPE, TYPE_SLICE_END);
	pb_varint(&x->pkt, EVENT_TRACK_UUID, track);
	pb_end(&x->pkt);
	packet_end(x);
}

/* A slice on a lane of a thread's child track (kind: its block I/O or its syscalls). */
static void thread_slice(struct perfetto *x, enum owner_kind kind, uint64_t pid, uint64_t tid,
			 const char *comm, uint64_t begin, uint64_t end, const char *name,
			 const struct slice_arg *args, size_t nargs)
{
	uint64_t parent = thread_track(x, pid, tid, comm);
	bool added;
	struct owner *o = parent ? owner(x, kind, tid, &added) : NULL;

	if (!o)
		return;
	slice(x, lane(x, o, parent, kind == OWN_THREAD_IO ? "block I/O" : "syscalls", begin,
		      end ? end : begin), begin, end, name, args, nargs);
}

/* ------------------------------------------------------------ processes and threads */

/* A thread in the process tree, the first time it is seen. */
static void thread_seen(struct perfetto *x, uint64_t ts, uint64_t pid, uint64_t tid,
			const char *comm)
{
	uint32_t one;

	if (!tid || u64map_get(&x->threads_seen, tid, &one))
		return;
	if ((x->err = x->err ?: u64map_put(&x->threads_seen, tid, 1)))
		return;
	packet_begin(x, ts, false);
	pb_begin(&x->pkt, PKT_PROCESS_TREE);
	pb_begin(&x->pkt, TREE_THREADS);
	pb_varint(&x->pkt, THREAD_TID, tid);
	pb_varint(&x->pkt, THREAD_TGID, pid);
	pb_str(&x->pkt, THREAD_NAME, comm ? comm : "");
	pb_end(&x->pkt);
	pb_end(&x->pkt);
	packet_end(x);
}

static void process_tree(struct perfetto *x, uint64_t ts, uint64_t pid, uint64_t ppid,
			 uint64_t uid, const char *comm, const struct ebr_value *args)
{
	packet_begin(x, ts, false);
	pb_begin(&x->pkt, PKT_PROCESS_TREE);
	pb_begin(&x->pkt, TREE_PROCESSES);
	pb_varint(&x->pkt, PROCESS_PID, pid);
	pb_varint(&x->pkt, PROCESS_PPID, ppid);
	if (args && args->len) {
		for (uint32_t i = 0; i < args->len;) {
			size_t n = strnlen(args->s + i, args->len - i);

			pb_bytes(&x->pkt, PROCESS_CMDLINE, args->s + i, n);
			i += (uint32_t)n + 1;
		}
	} else {
		pb_str(&x->pkt, PROCESS_CMDLINE, comm); /* a kernel thread: its name */
	}
	pb_varint(&x->pkt, PROCESS_UID, uid);
	pb_end(&x->pkt);
	pb_end(&x->pkt);
	packet_end(x);
}

/* ------------------------------------------------------------ sched */

static void write_bundle(struct perfetto *x, uint32_t cpu)
{
	struct pb *b = &x->bundles[cpu];

	if (!b->len)
		return;
	if ((x->err = x->err ?: pb_error(b)))
		return;
	packet_begin(x, 0, false);
	pb_begin(&x->pkt, PKT_FTRACE_EVENTS);
	pb_varint(&x->pkt, BUNDLE_CPU, cpu);
	/* the events are whole BUNDLE_EVENT fields already */
	pb_raw(&x->pkt, b->buf, b->len);
	pb_end(&x->pkt);
	packet_end(x);
	pb_reset(b);
}

static void on_switch(struct perfetto *x, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	struct pb *b;

	if (ev->cpu >= x->ncpus) {
		uint32_t n = ev->cpu + 1;
		struct pb *more;

		if (n > 4096) /* more CPUs than Linux has ever run on: not a CPU */
			return;
		more = realloc(x->bundles, n * sizeof(*more));
		if (!more) {
			x->err = EBR_E_NOMEM;
			return;
		}
		memset(more + x->ncpus, 0, (n - x->ncpus) * sizeof(*more));
		x->bundles = more;
		x->ncpus = n;
	}
	thread_seen(x, ev->ts, v[EBR_F_SCHED_SWITCH_PREV_PID].u, v[EBR_F_SCHED_SWITCH_PREV_TID].u,
		    v[EBR_F_SCHED_SWITCH_PREV_COMM].s);
	thread_seen(x, ev->ts, v[EBR_F_SCHED_SWITCH_NEXT_PID].u, v[EBR_F_SCHED_SWITCH_NEXT_TID].u,
		    v[EBR_F_SCHED_SWITCH_NEXT_COMM].s);
	b = &x->bundles[ev->cpu];
	pb_begin(b, BUNDLE_EVENT);
	pb_varint(b, FTRACE_TIMESTAMP, boottime(x, ev->ts));
	pb_varint(b, FTRACE_PID, v[EBR_F_SCHED_SWITCH_PREV_TID].u);
	pb_begin(b, FTRACE_SCHED_SWITCH);
	pb_str(b, SWITCH_PREV_COMM, v[EBR_F_SCHED_SWITCH_PREV_COMM].s);
	pb_varint(b, SWITCH_PREV_PID, v[EBR_F_SCHED_SWITCH_PREV_TID].u);
	pb_varint(b, SWITCH_PREV_STATE, v[EBR_F_SCHED_SWITCH_PREV_STATE].u);
	pb_str(b, SWITCH_NEXT_COMM, v[EBR_F_SCHED_SWITCH_NEXT_COMM].s);
	pb_varint(b, SWITCH_NEXT_PID, v[EBR_F_SCHED_SWITCH_NEXT_TID].u);
	pb_end(b);
	pb_end(b);
	if (b->len >= BUNDLE_BYTES)
		write_bundle(x, ev->cpu);
}

/* ------------------------------------------------------------ block, file, TCP */

static void on_block(struct perfetto *x, const struct ebr_reader *r, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint64_t lat = v[EBR_F_BLOCK_RQ_LAT_NS].u, queue = v[EBR_F_BLOCK_RQ_QUEUE_NS].u;
	uint64_t pid = v[EBR_F_BLOCK_RQ_PID].u, tid = v[EBR_F_BLOCK_RQ_TID].u;
	uint64_t issue = ev->ts > lat ? ev->ts - lat : 0;
	uint64_t insert = issue > queue ? issue - queue : 0;
	char disk[64], rwbs[8], name[96];
	struct owner *o;
	bool added;
	struct slice_arg args[] = {
		{ "sector", NULL, (int64_t)v[EBR_F_BLOCK_RQ_SECTOR].u },
		{ "bytes", NULL, (int64_t)v[EBR_F_BLOCK_RQ_BYTES].u },
		{ "pid", NULL, (int64_t)pid },
		{ "comm", v[EBR_F_BLOCK_RQ_COMM].s, 0 },
		{ "queue_ns", NULL, (int64_t)queue },
		{ "lat_ns", NULL, (int64_t)lat },
		{ "error", NULL, ebr_value_s64(&v[EBR_F_BLOCK_RQ_ERROR]) },
		{ "disk", disk, 0 },
	};

	if (!export_wants(x->job, pid, v[EBR_F_BLOCK_RQ_COMM].s))
		return;
	block_disk_name(r, v[EBR_F_BLOCK_RQ_DEV].u, disk, sizeof(disk));
	block_rwbs(v[EBR_F_BLOCK_RQ_FLAGS].u, rwbs);
	snprintf(name, sizeof(name), "%s %llu", rwbs, (unsigned long long)v[EBR_F_BLOCK_RQ_BYTES].u);
	o = owner(x, OWN_DISK, v[EBR_F_BLOCK_RQ_DEV].u, &added);
	if (!o)
		return;
	if (added) {
		char title[80];

		snprintf(title, sizeof(title), "disk %s", disk);
		track_packet_begin(x, o->uuid);
		pb_str(&x->pkt, TRACK_NAME, title);
		track_packet_end(x);
	}
	/* on the disk: the device's time; on the thread: from its insertion in the queue */
	slice(x, lane(x, o, o->uuid, disk, issue, ev->ts), issue, ev->ts, name, args,
	      ARRAY_SIZE(args));
	thread_slice(x, OWN_THREAD_IO, pid, tid, v[EBR_F_BLOCK_RQ_COMM].s, insert, ev->ts, name,
		     args, ARRAY_SIZE(args));
}

static void on_file(struct perfetto *x, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	/* the file types share pid, tid, comm as their first fields (format/events.def) */
	uint64_t pid = v[EBR_F_FILE_OPEN_PID].u, tid = v[EBR_F_FILE_OPEN_TID].u;
	const char *comm = v[EBR_F_FILE_OPEN_COMM].s;
	uint64_t lat = 0;
	char name[64];
	struct slice_arg args[3];
	size_t nargs = 0;

	if (!export_wants(x->job, pid, comm))
		return;
	if (ev->type == EBR_EV_FILE_OPEN) {
		static const char *const calls[] = { "open", "open", "openat", "openat2", "creat" };
		uint64_t call = v[EBR_F_FILE_OPEN_CALL].u;

		snprintf(name, sizeof(name), "%s", calls[call < ARRAY_SIZE(calls) ? call : 0]);
		lat = v[EBR_F_FILE_OPEN_LAT_NS].u;
		args[nargs++] = (struct slice_arg){ "path", v[EBR_F_FILE_OPEN_PATH].s, 0 };
		args[nargs++] = (struct slice_arg){ "ret", NULL,
						    ebr_value_s64(&v[EBR_F_FILE_OPEN_RET]) };
	} else if (ev->type == EBR_EV_FILE_SLOW) {
		uint64_t op = v[EBR_F_FILE_SLOW_OP].u;

		snprintf(name, sizeof(name), "%s", op == 'R' ? "read" : op == 'W' ? "write" :
			 op == 'S' ? "fsync" : "file op");
		lat = v[EBR_F_FILE_SLOW_LAT_NS].u;
		args[nargs++] = (struct slice_arg){ "file", v[EBR_F_FILE_SLOW_NAME].s, 0 };
		args[nargs++] = (struct slice_arg){ "ret", NULL,
						    ebr_value_s64(&v[EBR_F_FILE_SLOW_RET]) };
		args[nargs++] = (struct slice_arg){ "offset", NULL,
						    (int64_t)v[EBR_F_FILE_SLOW_OFFSET].u };
	} else {
		snprintf(name, sizeof(name), "chdir");
		args[nargs++] = (struct slice_arg){ "path", v[EBR_F_FILE_CHDIR_PATH].s, 0 };
	}
	/* ts is the return: the call began lat_ns before (chdir: an instant) */
	thread_slice(x, OWN_THREAD_SYS, pid, tid, comm, lat && ev->ts > lat ? ev->ts - lat : ev->ts,
		     lat ? ev->ts : 0, name, args, nargs);
}

static void session_slice(struct perfetto *x, const struct tcp_session *s, uint64_t end)
{
	char name[128], laddr[64], raddr[64];
	uint64_t parent;
	bool added;
	struct owner *o;
	struct slice_arg args[] = {
		{ "tx_bytes", NULL, (int64_t)s->tx_bytes },
		{ "rx_bytes", NULL, (int64_t)s->rx_bytes },
		{ "laddr", laddr, 0 },
		{ "lport", NULL, s->ends.lport },
		{ "raddr", raddr, 0 },
		{ "rport", NULL, s->ends.rport },
		{ "retransmits", NULL, s->retransmits },
	};

	if (s->listener || !s->pid || !export_wants(x->job, s->pid, s->comm))
		return;
	tcp_addr_text(s->ends.ip, s->ends.laddr, laddr, sizeof(laddr));
	tcp_addr_text(s->ends.ip, s->ends.raddr, raddr, sizeof(raddr));
	snprintf(name, sizeof(name), "%s:%u", raddr, s->ends.rport);
	parent = process_track(x, s->pid, s->comm);
	o = parent ? owner(x, OWN_PROCESS_TCP, s->pid, &added) : NULL;
	if (!o)
		return;
	slice(x, lane(x, o, parent, "TCP", s->start_ns, end), s->start_ns, end, name, args,
	      ARRAY_SIZE(args));
}

static void on_tcp(struct perfetto *x, const struct ebr_event *ev)
{
	struct tcp_event te;
	int ret = tcptable_event(&x->tcp, ev, &te);

	if (ret < 0) {
		x->err = ret;
		return;
	}
	if (ret && te.moment == TCP_MOMENT_STATE && te.s && te.state == EBR_TCP_CLOSE)
		session_slice(x, te.s, ev->ts);
}

/* ------------------------------------------------------------ counters */

static void on_counts(struct perfetto *x, const struct ebr_reader *r, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	uint64_t probe = v[EBR_F_COUNTS_PROBE].u;
	char key[32], title[96];
	const char *name;

	snprintf(key, sizeof(key), "probe.%llu", (unsigned long long)probe);
	name = ebr_reader_meta(r, key);
	snprintf(title, sizeof(title), "lost events: %s", name ? name : key);
	counter(x, ev->ts, counter_track(x, 1000 + probe, title),
		(int64_t)(v[EBR_F_COUNTS_LOST_RINGBUF].u + v[EBR_F_COUNTS_LOST_MAP].u +
			  v[EBR_F_COUNTS_LOST_USER].u));
}

static void on_cache(struct perfetto *x, const struct ebr_event *ev)
{
	static const struct { uint32_t field; const char *name; } counters[] = {
		{ EBR_F_CACHE_STAT_READ_PAGES, "page cache: pages read (lookups)" },
		{ EBR_F_CACHE_STAT_FAULT_PAGES, "page cache: file page faults" },
		{ EBR_F_CACHE_STAT_ADDED_PAGES, "page cache: pages added (misses)" },
		{ EBR_F_CACHE_STAT_DIRTIED_PAGES, "page cache: pages dirtied" },
		{ EBR_F_CACHE_STAT_CACHED_BYTES, "page cache: Cached bytes" },
		{ EBR_F_CACHE_STAT_BUFFERS_BYTES, "page cache: Buffers bytes" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(counters); i++)
		counter(x, ev->ts, counter_track(x, 1 + i, counters[i].name),
			(int64_t)ev->v[counters[i].field].u);
}

/* ------------------------------------------------------------ profile samples */

/* The iid of an interned string of table t (iids from 1), its entry written when new. */
static uint64_t interned_string(struct perfetto *x, struct idtab *t, uint32_t field,
				const char *s)
{
	uint32_t id = 0;
	bool added;
	int err = idtab_id(t, s, strlen(s), &id, &added);

	if (err) {
		x->err = x->err ?: err;
		return 0;
	}
	if (added) {
		pb_begin(&x->interned, field);
		pb_varint(&x->interned, ISTRING_IID, id + 1);
		pb_str(&x->interned, ISTRING_STR, s);
		pb_end(&x->interned);
	}
	return id + 1;
}

static uint64_t mapping_iid(struct perfetto *x, const struct frame_names *fn, bool kernel)
{
	const struct symtab_object *o = fn->map && fn->map->object ?
					symtab_object_of(&x->syms, fn->map->object) : NULL;
	const char *path = kernel ? "[kernel.kallsyms]" : o ? o->path : fn->map ? fn->map->name :
				    "[unmapped]";
	uint32_t id = 0;
	bool added;
	int err = idtab_id(&x->mappings, path, strlen(path), &id, &added);
	uint64_t pid;

	if (err) {
		x->err = x->err ?: err;
		return 0;
	}
	if (added) {
		/* the path as one component: trace_processor puts a '/' before each */
		pid = interned_string(x, &x->paths, INTERNED_MAPPING_PATHS,
				      path[0] == '/' ? path + 1 : path);
		pb_begin(&x->interned, INTERNED_MAPPINGS);
		pb_varint(&x->interned, MAPPING_IID, id + 1);
		if (fn->map && !kernel) {
			pb_varint(&x->interned, MAPPING_START, fn->map->start);
			pb_varint(&x->interned, MAPPING_END, fn->map->end);
		}
		pb_packed_varints(&x->interned, MAPPING_PATH_STRING_IDS, &pid, 1);
		pb_end(&x->interned);
	}
	return id + 1;
}

/* Frame iids of one stack frame's names, outermost first, appended to x->stack. */
static void frame_iids(struct perfetto *x, bool kernel, uint64_t pid, uint64_t addr,
		       uint32_t i, uint32_t *n)
{
	struct frame_names fn;
	uint64_t map;

	symtab_name_frame(&x->syms, kernel, pid, addr, i, &fn);
	map = mapping_iid(x, &fn, kernel);
	for (int k = fn.n; k-- > 0 && !x->err;) {
		char key[1200];
		uint32_t id = 0;
		bool added;
		int len = snprintf(key, sizeof(key), "%llu %s", (unsigned long long)map, fn.name[k]);
		uint64_t name;

		if (len < 0 || (size_t)len >= sizeof(key))
			len = (int)sizeof(key) - 1;
		if ((x->err = idtab_id(&x->frames, key, (size_t)len, &id, &added)))
			return;
		if (added) {
			name = interned_string(x, &x->names, INTERNED_FUNCTION_NAMES, fn.name[k]);
			pb_begin(&x->interned, INTERNED_FRAMES);
			pb_varint(&x->interned, FRAME_IID, id + 1);
			pb_varint(&x->interned, FRAME_FUNCTION_NAME_ID, name);
			pb_varint(&x->interned, FRAME_MAPPING_ID, map);
			pb_varint(&x->interned, FRAME_REL_PC, fn.offset);
			pb_end(&x->interned);
		}
		if (*n == x->stack_cap) {
			uint32_t cap = x->stack_cap ? x->stack_cap * 2 : 256;
			uint64_t *s = realloc(x->stack, cap * sizeof(*s));

			if (!s) {
				x->err = EBR_E_NOMEM;
				return;
			}
			x->stack = s;
			x->stack_cap = cap;
		}
		x->stack[(*n)++] = id + 1;
	}
}

static void on_sample(struct perfetto *x, const struct ebr_event *ev)
{
	const struct ebr_value *v = ev->v;
	const struct ebr_value *k = &v[EBR_F_PROFILE_SAMPLE_KSTACK], *u = &v[EBR_F_PROFILE_SAMPLE_USTACK];
	uint64_t pid = v[EBR_F_PROFILE_SAMPLE_PID].u;
	uint32_t n = 0, id = 0;
	bool added;

	if (!export_wants(x->job, pid, v[EBR_F_PROFILE_SAMPLE_COMM].s))
		return;
	thread_seen(x, ev->ts, pid, v[EBR_F_PROFILE_SAMPLE_TID].u, v[EBR_F_PROFILE_SAMPLE_COMM].s);
	pb_reset(&x->interned);
	/* root first: the user stack from its root, then the kernel stack */
	for (uint32_t i = u->frames ? u->len : 0; i-- > 0;)
		frame_iids(x, false, pid, u->frames[i], i, &n);
	for (uint32_t i = k->frames ? k->len : 0; i-- > 0;)
		frame_iids(x, true, pid, k->frames[i], i, &n);
	if (x->err)
		return;
	if ((x->err = idtab_id(&x->callstacks, x->stack, n * sizeof(*x->stack), &id, &added)))
		return;
	if (added) {
		pb_begin(&x->interned, INTERNED_CALLSTACKS);
		pb_varint(&x->interned, CALLSTACK_IID, id + 1);
		pb_packed_varints(&x->interned, CALLSTACK_FRAME_IDS, x->stack, n);
		pb_end(&x->interned);
	}
	if ((x->err = pb_error(&x->interned)))
		return;
	packet_begin(x, ev->ts, true);
	if (x->interned.len)
		pb_bytes(&x->pkt, PKT_INTERNED_DATA, x->interned.buf, x->interned.len);
	pb_begin(&x->pkt, PKT_PERF_SAMPLE);
	pb_varint(&x->pkt, PERF_CPU, ev->cpu);
	pb_varint(&x->pkt, PERF_PID, pid);
	pb_varint(&x->pkt, PERF_TID, v[EBR_F_PROFILE_SAMPLE_TID].u);
	pb_varint(&x->pkt, PERF_CALLSTACK_IID, id + 1);
	pb_varint(&x->pkt, PERF_CPU_MODE, k->frames && k->len ? MODE_KERNEL : MODE_USER);
	pb_end(&x->pkt);
	packet_end(x);
}

/* ------------------------------------------------------------ the pass */

static int perfetto_on_event(void *self, const struct ebr_reader *r, const struct ebr_event *ev)
{
	struct perfetto *x = self;
	const struct ebr_value *v = ev->v;

	if (x->err)
		return x->err;
	if (!x->started)
		start(x, r);
	switch (ev->type) {
	case EBR_EV_SCHED_SWITCH:
		if (export_wants(x->job, v[EBR_F_SCHED_SWITCH_PREV_PID].u,
				 v[EBR_F_SCHED_SWITCH_PREV_COMM].s) ||
		    export_wants(x->job, v[EBR_F_SCHED_SWITCH_NEXT_PID].u,
				 v[EBR_F_SCHED_SWITCH_NEXT_COMM].s))
			on_switch(x, ev);
		break;
	case EBR_EV_PROC_TASK:
		process_tree(x, ev->ts, v[EBR_F_PROC_TASK_PID].u, v[EBR_F_PROC_TASK_PPID].u,
			     v[EBR_F_PROC_TASK_UID].u, v[EBR_F_PROC_TASK_COMM].s,
			     &v[EBR_F_PROC_TASK_ARGS]);
		thread_seen(x, ev->ts, v[EBR_F_PROC_TASK_PID].u, v[EBR_F_PROC_TASK_PID].u,
			    v[EBR_F_PROC_TASK_COMM].s);
		break;
	case EBR_EV_PROC_FORK:
		process_tree(x, ev->ts, v[EBR_F_PROC_FORK_CHILD_PID].u, v[EBR_F_PROC_FORK_PID].u,
			     v[EBR_F_PROC_FORK_UID].u, v[EBR_F_PROC_FORK_COMM].s, NULL);
		break;
	case EBR_EV_PROC_EXEC:
		if (!ebr_value_s64(&v[EBR_F_PROC_EXEC_RET]))
			process_tree(x, ev->ts, v[EBR_F_PROC_EXEC_PID].u, v[EBR_F_PROC_EXEC_PPID].u,
				     v[EBR_F_PROC_EXEC_UID].u, v[EBR_F_PROC_EXEC_COMM].s,
				     &v[EBR_F_PROC_EXEC_ARGS]);
		break;
	case EBR_EV_BLOCK_RQ:
		on_block(x, r, ev);
		break;
	case EBR_EV_FILE_OPEN:
	case EBR_EV_FILE_SLOW:
	case EBR_EV_FILE_CHDIR:
		on_file(x, ev);
		break;
	case EBR_EV_TCP_STATE:
	case EBR_EV_TCP_ACCEPT:
	case EBR_EV_TCP_RETRANS:
	case EBR_EV_TCP_RESET:
	case EBR_EV_TCP_SOCK:
		on_tcp(x, ev);
		break;
	case EBR_EV_CACHE_STAT:
		on_cache(x, ev);
		break;
	case EBR_EV_COUNTS:
		on_counts(x, r, ev);
		break;
	case EBR_EV_PROFILE_SAMPLE:
		on_sample(x, ev);
		break;
	default:
		break;
	}
	return x->err;
}

static int perfetto_end(void *ctx, struct export_job *job)
{
	struct perfetto *x = ctx;

	(void)job;
	/* sessions still open at the end: up to when they were last seen */
	for (uint32_t i = 0; i < x->tcp.len && !x->err; i++)
		if (!x->tcp.s[i].closed && x->tcp.s[i].last_seen_ns > x->tcp.s[i].start_ns)
			session_slice(x, &x->tcp.s[i], x->tcp.s[i].last_seen_ns);
	for (uint32_t cpu = 0; cpu < x->ncpus && !x->err; cpu++)
		write_bundle(x, cpu);
	return x->err ? export_fail("perfetto", x->err) : 0;
}

static int perfetto_run(struct export_job *job)
{
	struct perfetto *x = calloc(1, sizeof(*x));
	struct analyzer an;
	int status = 1;

	if (!x)
		return export_fail("perfetto", EBR_E_NOMEM);
	x->job = job;
	if (export_symbols(job, &x->syms))
		goto cleanup;
	if (!(x->f = export_create(job->out)))
		goto cleanup;
	an = (struct analyzer){ perfetto_on_event, x, ANALYZER_EVERY_TYPE };
	status = export_pass(job, &an, 1, NULL, perfetto_end, x);
	if (export_close(x->f, job->out))
		status = 1;
cleanup:
	for (uint32_t i = 0; i < x->ncpus; i++)
		pb_release(&x->bundles[i]);
	free(x->bundles);
	pb_release(&x->pkt);
	pb_release(&x->interned);
	symtab_release(&x->syms);
	idtab_release(&x->names);
	idtab_release(&x->paths);
	idtab_release(&x->mappings);
	idtab_release(&x->frames);
	idtab_release(&x->callstacks);
	free(x->stack);
	u64map_release(&x->threads_seen);
	u64map_release(&x->owner_of);
	free(x->owners);
	tcptable_release(&x->tcp);
	free(x);
	return status;
}

const struct exporter export_perfetto = {
	.name = "perfetto",
	.summary = "a Perfetto trace: CPUs, processes, I/Os, syscalls, sessions, counters, samples",
	.run = perfetto_run,
};
