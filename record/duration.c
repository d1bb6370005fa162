// SPDX-License-Identifier: GPL-2.0-only
/* Durations on record's command line (record/duration.h). */
#include <stdlib.h>
#include <string.h>
#include "format/array_size.h"
#include "record/duration.h"

int duration_parse(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 },
		      { "min", 60e9 }, { "h", 3600e9 }, { "d", 86400e9 } };
	size_t digits = strspn(s, "0123456789"), len = digits;
	double v;

	/* digits, then at most one '.' and digits: not strtod's signs, hex or exponents */
	if (!digits)
		return -1;
	if (s[len] == '.')
		len += 1 + strspn(s + len + 1, "0123456789");
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(s + len, units[i].unit))
			continue;
		v = strtod(s, NULL) * units[i].ns + 0.5;
		if (!(v >= 1) || v >= 9.2e18)
			return -1;
		*ns = (uint64_t)v;
		return 0;
	}
	return -1;
}
