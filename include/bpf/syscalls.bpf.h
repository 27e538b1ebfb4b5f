/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFSCOPE_SYSCALLS_BPF_H
#define BPFSCOPE_SYSCALLS_BPF_H

/*
 * For the raw_syscalls fallback (raw_tp/sys_enter and sys_exit, on kernels
 * built without syscall tracepoints): the numbers of the calls, and whether
 * a call is a native one.  The syscall tracepoints trace native calls only,
 * and a 32-bit task's numbers mean other calls.
 *
 * The numbers are __NR_<name> from build/syscall_names.h, which
 * scripts/gen-syscalls.sh writes from the same <asm/unistd.h> as the names
 * user space prints (lib/names.c).  A call the architecture lacks has no
 * __NR_ macro (arm64 has no open()): test with #ifdef.
 */
#include "syscall_names.h"

#include <bpf/bpf_tracing.h>

/*
 * Argument n (1 to 6) of the call being traced, from the user registers the
 * task saved at entry (an exit-only tool reads its arguments there: the
 * _SYSCALL macros know where each architecture keeps them; arm64 has
 * overwritten x0 with the result and reads orig_x0).  core: regs is not a
 * pointer the verifier knows (raw_tp), so the register is read with a helper.
 */
#define SYSCALL_ARG(regs, n, core) \
	((core) ? PT_REGS_PARM##n##_CORE_SYSCALL(regs) : PT_REGS_PARM##n##_SYSCALL(regs))

#if defined(__TARGET_ARCH_x86)
#define USER64_CS 0x33

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
#error "bpf/syscalls.bpf.h: this architecture's syscall registers are not known"
#endif

#endif
