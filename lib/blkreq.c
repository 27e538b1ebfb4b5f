// SPDX-License-Identifier: GPL-2.0
/* Block requests and their submitters (biosnoop, biotop); see include/blkreq.h. */
#include <string.h>

#include "blkreq.h"
#include "blk.h"
#include "cli.h"
#include "probe.h"
#include "shared.h"

/* The submitter hooks, best first: the request itself (6.5+), else its first bio. */
static const char *const submitter_progs[] = {
	"block_io_start_btf",
	"block_io_start_raw",
	"block_getrq_btf",
	"block_getrq_raw",
};

static int set_flag(struct bpf_object *obj, const char *name, bool val)
{
	int err = obj_set_rodata(obj, name, &val, sizeof(val));

	if (err)
		cli_warn("cannot set %s in the BPF object: %s", name, strerror(-err));
	return err;
}

/* Keep one submitter hook; is it block_getrq's?  -1: none works (said why). */
static int choose_submitter(struct bpf_object *obj)
{
	struct bpf_program *alts[ARRAY_SIZE(submitter_progs)], *prog;
	bool avoid_io_start = hook_avoided("block_io_start");
	size_t i, n = 0;
	int kept;

	for (i = 0; i < ARRAY_SIZE(submitter_progs); i++) {
		prog = bpf_object__find_program_by_name(obj, submitter_progs[i]);
		if (!prog) {
			cli_warn("the BPF object has no program %s", submitter_progs[i]);
			return -1;
		}
		if (avoid_io_start && !strcmp(hook_target(prog), "block_io_start"))
			bpf_program__set_autoload(prog, false);
		else
			alts[n++] = prog;
	}
	kept = hook_choose("the submitter of block I/O", alts, n);
	if (kept < 0)
		return -1;
	return !strcmp(hook_target(alts[kept]), "block_getrq");
}

int blkreq_configure(struct bpf_object *obj, uint32_t filter_dev, bool insert)
{
	int by_bio;

	if (blk_configure(obj, filter_dev))
		return -1;
	by_bio = choose_submitter(obj);
	if (by_bio < 0 || set_flag(obj, "submit_by_bio", by_bio))
		return -1;
	if (by_bio && set_flag(obj, "getrq_has_queue_arg",
			       blk_tp_has_queue_arg(probe_kernel_btf(), "block_getrq")))
		return -1;
	return blk_choose_hooks(obj, insert);
}
