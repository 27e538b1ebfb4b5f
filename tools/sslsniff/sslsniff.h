/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SSLSNIFF_H
#define SSLSNIFF_H

#include "shared.h"

/* Data kept of one call at most: a TLS record (a per-CPU map value stays below 32 KiB). */
#define MAX_BUF_SIZE	 16384
#define DEFAULT_BUF_SIZE 8192

enum ssl_rw { RW_READ, RW_WRITE, RW_HANDSHAKE };

/* The functions probed; each entry program says which. */
enum ssl_call {
	CALL_SSL_READ,
	CALL_SSL_WRITE,
	CALL_SSL_READ_EX,
	CALL_SSL_WRITE_EX,
	CALL_SSL_DO_HANDSHAKE,
	CALL_GNUTLS_RECORD_RECV,
	CALL_GNUTLS_RECORD_SEND,
	CALL_PR_READ,
	CALL_PR_WRITE,
	CALL_PR_RECV,
	CALL_PR_SEND,
	CALL_N,
};

/*
 * len: bytes the call read or wrote (a handshake: what SSL_do_handshake
 * returned); buf_filled of them follow the header, the rest were cut.
 */
struct ssl_event {
	__u64 ts_ns;
	__u64 lat_ns;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 len;
	__u32 buf_filled;
	__u32 call;
	char comm[TASK_COMM_LEN];
	char buf[MAX_BUF_SIZE];
};

#define SSL_EVENT_HEADER_SIZE __builtin_offsetof(struct ssl_event, buf)

#endif
