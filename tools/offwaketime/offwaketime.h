/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OFFWAKETIME_H
#define OFFWAKETIME_H

/*
 * Both sides count struct wake_key (microseconds off-CPU, by the stacks the
 * task blocked with and those of its waker) and announce struct new_stack.
 */
#include "stack_types.h"

#endif
