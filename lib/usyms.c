// SPDX-License-Identifier: GPL-2.0
/*
 * User symbols of processes; the ELF reading is lib/elf.c's.
 *
 * Objects are cached by (device, inode) across pids; a pid's map list is read
 * on its first lookup, an object's symbols on the first lookup that lands in
 * it.  An address is translated to the object's virtual address through the
 * PT_LOAD segment holding the mapping's file offset, which handles non-PIE,
 * PIE and shared libraries (and any odd segment layout) alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "elfsyms.h"
#include "perfmap.h"
#include "untrusted.h"
#include "usyms.h"

#define MAPS_RELOAD_NS	 1000000000ULL
#define PERFMAP_RETRY_NS 200000000ULL

enum dso_state { DSO_NEW, DSO_LOADED, DSO_FAILED };

/* A mapped object, shared by every pid that maps the same (dev, inode). */
struct dso {
	struct dso *next;
	dev_t dev;
	ino_t ino;
	char *path;
	enum dso_state state;
	int attempts;
	struct elfsyms obj;
};

/* ------------------------------------------------------------- processes */

enum map_kind { MAP_FILE, MAP_VDSO, MAP_ANON };

struct map {
	uint64_t start, end, pgoff;
	enum map_kind kind;
	struct dso *dso;
};

/* String pools of perf maps read before, kept so returned names stay valid. */
struct old_strs {
	struct old_strs *next;
	char *strs;
};

/*
 * A process's perf map, read as it grows: each read parses only what was
 * appended since the last one, at most UNTRUSTED_PERFMAP_MAX in all.
 */
struct perfmap {
	struct symtab tab;
	char path[48]; /* as the process names it, "/tmp/perf-NSPID.map" */
	int fd;	       /* -1: none, or not acceptable */
	uint64_t parsed;
	unsigned long long tried_ns; /* when an open last failed */
	struct old_strs *old;
};

struct proc {
	struct proc *next;
	pid_t pid;
	struct map *maps;
	size_t nmaps;
	unsigned long long maps_read_ns;
	unsigned long long start_time; /* tells a reused pid from the one we read */
	bool maps_ok;
	struct perfmap perfmap;
};

#define PROC_BUCKETS 1024
#define DSO_BUCKETS  1024

struct usyms {
	struct proc *procs[PROC_BUCKETS];
	struct dso *dsos[DSO_BUCKETS];
	struct dso *vdso;
	struct old_strs *retired; /* perf map names of forgotten pids */
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

struct usyms *usyms_new(void)
{
	return calloc(1, sizeof(struct usyms));
}

static void dso_free(struct dso *dso)
{
	elfsyms_free(&dso->obj);
	free(dso->path);
	free(dso);
}

static struct dso *dso_new(dev_t dev, ino_t ino, const char *path)
{
	struct dso *dso = calloc(1, sizeof(*dso));

	if (!dso)
		return NULL;
	dso->dev = dev;
	dso->ino = ino;
	dso->path = strdup(path);
	if (!dso->path) {
		free(dso);
		return NULL;
	}
	return dso;
}

static struct dso *dso_get(struct usyms *us, dev_t dev, ino_t ino, const char *path)
{
	size_t b = (ino * 31 + dev) % DSO_BUCKETS;
	struct dso *dso;

	for (dso = us->dsos[b]; dso; dso = dso->next) {
		if (dso->dev == dev && dso->ino == ino)
			return dso;
	}
	dso = dso_new(dev, ino, path);
	if (!dso)
		return NULL;
	dso->next = us->dsos[b];
	us->dsos[b] = dso;
	return dso;
}

/*
 * Open a mapped object as the process sees it: its path inside the process's
 * root, if that is still the inode the maps line named, else through
 * map_files, which also reaches deleted and memfd files, checked the same
 * way: the process may have mapped something else there since (and a
 * cached object is shared by every process mapping that inode).
 */
static int open_mapped(pid_t pid, const struct dso *dso, const struct map *m,
		       const struct proc_root *root, struct elfsyms_file *ef)
{
	char path[96];
	struct stat st;
	int fd;

	fd = untrusted_open(root, dso->path, &st);
	if (fd >= 0 && (st.st_dev != dso->dev || st.st_ino != dso->ino)) {
		close(fd);
		fd = -ESTALE;
	}
	if (fd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, pid,
			 m->start, m->end);
		fd = untrusted_open_mapped(path, dso->dev, dso->ino, &st);
	}
	return elfsyms_open_fd(ef, fd);
}

static void dso_load(struct dso *dso, pid_t pid, const struct map *m)
{
	struct elfsyms_file ef = { .fd = -1 };
	struct proc_root root = { .fd = -1 };

	if (proc_root_open(pid, &root) || open_mapped(pid, dso, m, &root, &ef)) {
		proc_root_close(&root);
		/* The process may have gone; another pid mapping it may do better. */
		if (++dso->attempts >= 3)
			dso->state = DSO_FAILED;
		return;
	}
	dso->state = elfsyms_read(&dso->obj, &ef, dso->path, &root) ? DSO_FAILED : DSO_LOADED;
	if (dso->state == DSO_FAILED)
		elfsyms_free(&dso->obj);
	elfsyms_close(&ef);
	proc_root_close(&root);
}

/* The vDSO is the same image in every process: read our own copy. */
static struct dso *vdso_get(struct usyms *us)
{
	struct dso *dso;

	if (us->vdso)
		return us->vdso->state == DSO_LOADED ? us->vdso : NULL;
	us->vdso = dso = dso_new(0, 0, "[vdso]");
	if (!dso)
		return NULL;
	dso->state = DSO_FAILED;
	if (!elfsyms_read_image(&dso->obj, (const void *)getauxval(AT_SYSINFO_EHDR)))
		dso->state = DSO_LOADED;
	return dso->state == DSO_LOADED ? dso : NULL;
}

/* Parse "start-end perms offset maj:min inode   path"; false for non-code lines. */
static bool parse_maps_line(char *line, struct map *m, dev_t *dev, ino_t *ino, char **path)
{
	unsigned int maj, min;
	unsigned long long start, end, off, inode;
	char perms[5];
	int pos = 0;
	char *p;

	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms, &off, &maj, &min,
		   &inode, &pos) < 7 ||
	    perms[2] != 'x')
		return false;
	p = line + pos;
	p[strcspn(p, "\n")] = '\0';
	m->start = start;
	m->end = end;
	m->pgoff = off;
	m->dso = NULL;
	*dev = makedev(maj, min);
	*ino = inode;
	*path = p;
	if (!strcmp(p, "[vdso]"))
		m->kind = MAP_VDSO;
	else if (inode && *p == '/')
		m->kind = MAP_FILE;
	else
		m->kind = MAP_ANON; /* JIT code, [anon:...], [vsyscall] */
	return true;
}

static void strip_deleted(char *path)
{
	static const char suffix[] = " (deleted)";
	size_t len = strlen(path), slen = sizeof(suffix) - 1;

	if (len > slen && !strcmp(path + len - slen, suffix))
		path[len - slen] = '\0';
}

static int proc_read_maps(struct usyms *us, struct proc *p)
{
	char fname[64], *line = NULL, *path;
	size_t cap = 0, mcap = p->nmaps;
	struct map m, *nm;
	dev_t dev;
	ino_t ino;
	FILE *f;

	p->maps_read_ns = now_ns();
	snprintf(fname, sizeof(fname), "/proc/%d/maps", p->pid);
	f = fopen(fname, "re");
	if (!f)
		return -errno;
	p->nmaps = 0;
	while (getline(&line, &cap, f) > 0) {
		if (!parse_maps_line(line, &m, &dev, &ino, &path))
			continue;
		if (m.kind == MAP_FILE) {
			strip_deleted(path);
			m.dso = dso_get(us, dev, ino, path);
			if (!m.dso)
				continue;
		}
		if (p->nmaps == mcap) {
			mcap = mcap ? mcap * 2 : 64;
			nm = realloc(p->maps, mcap * sizeof(*nm));
			if (!nm)
				break;
			p->maps = nm;
		}
		p->maps[p->nmaps++] = m;
	}
	free(line);
	fclose(f);
	p->maps_ok = true;
	return 0;
}

/* Field 22 of /proc/PID/stat, the start time in clock ticks since boot; 0 if gone. */
static unsigned long long proc_start_time(pid_t pid)
{
	unsigned long long t = 0;
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: fields count from the last ')'. */
	p = strrchr(buf, ')');
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

static struct proc *proc_get(struct usyms *us, pid_t pid)
{
	size_t b = (unsigned int)pid % PROC_BUCKETS;
	struct proc *p;

	for (p = us->procs[b]; p; p = p->next) {
		if (p->pid == pid)
			return p;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->perfmap.fd = -1;
	p->start_time = proc_start_time(pid);
	p->next = us->procs[b];
	us->procs[b] = p;
	proc_read_maps(us, p);
	return p;
}

static const struct map *proc_find_map(const struct proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nmaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < p->maps[mid].start)
			hi = mid;
		else if (addr >= p->maps[mid].end)
			lo = mid + 1;
		else
			return &p->maps[mid];
	}
	return NULL;
}

/* ------------------------------------------------------------- perf maps */

static void strs_push(struct old_strs **list, char *strs)
{
	struct old_strs *o;

	if (!strs)
		return;
	o = malloc(sizeof(*o));
	/* On failure leak it: better than freeing names a caller may still hold. */
	if (!o)
		return;
	o->strs = strs;
	o->next = *list;
	*list = o;
}

/* The pid as its own namespace numbers it (the last NSpid field) and its effective uid. */
static bool proc_status_ids(pid_t pid, pid_t *nspid, uid_t *euid)
{
	char fname[64], *line = NULL;
	int found = 0;
	size_t cap = 0;
	FILE *f;

	snprintf(fname, sizeof(fname), "/proc/%d/status", pid);
	f = fopen(fname, "re");
	if (!f)
		return false;
	*nspid = pid;
	while (found < 2 && getline(&line, &cap, f) > 0) {
		char *p, *last = NULL;
		unsigned int r, e;

		if (!strncmp(line, "Uid:", 4) && sscanf(line + 4, "%u %u", &r, &e) == 2) {
			*euid = e;
			found++;
		} else if (!strncmp(line, "NSpid:", 6)) {
			for (p = strtok(line + 6, " \t\n"); p; p = strtok(NULL, " \t\n"))
				last = p;
			if (last)
				*nspid = atoi(last);
			found++;
		}
	}
	free(line);
	fclose(f);
	return found == 2;
}

/*
 * Open the process's /tmp/perf-NSPID.map inside its root.  As perf does, only
 * a file owned by the process's user or by root is believed: anyone may
 * create /tmp/perf-PID.map for another user's process.
 */
static void perfmap_open(struct proc *p)
{
	struct perfmap *pm = &p->perfmap;
	struct proc_root root;
	struct stat st;
	pid_t nspid;
	uid_t euid = 0;

	pm->fd = -1;
	if (!proc_status_ids(p->pid, &nspid, &euid) || proc_root_open(p->pid, &root))
		return;
	snprintf(pm->path, sizeof(pm->path), "/tmp/perf-%d.map", nspid);
	pm->fd = untrusted_open(&root, pm->path, &st);
	proc_root_close(&root);
	if (pm->fd >= 0 && st.st_uid != 0 && st.st_uid != euid) {
		close(pm->fd);
		pm->fd = -1;
	}
}

/* Forget what was read (the file was rewritten): names handed out stay valid. */
static void perfmap_reset(struct perfmap *pm)
{
	strs_push(&pm->old, pm->tab.strs);
	pm->tab.strs = NULL;
	symtab_free(&pm->tab);
	pm->parsed = 0;
}

/* Parse what was appended since the last read. */
static void perfmap_update(struct perfmap *pm)
{
	uint64_t end;
	struct stat st;
	char *buf, *old;
	ssize_t n;

	if (pm->fd < 0 || fstat(pm->fd, &st))
		return;
	if ((uint64_t)st.st_size < pm->parsed)
		perfmap_reset(pm);
	end = (uint64_t)st.st_size < UNTRUSTED_PERFMAP_MAX ? (uint64_t)st.st_size
							   : UNTRUSTED_PERFMAP_MAX;
	if (end <= pm->parsed)
		return;
	buf = malloc(end - pm->parsed);
	if (!buf)
		return;
	n = pread(pm->fd, buf, end - pm->parsed, pm->parsed);
	if (n > 0 && !symtab_reserve_strs(&pm->tab, n, &old)) {
		strs_push(&pm->old, old);
		pm->parsed += perfmap_parse(&pm->tab, buf, n);
		symtab_finish(&pm->tab);
	}
	free(buf);
}

static bool perfmap_resolve(struct proc *p, uint64_t addr, struct sym *out)
{
	const struct symbol *s;

	/* Absent or not acceptable: look again now and then, a JIT may start later. */
	if (p->perfmap.fd < 0 && now_ns() - p->perfmap.tried_ns >= PERFMAP_RETRY_NS) {
		perfmap_open(p);
		p->perfmap.tried_ns = now_ns();
	}
	s = symtab_find(&p->perfmap.tab, addr);
	if (!s) {
		/* A JIT appends as it compiles: look again if the file grew. */
		perfmap_update(&p->perfmap);
		s = symtab_find(&p->perfmap.tab, addr);
	}
	if (!s)
		return false;
	out->name = p->perfmap.tab.strs + s->name;
	out->offset = addr - s->addr;
	out->module = p->perfmap.path;
	return true;
}

/* ----------------------------------------------------------------- lookup */

static bool dso_resolve(struct dso *dso, const struct map *m, uint64_t addr, struct sym *out)
{
	const struct symbol *s;
	uint64_t vaddr;

	out->module = dso->path;
	if (!elfsyms_vaddr(&dso->obj, addr - m->start + m->pgoff, &vaddr)) {
		out->offset = addr - m->start + m->pgoff;
		return false;
	}
	out->offset = vaddr;
	s = symtab_find(&dso->obj.tab, vaddr);
	if (!s)
		return false;
	out->name = dso->obj.tab.strs + s->name;
	out->offset = vaddr - s->addr;
	return true;
}

bool usyms_resolve(struct usyms *us, pid_t pid, uint64_t addr, struct sym *out)
{
	const struct map *m;
	struct proc *p;
	struct dso *dso;

	memset(out, 0, sizeof(*out));
	if (!us || pid <= 0)
		return false;
	p = proc_get(us, pid);
	if (!p)
		return false;
	m = proc_find_map(p, addr);
	/* Not mapped when we read the maps: maybe dlopen()ed since. */
	if (!m && p->maps_ok && now_ns() - p->maps_read_ns >= MAPS_RELOAD_NS) {
		proc_read_maps(us, p);
		m = proc_find_map(p, addr);
	}
	if (!m || m->kind == MAP_ANON)
		return perfmap_resolve(p, addr, out);
	if (m->kind == MAP_VDSO) {
		dso = vdso_get(us);
		return dso && dso_resolve(dso, m, addr, out);
	}
	dso = m->dso;
	if (dso->state == DSO_NEW)
		dso_load(dso, pid, m);
	if (dso->state != DSO_LOADED) {
		out->module = dso->path;
		out->offset = addr - m->start + m->pgoff;
		return false;
	}
	return dso_resolve(dso, m, addr, out);
}

static void proc_free(struct proc *p)
{
	symtab_free(&p->perfmap.tab);
	if (p->perfmap.fd >= 0)
		close(p->perfmap.fd);
	free(p->maps);
	free(p);
}

/* Free a pid's state, keeping its perf map names: callers may still hold them. */
static void proc_retire(struct usyms *us, struct proc *p)
{
	struct old_strs *o;

	while ((o = p->perfmap.old)) {
		p->perfmap.old = o->next;
		o->next = us->retired;
		us->retired = o;
	}
	strs_push(&us->retired, p->perfmap.tab.strs);
	p->perfmap.tab.strs = NULL;
	proc_free(p);
}

void usyms_forget_pid(struct usyms *us, pid_t pid)
{
	struct proc **pp, *p;

	if (!us)
		return;
	for (pp = &us->procs[(unsigned int)pid % PROC_BUCKETS]; (p = *pp); pp = &p->next) {
		if (p->pid == pid) {
			*pp = p->next;
			proc_retire(us, p);
			return;
		}
	}
}

size_t usyms_forget_exited(struct usyms *us)
{
	struct proc **pp, *p;
	size_t i, n = 0;

	if (!us)
		return 0;
	for (i = 0; i < PROC_BUCKETS; i++) {
		for (pp = &us->procs[i]; (p = *pp);) {
			if (p->start_time && proc_start_time(p->pid) == p->start_time) {
				pp = &p->next;
				continue;
			}
			*pp = p->next;
			proc_retire(us, p);
			n++;
		}
	}
	return n;
}

void usyms_free(struct usyms *us)
{
	struct old_strs *o;
	struct proc *p, *pn;
	struct dso *d, *dn;
	size_t i;

	if (!us)
		return;
	for (i = 0; i < PROC_BUCKETS; i++) {
		for (p = us->procs[i]; p; p = pn) {
			pn = p->next;
			proc_retire(us, p);
		}
	}
	while ((o = us->retired)) {
		us->retired = o->next;
		free(o->strs);
		free(o);
	}
	for (i = 0; i < DSO_BUCKETS; i++) {
		for (d = us->dsos[i]; d; d = dn) {
			dn = d->next;
			dso_free(d);
		}
	}
	if (us->vdso)
		dso_free(us->vdso);
	free(us);
}
