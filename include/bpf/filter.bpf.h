/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filters every tool shares, set by the option groups of lib/opts.c through
 * rodata before load (no tool writes them), so the verifier drops the
 * branches a run does not use.
 */
#ifndef BPFSCOPE_FILTER_BPF_H
#define BPFSCOPE_FILTER_BPF_H

#include <bpf/bpf_core_read.h>

#include "shared.h"

const volatile __u32 filter_tgid = 0;	   /* -p: process */
const volatile __u32 filter_tid = 0;	   /* -t / -L: thread */
const volatile bool filter_tgid_set = false; /* -p with several: in filter_tgids */
const volatile bool filter_tid_set = false;  /* -t with several: in filter_tids */
const volatile __u32 filter_uid = -1;	   /* -u: user; (u32)-1 = any */
const volatile bool filter_cgroup = false; /* -c: cgroup in filter_cgroup_map */
/* -n: command names containing filter_comm (filter_comm_len bytes) */
const volatile char filter_comm[TASK_COMM_LEN] = {};
const volatile __u32 filter_comm_len = 0;
/* The tool itself, never reported (as numbered in pidns_ino when that is set). */
const volatile __u32 self_tgid = 0;
/*
 * The tool's PID namespace when it is not the initial one: its -p/-t
 * numbers and self_tgid are numbers in that namespace (Linux 5.7 helper).
 */
const volatile __u64 pidns_dev = 0;
const volatile __u64 pidns_ino = 0;

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} filter_cgroup_map SEC(".maps");

/* -p/-t lists of more than one id (sized and filled by lib/opts.c). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8);
} filter_tgids SEC(".maps"), filter_tids SEC(".maps");

static __always_inline bool ids_match(__u32 tgid, __u32 tid)
{
	if (filter_tgid && tgid != filter_tgid)
		return false;
	if (filter_tgid_set && !bpf_map_lookup_elem(&filter_tgids, &tgid))
		return false;
	if (filter_tid && tid != filter_tid)
		return false;
	if (filter_tid_set && !bpf_map_lookup_elem(&filter_tids, &tid))
		return false;
	return true;
}

static __always_inline bool ids_filtered(void)
{
	return filter_tgid || filter_tid || filter_tgid_set || filter_tid_set;
}

/* Process and thread id of the current task, as the tool's PID namespace numbers them. */
static __always_inline __u64 current_ids(void)
{
	struct bpf_pidns_info ns = {};

	if (!pidns_ino)
		return bpf_get_current_pid_tgid();
	if (bpf_get_ns_current_pid_tgid(pidns_dev, pidns_ino, &ns, sizeof(ns)))
		return 0; /* not visible from the tool's namespace */
	return (__u64)ns.tgid << 32 | ns.pid;
}

/* Does the current command name contain filter_comm? */
static __always_inline bool comm_matches(void)
{
	char comm[TASK_COMM_LEN];
	__u32 i, j;

	if (!filter_comm_len)
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
	for (i = 0; i + filter_comm_len < TASK_COMM_LEN; i++) {
		for (j = 0; j < filter_comm_len && i + j < TASK_COMM_LEN; j++) {
			if (comm[i + j] != filter_comm[j])
				break;
		}
		if (j == filter_comm_len)
			return true;
	}
	return false;
}

/*
 * Does the current task pass the self, pid/tid, uid and cgroup filters?  For
 * a tool that checks the name later (execsnoop: the name after the exec).
 */
static __always_inline bool filter_current_but_comm(void)
{
	__u64 id = current_ids();

	if (self_tgid && (id >> 32) == self_tgid)
		return false;
	if (!ids_match(id >> 32, (__u32)id))
		return false;
	if (filter_uid != (__u32)-1 && (__u32)bpf_get_current_uid_gid() != filter_uid)
		return false;
	if (filter_cgroup && !bpf_current_task_under_cgroup(&filter_cgroup_map, 0))
		return false;
	return true;
}

/* Does the current task pass every filter: the above and the name (-n)? */
static __always_inline bool filter_current(void)
{
	return filter_current_but_comm() && comm_matches();
}

/* The number of pid in the tool's PID namespace, 0 if it has none there. */
static __always_inline __u32 pid_nr_in_tool_ns(struct pid *pid)
{
	unsigned int level, i;

	if (!pid)
		return 0;
	level = BPF_CORE_READ(pid, level);
	for (i = 0; i <= level && i < 32; i++) {
		struct upid *up = (void *)pid + bpf_core_field_offset(struct pid, numbers) +
				  i * bpf_core_type_size(struct upid);

		if (BPF_CORE_READ(up, ns, ns.inum) == pidns_ino)
			return BPF_CORE_READ(up, nr);
	}
	return 0;
}

/* The process id of task t as the tool's PID namespace numbers it (0: not visible there). */
static __always_inline __u32 task_tgid_in_tool_ns(struct task_struct *t)
{
	if (!pidns_ino)
		return BPF_CORE_READ(t, tgid);
	return pid_nr_in_tool_ns(BPF_CORE_READ(t, group_leader, thread_pid));
}

/* The thread id of task t as the tool's PID namespace numbers it (0: not visible there). */
static __always_inline __u32 task_tid_in_tool_ns(struct task_struct *t)
{
	if (!pidns_ino)
		return BPF_CORE_READ(t, pid);
	return pid_nr_in_tool_ns(BPF_CORE_READ(t, thread_pid));
}

/* Does task t (not necessarily current, e.g. one being woken) pass the -p/-t filters? */
static __always_inline bool filter_task(struct task_struct *t)
{
	__u32 tgid, tid;

	if (!ids_filtered())
		return true;
	if (pidns_ino) {
		tid = pid_nr_in_tool_ns(BPF_CORE_READ(t, thread_pid));
		tgid = task_tgid_in_tool_ns(t);
	} else {
		tid = BPF_CORE_READ(t, pid);
		tgid = BPF_CORE_READ(t, tgid);
	}
	return ids_match(tgid, tid);
}

#endif
