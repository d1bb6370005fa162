/* SPDX-License-Identifier: BSD-2-Clause */
/* A minimal test harness: CHECK() counts, main() ends with "N passed, N failed". */
#ifndef EBREC_TESTS_CHECK_H
#define EBREC_TESTS_CHECK_H

#include <stdio.h>

static int checks_failed, tests_passed, tests_failed;
static int cur_failed;

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			if (checks_failed++ < 50)                                       \
				fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,  \
					__LINE__, #cond);                               \
			cur_failed = 1;                                                 \
		}                                                                       \
	} while (0)

#define CHECK_EQ(a, b)                                                                  \
	do {                                                                            \
		unsigned long long a_ = (unsigned long long)(a);                        \
		unsigned long long b_ = (unsigned long long)(b);                        \
		if (a_ != b_) {                                                         \
			if (checks_failed++ < 50)                                       \
				fprintf(stderr, "%s:%d: %s == %llu, expected %s == %llu\n", \
					__FILE__, __LINE__, #a, a_, #b, b_);            \
			cur_failed = 1;                                                 \
		}                                                                       \
	} while (0)

#define RUN(fn)                                                                         \
	do {                                                                            \
		cur_failed = 0;                                                         \
		fn();                                                                   \
		printf("%-50s %s\n", #fn, cur_failed ? "FAIL" : "ok");                 \
		if (cur_failed)                                                         \
			tests_failed++;                                                 \
		else                                                                    \
			tests_passed++;                                                 \
	} while (0)

#define CHECK_SUMMARY()                                                                 \
	(printf("%d passed, %d failed\n", tests_passed, tests_failed), tests_failed ? 1 : 0)

#endif
