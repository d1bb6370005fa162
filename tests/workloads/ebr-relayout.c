// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes a trace again through format/'s writer, its events in rows or in columns, for
 * tests/e2e/test_columns.py: every report of a trace must come out the same from its copy
 * in either layout.
 *
 *   ebr-relayout rows|columns IN.ebr OUT.ebr
 *
 * The copy holds IN's META (each key once, with its last value, before the first event),
 * IN's schema (the types IN describes keep their names and fields) and IN's events in IN's
 * order, with the values this build's reader gives them (a field that IN's minor version
 * lacks is written as the 0 or "" a reader gives it).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "format/ebr.h"

struct described {
	struct ebr_event_def *defs;
	uint32_t n;
	uint32_t *file_ids; /* the file's id of each */
};

/* The types IN describes (no compiled-in type of their name), as the writer takes them. */
static int describe(const struct ebr_reader *r, struct described *d)
{
	uint32_t n = ebr_reader_type_count(r);

	d->defs = calloc(n ? n : 1, sizeof(*d->defs));
	d->file_ids = calloc(n ? n : 1, sizeof(*d->file_ids));
	if (!d->defs || !d->file_ids)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		struct ebr_event_def *def = &d->defs[d->n];
		uint32_t id, nf;
		const char *name;

		if (ebr_reader_type_at(r, i, &id, &name, &nf) || id < EBR_DYN_TYPE_BASE)
			continue;
		struct ebr_field_def *f = calloc(nf ? nf : 1, sizeof(*f));

		if (!f)
			return -1;
		for (uint32_t k = 0; k < nf; k++)
			ebr_reader_type_field(r, i, k, &f[k].name, &f[k].kind);
		def->name = name;
		def->nfields = nf;
		def->fields = f;
		d->file_ids[d->n++] = id;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ebr_writer_opts opts = { 0 };
	struct ebr_fd_source fs;
	struct ebr_source src;
	struct ebr_sink sink;
	struct ebr_reader *r = NULL, *meta = NULL;
	struct ebr_writer *w = NULL;
	struct described d = { 0 };
	const struct ebr_event *ev;
	char msg[256];
	int in, out, err, rc;

	if (argc != 4 || (strcmp(argv[1], "rows") && strcmp(argv[1], "columns"))) {
		fprintf(stderr, "usage: ebr-relayout rows|columns IN.ebr OUT.ebr\n");
		return 2;
	}
	in = open(argv[2], O_RDONLY);
	if (in < 0) {
		perror(argv[2]);
		return 1;
	}
	/* META is whole once every block is read: a first pass for it, a second for events */
	ebr_source_fd(&src, &fs, in);
	if (ebr_reader_open(&meta, &src, msg, sizeof(msg))) {
		fprintf(stderr, "ebr-relayout: %s: %s\n", argv[2], msg);
		return 1;
	}
	while ((rc = ebr_reader_next(meta, &ev)) > 0)
		;
	if (lseek(in, 0, SEEK_SET) || ebr_reader_open(&r, &src, msg, sizeof(msg))) {
		fprintf(stderr, "ebr-relayout: %s: cannot read it twice\n", argv[2]);
		return 1;
	}
	if (describe(r, &d)) {
		fprintf(stderr, "ebr-relayout: out of memory\n");
		return 1;
	}
	out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0) {
		perror(argv[3]);
		return 1;
	}
	ebr_sink_fd(&sink, &out);
	opts.layout = strcmp(argv[1], "rows") ? EBR_LAYOUT_COLUMNS : EBR_LAYOUT_ROWS;
	opts.dyn_types = d.defs;
	opts.ndyn_types = d.n;
	err = ebr_writer_new(&w, &sink, &opts);
	for (uint32_t i = 0; !err && i < ebr_reader_meta_count(meta); i++) {
		const char *key, *value;

		ebr_reader_meta_at(meta, i, &key, &value);
		err = ebr_writer_meta(w, key, value);
	}
	while (!err && (rc = ebr_reader_next(r, &ev)) > 0) {
		if (ev->type != EBR_EV_UNKNOWN) {
			err = ebr_writer_event(w, ev->type, ev->ts, ev->cpu, ev->v);
			continue;
		}
		uint32_t k = 0;

		while (k < d.n && d.file_ids[k] != ev->file_type)
			k++;
		err = k < d.n ? ebr_writer_event(w, EBR_DYN_TYPE_BASE + k, ev->ts, ev->cpu, ev->raw)
			      : EBR_E_INVALID;
	}
	if (!err && (rc < 0 || ebr_reader_problem_count(r)))
		err = EBR_E_CORRUPT; /* a copy of a damaged trace would not be the same trace */
	if (err)
		ebr_writer_abandon(w);
	else
		err = ebr_writer_close(w);
	ebr_reader_close(r);
	ebr_reader_close(meta);
	if (err || close(out)) {
		fprintf(stderr, "ebr-relayout: writing %s failed: %s\n", argv[3], ebr_strerror(err));
		return 1;
	}
	return 0;
}
