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
#include "usyms.h"

#define MAPS_RELOAD_NS 1000000000ULL

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

struct perfmap {
	struct symtab tab;
	char *path;
	off_t size; /* file size when read; a grown file is re-read */
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
	bool perfmap_tried;
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
 * Open a mapped object as the process sees it: through its root (containers),
 * checking it is still the mapped inode, else through map_files, which also
 * reaches deleted and memfd files.
 */
static int open_mapped(pid_t pid, const struct dso *dso, const struct map *m,
		       struct elfsyms_file *ef, char *root, size_t rootlen)
{
	char path[PATH_MAX];
	struct stat st;
	int n;

	snprintf(root, rootlen, "/proc/%d/root", pid);
	n = snprintf(path, sizeof(path), "%s%s", root, dso->path);
	if (dso->path[0] == '/' && n > 0 && (size_t)n < sizeof(path) && !elfsyms_open(ef, path)) {
		if (!fstat(ef->fd, &st) && st.st_dev == dso->dev && st.st_ino == dso->ino)
			return 0;
		elfsyms_close(ef);
	}
	snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, pid, m->start,
		 m->end);
	return elfsyms_open(ef, path);
}

static void dso_load(struct dso *dso, pid_t pid, const struct map *m)
{
	struct elfsyms_file ef = { .fd = -1 };
	struct stat st, self;
	char root[64];

	if (open_mapped(pid, dso, m, &ef, root, sizeof(root))) {
		/* The process may have gone; another pid mapping it may do better. */
		if (++dso->attempts >= 3)
			dso->state = DSO_FAILED;
		return;
	}
	/* A process sharing our root needs no prefix to find debug files. */
	if (!stat(root, &st) && !stat("/", &self) && st.st_dev == self.st_dev &&
	    st.st_ino == self.st_ino)
		root[0] = '\0';
	dso->state = elfsyms_read(&dso->obj, &ef, dso->path, root) ? DSO_FAILED : DSO_LOADED;
	elfsyms_close(&ef);
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

/* "START SIZE name" per line, hex numbers, as JITs write /tmp/perf-PID.map. */
static void perfmap_parse(struct perfmap *pm, FILE *f)
{
	char *line = NULL, *p, *name;
	unsigned long long start, size;
	size_t cap = 0, len;
	struct symbol *s;
	int64_t off;

	while (getline(&line, &cap, f) > 0) {
		start = strtoull(line, &p, 16);
		if (p == line || *p != ' ')
			continue;
		size = strtoull(p + 1, &name, 16);
		if (name == p + 1 || *name != ' ')
			continue;
		name++;
		len = strcspn(name, "\n");
		if (!len || symtab_reserve(&pm->tab, 1))
			continue;
		off = symtab_add_str(&pm->tab, name, len);
		if (off < 0)
			break;
		s = &pm->tab.syms[pm->tab.n++];
		s->addr = start;
		s->size = size > UINT32_MAX ? UINT32_MAX : size;
		s->name = off;
		s->aux = 0;
		s->rank = 0;
	}
	free(line);
	symtab_finish(&pm->tab);
}

/* The pid as its own namespace numbers it (last NSpid field), for a container's perf map. */
static pid_t ns_pid(pid_t pid)
{
	char fname[64], *line = NULL;
	size_t cap = 0;
	pid_t nspid = pid;
	FILE *f;

	snprintf(fname, sizeof(fname), "/proc/%d/status", pid);
	f = fopen(fname, "re");
	if (!f)
		return pid;
	while (getline(&line, &cap, f) > 0) {
		char *p, *last;

		if (strncmp(line, "NSpid:", 6))
			continue;
		last = NULL;
		for (p = strtok(line + 6, " \t\n"); p; p = strtok(NULL, " \t\n"))
			last = p;
		if (last)
			nspid = atoi(last);
		break;
	}
	free(line);
	fclose(f);
	return nspid;
}

static void perfmap_load(struct proc *p)
{
	struct perfmap *pm = &p->perfmap;
	char path[PATH_MAX];
	struct stat st;
	pid_t nspid;
	FILE *f;

	if (!pm->path) {
		snprintf(path, sizeof(path), "/tmp/perf-%d.map", p->pid);
		nspid = ns_pid(p->pid);
		if (access(path, R_OK) && nspid != p->pid)
			snprintf(path, sizeof(path), "/proc/%d/root/tmp/perf-%d.map", p->pid,
				 nspid);
		pm->path = strdup(path);
		if (!pm->path)
			return;
	}
	f = fopen(pm->path, "re");
	if (!f)
		return;
	if (fstat(fileno(f), &st) || st.st_size == pm->size) {
		fclose(f);
		return;
	}
	strs_push(&pm->old, pm->tab.strs);
	pm->tab.strs = NULL;
	symtab_free(&pm->tab);
	pm->size = st.st_size;
	perfmap_parse(pm, f);
	fclose(f);
}

static bool perfmap_resolve(struct proc *p, uint64_t addr, struct sym *out)
{
	const struct symbol *s;

	if (!p->perfmap_tried) {
		p->perfmap_tried = true;
		perfmap_load(p);
	}
	s = symtab_find(&p->perfmap.tab, addr);
	if (!s) {
		/* A JIT appends as it compiles: look again if the file grew. */
		perfmap_load(p);
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
	free(p->perfmap.path);
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
