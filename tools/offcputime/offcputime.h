/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OFFCPUTIME_H
#define OFFCPUTIME_H

/* Both sides count struct stack_key (microseconds off-CPU) and announce struct new_stack. */
#include "stack_types.h"

#endif
