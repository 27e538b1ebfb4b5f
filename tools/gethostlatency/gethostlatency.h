/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GETHOSTLATENCY_H
#define GETHOSTLATENCY_H

#include "shared.h"

#define HOST_LEN 256 /* a DNS name is at most 253 bytes */

enum gethost_func { FUNC_GETADDRINFO, FUNC_GETHOSTBYNAME, FUNC_GETHOSTBYNAME2, FUNC_N };

/* ok: getaddrinfo() returned 0, gethostbyname[2]() a result. */
struct gethost_event {
	__u64 lat_ns;
	__u32 pid;
	__u32 tid;
	__u32 func;
	__u32 ok;
	char comm[TASK_COMM_LEN];
	char host[HOST_LEN];
};

#endif
