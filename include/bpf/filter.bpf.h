/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filters every tool shares, configured through rodata before load so the
 * verifier drops the branches a run does not use.
 */
#ifndef BPFSCOPE_FILTER_BPF_H
#define BPFSCOPE_FILTER_BPF_H

const volatile __u32 filter_tgid = 0;	/* -p: process */
const volatile __u32 filter_tid = 0;	/* -L / -t: thread */
const volatile __u32 filter_uid = -1;	/* -u: user; (u32)-1 = any */
const volatile bool filter_cgroup = false; /* -c: cgroup in filter_cgroup_map */

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} filter_cgroup_map SEC(".maps");

/* Does the current task pass the pid/tid/uid/cgroup filters? */
static __always_inline bool filter_current(void)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (filter_tgid && (id >> 32) != filter_tgid)
		return false;
	if (filter_tid && (__u32)id != filter_tid)
		return false;
	if (filter_uid != (__u32)-1 && (__u32)bpf_get_current_uid_gid() != filter_uid)
		return false;
	if (filter_cgroup && !bpf_current_task_under_cgroup(&filter_cgroup_map, 0))
		return false;
	return true;
}

/* The same for a task that is not current (e.g. a task being woken). */
static __always_inline bool filter_task(__u32 tgid, __u32 tid)
{
	if (filter_tgid && tgid != filter_tgid)
		return false;
	if (filter_tid && tid != filter_tid)
		return false;
	return true;
}

#endif
