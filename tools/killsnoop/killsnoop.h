/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KILLSNOOP_H
#define KILLSNOOP_H

/* The record is struct signal_event, shared with sigsnoop (include/signals.h). */
#include "signals.h"

#endif
