// SPDX-License-Identifier: GPL-2.0
/* lib/accept.c: -P port lists. */
#include <stdio.h>
#include <string.h>

#include "accept.h"
#include "shared.h"
#include "unit.h"

static __u64 bits[PORT_SET_WORDS];

static const char *parse(const char *arg)
{
	memset(bits, 0, sizeof(bits));
	return port_set_parse(arg, bits);
}

static unsigned int count(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < PORT_SET_WORDS; i++)
		n += __builtin_popcountll(bits[i]);
	return n;
}

static void test_lists(void)
{
	CHECK("one port", !parse("80") && port_set_has(bits, 80) && count() == 1, "%u", count());
	CHECK("a list",
	      !parse("80,443,0,65535") && port_set_has(bits, 443) && port_set_has(bits, 0) &&
		      port_set_has(bits, 65535) && count() == 4,
	      "%u", count());
	CHECK("a range, inclusive",
	      !parse("8000-8063,22") && port_set_has(bits, 8000) && port_set_has(bits, 8063) &&
		      !port_set_has(bits, 8064) && count() == 65,
	      "%u", count());
	CHECK("ranges across words", !parse("60-130") && count() == 71 && port_set_has(bits, 64),
	      "%u", count());
	CHECK("neighbours stay out",
	      !parse("1000") && !port_set_has(bits, 999) && !port_set_has(bits, 1001), "set");
	CHECK("past 65535 is not a port", !port_set_has(bits, 70000), "in");
}

static void test_errors(void)
{
	static const char *const bad[] = {
		"",    "65536", "-1",	 "80,", ",80",	"80,,81", "8a",
		" 80", "80 ",	"90-80", "80-", "0x50", "1-2-3",  "+80"
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char name[64];

		snprintf(name, sizeof(name), "'%s' is rejected", bad[i]);
		CHECK(name, parse(bad[i]) != NULL, "accepted");
	}
}

int main(void)
{
	test_lists();
	test_errors();
	return unit_exit();
}
