// SPDX-License-Identifier: MIT
/*
 * libsgx2's tracing on the simulator: the shipped shared library, real
 * sleeps, the simulator's answers (injected faults for the transient
 * ones). Off by default, LIBSGX2_TRACE, the caller's function, and the
 * lines of a retry, a backoff, a partial count and an SGX code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"
#include "sgx2.h"

#define MAX_LINES 64

static char lines[MAX_LINES][512];
static unsigned int nlines;

static void collect(void *data, unsigned int kind, const char *line)
{
	(void)data;
	(void)kind;
	if (nlines < MAX_LINES)
		snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
}

struct tfx {
	struct fx *fx;
	struct sgx2_enclave *encl;
	struct sgx2_options opts;
	char prefix[32]; /* "libsgx2: fd N: " */
};

static struct tfx *tfx_new(const char *env)
{
	struct tfx *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->fx = fx_new(8);
	if (env)
		setenv("LIBSGX2_TRACE", env, 1);
	assert_int_equal(
		sgx2_enclave_new(&t->encl, t->fx->fd, t->fx->base, t->fx->size),
		0);
	unsetenv("LIBSGX2_TRACE");
	sgx2_options_init(&t->opts);
	t->opts.backoff_min_us = 200;
	t->opts.backoff_max_us = 400;
	snprintf(t->prefix, sizeof(t->prefix), "libsgx2: fd %d: ", t->fx->fd);
	nlines = 0;
	return t;
}

static void tfx_free(struct tfx *t)
{
	sgx2_enclave_free(t->encl);
	fx_free(t->fx);
	free(t);
}

static int64_t accept_cb(void *arg, uint64_t addr, uint64_t len,
			 uint64_t secinfo)
{
	struct fx *fx = arg;
	struct sgx2_sim_run run = { .tcs = fx->tcs1 };
	int err = sgx2_sim_eaccept_range(fx->fd, &run, addr, len, secinfo);

	return err ? err : (int64_t)run.done;
}

/* Standard error into a file while @fn runs; what was written. */
static char *stderr_of(void (*fn)(struct tfx *), struct tfx *t)
{
	static char text[16384];
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(f);
	dup2(fileno(f), STDERR_FILENO);
	fn(t);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Heap pages 1..4: a reclaimed page (3 loads: EAGAIN, backoff), then a
 * removal flow. */
static void work(struct tfx *t)
{
	struct sgx2_callbacks cb = { .accept = accept_cb, .arg = t->fx };

	assert_int_equal(sgx2_sim_inject_script(t->fx->fd,
						"kind=under-reclaim,"
						"offset=0xa000,times=2"),
			 0);
	assert_int_equal(sgx2_trim_and_remove(t->encl, HEAP_OFF + PAGE,
					      4 * PAGE, &cb, &t->opts, NULL),
			 0);
}

static void off_by_default(void **state)
{
	struct tfx *t = tfx_new(NULL);

	(void)state;
	assert_string_equal(stderr_of(work, t), "");
	tfx_free(t);
}

static void variable_on(void **state)
{
	struct tfx *t = tfx_new("1");
	char *text;

	(void)state;
	text = stderr_of(work, t);
	/* begin, 3 MODIFY_TYPES, accept, REMOVE_PAGES, end */
	for (unsigned int i = 0, n = 0; text[i]; i++)
		if (text[i] == '\n' && ++n == 7)
			assert_int_equal(text[i + 1], '\0');
	assert_non_null(strstr(text, "MODIFY_TYPES TRIM offset=0x9000 "
				     "length=0x4000 -> EAGAIN count=0x1000"));
	assert_non_null(strstr(text, "accept offset=0x9000 length=0x4000 "
				     "secinfo=0x410 -> 0x4000 accepted"));
	assert_non_null(strstr(text, "REMOVE_PAGES offset=0x9000 "
				     "length=0x4000 -> 0 count=0x4000: done"));
	tfx_free(t);
}

static void callback_lines(void **state)
{
	struct tfx *t = tfx_new("1");
	char want[256];
	unsigned long long us;
	char *p;

	(void)state;
	assert_int_equal(
		sgx2_enclave_set_log_fn(t->encl, collect, NULL, SGX2_LOG_IOCTL),
		0);
	assert_string_equal(stderr_of(work, t), "");
	assert_int_equal(nlines, 4);

	/* Page 0xa000 is reclaimed: partial count, retried at once. */
	snprintf(want, sizeof(want),
		 "%sMODIFY_TYPES TRIM offset=0x9000 length=0x4000 -> EAGAIN "
		 "count=0x1000 result=0 (SGX_SUCCESS): retry at once "
		 "(progress) [",
		 t->prefix);
	assert_memory_equal(lines[0], want, strlen(want));
	/* Again, now at it: no progress, so a real backoff first. */
	snprintf(want, sizeof(want),
		 "%sMODIFY_TYPES TRIM offset=0xa000 length=0x3000 -> EAGAIN "
		 "count=0x0 result=0 (SGX_SUCCESS): retry 1 of 32 after ",
		 t->prefix);
	assert_memory_equal(lines[1], want, strlen(want));
	us = strtoull(lines[1] + strlen(want), &p, 10);
	assert_true(us >= 200);
	assert_memory_equal(p, " us of backoff [", 16);
	snprintf(want, sizeof(want),
		 "%sMODIFY_TYPES TRIM offset=0xa000 length=0x3000 -> 0 "
		 "count=0x3000 result=0 (SGX_SUCCESS): done [",
		 t->prefix);
	assert_memory_equal(lines[2], want, strlen(want));
	tfx_free(t);
}

/* The CPU refuses a page: the SGX code, named. */
static void sgx_code(void **state)
{
	struct tfx *t = tfx_new(NULL);
	char want[256];
	struct sgx2_sim_run run = { .tcs = t->fx->tcs1 };

	(void)state;
	assert_int_equal(
		sgx2_enclave_set_log_fn(t->encl, collect, NULL, SGX2_LOG_ALL),
		0);
	/* A page added on a read (EAUG), not accepted: PENDING. */
	assert_ptr_not_equal(
		mmap((void *)(uintptr_t)(t->fx->base + t->fx->total), PAGE,
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, t->fx->fd,
		     0),
		MAP_FAILED);
	assert_int_equal(
		sgx2_sim_read(t->fx->fd, &run, t->fx->base + t->fx->total), 0);
	assert_int_equal(sgx2_modify_types(t->encl, t->fx->total, PAGE,
					   SGX2_PAGE_TYPE_TRIM, NULL, NULL),
			 -EFAULT);
	assert_int_equal(nlines, 1);
	snprintf(want, sizeof(want),
		 "%sMODIFY_TYPES TRIM offset=0x%llx length=0x1000 -> EFAULT "
		 "count=0x0 result=20 (SGX_PAGE_NOT_MODIFIABLE): fail (not "
		 "transient) [",
		 t->prefix, (unsigned long long)t->fx->total);
	assert_memory_equal(lines[0], want, strlen(want));
	tfx_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(off_by_default),
		cmocka_unit_test(variable_on),
		cmocka_unit_test(callback_lines),
		cmocka_unit_test(sgx_code),
	};

	unsetenv("LIBSGX2_TRACE");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
