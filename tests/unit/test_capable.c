// SPDX-License-Identifier: GPL-2.0
/* capability_name(): every capability the system headers know, by its number. */
#include <linux/capability.h>

#include "names.h"
#include "unit.h"

#define CHECK_CAP(c) CHECK_STR("capability_name(" #c ")", capability_name(c) ?: "(null)", #c)

int main(void)
{
	CHECK_CAP(CAP_CHOWN);
	CHECK_CAP(CAP_DAC_OVERRIDE);
	CHECK_CAP(CAP_SETUID);
	CHECK_CAP(CAP_NET_ADMIN);
	CHECK_CAP(CAP_SYS_ADMIN);
	CHECK_CAP(CAP_SETFCAP);
	CHECK_CAP(CAP_AUDIT_READ);
#ifdef CAP_PERFMON
	CHECK_CAP(CAP_PERFMON);
	CHECK_CAP(CAP_BPF);
	CHECK_CAP(CAP_CHECKPOINT_RESTORE);
#endif
	CHECK("the last capability the headers know has a name",
	      capability_name(CAP_LAST_CAP) != NULL, "CAP_LAST_CAP %d", CAP_LAST_CAP);
	CHECK("no name past the table", capability_name(63) == NULL, "%s", capability_name(63));
	CHECK("no name for a negative number", capability_name(-1) == NULL, "%s",
	      capability_name(-1));
	return unit_exit();
}
