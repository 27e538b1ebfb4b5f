// SPDX-License-Identifier: GPL-2.0
/* errno, syscall, signal and TCP state names. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "names.h"
#include "syscall_names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *errno_name(int err)
{
	if (err < 0)
		err = -err;
	return strerrorname_np(err);
}

const char *syscall_name(int nr)
{
	if (nr < 0 || (size_t)nr >= ARRAY_SIZE(syscall_names_table))
		return NULL;
	return syscall_names_table[nr];
}

int syscall_number(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(syscall_names_table); i++) {
		if (syscall_names_table[i] && !strcmp(syscall_names_table[i], name))
			return i;
	}
	return -1;
}

const char *signal_name(int sig)
{
	static __thread char buf[16];
	const char *abbrev = sigabbrev_np(sig);

	if (!abbrev)
		return NULL;
	strcpy(buf, "SIG");
	strncat(buf, abbrev, sizeof(buf) - 4);
	return buf;
}

const char *tcp_state_name(int state)
{
	static const char *const names[] = {
		[1] = "ESTABLISHED", [2] = "SYN_SENT",	[3] = "SYN_RECV", [4] = "FIN_WAIT1",
		[5] = "FIN_WAIT2",   [6] = "TIME_WAIT", [7] = "CLOSE",	  [8] = "CLOSE_WAIT",
		[9] = "LAST_ACK",    [10] = "LISTEN",	[11] = "CLOSING", [12] = "NEW_SYN_RECV",
	};

	if (state < 0 || (size_t)state >= ARRAY_SIZE(names))
		return NULL;
	return names[state];
}
