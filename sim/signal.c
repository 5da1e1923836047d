// SPDX-License-Identifier: MIT
/*
 * Signals, shared with the application. Enclave code running natively
 * needs the simulator to see every signal first:
 *
 *  - SIGILL (ENCLU), SIGSEGV, SIGBUS, SIGFPE and SIGTRAP are always the
 *    simulator's while it is active; what is not an enclave's business
 *    goes on to the handler the application installed (or had before the
 *    simulator came: ASan's, say), or to the default action.
 *  - Every other signal the application catches is caught through the
 *    simulator too: taken inside an enclave it is first an asynchronous
 *    exit (native.c), so that the application's handler runs with the
 *    host's FS/GS bases and the AEP as the interrupted context, as on
 *    hardware; taken outside, it goes straight to that handler.
 *
 * So sigaction() and signal() are interposed: the application installs
 * and reads back its own actions as if nothing stood between; the kernel
 * holds the simulator's entry (sigentry.S) in their place, with the
 * application's flags and mask, on the alternate signal stack: a signal
 * must never be delivered on an enclave's stack, which is enclave memory.
 * Each thread that enters an enclave is given an alternate stack if it has
 * none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "internal.h"

#define ALTSTACK_SIZE (256u * 1024u)
#define HWCAP2_FSGSBASE_BIT (1ul << 1)

/* glibc's own sigaction, which the interposed one passes on to. */
int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);
void sim__signal_entry(int sig, siginfo_t *si, void *uc);
const struct sim_bases *sim__signal(int sig, siginfo_t *si, void *uc,
				    const struct sim_bases *cur,
				    struct sim_thread *t);

/* An application's action; replaced, never freed (a handler may read it). */
struct app_action {
	struct sigaction sa;
	struct app_action *older;
};

int sim__fsgsbase;
static _Atomic(struct app_action *) actions[NSIG];
static struct app_action dfl_action = { .sa = { .sa_handler = SIG_DFL } };
static pthread_mutex_t actions_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static atomic_int active;
static pthread_key_t altstack_key;

/* The signals that mean an exception: always the simulator's. */
static int always_ours(int sig)
{
	return sig == SIGILL || sig == SIGSEGV || sig == SIGBUS ||
	       sig == SIGFPE || sig == SIGTRAP;
}

static int is_handler(const struct sigaction *sa)
{
	return sa->sa_handler != SIG_DFL && sa->sa_handler != SIG_IGN;
}

/*
 * The kernel's action: the simulator's entry, on the alternate stack,
 * with every signal blocked (a second one must not come in the middle of
 * an exit); sim__signal_app() gives the application's handler its mask.
 */
static void our_action(struct sigaction *ours)
{
	memset(ours, 0, sizeof(*ours));
	ours->sa_sigaction = sim__signal_entry;
	ours->sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&ours->sa_mask);
}

static void set_action(int sig, const struct sigaction *sa)
{
	struct app_action *a = malloc(sizeof(*a));

	if (!a)
		return; /* keep the previous one: better than none */
	a->sa = *sa;
	a->older = atomic_load(&actions[sig]);
	atomic_store(&actions[sig], a);
}

/* Catch a signal the application handles, keeping its kernel flags. */
static int wrap(int sig, const struct sigaction *app)
{
	struct sigaction ours;

	our_action(&ours);
	ours.sa_flags |= app->sa_flags & (SA_RESTART | SA_RESETHAND |
					  SA_NOCLDSTOP | SA_NOCLDWAIT);
	return __sigaction(sig, &ours, NULL);
}

static void altstack_free(void *p)
{
	stack_t off = { .ss_flags = SS_DISABLE };

	sigaltstack(&off, NULL);
	sim__sys_munmap(p, ALTSTACK_SIZE);
}

static void init(void)
{
	struct sigaction ours, old;
	int sig;

	sim__fsgsbase = !!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE_BIT);
	pthread_key_create(&altstack_key, altstack_free);
	pthread_mutex_lock(&actions_lock);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP ||
		    __sigaction(sig, NULL, &old))
			continue;
		if (always_ours(sig)) {
			set_action(sig, &old);
			our_action(&ours);
			__sigaction(sig, &ours, NULL);
		} else if (is_handler(&old)) {
			set_action(sig, &old);
			wrap(sig, &old);
		}
	}
	atomic_store(&active, 1);
	pthread_mutex_unlock(&actions_lock);
}

void sim__signals_init(void)
{
	pthread_once(&init_once, init);
}

int sim__altstack_ensure(void)
{
	stack_t cur, alt;
	void *p;

	if (sigaltstack(NULL, &cur))
		return -errno;
	if (!(cur.ss_flags & SS_DISABLE))
		return 0; /* the application's, a runtime's, or ours */
	p = sim__sys_mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	alt = (stack_t){ .ss_sp = p, .ss_size = ALTSTACK_SIZE };
	if (sigaltstack(&alt, NULL)) {
		sim__sys_munmap(p, ALTSTACK_SIZE);
		return -errno;
	}
	pthread_setspecific(altstack_key, p);
	return 0;
}

static int rt_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return (int)syscall(SYS_rt_sigprocmask, how, set, old, _NSIG / 8);
}

/* The default action of an exception signal: the process ends with it. */
static void die(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t only;

	__sigaction(sig, &dfl, NULL);
	sigemptyset(&only);
	sigaddset(&only, sig);
	syscall(SYS_tgkill, getpid(), gettid(), sig);
	rt_sigprocmask(SIG_UNBLOCK, &only, NULL);
}

void sim__signal_app(int sig, siginfo_t *si, ucontext_t *uc)
{
	struct app_action *a = atomic_load(&actions[sig]);
	struct sigaction sa = a ? a->sa : dfl_action.sa;
	sigset_t mask = uc->uc_sigmask, all;
	int i;

	if (sa.sa_handler == SIG_IGN && !always_ours(sig))
		return;
	if (!is_handler(&sa)) {
		die(sig); /* also SIG_IGN for an exception, as the kernel */
		return;
	}
	if (sa.sa_flags & SA_RESETHAND)
		atomic_store(&actions[sig], &dfl_action);
	/* The mask the kernel would have given the handler. */
	for (i = 1; i < NSIG; i++)
		if (sigismember(&sa.sa_mask, i))
			sigaddset(&mask, i);
	if (!(sa.sa_flags & SA_NODEFER))
		sigaddset(&mask, sig);
	rt_sigprocmask(SIG_SETMASK, &mask, NULL);
	if (sa.sa_flags & SA_SIGINFO)
		sa.sa_sigaction(sig, si, uc);
	else
		sa.sa_handler(sig);
	sigfillset(&all);
	rt_sigprocmask(SIG_SETMASK, &all, NULL);
}

void sim__deliver(ucontext_t *uc, const struct sim_exc *x)
{
	siginfo_t si;
	int sig;

	/* #DB and #BP are never fixed up (uapi <asm/sgx.h>). */
	if (x->vector != 1 && x->vector != 3 && sim__vdso_fixup(uc, x))
		return;
	memset(&si, 0, sizeof(si));
	switch (x->vector) {
	case SIM_VEC_PF:
		sig = SIGSEGV;
		si.si_code =
			(x->error_code & SIM_PF_P) ? SEGV_ACCERR : SEGV_MAPERR;
		si.si_addr = (void *)(uintptr_t)x->addr;
		break;
	case SIM_VEC_UD:
		sig = SIGILL;
		si.si_code = ILL_ILLOPN;
		si.si_addr = (void *)uc->uc_mcontext.gregs[REG_RIP];
		break;
	case 0:	 /* #DE */
	case 16: /* #MF */
	case 19: /* #XM */
		sig = SIGFPE;
		si.si_code = x->vector ? FPE_FLTINV : FPE_INTDIV;
		break;
	case 1: /* #DB */
	case 3: /* #BP */
		sig = SIGTRAP;
		si.si_code = x->vector == 3 ? SI_KERNEL : TRAP_TRACE;
		break;
	case 17: /* #AC */
		sig = SIGBUS;
		si.si_code = BUS_ADRALN;
		break;
	default: /* #GP and the rest */
		sig = SIGSEGV;
		si.si_code = SI_KERNEL;
		break;
	}
	si.si_signo = sig;
	uc->uc_mcontext.gregs[REG_TRAPNO] = x->vector;
	uc->uc_mcontext.gregs[REG_ERR] = x->error_code;
	sim__signal_app(sig, &si, uc);
}

/* Called by sim__signal_entry with the thread's own FS/GS bases. */
const struct sim_bases *sim__signal(int sig, siginfo_t *si, void *uc,
				    const struct sim_bases *cur,
				    struct sim_thread *t)
{
	int saved_errno = errno;
	const struct sim_bases *b;

	b = sim__native(sig, si, uc, cur, t);
	errno = saved_errno;
	return b;
}

/* ---- The interposed calls ---- */

static int manageable(int sig)
{
	return sig > 0 && sig < NSIG && sig != SIGKILL && sig != SIGSTOP;
}

SIM_EXPORT int sigaction(int sig, const struct sigaction *act,
			 struct sigaction *oact)
{
	struct sigaction prev;
	struct app_action *a;
	sigset_t all, saved;
	int ret = 0;

	if (!atomic_load(&active) || !manageable(sig))
		return __sigaction(sig, act, oact);
	/* No signal of ours may come while the table is half written. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	pthread_mutex_lock(&actions_lock);
	a = atomic_load(&actions[sig]);
	if (a)
		prev = a->sa;
	else
		ret = __sigaction(sig, NULL, &prev);
	if (!ret && act) {
		if (always_ours(sig)) {
			set_action(sig, act);
		} else if (is_handler(act)) {
			ret = wrap(sig, act);
			if (!ret)
				set_action(sig, act);
		} else {
			ret = __sigaction(sig, act, NULL);
			if (!ret)
				set_action(sig, act);
		}
	}
	pthread_mutex_unlock(&actions_lock);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (!ret && oact)
		*oact = prev;
	return ret;
}

SIM_EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction act, old;

	/* glibc's signal(): BSD semantics, restarting, self-blocking. */
	memset(&act, 0, sizeof(act));
	act.sa_handler = handler;
	act.sa_flags = SA_RESTART;
	sigemptyset(&act.sa_mask);
	if (manageable(sig))
		sigaddset(&act.sa_mask, sig);
	if (sigaction(sig, &act, &old))
		return SIG_ERR;
	return old.sa_handler;
}
