/* SPDX-License-Identifier: MIT */
/*
 * Private to libsgx2-sim: never installed. Cross-file symbols carry sim__.
 *
 * Locking: sim__registry_lock (the list of enclaves, and every change to the
 * process's mappings) is taken before an enclave's lock, never after. An
 * enclave's lock guards its pages, VMAs, TCS states, faults and counters;
 * VMA arrays change only with both locks held, so either one lets a
 * reader look at them. The busy bit is separate, as in the kernel.
 */
#ifndef SGX2_SIM_INTERNAL_H
#define SGX2_SIM_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "sgx2-sim.h"
#include "sha256.h"

#define SIM_EXPORT __attribute__((visibility("default")))

#define SIM_PAGE 4096ull
#define SIM_PAGE_SHIFT 12
#define SIM_MAX_SIZE_LOG2 40u /* the model's MaxEnclaveSize_64 */
#define SIM_MAX_SIZE (1ull << SIM_MAX_SIZE_LOG2)
#define SIM_LEAF_PAGES 512u /* pages per page-table leaf */

/* SECINFO bits (SDM); the kernel headers name only the first three. */
#define SIM_R 0x1u
#define SIM_W 0x2u
#define SIM_X 0x4u
#define SIM_PENDING 0x08u
#define SIM_MODIFIED 0x10u
#define SIM_PR 0x20u
#define SIM_PERMS 0x7u
#define SIM_STATE (SIM_PENDING | SIM_MODIFIED | SIM_PR)

#define SIM_PT_SECS 0u
#define SIM_PT_TCS 1u
#define SIM_PT_REG 2u
#define SIM_PT_VA 3u
#define SIM_PT_TRIM 4u

/* SECS (one page), by offset, and the bits of its fields the model names. */
#define SIM_SECS_SIZE 0		 /* u64 */
#define SIM_SECS_BASE 8		 /* u64 */
#define SIM_SECS_SSAFRAMESIZE 16 /* u32 */
#define SIM_SECS_MISCSELECT 20	 /* u32 */
#define SIM_SECS_ATTRIBUTES 48	 /* u64 FLAGS */
#define SIM_SECS_XFRM 56	 /* u64 */
#define SIM_ATTR_DEBUG 0x2ull
#define SIM_ATTR_MODE64BIT 0x4ull
#define SIM_ATTR_KSS 0x80ull
#define SIM_XFRM_X87_SSE 0x3ull

/* SGX return codes the model produces (SDM table "Error codes"). */
#define SIM_INVALID_SIG_STRUCT 1u
#define SIM_INVALID_ATTRIBUTE 2u
#define SIM_INVALID_MEASUREMENT 4u
#define SIM_EPC_PAGE_CONFLICT 7u
#define SIM_INVALID_SIGNATURE 8u
#define SIM_NOT_TRACKED 11u
#define SIM_PAGE_ATTRIBUTES_MISMATCH 19u
#define SIM_PAGE_NOT_MODIFIABLE 20u

/* x86 #PF error code bits. */
#define SIM_PF_P 0x1u
#define SIM_PF_W 0x2u
#define SIM_PF_U 0x4u
#define SIM_PF_I 0x10u
#define SIM_PF_SGX 0x8000u
#define SIM_VEC_UD 6u
#define SIM_VEC_GP 13u
#define SIM_VEC_PF 14u

/* ENCLU leaves (EAX). */
#define SIM_EREPORT 0u
#define SIM_EGETKEY 1u
#define SIM_EENTER 2u
#define SIM_ERESUME 3u
#define SIM_EEXIT 4u
#define SIM_EACCEPT 5u
#define SIM_EMODPE 6u
#define SIM_EACCEPTCOPY 7u

/* TCS fields (SDM "Layout of Thread Control Structure"). */
#define SIM_TCS_STATE 0u
#define SIM_TCS_FLAGS 8u
#define SIM_TCS_OSSA 16u
#define SIM_TCS_CSSA 24u
#define SIM_TCS_NSSA 28u
#define SIM_TCS_OENTRY 32u
#define SIM_TCS_AEP 40u
#define SIM_TCS_OFSBASE 48u
#define SIM_TCS_OGSBASE 56u
#define SIM_TCS_RESERVED 72u /* to the end of the page: must be 0 */
#define SIM_TCS_ACTIVE 1u    /* STATE while a thread is inside */

/* SIGSTRUCT (1808 bytes), by offset: the uapi header has no layout. */
#define SIM_SS_SIZE 1808
#define SIM_SS_HEADER 0	       /* 16 bytes, constant */
#define SIM_SS_VENDOR 16       /* u32 */
#define SIM_SS_HEADER2 24      /* 16 bytes, constant */
#define SIM_SS_MODULUS 128     /* 384 bytes, little-endian */
#define SIM_SS_EXPONENT 512    /* u32 */
#define SIM_SS_SIGNATURE 516   /* 384 bytes, little-endian */
#define SIM_SS_BODY 900	       /* the signed body: 128 bytes */
#define SIM_SS_MISCSELECT 900  /* u32 */
#define SIM_SS_MISCMASK 904    /* u32 */
#define SIM_SS_ATTRIBUTES 928  /* u64 flags, then u64 XFRM */
#define SIM_SS_ATTRMASK 944    /* u64 flags mask, then u64 XFRM mask */
#define SIM_SS_ENCLAVEHASH 960 /* 32 bytes */
#define SIM_SS_Q1 1040	       /* 384 bytes, little-endian */
#define SIM_SS_Q2 1424	       /* 384 bytes, little-endian */
#define SIM_KEY_SIZE 384       /* RSA-3072 */
extern const unsigned char sim__ss_header[16], sim__ss_header2[16];

/* SECINFO as ADD_PAGES reads it (not in the uapi header). */
struct sim_secinfo {
	uint64_t flags;
	uint8_t reserved[56];
} __attribute__((aligned(64)));

/* One enclave page: the kernel's view and the EPCM entry. */
struct sim_page {
	uint8_t present;    /* an enclave page exists (page array entry) */
	uint8_t ktype;	    /* kernel-tracked type: SIM_PT_* */
	uint8_t max_prot;   /* vm_max_prot_bits, PROT_* */
	uint8_t epcm_type;  /* EPCM.PT */
	uint8_t epcm_perms; /* EPCM R/W/X, SECINFO layout */
	uint8_t epcm_state; /* EPCM PENDING/MODIFIED/PR, SECINFO layout */
	uint8_t pte;	    /* a PTE maps it in this process; without a
			       page, one the REMOVE_PAGES race left */
	uint8_t host_prot;  /* PROT_* the host mapping has now (protect.c) */
	uint8_t last_nr;    /* ioctl nr of the last completed EDMM step, or 0 */
	uint8_t last_arg;   /* its argument (permissions or page type) */
};

/* How an instruction reaches memory. */
enum sim_access {
	SIM_ACC_READ,
	SIM_ACC_WRITE,
	SIM_ACC_EXEC,
};

/*
 * An exception the model raises, as the CPU reports it; @sigbus when the
 * kernel's fault handling of a #PF ends in SIGBUS rather than SIGSEGV
 * (the vDSO reports both the same way).
 */
struct sim_exc {
	uint16_t vector;
	uint16_t error_code;
	uint8_t sigbus;
	uint64_t addr;
};

/*
 * How an access reached its page: the page, or how the kernel's fault
 * handling ended, which the vDSO reports as a #PF with the access's error
 * code (fixup_vdso_exception() in both the SIGSEGV and SIGBUS paths).
 */
enum sim_reach {
	SIM_REACH_PAGE,	  /* the page; the access goes on */
	SIM_REACH_SEGV,	  /* no mapping allows it: SIGSEGV */
	SIM_REACH_SIGBUS, /* the fault handler gives up: SIGBUS */
};

/* A mapping of the enclave file: [start, end), with the PROT it was given. */
struct sim_vma {
	uint64_t start;
	uint64_t end;
	int prot;
};

/* An enclave-side operation, kept by an interrupted TCS for ERESUME. */
enum sim_op_kind {
	SIM_OP_NOP,
	SIM_OP_READ,
	SIM_OP_WRITE,
	SIM_OP_EACCEPT,
	SIM_OP_EMODPE,
};

struct sim_op {
	enum sim_op_kind kind;
	uint64_t addr; /* next page (EACCEPT range) or the target */
	uint64_t end;  /* EACCEPT range: end of the range */
	uint64_t arg;  /* SECINFO flags or the value to write */
	uint64_t done; /* EACCEPT range: bytes accepted so far */
};

/* FS and GS bases, as the signal entry (sigentry.S) reads and loads them. */
struct sim_bases {
	uint64_t fs;
	uint64_t gs;
};

/*
 * A thread that runs enclave code (thread.c). While inside, @e holds a
 * reference and the TCS page's STATE is ACTIVE.
 */
struct sim_thread {
	struct sim_bases host; /* first: sigentry.S loads it; the bases */
			       /* outside, given back at EEXIT and AEX */
	struct sim_bases encl; /* the enclave's, when the signal came */
	atomic_int tid;	       /* the owner, 0 when free */
	atomic_int inside;     /* running enclave code */
	struct sim_encl *e;
	uint64_t tcs;
	uint64_t fault_rip; /* a fault that keeps coming back (native.c) */
	uint64_t fault_addr;
	unsigned int fault_repeats;
};

struct sim_tcs {
	uint64_t addr;
	struct sim_op op; /* the interrupted operation */
};

/* An armed fault (a copy of the user's struct plus its progress). */
struct sim_rule {
	struct sgx2_sim_fault f;
	uint32_t seen;	/* matching ioctls since armed */
	uint32_t armed; /* this ioctl is the nth: fire at page f.page */
};

struct sim_encl {
	struct sim_encl *next;
	unsigned int refs; /* under the registry lock */
	int dead;	   /* unlinked; freed when refs drops to 0 */
	uint64_t id;
	dev_t dev;
	ino_t ino;

	atomic_flag busy; /* SGX_ENCL_IOCTL */
	pthread_mutex_t lock;

	struct sgx2_sim_config cfg;
	struct sgx2_sim_config icfg; /* cfg as the ioctl in flight saw it */
	int created;
	int initialized;
	uint64_t base;
	uint64_t size;
	uint64_t attributes;   /* SECS.ATTRIBUTES.FLAGS */
	uint32_t ssaframesize; /* SECS.SSAFRAMESIZE, pages */
	uint32_t miscselect;
	uint64_t xfrm; /* SECS.ATTRIBUTES.XFRM */
	/* SECS.MRENCLAVE: the records of ECREATE, EADD and EEXTEND so far;
	 * SECS.MRSIGNER, set by EINIT; the SGX code of the last EINIT. */
	struct sim_sha256 mrenclave;
	uint8_t mrsigner[SIM_SHA256_SIZE];
	uint32_t einit_code;
	/* Built by sgx2_sim_enclave_create(): measured, not signed, so EINIT
	 * skips the signature check. */
	int measured_only;
	unsigned char *data; /* the memfd, mapped for the model's own use */

	struct sim_page **leaves; /* size / 4096 / SIM_LEAF_PAGES entries */
	uint64_t nleaves;

	struct sim_vma *vmas; /* sorted, disjoint */
	size_t nvmas, cap_vmas;

	struct sim_tcs *tcs; /* interrupted TCSs */
	size_t ntcs, cap_tcs;

	struct sim_rule *rules;
	size_t nrules, cap_rules;

	uint64_t epc_pages; /* EPC pages charged: the SECS and the pages */

	struct sgx2_sim_stats stats;
};

/* registry.c */
extern pthread_mutex_t sim__registry_lock;
extern atomic_uint sim__nencl;
int sim__lookup(int fd, struct sim_encl **out);
struct sim_encl *sim__encl_at(uint64_t addr);
struct sim_encl *sim__encl_in(uint64_t start, uint64_t end);
void sim__put(struct sim_encl *e);
struct sim_encl *sim__find_locked(dev_t dev, ino_t ino);
struct sim_encl *sim__first_locked(void);
void sim__maybe_destroy_locked(struct sim_encl *e);
int sim__fd_alive(const struct sim_encl *e);

/* config.c */
#define SIM_KERNEL_NEWEST SGX2_SIM_KERNEL_6_19

/* The release @cfg models: SGX2_SIM_KERNEL_NEWEST resolved. */
static inline uint32_t sim__kernel(const struct sgx2_sim_config *cfg)
{
	return cfg->kernel ? cfg->kernel : SIM_KERNEL_NEWEST;
}

void sim__default_config(struct sgx2_sim_config *cfg);
uint64_t sim__machine_epc_pages(void);
int sim__config_check(const struct sgx2_sim_config *cfg);
uint64_t sim__epc_size(const struct sgx2_sim_config *cfg);
int sim__device_enabled(void);
const char *sim__env_faults(void);
const char *sim__env_open_faults(void);

/* device.c */
int sim__close(int fd);

/* sys.c: the real system calls, never through an interposed symbol. */
void *sim__sys_mmap(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off);
int sim__sys_munmap(void *addr, size_t len);
int sim__sys_mprotect(void *addr, size_t len, int prot);
int sim__sys_ioctl(int fd, unsigned long cmd, void *arg);
int sim__sys_close(int fd);
int sim__fstat_id(int fd, dev_t *dev, ino_t *ino);
int sim__copy_from_user(void *dst, uint64_t src, size_t n);
int sim__copy_to_user(uint64_t dst, const void *src, size_t n);
void sim__delay(uint64_t ns);

/* epc.c: the EPC and its limits (enclave lock held) */
int sim__epc_charge(struct sim_encl *e);
void sim__epc_uncharge(struct sim_encl *e, uint64_t pages);

/* pages.c */
struct sim_page *sim__page(struct sim_encl *e, uint64_t addr);
struct sim_page *sim__page_alloc(struct sim_encl *e, uint64_t addr);
int sim__pages_init(struct sim_encl *e);
void sim__pages_free(struct sim_encl *e);
void sim__page_zap(struct sim_encl *e, uint64_t start, uint64_t end);
uint64_t sim__next_slot(const struct sim_encl *e, uint64_t addr);
int sim__clip(const struct sim_encl *e, uint64_t *start, uint64_t *end);
unsigned int sim__prot_of_perms(unsigned int perms);

/* vma.c: the interposed calls, also for the model's own use */
void *sim__mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int sim__munmap(void *addr, size_t len);
const struct sim_vma *sim__vma_find(const struct sim_encl *e, uint64_t addr);
int sim__vma_remap_created(struct sim_encl *e, int fd);
void sim__vmas_free(struct sim_encl *e);

/* ioctl.c */
int sim__validate_offset_length(const struct sim_encl *e, uint64_t offset,
				uint64_t length);
long sim__ioctl(struct sim_encl *e, int fd, unsigned long cmd, void *arg);

/* build.c: CREATE, ADD_PAGES, PROVISION, and the measurement */
long sim__ioc_create(struct sim_encl *e, int fd, void *arg);
long sim__ioc_add_pages(struct sim_encl *e, void *arg);
long sim__ioc_provision(struct sim_encl *e, void *arg);
int sim__add_page(struct sim_encl *e, uint64_t offset, uint64_t secinfo,
		  const void *src);

/* init.c: INIT, the kernel's checks and EINIT's */
long sim__ioc_init(struct sim_encl *e, void *arg);

/* edmm.c */
long sim__ioc_restrict(struct sim_encl *e, void *arg);
long sim__ioc_modify(struct sim_encl *e, void *arg);
long sim__ioc_remove(struct sim_encl *e, void *arg);

/* epcm.c: the enclave side of the model (enclave lock held) */
int sim__raise(struct sim_exc *x, uint16_t vector, uint16_t ec, uint64_t addr);
int sim__gp(struct sim_exc *x);
int sim__epcm_fault(struct sim_exc *x, uint64_t addr, enum sim_access acc);
enum sim_reach sim__translate(struct sim_encl *e, uint64_t addr,
			      enum sim_access acc, struct sim_page **out,
			      struct sim_exc *x);
int sim__epcm_allows(const struct sim_page *p, enum sim_access acc);
unsigned int sim__epcm_prot(const struct sim_page *p);
int sim__access(struct sim_encl *e, uint64_t addr, enum sim_access acc,
		struct sim_page **out, struct sim_exc *x);
int sim__eaccept(struct sim_encl *e, uint64_t addr, uint64_t secinfo,
		 uint64_t *code, struct sim_exc *x);
int sim__emodpe(struct sim_encl *e, uint64_t addr, uint64_t secinfo,
		struct sim_exc *x);
int sim__eacceptcopy(struct sim_encl *e, uint64_t dst, uint64_t src,
		     uint64_t secinfo, uint64_t *code, struct sim_exc *x);
int sim__kernel_write(struct sim_encl *e, uint64_t addr);
int sim__stale_pte(const struct sim_page *p);

/* protect.c: host page protection = mapping and EPCM (enclave lock held) */
void sim__prot_sync(struct sim_encl *e, uint64_t start, uint64_t end);

/* ssa.c: TCS and SSA frames in the enclave's pages (enclave lock held) */
uint64_t sim__rd64(const struct sim_encl *e, uint64_t addr);
uint32_t sim__rd32(const struct sim_encl *e, uint64_t addr);
void sim__wr64(struct sim_encl *e, uint64_t addr, uint64_t v);
void sim__wr32(struct sim_encl *e, uint64_t addr, uint32_t v);
uint64_t sim__xsave_size(uint64_t xfrm);

/* cpuid.c: what the simulated CPU offers enclaves. */
struct sim_cpu_bits {
	uint64_t attributes;
	uint64_t xfrm;
	uint32_t miscselect;
};
struct sim_cpu_bits sim__cpu_bits(void);
uint64_t sim__ssa_frame_need(uint64_t xfrm, uint32_t miscselect);
uint64_t sim__ssa_frame(const struct sim_encl *e, uint64_t tcs, uint32_t cssa);
int sim__ssa_check(struct sim_encl *e, uint64_t frame, struct sim_exc *x);
int sim__ssa_xsave_ok(const struct sim_encl *e, uint64_t frame);
uint64_t sim__ssa_rip(const struct sim_encl *e, uint64_t frame);
void sim__ssa_bases(const struct sim_encl *e, uint64_t frame,
		    struct sim_bases *b);
struct ucontext_t;
void sim__ssa_enter(struct sim_encl *e, uint64_t frame,
		    const struct ucontext_t *uc);
void sim__ssa_aex(struct sim_encl *e, uint64_t frame, struct ucontext_t *uc,
		  const struct sim_bases *encl, const struct sim_exc *x,
		  uint64_t tcs, uint64_t aep);
void sim__ssa_resume(struct sim_encl *e, uint64_t frame, struct ucontext_t *uc);

/* native.c: enclave code running natively */
int sim__is_enclu(const struct ucontext_t *uc);
int sim__tcs_busy(struct sim_encl *e, uint64_t tcs);
const struct sim_bases *sim__native(int sig, siginfo_t *si,
				    struct ucontext_t *uc,
				    const struct sim_bases *cur,
				    struct sim_thread *t);

/* signal.c */
extern int sim__fsgsbase;
void sim__signals_init(void);
int sim__altstack_ensure(void);
void sim__signal_app(int sig, siginfo_t *si, struct ucontext_t *uc);
void sim__deliver(struct ucontext_t *uc, const struct sim_exc *x);

/* vdso.c */
const void *sim__vdso_image(void);
int sim__vdso_fixup(struct ucontext_t *uc, const struct sim_exc *x);
int sim__vdso_is_enclu(const struct ucontext_t *uc);
void sim__vdso_to_hardware(struct ucontext_t *uc);
int sim__vdso_hw_exception(int sig, const siginfo_t *si, struct ucontext_t *uc);

/* thread.c */
struct sim_thread *sim__thread_inside(void);
struct sim_thread *sim__thread_claim(void);
void sim__thread_enter(struct sim_thread *t);
void sim__thread_leave(struct sim_thread *t);

/* enclave-calls.c */
void sim__tcs_forget(struct sim_encl *e, uint64_t addr);
void sim__tcs_free(struct sim_encl *e);

/* inject.c */
void sim__rules_start(struct sim_encl *e, unsigned int nr);
const struct sim_rule *sim__rule_at(struct sim_encl *e, unsigned int nr,
				    uint64_t page_index, uint32_t kind);
void sim__rules_end(struct sim_encl *e);
int sim__rule_busy(struct sim_encl *e, unsigned long cmd);
int sim__rule_reclaim(struct sim_encl *e, unsigned int nr, uint64_t offset);
int sim__rule_not_tracked(struct sim_encl *e, uint64_t offset);
int sim__rule_eaug(struct sim_encl *e, uint64_t offset);
int sim__rule_eaug_race(struct sim_encl *e, uint64_t offset);
int sim__rule_remove_race(struct sim_encl *e, uint64_t offset);
int sim__rule_copy_signal(struct sim_encl *e, uint64_t offset);
int sim__open_fault(void);
int sim__arm_open_faults(const char *list, char *why, size_t why_len);
int sim__inject_locked(struct sim_encl *e, const struct sgx2_sim_fault *f);
int sim__parse_script(const char *script, struct sgx2_sim_fault **out,
		      size_t *n, char *why, size_t why_len);
void sim__rules_free(struct sim_encl *e);

#endif /* SGX2_SIM_INTERNAL_H */
