// SPDX-License-Identifier: GPL-2.0-only
/* The view registry (report/views.c): every view findable, titled and drawable. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "report/text_line.h"
#include "report/view.h"
#include "tests/unit/check.h"

static void test_every_view_is_found_by_its_name_once(void)
{
	for (size_t i = 0; i < nviews; i++) {
		CHECK(view_find(views[i]->name) == views[i]);
		for (size_t j = i + 1; j < nviews; j++)
			CHECK(strcmp(views[i]->name, views[j]->name));
	}
	CHECK(view_find("nosuchview") == NULL);
}

/* The HTML page sections views by these families: a view of an untitled family would land in
 * a section named by its bare family name. */
static void test_every_view_has_a_titled_family(void)
{
	for (size_t i = 0; i < nviews; i++) {
		bool titled = false;

		for (size_t f = 0; f < nview_families; f++)
			titled |= !strcmp(view_families[f].name, views[i]->family);
		CHECK(titled);
		CHECK(views[i]->setup && views[i]->end && views[i]->usage && views[i]->summary);
	}
}

/* The summary runs every view with a headline; the page every view with html_args. */
static void test_summary_and_page_views(void)
{
	size_t in_summary = 0, on_page = 0;

	for (size_t i = 0; i < nviews; i++) {
		in_summary += views[i]->headline != NULL;
		on_page += views[i]->html_args != NULL;
	}
	CHECK_EQ(in_summary, 16);
	/* the five top views with their first 20 rows, probes and cgroups */
	CHECK_EQ(on_page, 22);
	CHECK(!strcmp(view_find("biolatency")->html_args, "-D --heatmap"));
	CHECK(!strcmp(view_find("runqlat")->html_args, "--heatmap"));
	CHECK(!strcmp(view_find("tcplife")->html_args, "--all"));
	CHECK(view_find("tcpstates")->html_args == NULL);
	CHECK(view_find("biolatency")->kind == VIEW_HISTOGRAM);
	CHECK(view_find("offcputime")->kind == VIEW_PROFILE);
	CHECK(view_find("cachestat")->kind == VIEW_TABLE);
	CHECK(view_find("cgroups")->kind == VIEW_TABLE);
	CHECK(view_find("opensnoop")->kind == VIEW_LISTING);
}

static void test_closest_view_to_a_typo(void)
{
	CHECK(view_closest("biolatncy") == view_find("biolatency"));
	CHECK(view_closest("opensnop") == view_find("opensnoop"));
	CHECK(view_closest("tcplif") == view_find("tcplife"));
	CHECK(view_closest("Profile") == view_find("profile"));
	CHECK(view_closest("xyzzy") == NULL);
	CHECK(view_closest("") == NULL);
	/* a name longer than the distance table is compared by its first 63 bytes, no overflow */
	CHECK(view_closest("biolatencybiolatencybiolatencybiolatencybiolatencybiolatencybiolat"
			   "encybiolatency") == NULL);
}

/* text_escape() as it was a byte at a time: what the word-at-a-time one must write */
static size_t escape_bytewise(const char *s, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p && n + 5 < len; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
			buf[n++] = (char)*p;
		} else if (*p != '\\') {
			n += (size_t)sprintf(buf + n, "\\x%c%c", hex[*p >> 4], hex[*p & 15]);
		} else {
			buf[n++] = '\\';
			buf[n++] = '\\';
		}
	}
	buf[n] = 0;
	return n;
}

/*
 * Strings of plain runs with a byte of every kind placed anywhere in them (each edge of the
 * ranges: 0x01, 0x1f, 0x20, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xff), at every room.
 */
static void test_escape_is_the_bytewise_escape(void)
{
	static const unsigned char odd[] = { 0x01, 0x1f, 0x20, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f,
					     0x80, 0xff, 'a' };
	char s[40], got[TEXT_SAFE_SIZE(40)], want[TEXT_SAFE_SIZE(40)];
	unsigned bad = 0;

	for (size_t slen = 0; slen < sizeof(s); slen++)
		for (size_t at = 0; at <= slen; at++)
			for (size_t k = 0; k < sizeof(odd); k++) {
				for (size_t i = 0; i < slen; i++)
					s[i] = (char)('A' + (i * 7) % 26);
				if (at < slen)
					s[at] = (char)odd[k];
				s[slen] = 0;
				for (size_t room = 1; room <= sizeof(got); room += 1 + room / 8) {
					size_t n = text_escape(s, got, room);

					bad += n != escape_bytewise(s, want, room) || strcmp(got, want);
				}
			}
	CHECK(bad == 0);
	CHECK(text_escape(NULL, got, 8) == 0 && !got[0]);
}

/* Numbers as printf formats them, at each power of ten and either side of it, both signs. */
static void test_numbers_are_printfs(void)
{
	static const int widths[] = { 0, 3, 7, -7, 21, -21 };
	static struct text_line l;
	char want[64];
	unsigned bad = 0;

	for (uint64_t p = 1;; p *= 10) {
		for (uint64_t v = p - 1; v <= p + 1; v++)
			for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
				text_line_reset(&l);
				text_line_u64(&l, v, widths[w]);
				snprintf(want, sizeof(want), "%*" PRIu64, widths[w], v);
				bad += l.len != strlen(want) || memcmp(l.buf, want, l.len);
				text_line_reset(&l);
				text_line_s64(&l, -(int64_t)v, widths[w]);
				snprintf(want, sizeof(want), "%*" PRId64, widths[w], -(int64_t)v);
				bad += l.len != strlen(want) || memcmp(l.buf, want, l.len);
			}
		if (p > UINT64_MAX / 10)
			break;
	}
	text_line_reset(&l);
	text_line_u64(&l, UINT64_MAX, 0);
	text_line_s64(&l, INT64_MIN, 0);
	snprintf(want, sizeof(want), "%" PRIu64 "%" PRId64, UINT64_MAX, INT64_MIN);
	bad += l.len != strlen(want) || memcmp(l.buf, want, l.len);
	CHECK(bad == 0);
}

int main(void)
{
	RUN(test_numbers_are_printfs);
	RUN(test_escape_is_the_bytewise_escape);
	RUN(test_every_view_is_found_by_its_name_once);
	RUN(test_every_view_has_a_titled_family);
	RUN(test_summary_and_page_views);
	RUN(test_closest_view_to_a_typo);
	return CHECK_SUMMARY();
}
