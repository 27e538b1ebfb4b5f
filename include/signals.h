/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signals, for sigsnoop and killsnoop: the record both send (plain C types,
 * also read by include/bpf/signals.bpf.h), and on the user side signal names,
 * the -s list, the choice of the kill syscalls' hooks and the row both print.
 */
#ifndef BPFSCOPE_SIGNALS_H
#define BPFSCOPE_SIGNALS_H

#ifndef __bpf__
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#endif

#include "shared.h"

#define SIGNAL_MAX 64 /* the kernel's _NSIG */

/* What a record reports. */
enum signal_source {
	SIGNAL_GENERATED, /* signal:signal_generate; ret: its result (enum signal_result) */
	SIGNAL_KILL,	  /* kill(2); ret: the syscall's return */
	SIGNAL_TKILL,	  /* tkill(2) */
	SIGNAL_TGKILL,	  /* tgkill(2) */
};

/* signal_generate's result (the kernel's enum trace_signal_result). */
enum signal_result {
	SIGNAL_DELIVERED,
	SIGNAL_IGNORED,
	SIGNAL_ALREADY_PENDING,
	SIGNAL_OVERFLOW_FAIL,
	SIGNAL_LOSE_INFO,
};

/*
 * pid, tid, comm, uid: the sender (the current task).  tpid: the target
 * thread for a generated signal, else the id the caller passed (kill's may
 * be 0 or negative: a process group).  ttgid: the target's process where
 * known (a generated signal's, tgkill's tgid), else 0.
 */
struct signal_event {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 tpid;
	__s32 ttgid;
	__s32 sig;
	__s32 ret;
	__s32 code; /* si_code of a generated signal */
	__u8 source;
	__u8 group; /* a generated signal for the whole process */
	__u8 pad[2];
	char comm[TASK_COMM_LEN];
	char tcomm[TASK_COMM_LEN]; /* a generated signal's target */
};

#ifndef __bpf__
struct bpf_object;
struct row;

/*
 * "SIGUSR1"; real-time signals as glibc numbers them, "SIGRTMIN+3" from
 * SIGRTMIN (34) and "SIGRTMAX" for 64, "SIG32"/"SIG33" below it (taken by
 * the C library).  NULL outside 1..64.  Written into buf.
 */
const char *signal_label(int sig, char *buf, size_t len);

/* A signal by number (0..64) or name ("9", "KILL", "sigkill", "RTMIN+2"); -1 if none. */
int signal_parse(const char *s);

/* Signals a -s list asks for (0..64); none set: every signal. */
struct signal_set {
	unsigned long long mask; /* bit n - 1: signal n */
	bool zero;		 /* signal 0 (kill's existence check) */
	bool any;		 /* -s was given */
};

/* Add "9,TERM,SIGUSR1" to set; a bad entry is a usage error naming opt (exits). */
void signal_set_parse(const char *opt, const char *list, struct signal_set *set);

/* Before load: the -s filter into the object's rodata (include/bpf/signals.bpf.h). */
int signal_set_apply(struct bpf_object *obj, const struct signal_set *set);

/*
 * The kill(2), tkill(2) and tgkill(2) programs of include/bpf/signals.bpf.h:
 * on: their syscall tracepoints, else raw_syscalls (include/syscalls.h),
 * -1 after saying why neither works; off: none of them loads.
 */
int signal_kill_hooks(struct bpf_object *obj, bool on);

/* How a tool lays out the shared columns TIME PID COMM SIG TPID RESULT. */
struct signal_columns {
	int time_width;
	int sig_width;
	int tpid_width;
	bool names;	       /* SIG as a name (-n) */
	const char *zero_name; /* signal 0 with names */
};

/* One record as a row (include/row.h): the columns, and in JSON every field known. */
void signal_row(struct row *r, const struct signal_event *e, const struct signal_columns *c);
#endif

#endif
