// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trace of a recording: what it records (META and the families' snapshots), then the
 * loop that translates what the drain thread hands over, writes the counters and flushes once
 * a second, and at the end the last records, counts and clock pair.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "record/recorder.h"
#include "ebrec.skel.h"

#define FLUSH_INTERVAL_MS 1000 /* at most this much is lost on SIGKILL */

/* The signal that ends the recording: a handler can only reach a file-scope variable. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

void record_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, reported as one */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Probe id among those whose counters are written (once: each file of a series describes). */
static void note_probe(struct recorder *rec, uint32_t id)
{
	for (size_t i = 0; i < rec->nprobes; i++)
		if (rec->probes[i].id == id)
			return;
	if (rec->nprobes < EBR_PROBE_MAX)
		rec->probes[rec->nprobes++].id = id;
}

/* META that says what was recorded: families, their attached tracepoints, probe ids. */
int record_describe(struct recorder *rec, const struct features *feat)
{
	char fams[512] = "", key[64], tps[1024];
	int err = 0;

	for (size_t i = 0; i < rec->nfams && !err; i++) {
		const struct family *f = rec->fams[i];
		struct family_env env = recorder_env(rec, i);

		env.feat = feat;
		snprintf(fams + strlen(fams), sizeof(fams) - strlen(fams), "%s%s", i ? "," : "",
			 f->name);
		tps[0] = 0;
		for (size_t p = 0; p < f->nprogs; p++)
			if (f->progs[p].tracepoint &&
			    family_prog_selected(&f->progs[p], env.named) &&
			    features_has_tracepoint(feat, f->progs[p].tracepoint))
				snprintf(tps + strlen(tps), sizeof(tps) - strlen(tps), "%s%s",
					 tps[0] ? "," : "", f->progs[p].tracepoint);
		snprintf(key, sizeof(key), "family.%s.tracepoints", f->name);
		if (tps[0])
			err = errno_of_ebr(ebr_writer_meta(rec->w, key, tps));
		for (size_t p = 0; p < f->nprobes && !err; p++) {
			snprintf(key, sizeof(key), "probe.%u", f->probes[p].id);
			err = errno_of_ebr(ebr_writer_meta(rec->w, key, f->probes[p].name));
			note_probe(rec, f->probes[p].id);
		}
		if (!err && f->snapshot)
			err = f->snapshot(&env);
	}
	/* the generic probes, which the probes view reads, as a family of their own */
	if (rec->o.generic.n)
		snprintf(fams + strlen(fams), sizeof(fams) - strlen(fams), "%sprobes",
			 fams[0] ? "," : "");
	err = err ?: generic_describe(&rec->o.generic, rec->w);
	for (size_t i = 0; i < rec->o.generic.n; i++)
		note_probe(rec, generic_probe_id(i));
	if (!err)
		err = errno_of_ebr(ebr_writer_meta(rec->w, "record.families", fams));
	if (!err && rec->o.pid) {
		snprintf(key, sizeof(key), "%ld", rec->o.pid);
		err = errno_of_ebr(ebr_writer_meta(rec->w, "record.pid_filter", key));
	}
	if (!err && rec->cgroup_id) {
		snprintf(key, sizeof(key), "%llu", (unsigned long long)rec->cgroup_id);
		err = errno_of_ebr(ebr_writer_meta(rec->w, "record.cgroup_filter",
						   rec->cgroup_path));
		err = err ?: errno_of_ebr(ebr_writer_meta(rec->w, "record.cgroup_filter_id", key));
	}
	if (!err) {
		snprintf(key, sizeof(key), "%zu", rec->o.buffer_size);
		err = errno_of_ebr(ebr_writer_meta(rec->w, "record.buffer_size", key));
	}
	return err;
}

/*
 * Writes one ebr.counts event per probe whose counters moved since the last one, stamped now;
 * at the end of a file (final) one for every probe, so that a trace says "0 lost" of each
 * probe it recorded.
 */
static int write_counts(struct recorder *rec, uint64_t now, bool final)
{
	struct ebr_probe_counters *vals = calloc((size_t)rec->ncpus, sizeof(*vals));
	uint64_t lost_user[EBR_PROBE_MAX];
	int map_fd = bpf_map__fd(rec->skel->maps.ebr_counters);
	int err = 0;

	if (!vals)
		return -ENOMEM;
	drain_totals(&rec->drain, lost_user, &rec->drain_malformed);
	for (size_t i = 0; i < rec->nprobes && !err; i++) {
		struct probe_state *p = &rec->probes[i];
		struct ebr_value v[EBR_BUILD_FIELDS] = { 0 };
		uint64_t emitted = 0, lost_rb = 0, lost_map = 0;
		uint32_t key = p->id;

		if (bpf_map_lookup_elem(map_fd, &key, vals) == 0)
			for (int c = 0; c < rec->ncpus; c++) {
				emitted += vals[c].emitted;
				lost_rb += vals[c].lost_ringbuf;
				lost_map += vals[c].lost_map;
			}
		v[EBR_F_COUNTS_PROBE].u = p->id;
		v[EBR_F_COUNTS_EMITTED].u = emitted - p->emitted;
		v[EBR_F_COUNTS_LOST_RINGBUF].u = lost_rb - p->lost_ringbuf;
		v[EBR_F_COUNTS_LOST_MAP].u = lost_map - p->lost_map;
		v[EBR_F_COUNTS_LOST_USER].u = lost_user[p->id] - p->lost_user;
		if (!final && !v[EBR_F_COUNTS_EMITTED].u && !v[EBR_F_COUNTS_LOST_RINGBUF].u &&
		    !v[EBR_F_COUNTS_LOST_MAP].u && !v[EBR_F_COUNTS_LOST_USER].u)
			continue;
		err = errno_of_ebr(ebr_writer_event(rec->w, EBR_EV_COUNTS, now, 0, v));
		p->emitted = emitted;
		p->lost_ringbuf = lost_rb;
		p->lost_map = lost_map;
		p->lost_user = lost_user[p->id];
	}
	free(vals);
	return err;
}

/*
 * Runs the kernel skipped are not counted per probe (a program serves several) nor in "lost":
 * a skipped run may have been one its filter would have dropped. Said apart, when there are.
 */
void record_print_missed(const struct recorder *rec)
{
	if (rec->cpu.bpf_missed)
		fprintf(stderr, "ebrec: the kernel skipped %llu runs of the BPF programs (a probe "
				"fired while one of them already ran on that CPU): what they would "
				"have recorded is missing (ebrec info: missed runs)\n",
			(unsigned long long)rec->cpu.bpf_missed);
}

/* The families' counters kept in maps (cachestat's), as events. */
int record_samples(struct recorder *rec, uint64_t now)
{
	int err = 0;

	for (size_t i = 0; i < rec->nfams && !err; i++) {
		struct family_env env = recorder_env(rec, i);

		if (rec->fams[i]->sample)
			err = rec->fams[i]->sample(&env, now);
	}
	return err;
}

uint64_t record_total_lost(const struct recorder *rec)
{
	uint64_t n = 0;

	for (size_t i = 0; i < rec->nprobes; i++)
		n += rec->probes[i].lost_ringbuf + rec->probes[i].lost_map + rec->probes[i].lost_user;
	return n;
}

static int write_chunk(struct recorder *rec, const struct drain_chunk *c)
{
	size_t off = 0;

	while (c->len - off >= sizeof(struct ebr_rec_hdr)) {
		const struct ebr_rec_hdr *h = (const void *)(c->data + off);
		const struct record_kind *k = record_kind_find(h->type);
		int err;

		if (h->size < sizeof(*h) || h->size > c->len - off) {
			rec->malformed++;
			break;
		}
		off += (h->size + 7u) & ~7u;
		if (!k || !record_kind_fits(k, h->size)) {
			rec->malformed++;
			continue;
		}
		/* the ring is in reservation order: measure how far time order departs from it */
		if (h->ts < rec->last_ts && rec->last_ts - h->ts > rec->max_inversion)
			rec->max_inversion = rec->last_ts - h->ts;
		if (h->ts > rec->last_ts)
			rec->last_ts = h->ts;
		err = k->translate(&rec->tctx, h, h->size);
		if (err)
			return err;
		rec->written++;
	}
	return 0;
}

void record_print_status(const struct recorder *rec, bool final, uint64_t prev_written,
			 double dt)
{
	/* at the end, the span recorded: not the symbol resolution after it */
	uint64_t until = final && rec->t_end.mono ? rec->t_end.mono : host_monotonic_ns();
	double elapsed = (double)(until - rec->t_start) / 1e9;
	double bytes = (double)(rec->w ? ebr_writer_bytes(rec->w) : rec->bytes);
	bool kib = bytes < (1 << 20);
	double size = bytes / (kib ? 1024 : 1 << 20);
	const char *name = rec->to_stdout ? "stdout" : rec->o.out;
	const struct own_cpu *c = &rec->cpu, *p = &rec->cpu_prev;
	double own_ns = (double)(c->user_ns + c->system_ns);

	if (!final) {
		double cpu = own_ns - (double)(p->user_ns + p->system_ns);

		fprintf(stderr, "\r\033[Kebrec: %.0fs  %.0f events/s  %.1f %s written  %llu lost  "
				"cpu %.1f%%",
			elapsed, dt > 0 ? (double)(rec->written - prev_written) / dt : 0.0, size,
			kib ? "KiB" : "MiB", (unsigned long long)record_total_lost(rec),
			dt > 0 ? cpu / dt / 1e7 : 0.0);
		if ((c->bpf_stats || c->bpf_runs) && dt > 0)
			fprintf(stderr, "  bpf %.1f%%",
				(double)(c->bpf_run_ns - p->bpf_run_ns) / dt / 1e7);
		return;
	}
	/* a flight recorder's bytes are its segments', in memory; its files said themselves */
	if (rec->flying) {
		fprintf(stderr, "ebrec: recorded %llu events in %.1fs (%.0f/s), %llu lost; %u "
				"window%s written", (unsigned long long)rec->written, elapsed,
			elapsed > 0 ? (double)rec->written / elapsed : 0.0,
			(unsigned long long)record_total_lost(rec), rec->flight.ndumps,
			rec->flight.ndumps == 1 ? "" : "s");
		if (rec->trigger.spec)
			fprintf(stderr, ", %u by the trigger", rec->trigger.nfired);
		fputc('\n', stderr);
		return;
	}
	if (rec->rotating) {
		fprintf(stderr, "ebrec: recorded %llu events in %.1fs (%.0f/s) to %llu files in "
			"%s/ (the last %zu kept), %llu lost\n", (unsigned long long)rec->written,
			elapsed, elapsed > 0 ? (double)rec->written / elapsed : 0.0,
			(unsigned long long)rec->nfile + 1, rec->series.dir, rec->series.nfiles + 1,
			(unsigned long long)record_total_lost(rec));
		return;
	}
	fprintf(stderr, "ebrec: recorded %llu events in %.1fs (%.0f/s) to %s: %.1f %s, %llu lost; "
			"recorder cpu %.2fs (%.1f%%)",
		(unsigned long long)rec->written, elapsed,
		elapsed > 0 ? (double)rec->written / elapsed : 0.0, name, size, kib ? "KiB" : "MiB",
		(unsigned long long)record_total_lost(rec), own_ns / 1e9,
		elapsed > 0 ? own_ns / elapsed / 1e7 : 0.0);
	if (c->bpf_stats || c->bpf_runs)
		fprintf(stderr, ", bpf %.2fs", (double)c->bpf_run_ns / 1e9);
	fputc('\n', stderr);
}

void record_span_begin(struct recorder *rec)
{
	__atomic_store_n(&rec->skel->bss->ebr_recording, 1, __ATOMIC_SEQ_CST);
	rec->t_start = host_monotonic_ns();
}

void record_span_end(struct recorder *rec)
{
	__atomic_store_n(&rec->skel->bss->ebr_recording, 0, __ATOMIC_SEQ_CST);
	host_clocks_now(&rec->t_end);
	rec->stacks.span_end_ns = rec->t_end.mono;
}

/* The writer loop: runs until a signal, -d, or the end of COMMAND. */
int record_loop(struct recorder *rec)
{
	bool tty = isatty(STDERR_FILENO);
	uint64_t deadline = rec->o.duration > 0 ? rec->t_start + (uint64_t)(rec->o.duration * 1e9)
						: UINT64_MAX;
	uint64_t next_flush = rec->t_start + FLUSH_INTERVAL_MS * 1000000ull;
	uint64_t prev_written = 0, prev_t = rec->t_start;
	int err = 0;

	own_cpu_read(rec->skel, &rec->cpu); /* the status line's CPU is the loop's, not loading's */
	while (!err && !stop_signal && host_monotonic_ns() < deadline &&
	       !record_child_finished(rec)) {
		struct drain_chunk *c = drain_pop(&rec->drain, 50);
		uint64_t now;

		if (c) {
			err = write_chunk(rec, c);
			drain_recycle(&rec->drain, c);
		}
		now = host_monotonic_ns();
		if (!err && now >= next_flush) {
			err = record_samples(rec, now);
			err = err ?: stack_symbols_prune(&rec->stacks, rec->w, rec->last_ts);
			err = err ?: write_counts(rec, now, false);
			if (rec->rotating)
				series_trim(&rec->series, ebr_writer_bytes(rec->w));
			err = err ?: errno_of_ebr(ebr_writer_flush(rec->w));
			rec->cpu_prev = rec->cpu;
			own_cpu_read(rec->skel, &rec->cpu);
			if (tty)
				record_print_status(rec, false, prev_written,
						    (double)(now - prev_t) / 1e9);
			prev_written = rec->written;
			prev_t = now;
			next_flush = now + FLUSH_INTERVAL_MS * 1000000ull;
		}
		if (!err && rec->rotating &&
		    series_due(&rec->series, rec->file_start, now, ebr_writer_bytes(rec->w)))
			err = record_rotate(rec);
		if (!err && rec->flying && flight_due(&rec->flight, rec->file_start, now)) {
			rec->seam_unread = true;
			err = record_rotate(rec);
			rec->seam_unread = false;
		}
		if (!err && rec->flying && flight_dump_asked())
			err = flight_dump(rec);
		if (!err && rec->flying && trigger_due(&rec->trigger, now))
			err = flight_trigger_dump(rec);
	}
	if (tty)
		fputs("\r\033[K", stderr);
	return err;
}

int record_file_tail(struct recorder *rec, const struct host_clocks *end)
{
	uint64_t malformed;
	char buf[32];
	int err;

	err = record_samples(rec, end->mono);
	/*
	 * The last counts are of the span: stamped with its end, not the detach's; and read
	 * before the symbols are resolved, which takes a while (at a seam the probes still run).
	 */
	err = err ?: write_counts(rec, end->mono, true);
	for (size_t i = 0; i < rec->nfams && !err; i++) {
		struct family_env env = recorder_env(rec, i);

		env.end_ns = end->mono;
		env.end_unread = rec->seam_unread;
		if (rec->fams[i]->finish)
			err = rec->fams[i]->finish(&env);
	}
	/* the generic probes' stacks (a stack family's finish has written them already) */
	if (!err && generic_has_stacks(&rec->o.generic))
		err = stack_symbols_write(&rec->stacks, rec->w);
	err = err ?: host_clock_pair_of(rec->w, "end", end);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)rec->max_inversion);
	err = err ?: errno_of_ebr(ebr_writer_meta(rec->w, "record.max_reorder_ns", buf));
	rec->max_inversion = 0;
	/* the last thing measured: the end's symbol resolution is the recorder's too */
	own_cpu_read(rec->skel, &rec->cpu);
	err = err ?: own_cpu_meta(rec->w, &rec->cpu, rec->missed_written);
	rec->missed_written = rec->cpu.bpf_missed;
	rec->malformed += rec->tctx.malformed;
	rec->tctx.malformed = 0;
	/* this file's own: a series' earlier files said theirs */
	malformed = rec->malformed + rec->drain_malformed - rec->malformed_written;
	rec->malformed_written += malformed;
	if (!err && malformed) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)malformed);
		err = errno_of_ebr(ebr_writer_meta(rec->w, "record.malformed_records", buf));
	}
	/* again at its end: a file removed for space while this one was written is named */
	if (!err && rec->rotating)
		err = errno_of_ebr(series_meta(&rec->series, rec->w));
	return err;
}

/* Writes the chunks the drain thread has queued, without waiting for more. */
static int write_queued(struct recorder *rec)
{
	struct drain_chunk *c;
	int err = 0;

	while (!err && (c = drain_pop(&rec->drain, 0))) {
		err = write_chunk(rec, c);
		drain_recycle(&rec->drain, c);
	}
	return err;
}

int record_catch_up(struct recorder *rec)
{
	drain_sync(&rec->drain);
	return write_queued(rec);
}

/* Detach, then take everything the probes handed over before that, then the last counts. */
int record_finish(struct recorder *rec)
{
	struct timespec settle = { 0, 20 * 1000000L };
	int err;

	record_detach(rec);
	nanosleep(&settle, NULL); /* programs that were running finish their submit */
	drain_stop(&rec->drain);
	err = write_queued(rec);
	err = err ?: record_file_tail(rec, &rec->t_end);
	/* a reader tells a whole series by its first file (seq 0) and this one */
	if (!err && rec->rotating)
		err = errno_of_ebr(ebr_writer_meta(rec->w, "series.last", "1"));
	return err;
}
