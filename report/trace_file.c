// SPDX-License-Identifier: GPL-2.0-only
/* Opening a trace for the reading commands, and saying what was wrong with it. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "report/report.h"

int trace_file_open(struct trace_file *t, const char *cmd, const char *path)
{
	char msg[256], safe[256];
	struct stat st;
	int err;

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (t->fd < 0) {
		fprintf(stderr, "ebrec %s: cannot open %s: %s\n", cmd, text_safe(path, safe, sizeof(safe)),
			strerror(errno));
		return 1;
	}
	if (fstat(t->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ebrec %s: %s is a directory, not a trace file\n", cmd,
			text_safe(path, safe, sizeof(safe)));
		trace_file_close(t);
		return 1;
	}
	ebr_source_fd(&t->src, &t->fs, t->fd);
	msg[0] = 0;
	err = ebr_reader_open(&t->r, &t->src, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "ebrec %s: %s: %s\n", cmd, text_safe(path, safe, sizeof(safe)),
			msg[0] ? msg : ebr_strerror(err));
		trace_file_close(t);
		return 1;
	}
	return 0;
}

int output_is_input(const char *cmd, const char *out, const char *in)
{
	struct stat so, si;
	char a[256], b[256];

	if (stat(out, &so) != 0 || (strcmp(in, "-") ? stat(in, &si) : fstat(STDIN_FILENO, &si)) ||
	    so.st_dev != si.st_dev || so.st_ino != si.st_ino)
		return 0;
	fprintf(stderr, "ebrec %s: %s is the trace being read (%s): writing it would destroy it; "
			"choose another output file\n", cmd, text_safe(out, a, sizeof(a)),
		strcmp(in, "-") ? text_safe(in, b, sizeof(b)) : "standard input");
	return 2;
}

void trace_file_close(struct trace_file *t)
{
	ebr_reader_close(t->r);
	t->r = NULL;
	if (t->fd > STDIN_FILENO)
		close(t->fd);
	t->fd = -1;
}

int trace_file_warn(const struct trace_file *t, const char *cmd)
{
	uint32_t n = ebr_reader_problem_count(t->r);
	char safe[256], msg[1024];
	int damaged = 0;

	for (uint32_t i = 0; i < n; i++) {
		const struct ebr_problem *p = ebr_reader_problem(t->r, i);

		/* a message may quote the file's own schema: a terminal gets it escaped */
		fprintf(stderr, "ebrec %s: warning: %s: %s\n", cmd,
			text_safe(t->path, safe, sizeof(safe)), text_safe(p->msg, msg, sizeof(msg)));
		damaged |= ebr_problem_is_damage(p->kind);
	}
	if (damaged)
		fprintf(stderr, "ebrec %s: %s is damaged: the output above holds only what was "
				"readable\n", cmd, text_safe(t->path, safe, sizeof(safe)));
	return damaged;
}

void trace_file_json_warnings(const struct trace_file *t, struct json *j, const char *extra)
{
	uint32_t n = ebr_reader_problem_count(t->r);

	json_array_begin(j, "warnings");
	if (extra)
		json_str(j, NULL, extra);
	for (uint32_t i = 0; i < n; i++)
		json_str(j, NULL, ebr_reader_problem(t->r, i)->msg);
	json_array_end(j);
}

int trace_file_args(int argc, char **argv, const char *help)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: ebrec %s FILE\n\n%s\n", argv[0], help);
		return 0;
	}
	if (argc != 2 || (argv[1][0] == '-' && argv[1][1])) {
		fprintf(stderr, "usage: ebrec %s FILE (see 'ebrec %s --help')\n", argv[0], argv[0]);
		return 2;
	}
	return -1;
}

bool trace_family_recorded(const struct ebr_reader *r, const char *family)
{
	const char *fams = ebr_reader_meta(r, "record.families");
	size_t n = strlen(family);

	for (const char *p = fams; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
		if (!strncmp(p, family, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}
