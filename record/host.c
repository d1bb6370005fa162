// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host facts written into every trace (FORMAT.md "META keys"), so that a report on another
 * machine knows where and when the events happened without asking the recording host.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "record/record.h"
#include "record/translate.h"

#ifndef EBREC_VERSION
#define EBREC_VERSION "0.1.0"
#endif

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t host_monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int record_meta_u64(struct ebr_writer *w, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return ebr_writer_meta(w, key, buf);
}

void host_clocks_now(struct host_clocks *c)
{
	c->mono = clock_ns(CLOCK_MONOTONIC);
	c->real = clock_ns(CLOCK_REALTIME);
}

int host_clock_pair_of(struct ebr_writer *w, const char *when, const struct host_clocks *c)
{
	char key[64];
	int err;

	snprintf(key, sizeof(key), "clock.%s.monotonic_ns", when);
	err = record_meta_u64(w, key, c->mono);
	snprintf(key, sizeof(key), "clock.%s.realtime_ns", when);
	return errno_of_ebr(err ?: record_meta_u64(w, key, c->real));
}

int host_clock_pair(struct ebr_writer *w, const char *when)
{
	struct host_clocks c;

	host_clocks_now(&c);
	return host_clock_pair_of(w, when, &c);
}

static int cmdline_meta(struct ebr_writer *w, int argc, char **argv)
{
	char buf[4096];
	size_t len = 0;

	strcpy(buf, "ebrec ");
	len = strlen(buf);
	for (int i = 0; i < argc && len < sizeof(buf) - 1; i++) {
		int n = snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", argv[i]);

		if (n < 0)
			break;
		len += (size_t)n < sizeof(buf) - len ? (size_t)n : sizeof(buf) - len - 1;
	}
	return ebr_writer_meta(w, "record.cmdline", buf);
}

/* The host's time zone as the recording starts, for `report -T --local` on another machine.
 * A zone's offset can change during a recording (daylight saving): this is the one at its
 * start. */
static int zone_meta(struct ebr_writer *w)
{
	time_t now = time(NULL);
	struct tm tm;
	char off[32];
	int err;

	tzset();
	if (!localtime_r(&now, &tm))
		return 0;
	snprintf(off, sizeof(off), "%ld", (long)tm.tm_gmtoff);
	err = ebr_writer_meta(w, "host.utc_offset_s", off);
	return err ?: ebr_writer_meta(w, "host.timezone", tm.tm_zone ? tm.tm_zone : "");
}

int host_snapshot(struct ebr_writer *w, const char *host_name, int argc, char **argv,
		  const struct host_clocks *start)
{
	struct utsname u;
	char host[256];
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	long page = sysconf(_SC_PAGESIZE);
	int err = 0;

	if (host_name) /* --host-name: the name a report of several hosts gives it */
		snprintf(host, sizeof(host), "%s", host_name);
	else if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "");
	host[sizeof(host) - 1] = 0;
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	err = err ?: ebr_writer_meta(w, "host.hostname", host);
	err = err ?: ebr_writer_meta(w, "host.kernel", u.release);
	err = err ?: ebr_writer_meta(w, "host.kernel_version", u.version);
	err = err ?: ebr_writer_meta(w, "host.machine", u.machine);
	err = err ?: record_meta_u64(w, "host.ncpus", ncpus > 0 ? (uint64_t)ncpus : 0);
	err = err ?: record_meta_u64(w, "host.page_size", page > 0 ? (uint64_t)page : 0);
	/* boot time on the realtime clock: realtime - boottime, both read now */
	err = err ?: record_meta_u64(w, "host.boot_time_ns",
			      clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME));
	err = err ?: zone_meta(w);
	err = err ?: ebr_writer_meta(w, "ebrec.version", EBREC_VERSION);
	err = err ?: cmdline_meta(w, argc, argv);
	if (start)
		return errno_of_ebr(err) ?: host_clock_pair_of(w, "start", start);
	return errno_of_ebr(err) ?: host_clock_pair(w, "start");
}

void host_utc_stamp(uint64_t realtime_ns, char *stamp, size_t len)
{
	time_t secs = (time_t)(realtime_ns / 1000000000ull);
	struct tm tm;

	if (!gmtime_r(&secs, &tm) || !strftime(stamp, len, "%Y%m%dT%H%M%S", &tm))
		snprintf(stamp, len, "00000000T000000");
}
