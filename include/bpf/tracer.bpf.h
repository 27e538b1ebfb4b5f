/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Socket facts tcptracer and tcpsubnet read in BPF, beside the tuple of
 * include/bpf/net.bpf.h: is it a TCP socket, its network namespace, is its
 * file being released.
 */
#ifndef BPFSCOPE_TRACER_BPF_H
#define BPFSCOPE_TRACER_BPF_H

#include <bpf/bpf_core_read.h>

#ifndef SOCK_STREAM
#define SOCK_STREAM 1
/* struct file before Linux 6.13 (commit 90ee6ed776c0, "fs: port files to file_ref"). */
struct file___f_count {
	atomic_long_t f_count;
} __attribute__((preserve_access_index));

/*
 * Is f's last reference gone: is __fput() releasing it (close() of the last
 * descriptor, an exit)?  f_count is then 0; a file_ref (6.13+) is negative
 * (FILE_REF_DEAD).
 */
static __always_inline bool file_released(struct file *f)
{
	struct file___f_count *old = (void *)f;

	if (!f)
		return false;
	if (bpf_core_field_exists(old->f_count))
		return BPF_CORE_READ(old, f_count.counter) <= 0;
	return (long)BPF_CORE_READ(f, f_ref.refcnt.counter) < 0;
}

/* Is sk's socket file being released: is tcp_close() running for a close()? */
static __always_inline bool sock_file_released(const struct sock *sk)
{
	return file_released(BPF_CORE_READ(sk, sk_socket, file));
}

#endif

/*
 * A TCP stream socket (MPTCP's own sockets excluded: their subflows are TCP).
 * sk_protocol and sk_type were bitfields until Linux 5.6 (commit bf9765145b85,
 * "sock: Make sk_protocol a 16-bit value"): read as such, which works both ways.
 */
static __always_inline bool sock_is_tcp(const struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) == IPPROTO_TCP &&
	       BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type) == SOCK_STREAM;
}

/* The inode number of sk's network namespace (ip netns, lsns); 0 without CONFIG_NET_NS. */
static __always_inline __u32 sock_netns(const struct sock *sk)
{
	if (!bpf_core_field_exists(sk->__sk_common.skc_net.net))
		return 0;
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

#endif
