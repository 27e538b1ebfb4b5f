/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What offcputime, wakeuptime and offwaketime share on the user side
 * (include/bpf/offcpu.bpf.h is the kernel side): their common options, the
 * configuration of the object, and the run, which names user stacks while
 * their processes run and prints the counts at the end.
 *
 * A tool lists the options it has in its own argp table with these keys
 * and letters, hands its parse_opt's keys to offcpu_parse_opt() first, and
 * calls offcpu_run() with its opened skeleton.
 */
#ifndef BPFSCOPE_OFFCPU_H
#define BPFSCOPE_OFFCPU_H

#include <argp.h>
#include <stdbool.h>

#include "stacks.h"

enum {
	OFFCPU_OPT_STATE = 0x300,	 /* --state */
	OFFCPU_OPT_STACK_STORAGE,	 /* --stack-storage-size */
	OFFCPU_OPT_MAX_DEPTH,		 /* --perf-max-stack-depth */
	OFFCPU_OPT_USER_THREADS = 'u',	 /* -u */
	OFFCPU_OPT_KERNEL_THREADS = 'k', /* -k */
	OFFCPU_OPT_USER_STACKS = 'U',	 /* -U */
	OFFCPU_OPT_KERNEL_STACKS = 'K',	 /* -K */
	OFFCPU_OPT_DELIMITED = 'd',	 /* -d */
	OFFCPU_OPT_FOLDED = 'f',	 /* -f */
	OFFCPU_OPT_MIN = 'm',		 /* -m */
	OFFCPU_OPT_MAX = 'M',		 /* -M */
};

struct offcpu_opts {
	bool user_threads, kernel_threads;	   /* -u, -k */
	bool user_stacks_only, kernel_stacks_only; /* -U, -K */
	bool delimited, folded;			   /* -d, -f */
	long state;				   /* --state; -1: any */
	unsigned long long min_us, max_us;	   /* -m, -M */
	long stack_storage;			   /* --stack-storage-size */
	long max_depth;				   /* --perf-max-stack-depth; 0: the kernel's */
};

extern struct offcpu_opts offcpu_opts;

/* 0 if key is one of the shared options (parsed into offcpu_opts), else ARGP_ERR_UNKNOWN. */
error_t offcpu_parse_opt(int key, char *arg);
/* At ARGP_KEY_END: -p, -t, -u and -k are exclusive, and so are -U and -K, -m above -M. */
void offcpu_check_opts(void);

/* For the header, as BCC words it: "PID 185", "TID 188", "user threads", "all threads"... */
const char *offcpu_threads_desc(void);
/* "user + kernel", "user" (-U) or "kernel" (-K). */
const char *offcpu_stacks_desc(void);
/* " for 5 secs." or "... Hit Ctrl-C to end." */
const char *offcpu_until_desc(void);

struct bpf_object_skeleton;

struct offcpu_tool {
	struct bpf_object_skeleton *skel; /* opened, not loaded */
	bool pairs;			  /* counts per struct wake_key, else per stack_key */
	enum wake_layout layout;	  /* pairs: how they print */
	bool blocked_only;		  /* trace sleeps only, not preemptions (wakeuptime) */
	bool no_user_stacks;		  /* the tool never records user stacks (wakeuptime) */
	void (*print_header)(void);	  /* text mode, multi-line output only */
};

/*
 * Configure (the rodata of bpf/offcpu.bpf.h, map sizes, the hooks: tp_btf,
 * else raw_tp), load, attach, wait for the end (-d or the duration, a
 * signal), print the counts.  Returns the exit status.
 */
int offcpu_run(const struct offcpu_tool *t);

#endif
