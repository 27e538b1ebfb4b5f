/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UCALLS_H
#define UCALLS_H

#include "ulangname.h"

#define MAX_METHODS  16384 /* distinct methods counted */
#define MAX_SYSCALLS 1024
#define MAX_DEPTH    64 /* nested calls of a thread timed with -L */

struct call_stats {
	__u64 count;
	__u64 ns; /* -L: time from entry to return, summed */
};

#endif
