// SPDX-License-Identifier: MIT
/*
 * The recorder's vDSO wrapper passes every register through, both ways.
 *
 * Run with libfake-vdso.so preloaded (its getauxval() answers a vDSO whose
 * __vdso_sgx_enter_enclave is fake-vdso.S), with and without the recorder
 * before it. The caller (call-enter.S) loads distinct values into RDI,
 * RSI, RDX, RCX, R8-R15, RBX and XMM0-XMM15; the fake enclave checks what
 * reached it, exits to the handler (test_handler) with values of its own,
 * and returns with others; each side records what it got. With the
 * recorder between them, all of it must be the same as without, and
 * run->user_handler the caller's again afterwards. When SGX2_TRACE_OUTPUT
 * names the trace, it must hold the entries, the exit to the handler and
 * the returns.
 *
 * Exit status: 0 pass, 1 fail.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include <asm/sgx.h>

#define NGPR 12 /* RDI, RSI, RDX, RCX, R8-R15 */
#define NWORDS (NGPR + 32)

extern uint64_t caller_regs[NWORDS], caller_after[NWORDS], handler_seen[NWORDS];
extern uint64_t caller_rbx, caller_after_rbx, handler_run;
int call_enter(void *fn, struct sgx_enclave_run *run);
int test_handler(long rdi, long rsi, long rdx, long rsp, long r8, long r9,
		 struct sgx_enclave_run *run);

static const char *const names[NGPR] = { "rdi", "rsi", "rdx", "rcx",
					 "r8",	"r9",  "r10", "r11",
					 "r12", "r13", "r14", "r15" };
static int failures;

/* __vdso_sgx_enter_enclave in the image getauxval() gives, as the kernel
 * selftests find it: PT_DYNAMIC, DT_HASH, DT_SYMTAB, DT_STRTAB. */
static void *vdso_enter(void)
{
	const Elf64_Ehdr *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	const Elf64_Sym *sym = NULL;
	const Elf64_Word *hash = NULL;
	const char *str = NULL;
	uintptr_t load = 0;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !load)
			load = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)((const char *)eh + ph[i].p_offset);
	}
	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		const void *p = (const void *)(load + dyn->d_un.d_ptr);

		if (dyn->d_tag == DT_HASH)
			hash = p;
		else if (dyn->d_tag == DT_SYMTAB)
			sym = p;
		else if (dyn->d_tag == DT_STRTAB)
			str = p;
	}
	for (Elf64_Word i = 1; hash && i < hash[1]; i++)
		if (!strcmp(str + sym[i].st_name, "__vdso_sgx_enter_enclave"))
			return (void *)((uintptr_t)eh + sym[i].st_value);
	return NULL;
}

static uint64_t *fake(const char *name)
{
	uint64_t *p = dlsym(RTLD_DEFAULT, name);

	if (!p) {
		fprintf(stderr, "%s not found: preload libfake-vdso.so\n",
			name);
		exit(1);
	}
	return p;
}

/* Distinct words: phase, register, half. */
static void fill(uint64_t *regs, uint64_t phase)
{
	for (unsigned int i = 0; i < NWORDS; i++)
		regs[i] = phase << 56 | (uint64_t)(i + 1) << 40 |
			  0x5a5a5a5a00ull | i;
}

static void expect(const char *where, const uint64_t *got, const uint64_t *want,
		   int skip_rcx)
{
	for (unsigned int i = 0; i < NWORDS; i++) {
		if ((skip_rcx && i == 3) || got[i] == want[i])
			continue;
		if (i < NGPR)
			printf("%s: %s is 0x%" PRIx64 ", not 0x%" PRIx64 "\n",
			       where, names[i], got[i], want[i]);
		else
			printf("%s: xmm%u %s half is 0x%" PRIx64
			       ", not 0x%" PRIx64 "\n",
			       where, (i - NGPR) / 2,
			       (i - NGPR) % 2 ? "high" : "low", got[i],
			       want[i]);
		failures++;
	}
}

static void one_call(void *fn, int with_handler)
{
	uint64_t *seen = fake("fake_seen_enter");
	uint64_t *exit_regs = fake("fake_exit_regs");
	uint64_t *return_regs = fake("fake_return_regs");
	struct sgx_enclave_run run = { .tcs = 0x10000 };
	const char *what = with_handler ? "with a handler" : "without";
	int ret;

	fill(caller_regs, 1);
	caller_regs[3] = 2; /* RCX: the leaf, EENTER */
	caller_rbx = 0x0b0b0b0b0b0b0b0bull;
	fill(exit_regs, 2);
	fill(return_regs, 3);
	memset(seen, 0, NWORDS * 8);
	memset(handler_seen, 0, NWORDS * 8);
	handler_run = 0;
	if (with_handler)
		run.user_handler = (uint64_t)(uintptr_t)test_handler;

	ret = call_enter(fn, &run);
	if (ret || run.function != 4) {
		printf("%s: returned %d, function %u\n", what, ret,
		       run.function);
		failures++;
	}
	printf("%s: checked what the enclave got\n", what);
	expect(what, seen, caller_regs, 0);
	if (with_handler) {
		expect("the handler", handler_seen, exit_regs, 1);
		if (!handler_seen[3] || handler_run != (uintptr_t)&run) {
			printf("the handler: rsp 0x%" PRIx64 ", run 0x%" PRIx64
			       "\n",
			       handler_seen[3], handler_run);
			failures++;
		}
		if (run.user_handler != (uintptr_t)test_handler) {
			printf("run->user_handler is 0x%llx after the call\n",
			       (unsigned long long)run.user_handler);
			failures++;
		}
	}
	expect("after the return", caller_after, return_regs, 0);
	if (caller_after_rbx != caller_rbx) {
		printf("%s: rbx is 0x%" PRIx64 " after the return\n", what,
		       caller_after_rbx);
		failures++;
	}
}

static unsigned int count(const char *text, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

int main(void)
{
	const char *trace = getenv("SGX2_TRACE_OUTPUT");
	void *fn = vdso_enter();

	if (!fn) {
		printf("no __vdso_sgx_enter_enclave: preload "
		       "libfake-vdso.so\n");
		return 1;
	}
	one_call(fn, 1);
	one_call(fn, 0);
	if (trace && *trace) {
		static char text[65536];
		FILE *f = fopen(trace, "r");
		size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

		if (f)
			fclose(f);
		text[n] = '\0';
		if (count(text, "\"ev\":\"eenter\"") != 2 ||
		    count(text, "\"ev\":\"eexit\"") != 2 ||
		    count(text, "\"ev\":\"handler\"") != 1 ||
		    count(text, "\"ev\":\"handler_ret\"") != 1) {
			printf("the trace lacks entries, exits or the handler "
			       "call:\n%s",
			       text);
			failures++;
		}
	}
	printf("%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
