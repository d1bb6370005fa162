// SPDX-License-Identifier: BSD-2-Clause
/* Process titles (format/title.h). */
#include <string.h>
#include "format/title.h"

size_t ebr_title_of(const char *cmdline, size_t len, char out[EBR_TITLE_MAX + 1], bool *cut)
{
	size_t n;

	while (len && !cmdline[len - 1])
		len--;
	*cut = len > EBR_TITLE_MAX;
	n = *cut ? EBR_TITLE_MAX : len;
	for (size_t i = 0; i < n; i++)
		out[i] = cmdline[i] ? cmdline[i] : ' ';
	out[n] = 0;
	return n;
}

bool ebr_title_is_args(const char *title, bool cut, const char *args, size_t args_len,
		       size_t max_args)
{
	char joined[EBR_TITLE_MAX + 1];
	size_t n, argc = 0, tlen = strlen(title);
	bool args_cut;

	n = ebr_title_of(args, args_len, joined, &args_cut);
	if (n == tlen && !memcmp(joined, title, n))
		return cut || !args_cut; /* a cut title: what follows is unknown, taken as the same */
	for (size_t i = 0; i < args_len; i++)
		argc += !args[i];
	/* an exec records max_args arguments at most: the title may go on with the others */
	return !args_cut && argc >= max_args && tlen > n && !memcmp(joined, title, n) &&
	       title[n] == ' ';
}
