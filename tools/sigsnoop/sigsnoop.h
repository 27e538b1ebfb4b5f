/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SIGSNOOP_H
#define SIGSNOOP_H

/* The record is struct signal_event, shared with killsnoop (include/signals.h). */
#include "signals.h"

#endif
