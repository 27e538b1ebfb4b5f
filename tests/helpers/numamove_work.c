// SPDX-License-Identifier: GPL-2.0
/*
 * numamove_work MODE PAGES CPU SECS: PAGES pages of private memory placed on
 * node 0, then moved to node 1, the node of CPU.
 *   balance: the default policy is restored and this process, pinned to CPU,
 *            keeps touching the pages for up to SECS seconds: NUMA balancing
 *            migrates them as misplaced (numa_balancing must be on).
 *   syscall: move_pages(2) moves them (a migration for another reason).
 * The process stops itself (SIGSTOP) before the pages move, so a tracer can
 * be attached to it.  Prints "moved N": the pages on node 1 at the end, as
 * move_pages(2) reports them.  Raw system calls: no libnuma (busybox guests).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MPOL_DEFAULT   0
#define MPOL_BIND      2
#define MPOL_MF_STRICT 1

static long page_size;

static int on_node1(char *mem, int pages, void **addrs, int *status)
{
	int i, n = 0;

	for (i = 0; i < pages; i++)
		addrs[i] = mem + i * page_size;
	if (syscall(SYS_move_pages, 0, pages, addrs, NULL, status, 0))
		return -1;
	for (i = 0; i < pages; i++)
		n += status[i] == 1;
	return n;
}

/*
 * move_pages(2) every page to node 1, again for any the kernel could not
 * take at once (a page it could not isolate: -EBUSY, -EAGAIN); a page
 * still elsewhere after 5 tries is reported with its status.
 */
static int move_to_node1(char *mem, int pages, void **addrs, int *nodes, int *status)
{
	int i, try;

	for (i = 0; i < pages; i++)
		nodes[i] = 1;
	for (try = 0; try < 5; try++) {
		if (syscall(SYS_move_pages, 0, pages, addrs, nodes, status, 0) < 0) {
			perror("numamove_work: move_pages");
			return -1;
		}
		if (on_node1(mem, pages, addrs, status) == pages)
			return 0;
		usleep(20000);
	}
	if (syscall(SYS_move_pages, 0, pages, addrs, nodes, status, 0) < 0)
		return -1;
	for (i = 0; i < pages; i++) {
		if (status[i] != 1)
			fprintf(stderr, "numamove_work: page %d: move_pages status %d\n", i,
				status[i]);
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long node0 = 1;
	int pages, cpu, secs, i, *status, *nodes, n;
	void **addrs;
	cpu_set_t set;
	double end;
	char *mem;

	if (argc != 5) {
		fprintf(stderr, "usage: numamove_work balance|syscall PAGES CPU SECS\n");
		return 2;
	}
	pages = atoi(argv[2]), cpu = atoi(argv[3]), secs = atoi(argv[4]);
	page_size = sysconf(_SC_PAGESIZE);
	mem = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0);
	addrs = calloc(pages, sizeof(*addrs));
	status = calloc(pages, sizeof(*status));
	nodes = calloc(pages, sizeof(*nodes));
	if (mem == MAP_FAILED || !addrs || !status || !nodes) {
		perror("numamove_work: memory");
		return 1;
	}
	madvise(mem, pages * page_size, MADV_NOHUGEPAGE);
	if (syscall(SYS_mbind, mem, pages * page_size, MPOL_BIND, &node0, 8 * sizeof(node0),
		    MPOL_MF_STRICT)) {
		perror("numamove_work: mbind node 0");
		return 1;
	}
	memset(mem, 1, pages * page_size);
	if (syscall(SYS_mbind, mem, pages * page_size, MPOL_DEFAULT, NULL, 0, 0)) {
		perror("numamove_work: mbind default");
		return 1;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("numamove_work: sched_setaffinity");
		return 1;
	}
	if (on_node1(mem, pages, addrs, status) != 0) {
		fprintf(stderr, "numamove_work: the pages are not all on node 0\n");
		return 1;
	}
	raise(SIGSTOP);
	if (!strcmp(argv[1], "syscall")) {
		if (move_to_node1(mem, pages, addrs, nodes, status))
			return 1;
	} else {
		end = now() + secs;
		do {
			for (i = 0; i < pages; i++)
				mem[i * page_size]++;
			n = on_node1(mem, pages, addrs, status);
		} while (n >= 0 && n < pages && now() < end);
	}
	n = on_node1(mem, pages, addrs, status);
	if (n < 0) {
		perror("numamove_work: move_pages");
		return 1;
	}
	printf("moved %d\n", n);
	return 0;
}
