// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ebrec record -- COMMAND`: COMMAND is forked before the probes load and held on a pipe, so
 * that it runs only once they are attached and none of its events is missed; the recording
 * ends with it, and ebrec exits with its status. With --run-in-cgroup it runs in --cgroup's.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "record/recorder.h"

/* Whether path is a file this process may execute; errno says why not. */
static bool executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return false;
	}
	return access(path, X_OK) == 0;
}

int record_child_check(const struct recorder *rec)
{
	const char *cmd = rec->o.cmd[0], *path = getenv("PATH");
	char full[4096];
	int err = ENOENT;

	if (strchr(cmd, '/')) {
		if (executable(cmd))
			return 0;
		err = errno;
	} else {
		/* as execvp(3) searches: each PATH entry, an empty one meaning "." */
		for (const char *p = path ? path : "/usr/local/bin:/bin:/usr/bin"; p; ) {
			const char *colon = strchr(p, ':');
			int n = colon ? (int)(colon - p) : (int)strlen(p);

			snprintf(full, sizeof(full), "%.*s%s%s", n, n ? p : ".", "/", cmd);
			if (executable(full))
				return 0;
			if (errno == EACCES)
				err = EACCES;
			p = colon ? colon + 1 : NULL;
		}
	}
	fprintf(stderr, "ebrec record: cannot run %s: %s%s; nothing was recorded\n", cmd,
		strerror(err), strchr(cmd, '/') ? "" : " (searched PATH)");
	return -err;
}

int record_child_spawn(struct recorder *rec)
{
	int go[2], err;

	if (pipe2(go, O_CLOEXEC) != 0) {
		err = -errno;
		fprintf(stderr, "ebrec record: pipe: %s\n", strerror(-err));
		return err;
	}
	rec->child = fork();
	if (rec->child < 0) {
		err = -errno;
		fprintf(stderr, "ebrec record: cannot start %s: %s\n", rec->o.cmd[0],
			strerror(-err));
		close(go[0]);
		close(go[1]);
		return err;
	}
	if (rec->child == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127); /* the recorder gave up before starting */
		/* the trace owns stdout when it goes there */
		if (rec->to_stdout && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execvp(rec->o.cmd[0], rec->o.cmd);
		fprintf(stderr, "ebrec record: cannot run %s: %s\n", rec->o.cmd[0],
			strerror(errno));
		_exit(127);
	}
	close(go[0]);
	rec->go_fd = go[1];
	/*
	 * --run-in-cgroup: COMMAND runs in --cgroup's cgroup, placed there before it is let go, so
	 * that it is recorded. Not by default: a load generator run as COMMAND while a service's
	 * cgroup is recorded must not fall under the service's limits and lifetime.
	 */
	return rec->o.run_in_cgroup ? cgroup_enter(&rec->cgroups, rec->cgroup_path, rec->child)
				    : 0;
}

void record_child_go(struct recorder *rec)
{
	if (rec->go_fd < 0)
		return;
	if (write(rec->go_fd, "g", 1) != 1)
		fprintf(stderr, "ebrec record: cannot start %s\n", rec->o.cmd[0]);
	close(rec->go_fd);
	rec->go_fd = -1;
}

bool record_child_finished(struct recorder *rec)
{
	if (rec->child > 0 && !rec->child_done &&
	    waitpid(rec->child, &rec->child_status, WNOHANG) == rec->child)
		rec->child_done = true;
	return rec->child_done;
}

void record_child_stop(struct recorder *rec)
{
	if (rec->go_fd >= 0) {
		close(rec->go_fd); /* an unstarted COMMAND exits without running */
		rec->go_fd = -1;
	}
	if (rec->child <= 0 || rec->child_done)
		return;
	kill(rec->child, SIGTERM);
	if (waitpid(rec->child, &rec->child_status, 0) == rec->child)
		rec->child_done = true;
}

int record_child_status(const struct recorder *rec)
{
	if (rec->child <= 0 || !rec->child_done)
		return -1;
	if (WIFEXITED(rec->child_status))
		return WEXITSTATUS(rec->child_status);
	if (WIFSIGNALED(rec->child_status))
		return 128 + WTERMSIG(rec->child_status);
	return -1;
}
