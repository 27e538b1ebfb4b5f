// SPDX-License-Identifier: GPL-2.0
/*
 * mapspin SECONDS file PATH [--replace-fifo]
 * mapspin SECONDS anon ADDRFILE
 *
 * A target for the hostile-file tests of profile
 * (tests/integration/test_profile_hostile.sh): spin forever in code that lies
 * in a crafted object (tests/helpers/mkelf.c) or in an anonymous page, so that
 * every user stack sampled has that code as its leaf frame.  Its comm is the
 * name it is run under: the test links it under a name per scenario.
 *
 *   file PATH       map PATH whole, read + exec, private, close it, and call the
 *                   code at file offset 0x1000.  --replace-fifo: first unlink
 *                   PATH and make a FIFO there (the maps line then says
 *                   "PATH (deleted)" and the path is a FIFO).
 *   anon ADDRFILE   write the spin loop into an anonymous read/write/exec page,
 *                   write its address (hex, "0x...") into ADDRFILE, jump to it.
 *
 * After SECONDS (SIGALRM) it exits, as on SIGINT and SIGTERM: handlers, not the
 * default action, since as PID 1 of a PID namespace it would ignore those.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)
static const unsigned char spin_code[] = { 0xeb, 0xfe }; /* jmp . */
#elif defined(__aarch64__)
static const unsigned char spin_code[] = { 0x00, 0x00, 0x00, 0x14 }; /* b . */
#else
#error "mapspin: x86_64 and aarch64 only"
#endif

#define TEXT_OFF 0x1000

static void on_signal(int sig)
{
	(void)sig;
	_exit(0);
}

static void usage(void)
{
	fprintf(stderr, "usage: mapspin SECONDS file PATH [--replace-fifo]\n"
			"       mapspin SECONDS anon ADDRFILE\n");
	exit(2);
}

/* Call the code at addr, which never returns. */
__attribute__((noinline)) static void spin_at(void *addr)
{
	void (*fn)(void) = (void (*)(void))addr;

	__builtin___clear_cache((char *)addr, (char *)addr + sizeof(spin_code));
	fn();
	fprintf(stderr, "mapspin: the code returned\n");
	exit(1);
}

static void run_file(const char *path, int replace_fifo)
{
	struct stat st;
	void *map;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		exit(1);
	}
	if (st.st_size <= TEXT_OFF) {
		fprintf(stderr, "mapspin: %s: no code at offset 0x%x\n", path, TEXT_OFF);
		exit(1);
	}
	map = mmap(NULL, st.st_size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		perror("mapspin: mmap");
		exit(1);
	}
	close(fd);
	if (replace_fifo && (unlink(path) || mkfifo(path, 0644))) {
		perror("mapspin: --replace-fifo");
		exit(1);
	}
	spin_at((char *)map + TEXT_OFF);
}

static void run_anon(const char *addrfile)
{
	long page = sysconf(_SC_PAGESIZE);
	char tmp[4096];
	void *map;
	FILE *f;

	map = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0);
	if (map == MAP_FAILED) {
		perror("mapspin: mmap");
		exit(1);
	}
	memcpy(map, spin_code, sizeof(spin_code));
	/* Written whole under another name, then renamed: the reader sees all or nothing. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", addrfile) >= (int)sizeof(tmp)) {
		fprintf(stderr, "mapspin: %s: name too long\n", addrfile);
		exit(1);
	}
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%#lx\n", (unsigned long)map) < 0 || fclose(f) ||
	    rename(tmp, addrfile)) {
		perror(addrfile);
		exit(1);
	}
	spin_at(map);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int secs;

	if (argc < 4)
		usage();
	secs = atoi(argv[1]);
	if (secs <= 0)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	alarm(secs);
	if (!strcmp(argv[2], "file") && argc == 4)
		run_file(argv[3], 0);
	else if (!strcmp(argv[2], "file") && argc == 5 && !strcmp(argv[4], "--replace-fifo"))
		run_file(argv[3], 1);
	else if (!strcmp(argv[2], "anon") && argc == 4)
		run_anon(argv[3]);
	usage();
}
