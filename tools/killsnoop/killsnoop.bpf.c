// SPDX-License-Identifier: GPL-2.0
/*
 * killsnoop: kill(2), tkill(2) and tgkill(2) calls with their result.  The
 * programs are include/bpf/signals.bpf.h's, which sigsnoop -k runs too.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "killsnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct signal_event))
#include "bpf/events.bpf.h"
#include "bpf/signals.bpf.h"

char LICENSE[] SEC("license") = "GPL";
