// SPDX-License-Identifier: GPL-2.0
/*
 * A process for test_syms to resolve: it prints "name address" for functions
 * the test knows the names of, then "ready", then obeys commands on stdin:
 *   dlopen PATH SYMBOL   load a library, print "SYMBOL address"
 *   (end of input)       exit
 * Built as PIE, non-PIE, stripped with a debug link, and static (-DNO_LIB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifndef NO_LIB
#include <dlfcn.h>

int syms_lib_gamma(int x);
#endif

__attribute__((noinline)) int syms_target_alpha(int x)
{
	volatile int acc = 0;

	for (int i = 0; i < x; i++)
		acc += i ^ x;
	return acc;
}

/* Local: only in .symtab, never in .dynsym even with -rdynamic. */
__attribute__((noinline)) static int syms_target_local(int x)
{
	volatile int acc = 1;

	for (int i = 0; i < x; i++)
		acc *= i + x;
	return acc;
}

static void print_addr(const char *name, const void *addr)
{
	printf("%s %lx\n", name, (unsigned long)addr);
}

/* An executable anonymous mapping, as a JIT would make. */
static void *fake_jit(void)
{
	unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0xc3, 4096);
	return p;
}

#ifndef NO_LIB
static void do_dlopen(char *args)
{
	char *path = strtok(args, " \n"), *sym = strtok(NULL, " \n");
	void *h = path && sym ? dlopen(path, RTLD_NOW) : NULL;

	print_addr(sym ? sym : "?", h ? dlsym(h, sym) : NULL);
}
#endif

int main(void)
{
	char line[512];

	print_addr("syms_target_alpha", (void *)syms_target_alpha);
	print_addr("syms_target_local", (void *)syms_target_local);
	print_addr("jit", fake_jit());
#ifndef NO_LIB
	/* dlsym, not &syms_lib_gamma: non-PIE code would get its PLT slot. */
	print_addr("syms_lib_gamma", dlsym(RTLD_DEFAULT, "syms_lib_gamma"));
#endif
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
#ifndef NO_LIB
		if (!strncmp(line, "dlopen ", 7))
			do_dlopen(line + 7);
#endif
		fflush(stdout);
	}
#ifndef NO_LIB
	syms_lib_gamma(0);
#endif
	return syms_target_alpha(0) + syms_target_local(0);
}
