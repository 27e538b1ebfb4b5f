/* SPDX-License-Identifier: GPL-2.0 */
/*
 * USDT probes for the tests' own programs, in the layout of SystemTap's
 * <sys/sdt.h> (which the build does not need): a nop where the probe is, a
 * .note.stapsdt note naming it (address, .stapsdt.base, semaphore, provider,
 * name, argument specs) and a semaphore that a tracer raises while it is
 * attached (the kernel's uprobe ref_ctr).  Arguments are 8-byte values in
 * registers ("8@%rdi").
 *
 *	USDT_SEMAPHORE(python, function__entry);
 *	if (USDT_ENABLED(python, function__entry)) ...
 *	USDT3(python, function__entry, file, func, line);
 */
#ifndef BPFSCOPE_USDT_SDT_H
#define BPFSCOPE_USDT_SDT_H

#define USDT_SEMAPHORE(p, n) \
	__extension__ unsigned short p##_##n##_semaphore __attribute__((section(".probes"), used))
#define USDT_ENABLED(p, n) (*(volatile unsigned short *)&p##_##n##_semaphore != 0)

#define USDT_NOTE(p, n, args, ...)                                                      \
	__asm__ __volatile__(                                                           \
		"990: nop\n"                                                            \
		".pushsection .note.stapsdt,\"?\",\"note\"\n"                           \
		".balign 4\n"                                                           \
		".4byte 992f-991f, 994f-993f, 3\n"                                      \
		"991: .asciz \"stapsdt\"\n"                                             \
		"992: .balign 4\n"                                                      \
		"993: .8byte 990b\n"                                                    \
		".8byte _.stapsdt.base\n"                                               \
		".8byte " #p "_" #n "_semaphore\n"                                      \
		".asciz \"" #p "\"\n"                                                   \
		".asciz \"" #n "\"\n"                                                   \
		".asciz \"" args "\"\n"                                                 \
		"994: .balign 4\n"                                                      \
		".popsection\n"                                                         \
		".ifndef _.stapsdt.base\n"                                              \
		".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
		".weak _.stapsdt.base\n"                                                \
		".hidden _.stapsdt.base\n"                                              \
		"_.stapsdt.base: .space 1\n"                                            \
		".size _.stapsdt.base, 1\n"                                             \
		".popsection\n"                                                         \
		".endif\n" ::__VA_ARGS__)

#define USDT_A(x)	     "r"((long)(x))
#define USDT0(p, n)	     USDT_NOTE(p, n, "")
#define USDT1(p, n, a)	     USDT_NOTE(p, n, "8@%0", USDT_A(a))
#define USDT2(p, n, a, b)    USDT_NOTE(p, n, "8@%0 8@%1", USDT_A(a), USDT_A(b))
#define USDT3(p, n, a, b, c) USDT_NOTE(p, n, "8@%0 8@%1 8@%2", USDT_A(a), USDT_A(b), USDT_A(c))
#define USDT5(p, n, a, b, c, d, e)                                                              \
	USDT_NOTE(p, n, "8@%0 8@%1 8@%2 8@%3 8@%4", USDT_A(a), USDT_A(b), USDT_A(c), USDT_A(d), \
		  USDT_A(e))

#endif
