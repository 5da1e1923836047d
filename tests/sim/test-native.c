// SPDX-License-Identifier: MIT
/*
 * Enclave code running natively on the simulator, through the vDSO
 * stand-in, as the SDM and <asm/sgx.h> describe it: entry and exit, the
 * TCS's FS/GS bases, asynchronous exits into the SSA and the synthetic
 * state, an in-enclave exception handler that resumes, the ENCLU leaves
 * enclave code runs (EACCEPT, EACCEPTCOPY, EMODPE), the application's own
 * signal handlers, several threads at once, and the counters.
 *
 * The enclave is tests/sim/native-encl.S. Not under valgrind (it decodes
 * neither ENCLU nor WRFSBASE): suite 'native'.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "raw.h"

/* Ops of native-encl.S. */
enum {
	OP_NOP = 0,
	OP_FSGS = 1,
	OP_WRITE = 2,
	OP_READ = 3,
	OP_INT3 = 4,
	OP_UD2 = 5,
	OP_SPIN = 6,
	OP_EACCEPT = 7,
	OP_EMODPE = 8,
	OP_EACCEPTCOPY = 9,
	OP_DIV0 = 10,
	OP_EREPORT = 11,
	OP_AVX = 12,
	OP_H_INFO = 0x100,
	OP_H_SKIP = 0x101,
	OP_H_EXINFO = 0x102,
};

#define EENTER 2
#define ERESUME 3
#define EEXIT 4
#define TCS0 0x0000ull
#define TCS1 0x1000ull
#define ENCL_SIZE (64 * PAGE)
#define FREE_OFF (32 * PAGE) /* mapped by the tests that need it */

extern const char native_encl[], native_encl_code[], native_encl_data[];
extern const char native_encl_end[];
int native_call(void *vdso, unsigned long rdi, unsigned long rsi,
		unsigned long rdx, unsigned int function,
		struct sgx_enclave_run *run, unsigned long r8);

/* What the enclave left in RSI/RDX at its exit (the user handler). */
struct answer {
	long rsi;
	long rdx;
	int calls;
};

struct nfx {
	int fd;
	uint64_t base;
	void *vdso;
};

static void *vdso_fn;

static int capture(long rdi, long rsi, long rdx, long rsp, long r8, long r9,
		   struct sgx_enclave_run *run)
{
	struct answer *a = (struct answer *)(uintptr_t)run->user_data;

	(void)rdi;
	(void)rsp;
	(void)r8;
	(void)r9;
	a->rsi = rsi;
	a->rdx = rdx;
	a->calls++;
	return 0;
}

/* __vdso_sgx_enter_enclave, found the way the kernel selftests do. */
static void *vdso_lookup(const char *name)
{
	const char *eh = (const char *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *h = (const void *)eh;
	const Elf64_Phdr *ph = (const void *)(eh + h->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	const Elf64_Word *hash = NULL;
	const Elf64_Sym *sym = NULL;
	const char *str = NULL;
	Elf64_Word i;

	for (i = 0; i < h->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)(eh + ph[i].p_offset);
	assert_non_null(dyn);
	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_HASH)
			hash = (const void *)(eh + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_SYMTAB)
			sym = (const void *)(eh + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_STRTAB)
			str = eh + dyn->d_un.d_ptr;
	}
	assert_true(hash && sym && str);
	for (i = 0; i < hash[1]; i++)
		if (sym[i].st_shndx != SHN_UNDEF &&
		    !strcmp(str + sym[i].st_name, name))
			return (void *)(eh + sym[i].st_value);
	return NULL;
}

static int nfx_setup(void **state)
{
	uint64_t code = native_encl_code - native_encl;
	uint64_t data = native_encl_data - native_encl;
	struct sgx2_sim_segment segs[] = {
		{ .offset = 0,
		  .pages = 2,
		  .type = SGX2_SIM_PAGE_TYPE_TCS,
		  .src = native_encl },
		{ .offset = code,
		  .pages = (data - code) / PAGE,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_X,
		  .src = native_encl_code },
		{ .offset = data,
		  .pages =
			  (uint64_t)(native_encl_end - native_encl_data) / PAGE,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_W,
		  .src = native_encl_data },
	};
	struct sgx2_sim_layout layout = { .size = ENCL_SIZE,
					  .segs = segs,
					  .nsegs = 3 };
	struct nfx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(sgx2_sim_enclave_create(&layout, &fx->fd, &fx->base),
			 0);
	fx->vdso = vdso_lookup("__vdso_sgx_enter_enclave");
	assert_non_null(fx->vdso);
	vdso_fn = fx->vdso;
	*state = fx;
	return 0;
}

static int nfx_teardown(void **state)
{
	struct nfx *fx = *state;

	assert_int_equal(sgx2_sim_enclave_destroy(fx->fd), 0);
	free(fx);
	return 0;
}

/* A run through @tcs (an offset) whose user handler is @h. */
static void prepare(struct nfx *fx, uint64_t tcs, sgx_enclave_user_handler_t h,
		    struct sgx_enclave_run *run, struct answer *a)
{
	memset(run, 0, sizeof(*run));
	memset(a, 0, sizeof(*a));
	run->tcs = fx->base + tcs;
	run->user_handler = (uint64_t)(uintptr_t)h;
	run->user_data = (uint64_t)(uintptr_t)a;
}

/* One vDSO call with RDI = @op, RSI, RDX, R8; the answer in @a. */
static int call_r8(struct nfx *fx, uint64_t tcs, unsigned int function,
		   unsigned long op, unsigned long rsi, unsigned long rdx,
		   unsigned long r8, struct sgx_enclave_run *run,
		   struct answer *a)
{
	prepare(fx, tcs, capture, run, a);
	return native_call(fx->vdso, op, rsi, rdx, function, run, r8);
}

static int call(struct nfx *fx, uint64_t tcs, unsigned int function,
		unsigned long op, unsigned long rsi, unsigned long rdx,
		struct sgx_enclave_run *run, struct answer *a)
{
	return call_r8(fx, tcs, function, op, rsi, rdx, 0, run, a);
}

static void expect_eexit(const struct sgx_enclave_run *run)
{
	assert_int_equal(run->function, EEXIT);
	assert_int_equal(run->exception_vector, 0);
}

static void expect_exception(const struct sgx_enclave_run *run,
			     unsigned int function, unsigned int vector,
			     unsigned int ec, uint64_t addr)
{
	assert_int_equal(run->function, function);
	assert_int_equal(run->exception_vector, vector);
	assert_int_equal(run->exception_error_code, ec);
	assert_int_equal(run->exception_addr, addr);
}

static unsigned int mxcsr_now(void)
{
	unsigned int v;

	asm volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void map_free(struct nfx *fx, uint64_t off, uint64_t pages)
{
	void *p =
		mmap((void *)(uintptr_t)(fx->base + off), pages * PAGE,
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fx->fd, 0);

	assert_ptr_not_equal(p, MAP_FAILED);
}

/* ---- The vDSO stand-in ---- */

static void vdso_exports_the_entry_and_the_real_vdso(void **state)
{
	int (*gettime)(clockid_t, struct timespec *);
	struct timespec ts = { 0 };

	(void)state;
	assert_non_null(vdso_lookup("__vdso_sgx_enter_enclave"));
	/* Every symbol of the kernel's vDSO, pointing into it. */
	*(void **)&gettime = vdso_lookup("__vdso_clock_gettime");
	if (!gettime)
		skip(); /* a kernel without it */
	assert_int_equal(gettime(CLOCK_MONOTONIC, &ts), 0);
	assert_true(ts.tv_sec || ts.tv_nsec);
}

static void entry_and_exit(void **state)
{
	struct nfx *fx = *state;
	struct sgx_enclave_run run;
	struct answer a;
	struct sgx2_sim_stats st;

	assert_int_equal(sgx2_sim_reset_stats(fx->fd), 0);
	assert_int_equal(call(fx, TCS0, EENTER, OP_NOP, 0, 0, &run, &a), 0);
	expect_eexit(&run);
	assert_int_equal(a.calls, 1); /* the user handler, on the way out */
	assert_int_equal(call(fx, TCS1, EENTER, OP_NOP, 0, 0, &run, &a), 0);
	expect_eexit(&run);
	assert_int_equal(sgx2_sim_get_stats(fx->fd, &st), 0);
	assert_int_equal(st.enclave_entries, 2);
	assert_int_equal(st.enclu[SGX2_SIM_ENCLU_EENTER], 2);
	assert_int_equal(st.enclu[SGX2_SIM_ENCLU_EEXIT], 2);
	assert_int_equal(st.exceptions, 0);
}

static void bad_function_or_reserved_bytes_are_einval(void **state)
{
	struct nfx *fx = *state;
	struct sgx_enclave_run run;
	struct answer a;

	assert_int_equal(call(fx, TCS0, EEXIT, OP_NOP, 0, 0, &run, &a),
			 -EINVAL);
	memset(&run, 0, sizeof(run));
	run.tcs = fx->base;
	run.reserved[215] = 1;
	assert_int_equal(native_call(fx->vdso, OP_NOP, 0, 0, EENTER, &run, 0),
			 -EINVAL);
	assert_int_equal(run.function, 0); /* nothing was entered */
}

/* FS and GS bases are the enclave base + OFSBASE / OGSBASE. */
static void fs_and_gs_come_from_the_tcs(void **state)
{
	struct nfx *fx = *state;
	struct sgx_enclave_run run;
	struct answer a;

	assert_int_equal(call(fx, TCS0, EENTER, OP_FSGS, 0, 0, &run, &a), 0);
	expect_eexit(&run);
	assert_int_equal(a.rsi, 0x4653465346534653);
	assert_int_equal(a.rdx, 0x4753475347534753);
	/*
	 * TCS 1 has both at the enclave base, which is TCS 0's page: the
	 * EPCM refuses the FS-relative read.
	 */
	assert_int_equal(call(fx, TCS1, EENTER, OP_FSGS, 0, 0, &run, &a), 0);
	expect_exception(&run, ERESUME, 14, 0x8005, fx->base);
	/* And the host's FS is back: TLS works. */
	errno = 1234;
	assert_int_equal(errno, 1234);
}

/*
 * EENTER's checks of the TCS fields (SDM EENTER): OSSA and OFSBASE page
 * aligned, no reserved FLAGS bit, CSSA below NSSA (EADD has made CSSA 0,
 * so NSSA 0 is what fails); each a #GP, the entry
 * reported with function EENTER. An enclave whose TCS pages hold such
 * TCSs, and TCS 0 of the test enclave as the one that works.
 */
static void eenter_checks_the_tcs_fields(void **state)
{
	struct nfx *fx = *state;
	static unsigned char tcs[4][PAGE] __attribute__((aligned(PAGE)));
	uint64_t code = native_encl_code - native_encl;
	uint64_t data = native_encl_data - native_encl;
	struct sgx2_sim_segment segs[] = {
		{ .offset = 0,
		  .pages = 4,
		  .type = SGX2_SIM_PAGE_TYPE_TCS,
		  .src = tcs },
		{ .offset = 4 * PAGE,
		  .pages = 1,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_X,
		  .src = native_encl_code },
		{ .offset = 5 * PAGE,
		  .pages =
			  (uint64_t)(native_encl_end - native_encl_data) / PAGE,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_W,
		  .src = native_encl_data },
	};
	struct sgx2_sim_layout layout = { .size = ENCL_SIZE,
					  .segs = segs,
					  .nsegs = 3 };
	struct sgx_enclave_run run;
	struct nfx other = *fx;
	struct answer a;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		memcpy(tcs[i], native_encl, PAGE); /* TCS 0: NSSA 2 */
		/* Moved with the code and the data pages. */
		*(uint64_t *)(tcs[i] + 16) += 5 * PAGE - data;
		*(uint64_t *)(tcs[i] + 32) += 4 * PAGE - code;
		*(uint64_t *)(tcs[i] + 48) += 5 * PAGE - data;
		*(uint64_t *)(tcs[i] + 56) += 5 * PAGE - data;
	}
	*(uint64_t *)(tcs[1] + 16) += 8; /* OSSA not page aligned */
	*(uint64_t *)(tcs[2] + 8) = 2;	 /* a reserved FLAGS bit */
	*(uint32_t *)(tcs[3] + 28) = 0;	 /* NSSA 0: CSSA (0) >= NSSA */
	assert_int_equal(
		sgx2_sim_enclave_create(&layout, &other.fd, &other.base), 0);
	assert_int_equal(call(&other, 0, EENTER, OP_NOP, 0, 0, &run, &a), 0);
	expect_eexit(&run);
	for (i = 1; i < 4; i++) {
		assert_int_equal(
			call(&other, i * PAGE, EENTER, OP_NOP, 0, 0, &run, &a),
			0);
		expect_exception(&run, EENTER, 13, 0, 0);
	}
	assert_int_equal(sgx2_sim_enclave_destroy(other.fd), 0);
}

/* ---- Asynchronous exits ---- */

/*
 * A write the mapping refuses (the code page is mapped R-X): a plain #PF,
 * 0x7. A write the mapping allows and the EPCM refuses (a TCS page,
 * mapped RW): #PF with the SGX bit. Both reported at the page (AEX clears
 * CR2's page offset), each leaving its TCS with CSSA one higher.
 */
static void refusals_of_the_mapping_and_of_the_epcm(void **state)
{
	struct nfx *fx = *state;
	uint64_t code = fx->base + (uint64_t)(native_encl_code - native_encl);
	struct sgx_enclave_run run;
	struct answer a;

	assert_int_equal(
		call(fx, TCS1, EENTER, OP_WRITE, 1, code + 8, &run, &a), 0);
	expect_exception(&run, ERESUME, 14, 0x7, code);
	assert_int_equal(
		call(fx, TCS0, EENTER, OP_WRITE, 1, fx->base + 24, &run, &a),
		0);
	expect_exception(&run, ERESUME, 14, 0x8007, fx->base);
	/* NSSA is 1: with CSSA 1, EENTER is #GP until ERESUME. */
	assert_int_equal(call(fx, TCS1, EENTER, OP_NOP, 0, 0, &run, &a), 0);
	expect_exception(&run, EENTER, 13, 0, 0);
	assert_int_equal(stats_of(fx->fd).aex[SGX2_SIM_VECTOR_PF], 2);
}

/*
 * An exception handler inside the enclave: ud2 in frame 0, an EENTER
 * with CSSA 1 reads EXITINFO and the saved RIP from the SSA and moves it
 * past the ud2, ERESUME carries on with the registers, XMM0 and MXCSR of
 * before; the host meanwhile had the synthetic state (MXCSR 1F80H).
 */
static void handler_in_the_enclave_resumes_past_the_exception(void **state)
{
	struct nfx *fx = *state;
	struct sgx_enclave_run run;
	struct answer a;
	uint64_t rip;

	assert_int_equal(call(fx, TCS0, EENTER, OP_UD2, 0, 0xabcdef, &run, &a),
			 0);
	expect_exception(&run, ERESUME, 6, 0, 0);
	assert_int_equal(mxcsr_now(), 0x1f80);

	assert_int_equal(call(fx, TCS0, EENTER, OP_H_INFO, 0, 0, &run, &a), 0);
	expect_eexit(&run);
	/* EXITINFO: valid, hardware exception, #UD. */
	assert_int_equal(a.rsi, 0x80000306);
	rip = (uint64_t)a.rdx;
	assert_int_equal(((const unsigned char *)(uintptr_t)rip)[0], 0x0f);
	assert_int_equal(call(fx, TCS0, EENTER, OP_H_SKIP, 2, 0, &run, &a), 0);
	expect_eexit(&run);
	assert_int_equal(a.rdx, rip + 2);

	assert_int_equal(call(fx, TCS0, ERESUME, 0, 0, 0, &run, &a), 0);
	expect_eexit(&run);
	assert_int_equal(a.rsi, 0xabcdef); /* XMM0 */
	assert_int_equal(a.rdx, 0x7f80);   /* MXCSR */
}

static void eresume_without_an_exit_is_gp(void **state)
{
	struct nfx *fx = *state;
	struct sgx_enclave_run run;
	struct answer a;

	assert_int_equal(call(fx, TCS1, ERESUME, 0, 0, 0, &run, &a), 0);
	expect_exception(&run, ERESUME, 13, 0, 0);
}

/*
 * A TCS that is no simulated enclave's goes to the CPU's own ENCLU (a real
 * enclave entered through the stand-in on SGX hardware). Here, without
 * SGX, that ENCLU is #UD too, and EENTER of a TCS in no EPC page is the
 * #PF at RBX that the vDSO reports.
 */
static void tcs_of_no_enclave_goes_to_the_cpu(void **state)
{
	static unsigned char page[PAGE] __attribute__((aligned(PAGE)));
	struct nfx *fx = *state;
	struct sgx_enclave_run run;

	memset(&run, 0, sizeof(run));
	run.tcs = (uint64_t)(uintptr_t)page;
	assert_int_equal(native_call(fx->vdso, OP_NOP, 0, 0, EENTER, &run, 0),
			 0);
	assert_int_equal(run.function, EENTER);
	assert_int_equal(run.exception_vector, 14);
	assert_int_equal(run.exception_addr, run.tcs);
}

static void divide_error_and_ereport(void **state)
{
	struct nfx *fx = *state;
	struct sgx_enclave_run run;
	struct answer a;

	assert_int_equal(call(fx, TCS1, EENTER, OP_DIV0, 0, 0, &run, &a), 0);
	expect_exception(&run, ERESUME, 0, 0, 0);
	/* No keys in the model: EREPORT is #UD. */
	assert_int_equal(call(fx, TCS0, EENTER, OP_EREPORT, 0, 0, &run, &a), 0);
	expect_exception(&run, ERESUME, 6, 0, 0);
	assert_int_equal(stats_of(fx->fd).aex[SGX2_SIM_VECTOR_DE], 1);
	assert_int_equal(stats_of(fx->fd).aex[SGX2_SIM_VECTOR_UD], 1);
	assert_int_equal(stats_of(fx->fd).enclu[SGX2_SIM_ENCLU_EREPORT], 1);
}

/* ---- The application's signal handlers ---- */

static volatile sig_atomic_t trap_seen;
static volatile uint64_t trap_rax, trap_rip;

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	(void)si;
	trap_seen++;
	trap_rax = (uint64_t)uc->uc_mcontext.gregs[REG_RAX];
	trap_rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
}

/* #BP is never fixed up: SIGTRAP, at the AEP; returning resumes. */
static void int3_is_a_sigtrap_at_the_aep(void **state)
{
	struct nfx *fx = *state;
	struct sigaction sa = { .sa_sigaction = on_trap,
				.sa_flags = SA_SIGINFO },
			 old;
	struct sgx_enclave_run run;
	struct answer a;

	assert_int_equal(sigaction(SIGTRAP, &sa, &old), 0);
	trap_seen = 0;
	assert_int_equal(call(fx, TCS0, EENTER, OP_INT3, 0, 0, &run, &a), 0);
	expect_eexit(&run);
	assert_int_equal(a.rsi, 0x1234);
	assert_int_equal(trap_seen, 1);
	assert_int_equal(trap_rax, ERESUME); /* the synthetic state */
	assert_true(trap_rip - (uint64_t)(uintptr_t)fx->vdso < 256);
	assert_int_equal(sigaction(SIGTRAP, &old, NULL), 0);
	assert_int_equal(stats_of(fx->fd).aex[SGX2_SIM_VECTOR_BP], 1);
}

static volatile uint64_t release;
static volatile sig_atomic_t usr_seen;
static volatile uint64_t usr_rax;

static void on_usr(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)si;
	errno = sig; /* thread-local storage works: the host's FS */
	usr_rax = errno == sig ? (uint64_t)uc->uc_mcontext.gregs[REG_RAX] : 0;
	usr_seen++;
	release = 1;
}

struct spinner {
	struct nfx *fx;
	uint64_t tcs;
	volatile uint64_t *flag;
	struct sgx_enclave_run run;
	struct answer a;
	int ret;
};

static void *spin(void *arg)
{
	struct spinner *s = arg;

	s->ret = call(s->fx, s->tcs, EENTER, OP_SPIN,
		      (unsigned long)(uintptr_t)s->flag, 0, &s->run, &s->a);
	return NULL;
}

/* Wait until the enclave shows a thread inside (its TCS is busy). */
static void wait_inside(struct nfx *fx, uint64_t tcs)
{
	struct sgx2_sim_run r = { .tcs = fx->base + tcs };

	for (;;) {
		assert_int_equal(sgx2_sim_enter(fx->fd, &r), 0);
		if (r.function == SGX2_SIM_EENTER)
			return; /* #GP: busy */
		usleep(1000);
		r = (struct sgx2_sim_run){ .tcs = fx->base + tcs };
	}
}

/* A signal taken inside: an AEX, the handler runs outside, ERESUME. */
static void signal_inside_is_an_aex(int sig, struct nfx *fx)
{
	struct spinner s = { .fx = fx, .tcs = TCS1, .flag = &release };
	pthread_t t;

	release = 0;
	usr_seen = 0;
	assert_int_equal(sgx2_sim_reset_stats(fx->fd), 0);
	assert_int_equal(pthread_create(&t, NULL, spin, &s), 0);
	wait_inside(fx, TCS1);
	assert_int_equal(pthread_kill(t, sig), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(s.ret, 0);
	expect_eexit(&s.run);
	assert_int_equal(usr_seen, 1);
	assert_int_equal(usr_rax, ERESUME);
	assert_true(stats_of(fx->fd).aex_interrupts >= 1);
}

static void signal_inside_runs_the_handler_after_an_aex(void **state)
{
	struct sigaction sa = { .sa_sigaction = on_usr,
				.sa_flags = SA_SIGINFO },
			 old;

	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	signal_inside_is_an_aex(SIGUSR1, *state);
	assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
}

/* main() installed the SIGUSR2 handler before the simulator started. */
static void handler_from_before_the_simulator_is_kept(void **state)
{
	struct sigaction now;

	assert_int_equal(sigaction(SIGUSR2, NULL, &now), 0);
	assert_ptr_equal(now.sa_sigaction, on_usr);
	signal_inside_is_an_aex(SIGUSR2, *state);
}

static sigjmp_buf segv_jmp;

static void on_segv(int sig)
{
	siglongjmp(segv_jmp, sig);
}

/* Outside enclaves, the application's handlers see their signals. */
static void signals_outside_reach_the_application(void **state)
{
	struct sigaction sa = { .sa_sigaction = on_usr,
				.sa_flags = SA_SIGINFO },
			 old, back;

	(void)state;
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	usr_seen = 0;
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(usr_seen, 1);
	assert_int_equal(sigaction(SIGUSR1, &old, &back), 0);
	assert_ptr_equal(back.sa_sigaction, on_usr); /* the application's */

	assert_ptr_not_equal(signal(SIGSEGV, on_segv), SIG_ERR);
	if (!sigsetjmp(segv_jmp, 1)) /* a load from address 0, behind C */
		asm volatile("mov (%0), %%eax" : : "r"(0L) : "eax", "memory");
	else
		usr_seen = 2;
	assert_int_equal(usr_seen, 2);
	assert_ptr_equal(signal(SIGSEGV, SIG_DFL), on_segv);

	/* An invalid opcode that is no ENCLU: the application's SIGILL. */
	assert_ptr_not_equal(signal(SIGILL, on_segv), SIG_ERR);
	if (!sigsetjmp(segv_jmp, 1))
		asm volatile("ud2");
	else
		usr_seen = 3;
	assert_int_equal(usr_seen, 3);
	assert_ptr_equal(signal(SIGILL, SIG_DFL), on_segv);
}

/* ---- Threads ---- */

static void two_threads_in_two_tcs_and_a_busy_one(void **state)
{
	struct nfx *fx = *state;
	static volatile uint64_t go0, go1;
	struct spinner s0 = { .fx = fx, .tcs = TCS0, .flag = &go0 };
	struct spinner s1 = { .fx = fx, .tcs = TCS1, .flag = &go1 };
	struct sgx_enclave_run run;
	struct answer a;
	pthread_t t0, t1;

	go0 = go1 = 0;
	assert_int_equal(pthread_create(&t0, NULL, spin, &s0), 0);
	assert_int_equal(pthread_create(&t1, NULL, spin, &s1), 0);
	wait_inside(fx, TCS0);
	wait_inside(fx, TCS1);
	/* A TCS with a thread inside: EENTER is #GP. */
	assert_int_equal(call(fx, TCS1, EENTER, OP_NOP, 0, 0, &run, &a), 0);
	expect_exception(&run, EENTER, 13, 0, 0);
	go1 = 1;
	assert_int_equal(pthread_join(t1, NULL), 0);
	go0 = 1;
	assert_int_equal(pthread_join(t0, NULL), 0);
	expect_eexit(&s0.run);
	expect_eexit(&s1.run);
}

struct hammer {
	struct nfx *fx;
	unsigned int entries; /* EEXITs */
	unsigned int busy;    /* #GP: the TCS had a thread inside */
};

/* Enter and leave through either TCS, many times, from many threads. */
static void *hammer(void *arg)
{
	struct hammer *h = arg;
	struct sgx_enclave_run run;
	struct answer a;
	unsigned int i;

	for (i = 0; i < 400; i++) {
		/* TCS 0 reads its FS page's marker, TCS 1 does nothing. */
		assert_int_equal(call(h->fx, (i & 1) ? TCS1 : TCS0, EENTER,
				      (i & 1) ? OP_NOP : OP_FSGS, 0, 0, &run,
				      &a),
				 0);
		if (run.function == EENTER) {
			assert_int_equal(run.exception_vector, 13);
			h->busy++;
			continue;
		}
		expect_eexit(&run);
		if (!(i & 1))
			assert_int_equal(a.rsi, 0x4653465346534653);
		h->entries++;
	}
	return NULL;
}

/*
 * Sixteen threads racing for two TCSs: each entry either runs (with its
 * own FS base, the host's back after) or finds the TCS busy (#GP), and
 * nothing else; the counters add up.
 */
static void many_threads_race_for_two_tcs(void **state)
{
	struct nfx *fx = *state;
	struct hammer h[16];
	pthread_t t[16];
	unsigned int i, entries = 0;

	assert_int_equal(sgx2_sim_reset_stats(fx->fd), 0);
	for (i = 0; i < 16; i++) {
		h[i] = (struct hammer){ .fx = fx };
		assert_int_equal(pthread_create(&t[i], NULL, hammer, &h[i]), 0);
	}
	for (i = 0; i < 16; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		entries += h[i].entries;
		assert_int_equal(h[i].entries + h[i].busy, 400);
	}
	assert_int_equal(stats_of(fx->fd).enclave_entries, entries);
}

/* ---- ENCLU leaves from enclave code ---- */

static void eaccept_from_the_enclave_adds_a_page(void **state)
{
	struct nfx *fx = *state;
	uint64_t page = fx->base + FREE_OFF;
	struct sgx_enclave_run run;
	struct answer a;

	map_free(fx, FREE_OFF, 1);
	assert_int_equal(
		call(fx, TCS0, EENTER, OP_EACCEPT, page, ACCEPT_AUG, &run, &a),
		0);
	expect_eexit(&run);
	assert_int_equal(a.rsi, 0);
	assert_int_equal(page_at(fx->fd, FREE_OFF).pending, 0);
	assert_int_equal(
		call(fx, TCS0, EENTER, OP_WRITE, MAGIC, page + 8, &run, &a), 0);
	expect_eexit(&run);
	assert_int_equal(call(fx, TCS1, EENTER, OP_READ, page + 8, 0, &run, &a),
			 0);
	expect_eexit(&run);
	assert_int_equal((uint64_t)a.rdx, MAGIC);
	/* Again: the EPCM no longer matches, SGX_PAGE_ATTRIBUTES_MISMATCH. */
	assert_int_equal(
		call(fx, TCS0, EENTER, OP_EACCEPT, page, ACCEPT_AUG, &run, &a),
		0);
	assert_int_equal(a.rsi, 19);
}

/* A page added by touching it is PENDING: the write faults 0x8007. */
static void write_to_an_unbacked_page_adds_it_and_faults(void **state)
{
	struct nfx *fx = *state;
	uint64_t page = fx->base + FREE_OFF;
	struct sgx_enclave_run run;
	struct answer a;

	map_free(fx, FREE_OFF, 1);
	assert_int_equal(
		call(fx, TCS1, EENTER, OP_WRITE, MAGIC, page + 16, &run, &a),
		0);
	expect_exception(&run, ERESUME, 14, 0x8007, page);
	assert_int_equal(page_at(fx->fd, FREE_OFF).pending, 1);
}

static void eacceptcopy_fills_the_page_with_its_permissions(void **state)
{
	struct nfx *fx = *state;
	uint64_t page = fx->base + FREE_OFF;
	uint64_t src = fx->base + (uint64_t)(native_encl_data - native_encl);
	struct sgx_enclave_run run;
	struct answer a;
	struct sgx2_sim_page pg;

	map_free(fx, FREE_OFF, 1);
	/* R|X|REG: the data page's contents, readable and executable. */
	assert_int_equal(call_r8(fx, TCS0, EENTER, OP_EACCEPTCOPY, page, src,
				 0x205, &run, &a),
			 0);
	expect_eexit(&run);
	assert_int_equal(a.rsi, 0);
	pg = page_at(fx->fd, FREE_OFF);
	assert_int_equal(pg.epcm_perms, 5);
	assert_int_equal(pg.pending, 0);
	assert_int_equal(call(fx, TCS1, EENTER, OP_READ, page, 0, &run, &a), 0);
	expect_eexit(&run);
	assert_int_equal(a.rdx & 0xffffffff, 0x7f80); /* the MXCSR word */
	/* Not PENDING any more: a second copy does not match. */
	assert_int_equal(call_r8(fx, TCS0, EENTER, OP_EACCEPTCOPY, page, src,
				 0x205, &run, &a),
			 0);
	assert_int_equal(a.rsi, 19);
}

/* EACCEPT of a zero page made a TCS: NSSA 0, so #GP. */
static void eaccept_of_a_zero_tcs_is_gp(void **state)
{
	struct nfx *fx = *state;
	uint64_t page = fx->base + FREE_OFF;
	struct sgx_enclave_run run;
	struct answer a;

	map_free(fx, FREE_OFF, 1);
	assert_int_equal(
		call(fx, TCS0, EENTER, OP_EACCEPT, page, ACCEPT_AUG, &run, &a),
		0);
	assert_int_equal(
		modt(fx->fd, FREE_OFF, PAGE, SGX2_SIM_PAGE_TYPE_TCS).ret, 0);
	assert_int_equal(
		call(fx, TCS0, EENTER, OP_EACCEPT, page, ACCEPT_TCS, &run, &a),
		0);
	expect_exception(&run, ERESUME, 13, 0, 0);
	assert_int_equal(page_at(fx->fd, FREE_OFF).modified, 1);
}

/*
 * The selftest epcm_permissions, resumed the sound way: the write to a
 * page restricted to R faults; the vDSO's user handler runs EMODPE(R|W)
 * through the other TCS and asks for ERESUME in the same vDSO call.
 */
static struct nfx *fix_fx;

static int fix_with_emodpe(long rdi, long rsi, long rdx, long rsp, long r8,
			   long r9, struct sgx_enclave_run *run)
{
	struct answer *a = (struct answer *)(uintptr_t)run->user_data;
	struct sgx_enclave_run inner;
	struct answer ia;

	(void)rdi;
	(void)rsi;
	(void)rdx;
	(void)rsp;
	(void)r8;
	(void)r9;
	if (run->function == EEXIT)
		return capture(rdi, rsi, rdx, rsp, r8, r9, run);
	a->calls++;
	assert_int_equal(run->exception_error_code, 0x8007);
	assert_int_equal(call(fix_fx, TCS1, EENTER, OP_EMODPE,
			      run->exception_addr, 0x3, &inner, &ia),
			 0);
	expect_eexit(&inner);
	run->exception_vector = 0;
	return ERESUME;
}

static void fault_fixed_from_the_user_handler(void **state)
{
	struct nfx *fx = *state;
	uint64_t data = (uint64_t)(native_encl_data - native_encl);
	struct sgx_enclave_run run;
	struct answer a;

	fix_fx = fx;
	assert_int_equal(restrict_perms(fx->fd, data, PAGE, 1).ret, 0);
	assert_int_equal(call(fx, TCS0, EENTER, OP_EACCEPT, fx->base + data,
			      ACCEPT_RESTRICT_R, &run, &a),
			 0);
	assert_int_equal(a.rsi, 0);
	prepare(fx, TCS0, fix_with_emodpe, &run, &a);
	assert_int_equal(native_call(fx->vdso, OP_WRITE, MAGIC,
				     fx->base + data + 8, EENTER, &run, 0),
			 0);
	expect_eexit(&run);
	assert_int_equal(a.calls, 2); /* the fault, then the exit */
	assert_int_equal(call(fx, TCS1, EENTER, OP_READ, fx->base + data + 8, 0,
			      &run, &a),
			 0);
	assert_int_equal((uint64_t)a.rdx, MAGIC);
	assert_int_equal(page_at(fx->fd, data).epcm_perms, 3);
}

/* ---- SSA frames of two pages, EXINFO, AVX state ---- */

static uint64_t xcr0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* ADD_PAGES of the image's pages [@first, @first + @n) as @flags. */
static void add_image(struct raw *r, uint64_t first, uint64_t n, uint64_t flags)
{
	struct sgx_enclave_add_pages a = {
		.src = (uintptr_t)(native_encl + first * PAGE),
		.offset = first * PAGE,
		.length = n * PAGE,
		.secinfo = (uintptr_t)&r->secinfo,
		.flags = SGX_PAGE_MEASURE,
	};

	r->secinfo.flags = flags;
	assert_int_equal(errno_of(r->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &a), 0);
	raw_record(r, first * PAGE, n, flags, 1, native_encl + first * PAGE);
	assert_ptr_not_equal(
		mmap((void *)(uintptr_t)(r->base + first * PAGE), n * PAGE,
		     flags & SGX_SECINFO_TCS ? PROT_READ | PROT_WRITE
					     : (int)(flags & 7),
		     MAP_SHARED | MAP_FIXED, r->fd, 0),
		MAP_FAILED);
}

/*
 * The image built as a loader builds it, with SECS.SSAFRAMESIZE 2 (so the
 * GPR area is at 8192 - 184 in a frame), MISCSELECT.EXINFO, and XFRM with
 * AVX when the CPU has it, signed for exactly that.
 */
static struct nfx build_big_frames(struct raw *r)
{
	uint64_t code = (uint64_t)(native_encl_code - native_encl) / PAGE;
	uint64_t data = (uint64_t)(native_encl_data - native_encl) / PAGE;
	uint64_t end = (uint64_t)(native_encl_end - native_encl) / PAGE;
	struct nfx fx = { .fd = r->fd, .base = r->base };

	r->secs.ssa_frame_size = 2;
	r->secs.miscselect = 1;
	r->secs.xfrm = xcr0() & 7;
	assert_int_equal(raw_create(r), 0);
	add_image(r, 0, 2, SGX_SECINFO_TCS);
	add_image(r, code, data - code, SGX_SECINFO_REG | 5);
	add_image(r, data, end - data, SGX_SECINFO_REG | 3);
	raw_sign(r);
	r->ss.body.miscselect = 1;
	raw_resign(r);
	assert_int_equal(raw_init(r), 0);
	fx.vdso = vdso_lookup("__vdso_sgx_enter_enclave");
	assert_non_null(fx.vdso);
	return fx;
}

#define BIG_GPR (2 * PAGE - 184)

/*
 * With EXINFO selected, a #PF is reported to the enclave: EXITINFO valid,
 * and EXINFO with the whole address (CR2 before AEX cleared its offset)
 * and the error code. The enclave's handler steps over the 3-byte store,
 * and ERESUME finishes the op.
 */
static void exinfo_in_a_two_page_frame(void **state)
{
	struct raw *r = *state;
	struct nfx fx = build_big_frames(r);
	uint64_t code = r->base + (uint64_t)(native_encl_code - native_encl);
	struct sgx_enclave_run run;
	struct answer a;

	assert_int_equal(
		call(&fx, TCS0, EENTER, OP_WRITE, 1, code + 8, &run, &a), 0);
	expect_exception(&run, ERESUME, 14, 0x7, code);
	assert_int_equal(
		call(&fx, TCS0, EENTER, OP_H_EXINFO, 0, BIG_GPR, &run, &a), 0);
	expect_eexit(&run);
	assert_int_equal((uint64_t)a.rsi, code + 8);
	assert_int_equal(a.rdx, 0x7);
	assert_int_equal(
		call(&fx, TCS0, EENTER, OP_H_SKIP, 3, BIG_GPR, &run, &a), 0);
	assert_int_equal(a.rsi, 0x8000030e); /* valid, hardware, #PF */
	assert_int_equal(call(&fx, TCS0, ERESUME, 0, 0, 0, &run, &a), 0);
	expect_eexit(&run);
}

/*
 * AVX state is saved in the SSA at the AEX and given back at ERESUME,
 * whatever the host did with YMM0 in between (glibc's own string
 * functions use it).
 */
static void avx_state_survives_an_exit(void **state)
{
	struct raw *r = *state;
	struct nfx fx;
	struct sgx_enclave_run run;
	struct answer a;

	if (!(xcr0() & 4))
		skip(); /* no AVX on this CPU */
	fx = build_big_frames(r);
	assert_int_equal(call(&fx, TCS0, EENTER, OP_AVX, 0, 0, &run, &a), 0);
	expect_exception(&run, ERESUME, 6, 0, 0);
	asm volatile("vpxor %%ymm0, %%ymm0, %%ymm0" ::: "xmm0");
	assert_int_equal(
		call(&fx, TCS0, EENTER, OP_H_SKIP, 2, BIG_GPR, &run, &a), 0);
	assert_int_equal(call(&fx, TCS0, ERESUME, 0, 0, 0, &run, &a), 0);
	expect_eexit(&run);
	assert_int_equal((uint64_t)a.rsi, ~0ull);
}

#define T(f) cmocka_unit_test_setup_teardown(f, nfx_setup, nfx_teardown)
#define RAW(f) cmocka_unit_test_setup_teardown(f, raw_setup, raw_teardown)

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_usr,
				.sa_flags = SA_SIGINFO };
	const struct CMUnitTest tests[] = {
		T(vdso_exports_the_entry_and_the_real_vdso),
		T(entry_and_exit),
		T(bad_function_or_reserved_bytes_are_einval),
		T(fs_and_gs_come_from_the_tcs),
		T(eenter_checks_the_tcs_fields),
		T(refusals_of_the_mapping_and_of_the_epcm),
		T(handler_in_the_enclave_resumes_past_the_exception),
		T(eresume_without_an_exit_is_gp),
		T(tcs_of_no_enclave_goes_to_the_cpu),
		T(divide_error_and_ereport),
		T(int3_is_a_sigtrap_at_the_aep),
		T(signal_inside_runs_the_handler_after_an_aex),
		T(handler_from_before_the_simulator_is_kept),
		T(signals_outside_reach_the_application),
		T(two_threads_in_two_tcs_and_a_busy_one),
		T(many_threads_race_for_two_tcs),
		T(eaccept_from_the_enclave_adds_a_page),
		T(write_to_an_unbacked_page_adds_it_and_faults),
		T(eacceptcopy_fills_the_page_with_its_permissions),
		T(eaccept_of_a_zero_tcs_is_gp),
		T(fault_fixed_from_the_user_handler),
		RAW(exinfo_in_a_two_page_frame),
		RAW(avx_state_survives_an_exit),
	};

	/* Before any enclave: the simulator must keep this handler. */
	sigaction(SIGUSR2, &sa, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
