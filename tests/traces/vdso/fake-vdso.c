// SPDX-License-Identifier: MIT
/*
 * Preloaded after the recorder: getauxval(AT_SYSINFO_EHDR) answers with a
 * vDSO image whose __vdso_sgx_enter_enclave is fake_enter (fake-vdso.S),
 * as libsgx2-sim answers with its stand-in.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <sys/auxv.h>

#include "vdso-image.h"

unsigned long __getauxval(unsigned long type);
void fake_enter(void);

__attribute__((visibility("default"))) unsigned long
getauxval(unsigned long type)
{
	static const void *image;

	if (type != AT_SYSINFO_EHDR)
		return __getauxval(type);
	if (!image)
		image = sgx2_vdso__image((const void *)__getauxval(type),
					 "__vdso_sgx_enter_enclave",
					 (const void *)fake_enter, NULL);
	return (unsigned long)(uintptr_t)image;
}
