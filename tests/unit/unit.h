/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal unit-test helpers: each check prints "ok - name" or "not ok - name: detail". */
#ifndef BPFSCOPE_UNIT_H
#define BPFSCOPE_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures;

#define CHECK(name, cond, ...)                         \
	do {                                           \
		if (cond) {                            \
			printf("ok - %s\n", name);     \
		} else {                               \
			printf("not ok - %s: ", name); \
			printf(__VA_ARGS__);           \
			putchar('\n');                 \
			unit_failures++;               \
		}                                      \
	} while (0)

/* A check this machine cannot make: counted as skipped, with the reason. */
#define SKIP(name, ...)                        \
	do {                                   \
		printf("skip - %s: ", name);   \
		printf(__VA_ARGS__);           \
		putchar('\n');                 \
	} while (0)

#define CHECK_STR(name, got, want) \
	CHECK(name, strcmp((got), (want)) == 0, "got \"%s\", want \"%s\"", (got), (want))

static inline int unit_exit(void)
{
	fflush(stdout);
	return unit_failures ? 1 : 0;
}

#endif
