// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the language runtimes and databases whose USDT probes
 * javagc, ucalls, uflow, dbslower and mysqld_qslower read, for machines
 * (the test kernels' busybox guests) that have none.  It fires the same
 * probes with the same arguments as the real ones, once a tracer has raised
 * the semaphore of the last probe of a pair (the one a tool attaches last;
 * CPython and PostgreSQL test theirs the same way), or after WAIT_MS anyway
 * (so a process a tool filters out still fires; see wait_enabled):
 *
 *	usdt_runtime WAIT_MS python FILE FUNC N   function__entry/return: FUNC, inside it "inner"
 *	usdt_runtime WAIT_MS java CLASS METHOD N  hotspot:method__entry/return (lengths, no NUL)
 *	usdt_runtime WAIT_MS gc N MS              hotspot:gc__begin, MS ms, gc__end; N times
 *	usdt_runtime WAIT_MS postgres QUERY MS    postgresql:query__start, MS ms, query__done
 *	usdt_runtime WAIT_MS mysql QUERY MS       mysql:query__start, MS ms, query__done
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "usdt_sdt.h"

USDT_SEMAPHORE(python, function__entry);
USDT_SEMAPHORE(python, function__return);
USDT_SEMAPHORE(hotspot, method__entry);
USDT_SEMAPHORE(hotspot, method__return);
USDT_SEMAPHORE(hotspot, gc__begin);
USDT_SEMAPHORE(hotspot, gc__end);
USDT_SEMAPHORE(postgresql, query__start);
USDT_SEMAPHORE(postgresql, query__done);
USDT_SEMAPHORE(mysql, query__start);
USDT_SEMAPHORE(mysql, query__done);

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts))
		;
}

/*
 * A probe placed at several sites is attached one site at a time, and the
 * semaphore rises with the first: once it is up, give the rest a tenth of
 * WAIT_MS to follow.
 */
static void wait_enabled(volatile unsigned short *sem, long wait_ms)
{
	long left = wait_ms;

	for (; left > 0 && !*sem; left -= 10)
		sleep_ms(10);
	if (*sem)
		sleep_ms(wait_ms / 10);
}

static void python_calls(const char *file, const char *func, long n)
{
	for (; n > 0; n--) {
		USDT3(python, function__entry, file, func, 10);
		USDT3(python, function__entry, file, "inner", 20);
		USDT3(python, function__return, file, "inner", 20);
		USDT3(python, function__return, file, func, 10);
	}
}

static void java_calls(const char *clazz, const char *method, long n)
{
	long cl = strlen(clazz), ml = strlen(method);

	/* (thread, class, class length, method, method length): the names are not NUL-ended */
	for (; n > 0; n--) {
		USDT5(hotspot, method__entry, 1, clazz, cl, method, ml);
		USDT5(hotspot, method__return, 1, clazz, cl, method, ml);
	}
}

static void gcs(long n, long ms)
{
	for (; n > 0; n--) {
		USDT1(hotspot, gc__begin, 0);
		sleep_ms(ms);
		USDT0(hotspot, gc__end);
	}
}

int main(int argc, char **argv)
{
	long wait_ms = argc > 2 ? atol(argv[1]) : 0;
	const char *mode = argc > 2 ? argv[2] : "";

	if (!strcmp(mode, "python") && argc == 6) {
		wait_enabled(&python_function__return_semaphore, wait_ms);
		python_calls(argv[3], argv[4], atol(argv[5]));
	} else if (!strcmp(mode, "java") && argc == 6) {
		wait_enabled(&hotspot_method__return_semaphore, wait_ms);
		java_calls(argv[3], argv[4], atol(argv[5]));
	} else if (!strcmp(mode, "gc") && argc == 5) {
		wait_enabled(&hotspot_gc__end_semaphore, wait_ms);
		gcs(atol(argv[3]), atol(argv[4]));
	} else if (!strcmp(mode, "postgres") && argc == 5) {
		wait_enabled(&postgresql_query__done_semaphore, wait_ms);
		USDT1(postgresql, query__start, argv[3]);
		sleep_ms(atol(argv[4]));
		USDT1(postgresql, query__done, argv[3]);
	} else if (!strcmp(mode, "mysql") && argc == 5) {
		wait_enabled(&mysql_query__done_semaphore, wait_ms);
		USDT5(mysql, query__start, argv[3], 7, "db", "user", "localhost");
		sleep_ms(atol(argv[4]));
		USDT1(mysql, query__done, 0);
	} else {
		fprintf(stderr, "usage: usdt_runtime WAIT_MS python|java|gc|postgres|mysql ...\n");
		return 2;
	}
	return 0;
}
