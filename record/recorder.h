/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ebrec record`'s state, and its parts: options.c (the command line), load.c (the families'
 * programs into the kernel and out), child.c (the `-- COMMAND` child), loop.c (the trace:
 * its start, the loop that writes what the drain thread hands over, its end); cmd_record.c
 * ties them. Every function returns 0 or a negative errno, having said what failed in one
 * line, unless its comment says otherwise.
 */
#ifndef EBREC_RECORD_RECORDER_H
#define EBREC_RECORD_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "record/cgroup.h"
#include "record/family.h"
#include "record/flight.h"
#include "record/generic.h"
#include "record/proctable.h"
#include "record/own_cpu.h"
#include "record/record.h"
#include "record/series.h"
#include "record/stacks.h"
#include "record/translate.h"
#include "record/trigger.h"

#define RECORD_MAX_FAMILIES 32
#define RECORD_MAX_LINKS 2048 /* profile: one per CPU; a generic probe one each */

struct record_opts {
	const char *out;
	const char *events[64]; /* each -e, in order */
	size_t nevents;
	double duration;
	long pid;
	const char *cgroup; /* --cgroup as given */
	bool run_in_cgroup; /* --run-in-cgroup: COMMAND is placed in --cgroup's cgroup */
	const char *host_name; /* --host-name: META host.hostname instead of gethostname()'s */
	long freq;
	size_t buffer_size;
	struct family_opts fam; /* --min-us, --fs, and -p once parsed */
	struct generic_probes generic; /* -e's probes, --str, --stacks, --comm */
	bool fail_on_loss, force, verbose;
	bool call_graph_set; /* --call-graph was given */
	const char *rotate;  /* --rotate SIZE|DURATION as given, or NULL */
	uint64_t rotate_bytes, rotate_ns, keep, max_disk; /* --rotate, --keep, --max-disk */
	uint64_t flight_ns, flight_budget; /* --flight-recorder, --flight-budget */
	const char *dump_pid;              /* --dump PID */
	struct trigger_spec trigger;       /* --trigger, --trigger-after, --trigger-holdoff */
	char **cmd;
	int argc; /* the whole command line, for META */
	char **argv;
};

/* Kernel counter totals of one probe, as last written to the trace. */
struct probe_state {
	uint32_t id;
	uint64_t emitted, lost_ringbuf, lost_map, lost_user;
};

struct recorder {
	struct record_opts o;
	const struct family *fams[RECORD_MAX_FAMILIES]; /* selected */
	void *fam_state[RECORD_MAX_FAMILIES];           /* fams[i]'s state_size bytes */
	bool fam_named[RECORD_MAX_FAMILIES]; /* -e named fams[i] by its name (family_prog_selected) */
	size_t nfams;
	struct probe_state probes[EBR_PROBE_MAX];
	size_t nprobes;
	struct ebrec_bpf *skel;
	struct bpf_link *links[RECORD_MAX_LINKS];
	size_t nlinks;
	int fd;
	bool created, to_stdout;
	bool started; /* the trace's start is written: the file is worth keeping */
	struct ebr_writer *w;
	struct translate_ctx tctx; /* the writer and the stack symbols, for the translators */
	struct stack_symbols stacks;
	struct cgroup_names cgroups; /* the cgroup2 mount and the ids the trace has named */
	char cgroup_path[4096];      /* --cgroup: its path from the hierarchy's root */
	uint64_t cgroup_id;          /* and its id, 0 without --cgroup */
	uint32_t cgroup_level;       /* and its depth, the root's 0 */
	struct drain drain;
	pid_t child;
	int child_status;
	bool child_done;
	int go_fd;
	uint64_t t_start, written, bytes;
	struct host_clocks t_end; /* when the span ended (record_span_end) */
	uint64_t malformed, drain_malformed; /* records found malformed by the writer, the drain */
	uint64_t last_ts, max_inversion;
	int ncpus;
	const struct features *feat;
	/*
	 * --rotate: the files (record/series.h); --flight-recorder: segments in memory
	 * (record/flight.h). Either way, the process table each file starts with.
	 */
	bool rotating, flying;
	struct series series;
	struct flight flight;
	struct trigger trigger; /* the flight recorder's --trigger */
	struct proc_table procs;
	uint64_t file_start;     /* when the current file began (monotonic ns) */
	struct host_clocks seam; /* when the last file ended and the current one began */
	uint64_t nfile;      /* files (segments) begun before the current one */
	uint64_t malformed_written; /* malformed records said by the files before this one */
	uint64_t missed_written;    /* BPF runs skipped, said by the files before this one */
	bool seam_unread; /* the flight recorder's periodic seam: no dump reads its end */
	struct own_cpu cpu, cpu_prev; /* the recorder's own CPU: last read, and the one before */
};

/* How often the ring is drained (docs/ARCHITECTURE.md: 10 ms keeps up with ~1 M events/s). */
#define RECORD_DRAIN_INTERVAL_US 10000

/*
 * options.c. Parses argv into o: 0 to record; 1 when --help was printed (exit 0); 2 after
 * saying what is wrong with the command line (exit 2).
 */
int record_options_parse(struct record_opts *o, int argc, char **argv);
/*
 * The families -e names (default: all but the opt-in ones; none when -e names only generic
 * probes) into rec->fams, its probes into rec->o.generic; 0 or 2 as above.
 */
int record_select_families(struct recorder *rec);

/* generic_attach.c: the generic probes' programs (record/generic.h) */
struct bpf_program *generic_prog(const struct ebrec_bpf *skel, int kind);
bool generic_is_prog(const struct ebrec_bpf *skel, const struct bpf_program *prog);
/* Whether some probe of g is of kind (EBR_GEN_*): its program is loaded. */
bool generic_kind_used(const struct generic_probes *g, int kind);
/* Whether some probe of g is served by a raw system-call program (generic_attach.c). */
bool generic_raw_syscalls(const struct generic_probes *g);
/* Loads the programs the generic probes of g attach (and a tracepoint's direct-load one). */
void generic_set_autoload(const struct ebrec_bpf *skel, const struct generic_probes *g);
/* Configures and attaches every generic probe (after load). */
int generic_attach(struct recorder *rec);

/* load.c */
/* What family i of the recording sees of it. */
struct family_env recorder_env(struct recorder *rec, size_t i);
/* Opens, configures and loads the selected families' programs, then attaches them. */
int record_load(struct recorder *rec, const struct features *feat);
/* Whether libbpf went on without the programs' BTF (record/cmd_record.c's print callback). */
bool record_libbpf_dropped_btf(void);
/* Detaches every program (all at once: see load.c). */
void record_detach(struct recorder *rec);
/* Frees what record_load() made; with rec->skel NULL, nothing. */
void record_unload(struct recorder *rec);

/*
 * privs.c. Drops every capability but what reading other processes' /proc entries needs
 * (the comment at its top says which and why), from every set; call once loaded, attached
 * and snapshotted, before any other thread is made (capabilities are per thread).
 */
int record_drop_privileges(const struct recorder *rec);

/* child.c */
/*
 * Whether COMMAND can be executed (searched in PATH as execvp does), before anything is
 * loaded: 0, or -errno having said why not.
 */
int record_child_check(const struct recorder *rec);
/* Forks COMMAND (rec->o.cmd), held until record_child_go(). */
int record_child_spawn(struct recorder *rec);
/* Lets COMMAND run (the probes are attached); says so if it cannot. */
void record_child_go(struct recorder *rec);
/* Whether COMMAND has ended (no COMMAND: false). */
bool record_child_finished(struct recorder *rec);
/* Ends COMMAND if it still runs (SIGTERM) and waits for it; an unstarted one never runs. */
void record_child_stop(struct recorder *rec);
/* COMMAND's exit status as a shell gives it (128 + signal), or -1 if it did not end. */
int record_child_status(const struct recorder *rec);

/* loop.c */
/* Ctrl-C and SIGTERM end the loop; SIGPIPE becomes a write error. */
void record_catch_signals(void);
/* META that says what is recorded, and the families' snapshots. */
int record_describe(struct recorder *rec, const struct features *feat);
/* The families' map counters (cachestat's), as events. */
int record_samples(struct recorder *rec, uint64_t now);
/*
 * The recording's span: the probes emit (ebr_recording) from record_span_begin(), which is
 * t_start, until record_span_end(), which reads the end clock pair; loading before it and
 * detaching after it take seconds that are not the span's (a -d recording spans -d).
 */
void record_span_begin(struct recorder *rec);
void record_span_end(struct recorder *rec);
/* Writes events until a signal, -d, or the end of COMMAND. */
int record_loop(struct recorder *rec);
/*
 * Writes what the probes emitted until now: has the drain thread take what the ring holds,
 * then writes every chunk it queued (at a seam).
 */
int record_catch_up(struct recorder *rec);
/*
 * queued_maps.c: reads the maps of the processes of the stack samples queued, not yet known
 * (usyms.meanwhile; arg: the recorder). 0 or a negative errno.
 */
int record_read_queued_maps(void *arg);
/*
 * The end of a file: the families' last samples and finish (TCP sessions open, the symbols of
 * its stacks), every probe's counts, the end clock pair end, its malformed records.
 */
int record_file_tail(struct recorder *rec, const struct host_clocks *end);
/* Detaches, then writes what the probes handed over before that, then the file's tail. */
int record_finish(struct recorder *rec);

/* cmd_record.c */
/*
 * A trace file begins on the current output (rec->fd, or the series' current file): the
 * writer, the host's facts, what is recorded and the families' snapshots.
 */
int record_trace_begin(struct recorder *rec);
/* Flushes and closes the trace (close frees the writer; after a failed flush, it is abandoned). */
int record_trace_end(struct recorder *rec);

/*
 * rotate.c: ends the current file of a series (segment of a flight recorder) and begins the
 * next, losing no event.
 */
int record_rotate(struct recorder *rec);
/* Events lost so far, every cause together. */
uint64_t record_total_lost(const struct recorder *rec);
/* The status line (a terminal, once a second) or the final summary. */
void record_print_status(const struct recorder *rec, bool final, uint64_t prev_written,
			 double dt);
/* After the final summary: the runs of the BPF programs the kernel skipped, if any. */
void record_print_missed(const struct recorder *rec);

#endif
