/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The text of a generic probe as `record -e`, `record --str` and `list` take it, parsed
 * without looking at the system (record/generic.c resolves it): bpftrace's spelling,
 *   tracepoint:SYS:NAME   t:SYS:NAME       SYS and NAME may be globs
 *   uprobe:PATH:FUNC      u:PATH:FUNC      FUNC may be a glob
 *   uretprobe:PATH:FUNC   ur:PATH:FUNC
 *   usdt:PATH:PROVIDER:NAME  U:PATH:PROVIDER:NAME  (usdt:PATH:NAME: any provider)
 * each optionally followed by +kstack and/or +ustack.
 */
#ifndef EBREC_RECORD_PROBE_SPEC_H
#define EBREC_RECORD_PROBE_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#define PROBE_SPEC_MAX 4096 /* bytes of one probe's text */

struct probe_spec {
	int kind;       /* EBR_GEN_* (bpf/events.h) */
	unsigned flags; /* EBR_GEN_KSTACK, EBR_GEN_USTACK */
	/*
	 * tracepoint: a = SYS, b = NAME; uprobe, uretprobe: a = PATH, b = FUNC; usdt: a = PATH,
	 * b = PROVIDER (NULL: any), c = NAME. Point into buf.
	 */
	const char *a, *b, *c;
	char buf[PROBE_SPEC_MAX];
};

/* Whether an item of -e names a probe (it has a ':'), not a family. */
bool probe_spec_is_probe(const char *item);

/*
 * Parses text into *spec. Returns 0, or -EINVAL with one line in err saying what is wrong
 * (an unknown probe type, a missing part, an unknown +modifier).
 */
int probe_spec_parse(const char *text, struct probe_spec *spec, char *err, size_t errlen);

/* The canonical prefix of a kind: "tracepoint", "uprobe", "uretprobe", "usdt". */
const char *probe_kind_name(int kind);

/*
 * `--str PROBE:ARG`: splits text at its last ':' into the probe (parsed into *spec) and the
 * argument it names, "arg0".."arg11" (*arg = 0..11) or "retval" (*arg = 0). Returns 0 or
 * -EINVAL with err set.
 */
int probe_str_parse(const char *text, struct probe_spec *spec, int *arg, char *err,
		    size_t errlen);

#endif
