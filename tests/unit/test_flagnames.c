// SPDX-License-Identifier: GPL-2.0
/* Flag and value names (lib/flagnames.c): bits, multi-bit fields, unknown bits, truncation. */
#include <string.h>

#include "flagnames.h"
#include "unit.h"

#define B_A    0x1
#define B_B    0x4
#define F_MASK 0x70
#define F_ONE  0x10
#define F_TWO  0x20
#define F_ZERO 0x00

static const struct flag_name table[] = {
	FLAG(B_A), FLAG(B_B), FIELD(F_MASK, F_ZERO), FIELD(F_MASK, F_ONE), FIELD(F_MASK, F_TWO), {},
};

static void test_join(void)
{
	char buf[128];

	CHECK_STR("flagnames: no flags is 0x0", flags_join(table, 0, "|", buf, sizeof(buf)), "0x0");
	CHECK_STR("flagnames: bits in table order",
		  flags_join(table, B_B | B_A, " | ", buf, sizeof(buf)), "B_A | B_B");
	CHECK_STR("flagnames: a field value by its mask, not as bits",
		  flags_join(table, F_TWO | B_A, "|", buf, sizeof(buf)), "B_A|F_TWO");
	CHECK_STR("flagnames: a field value of 0 is not named",
		  flags_join(table, B_B, "|", buf, sizeof(buf)), "B_B");
	CHECK_STR("flagnames: unknown bits last in hex, field values left out",
		  flags_join(table, 0x100 | F_MASK | B_A, "|", buf, sizeof(buf)), "B_A|0x170");
	CHECK_STR("flagnames: a short buffer is cut, still a string",
		  flags_join(table, B_A | B_B, "|", buf, 4), "B_A");
}

static void test_names(void)
{
	char buf[64];
	size_t n = flag_names(table, B_A | 0x200, buf, sizeof(buf));

	CHECK("flagnames: names NUL-separated with the rest",
	      n == 10 && !memcmp(buf,
				 "B_A\0"
				 "0x200\0",
				 10),
	      "n %zu", n);
	CHECK("flagnames: names that do not fit are left out", flag_names(table, B_A, buf, 3) == 0,
	      "wrote a name into 3 bytes");
	CHECK_STR("flagnames: value_name finds 0 too", value_name(table, F_ZERO), "F_ZERO");
	CHECK("flagnames: value_name of an unknown value is NULL", !value_name(table, 0x33),
	      "found one");
}

int main(void)
{
	test_join();
	test_names();
	return unit_exit();
}
