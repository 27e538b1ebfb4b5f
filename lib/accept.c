// SPDX-License-Identifier: GPL-2.0
/* Port lists (-P): see include/accept.h. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>

#include "accept.h"

/* A port at *p (decimal digits only), advancing *p past it; false if there is none. */
static bool parse_port(const char **p, unsigned long *port)
{
	const char *s = *p;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (*s++ - '0');
		if (v > 65535)
			return false;
	}
	*p = s;
	*port = v;
	return true;
}

const char *port_set_parse(const char *arg, __u64 *bits)
{
	const char *p = arg;
	unsigned long lo, hi, port;

	if (!*p)
		return "empty port list";
	for (;;) {
		if (!parse_port(&p, &lo))
			return "ports are numbers 0..65535, separated by commas";
		hi = lo;
		if (*p == '-') {
			p++;
			if (!parse_port(&p, &hi))
				return "a range is LOW-HIGH, both 0..65535";
			if (hi < lo)
				return "a range must not end below its start";
		}
		for (port = lo; port <= hi; port++)
			bits[port >> 6] |= 1ULL << (port & 63);
		if (!*p)
			return NULL;
		if (*p++ != ',' || !*p)
			return "ports are numbers 0..65535, separated by commas";
	}
}
