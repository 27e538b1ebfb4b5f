// SPDX-License-Identifier: GPL-2.0
/* Shared libraries for test_syms: functions with names the test looks for. */
#ifndef LIB_FUNC
#define LIB_FUNC syms_lib_gamma
#endif

__attribute__((noinline)) int LIB_FUNC(int x)
{
	volatile int acc = 0;

	for (int i = 0; i < x; i++)
		acc += i * x;
	return acc;
}
