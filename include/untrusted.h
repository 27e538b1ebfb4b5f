/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening files that a traced process controls: the objects it maps, their
 * debug files, its perf map.  A root tool must treat each as hostile: such a
 * path is resolved inside the process's root (an absolute symbolic link in a
 * container names a file of the container, never of the host), only regular
 * files are accepted, and an open never blocks (a FIFO in place of a file).
 * Readers bound what they read by the limits below.
 */
#ifndef BPFSCOPE_UNTRUSTED_H
#define BPFSCOPE_UNTRUSTED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Limits on what is read of one file a process controls. */
#define UNTRUSTED_SECTION_MAX (256ULL << 20)  /* an ELF section read into memory */
#define UNTRUSTED_INFLATE_MAX (64ULL << 20)   /* a compressed ELF section, decompressed */
#define UNTRUSTED_CRC_MAX     (1ULL << 30)    /* a debug file checked by its CRC */
#define UNTRUSTED_PERFMAP_MAX (64ULL << 20)   /* a perf map, read in all */
#define UNTRUSTED_OBJECT_NS   (3000000000ULL) /* time to read one object and find its debug file */

/* A process's root directory, as the process sees it. */
struct proc_root {
	int fd;	   /* O_PATH descriptor of the root; -1 when none */
	bool ours; /* the same directory as this tool's root */
};

/* Opens /proc/PID/root (pid 0: this tool's own root).  0 or -errno. */
int proc_root_open(pid_t pid, struct proc_root *root);
void proc_root_close(struct proc_root *root);

/*
 * Open PATH (absolute, as the process sees it) for reading inside root: "..",
 * and symbolic links, absolute or not, never leave root; only a regular file
 * is opened, without blocking; st is its status.  Returns the descriptor or
 * -errno (-EINVAL for anything but a regular file).
 */
int untrusted_open(const struct proc_root *root, const char *path, struct stat *st);

/*
 * Open a /proc/PID/map_files entry (a link the kernel resolves to the mapped
 * file itself, even deleted): the same checks, and the file must be the inode
 * the maps line named (dev, ino), or -ESTALE: the process may have mapped
 * something else at that address since.
 */
int untrusted_open_mapped(const char *map_file, dev_t dev, ino_t ino, struct stat *st);

/* Deadlines for the readers: mono_ns() + UNTRUSTED_OBJECT_NS. */
bool untrusted_past(uint64_t deadline_ns);

#endif
