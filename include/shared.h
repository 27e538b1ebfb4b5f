/* SPDX-License-Identifier: GPL-2.0 */
/* Limits and helpers both sides share: included by tools' .h and by lib/. */
#ifndef BPFSCOPE_SHARED_H
#define BPFSCOPE_SHARED_H

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif
