/* SPDX-License-Identifier: MIT */
/*
 * An SDK-less enclave loader for the Linux SGX driver (/dev/sgx_enclave):
 * ECREATE, EADD/EEXTEND, EINIT through the driver's ioctls, then mmap and
 * enclave entry through the vDSO. Example code, not part of libsgx2.
 *
 * The steps are separate functions so that the parts that need no SGX
 * (reading and checking the files, the SECS, the address reservation)
 * can be tested anywhere.
 */
#ifndef LOADER_H
#define LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "image.h"
#include "sgx-arch.h"

struct loader_enclave {
	int fd;		  /* /dev/sgx_enclave; -1 until loader_start() */
	uint64_t base;	  /* SECS.BASE; 0 until loader_start() */
	uint64_t size;	  /* SECS.SIZE */
	struct image img; /* what is added and measured */
	struct sgx_sigstruct sigstruct;
	uint8_t mrenclave[32]; /* computed from img; equals the SIGSTRUCT's */
	void *vdso_enter;      /* __vdso_sgx_enter_enclave */
};

/* How the enclave came back to the vDSO (struct sgx_enclave_run, decoded). */
struct loader_exit {
	uint32_t function;   /* SGX_ENCLU_EEXIT; SGX_ENCLU_ERESUME after an
			      * exception inside the enclave (an AEX: the TCS
			      * is interrupted); SGX_ENCLU_EENTER when EENTER
			      * itself faulted (the enclave never ran) */
	uint16_t vector;     /* exception vector, e.g. 14 for #PF */
	uint16_t error_code; /* its error code, e.g. 0x8007 */
	uint64_t addr;	     /* its address (#PF: the faulting page) */
};

/**
 * typedef loader_fixup_fn - what to do about an exception inside the enclave
 * @exit: the exception (@exit->function is SGX_ENCLU_ERESUME)
 * @arg:  as given to loader_enter()
 *
 * Called from the vDSO's user_handler, that is inside the vDSO invocation
 * of loader_enter(), on its thread, while the TCS is interrupted. It may
 * fix the cause, e.g. by an EACCEPT or EMODPE through another TCS:
 * loader_enter() may be called again from here (the vDSO nests). It runs
 * with the state the AEX left, which plain C code accepts: R12-R15 zero
 * (callee-saved, so merely kept), MXCSR and the x87 control word at their
 * reset values (the ABI's defaults), the stack 16-byte aligned by the vDSO.
 *
 * Return: true to have the vDSO ERESUME the TCS, from this same invocation;
 * false to return from loader_enter() with the TCS left interrupted.
 */
typedef bool (*loader_fixup_fn)(const struct loader_exit *exit, void *arg);

/**
 * loader_prepare() - read and check the enclave and its SIGSTRUCT
 * @encl:      initialised here; release with loader_destroy()
 * @elf_path:  the enclave image (rules in image.h)
 * @sigstruct_path: its SIGSTRUCT, 1808 bytes (made by sgx2-sign)
 *
 * Computes MRENCLAVE from the image and compares it with the SIGSTRUCT's
 * ENCLAVEHASH, so a stale or foreign SIGSTRUCT is named here instead of
 * failing EINIT with a bare EPERM. Needs no SGX.
 *
 * Return: 0 or -errno (a line on stderr says what failed); -EBADMSG when
 * the SIGSTRUCT does not match the image.
 */
int loader_prepare(struct loader_enclave *encl, const char *elf_path,
		   const char *sigstruct_path);

/**
 * loader_secs() - the SECS that ECREATE gets for @encl at @base
 *
 * SIZE and SSAFRAMESIZE from the image; ATTRIBUTES, XFRM and MISCSELECT
 * from the SIGSTRUCT (EINIT compares them under its masks).
 */
void loader_secs(const struct loader_enclave *encl, uint64_t base,
		 struct sgx_secs *secs);

/**
 * loader_reserve() - reserve @size bytes of address space aligned to @size
 * @size: a power of two
 * @base: the reservation (PROT_NONE, to be replaced piecewise by MAP_FIXED
 *        mappings of the enclave)
 *
 * Return: 0 or -errno from mmap().
 */
int loader_reserve(uint64_t size, uint64_t *base);

#define LOADER_OPEN_TRIES 8 /* 1 + 2 + ... + 64 ms of pauses at most */

/**
 * loader_open_device() - open /dev/sgx_enclave
 *
 * From Linux 6.19 the first open while the system has no other SGX user
 * runs EUPDATESVN, which answers EAGAIN when the CPU is short of entropy:
 * that is retried, LOADER_OPEN_TRIES tries in all, 1 ms apart and
 * doubling. Other errors are not.
 *
 * Return: the descriptor, or -errno of the last open().
 */
int loader_open_device(void);

/**
 * loader_start() - build the enclave on the SGX device
 * @encl: prepared by loader_prepare()
 *
 * Finds the vDSO entry, opens /dev/sgx_enclave (loader_open_device()),
 * reserves the range, SGX_IOC_ENCLAVE_CREATE, SGX_IOC_ENCLAVE_ADD_PAGES
 * (measured) per segment, SGX_IOC_ENCLAVE_INIT, then maps each segment
 * with its permissions and the free area [image end, size) read-write, so
 * that pages there are added (EAUG) when first touched or EACCEPTed.
 *
 * Return: 0 or -errno (a line on stderr names the step): -ENOSYS without
 * the vDSO function; the errno of open() or of the failed ioctl (EINIT
 * failures are -EPERM; the SGX code only reaches the kernel log).
 */
int loader_start(struct loader_enclave *encl);

/**
 * loader_enter() - EENTER through the vDSO, run until the enclave is done
 * @encl:      started
 * @tcs:       the linear address of the TCS to use
 * @arg:       passed in RDI (the enclave's struct encl_op)
 * @fixup:     asked after each exception inside the enclave whether to
 *             resume it (see loader_fixup_fn), or NULL: never resume
 * @fixup_arg: passed to @fixup
 * @exit:      how the enclave came back the last time
 *
 * ERESUME happens only here, from the vDSO invocation that took the
 * exception. An AEX restores the outside RSP and RBP that EENTER saved in
 * the SSA frame, and ERESUME records no new ones (SDM, ERESUME), so an
 * enclave that leaves by EEXIT returns to the stack of the vDSO call that
 * entered it: resuming from a later call, at another stack depth, would
 * return into a dead frame.
 *
 * Return: 0 when the enclave was entered (see @exit), or the vDSO's
 * negative errno (-EINVAL for a bad function or run structure).
 */
int loader_enter(const struct loader_enclave *encl, uint64_t tcs, void *arg,
		 loader_fixup_fn fixup, void *fixup_arg,
		 struct loader_exit *exit);

/** loader_destroy() - unmap, close and free (a NULL @encl is ignored) */
void loader_destroy(struct loader_enclave *encl);

/* enter.S: the vDSO call, saving what an exception exit clobbers. */
struct sgx_enclave_run;
int loader_enter_vdso(void *vdso_fn, unsigned long rdi, unsigned int function,
		      struct sgx_enclave_run *run);

#endif /* LOADER_H */
