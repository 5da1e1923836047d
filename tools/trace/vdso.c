// SPDX-License-Identifier: MIT
/*
 * Enclave entries and exits. A program finds __vdso_sgx_enter_enclave
 * through getauxval(AT_SYSINFO_EHDR) and the vDSO's ELF tables; the
 * recorder's getauxval() answers with an image (common/vdso-image.c) that
 * exports every symbol of the one the next getauxval() gives (the
 * kernel's vDSO, or libsgx2-sim's stand-in) but that function, which is
 * rec__vdso_enter (vdso-wrap.S): it logs the entry, calls the real
 * function, and logs how it returned. When the caller set run->user_handler,
 * the wrapper puts rec__vdso_handler there for the length of the call, so
 * that each exit the vDSO reports to the handler is logged too, and puts
 * the caller's handler back before the handler runs and when the call
 * returns. Programs that find the vDSO some other way are not seen.
 *
 * The frames of the calls in progress are kept per thread, innermost
 * last, each with its RBP: a frame at or below a new call's RBP belongs to
 * a call that was left by longjmp() from its handler, and is dropped.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/auxv.h>

#include <asm/sgx.h>

#include "recorder.h"
#include "vdso-image.h"

#define ENTER_NAME "__vdso_sgx_enter_enclave"
#define MAX_FRAMES 8

unsigned long __getauxval(unsigned long type);
void rec__vdso_enter(void);
void rec__vdso_handler(void);

/* Read by vdso-wrap.S. */
uint64_t rec__vdso_real;
uint32_t rec__use_xsave, rec__xsave_size = 576;
uint64_t rec__xsave_mask;

/* As SAVE pushes them (vdso-wrap.S). */
struct rec_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rdx, rcx, rbx, rax, rflags;
};

struct frame {
	uint64_t rbp; /* the wrapper's */
	struct sgx_enclave_run *run;
	uint64_t handler; /* the caller's run->user_handler, or 0 */
};

static __thread struct frame frames[MAX_FRAMES]
	__attribute__((tls_model("initial-exec")));
static __thread unsigned int nframes __attribute__((tls_model("initial-exec")));

/*
 * The extended state the wrappers save: x87, SSE, AVX, AVX-512 (what C
 * code, libc's string functions included, may touch), with XSAVE when
 * the OS enables it, in its standard form, whose size is the end of the
 * last of those components (CPUID leaf 0xD); FXSAVE's 512 bytes otherwise.
 */
void rec__vdso_init(void)
{
	unsigned int a, b, c, d, lo, hi, size = 576;
	uint64_t xcr0;

	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 27))) /* OSXSAVE */
		return;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	xcr0 = (uint64_t)hi << 32 | lo;
	rec__xsave_mask = xcr0 & 0xe7; /* x87, SSE, AVX, opmask, ZMM */
	for (unsigned int i = 2; i < 8; i++) {
		if (!(rec__xsave_mask & (1ull << i)))
			continue;
		__cpuid_count(0xd, i, a, b, c, d);
		if (b + a > size)
			size = b + a;
	}
	rec__xsave_size = (size + 63) & ~63u;
	rec__use_xsave = 1;
}

/* ------------------------------------------------------------------ */
/* getauxval(AT_SYSINFO_EHDR)                                         */
/* ------------------------------------------------------------------ */

static pthread_mutex_t image_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	unsigned long src, img;
	uint64_t real;
} images[4];

REC_EXPORT unsigned long getauxval(unsigned long type)
{
	unsigned long src, img = 0;
	uintptr_t real;

	if (!rec__next.getauxval) /* before start-up: libc's own */
		return __getauxval(type);
	src = rec__next.getauxval(type);
	if (type != AT_SYSINFO_EHDR || !src)
		return src;
	pthread_mutex_lock(&image_lock);
	for (unsigned int i = 0; i < 4 && images[i].src; i++)
		if (images[i].src == src) {
			img = images[i].img;
			if (images[i].real)
				rec__vdso_real = images[i].real;
			break;
		}
	if (!img) {
		const void *p =
			sgx2_vdso__image((const void *)src, ENTER_NAME,
					 (const void *)rec__vdso_enter, &real);

		/* No SGX entry there: the vDSO as it is. */
		img = p && real ? (unsigned long)(uintptr_t)p : src;
		if (p && real)
			rec__vdso_real = real;
		for (unsigned int i = 0; i < 4; i++)
			if (!images[i].src) {
				images[i].src = src;
				images[i].img = img;
				images[i].real = p ? real : 0;
				break;
			}
	}
	pthread_mutex_unlock(&image_lock);
	return img;
}

/* ------------------------------------------------------------------ */
/* The hooks                                                          */
/* ------------------------------------------------------------------ */

static const struct ev_name leaves[] = {
	{ 2, "EENTER" },
	{ 3, "ERESUME" },
	{ 4, "EEXIT" },
};

static const struct ev_name vectors[] = {
	{ 0, "#DE" },  { 1, "#DB" },  { 3, "#BP" },  { 6, "#UD" },
	{ 13, "#GP" }, { 14, "#PF" }, { 16, "#MF" }, { 17, "#AC" },
	{ 19, "#XM" }, { 21, "#CP" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What the vDSO wrote into @run: the leaf, and the exception if any. */
static void exit_fields(struct ev *e, const struct sgx_enclave_run *r)
{
	ev_enum(e, "function", r->function, leaves, N(leaves));
	/* After EEXIT the vDSO leaves the fields of an earlier exception. */
	if (r->function == 4 && !e->json)
		return;
	ev_enum(e, "exception_vector", r->exception_vector, vectors,
		N(vectors));
	ev_num(e, "exception_error_code", r->exception_error_code, EV_HEX);
	ev_num(e, "exception_addr", r->exception_addr, EV_HEX);
}

/* The innermost live call on @run. */
static struct frame *frame_of(const struct sgx_enclave_run *run)
{
	for (unsigned int i = nframes; i-- > 0;)
		if (frames[i].run == run)
			return &frames[i];
	return NULL;
}

void rec__vdso_pre(const struct rec_regs *r, struct sgx_enclave_run *run,
		   uint64_t rbp);
void rec__vdso_post(const struct rec_regs *r, struct sgx_enclave_run *run,
		    uint64_t rbp);
uint64_t rec__handler_pre(const struct rec_regs *r, struct sgx_enclave_run *run,
			  uint64_t rbp);
void rec__handler_post(const struct rec_regs *r, struct sgx_enclave_run *run,
		       uint64_t rbp);

void rec__vdso_pre(const struct rec_regs *r, struct sgx_enclave_run *run,
		   uint64_t rbp)
{
	int saved_errno = errno;
	struct sgx_enclave_run copy;
	uint64_t handler = 0;
	int readable;
	struct ev e;

	/* Calls left by longjmp() are deeper than this one. */
	while (nframes && frames[nframes - 1].rbp <= rbp) {
		nframes--;
		if (frames[nframes].run == run &&
		    run->user_handler == (uint64_t)(uintptr_t)rec__vdso_handler)
			run->user_handler = frames[nframes].handler;
	}
	readable = !rec__peek(&copy, run, sizeof(copy));
	if (readable)
		handler = copy.user_handler;

	rec__begin(&e, "eenter", "vdso_enter");
	ev_enum(&e, "function", (uint32_t)r->rcx, leaves, N(leaves));
	if (readable) {
		ev_num(&e, "tcs", copy.tcs, EV_HEX);
		ev_num(&e, "user_handler", handler, EV_HEX);
		rec__encl_fields(&e, rec__encl_at(copy.tcs));
	} else {
		ev_num(&e, "run", (uintptr_t)run, EV_HEX);
	}
	ev_unfinished(&e);
	if (readable)
		rec__where(&e, copy.tcs);
	ev_end(&e);

	if (readable && nframes < MAX_FRAMES) {
		frames[nframes++] = (struct frame){ rbp, run, handler };
		if (handler)
			run->user_handler =
				(uint64_t)(uintptr_t)rec__vdso_handler;
	}
	errno = saved_errno;
}

void rec__vdso_post(const struct rec_regs *r, struct sgx_enclave_run *run,
		    uint64_t rbp)
{
	int saved_errno = errno;
	struct sgx_enclave_run copy = { 0 };
	struct ev e;

	if (nframes && frames[nframes - 1].rbp == rbp) {
		nframes--;
		if (frames[nframes].handler)
			run->user_handler = frames[nframes].handler;
	}
	rec__begin(&e, "eexit", "vdso_exit");
	if (!rec__peek(&copy, run, sizeof(copy))) {
		exit_fields(&e, &copy);
		rec__encl_fields(&e, rec__encl_at(copy.tcs));
	}
	ev_ret(&e, (int32_t)r->rax, 0, EV_DEC);
	if (copy.function != 4)
		rec__where(&e, copy.exception_addr);
	ev_end(&e);
	errno = saved_errno;
}

/* The caller's handler has gone (a frame table overflow): end the call. */
static int no_handler(long rdi, long rsi, long rdx, long rsp, long r8, long r9,
		      struct sgx_enclave_run *run)
{
	(void)rdi, (void)rsi, (void)rdx, (void)rsp, (void)r8, (void)r9;
	(void)run;
	return -EINVAL;
}

uint64_t rec__handler_pre(const struct rec_regs *r, struct sgx_enclave_run *run,
			  uint64_t rbp)
{
	struct frame *f = frame_of(run);
	int saved_errno = errno;
	struct ev e;

	(void)r;
	(void)rbp;
	rec__begin(&e, "handler", "user_handler");
	exit_fields(&e, run);
	rec__encl_fields(&e, rec__encl_at(run->tcs));
	ev_unfinished(&e);
	if (run->function != 4)
		rec__where(&e, run->exception_addr);
	ev_end(&e);
	errno = saved_errno;
	if (!f)
		return (uint64_t)(uintptr_t)no_handler;
	run->user_handler = f->handler; /* the handler sees its own */
	return f->handler;
}

void rec__handler_post(const struct rec_regs *r, struct sgx_enclave_run *run,
		       uint64_t rbp)
{
	struct frame *f = frame_of(run);
	int saved_errno = errno;
	struct ev e;

	(void)rbp;
	rec__begin(&e, "handler_ret", "user_handler");
	ev_ret(&e, (int32_t)r->rax, 0, EV_DEC);
	if ((int32_t)r->rax > 0)
		ev_note(&e, (int32_t)r->rax == 3 ? "ERESUME" : "EENTER");
	ev_end(&e);
	if (f && run->user_handler == f->handler)
		run->user_handler = (uint64_t)(uintptr_t)rec__vdso_handler;
	errno = saved_errno;
}
