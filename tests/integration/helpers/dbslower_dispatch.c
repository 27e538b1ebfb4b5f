// SPDX-License-Identifier: GPL-2.0
/*
 * A MySQL 5.7+ server's query dispatch without USDT probes, for dbslower -x:
 * dispatch_command(thd, com_data, COM_QUERY) by its C++ name, taking MS ms.
 *	dbslower_dispatch DELAY_MS QUERY MS
 */
#include <stdlib.h>
#include <time.h>

struct com_data {
	const char *query;
	unsigned long length;
};

#define COM_QUERY 3

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts))
		;
}

__attribute__((noinline)) int
dispatch_command(void *thd, const struct com_data *cd,
		 int command) __asm__("_Z16dispatch_commandP3THDPK8COM_DATA19enum_server_command");

int dispatch_command(void *thd, const struct com_data *cd, int command)
{
	if (thd && cd->query && command == COM_QUERY)
		sleep_ms((long)thd);
	return 0;
}

int main(int argc, char **argv)
{
	struct com_data cd = { argc > 2 ? argv[2] : "", 0 };

	if (argc != 4)
		return 2;
	sleep_ms(atol(argv[1]));
	dispatch_command((void *)atol(argv[3]), &cd, COM_QUERY);
	dispatch_command((void *)atol(argv[3]), &cd, 1); /* COM_QUIT: not a query */
	return 0;
}
