// SPDX-License-Identifier: GPL-2.0-only
/* `ebrec record`'s command line: its options, --help, and the families -e selects. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "format/array_size.h"
#include "record/duration.h"
#include "record/recorder.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ebrec record [-o FILE|-] [-e FAMILY|PROBE[,...]] [-d SECONDS] [-p PID]\n"
		"                    [--cgroup PATH] [--comm NAME] [--str PROBE:ARG] [--stacks]\n"
		"                    [--run-in-cgroup] [--host-name NAME]\n"
		"                    [-F HZ] [-I]\n"
		"                    [--buffer-size SIZE] [--min-us US] [--fs TYPE]\n"
		"                    [--call-graph fp|dwarf[,SIZE]] [--fail-on-loss] [-f] [-v]\n"
		"                    [--rotate SIZE|DURATION [--keep N] [--max-disk SIZE]]\n"
		"                    [--flight-recorder DURATION [--flight-budget SIZE]\n"
		"                     [--trigger 'METRIC > LATENCY' [--trigger-after DURATION]\n"
		"                      [--trigger-holdoff DURATION] [--keep N]]]\n"
		"                    [--program FILE.bt|--program-text PROGRAM] [-- COMMAND ARGS...]\n"
		"       ebrec record --dump PID\n"
		"\n"
		"Records what the kernel does into a trace file, until Ctrl-C, SIGTERM, -d, or the\n"
		"end of COMMAND (then ebrec exits with COMMAND's status).\n"
		"\n"
		"  -o FILE          trace file (default trace.ebr; '-' writes to stdout)\n"
		"  -e EVENTS        probe families and probes, comma separated, -e repeatable (default:\n"
		"                   block, proc, tcp and profile, with no system call tracepoint, for\n"
		"                   a budget of 1%% of a server's CPU; 'default' names them, e.g.\n"
		"                   -e default,sched; a family named by its name also records what\n"
		"                   costs more: see 'ebrec list'). A probe is tracepoint:SYS:NAME (t:),\n"
		"                   globs allowed; uprobe:PATH:FUNC (u:); uretprobe:PATH:FUNC (ur:);\n"
		"                   usdt:PATH:PROVIDER:NAME (U:); PATH may be a library name (libc);\n"
		"                   +kstack, +ustack after a probe capture its stacks\n"
		"  -d SECONDS       stop after this long\n"
		"  -p PID           only events of this process (tcp: the report filters by owner)\n"
		"  --cgroup PATH    only the processes of this cgroup v2 and the cgroups below it\n"
		"                   (filtered in the kernel): its directory (/sys/fs/cgroup/a/b)\n"
		"                   or its path as /proc/PID/cgroup shows it (/a/b)\n"
		"  --run-in-cgroup  with --cgroup and -- COMMAND: run COMMAND in that cgroup, so that\n"
		"                   it is recorded (else it runs where ebrec runs)\n"
		"  --comm NAME      probes: only events of threads named NAME (filtered in the kernel)\n"
		"  --str PROBE:ARG  probes: also read the string an argument points to: ARG is argN\n"
		"                   (uprobe, usdt) or retval (uretprobe), into the field ARG_str\n"
		"  --stacks         probes: capture the kernel and user stacks of every probe\n"
		"  --syscall-path raw|perf\n"
		"                   probes of syscalls: tracepoints: through one program on the\n"
		"                   raw sys_enter/sys_exit tracepoints (raw, the default: each\n"
		"                   recorded call costs less, every other system call a little\n"
		"                   more) or through the kernel's per-call perf path (perf: for a\n"
		"                   rare call on a busy host; see 'man ebrec-record')\n"
		"  --program FILE   the probes a bpftrace program uses, for 'ebrec query TRACE FILE'\n"
		"                   later (as -e, --str and -F; see 'man ebrec-query')\n"
		"  --program-text PROGRAM\n"
		"                   the same, the program given on the command line\n"
		"  -F HZ            profile: samples per second on each CPU (default 49)\n"
		"  -I               profile: sample the idle tasks too\n"
		"  --buffer-size N  ring buffer size, a power of two, K/M suffixes (default 8M)\n"
		"  --min-us US      file: record reads/writes/syncs taking at least US (default 1000);\n"
		"                   offcpu: record stretches off CPU of at least US (default 1)\n"
		"  --fs TYPE        file: slow operations on this file system type only (ext4, xfs...;\n"
		"                   default: every file system on a block device)\n"
		"  --call-graph fp|dwarf[,SIZE]\n"
		"                   profile, offcpu, probes' +ustack: how user stacks are walked: by\n"
		"                   frame pointers (fp, the default), or unwound with the objects'\n"
		"                   CFI from a copy of SIZE bytes of stack (dwarf, default 8192, at\n"
		"                   most 16384): whole through code built without frame pointers, at\n"
		"                   a higher cost\n"
		"  --host-name NAME the host's name in the trace (META host.hostname) instead of\n"
		"                   this machine's: what a report of several hosts calls it\n"
		"  --fail-on-loss   exit 1 if any event was lost\n"
		"  --rotate SIZE|DURATION\n"
		"                   write a series of traces into the directory -o DIR/, a new one\n"
		"                   when the current one reaches SIZE (K, M, G; at least 1M) or has\n"
		"                   lasted DURATION (s, m, h, d: 10m is ten minutes, 10M ten MiB);\n"
		"                   each is complete on its own; on a full disk the oldest goes\n"
		"  --keep N         with --rotate: keep the newest N files, removing older ones\n"
		"  --max-disk SIZE  with --rotate: keep the files within SIZE, removing the oldest\n"
		"  --flight-recorder DURATION\n"
		"                   keep only the last DURATION of events, in memory, and write them\n"
		"                   to FILE on SIGUSR1 (--dump), and on exit (then FILE.2.ebr...)\n"
		"  --flight-budget SIZE\n"
		"                   memory for --flight-recorder's events, compressed (default 64M):\n"
		"                   past it the window's oldest part goes (the file says so)\n"
		"  --trigger 'METRIC > LATENCY'\n"
		"                   with --flight-recorder: also write the window around the first\n"
		"                   event whose latency is over LATENCY (ns, us, ms, s), to\n"
		"                   FILE-trigger-TIME.ebr, TIME when it fired; METRIC: biolatency\n"
		"                   (block), runqlat (sched), fsslower (file), offcpu (offcpu);\n"
		"                   repeatable, any of them fires\n"
		"  --trigger-after DURATION\n"
		"                   how much of the window follows the event that fired (ms, s, m;\n"
		"                   default a quarter of the window)\n"
		"  --trigger-holdoff DURATION\n"
		"                   the trigger fires again this long after it fired, not before\n"
		"                   (default the window: the files do not overlap)\n"
		"  --keep N         with --trigger: keep the newest N of its files\n"
		"  --dump PID       ask the flight recorder PID to write its window now\n"
		"  -f               overwrite FILE if it exists\n"
		"  -v               show libbpf's warnings (verifier logs)\n"
		"\n"
		"examples:\n"
		"  ebrec record -o io.ebr -e block -d 10\n"
		"  ebrec record -o build.ebr -- make -j2\n"
		"  ebrec record -o web.ebr --cgroup /system.slice/nginx.service -d 60\n"
		"  ebrec record -o cpu.ebr -e profile --call-graph dwarf -d 10\n"
		"  ebrec record -o - -d 5 | ssh analyst@host 'cat > prod.ebr'\n"
		"  ebrec record -o /var/lib/ebrec/ --rotate 1h --max-disk 10G\n"
		"  ebrec record -o incident.ebr --flight-recorder 5m\n"
		"  ebrec record -o slow-io.ebr --flight-recorder 1m --trigger 'biolatency > 100ms'\n"
		"  ebrec record -e block,tracepoint:signal:signal_generate -- ./server\n"
		"  ebrec record -e ur:/bin/bash:readline --str ur:/bin/bash:readline:retval\n"
		"  ebrec record -o open.ebr --program /usr/sbin/opensnoop.bt -d 60\n");
}

int record_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ebrec record: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see 'ebrec record --help')\n", stderr);
	return 2;
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end || v < 4096 || v > (1ull << 31) || (v & (v - 1)))
		return -1;
	*out = v;
	return 0;
}

/* --call-graph fp | dwarf | dwarf,SIZE: the bytes of user stack to copy (0: fp), or -1. */
static long parse_call_graph(const char *s)
{
	char *end;
	long size;

	if (!strcmp(s, "fp"))
		return 0;
	if (!strcmp(s, "dwarf"))
		return EBR_USTACK_COPY_DEFAULT;
	if (strncmp(s, "dwarf,", 6))
		return -1;
	errno = 0;
	size = strtol(s + 6, &end, 10);
	if (errno || *end || end == s + 6 || size < 8 || size > EBR_USTACK_COPY_MAX || size % 8)
		return -1;
	return size;
}

/*
 * --rotate writes into a directory; --keep and --max-disk bound what it holds. The flight
 * recorder keeps its window in memory, within --flight-budget.
 */
static int check_rotate_options(struct record_opts *o, bool out_given)
{
	if (o->flight_budget && !o->flight_ns)
		return record_usage_error("--flight-budget applies to --flight-recorder");
	if (o->flight_ns && o->rotate)
		return record_usage_error("--flight-recorder and --rotate cannot be combined");
	if (o->flight_ns && !strcmp(o->out, "-"))
		return record_usage_error("--flight-recorder writes its window to a file: -o FILE");
	if (o->flight_ns && !o->flight_budget)
		o->flight_budget = FLIGHT_DEFAULT_BUDGET;
	if (o->trigger.n && !o->flight_ns)
		return record_usage_error("--trigger applies to --flight-recorder");
	if ((o->trigger.after_set || o->trigger.holdoff_set) && !o->trigger.n)
		return record_usage_error("--trigger-after and --trigger-holdoff apply to "
				   "--trigger");
	if (o->trigger.after_set && o->trigger.after_ns > o->flight_ns)
		return record_usage_error("--trigger-after is longer than the --flight-recorder "
				   "window: the event that fired would not be in it");
	if (o->trigger.n && !o->max_disk)
		return 0; /* --keep: how many of the trigger's files */
	if (!o->rotate)
		return o->keep || o->max_disk ?
			       record_usage_error("--keep and --max-disk apply to --rotate (--keep "
					   "also to --trigger)") : 0;
	if (!out_given || !strcmp(o->out, "-"))
		return record_usage_error("--rotate writes a series of files into a directory: "
				   "give it with -o DIR/");
	/* a file ends at the first block past its size: two of them must fit */
	if (o->max_disk && o->rotate_bytes && o->max_disk < 2 * o->rotate_bytes)
		return record_usage_error("--max-disk holds fewer than two files of --rotate %s",
				   o->rotate);
	if (o->max_disk && o->rotate_ns && o->max_disk < 4 * SERIES_MIN_BYTES)
		return record_usage_error("--max-disk with a --rotate DURATION needs at least 4M (a "
				   "file also ends at a quarter of it)");
	return 0;
}

static bool family_selected(const struct recorder *rec, const struct family *f)
{
	for (size_t i = 0; i < rec->nfams; i++)
		if (rec->fams[i] == f)
			return true;
	return false;
}

int record_options_parse(struct record_opts *o, int argc, char **argv)
{
	enum {
		OPT_BUFFER = 256, OPT_FAIL_ON_LOSS, OPT_MIN_US, OPT_FS, OPT_CALL_GRAPH, OPT_COMM,
		OPT_STR, OPT_STACKS, OPT_CGROUP, OPT_ROTATE, OPT_KEEP, OPT_MAX_DISK, OPT_FLIGHT,
		OPT_FLIGHT_BUDGET, OPT_DUMP, OPT_HOST_NAME, OPT_TRIGGER, OPT_TRIGGER_AFTER,
		OPT_TRIGGER_HOLDOFF, OPT_RUN_IN_CGROUP, OPT_SYSCALL_PATH
	};
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "events", required_argument, NULL, 'e' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, 'p' },
		{ "freq", required_argument, NULL, 'F' },
		{ "idle", no_argument, NULL, 'I' },
		{ "buffer-size", required_argument, NULL, OPT_BUFFER },
		{ "fail-on-loss", no_argument, NULL, OPT_FAIL_ON_LOSS },
		{ "min-us", required_argument, NULL, OPT_MIN_US },
		{ "fs", required_argument, NULL, OPT_FS },
		{ "call-graph", required_argument, NULL, OPT_CALL_GRAPH },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "run-in-cgroup", no_argument, NULL, OPT_RUN_IN_CGROUP },
		{ "syscall-path", required_argument, NULL, OPT_SYSCALL_PATH },
		{ "host-name", required_argument, NULL, OPT_HOST_NAME },
		{ "str", required_argument, NULL, OPT_STR },
		{ "stacks", no_argument, NULL, OPT_STACKS },
		{ "rotate", required_argument, NULL, OPT_ROTATE },
		{ "keep", required_argument, NULL, OPT_KEEP },
		{ "max-disk", required_argument, NULL, OPT_MAX_DISK },
		{ "flight-recorder", required_argument, NULL, OPT_FLIGHT },
		{ "flight-budget", required_argument, NULL, OPT_FLIGHT_BUDGET },
		{ "dump", required_argument, NULL, OPT_DUMP },
		{ "trigger", required_argument, NULL, OPT_TRIGGER },
		{ "trigger-after", required_argument, NULL, OPT_TRIGGER_AFTER },
		{ "trigger-holdoff", required_argument, NULL, OPT_TRIGGER_HOLDOFF },
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool out_given = false;
	char *end;
	int c;

	o->out = "trace.ebr";
	o->buffer_size = 8u << 20;
	o->fam.min_us = 1000;
	o->argc = argc;
	o->argv = argv;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:e:d:p:F:Ifvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			out_given = true;
			break;
		case 'e':
			/* empty: the defaults (the service's EBREC_EVENTS= left empty) */
			if (!*optarg)
				break;
			if (o->nevents == ARRAY_SIZE(o->events))
				return record_usage_error("more than %zu -e", ARRAY_SIZE(o->events));
			o->events[o->nevents++] = optarg;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || end == optarg || !(o->duration > 0) || o->duration > 1e9)
				return record_usage_error("-d needs a positive number of seconds, not '%s'",
						   optarg);
			break;
		case 'p':
			o->pid = strtol(optarg, &end, 10);
			if (*end || end == optarg || o->pid <= 0 || o->pid > 0x3fffffff)
				return record_usage_error("-p needs a process id, not '%s'", optarg);
			break;
		case 'F':
			o->freq = strtol(optarg, &end, 10);
			if (*end || end == optarg || o->freq <= 0 || o->freq > 1000000000)
				return record_usage_error("-F needs a frequency in Hz, not '%s'", optarg);
			break;
		case 'I':
			o->fam.idle = true;
			break;
		case OPT_BUFFER:
			if (parse_size(optarg, &o->buffer_size))
				return record_usage_error("--buffer-size needs a power of two from 4K to 2G "
						   "(K/M/G suffixes), not '%s'",
						   optarg);
			break;
		case OPT_MIN_US: {
			unsigned long long us;

			errno = 0;
			us = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || *optarg == '-' || us > 3600000000ull)
				return record_usage_error("--min-us needs microseconds (0 to 3600000000), not "
						   "'%s'", optarg);
			o->fam.min_us = us;
			o->fam.min_us_set = true;
			break;
		}
		case OPT_FS:
			if (!*optarg || strlen(optarg) >= EBR_FS_NAME_LEN || strpbrk(optarg, " /,"))
				return record_usage_error("--fs needs a file system type such as ext4, not "
						   "'%s'", optarg);
			o->fam.fs = optarg;
			break;
		case OPT_CALL_GRAPH: {
			long size = parse_call_graph(optarg);

			if (size < 0)
				return record_usage_error("--call-graph needs fp, dwarf or dwarf,SIZE (bytes, a "
						   "multiple of 8 up to %d), not '%s'",
						   EBR_USTACK_COPY_MAX, optarg);
			o->fam.ustack_copy = (uint32_t)size;
			o->call_graph_set = true;
			break;
		}
		case OPT_COMM:
			if (!*optarg || strlen(optarg) >= EBR_COMM_LEN)
				return record_usage_error("--comm needs a thread name of 1 to %d bytes, "
						   "not '%s'", EBR_COMM_LEN - 1, optarg);
			strcpy(o->generic.comm, optarg);
			break;
		case OPT_CGROUP:
			if (!*optarg)
				return record_usage_error("--cgroup needs a cgroup v2 path");
			o->cgroup = optarg;
			break;
		case OPT_RUN_IN_CGROUP:
			o->run_in_cgroup = true;
			break;
		case OPT_SYSCALL_PATH:
			if (strcmp(optarg, "raw") && strcmp(optarg, "perf"))
				return record_usage_error("--syscall-path is raw or perf, not '%s'",
						   optarg);
			o->generic.syscall_perf = !strcmp(optarg, "perf");
			break;
		case OPT_HOST_NAME:
			if (!*optarg || strlen(optarg) > 255 || strpbrk(optarg, "/ \t\n"))
				return record_usage_error("--host-name needs a name of 1 to 255 bytes "
						   "without '/' or spaces, not '%s'", optarg);
			o->host_name = optarg;
			break;
		case OPT_STR:
			if (o->generic.nstrs == ARRAY_SIZE(o->generic.strs))
				return record_usage_error("more than %zu --str",
						   ARRAY_SIZE(o->generic.strs));
			o->generic.strs[o->generic.nstrs++] = optarg;
			break;
		case OPT_STACKS:
			o->generic.stack_flags = EBR_GEN_KSTACK | EBR_GEN_USTACK;
			break;
		case OPT_FAIL_ON_LOSS:
			o->fail_on_loss = true;
			break;
		case OPT_ROTATE:
			if (series_parse_rotate(optarg, &o->rotate_bytes, &o->rotate_ns) ||
			    (o->rotate_bytes && o->rotate_bytes < SERIES_MIN_BYTES) ||
			    (o->rotate_ns && o->rotate_ns < SERIES_MIN_NS))
				return record_usage_error("--rotate needs a size of at least 1M (K, M, G "
						   "suffixes) or a duration of at least 1s (s, m, h, "
						   "d), not '%s'", optarg);
			o->rotate = optarg;
			break;
		case OPT_KEEP:
			errno = 0;
			o->keep = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || *optarg == '-' || !o->keep)
				return record_usage_error("--keep needs a number of files, not '%s'",
						   optarg);
			break;
		case OPT_FLIGHT: {
			uint64_t bytes;

			if (series_parse_rotate(optarg, &bytes, &o->flight_ns) || !o->flight_ns ||
			    o->flight_ns < SERIES_MIN_NS)
				return record_usage_error("--flight-recorder needs a duration of at least "
						   "1s (s, m, h, d), not '%s'", optarg);
			break;
		}
		case OPT_FLIGHT_BUDGET:
			if (series_parse_size(optarg, &o->flight_budget) ||
			    o->flight_budget < FLIGHT_MIN_BUDGET)
				return record_usage_error("--flight-budget needs a size of at least 4M (K, "
						   "M, G suffixes), not '%s'", optarg);
			break;
		case OPT_DUMP:
			o->dump_pid = optarg;
			break;
		case OPT_TRIGGER: {
			char msg[256];

			if (trigger_parse(&o->trigger, optarg, msg, sizeof(msg)))
				return record_usage_error("%s", msg);
			break;
		}
		case OPT_TRIGGER_AFTER:
		case OPT_TRIGGER_HOLDOFF: {
			bool after = c == OPT_TRIGGER_AFTER;
			uint64_t ns = 0;

			/* 0 holds nothing off: a file per slow event, as asked */
			if (strcmp(optarg, "0") && duration_parse(optarg, &ns))
				return record_usage_error("--trigger-%s needs a duration (ms, s, m, h, "
						   "d), not '%s'", after ? "after" : "holdoff", optarg);
			*(after ? &o->trigger.after_ns : &o->trigger.holdoff_ns) = ns;
			*(after ? &o->trigger.after_set : &o->trigger.holdoff_set) = true;
			break;
		}
		case OPT_MAX_DISK:
			if (series_parse_size(optarg, &o->max_disk) || !o->max_disk)
				return record_usage_error("--max-disk needs a size (K, M, G, T suffixes), "
						   "not '%s'", optarg);
			break;
		case 'f':
			o->force = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			return record_usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return record_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->cmd = argv + optind;
	if (o->run_in_cgroup && (!o->cgroup || !o->cmd))
		return record_usage_error("--run-in-cgroup places COMMAND in --cgroup's cgroup: it "
					  "needs --cgroup PATH and -- COMMAND");
	if (check_rotate_options(o, out_given))
		return 2;
	o->fam.pid = o->pid;
	o->fam.freq = o->freq;
	return 0;
}

/* The kernel's ceiling on perf-event sampling (kernel.perf_event_max_sample_rate), or 0. */
static long kernel_max_sample_rate(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_max_sample_rate", "re");
	long hz = 0;

	if (f) {
		if (fscanf(f, "%ld", &hz) != 1)
			hz = 0;
		fclose(f);
	}
	return hz;
}

/*
 * -F and -I apply to the profile family only. -F above what the kernel samples is refused
 * (it would silently sample less); a rate whose largest stacks could fill the ring between
 * two drains is said, with the --buffer-size that holds them (the losses are counted anyway).
 */
static int check_profile_options(const struct recorder *rec)
{
	long max_hz = kernel_max_sample_rate(), ncpus = libbpf_num_possible_cpus();
	uint64_t per_drain;

	size_t rec_size = rec->o.fam.ustack_copy ? offsetof(struct ebr_rec_stack_copy, data) +
						   rec->o.fam.ustack_copy + EBR_KSTACK_MAX * 8
						 : sizeof(struct ebr_rec_stack);

	if ((rec->o.freq || rec->o.fam.idle) && !family_selected(rec, &profile_family))
		return record_usage_error("-F and -I apply to the profile family, which is not selected");
	if (rec->o.call_graph_set && !family_selected(rec, &profile_family) &&
	    !family_selected(rec, &offcpu_family) && !rec->o.generic.nspecs)
		return record_usage_error("--call-graph applies to the profile and offcpu families "
				   "and to probes' user stacks (+ustack, --stacks), and none is "
				   "selected");
	if (!rec->o.freq)
		return 0;
	if (max_hz > 0 && rec->o.freq > max_hz)
		return record_usage_error("-F %ld is over the %ld Hz this kernel samples at most "
				   "(kernel.perf_event_max_sample_rate)", rec->o.freq, max_hz);
	per_drain = (uint64_t)rec->o.freq * (uint64_t)(ncpus > 0 ? ncpus : 1) *
		    rec_size * RECORD_DRAIN_INTERVAL_US / 1000000;
	if (per_drain > rec->o.buffer_size / 2)
		fprintf(stderr, "ebrec record: warning: at -F %ld on %ld CPUs, full-depth stacks "
				"make up to %llu KiB between two drains of the %zu KiB ring: events "
				"may be lost (counted); --buffer-size %lluM holds them\n",
			rec->o.freq, ncpus, (unsigned long long)(per_drain >> 10),
			rec->o.buffer_size >> 10, (unsigned long long)((per_drain * 2 >> 20) + 1));
	return 0;
}

/* --comm, --str and --stacks apply to generic probes only; a --trigger needs its family. */
static int check_probe_options(const struct recorder *rec)
{
	const struct generic_probes *g = &rec->o.generic;

	for (size_t i = 0; i < rec->o.trigger.n; i++) {
		const struct trigger_cond *c = &rec->o.trigger.conds[i];
		const char *fam = trigger_family(c);
		/* the file family's slow operations and offcpu's spans start at --min-us */
		uint64_t floor_us = !strcmp(fam, "file") ? rec->o.fam.min_us
				    : !strcmp(fam, "offcpu") && rec->o.fam.min_us_set ? rec->o.fam.min_us
										   : 0;

		if (!family_selected(rec, family_find(fam)))
			return record_usage_error("--trigger '%s' reads the %s family's events: "
					   "add -e %s", c->expr, fam, fam);
		if (c->threshold_ns < floor_us * 1000)
			return record_usage_error("--trigger '%s' is below --min-us (%llu us): the %s "
					   "family records nothing shorter; give --min-us %llu",
					   c->expr, (unsigned long long)floor_us, fam,
					   (unsigned long long)(c->threshold_ns / 1000));
	}
	if (!g->nspecs && (g->comm[0] || g->nstrs || g->stack_flags))
		return record_usage_error("--comm, --str and --stacks apply to probes (-e tracepoint:..., "
				   "uprobe:..., usdt:...), and -e names none");
	/* since file left the default, a service's --fs alone would silently do nothing */
	if (rec->o.fam.fs && !family_selected(rec, &file_family))
		return record_usage_error("--fs applies to the file family, which is not selected "
				   "(it is not in the default): add -e file");
	if (rec->o.fam.min_us_set && !family_selected(rec, &file_family) &&
	    !family_selected(rec, &offcpu_family))
		return record_usage_error("--min-us applies to the file and offcpu families, and "
				   "neither is selected (they are not in the default): add -e file "
				   "or -e offcpu");
	return check_profile_options(rec);
}

/* Adds f to the selection once; named: by its own name, so its named_only programs load. */
static void select_family(struct recorder *rec, const struct family *f, bool named)
{
	for (size_t i = 0; i < rec->nfams; i++)
		if (rec->fams[i] == f) {
			rec->fam_named[i] |= named;
			return;
		}
	if (rec->nfams < RECORD_MAX_FAMILIES) {
		rec->fam_named[rec->nfams] = named;
		rec->fams[rec->nfams++] = f;
	}
}

/* The families a recording without -e takes, and -e default names. */
static void select_defaults(struct recorder *rec)
{
	for (size_t i = 0; i < nfamilies; i++)
		if (!families[i]->opt_in)
			select_family(rec, families[i], false);
}

int record_select_families(struct recorder *rec)
{
	struct generic_probes *g = &rec->o.generic;
	char *buf, *save = NULL, *name;
	size_t len = 0;
	int status = 0;

	if (!rec->o.nevents) {
		select_defaults(rec);
		return check_probe_options(rec);
	}
	/* every -e, comma-joined: the probes' texts point into it until the recording ends */
	for (size_t i = 0; i < rec->o.nevents; i++)
		len += strlen(rec->o.events[i]) + 1;
	buf = malloc(len);
	if (!buf) {
		fprintf(stderr, "ebrec record: out of memory\n");
		return 1;
	}
	buf[0] = 0;
	for (size_t i = 0; i < rec->o.nevents; i++)
		strcat(strcat(buf, i ? "," : ""), rec->o.events[i]);
	g->events_buf = buf;
	for (name = strtok_r(buf, ",", &save); name && !status; name = strtok_r(NULL, ",", &save)) {
		const struct family *f;

		if (probe_spec_is_probe(name)) {
			if (g->nspecs == ARRAY_SIZE(g->specs))
				return record_usage_error("-e names more than %zu probes",
						   ARRAY_SIZE(g->specs));
			g->specs[g->nspecs++] = name;
			continue;
		}
		if (!strcmp(name, "default")) {
			select_defaults(rec);
			continue;
		}
		f = family_find(name);
		if (!f)
			return record_usage_error("unknown family '%s' ('ebrec list' shows the "
					   "families and 'default'; a probe is TYPE:..., e.g. "
					   "tracepoint:sched:sched_switch)", name);
		select_family(rec, f, true);
	}
	if (!rec->nfams && !g->nspecs)
		return record_usage_error("-e names no family and no probe");
	return check_probe_options(rec);
}
