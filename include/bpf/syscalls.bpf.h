/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFSCOPE_SYSCALLS_BPF_H
#define BPFSCOPE_SYSCALLS_BPF_H

/*
 * For the raw_syscalls fallback (raw_tp/sys_enter and sys_exit, on kernels
 * built without syscall tracepoints): the numbers of the calls the tools
 * filter on, and whether a call is a native one.  The syscall tracepoints
 * trace native calls only, and a 32-bit task's numbers mean other calls.
 * NR_NONE: the architecture has no such call.
 */
#define NR_NONE (-1)

#if defined(__TARGET_ARCH_x86)
#define NR_OPEN	    2
#define NR_EXECVE   59
#define NR_OPENAT   257
#define NR_EXECVEAT 322
#define NR_OPENAT2  437
#define USER64_CS   0x33

static __always_inline bool native_syscall(struct pt_regs *regs)
{
	return BPF_CORE_READ(regs, cs) == USER64_CS;
}

/* The number stays in orig_ax through the call, even after a successful exec. */
static __always_inline long syscall_nr(struct pt_regs *regs)
{
	return BPF_CORE_READ(regs, orig_ax);
}
#elif defined(__TARGET_ARCH_arm64)
#define NR_OPEN	       NR_NONE
#define NR_OPENAT      56
#define NR_EXECVE      221
#define NR_EXECVEAT    281
#define NR_OPENAT2     437
#define PSR_MODE32_BIT 0x10

static __always_inline bool native_syscall(struct pt_regs *regs)
{
	return !(BPF_CORE_READ(regs, pstate) & PSR_MODE32_BIT);
}

static __always_inline long syscall_nr(struct pt_regs *regs)
{
	return BPF_CORE_READ(regs, syscallno);
}
#else
#error "bpf/syscalls.bpf.h: the syscall numbers of this architecture are not known"
#endif

#endif
