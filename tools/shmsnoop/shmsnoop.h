/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SHMSNOOP_H
#define SHMSNOOP_H

#include "shared.h"
#define SHM_ARGS 3

enum shm_call {
	CALL_SHMGET, /* key, size, shmflg */
	CALL_SHMAT,  /* shmid, shmaddr, shmflg */
	CALL_SHMDT,  /* shmaddr */
	CALL_SHMCTL, /* shmid, cmd, buf */
	CALL_MAX,
};

struct shm_event {
	__u64 ts_ns;
	__u64 args[SHM_ARGS];
	__s64 ret; /* shmat(): the address attached */
	__u32 pid;
	__u32 tid;
	__u8 call;
	__u8 pad[7];
	char comm[TASK_COMM_LEN];
};

#endif
