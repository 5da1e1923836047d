// SPDX-License-Identifier: MIT
/*
 * Which threads are running enclave code. A signal taken inside an enclave
 * arrives with the enclave's FS and GS bases, so the handler cannot use
 * thread-local storage (or anything in libc that does) to find out who it
 * is: it asks the kernel for its thread id and looks it up here, in a
 * fixed table that needs no TLS, no lock and no allocation to read. Nor
 * can it key on the signal stack: runtimes (ASan, Rust, Go) install their
 * own.
 *
 * A slot is claimed by its thread when it enters an enclave: marked
 * entering until the entry is done or refused, then inside until the
 * thread leaves. Only a slot whose thread is outside may be taken by
 * another thread, and only when no slot is free, so the table only has to
 * hold the threads that are inside (or entering) at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define NR_SLOTS 1024u

enum { OUTSIDE, INSIDE, ENTERING }; /* struct sim_thread.inside */

static struct sim_thread slots[NR_SLOTS];
static pthread_mutex_t claim_lock = PTHREAD_MUTEX_INITIALIZER;

/* gettid() without libc, which may not be usable here (see above). */
static int raw_gettid(void)
{
	long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "0"((long)SYS_gettid)
		     : "rcx", "r11", "memory");
	return (int)ret;
}

/*
 * Called first thing by the signal entry (sigentry.S), before the FS base
 * is the thread's own again: nothing here may touch TLS.
 */
__attribute__((no_sanitize_address, no_stack_protector)) struct sim_thread *
sim__thread_inside(void)
{
	int tid = raw_gettid();
	unsigned int i, n;

	for (n = 0, i = (unsigned int)tid % NR_SLOTS; n < NR_SLOTS;
	     n++, i = (i + 1) % NR_SLOTS) {
		if (atomic_load_explicit(&slots[i].tid, memory_order_relaxed) ==
			    tid &&
		    atomic_load_explicit(&slots[i].inside,
					 memory_order_acquire) == INSIDE)
			return &slots[i];
	}
	return NULL;
}

/* The calling thread's slot, marked entering; NULL when none is left. */
struct sim_thread *sim__thread_claim(void)
{
	struct sim_thread *found = NULL, *free_slot = NULL, *spare = NULL;
	int tid = raw_gettid();
	unsigned int i, n;

	pthread_mutex_lock(&claim_lock);
	for (n = 0, i = (unsigned int)tid % NR_SLOTS; n < NR_SLOTS;
	     n++, i = (i + 1) % NR_SLOTS) {
		int owner = atomic_load(&slots[i].tid);

		if (owner == tid) {
			found = &slots[i];
			break;
		}
		if (!owner && !free_slot)
			free_slot = &slots[i];
		else if (owner && !spare &&
			 atomic_load(&slots[i].inside) == OUTSIDE)
			spare = &slots[i];
	}
	if (!found)
		found = free_slot ? free_slot : spare;
	if (found) {
		atomic_store(&found->tid, tid);
		atomic_store(&found->inside, ENTERING);
	}
	pthread_mutex_unlock(&claim_lock);
	return found;
}

void sim__thread_enter(struct sim_thread *t)
{
	atomic_store_explicit(&t->inside, INSIDE, memory_order_release);
}

/* Out of enclave mode, or an entry refused: the slot may be taken. */
void sim__thread_leave(struct sim_thread *t)
{
	atomic_store_explicit(&t->inside, OUTSIDE, memory_order_release);
}
