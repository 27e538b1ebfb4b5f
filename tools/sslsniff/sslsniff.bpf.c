// SPDX-License-Identifier: GPL-2.0
/*
 * sslsniff: the plaintext TLS libraries read and write.  At a call's entry
 * the buffer (and for the _ex functions, where the length will be written)
 * is kept per thread; at its return the bytes really read or written are
 * copied from that buffer.  User space attaches the uprobes to libssl,
 * libgnutls and libnspr4.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "sslsniff.h"

const volatile __u32 max_buffer_size = DEFAULT_BUF_SIZE;

struct pending {
	__u64 ts_ns;
	__u64 buf;
	__u64 len_ptr; /* _ex: where the length goes; 0: the return value is the length */
	__u32 call;
};

/* Thread -> the call it is in; LRU: a thread that never returns leaves one. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct pending);
} pending SEC(".maps");

/* The record is built here: it is larger than the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ssl_event);
} scratch SEC(".maps");

static __always_inline int on_call(__u32 call, const void *buf, const void *len_ptr)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending p = {};

	if (!filter_current())
		return 0;
	p.ts_ns = bpf_ktime_get_ns();
	p.buf = (__u64)buf;
	p.len_ptr = (__u64)len_ptr;
	p.call = call;
	bpf_map_update_elem(&pending, &tid, &p, BPF_ANY);
	return 0;
}

/* The call's header; NULL when it was not entered (or is filtered out). */
static __always_inline struct ssl_event *take_call(struct pending *p)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	struct pending *found = bpf_map_lookup_elem(&pending, &tid);
	struct ssl_event *e;
	__u64 ids;

	if (!found)
		return NULL;
	*p = *found;
	bpf_map_delete_elem(&pending, &tid);
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return NULL;
	ids = current_ids();
	e->ts_ns = bpf_ktime_get_ns();
	e->lat_ns = e->ts_ns - p->ts_ns;
	e->pid = ids >> 32;
	e->tid = (__u32)ids;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->call = p->call;
	e->buf_filled = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/* Read and write functions return an int (gnutls an ssize_t, of a record: below 2^31). */
SEC("uretprobe")
int BPF_KRETPROBE(rw_return, long ret)
{
	struct pending p;
	struct ssl_event *e = take_call(&p);
	__u64 len = 0;
	__u32 n;

	if (!e)
		return 0;
	if (!p.len_ptr)
		len = (int)ret > 0 ? (int)ret : 0;
	else if ((int)ret == 1 && bpf_probe_read_user(&len, sizeof(len), (void *)p.len_ptr))
		len = 0;
	if (!len || len > 0x7fffffff)
		return 0;
	e->len = len;
	n = len < max_buffer_size ? len : max_buffer_size;
	if (n > MAX_BUF_SIZE)
		n = MAX_BUF_SIZE;
	if (bpf_probe_read_user(e->buf, n, (void *)p.buf))
		n = 0;
	e->buf_filled = n;
	event_output(ctx, e, SSL_EVENT_HEADER_SIZE + n);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(handshake_return, long ret)
{
	struct pending p;
	struct ssl_event *e = take_call(&p);

	if (!e)
		return 0;
	e->len = (int)ret;
	event_output(ctx, e, SSL_EVENT_HEADER_SIZE);
	return 0;
}

/* (handle, buffer, size[, ...]): every read and write function has the buffer second. */
#define RW_ENTRY(name, call)                                        \
	SEC("uprobe")                                               \
	int BPF_KPROBE(name##_entry, void *handle, const void *buf) \
	{                                                           \
		return on_call(call, buf, NULL);                    \
	}

RW_ENTRY(SSL_read, CALL_SSL_READ)
RW_ENTRY(SSL_write, CALL_SSL_WRITE)
RW_ENTRY(gnutls_record_recv, CALL_GNUTLS_RECORD_RECV)
RW_ENTRY(gnutls_record_send, CALL_GNUTLS_RECORD_SEND)
RW_ENTRY(PR_Read, CALL_PR_READ)
RW_ENTRY(PR_Write, CALL_PR_WRITE)
RW_ENTRY(PR_Recv, CALL_PR_RECV)
RW_ENTRY(PR_Send, CALL_PR_SEND)

/* SSL_read_ex(ssl, buf, num, size_t *readbytes): returns 1 and the length in *readbytes. */
SEC("uprobe")
int BPF_KPROBE(SSL_read_ex_entry, void *ssl, const void *buf, size_t num, size_t *readbytes)
{
	return on_call(CALL_SSL_READ_EX, buf, readbytes);
}

SEC("uprobe")
int BPF_KPROBE(SSL_write_ex_entry, void *ssl, const void *buf, size_t num, size_t *written)
{
	return on_call(CALL_SSL_WRITE_EX, buf, written);
}

SEC("uprobe")
int BPF_KPROBE(SSL_do_handshake_entry)
{
	return on_call(CALL_SSL_DO_HANDSHAKE, NULL, NULL);
}

char LICENSE[] SEC("license") = "GPL";
