// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: an ELF object as lib/elf.c reads one a traced process
 * maps, and its separate debug file.  An input is a 32-bit little-endian
 * length L, the object (L bytes) and the debug file (the rest); an input too
 * short for that is both.  The harness's root holds the debug file as
 * /lib/fuzz.debug and, through a link, as the build-id file of build-id
 * ab cd ef, so objects naming either (the seeds do) take the debug-file paths
 * too: build-id and CRC checks, the debug file's symbols.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsyms.h"
#include "untrusted.h"

static struct proc_root root = { .fd = -1 };
static int object = -1, debug = -1;

static char dir[] = "/tmp/bpfscope-fuzz-elf.XXXXXX";

static void harness_cleanup(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		perror(cmd);
}

static void harness_init(void)
{
	char path[512];
	int n;

	if (!mkdtemp(dir))
		abort();
	atexit(harness_cleanup);
	n = snprintf(path, sizeof(path),
		     "mkdir -p %s/lib %s/usr/lib/debug/.build-id/ab && "
		     "ln -s /lib/fuzz.debug %s/usr/lib/debug/.build-id/ab/cdef.debug",
		     dir, dir, dir);
	if (n < 0 || (size_t)n >= sizeof(path) || system(path))
		abort();
	snprintf(path, sizeof(path), "%s/lib/fuzz.debug", dir);
	debug = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	object = memfd_create("fuzz-elf", MFD_CLOEXEC);
	root.fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	root.ours = false;
	if (debug < 0 || object < 0 || root.fd < 0)
		abort();
}

static void put(int fd, const uint8_t *data, size_t size)
{
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
}

static void split(const uint8_t *data, size_t size, const uint8_t **obj, size_t *objsize)
{
	uint32_t len;

	*obj = data;
	*objsize = size;
	if (size < 4)
		return;
	len = data[0] | data[1] << 8 | data[2] << 16 | (uint32_t)data[3] << 24;
	if (len <= size - 4) {
		*obj = data + 4;
		*objsize = len;
	}
}

/* Touch what a lookup returns, so that a bad name or table shows under ASan. */
static void look_up(const struct elfsyms *es)
{
	const struct symbol *s;
	uint64_t vaddr;
	size_t i;

	for (i = 0; i < es->nsegs; i++) {
		if (!elfsyms_vaddr(es, es->segs[i].offset, &vaddr))
			continue;
		s = symtab_find(&es->tab, vaddr);
		if (s && strlen(es->tab.strs + s->name) > es->tab.strs_len)
			abort();
	}
	for (i = 0; i < es->tab.n; i++) {
		s = symtab_find(&es->tab, es->tab.syms[i].addr);
		if (!s || s->name >= es->tab.strs_len)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elfsyms_file ef = { .fd = -1 };
	struct elfsyms es = { 0 };
	const uint8_t *obj;
	size_t objsize;

	if (object < 0)
		harness_init();
	split(data, size, &obj, &objsize);
	put(object, obj, objsize);
	put(debug, obj == data ? data : obj + objsize, obj == data ? size : size - 4 - objsize);
	if (elfsyms_open_fd(&ef, dup(object)))
		return 0;
	if (!elfsyms_read(&es, &ef, "/lib/fuzz.so", &root))
		look_up(&es);
	elfsyms_free(&es);
	elfsyms_close(&ef);
	return 0;
}
