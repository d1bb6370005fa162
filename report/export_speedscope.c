// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec export --format speedscope`: the profile or offcputime stacks in speedscope's JSON
 * (https://www.speedscope.app/file-format-schema.json): "sampled" profiles, one a process
 * (--merged: one of every process, each stack under its process's name), a sample a distinct
 * named stack (analyze/stackprof.h, merged by names as the folded lines) root first, its
 * weight its samples (unit "none") or its time off CPU ("nanoseconds"). Frames are shared,
 * listed once at the end (JSON objects are unordered), their indices given as stacks need
 * them.
 */
#include <stdlib.h>
#include <string.h>
#include "report/export.h"
#include "report/idtab.h"
#include "report/json.h"

struct speedscope {
	struct stackprof p;
	struct idtab frames;
	struct json j;
	int err;
};

static int sample_frame(void *ctx, const char *name, bool kernel)
{
	struct speedscope *x = ctx;
	uint32_t id;
	int err = idtab_id(&x->frames, name, strlen(name), &id, NULL);

	(void)kernel;
	if (err)
		return x->err = err;
	json_u64(&x->j, NULL, id);
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	const struct stackprof_stack *x = *(const struct stackprof_stack *const *)a;
	const struct stackprof_stack *y = *(const struct stackprof_stack *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->value != y->value ? (x->value > y->value ? -1 : 1) : strcmp(x->comm, y->comm);
}

/* One profile of the stacks [from, to) of order. */
static void write_profile(struct speedscope *x, const struct stackprof_stack *const *order,
			  uint32_t from, uint32_t to, bool merged)
{
	bool cpu = x->p.o.kind == STACKPROF_CPU;
	uint64_t total = 0;
	char name[64];

	for (uint32_t i = from; i < to; i++)
		total += order[i]->value;
	if (merged)
		snprintf(name, sizeof(name), "all processes");
	else
		snprintf(name, sizeof(name), "%s (%u)", order[from]->comm, order[from]->pid);
	json_object_begin(&x->j, NULL);
	json_str(&x->j, "type", "sampled");
	json_str(&x->j, "name", name);
	json_str(&x->j, "unit", cpu ? "none" : "nanoseconds");
	json_u64(&x->j, "startValue", 0);
	json_u64(&x->j, "endValue", total);
	json_array_begin(&x->j, "samples");
	for (uint32_t i = from; i < to && !x->err; i++) {
		json_array_begin(&x->j, NULL);
		if (merged) {
			char proc[64];

			/* merged: the process is the root frame */
			snprintf(proc, sizeof(proc), "%s (%u)", order[i]->comm, order[i]->pid);
			sample_frame(x, proc, false);
		}
		stackprof_walk_root_first(&x->p, order[i], sample_frame, x);
		json_array_end(&x->j);
	}
	json_array_end(&x->j);
	json_array_begin(&x->j, "weights");
	for (uint32_t i = from; i < to; i++)
		json_u64(&x->j, NULL, order[i]->value);
	json_array_end(&x->j);
	json_object_end(&x->j);
}

static int write_file(void *ctx, struct export_job *job)
{
	struct speedscope *x = ctx;
	const struct stackprof_stack **order;
	char exporter[64];
	int err = stackprof_finish(&x->p);
	FILE *f;

	if (err)
		return export_fail("speedscope", err);
	order = calloc(x->p.nstacks + 1, sizeof(*order));
	if (!order)
		return export_fail("speedscope", EBR_E_NOMEM);
	for (uint32_t i = 0; i < x->p.nstacks; i++)
		order[i] = &x->p.stacks[i];
	qsort(order, x->p.nstacks, sizeof(*order), by_pid);
	if (!(f = export_create(job->out))) {
		free(order);
		return 1;
	}
	json_init(&x->j, f);
	json_object_begin(&x->j, NULL);
	json_str(&x->j, "$schema", "https://www.speedscope.app/file-format-schema.json");
	snprintf(exporter, sizeof(exporter), "ebrec export (%s)",
		 x->p.o.kind == STACKPROF_CPU ? "profile" : "offcputime");
	json_str(&x->j, "exporter", exporter);
	json_str(&x->j, "name", job->file);
	json_u64(&x->j, "activeProfileIndex", 0);
	json_array_begin(&x->j, "profiles");
	if (x->p.nstacks && job->merged) {
		write_profile(x, order, 0, x->p.nstacks, true);
	} else {
		for (uint32_t a = 0, b; a < x->p.nstacks; a = b) {
			for (b = a + 1; b < x->p.nstacks && order[b]->pid == order[a]->pid; b++)
				;
			write_profile(x, order, a, b, false);
		}
	}
	json_array_end(&x->j);
	json_object_begin(&x->j, "shared");
	json_array_begin(&x->j, "frames");
	for (uint32_t i = 0; i < x->frames.len; i++) {
		size_t len;
		const char *name = idtab_key(&x->frames, i, &len);

		json_object_begin(&x->j, NULL);
		json_strn(&x->j, "name", name, len);
		json_object_end(&x->j);
	}
	json_array_end(&x->j);
	json_object_end(&x->j);
	json_object_end(&x->j);
	json_finish(&x->j);
	free(order);
	err = x->err;
	if (export_close(f, job->out))
		return 1;
	return err ? export_fail("speedscope", err) : 0;
}

static int speedscope_run(struct export_job *job)
{
	struct speedscope *x = calloc(1, sizeof(*x));
	struct analyzer an;
	int status;

	if (!x)
		return export_fail("speedscope", EBR_E_NOMEM);
	export_profile_opts(job, &x->p.o);
	an = (struct analyzer){ stackprof_on_event, &x->p, STACKPROF_TYPES };
	status = export_pass(job, &an, 1, NULL, write_file, x);
	stackprof_release(&x->p);
	idtab_release(&x->frames);
	free(x);
	return status;
}

const struct exporter export_speedscope = {
	.name = "speedscope",
	.summary = "speedscope's JSON of profile or offcputime, a profile a process",
	.stacks = true,
	.run = speedscope_run,
};
