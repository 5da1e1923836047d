// SPDX-License-Identifier: MIT
/* The flows' step names, for messages (report->step). */
#include "internal.h"

SGX2_EXPORT const char *sgx2_step_name(unsigned int step)
{
	static const char *const names[] = {
		[SGX2_STEP_NONE] = "none",
		[SGX2_STEP_MODIFY] = "modify",
		[SGX2_STEP_MAP] = "map",
		[SGX2_STEP_ACCEPT] = "accept",
		[SGX2_STEP_REMOVE] = "remove",
		[SGX2_STEP_PROGRESS] = "progress",
		[SGX2_STEP_PREFAULT] = "prefault",
	};

	return step < sizeof(names) / sizeof(names[0]) ? names[step]
						       : "unknown";
}
