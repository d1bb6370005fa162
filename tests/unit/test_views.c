// SPDX-License-Identifier: GPL-2.0-only
/* The view registry (report/views.c): every view findable, titled and drawable. */
#include <string.h>
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

int main(void)
{
	RUN(test_every_view_is_found_by_its_name_once);
	RUN(test_every_view_has_a_titled_family);
	RUN(test_summary_and_page_views);
	RUN(test_closest_view_to_a_typo);
	return CHECK_SUMMARY();
}
