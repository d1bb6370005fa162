// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP workload for the tcp family's end-to-end tests: sessions whose ends, owners, byte
 * counts and durations are known exactly. The client runs as "ebr-tcp-cli", the server (a
 * separate process) as "ebr-tcp-srv"; what each did is printed for the test to compare.
 *
 *   ebr-tcp life HOST PORT K DELAY_MS  K sessions; session i sends life_tx(i) bytes and
 *                                      receives life_rx(i); each lasts at least DELAY_MS
 *                                      (PORT 0: a free port)
 *   ebr-tcp refuse HOST PORT           a connect that is refused (nothing listens)
 *   ebr-tcp abort HOST PORT            a session the client resets (SO_LINGER 0)
 *   ebr-tcp serve HOST PORT            accepts one session, reads it to its end
 *   ebr-tcp send HOST PORT BYTES       sends a quarter of BYTES, waits for a line on stdin,
 *                                      sends the rest
 *   ebr-tcp hold HOST PORT TX RX       one session with TX bytes one way and RX the other,
 *                                      held open until a line arrives on stdin
 *   ebr-tcp forkserve HOST PORT K      a fork-per-connection server (as PostgreSQL's
 *                                      postmaster): "ebr-tcp-srv" accepts K sessions and
 *                                      forks a worker "ebr-tcp-wrk" for each, which serves
 *                                      and closes it; each worker prints its pid and the
 *                                      client's port
 *   ebr-tcp titleserve HOST PORT K     forkserve whose workers set their title as
 *                                      PostgreSQL's backends do (their argument memory
 *                                      rewritten: "ebr-serve: worker 127.0.0.1(PORT)");
 *                                      the last one prints "lingering PID" and waits for a
 *                                      line on stdin before it closes its session and exits
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "ebr-tcp: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* The tests know these formulas: distinct sizes, some over 1 MiB. */
static size_t life_tx(int i)
{
	return 1000 + (size_t)i * 700001;
}

static size_t life_rx(int i)
{
	return 500 + (size_t)i * 900007;
}

static socklen_t make_addr(const char *host, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return sizeof(*a4);
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return sizeof(*a6);
	}
	fprintf(stderr, "ebr-tcp: %s is not an address\n", host);
	exit(2);
}

static int listen_on(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 64))
		die("bind/listen");
	return fd;
}

/* A connected socket, or -errno when connect fails. */
static int connect_to(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&ss, len)) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

static int connect_or_die(const char *host, int port)
{
	int fd = connect_to(host, port);

	if (fd < 0) {
		errno = -fd;
		die("connect");
	}
	return fd;
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		die("getsockname");
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void send_bytes(int fd, size_t n)
{
	static char buf[65536];

	memset(buf, 'x', sizeof(buf));
	while (n) {
		ssize_t w = send(fd, buf, n < sizeof(buf) ? n : sizeof(buf), MSG_NOSIGNAL);

		if (w < 0)
			die("send");
		n -= (size_t)w;
	}
}

/* Reads to the peer's FIN; the bytes read. */
static size_t drain(int fd)
{
	static char buf[65536];
	size_t n = 0;
	ssize_t r;

	while ((r = recv(fd, buf, sizeof(buf), 0)) > 0)
		n += (size_t)r;
	if (r < 0 && errno != ECONNRESET)
		die("recv");
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void wait_line(void)
{
	char line[64];

	if (!fgets(line, sizeof(line), stdin))
		exit(3);
}

static pid_t fork_named(const char *name)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		prctl(PR_SET_NAME, name);
	return pid;
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int life(const char *host, int port, int k, long delay_ms)
{
	int lfd = listen_on(host, port), bad = 0;
	pid_t srv;

	port = local_port(lfd); /* PORT 0: any free one */
	srv = fork_named("ebr-tcp-srv");

	if (srv == 0) {
		for (int i = 0; i < k; i++) {
			int fd = accept(lfd, NULL, NULL);
			size_t got;

			if (fd < 0)
				die("accept");
			got = drain(fd);
			send_bytes(fd, life_rx(i));
			close(fd);
			if (got != life_tx(i))
				bad = 1;
		}
		_exit(bad);
	}
	close(lfd);
	prctl(PR_SET_NAME, "ebr-tcp-cli");
	printf("pids %d %d\n", (int)getpid(), (int)srv);
	for (int i = 0; i < k; i++) {
		int fd = connect_to(host, port);
		size_t got;

		if (fd < 0) {
			errno = -fd;
			die("connect");
		}
		sleep_ms(delay_ms);
		send_bytes(fd, life_tx(i));
		shutdown(fd, SHUT_WR);
		got = drain(fd);
		printf("session %d %d %zu %zu\n", i, local_port(fd), life_tx(i), got);
		close(fd);
		if (got != life_rx(i))
			bad = 1;
	}
	return wait_child(srv) || bad;
}

static int refuse(const char *host, int port)
{
	int fd = connect_to(host, port);

	printf("pid %d connect %s\n", (int)getpid(), strerror(fd < 0 ? -fd : 0));
	return fd == -ECONNREFUSED ? 0 : 1;
}

static int abort_session(const char *host, int port)
{
	int lfd = listen_on(host, port);
	pid_t srv = fork_named("ebr-tcp-srv");
	struct linger lg = { 1, 0 };
	int fd;

	if (srv == 0) {
		int cfd = accept(lfd, NULL, NULL);
		char c;

		if (cfd < 0)
			die("accept");
		_exit(recv(cfd, &c, 1, 0) < 0 && errno == ECONNRESET ? 0 : 1);
	}
	close(lfd);
	prctl(PR_SET_NAME, "ebr-tcp-cli");
	fd = connect_or_die(host, port);
	sleep_ms(50);
	printf("pids %d %d lport %d\n", (int)getpid(), (int)srv, local_port(fd));
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	return wait_child(srv);
}

static int serve(const char *host, int port)
{
	int lfd = listen_on(host, port), fd;

	prctl(PR_SET_NAME, "ebr-tcp-srv");
	printf("listening %d\n", (int)getpid());
	fflush(stdout);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	printf("received %zu\n", drain(fd));
	close(fd);
	return 0;
}

static int send_paused(const char *host, int port, size_t bytes)
{
	int fd;

	prctl(PR_SET_NAME, "ebr-tcp-cli");
	fd = connect_or_die(host, port);
	send_bytes(fd, bytes / 4);
	printf("connected %d %d\n", (int)getpid(), local_port(fd));
	fflush(stdout);
	wait_line();
	send_bytes(fd, bytes - bytes / 4);
	shutdown(fd, SHUT_WR);
	drain(fd);
	close(fd);
	printf("sent %zu\n", bytes);
	return 0;
}

static int hold(const char *host, int port, size_t tx, size_t rx)
{
	int lfd = listen_on(host, port), fd;
	pid_t srv = fork_named("ebr-tcp-srv");
	static char buf[65536];

	if (srv == 0) {
		int cfd = accept(lfd, NULL, NULL);
		size_t got = 0;
		ssize_t r;

		if (cfd < 0)
			die("accept");
		while (got < tx && (r = recv(cfd, buf, sizeof(buf), 0)) > 0)
			got += (size_t)r;
		send_bytes(cfd, rx);
		got += drain(cfd);
		close(cfd);
		_exit(got == tx ? 0 : 1);
	}
	close(lfd);
	prctl(PR_SET_NAME, "ebr-tcp-cli");
	fd = connect_or_die(host, port);
	send_bytes(fd, tx);
	for (size_t got = 0; got < rx;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r <= 0)
			die("recv");
		got += (size_t)r;
	}
	printf("ready %d %d %d\n", (int)getpid(), (int)srv, local_port(fd));
	fflush(stdout);
	wait_line();
	close(fd);
	return wait_child(srv);
}

/* The arguments' memory, which a title overwrites: from argv[0] to the last one's NUL. */
static char *args_start;
static size_t args_len;

/*
 * What PostgreSQL's setproctitle does on Linux (PS_USE_CLOBBER_ARGV): the title over the
 * arguments, the rest of their memory NULs, so /proc/PID/cmdline and ps show the title.
 */
static void set_title(const char *title)
{
	size_t n = strlen(title);

	if (n >= args_len)
		n = args_len - 1;
	memset(args_start, 0, args_len);
	memcpy(args_start, title, n);
}

static int forkserve(const char *host, int port, int k, bool titles)
{
	int lfd = listen_on(host, port), bad = 0;
	pid_t srv;

	port = local_port(lfd);
	srv = fork_named("ebr-tcp-srv");
	if (srv == 0) {
		for (int i = 0; i < k; i++) {
			int fd = accept(lfd, NULL, NULL), closed[2];
			pid_t wrk;
			char c;

			if (fd < 0)
				die("accept");
			/* the server says "closed" by closing closed[1] (the worker reads EOF) */
			if (pipe(closed))
				die("pipe");
			wrk = fork_named("ebr-tcp-wrk");
			if (wrk == 0) {
				struct sockaddr_storage peer;
				socklen_t len = sizeof(peer);
				size_t got;

				close(lfd);
				close(closed[1]);
				if (getpeername(fd, (struct sockaddr *)&peer, &len))
					die("getpeername");
				if (titles) {
					char title[64];

					snprintf(title, sizeof(title), "ebr-serve: worker %s(%d)",
						 host, ntohs(((struct sockaddr_in *)&peer)->sin_port));
					set_title(title);
				}
				got = drain(fd);
				send_bytes(fd, life_rx(i));
				printf("worker %d %d\n", (int)getpid(),
				       ntohs(((struct sockaddr_in *)&peer)->sin_port));
				if (titles && i == k - 1) { /* running, its session open, at the end */
					printf("lingering %d\n", (int)getpid());
					fflush(stdout);
					wait_line();
				}
				/*
				 * the session ends in the worker's close, the last of the socket's: not
				 * in the server's, which a loaded machine may run after the worker's
				 * exit (the server then owned the end, as the kernel saw it)
				 */
				if (read(closed[0], &c, 1) < 0)
					die("read");
				close(fd);
				_exit(got != life_tx(i));
			}
			close(fd);
			close(closed[1]);
			close(closed[0]);
			bad |= wait_child(wrk);
		}
		_exit(bad);
	}
	close(lfd);
	prctl(PR_SET_NAME, "ebr-tcp-cli");
	printf("pids %d %d\n", (int)getpid(), (int)srv);
	for (int i = 0; i < k; i++) {
		int fd = connect_or_die(host, port);

		send_bytes(fd, life_tx(i));
		shutdown(fd, SHUT_WR);
		bad |= drain(fd) != life_rx(i);
		close(fd);
	}
	return wait_child(srv) || bad;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc == 6 && !strcmp(argv[1], "life"))
		return life(argv[2], atoi(argv[3]), atoi(argv[4]), atol(argv[5]));
	if (argc == 4 && !strcmp(argv[1], "refuse"))
		return refuse(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "abort"))
		return abort_session(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(argv[2], atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_paused(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 10));
	if (argc == 6 && !strcmp(argv[1], "hold"))
		return hold(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 10),
			    strtoull(argv[5], NULL, 10));
	if (argc == 5 && !strcmp(argv[1], "forkserve"))
		return forkserve(argv[2], atoi(argv[3]), atoi(argv[4]), false);
	if (argc == 5 && !strcmp(argv[1], "titleserve")) {
		args_start = argv[0];
		args_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0]);
		return forkserve(argv[2], atoi(argv[3]), atoi(argv[4]), true);
	}
	fprintf(stderr, "usage: see the comment at the top of ebr-tcp.c\n");
	return 2;
}
