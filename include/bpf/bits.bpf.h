/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFSCOPE_BITS_BPF_H
#define BPFSCOPE_BITS_BPF_H

/* Index of the highest set bit of v (0 for 0 and 1). */
static __always_inline __u64 log2_u32(__u32 v)
{
	__u32 shift, r;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u64 log2_u64(__u64 v)
{
	__u32 hi = v >> 32;

	if (hi)
		return log2_u32(hi) + 32;
	return log2_u32(v);
}

/*
 * Slot for v: floor(log2(v)), so slot 0 holds 0 and 1, slot i holds [2^i, 2^(i+1)).
 * Kept in 64 bits and clamped in one register: verifiers before ~6.3 lose the
 * bound when the compiler clamps a zero-extended 32-bit copy and indexes with
 * the original ("unbounded memory access" on 6.1).
 */
static __always_inline __u64 log2_slot(__u64 v, __u64 max_slot)
{
	__u64 slot = log2_u64(v);

	asm volatile("" : "+r"(slot));
	if (slot > max_slot)
		slot = max_slot;
	asm volatile("" : "+r"(slot));
	return slot;
}

#endif
