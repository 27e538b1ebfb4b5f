/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Option groups: the options many tools share, each validated once, here,
 * with a one-line error.  A tool picks the groups it has and the letter each
 * gets (BCC's letters differ between tools: -t is a thread in opensnoop and a
 * timestamp in execsnoop).  The filter groups set the BPF side themselves
 * (include/bpf/filter.bpf.h) when the runner loads the object.
 *
 *	static const struct opt_pick picks[] = {
 *		{ OPT_PID, 'p' }, { OPT_UID, 'u' }, { OPT_CGROUP, 'c' },
 *		{ OPT_TIME, 'T', "timestamp", "Print a time column (HH:MM:SS)" },
 *		{},
 *	};
 *	tool_parse(&argp, picks, argc, argv);
 *	if (gopts.time) ...
 */
#ifndef BPFSCOPE_OPTS_H
#define BPFSCOPE_OPTS_H

#include <argp.h>
#include <stdbool.h>
#include <sys/types.h>

#include "shared.h"

enum opt_group {
	OPT_END,
	OPT_PID,       /* -p PID[,PID...]: live processes */
	OPT_TID,       /* -t TID[,TID...]: live threads */
	OPT_UID,       /* -u UID: a number or a user name */
	OPT_COMM,      /* -n NAME: command names containing NAME (at most 15 bytes) */
	OPT_CGROUP,    /* -c PATH: a cgroup v2 directory */
	OPT_DURATION,  /* -d SECS; key 0: the positional [DURATION] */
	OPT_INTERVAL,  /* the positional [INTERVAL [COUNT]] (key unused) */
	OPT_TIME,      /* a time-of-day (HH:MM:SS) column or line */
	OPT_TIMESTAMP, /* a seconds-since-start column */
	OPT_FAILED,    /* -x: failed calls (only, or also: the tool's doc says) */
	OPT_PER_PID,   /* -P: one histogram (or row) per process */
	OPT_PER_TID,   /* -L: one per thread */
	OPT_IPV4,      /* -4: IPv4 only */
	OPT_IPV6,      /* -6: IPv6 only */
	OPT_NOCLEAR,   /* -C: top views do not clear the screen (include/top.h) */
	OPT_MAXROWS,   /* -r ROWS: rows a top view prints per interval (default 20) */
};

struct opt_pick {
	enum opt_group group;
	int key;	  /* the option's letter (or any argp key) */
	const char *name; /* long name; NULL: the group's */
	const char *doc;  /* help text; NULL: the group's */
};

enum key_by { KEY_NONE, KEY_PID, KEY_TID };

#define OPT_IDS_MAX 1024 /* processes or threads one -p or -t names */

/* The values the picked groups parsed (gopts: group options); defaults for the rest. */
struct group_opts {
	pid_t pids[OPT_IDS_MAX]; /* -p; npids 0: any */
	int npids;
	pid_t tids[OPT_IDS_MAX]; /* -t; ntids 0: any */
	int ntids;
	long uid; /* -1: any */
	char comm[TASK_COMM_LEN];
	const char *cgroup; /* NULL: any */
	int duration;	    /* seconds; 0: until stopped */
	int interval;	    /* seconds; INT_MAX: one at the end */
	int count;	    /* intervals; INT_MAX: until stopped */
	bool time;
	bool timestamp;
	bool failed;
	enum key_by key_by;
	int ip; /* 4 or 6: only that IP version (BPF: filter_ip); 0: both */
	bool noclear;
	int maxrows;
};

extern struct group_opts gopts;

/*
 * Parse argv: the tool's argp (its parser sees its own keys; positional
 * arguments it returns ARGP_ERR_UNKNOWN for go to the picked groups), the
 * picked groups (ended by an OPT_END entry), and the common options.
 */
void tool_parse(const struct argp *argp, const struct opt_pick *picks, int argc, char **argv);

struct bpf_object;
/* Before load: set the BPF filters of include/bpf/filter.bpf.h from opts. */
int opts_set_filters(struct bpf_object *obj);
/* After load: the -c cgroup and the -p/-t lists into their filter maps. */
int opts_fill_filters(struct bpf_object *obj);

#endif
