// SPDX-License-Identifier: GPL-2.0
/*
 * filelife: files created and deleted while tracing, with their age.
 *
 * A create is remembered by its directory (device, inode number) and name;
 * a delete of that name in that directory reports the age.  Where the
 * kernel lets us, both are seen at the VFS (vfs_open of a file the open
 * created, vfs_create, vfs_unlink: fexit, else kprobe).  Elsewhere creates
 * are the open calls whose file has FMODE_CREATED, and deletes come from
 * ext4's and xfs's unlink tracepoints (exact) and then from unlink() and
 * unlinkat() (by name: see filelife(8)).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/fdfile.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "filelife.h"

#define EVENT_MAX_SIZE (sizeof(struct life_event))
#include "bpf/events.bpf.h"

/*
 * Set on a struct file by the open that created its inode (Linux 4.19,
 * commit 73a09dd94377); a #define, so not in BTF: bit 20 from 4.19 to 6.18.
 */
#define FMODE_CREATED 0x100000
#define AT_FDCWD      -100
#define AT_REMOVEDIR  0x200

struct birth {
	__u64 ts;
};

struct dir_id {
	__u32 dev;
	__u32 pad;
	__u64 dir_ino;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct birth_key);
	__type(value, struct birth);
} births SEC(".maps");

/* The directory of the last file created under each name, for unlink("dir/name"). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, char[NAME_LEN]);
	__type(value, struct dir_id);
} by_name SEC(".maps");

/* Where keys, events and paths are built (too large for the BPF stack). */
struct scratch {
	struct birth_key key;
	struct life_event ev;
	char path[UPATH_LEN];
	__u32 base; /* where the path's last component starts */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* kprobe path: the directory and dentry of a vfs_unlink in progress, per thread. */
struct unlink_args {
	struct inode *dir;
	struct dentry *dentry;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by user space when the kprobes are used */
	__type(key, __u32);
	__type(value, struct unlink_args);
} pending SEC(".maps");

/* Syscall entries on kernels without bpf_task_pt_regs(): unlink's arguments per thread. */
struct path_args {
	const char *path;
	__s64 dfd;
	__u64 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by user space when the entries are used */
	__type(key, __u32);
	__type(value, struct path_args);
} stash SEC(".maps");

static __always_inline struct scratch *get_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

/* key: the directory dir, no name yet (zeroed: keys are compared whole). */
static __always_inline void key_dir(struct birth_key *key, struct inode *dir)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->dev = BPF_CORE_READ(dir, i_sb, s_dev);
	key->dir_ino = BPF_CORE_READ(dir, i_ino);
}

/* key: dentry's directory and name. */
static __always_inline void key_dentry(struct birth_key *key, struct inode *dir,
				       struct dentry *dentry)
{
	key_dir(key, dir ? dir : BPF_CORE_READ(dentry, d_parent, d_inode));
	bpf_probe_read_kernel_str(key->name, NAME_LEN, BPF_CORE_READ(dentry, d_name.name));
}

static __always_inline void remember(struct dentry *dentry)
{
	struct birth b = { .ts = bpf_ktime_get_ns() };
	struct scratch *s = get_scratch();
	struct dir_id d = {};

	if (!s || !dentry)
		return;
	key_dentry(&s->key, NULL, dentry);
	d.dev = s->key.dev;
	d.dir_ino = s->key.dir_ino;
	bpf_map_update_elem(&births, &s->key, &b, BPF_ANY);
	bpf_map_update_elem(&by_name, s->key.name, &d, BPF_ANY);
}

/* A file opened at path: remember it if the open created it. */
static __always_inline void remember_open(struct file *file, struct dentry *dentry)
{
	if (file && (BPF_CORE_READ(file, f_mode) & FMODE_CREATED))
		remember(dentry);
}

/* s->key deleted by the current task: report it if its create was seen. */
static __always_inline void report(void *ctx, struct scratch *s, enum life_how how)
{
	struct birth *b = bpf_map_lookup_elem(&births, &s->key);
	struct dir_id *d;
	__u64 id;

	if (!b)
		return;
	s->ev.age_ns = bpf_ktime_get_ns() - b->ts;
	bpf_map_delete_elem(&births, &s->key);
	d = bpf_map_lookup_elem(&by_name, s->key.name);
	if (d && d->dev == s->key.dev && d->dir_ino == s->key.dir_ino)
		bpf_map_delete_elem(&by_name, s->key.name);
	id = current_ids();
	s->ev.pid = id >> 32;
	s->ev.tid = (__u32)id;
	s->ev.how = how;
	bpf_get_current_comm(s->ev.comm, sizeof(s->ev.comm));
	__builtin_memcpy(s->ev.name, s->key.name, NAME_LEN);
	event_output(ctx, &s->ev, sizeof(s->ev));
}

static __always_inline void deleted(void *ctx, struct inode *dir, struct dentry *dentry)
{
	struct scratch *s = get_scratch();

	if (!s || !filter_current())
		return;
	key_dentry(&s->key, dir, dentry);
	report(ctx, s, LIFE_EXACT);
}

/* --- the VFS functions: fexit, else kprobe --- */

/*
 * vfs_create() and vfs_unlink() gained a first argument in Linux 5.12 (the
 * mount's user namespace), which became a struct mnt_idmap in 6.3.
 */
struct renamedata___userns {
	struct user_namespace *old_mnt_userns;
} __attribute__((preserve_access_index));

static __always_inline int vfs_arg0(void)
{
	return bpf_core_type_exists(struct mnt_idmap) ||
	       bpf_core_field_exists(struct renamedata___userns, old_mnt_userns);
}

SEC("fexit/vfs_open")
int BPF_PROG(vfs_open_fexit, const struct path *path, struct file *file, int ret)
{
	if (!ret && filter_current())
		remember_open(file, BPF_CORE_READ(path, dentry));
	return 0;
}

/* FMODE_CREATED is set before vfs_open() is called; file->f_path is set by it. */
SEC("kprobe/vfs_open")
int BPF_KPROBE(vfs_open_kprobe, const struct path *path, struct file *file)
{
	if (filter_current())
		remember_open(file, BPF_CORE_READ(path, dentry));
	return 0;
}

/* mknod() of a regular file (an open that creates does not call vfs_create). */
/* A tracing program's context is read at constant offsets only: one branch per layout. */
SEC("fexit/vfs_create")
int vfs_create_fexit(__u64 *ctx)
{
	if (vfs_arg0()) {
		if (!(int)ctx[5] && filter_current())
			remember((struct dentry *)ctx[2]);
	} else if (!(int)ctx[4] && filter_current()) {
		remember((struct dentry *)ctx[1]);
	}
	return 0;
}

SEC("kprobe/vfs_create")
int BPF_KPROBE(vfs_create_kprobe, void *a0, void *a1, void *a2)
{
	if (filter_current())
		remember(vfs_arg0() ? a2 : a1);
	return 0;
}

SEC("fexit/vfs_unlink")
int vfs_unlink_fexit(__u64 *ctx)
{
	if (vfs_arg0()) {
		if (!(int)ctx[4])
			deleted(ctx, (struct inode *)ctx[1], (struct dentry *)ctx[2]);
	} else if (!(int)ctx[3]) {
		deleted(ctx, (struct inode *)ctx[0], (struct dentry *)ctx[1]);
	}
	return 0;
}

SEC("kprobe/vfs_unlink")
int BPF_KPROBE(vfs_unlink_kprobe, void *a0, void *a1, void *a2)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct unlink_args u;

	if (vfs_arg0()) {
		u.dir = a1;
		u.dentry = a2;
	} else {
		u.dir = a0;
		u.dentry = a1;
	}
	if (filter_current() && bpf_map_update_elem(&pending, &tid, &u, BPF_ANY))
		count_missed();
	return 0;
}

SEC("kretprobe/vfs_unlink")
int BPF_KRETPROBE(vfs_unlink_kretprobe, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct unlink_args *u = bpf_map_lookup_elem(&pending, &tid);

	if (!u)
		return 0;
	if (!ret)
		deleted(ctx, u->dir, u->dentry);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

/* --- ext4 and xfs unlink tracepoints: tp_btf, else raw_tp --- */

SEC("tp_btf/ext4_unlink_enter")
int BPF_PROG(ext4_unlink_btf, struct inode *dir, struct dentry *dentry)
{
	deleted(ctx, dir, dentry);
	return 0;
}

SEC("raw_tp/ext4_unlink_enter")
int BPF_PROG(ext4_unlink_raw, struct inode *dir, struct dentry *dentry)
{
	deleted(ctx, dir, dentry);
	return 0;
}

/* xfs_remove() (unlink and rmdir): the directory's xfs_inode and the name, not NUL-ended. */
static __always_inline void on_xfs_remove(void *ctx, struct xfs_inode *dp,
					  const struct xfs_name *xname)
{
	struct scratch *s = get_scratch();
	__u32 len = BPF_CORE_READ(xname, len);

	if (!s || !filter_current())
		return;
	key_dir(&s->key,
		(struct inode *)((void *)dp + bpf_core_field_offset(struct xfs_inode, i_vnode)));
	if (len >= NAME_LEN)
		return;
	bpf_probe_read_kernel(s->key.name, len & (NAME_LEN - 1), BPF_CORE_READ(xname, name));
	report(ctx, s, LIFE_EXACT);
}

SEC("tp_btf/xfs_remove")
int BPF_PROG(xfs_remove_btf, struct xfs_inode *dp, const struct xfs_name *name)
{
	on_xfs_remove(ctx, dp, name);
	return 0;
}

SEC("raw_tp/xfs_remove")
int BPF_PROG(xfs_remove_raw, struct xfs_inode *dp, const struct xfs_name *name)
{
	on_xfs_remove(ctx, dp, name);
	return 0;
}

/* --- the system calls --- */

/* An open that returned fd >= 0: did it create the file? */
static __always_inline void opened(long fd)
{
	struct file *f;

	if (fd < 0 || !filter_current())
		return;
	f = task_fd_file((void *)bpf_get_current_task(), fd);
	remember_open(f, BPF_CORE_READ(f, f_path.dentry));
}

/* The directory a bare name given to unlinkat(dfd, ...) is in. */
static __always_inline struct inode *start_dir(long dfd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct file *f;

	if (dfd == AT_FDCWD)
		return BPF_CORE_READ(task, fs, pwd.dentry, d_inode);
	f = task_fd_file(task, dfd);
	return f ? BPF_CORE_READ(f, f_inode) : NULL;
}

/*
 * A successful unlink the tracepoints above did not report: a bare name is
 * looked up in the start directory, a path with directories by its last
 * component in by_name.
 */
static __always_inline void unlinked(void *ctx, const char *upath, long dfd)
{
	struct scratch *s = get_scratch();
	struct dir_id *d;
	struct inode *dir;
	__u32 i;
	long len;

	if (!s)
		return;
	len = bpf_probe_read_user_str(s->path, UPATH_LEN, upath);
	if (len <= 1 || len >= UPATH_LEN)
		return;
	/*
	 * The start goes to memory, not a register: a known value the branch
	 * below tests would keep the verifier from merging the loop's states.
	 */
	s->base = 0;
	for (i = 0; i < UPATH_LEN; i++) {
		if (i >= len)
			break;
		if (s->path[i] == '/')
			s->base = i + 1;
	}
	/* From the user's copy: an offset into a map value would need a precise base. */
	__builtin_memset(&s->key, 0, sizeof(s->key));
	if (bpf_probe_read_user_str(s->key.name, NAME_LEN, upath + s->base) <= 1)
		return;
	if (!s->base) {
		dir = start_dir(dfd);
		if (!dir)
			return;
		s->key.dev = BPF_CORE_READ(dir, i_sb, s_dev);
		s->key.dir_ino = BPF_CORE_READ(dir, i_ino);
		report(ctx, s, LIFE_DIR);
		return;
	}
	d = bpf_map_lookup_elem(&by_name, s->key.name);
	if (!d)
		return;
	s->key.dev = d->dev;
	s->key.dir_ino = d->dir_ino;
	report(ctx, s, LIFE_NAMEONLY);
}

static __always_inline void on_unlink_exit(void *ctx, long ret, struct path_args *a)
{
	if (!ret && !(a->flags & AT_REMOVEDIR) && filter_current())
		unlinked(ctx, a->path, a->dfd);
}

/* Exit alone: unlink's arguments from the registers saved at entry (Linux 5.15). */
static __always_inline int on_unlink_exit_regs(struct syscall_trace_exit *ctx, bool at)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	struct path_args a = { .dfd = AT_FDCWD };

	if (at) {
		a.dfd = (int)PT_REGS_PARM1_SYSCALL(regs);
		a.path = (const char *)PT_REGS_PARM2_SYSCALL(regs);
		a.flags = PT_REGS_PARM3_SYSCALL(regs);
	} else {
		a.path = (const char *)PT_REGS_PARM1_SYSCALL(regs);
	}
	on_unlink_exit(ctx, ctx->ret, &a);
	return 0;
}

static __always_inline int on_unlink_enter(struct path_args *a)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (filter_current() && bpf_map_update_elem(&stash, &tid, a, BPF_ANY))
		count_missed();
	return 0;
}

static __always_inline int on_unlink_exit_stash(struct syscall_trace_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct path_args *a = bpf_map_lookup_elem(&stash, &tid);

	if (!a)
		return 0;
	on_unlink_exit(ctx, ctx->ret, a);
	bpf_map_delete_elem(&stash, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_unlinkat")
int unlinkat_exit_regs(struct syscall_trace_exit *ctx)
{
	return on_unlink_exit_regs(ctx, true);
}

SEC("tracepoint/syscalls/sys_exit_unlink")
int unlink_exit_regs(struct syscall_trace_exit *ctx)
{
	return on_unlink_exit_regs(ctx, false);
}

SEC("tracepoint/syscalls/sys_enter_unlinkat")
int unlinkat_enter(struct syscall_trace_enter *ctx)
{
	struct path_args a = {
		.dfd = (int)ctx->args[0],
		.path = (const char *)ctx->args[1],
		.flags = ctx->args[2],
	};

	return on_unlink_enter(&a);
}

SEC("tracepoint/syscalls/sys_enter_unlink")
int unlink_enter(struct syscall_trace_enter *ctx)
{
	struct path_args a = { .dfd = AT_FDCWD, .path = (const char *)ctx->args[0] };

	return on_unlink_enter(&a);
}

SEC("tracepoint/syscalls/sys_exit_unlinkat")
int unlinkat_exit(struct syscall_trace_exit *ctx)
{
	return on_unlink_exit_stash(ctx);
}

SEC("tracepoint/syscalls/sys_exit_unlink")
int unlink_exit(struct syscall_trace_exit *ctx)
{
	return on_unlink_exit_stash(ctx);
}

/* Opens need only their exit: the descriptor is the result. */
/* clang-format off */
#define OPEN_EXIT(call)								\
	SEC("tracepoint/syscalls/sys_exit_" #call)				\
	int call##_exit(struct syscall_trace_exit *ctx)				\
	{ opened(ctx->ret); return 0; }
/* clang-format on */

OPEN_EXIT(openat)
OPEN_EXIT(open)
OPEN_EXIT(openat2)
OPEN_EXIT(creat)

/* Kernels without syscall tracepoints: raw_syscalls' exit, the calls picked by number. */
SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	long nr = syscall_nr(regs);
	struct path_args a = { .dfd = AT_FDCWD };

	if (nr == __NR_openat || nr == __NR_openat2
#ifdef __NR_open
	    || nr == __NR_open
#endif
#ifdef __NR_creat
	    || nr == __NR_creat
#endif
	) {
		if (native_syscall(regs))
			opened(ret);
		return 0;
	}
	if (nr == __NR_unlinkat) {
		a.dfd = (int)PT_REGS_PARM1_CORE_SYSCALL(regs);
		a.path = (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs);
		a.flags = PT_REGS_PARM3_CORE_SYSCALL(regs);
	}
#ifdef __NR_unlink
	else if (nr == __NR_unlink)
		a.path = (const char *)PT_REGS_PARM1_CORE_SYSCALL(regs);
#endif
	else
		return 0;
	if (native_syscall(regs))
		on_unlink_exit(ctx, ret, &a);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
