/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WAKEUPTIME_H
#define WAKEUPTIME_H

/* Both sides count struct wake_key (microseconds blocked, by waker kernel stack). */
#include "stack_types.h"

#endif
