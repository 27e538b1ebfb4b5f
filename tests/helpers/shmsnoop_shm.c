// SPDX-License-Identifier: GPL-2.0
/*
 * shmsnoop_shm KEY [-w GOFILE] [-T]: a System V shared memory workload with a
 * known key (shmsnoop tests).  Creates a 4096-byte segment (IPC_CREAT |
 * IPC_EXCL | 0600), attaches it read-only, detaches it, reads its state
 * (IPC_STAT), removes it (IPC_RMID), then looks the key up again, which
 * fails with ENOENT.  Prints "pid PID tid TID id ID addr ADDR err ERRNO"
 * (ADDR in hex, as shmsnoop prints it).  -w: print "ready PID TID" and wait
 * for GOFILE first; -T: make the calls from a second thread (TID is its id).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static key_t key;
static pthread_barrier_t go_barrier;
static pid_t worker_tid;

static void wait_for_file(const char *path)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < 3000 && access(path, F_OK); i++) /* never outlive a failed test */
		nanosleep(&ts, NULL);
}

static void *calls(void *arg)
{
	struct shmid_ds ds;
	void *addr;
	int id, err;

	if (arg) { /* a second thread: its id known, then the go */
		worker_tid = gettid();
		pthread_barrier_wait(&go_barrier);
		pthread_barrier_wait(&go_barrier);
	}
	id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0) {
		perror("shmget");
		exit(1);
	}
	addr = shmat(id, NULL, SHM_RDONLY);
	if (addr == (void *)-1) {
		perror("shmat");
		exit(1);
	}
	shmdt(addr);
	shmctl(id, IPC_STAT, &ds);
	shmctl(id, IPC_RMID, NULL);
	err = shmget(key, 4096, 0) < 0 ? errno : 0;
	printf("pid %d tid %d id %d addr %lx err %d\n", getpid(), gettid(), id, (unsigned long)addr,
	       err);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *go = NULL;
	bool thread = false;
	pthread_t t;
	int i;

	if (argc < 2)
		return 2;
	key = strtoul(argv[1], NULL, 0);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-w") && i + 1 < argc)
			go = argv[++i];
		else if (!strcmp(argv[i], "-T"))
			thread = true;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	worker_tid = gettid();
	if (thread) {
		pthread_barrier_init(&go_barrier, NULL, 2);
		pthread_create(&t, NULL, calls, &go_barrier);
		pthread_barrier_wait(&go_barrier);
	}
	if (go) {
		printf("ready %d %d\n", getpid(), worker_tid);
		wait_for_file(go);
	}
	if (thread) {
		pthread_barrier_wait(&go_barrier);
		pthread_join(t, NULL);
	} else {
		calls(NULL);
	}
	return 0;
}
