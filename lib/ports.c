// SPDX-License-Identifier: GPL-2.0
/* Port lists of the network tools; see include/ports.h. */
#include <string.h>

#include "cli.h"
#include "ports.h"

/* One port of a list, or the end of a range: a one-line error naming opt if it is none. */
static long parse_port(const char *opt, const char *arg, const char *p, size_t len)
{
	char tok[8];

	if (!len)
		cli_bad_value(opt, arg, "an empty port in the list");
	if (len >= sizeof(tok))
		cli_bad_value(opt, arg, "not a port number (0-65535)");
	memcpy(tok, p, len);
	tok[len] = '\0';
	return cli_parse_long(opt, tok, 0, 65535);
}

void port_set_parse(struct port_set *s, const char *opt, const char *arg)
{
	const char *p = arg, *dash;
	long lo, hi, port;

	do {
		size_t len = strcspn(p, ",");

		dash = memchr(p, '-', len);
		lo = parse_port(opt, arg, p, dash ? (size_t)(dash - p) : len);
		hi = dash ? parse_port(opt, arg, dash + 1, len - (dash + 1 - p)) : lo;
		if (hi < lo)
			cli_bad_value(opt, arg, "a range must not end below its start");
		for (port = lo; port <= hi; port++)
			s->bits[port >> 3] |= 1 << (port & 7);
		s->n++;
		p += len;
	} while (*p++ == ',');
}

bool port_set_has(const struct port_set *s, unsigned int port)
{
	return port < 65536 && (s->bits[port >> 3] & (1 << (port & 7)));
}

void port_set_copy(const struct port_set *s, volatile unsigned char *bits, volatile bool *on)
{
	size_t i;

	*on = s->n > 0;
	for (i = 0; i < sizeof(s->bits); i++)
		bits[i] = s->bits[i];
}
