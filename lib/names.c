// SPDX-License-Identifier: GPL-2.0
/* errno, syscall, signal, TCP state and capability names. */
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

/* include/uapi/linux/capability.h, numbered as there (0 to 40 as of Linux 6.18). */
const char *capability_name(int cap)
{
	static const char *const names[] = {
		"CAP_CHOWN",
		"CAP_DAC_OVERRIDE",
		"CAP_DAC_READ_SEARCH",
		"CAP_FOWNER",
		"CAP_FSETID",
		"CAP_KILL",
		"CAP_SETGID",
		"CAP_SETUID",
		"CAP_SETPCAP",
		"CAP_LINUX_IMMUTABLE",
		"CAP_NET_BIND_SERVICE",
		"CAP_NET_BROADCAST",
		"CAP_NET_ADMIN",
		"CAP_NET_RAW",
		"CAP_IPC_LOCK",
		"CAP_IPC_OWNER",
		"CAP_SYS_MODULE",
		"CAP_SYS_RAWIO",
		"CAP_SYS_CHROOT",
		"CAP_SYS_PTRACE",
		"CAP_SYS_PACCT",
		"CAP_SYS_ADMIN",
		"CAP_SYS_BOOT",
		"CAP_SYS_NICE",
		"CAP_SYS_RESOURCE",
		"CAP_SYS_TIME",
		"CAP_SYS_TTY_CONFIG",
		"CAP_MKNOD",
		"CAP_LEASE",
		"CAP_AUDIT_WRITE",
		"CAP_AUDIT_CONTROL",
		"CAP_SETFCAP",
		"CAP_MAC_OVERRIDE",
		"CAP_MAC_ADMIN",
		"CAP_SYSLOG",
		"CAP_WAKE_ALARM",
		"CAP_BLOCK_SUSPEND",
		"CAP_AUDIT_READ",
		"CAP_PERFMON",
		"CAP_BPF",
		"CAP_CHECKPOINT_RESTORE",
	};

	if (cap < 0 || (size_t)cap >= ARRAY_SIZE(names))
		return NULL;
	return names[cap];
}
