/* SPDX-License-Identifier: GPL-2.0 */
/* Names of errno values, syscalls, signals, TCP states and capabilities. */
#ifndef BPFSCOPE_NAMES_H
#define BPFSCOPE_NAMES_H

const char *errno_name(int err);       /* "ENOENT"; NULL if unknown */
const char *syscall_name(int nr);      /* "openat"; NULL if unknown */
int syscall_number(const char *name);  /* -1 if unknown */
const char *signal_name(int sig);      /* "SIGINT"; NULL if unknown */
const char *tcp_state_name(int state); /* "ESTABLISHED"; NULL if unknown */
const char *capability_name(int cap);  /* "CAP_CHOWN"; NULL if unknown */

#endif
