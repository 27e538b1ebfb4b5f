/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROFILE_H
#define PROFILE_H

/* Both sides count struct stack_key and announce struct new_stack. */
#include "stack_types.h"

#endif
