/* SPDX-License-Identifier: MIT */
/*
 * sgx2-sim - a userspace model of the Linux SGX driver (/dev/sgx_enclave)
 * for testing SGX2/EDMM code without SGX hardware.
 *
 * The simulator answers ioctl(), mmap(), mprotect(), munmap() and close()
 * on its own enclave file descriptors the way the kernel's driver does
 * (v6.0 and later; see doc/simulator.md), and passes every other
 * descriptor and address to the real system call. It interposes those
 * libc symbols, so attach it by linking -lsgx2-sim (pkg-config:
 * libsgx2-sim) or with LD_PRELOAD=libsgx2-sim.so.0. Real enclave code
 * runs natively: entered through the __vdso_sgx_enter_enclave that
 * getauxval(AT_SYSINFO_EHDR) then finds (the simulator's stand-in), with
 * ENCLU emulated and the EPCM enforced by page protection; the simulator
 * interposes sigaction(), signal() and getauxval() for that (see
 * sgx2-sim(7)). It also interposes read(), to model the kernel's copy when
 * /dev/zero is read into enclave memory (the way libsgx2 has the kernel
 * add pages without an enclave exit): page by page through the driver's
 * fault handler, the writes dropped as on EPC. Without enclave code, the
 * enclave's part (EACCEPT, EMODPE, loads and stores) can be played by the
 * enclave-side calls below, each one enclave entry.
 *
 * Error convention: every function that returns int returns 0 (or a
 * non-negative value where stated) on success or a negative errno value,
 * and never touches errno. A descriptor that is open but not a simulator
 * enclave gets -ENOTTY; one that is not open gets -EBADF. Offsets are
 * relative to the enclave base, lengths are bytes.
 */
#ifndef SGX2_SIM_H
#define SGX2_SIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SGX2_SIM_PAGE_SIZE 4096u

/* EPC page types (SECINFO bits 15:8). */
#define SGX2_SIM_PAGE_TYPE_SECS 0u
#define SGX2_SIM_PAGE_TYPE_TCS 1u
#define SGX2_SIM_PAGE_TYPE_REG 2u
#define SGX2_SIM_PAGE_TYPE_TRIM 4u

/* SECINFO flags: permissions, state bits, page type. */
#define SGX2_SIM_SECINFO_R 0x01u
#define SGX2_SIM_SECINFO_W 0x02u
#define SGX2_SIM_SECINFO_X 0x04u
#define SGX2_SIM_SECINFO_PENDING 0x08u
#define SGX2_SIM_SECINFO_MODIFIED 0x10u
#define SGX2_SIM_SECINFO_PR 0x20u
#define SGX2_SIM_SECINFO_TYPE(t) ((uint64_t)(t) << 8)

/* ------------------------------------------------------------------ */
/* Opening an enclave, modes                                          */
/* ------------------------------------------------------------------ */

/**
 * sgx2_sim_open() - open a simulated enclave, like open("/dev/sgx_enclave")
 * @flags: 0 or O_CLOEXEC; nothing else is accepted
 *
 * The descriptor is a real one (a memfd holding the enclave's page data),
 * so close(), dup() and fork() work on it; the enclave lives while a
 * descriptor or a mapping of it remains. The enclave takes the default
 * configuration (sgx2_sim_set_default_config()).
 *
 * Return: the new descriptor (>= 0), or -EINVAL for other @flags or for
 * an SGX2_SIM_FAULTS script that does not parse (a line on stderr names
 * the rule, the key and what it takes), or the negative errno of
 * memfd_create() (-EMFILE, -ENOMEM, ...).
 */
int sgx2_sim_open(int flags);

/**
 * sgx2_sim_set_device() - make open("/dev/sgx_enclave") open a simulator
 * @enable: 1 to redirect open(), open64(), openat() and openat64() of
 *          exactly "/dev/sgx_enclave" (and their _2 fortified forms) to
 *          sgx2_sim_open(); 0 to pass them to the system again
 *
 * While it is on, stat(), lstat(), fstatat(), statx(), their 64-bit forms
 * and glibc's older __xstat() family describe exactly that path as the
 * simulator's device: a character device, mode 0666, owned by root,
 * device number 10:125 (the misc major and the minor real machines
 * usually give it), whether or not a real node exists.
 *
 * The environment variable SGX2_SIM_DEVICE=1 sets it at start-up, so that
 * an unmodified loader run with LD_PRELOAD gets simulated enclaves.
 *
 * Return: 0, or -EINVAL when @enable is neither 0 nor 1.
 */
int sgx2_sim_set_device(int enable);

/*
 * The kernel being modelled (struct sgx2_sim_config.kernel): a mainline
 * release, (major << 8) | minor, each with the answers it introduced and
 * those of the releases before it; 0 is the newest one modelled, so that
 * a zeroed configuration gets it. The table: doc/simulator.md.
 */
#define SGX2_SIM_KERNEL_NEWEST 0u    /* the default: 6.19 today */
#define SGX2_SIM_KERNEL_5_X 0x0513u  /* 5.11-5.19: no EDMM ioctls, no EAUG */
#define SGX2_SIM_KERNEL_6_0 0x0600u  /* EDMM; no offset+length wrap check */
#define SGX2_SIM_KERNEL_6_1 0x0601u  /* the wrap check */
#define SGX2_SIM_KERNEL_6_6 0x0606u  /* answers as 6.1 (doc/simulator.md) */
#define SGX2_SIM_KERNEL_6_14 0x060eu /* CREATE checks the size: EINVAL */
#define SGX2_SIM_KERNEL_6_19 0x0613u /* EUPDATESVN at the first open() */

/*
 * What machine the enclave lives on. SGX2 absent: the EDMM ioctls give
 * ENODEV, pages are never added on a fault, and EACCEPT/EMODPE raise #GP
 * (an invalid ENCLU leaf). page_delay_ns sleeps before each page of the
 * three EDMM ioctls, outside the enclave lock and with the busy bit held,
 * so that concurrent calls overlap for real.
 *
 * null_driver is for benchmarks, not a model: the EDMM ioctls make all of
 * the kernel's checks before the page loop (busy bit, SGX2, INIT, copy in,
 * offset/length, fields, count/result) and copy the struct back, but
 * instead of the page loop they report every page done (count = length)
 * and change nothing. The cost of a call then no longer depends on its
 * length, so a caller's own per-call cost can be measured.
 *
 * epc_size is the size of the one EPC section CPUID leaf 0x12 reports
 * (sgx2_sim_cpuid()): a multiple of 4096 from 4096 to 2^52 - 4096, or 0
 * for the default, SGX2_SIM_EPC_SIZE_DEFAULT (64 MiB). It is also the
 * machine's EPC, which the SECS and pages of all the process's enclaves
 * share; CPUID and that capacity read the process's default
 * configuration, not an enclave's. epc_limit caps one enclave's SECS and
 * pages, as an EPC cgroup's max would (a multiple of 4096; 0: no limit).
 *
 * Past either, the kernel reclaims: ADD_PAGES reclaims directly, and an
 * EAUG, which never does, finds reclaimable pages, so the fault is retried
 * once the reclaimer has swapped one out. The model counts each such page
 * (stats.epc_reclaimed) and goes on: an enclave bigger than the EPC builds
 * and runs. With epc_no_reclaim = 1 nothing can be reclaimed for this
 * enclave (the EPC is held by pages the kernel cannot swap: virtual
 * machines' EPC, or the cgroup's own unreclaimable charge): ADD_PAGES and
 * CREATE then fail with ENOMEM, and an EAUG fails as the kernel's does
 * when its EPC allocation gives ENOMEM: SIGBUS from a fault (every
 * release), a short count or EFAULT from a system call's copy, an
 * exception exit (#PF, vector 14) inside the enclave.
 */
#define SGX2_SIM_EPC_SIZE_DEFAULT (64ull << 20)
#define SGX2_SIM_EPC_SIZE_MAX ((1ull << 52) - 4096u)
struct sgx2_sim_config {
	uint32_t kernel;	 /* SGX2_SIM_KERNEL_* */
	uint32_t sgx2;		 /* 1: the CPU has SGX2 (default); 0: SGX1 */
	uint64_t page_delay_ns;	 /* at most 1000000000 */
	uint32_t null_driver;	 /* 1: see below; 0 (default) */
	uint32_t epc_no_reclaim; /* 1: nothing can be reclaimed; 0 */
	uint64_t epc_size;	 /* bytes of EPC CPUID reports; 0: default */
	uint64_t epc_limit;	 /* this enclave's EPC, bytes; 0: no limit */
	uint64_t reserved[1];	 /* must be 0 */
};

/**
 * sgx2_sim_config_init() - fill @cfg with the built-in defaults
 * @cfg: the configuration to fill (NULL is ignored)
 *
 * Defaults: SGX2_SIM_KERNEL_NEWEST, SGX2 present, no delay, 64 MiB of EPC.
 * The environment is not read here (see sgx2_sim_get_default_config()).
 */
void sgx2_sim_config_init(struct sgx2_sim_config *cfg);

/**
 * sgx2_sim_set_default_config() - set the configuration of enclaves opened
 * from now on
 * @cfg: the configuration, copied; NULL restores the built-in defaults
 *
 * At start-up the defaults come from SGX2_SIM_KERNEL ("6.19", "6.14",
 * "6.6", "6.1", "6.0", "5.19"), SGX2_SIM_SGX2 ("0", "1"),
 * SGX2_SIM_PAGE_DELAY_NS, SGX2_SIM_EPC_SIZE and SGX2_SIM_EPC_LIMIT (bytes,
 * with an optional K, M or G suffix) and SGX2_SIM_EPC_NO_RECLAIM ("0",
 * "1").
 *
 * Return: 0, or -EINVAL for a kernel that is neither 0 nor an
 * SGX2_SIM_KERNEL_* release, sgx2 not 0 or 1, a delay above one second,
 * an epc_size that is not a multiple of 4096 or is above
 * SGX2_SIM_EPC_SIZE_MAX, an epc_limit that is not a multiple of 4096,
 * epc_no_reclaim not 0 or 1, or non-zero reserved fields (nothing is
 * changed).
 */
int sgx2_sim_set_default_config(const struct sgx2_sim_config *cfg);

/**
 * sgx2_sim_get_default_config() - read the configuration new enclaves get
 * @cfg: where it is stored
 *
 * Return: 0, or -EINVAL for a NULL @cfg.
 */
int sgx2_sim_get_default_config(struct sgx2_sim_config *cfg);

/**
 * sgx2_sim_configure() - change one enclave's configuration
 * @fd:  the enclave
 * @cfg: the configuration, copied
 *
 * Takes effect at the next ioctl or enclave entry; page_delay_ns also
 * within an ioctl in progress (it is read before each page).
 *
 * Return: 0; -EINVAL for a NULL or invalid @cfg (as for
 * sgx2_sim_set_default_config()); -EBADF; -ENOTTY.
 */
int sgx2_sim_configure(int fd, const struct sgx2_sim_config *cfg);

/**
 * sgx2_sim_get_config() - read one enclave's configuration
 * @fd:  the enclave
 * @cfg: where it is stored
 *
 * Return: 0; -EINVAL for a NULL @cfg; -EBADF; -ENOTTY.
 */
int sgx2_sim_get_config(int fd, struct sgx2_sim_config *cfg);

/* ------------------------------------------------------------------ */
/* The machine: CPUID                                                 */
/* ------------------------------------------------------------------ */

/**
 * sgx2_sim_cpuid() - CPUID as the simulated machine answers it
 * @leaf:    EAX
 * @subleaf: ECX
 * @regs:    EAX, EBX, ECX, EDX of the answer
 *
 * Leaf 0x12, every sub-leaf: 0: EAX bit 0 SGX1, bit 1 SGX2 (when the
 * default configuration has sgx2 = 1), EBX the MISCSELECT bits (EXINFO),
 * EDX bits 15:8 = 40 and 7:0 = 31 (maximum enclave sizes 2^40 and 2^31
 * bytes); 1: EAX:EBX the SECS.ATTRIBUTES bits ECREATE may set (DEBUG,
 * MODE64BIT), ECX:EDX the XFRM bits (XCR0); 2: one EPC section of
 * epc_size bytes (type 1, confidentiality and integrity protected, at a
 * fixed fake physical address); 3 and above: all zero (no section).
 * Leaf 7 sub-leaf 0: the CPU's answer with EBX bit 2 (SGX) and ECX bit 30
 * (SGX_LC) set. <sgx2-sim-cpuid.h> routes a program's inline CPUID here.
 *
 * Return: 1 when @regs holds the answer; 0 for any other leaf (nothing is
 * stored: execute CPUID); -EINVAL for a NULL @regs.
 */
int sgx2_sim_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);

/* ------------------------------------------------------------------ */
/* Building an enclave in one call                                    */
/* ------------------------------------------------------------------ */

/*
 * A run of pages added with SGX_IOC_ENCLAVE_ADD_PAGES: REG pages with
 * SGX2_SIM_SECINFO_R/W/X permissions (W needs R), or TCS pages with
 * perms 0. Mapped MAP_SHARED|MAP_FIXED at base + offset with the
 * matching PROT (TCS: PROT_READ|PROT_WRITE).
 */
struct sgx2_sim_segment {
	uint64_t offset;   /* page aligned, from the enclave base */
	uint64_t pages;	   /* at least 1 */
	uint32_t type;	   /* SGX2_SIM_PAGE_TYPE_REG or _TCS */
	uint32_t perms;	   /* SGX2_SIM_SECINFO_R/W/X */
	const void *src;   /* pages * 4096 bytes of contents, page aligned
			      (as ADD_PAGES wants), or NULL: zeros */
	uint64_t reserved; /* must be 0 */
};

struct sgx2_sim_layout {
	uint64_t size; /* SECS.SIZE: a power of two, 8 KiB to 1 TiB */
	const struct sgx2_sim_segment *segs;
	uint32_t nsegs;
	uint32_t reserved0;   /* must be 0 */
	uint64_t reserved[2]; /* must be 0 */
};

/**
 * sgx2_sim_enclave_create() - open, create, add, initialise and map an
 * enclave
 * @layout: size and segments; segments must not overlap and must lie
 *          inside the size
 * @fd:     where the new enclave descriptor is stored
 * @base:   where the enclave base (SECS.BASE, aligned to the size) is stored
 *
 * Does what a loader does: reserves [base, base + size) with a PROT_NONE
 * MAP_SHARED mapping of the enclave, SGX_IOC_ENCLAVE_CREATE,
 * SGX_IOC_ENCLAVE_ADD_PAGES per segment, SGX_IOC_ENCLAVE_INIT, then maps
 * each segment. The rest of the range stays mapped PROT_NONE. The
 * enclave's counters start at zero. The SECS has SSAFRAMESIZE 1, XFRM 3
 * and the attributes DEBUG|MODE64BIT; the pages are added without
 * SGX_PAGE_MEASURE. There is no signing key: the enclave is measured, not
 * signed. INIT gets a SIGSTRUCT with the MRENCLAVE the simulator measured
 * and no signature, and EINIT skips the signature check for the enclaves
 * this function builds (and only for them), making its other checks.
 *
 * Return: 0; -EINVAL for NULL arguments, a bad size, bad segments or
 * non-zero reserved fields; -ENOMEM; or the errno of the step that failed
 * (nothing is left open or mapped then).
 */
int sgx2_sim_enclave_create(const struct sgx2_sim_layout *layout, int *fd,
			    uint64_t *base);

#define SGX2_SIM_MRENCLAVE_SIZE 32u

/**
 * sgx2_sim_skip_signature() - let EINIT accept an enclave without a signer
 * @fd:        the enclave, created and not initialised
 * @mrenclave: where the MRENCLAVE measured so far is stored, or NULL
 *
 * For a tool that rebuilds an enclave with SGX_IOC_ENCLAVE_CREATE and
 * ADD_PAGES but has neither its pages' contents nor its signer's key
 * (sgx2-replay(1) replaying a recorded trace): the enclave's next EINIT
 * skips the signature check and makes its others (the SIGSTRUCT's header,
 * the measurement against its ENCLAVEHASH, the attributes), as for the
 * enclaves sgx2_sim_enclave_create() builds. Call it after the last
 * ADD_PAGES and put @mrenclave into the SIGSTRUCT's ENCLAVEHASH.
 *
 * Return: 0; -EINVAL for an enclave not created or already initialised;
 * -EBADF; -ENOTTY.
 */
int sgx2_sim_skip_signature(int fd, uint8_t mrenclave[SGX2_SIM_MRENCLAVE_SIZE]);

/**
 * sgx2_sim_enclave_destroy() - unmap an enclave's range and close @fd
 * @fd: the enclave
 *
 * Unmaps [base, base + size) when the enclave was created, then closes
 * @fd. Other descriptors of the enclave stay open.
 *
 * Return: 0; -EBADF; -ENOTTY (nothing is closed then).
 */
int sgx2_sim_enclave_destroy(int fd);

/*
 * What sgx2_sim_get_info() reports. einit_code is the SGX code of the
 * enclave's last EINIT (0: it succeeded, or none ran yet): 1
 * SGX_INVALID_SIG_STRUCT, 2 SGX_INVALID_ATTRIBUTE, 4
 * SGX_INVALID_MEASUREMENT, 8 SGX_INVALID_SIGNATURE. SGX_IOC_ENCLAVE_INIT
 * fails with EPERM for each, as on hardware, where the code reaches only
 * the kernel log. An INIT the kernel's own checks refuse (EINVAL, EACCES,
 * EFAULT) runs no EINIT and leaves it.
 */
struct sgx2_sim_info {
	uint64_t base; /* SECS.BASE, or 0 before CREATE */
	uint64_t size; /* SECS.SIZE, or 0 before CREATE */
	uint32_t created;
	uint32_t initialized;
	uint32_t einit_code;
	uint32_t reserved0;
	uint64_t reserved;
};

/**
 * sgx2_sim_get_info() - read an enclave's base, size and state
 * @fd:   the enclave
 * @info: where it is stored
 *
 * Return: 0; -EINVAL for a NULL @info; -EBADF; -ENOTTY.
 */
int sgx2_sim_get_info(int fd, struct sgx2_sim_info *info);

/* ------------------------------------------------------------------ */
/* Inside the enclave                                                 */
/* ------------------------------------------------------------------ */

/* Values of struct sgx2_sim_run.function, as the vDSO reports them. */
#define SGX2_SIM_EENTER 2u  /* the entry itself faulted */
#define SGX2_SIM_ERESUME 3u /* an exception inside: resume to retry */
#define SGX2_SIM_EEXIT 4u   /* the operation completed */

/*
 * One enclave entry, reported like struct sgx_enclave_run. In: tcs, the
 * address of the TCS page to enter through (it must be an accepted TCS
 * page mapped readable, and not interrupted), or 0 for an entry that
 * models no TCS at all. Out: everything else, cleared at each call.
 *
 * An exception inside the enclave (a #PF with the SGX bit, a PTE
 * permission fault, a #GP) ends the entry with function ERESUME: the
 * TCS then keeps the faulting operation, sgx2_sim_eresume() runs it
 * again, and EENTER through it raises #GP until then. With tcs 0 the
 * operation is simply abandoned.
 */
struct sgx2_sim_run {
	uint64_t tcs;		       /* in */
	uint32_t function;	       /* SGX2_SIM_EENTER/ERESUME/EEXIT */
	uint16_t exception_vector;     /* 14 #PF, 13 #GP; 0 without */
	uint16_t exception_error_code; /* #PF error code */
	uint64_t exception_addr;       /* faulting address */
	uint64_t ret;		       /* EAX of the last EACCEPT: 0, 11, 19 */
	uint64_t value;		       /* sgx2_sim_read(): the word read */
	uint64_t done;		       /* eaccept_range: bytes accepted */
	uint64_t reserved[2];
};

/*
 * The enclave-side calls. Each is one enclave entry (EENTER through
 * run->tcs) and returns 0 when the entry took place, whatever happened
 * inside (see @run); a negative errno means the call itself was wrong and
 * nothing ran: -EINVAL for a NULL @run or non-zero run->reserved, an
 * enclave never created, a run->tcs that is misaligned or outside the
 * enclave, an address outside the enclave range, or a word that crosses a
 * page; -EBADF; -ENOTTY. The one exception is -ENOMEM: the entry ran and
 * took an exception (@run says which), but the simulator could not keep
 * the interrupted operation, so there is nothing to resume. Entering an
 * enclave that is not initialised is not an error of the call: the entry
 * reports #GP, as the CPU would.
 */

/**
 * sgx2_sim_enter() - enter through run->tcs and exit at once (a NOP)
 * @fd:  the enclave
 * @run: the entry
 *
 * Return: 0 or a negative errno (see above).
 */
int sgx2_sim_enter(int fd, struct sgx2_sim_run *run);

/**
 * sgx2_sim_eresume() - resume the TCS run->tcs after an exception
 * @fd:  the enclave
 * @run: the entry; run->tcs must not be 0
 *
 * Re-executes the instruction that faulted and, when it completes, the
 * rest of the operation (an EACCEPT range continues).
 *
 * Return: 0; -EINVAL for tcs 0 or a TCS that is not interrupted; or a
 * negative errno as above.
 */
int sgx2_sim_eresume(int fd, struct sgx2_sim_run *run);

/**
 * sgx2_sim_read() - load a 64-bit word inside the enclave
 * @fd:   the enclave
 * @run:  the entry; run->value gets the word
 * @addr: the address, within one page of the enclave range
 *
 * Checks as the CPU and kernel do: a mapping allowing reads (else #PF,
 * error code 0x4 or 0x5); a page (else EAUG on SGX2 and a #PF with the SGX
 * bit, since the new page is PENDING); PTE flags within vm_max_prot_bits
 * (else #PF); EPCM REG, not PENDING or MODIFIED, R (else #PF 0x8005).
 *
 * Return: 0 or a negative errno (see above).
 */
int sgx2_sim_read(int fd, struct sgx2_sim_run *run, uint64_t addr);

/**
 * sgx2_sim_write() - store a 64-bit word inside the enclave
 * @fd:    the enclave
 * @run:   the entry
 * @addr:  the address, within one page of the enclave range
 * @value: the word
 *
 * As sgx2_sim_read() with write checks: a mapping without PROT_WRITE
 * faults with 0x6, or 0x7 when a PTE is present; EPCM without W, or a
 * PENDING, MODIFIED, TCS or TRIM page faults with 0x8007.
 *
 * Return: 0 or a negative errno (see above).
 */
int sgx2_sim_write(int fd, struct sgx2_sim_run *run, uint64_t addr,
		   uint64_t value);

/**
 * sgx2_sim_eaccept() - ENCLU[EACCEPT] on one page
 * @fd:      the enclave
 * @run:     the entry; run->ret gets EAX
 * @addr:    the page address
 * @secinfo: SECINFO.FLAGS, e.g. 0x410 after TRIM, 0x20B for an added page
 *
 * As the SDM orders it: reserved SECINFO bits or a misaligned address
 * raise #GP; the page is reached through a mapping as a read (an unbacked
 * address is added, EAUG); a request other than REG with PR or PENDING
 * and without MODIFIED, or TCS/TRIM with MODIFIED alone, raises #GP.
 * run->ret: 0; 19 (SGX_PAGE_ATTRIBUTES_MISMATCH) when @secinfo differs
 * from the EPCM entry in type, R/W/X, PENDING or MODIFIED (not PR); 11
 * (SGX_NOT_TRACKED) only when injected.
 *
 * Return: 0 or a negative errno (see above).
 */
int sgx2_sim_eaccept(int fd, struct sgx2_sim_run *run, uint64_t addr,
		     uint64_t secinfo);

/**
 * sgx2_sim_eaccept_range() - EACCEPT every page of a range in one entry
 * @fd:      the enclave
 * @run:     the entry; run->done gets the bytes accepted
 * @addr:    the first page
 * @length:  bytes, a non-zero multiple of the page size
 * @secinfo: SECINFO.FLAGS for every page
 *
 * Stops at the first page that does not return 0: run->ret holds its code,
 * or the exception fields the fault; run->done = bytes accepted before it.
 * This is what an EACCEPT callback handed a whole range does.
 *
 * Return: 0 or a negative errno (see above; -EINVAL for a bad @length).
 */
int sgx2_sim_eaccept_range(int fd, struct sgx2_sim_run *run, uint64_t addr,
			   uint64_t length, uint64_t secinfo);

/**
 * sgx2_sim_emodpe() - ENCLU[EMODPE]: extend a REG page's EPCM permissions
 * @fd:      the enclave
 * @run:     the entry
 * @addr:    the page address
 * @secinfo: the permissions to add (R/W/X; reserved bits raise #GP)
 *
 * No return code. As the SDM orders it: a misaligned address raises #GP;
 * the page is reached as a read; reserved SECINFO bits raise #GP (the
 * state bits and the type are ignored); a page that is not REG, or is
 * PENDING or MODIFIED, raises #PF with the SGX bit (PR is allowed); W
 * without R raises #GP on a page without R. Page tables and
 * vm_max_prot_bits are not changed.
 *
 * Return: 0 or a negative errno (see above).
 */
int sgx2_sim_emodpe(int fd, struct sgx2_sim_run *run, uint64_t addr,
		    uint64_t secinfo);

/* ------------------------------------------------------------------ */
/* Fault injection                                                    */
/* ------------------------------------------------------------------ */

/* Which ioctl a rule counts (struct sgx2_sim_fault.ioctl): the ioctl nr. */
#define SGX2_SIM_IOCTL_ANY 0u
#define SGX2_SIM_IOCTL_RESTRICT 5u /* SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS */
#define SGX2_SIM_IOCTL_MODIFY 6u   /* SGX_IOC_ENCLAVE_MODIFY_TYPES */
#define SGX2_SIM_IOCTL_REMOVE 7u   /* SGX_IOC_ENCLAVE_REMOVE_PAGES */

/*
 * Kinds. The first five fire at page @page (0-based) of the @nth (1-based)
 * call of @ioctl counted from when the rule was armed (every call that
 * gets past the busy bit counts, whatever its outcome); a call that stops
 * before that page spends the rule unfired.
 *
 * ERRNO        the page load fails: @error EAGAIN (page being reclaimed),
 *              EFAULT (load error) or EBUSY (as REMOVE_PAGES's reclaimer
 *              race, but at the load; RESTRICT/MODIFY never return it:
 *              for testing callers). The loop stops, count = pages before.
 * RECLAIM_RACE the reclaimer owns the page when the kernel takes it off
 *              its list: MODIFY_TYPES REG->TCS gives EAGAIN (max prot
 *              restored), REMOVE_PAGES gives EBUSY. Other steps have no
 *              such point and do not fire it. Not for RESTRICT.
 * ENCLS_CODE   EMODPR/EMODT return @sgx_code (1..255; 7 is the realistic
 *              one): EFAULT and result = code. In REMOVE_PAGES it is the
 *              EMODPR probe, and a code there means EPERM.
 * ENCLS_FAULT  EMODPR/EMODT fault (#GP): EFAULT, result untouched; in
 *              REMOVE_PAGES, EPERM.
 * ETRACK       ETRACK fails twice: EFAULT, result untouched, after the
 *              EMODPR/EMODT took effect (MODIFY_TYPES: the kernel type is
 *              not updated). Not for REMOVE (it has no ETRACK).
 *
 * The next four use @offset and @times (0 means 1) instead:
 * UNDER_RECLAIM the page at @offset is being reclaimed for the next
 *              @times loads by the EDMM ioctl @ioctl names (any of the
 *              three for SGX2_SIM_IOCTL_ANY): EAGAIN at it.
 * BUSY         the next @times ioctl calls of kind @ioctl (any command
 *              for ANY) find the busy bit set: EBUSY, nothing read or
 *              written back.
 * NOT_TRACKED  the next @times EACCEPTs of the page at @offset that would
 *              succeed return SGX_NOT_TRACKED (11) instead.
 * EAUG         the next @times EAUGs on a fault at @offset, or at any
 *              offset for SGX2_SIM_OFFSET_ANY, fail (no EPC page and
 *              nothing to reclaim, or ENCLS[EAUG] failing): SIGBUS on
 *              every release, which the enclave-side calls report as the
 *              vDSO does: #PF with the access's error code, no SGX bit,
 *              no page added. A system call's copy stops there instead
 *              (EFAULT or a short count: the kernel's uaccess fixup).
 * EAUG_RACE    the kernel's first unfixed EAUG race (posted in 2024, not
 *              merged): the next @times faults that would add a page at
 *              @offset (or any, SGX2_SIM_OFFSET_ANY) lose to another
 *              thread faulting the same address. The winner adds the
 *              page (PENDING, its PTE installed); the loser's fault ends
 *              in SIGBUS as above (a system call's copy stops there). The
 *              page is then there: touching or accepting it again works.
 * REMOVE_RACE  the second: the next @times REMOVE_PAGES of the page at
 *              @offset (@ioctl ANY or REMOVE) race a fault on it, which
 *              re-installs its PTE while the kernel has dropped the lock
 *              to zap it. The page is removed and counted, but the address
 *              keeps a PTE without a page: nothing faults into the driver
 *              there any more (host and kernel accesses reach the abort
 *              page, with no EAUG; the enclave's get #PF with the SGX bit,
 *              so EACCEPT cannot add it), until the PTE goes: munmap() or
 *              a new mmap() over the address (sgx2_sim_page_state():
 *              present 0, pte 1 meanwhile).
 * COPY_SIGNAL  the next @times times a system call's copy into the enclave
 *              (read() of /dev/zero) has done the page at @offset (or any),
 *              a signal is pending: the call returns the bytes done so
 *              far, as the kernel's does.
 */
#define SGX2_SIM_FAULT_ERRNO 1u
#define SGX2_SIM_FAULT_RECLAIM_RACE 2u
#define SGX2_SIM_FAULT_ENCLS_CODE 3u
#define SGX2_SIM_FAULT_ENCLS_FAULT 4u
#define SGX2_SIM_FAULT_ETRACK 5u
#define SGX2_SIM_FAULT_UNDER_RECLAIM 6u
#define SGX2_SIM_FAULT_BUSY 7u
#define SGX2_SIM_FAULT_NOT_TRACKED 8u
#define SGX2_SIM_FAULT_EAUG 9u
#define SGX2_SIM_FAULT_EAUG_RACE 10u
#define SGX2_SIM_FAULT_REMOVE_RACE 11u
#define SGX2_SIM_FAULT_COPY_SIGNAL 12u

#define SGX2_SIM_OFFSET_ANY (~(uint64_t)0) /* EAUG*, COPY_SIGNAL: any */

struct sgx2_sim_fault {
	uint32_t kind;	      /* SGX2_SIM_FAULT_* */
	uint32_t ioctl;	      /* SGX2_SIM_IOCTL_* */
	uint32_t nth;	      /* 1-based; 0 means 1 */
	uint32_t page;	      /* 0-based page index within that call */
	uint64_t offset;      /* the countdown kinds but BUSY: the page */
	uint32_t times;	      /* the countdown kinds (6 to 12): 0 means 1 */
	int32_t error;	      /* ERRNO: EAGAIN, EBUSY or EFAULT (positive) */
	uint64_t sgx_code;    /* ENCLS_CODE: 1..255 */
	uint64_t reserved[2]; /* must be 0 */
};

/**
 * sgx2_sim_inject() - arm one fault rule on an enclave
 * @fd:    the enclave
 * @fault: the rule, copied
 *
 * Rules are kept in the order armed; where two of the same kind would
 * fire at the same point of the same call, the first armed fires and the
 * other is spent.
 *
 * Return: 0; -EINVAL for a NULL @fault, an unknown kind or ioctl, a field
 * out of range, a field the kind does not use that is not 0, a kind that
 * cannot fire for that ioctl, or non-zero reserved fields; -ENOMEM;
 * -EBADF; -ENOTTY.
 */
int sgx2_sim_inject(int fd, const struct sgx2_sim_fault *fault);

/**
 * sgx2_sim_inject_script() - arm rules written as text
 * @fd:     the enclave
 * @script: rules separated by ';' or newlines, each a comma-separated list
 *          of key=value: kind=errno|reclaim-race|encls|encls-fault|etrack|
 *          under-reclaim|busy|not-tracked|eaug|eaug-race|remove-race|
 *          copy-signal,
 *          ioctl=any|restrict|modify|remove, nth=N, page=N, offset=N|any
 *          (any: SGX2_SIM_OFFSET_ANY), times=N, error=EAGAIN|EBUSY|EFAULT,
 *          code=N (numbers in C syntax). Example:
 *          "kind=errno,ioctl=modify,nth=1,page=2,error=EAGAIN;
 *          kind=encls,ioctl=remove,code=7"
 *
 * The environment variable SGX2_SIM_FAULTS arms a script on every enclave
 * when it is opened.
 *
 * Return: 0; -EINVAL for a syntax error or a rule sgx2_sim_inject() would
 * refuse (then no rule of the script is armed); -ENOMEM; -EBADF; -ENOTTY.
 */
int sgx2_sim_inject_script(int fd, const char *script);

/**
 * sgx2_sim_inject_open() - make the next first opens of the device fail
 * @error: EAGAIN (EUPDATESVN found too little entropy: retry) or EIO
 *         (EUPDATESVN failed), positive; 0 disarms every open rule
 * @times: how many opens answer -@error (0 means 1; must be 0 with 0)
 *
 * From 6.19 the first open() of /dev/sgx_enclave while the system has no
 * other SGX user runs ENCLS[EUPDATESVN], which may fail. The simulator's
 * SGX users are this process's live enclaves: an sgx2_sim_open() (also
 * through the device path or sgx2_sim_enclave_create()) made while none
 * is alive, and with a default configuration of 6.19 or later, takes the
 * next armed answer, in the order armed, and creates nothing. Rules are
 * process-wide: there is no enclave to arm them on yet. The environment
 * variable SGX2_SIM_OPEN_FAULTS (a comma-separated list of EAGAIN and
 * EIO, one per open) arms answers at start-up.
 *
 * Return: 0; -EINVAL for another @error, or @times with 0; -ENOMEM.
 */
int sgx2_sim_inject_open(int error, uint32_t times);

/**
 * sgx2_sim_clear_faults() - disarm every rule of an enclave
 * @fd: the enclave
 *
 * Return: 0; -EBADF; -ENOTTY.
 */
int sgx2_sim_clear_faults(int fd);

/**
 * sgx2_sim_armed_faults() - how many rules are not used up yet
 * @fd: the enclave
 *
 * A rule is used up when it has fired @times times, or when the call it
 * was waiting for ended before reaching its page.
 *
 * Return: the number (>= 0); -EBADF; -ENOTTY.
 */
int sgx2_sim_armed_faults(int fd);

/* ------------------------------------------------------------------ */
/* Counters and page state                                            */
/* ------------------------------------------------------------------ */

/*
 * Indices of the counters by name. stats.ioctls[] by the ioctl's number,
 * SGX_IOC_ENCLAVE_* & 0xff (4 is /dev/sgx_vepc's, answered ENOTTY here;
 * 5 to 7 equal SGX2_SIM_IOCTL_RESTRICT/MODIFY/REMOVE):
 */
#define SGX2_SIM_NR_CREATE 0u
#define SGX2_SIM_NR_ADD_PAGES 1u
#define SGX2_SIM_NR_INIT 2u
#define SGX2_SIM_NR_PROVISION 3u
#define SGX2_SIM_NR_VEPC_REMOVE_ALL 4u
#define SGX2_SIM_NR_RESTRICT 5u
#define SGX2_SIM_NR_MODIFY 6u
#define SGX2_SIM_NR_REMOVE 7u
/* stats.enclu[] by ENCLU leaf (EAX); EENTER to EEXIT are SGX2_SIM_E*: */
#define SGX2_SIM_ENCLU_EREPORT 0u
#define SGX2_SIM_ENCLU_EGETKEY 1u
#define SGX2_SIM_ENCLU_EENTER 2u
#define SGX2_SIM_ENCLU_ERESUME 3u
#define SGX2_SIM_ENCLU_EEXIT 4u
#define SGX2_SIM_ENCLU_EACCEPT 5u
#define SGX2_SIM_ENCLU_EMODPE 6u
#define SGX2_SIM_ENCLU_EACCEPTCOPY 7u
/* stats.aex[] (and run.exception_vector) by exception vector: */
#define SGX2_SIM_VECTOR_DE 0u  /* divide error */
#define SGX2_SIM_VECTOR_DB 1u  /* debug */
#define SGX2_SIM_VECTOR_BP 3u  /* breakpoint, INT3 */
#define SGX2_SIM_VECTOR_UD 6u  /* invalid opcode */
#define SGX2_SIM_VECTOR_GP 13u /* general protection */
#define SGX2_SIM_VECTOR_PF 14u /* page fault */
#define SGX2_SIM_VECTOR_MF 16u /* x87 floating point */
#define SGX2_SIM_VECTOR_AC 17u /* alignment check */
#define SGX2_SIM_VECTOR_XM 19u /* SIMD floating point */

struct sgx2_sim_stats {
	uint64_t ioctls[8];	    /* calls by ioctl nr: SGX2_SIM_NR_* */
	uint64_t ioctls_unknown;    /* other commands (ENOTTY) */
	uint64_t busy;		    /* EBUSY from the busy bit (incl. BUSY) */
	uint64_t pages_restricted;  /* EMODPR steps completed */
	uint64_t pages_modified;    /* EMODT steps completed */
	uint64_t pages_removed;	    /* pages removed */
	uint64_t pages_resubmitted; /* see below */
	uint64_t eaccept_pages;	    /* EACCEPTs that returned 0 */
	uint64_t eaccept_failed;    /* EACCEPTs that returned a code */
	uint64_t eaug_pages;	    /* pages added on a fault */
	uint64_t enclave_entries;   /* EENTERs and ERESUMEs that entered */
	uint64_t exceptions;	    /* exceptions reported (AEX or EENTER) */
	uint64_t faults_fired;	    /* injected faults that fired */
	uint64_t enclu[8];	    /* ENCLU leaves executed (native code),
				       by leaf: SGX2_SIM_ENCLU_* */
	uint64_t aex[32];	    /* asynchronous exits for an exception,
				       by vector: SGX2_SIM_VECTOR_* (native
				       code) */
	uint64_t aex_interrupts;    /* asynchronous exits for a signal */
	uint64_t epc_reclaimed;	    /* pages swapped out to make room */
	uint64_t kernel_copies;	    /* read() calls that copied into the
				       enclave's range (the kernel's
				       accesses on the caller's behalf) */
	uint64_t mmaps;		    /* mmap() calls of the enclave */
	uint64_t reserved[1];
};
/*
 * pages_resubmitted: an EDMM per-page step reached a page whose last
 * completed step was the same ioctl with the same argument (permissions
 * or page type), nothing else having changed the page since (EMODPE,
 * another step, removal then EAUG reset it; EACCEPT does not), or a
 * REMOVE_PAGES step reached a page that REMOVE_PAGES had removed. A
 * caller that resumes from `count` correctly keeps it at 0.
 */

/**
 * sgx2_sim_get_stats() - read an enclave's counters
 * @fd: the enclave
 * @st: where they are stored
 *
 * Return: 0; -EINVAL for a NULL @st; -EBADF; -ENOTTY.
 */
int sgx2_sim_get_stats(int fd, struct sgx2_sim_stats *st);

/**
 * sgx2_sim_reset_stats() - zero an enclave's counters
 * @fd: the enclave
 *
 * Return: 0; -EBADF; -ENOTTY.
 */
int sgx2_sim_reset_stats(int fd);

/* One page, as the kernel and the EPCM see it. PROT_* values in max_prot. */
struct sgx2_sim_page {
	uint32_t present;    /* 1: an enclave page exists at the offset */
	uint32_t type;	     /* kernel-tracked type: SGX2_SIM_PAGE_TYPE_* */
	uint32_t max_prot;   /* vm_max_prot_bits: PROT_READ|WRITE|EXEC */
	uint32_t epcm_type;  /* EPCM page type */
	uint32_t epcm_perms; /* EPCM SGX2_SIM_SECINFO_R/W/X */
	uint32_t pending;    /* EPCM.PENDING */
	uint32_t modified;   /* EPCM.MODIFIED */
	uint32_t pr;	     /* EPCM.PR */
	uint64_t secinfo;    /* the same as SECINFO.FLAGS: what EACCEPT
				compares with */
	uint32_t pte;	     /* a page table entry maps it; with present
				0, one left without a page by the
				REMOVE_PAGES race (REMOVE_RACE) */
	uint32_t reserved[3];
};

/**
 * sgx2_sim_page_state() - read the state of the page at @offset
 * @fd:     the enclave
 * @offset: page aligned, below the enclave size
 * @page:   where it is stored; all zero for an absent page
 *
 * Return: 0 (also for an absent page); -EINVAL for a NULL @page, a
 * misaligned @offset, an @offset past the size, or an enclave not yet
 * created; -EBADF; -ENOTTY.
 */
int sgx2_sim_page_state(int fd, uint64_t offset, struct sgx2_sim_page *page);

#ifdef __cplusplus
}
#endif

#endif /* SGX2_SIM_H */
