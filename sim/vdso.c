// SPDX-License-Identifier: MIT
/*
 * The vDSO stand-in. Programs find __vdso_sgx_enter_enclave the way the
 * kernel's selftests do: getauxval(AT_SYSINFO_EHDR), then the ELF dynamic
 * section, DT_HASH, DT_SYMTAB, DT_STRTAB. The kernel's own vDSO cannot
 * serve enclaves of the simulator (built with SGX, it catches its ENCLU's
 * #UD itself and no signal is seen; built without, it has no such symbol),
 * so getauxval() is interposed to answer with a small ELF image made here,
 * whenever simulated enclaves may be entered (the device redirect is on,
 * or a simulated enclave exists; otherwise the real vDSO, so that a
 * program that has the simulator loaded but drives real SGX is left alone):
 * it exports the stand-in (vdso-enter.S) and every symbol of the kernel's
 * vDSO, pointing into the real one, so that any other use of the vDSO
 * through the auxiliary vector finds what it found before. (libc found its
 * vDSO functions at start-up without asking getauxval().)
 *
 * The image itself is built by common/vdso-image.c, which the sgx2-trace
 * recorder shares.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "internal.h"
#include "vdso-image.h"

#define ENTER_NAME "__vdso_sgx_enter_enclave"

unsigned long __getauxval(unsigned long type);
void sim__vdso_enter(void);
extern const char sim__vdso_aep[], sim__vdso_aep_hw[], sim__vdso_fixup_entry[];

static const void *image;
static pthread_once_t image_once = PTHREAD_ONCE_INIT;

static void build(void)
{
	image = sgx2_vdso__image((const void *)__getauxval(AT_SYSINFO_EHDR),
				 ENTER_NAME, (const void *)sim__vdso_enter,
				 NULL);
}

const void *sim__vdso_image(void)
{
	pthread_once(&image_once, build);
	return image;
}

SIM_EXPORT unsigned long getauxval(unsigned long type)
{
	const void *img;

	if (type == AT_SYSINFO_EHDR &&
	    (sim__device_enabled() || atomic_load(&sim__nencl))) {
		/* A program about to enter enclaves through it. */
		sim__signals_init();
		img = sim__vdso_image();
		if (img)
			return (unsigned long)(uintptr_t)img;
	}
	return __getauxval(type);
}

/* The stand-in's own ENCLU: UD2 where ENCLU would be (vdso-enter.S). */
int sim__vdso_is_enclu(const ucontext_t *uc)
{
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] ==
	       (uintptr_t)sim__vdso_aep;
}

/*
 * The stand-in's ENCLU for a TCS that is no simulated enclave's: on to the
 * real one, which is its own AEP, as the kernel's vDSO has it.
 */
void sim__vdso_to_hardware(ucontext_t *uc)
{
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)sim__vdso_aep_hw;
	uc->uc_mcontext.gregs[REG_RCX] = (greg_t)(uintptr_t)sim__vdso_aep_hw;
}

int sim__vdso_fixup(ucontext_t *uc, const struct sim_exc *x)
{
	greg_t *g = uc->uc_mcontext.gregs;

	if ((uintptr_t)g[REG_RIP] != (uintptr_t)sim__vdso_aep &&
	    (uintptr_t)g[REG_RIP] != (uintptr_t)sim__vdso_aep_hw)
		return 0;
	g[REG_RIP] = (greg_t)(uintptr_t)sim__vdso_fixup_entry;
	g[REG_RDI] = x->vector;
	g[REG_RSI] = x->error_code;
	g[REG_RDX] = (greg_t)x->addr;
	return 1;
}

/*
 * On SGX hardware a real enclave's ENCLU (sim__vdso_aep_hw) runs for real,
 * and the kernel, finding no fixup of its own for it, sends an exception
 * as a signal: fix it up the same way.
 */
int sim__vdso_hw_exception(int sig, const siginfo_t *si, ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	struct sim_exc x = { .vector = (uint16_t)g[REG_TRAPNO],
			     .error_code = (uint16_t)g[REG_ERR] };

	if (sig == SIGSEGV || sig == SIGBUS)
		x.addr = (uint64_t)(uintptr_t)si->si_addr;
	return sim__vdso_fixup(uc, &x);
}
