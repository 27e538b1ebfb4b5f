// SPDX-License-Identifier: GPL-2.0
/* Port lists of the TCP session tools; see include/ports.h. */
#include <string.h>

#include "cli.h"
#include "ports.h"

void port_set_parse(struct port_set *s, const char *opt, const char *arg)
{
	const char *p = arg;
	char tok[8];
	long port;

	do {
		size_t len = strcspn(p, ",");

		if (!len)
			cli_bad_value(opt, arg, "an empty port in the list");
		if (len >= sizeof(tok))
			cli_bad_value(opt, arg, "not a port number (0-65535)");
		memcpy(tok, p, len);
		tok[len] = '\0';
		port = cli_parse_long(opt, tok, 0, 65535);
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
