// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec record`: load the selected families, drain their ring buffer on one thread, and on
 * this one translate records into trace events, account for losses and write the file. The
 * parts: record/recorder.h.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include "record/recorder.h"
#include "ebrec.skel.h"

#define QUEUE_LIMIT (256u << 20) /* raw records waiting for the writer */

/* -v: libbpf's print callback takes no context, so the choice lives at file scope. */
static bool libbpf_verbose;
static bool libbpf_btf_dropped;

bool record_libbpf_dropped_btf(void)
{
	return libbpf_btf_dropped;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/*
	 * libbpf 1.1 goes on without the programs' BTF when its probe of the kernel fails, or
	 * the kernel refuses the BTF it built, as both do when an allocation fails in it (one
	 * it does not check corrupts the BTF); the maps that need BTF then fail with EINVAL.
	 */
	if (strstr(fmt, "doesn't support BTF") || strstr(fmt, "Error loading .BTF into kernel"))
		libbpf_btf_dropped = true;
	if (!libbpf_verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int open_output(struct recorder *rec)
{
	const char *path = rec->o.out;
	int err;

	if (rec->rotating) {
		struct host_clocks now;

		rec->series.rotate_arg = rec->o.rotate;
		rec->series.rotate_bytes = rec->o.rotate_bytes;
		rec->series.rotate_ns = rec->o.rotate_ns;
		rec->series.keep = rec->o.keep;
		rec->series.max_disk = rec->o.max_disk;
		host_clocks_now(&now);
		err = series_init(&rec->series, path);
		err = err ?: series_file_create(&rec->series, now.real);
		rec->created = !err;
		return err;
	}
	if (rec->flying) {
		/* written at the first dump: refused now rather than then */
		if (!rec->o.force && access(path, F_OK) == 0) {
			fprintf(stderr, "ebrec record: %s exists: use -f to overwrite it or -o to "
					"choose another file\n", path);
			return -EEXIST;
		}
		rec->flight.window_ns = rec->o.flight_ns;
		rec->flight.budget = rec->o.flight_budget;
		flight_catch_signal();
		trigger_init(&rec->trigger, &rec->o.trigger, rec->o.flight_ns);
		if (rec->trigger.spec)
			rec->tctx.trigger = &rec->trigger;
		return flight_segment_begin(&rec->flight, host_monotonic_ns());
	}
	if (!strcmp(path, "-")) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "ebrec record: refusing to write a binary trace to a "
					"terminal: redirect stdout or use -o FILE\n");
			return -ENOTTY;
		}
		rec->fd = STDOUT_FILENO;
		rec->to_stdout = true;
		return 0;
	}
	rec->fd = ebr_trace_create(path, rec->o.force);
	if (rec->fd < 0) {
		struct stat st;

		err = -errno;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			fprintf(stderr, "ebrec record: %s is a directory: -o names the trace file to "
					"write (e.g. -o %s/trace.ebr)\n", path, path);
		else if (err == -EEXIST)
			fprintf(stderr, "ebrec record: %s exists: use -f to overwrite it or -o to "
					"choose another file\n", path);
		else
			fprintf(stderr, "ebrec record: cannot create %s (mode 0600): %s\n", path,
				strerror(-err));
		return err;
	}
	rec->created = true;
	return 0;
}

static void write_failed(const struct recorder *rec, int err)
{
	char series_file[SERIES_PATH_MAX];
	const char *name = rec->to_stdout ? "stdout" : rec->o.out;

	if (rec->rotating) {
		series_path(&rec->series, rec->series.cur, series_file);
		name = series_file;
	}
	fprintf(stderr, "ebrec record: writing %s failed: %s; the trace holds every block "
			"written before\n", name, strerror(-err));
}

int record_trace_begin(struct recorder *rec)
{
	struct ebr_writer_opts opts = { .dyn_types = rec->o.generic.defs,
					.ndyn_types = (uint32_t)rec->o.generic.n };
	struct ebr_sink sink; /* the writer keeps a copy */
	int err;

	if (rec->rotating)
		series_sink(&rec->series, &sink);
	else if (rec->flying)
		flight_sink(&rec->flight, &sink);
	else
		ebr_sink_fd(&sink, &rec->fd);
	err = errno_of_ebr(ebr_writer_new(&rec->w, &sink, &opts));
	if (err)
		return err;
	rec->tctx.writer = rec->w;
	rec->tctx.stacks = &rec->stacks;
	rec->stacks.u.meanwhile = record_read_queued_maps;
	rec->stacks.u.meanwhile_arg = rec;
	rec->tctx.generic = &rec->o.generic;
	rec->tctx.cgroups = &rec->cgroups;
	/* a later file begins at the seam, whatever the end of the one before took */
	if (rec->nfile)
		cgroup_names_forget(&rec->cgroups);
	err = host_snapshot(rec->w, rec->o.host_name, rec->o.argc, rec->o.argv,
			    rec->nfile ? &rec->seam : NULL);
	if (!err && rec->rotating)
		err = errno_of_ebr(series_meta(&rec->series, rec->w));
	err = err ?: record_describe(rec, rec->feat);
	/* kallsyms for the generic probes' stacks too (the stack families read it themselves) */
	if (!err && generic_has_stacks(&rec->o.generic))
		err = stack_symbols_start(&rec->stacks, rec->w, &rec->o.fam);
	/* a later file of a series names its own stacks */
	if (!err && rec->nfile)
		err = stack_symbols_next_file(&rec->stacks, rec->w);
	return err ?: errno_of_ebr(ebr_writer_flush(rec->w));
}

int record_trace_end(struct recorder *rec)
{
	int err = errno_of_ebr(ebr_writer_flush(rec->w));

	rec->bytes = ebr_writer_bytes(rec->w);
	if (!err) {
		err = errno_of_ebr(ebr_writer_close(rec->w));
		rec->w = NULL;
	}
	return err;
}

/* The last file of a series closed; --max-disk holds with it too. */
static void finish_series(struct recorder *rec, int *status)
{
	struct series *s = &rec->series;

	if (s->fd >= 0) {
		if (close(s->fd) != 0 && *status == 0) {
			fprintf(stderr, "ebrec record: closing %s/%s failed: %s\n", s->dir, s->cur,
				strerror(errno));
			*status = 1;
		}
		s->fd = -1;
		if (*status && rec->created && !rec->started) {
			char path[SERIES_PATH_MAX];

			series_path(s, s->cur, path);
			unlink(path);
		} else {
			series_trim(s, rec->bytes);
		}
	}
	series_release(s);
}

static int exit_status(const struct recorder *rec, int status)
{
	int child = record_child_status(rec);

	if (status)
		return status;
	if (rec->o.fail_on_loss && record_total_lost(rec)) {
		fprintf(stderr, "ebrec record: %llu events were lost (--fail-on-loss): try a bigger "
				"--buffer-size\n", (unsigned long long)record_total_lost(rec));
		return 1;
	}
	return child >= 0 ? child : 0;
}

int cmd_record(int argc, char **argv)
{
	struct recorder rec = { .fd = -1, .go_fd = -1, .cgroups.mount_fd = -1 };
	struct features *feat = NULL;
	char msg[256];
	int status, err;

	/*
	 * the drain's 1 MiB chunks mapped and unmapped each: what a backlog took goes back once
	 * written (glibc's threshold, left to itself, rises after the first such free and keeps
	 * them in the heap: the peak of a backlog would stay resident for the rest of a long run)
	 */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
	status = record_options_parse(&rec.o, argc, argv);
	if (status)
		return status == 1 ? 0 : status;
	if (rec.o.dump_pid)
		return flight_ask_dump(rec.o.dump_pid);
	status = record_select_families(&rec);
	if (status) {
		generic_probes_free(&rec.o.generic);
		return status;
	}
	status = 1;
	libbpf_verbose = rec.o.verbose;
	libbpf_set_print(libbpf_print);
	if (preflight_check(msg, sizeof(msg)) || features_open(&feat, msg, sizeof(msg))) {
		fprintf(stderr, "ebrec record: %s\n", msg);
		generic_probes_free(&rec.o.generic);
		return 1;
	}
	if (rec.o.cmd && record_child_check(&rec)) {
		status = 127; /* as a shell says a command it cannot run */
		goto cleanup;
	}
	/* the probes -e names, found on this system before anything is loaded */
	status = generic_resolve(&rec.o.generic);
	if (status)
		goto cleanup;
	status = 1;
	if (rec.o.pid && kill((pid_t)rec.o.pid, 0) != 0 && errno == ESRCH) {
		fprintf(stderr, "ebrec record: no process %ld\n", rec.o.pid);
		goto cleanup;
	}
	cgroup_names_open(&rec.cgroups);
	if (rec.o.cgroup) {
		if (cgroup_resolve(&rec.cgroups, rec.o.cgroup, rec.cgroup_path,
				   sizeof(rec.cgroup_path), &rec.cgroup_id, &rec.cgroup_level))
			goto cleanup;
		rec.o.fam.cgroup = rec.cgroup_path;
	}
	rec.ncpus = libbpf_num_possible_cpus();
	if (rec.ncpus <= 0) {
		fprintf(stderr, "ebrec record: cannot count the possible CPUs\n");
		goto cleanup;
	}
	rec.feat = feat;
	rec.rotating = rec.o.rotate != NULL;
	rec.flying = rec.o.flight_ns != 0;
	rec.series.fd = -1;
	/* titles are written when they differ from the arguments it holds (proc.title) */
	rec.tctx.procs = &rec.procs;
	if (open_output(&rec))
		goto cleanup;
	record_catch_signals();
	if (rec.o.cmd && record_child_spawn(&rec))
		goto cleanup;
	if (record_load(&rec, feat))
		goto cleanup;

	record_span_begin(&rec);
	rec.file_start = rec.t_start;
	err = record_trace_begin(&rec);
	if (err) {
		write_failed(&rec, err);
		goto cleanup;
	}
	if (record_drop_privileges(&rec))
		goto cleanup;
	err = drain_start(&rec.drain, bpf_map__fd(rec.skel->maps.ebr_ring),
			  &rec.skel->bss->ebr_drain_wake_at, QUEUE_LIMIT, RECORD_DRAIN_INTERVAL_US);
	if (err) {
		/* pthread_create's EAGAIN: no memory for the thread, or the thread limit */
		fprintf(stderr, "ebrec record: cannot start draining the ring buffer: %s%s\n",
			strerror(-err), err == -EAGAIN ? " (out of memory or of threads)" : "");
		goto cleanup;
	}
	rec.started = true;
	err = record_samples(&rec, rec.t_start); /* the baseline of map counters */
	if (err) {
		write_failed(&rec, err);
		goto cleanup;
	}
	record_child_go(&rec);

	err = record_loop(&rec);
	record_span_end(&rec);
	err = err ?: record_finish(&rec);
	err = err ?: record_trace_end(&rec);
	if (err) {
		write_failed(&rec, err);
		goto cleanup;
	}
	if (rec.flying) {
		flight_segment_end(&rec.flight, rec.t_end.mono);
		/* a trigger that fired: its window, cut by the end */
		if (rec.trigger.pending && flight_trigger_write(&rec, rec.t_end.mono))
			goto cleanup;
		if (flight_write(&rec, rec.t_end.mono))
			goto cleanup;
	}
	record_print_status(&rec, true, 0, 0);
	record_print_missed(&rec);
	status = 0;
cleanup:
	record_detach(&rec);
	if (rec.drain.rb)
		drain_free(&rec.drain);
	ebr_writer_abandon(rec.w);
	record_child_stop(&rec);
	record_unload(&rec);
	generic_probes_free(&rec.o.generic);
	cgroup_names_close(&rec.cgroups);
	features_close(feat);
	if (rec.fd >= 0 && !rec.to_stdout) {
		if (close(rec.fd) != 0 && status == 0) {
			fprintf(stderr, "ebrec record: closing %s failed: %s\n", rec.o.out,
				strerror(errno));
			status = 1;
		}
		/* a file holding nothing at all is no use to anyone */
		if (status && rec.created && !rec.started)
			unlink(rec.o.out);
	}
	if (rec.rotating)
		finish_series(&rec, &status);
	flight_free(&rec.flight);
	trigger_free(&rec.trigger);
	proc_table_free(&rec.procs);
	return exit_status(&rec, status);
}
