// SPDX-License-Identifier: MIT
/*
 * Tracing: off by default (not a byte written), LIBSGX2_TRACE, the
 * caller's function and how the two compose, and what the lines say about
 * a retry, a backoff, a partial count, an SGX code and each flow step.
 * The kernel is scripted (fake-kernel.c); its sleeps return at once, so
 * the backoff a line reports is what the clock saw (about 0 here).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"

#define OFF (8 * (uint64_t)PAGE)
#define LEN (16 * (uint64_t)PAGE)
#define MAX_LINES 64

/* What the caller's function got. */
static char lines[MAX_LINES][512];
static unsigned int line_kind[MAX_LINES];
static unsigned int nlines;
static void *line_data;

static void collect(void *data, unsigned int kind, const char *line)
{
	line_data = data;
	if (nlines < MAX_LINES) {
		snprintf(lines[nlines], sizeof(lines[0]), "%s", line);
		line_kind[nlines++] = kind;
	}
	errno = EXDEV; /* the library must put errno back */
}

/* Standard error, redirected to a file for the length of a test. */
static int saved_stderr = -1;
static FILE *captured;

static void capture_stderr(void)
{
	captured = tmpfile();
	assert_non_null(captured);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_int_equal(dup2(fileno(captured), STDERR_FILENO), STDERR_FILENO);
}

/* Everything written to standard error since capture_stderr(). */
static char *release_stderr(void)
{
	static char text[16384];
	size_t n;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(captured);
	n = fread(text, 1, sizeof(text) - 1, captured);
	text[n] = '\0';
	fclose(captured);
	return text;
}

static int setup(void **state)
{
	nlines = 0;
	line_data = NULL;
	unsetenv("LIBSGX2_TRACE");
	return fk_setup(state);
}

static struct sgx2_options fast(void)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.backoff_min_us = 1;
	o.backoff_max_us = 1;
	return o;
}

/* A handle made while LIBSGX2_TRACE is @value (NULL: unset). */
static struct sgx2_enclave *handle_with_env(const char *value)
{
	struct sgx2_enclave *e;

	if (value)
		setenv("LIBSGX2_TRACE", value, 1);
	else
		unsetenv("LIBSGX2_TRACE");
	assert_int_equal(sgx2_enclave_new(&e, FK_FD, BASE, ENCL_SIZE), 0);
	unsetenv("LIBSGX2_TRACE");
	return e;
}

static int64_t accept_all(void *arg, uint64_t addr, uint64_t len,
			  uint64_t secinfo)
{
	(void)arg;
	(void)addr;
	(void)secinfo;
	return (int64_t)len;
}

static const struct sgx2_callbacks cb = { .accept = accept_all };

/* A removal with one retry in it: every kind of line. */
static void busy_removal(struct sgx2_enclave *e)
{
	struct sgx2_options o = fast();

	fk_answer(EAGAIN, 0, 0);
	assert_int_equal(sgx2_trim_and_remove(e, OFF, LEN, &cb, &o, NULL), 0);
	assert_int_equal(sgx2_probe(FK_FD, NULL), 0);
}

static void off_by_default_writes_nothing(void **state)
{
	struct sgx2_enclave *e = handle_with_env(NULL);
	char *text;

	(void)state;
	capture_stderr();
	busy_removal(e);
	assert_int_equal(sgx2_remove_pages(e, OFF, PAGE, NULL, NULL), 0);
	text = release_stderr();
	assert_string_equal(text, "");
	sgx2_enclave_free(e);
}

static void variable_zero_or_empty_is_off(void **state)
{
	const char *values[] = { "0", "" };
	char *text;

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		struct sgx2_enclave *e = handle_with_env(values[i]);

		capture_stderr();
		setenv("LIBSGX2_TRACE", values[i], 1);
		busy_removal(e);
		unsetenv("LIBSGX2_TRACE");
		text = release_stderr();
		assert_string_equal(text, "");
		sgx2_enclave_free(e);
	}
}

static unsigned int count_lines(const char *text, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void variable_traces_to_stderr(void **state)
{
	struct sgx2_enclave *e = handle_with_env("1");
	char *text;

	(void)state;
	capture_stderr();
	busy_removal(e);
	text = release_stderr();
	/* MODIFY_TYPES twice (EAGAIN, then done), REMOVE_PAGES once, and the
	 * flow's begin, accept and end; each a line of its own. */
	assert_int_equal(count_lines(text, "libsgx2: fd 42: "), 6);
	assert_int_equal(count_lines(text, "\n"), 6);
	assert_non_null(strstr(text, "MODIFY_TYPES TRIM offset=0x8000 "
				     "length=0x10000 -> EAGAIN count=0x0"));
	assert_non_null(strstr(text, "flow begin offset=0x8000"));
	assert_non_null(strstr(text, "accept offset=0x8000 length=0x10000 "
				     "secinfo=0x410 -> 0x10000 accepted"));
	assert_non_null(strstr(text, "flow end -> 0 step=none"));
	/* The probe has no handle: the variable is read at the call. */
	assert_null(strstr(text, "probe:"));
	sgx2_enclave_free(e);

	setenv("LIBSGX2_TRACE", "1", 1);
	capture_stderr();
	assert_int_equal(sgx2_probe(FK_FD, NULL), 0);
	text = release_stderr();
	unsetenv("LIBSGX2_TRACE");
	assert_non_null(strstr(text, "libsgx2: fd 42: probe: REMOVE_PAGES "
				     "offset=0 length=0 -> 0"));
}

static void variable_ioctl_leaves_out_the_steps(void **state)
{
	struct sgx2_enclave *e = handle_with_env("ioctl");
	char *text;

	(void)state;
	capture_stderr();
	busy_removal(e);
	text = release_stderr();
	assert_int_equal(count_lines(text, "\n"), 3);
	assert_int_equal(count_lines(text, "MODIFY_TYPES TRIM"), 2);
	assert_int_equal(count_lines(text, "REMOVE_PAGES"), 1);
	assert_null(strstr(text, "flow"));
	sgx2_enclave_free(e);
}

/* The caller's function replaces the variable: nothing on stderr. */
static void function_replaces_the_variable(void **state)
{
	struct sgx2_enclave *e = handle_with_env("1");
	int token;
	char *text;

	(void)state;
	assert_int_equal(
		sgx2_enclave_set_log_fn(e, collect, &token, SGX2_LOG_ALL), 0);
	capture_stderr();
	errno = 0;
	busy_removal(e);
	assert_int_equal(errno, 0);
	text = release_stderr();
	assert_string_equal(text, "");
	assert_int_equal(nlines, 6);
	assert_ptr_equal(line_data, &token);
	assert_int_equal(line_kind[0], SGX2_LOG_STEP);	/* flow begin */
	assert_int_equal(line_kind[1], SGX2_LOG_IOCTL); /* MODIFY_TYPES */
	assert_int_equal(line_kind[5], SGX2_LOG_STEP);	/* flow end */
	sgx2_enclave_free(e);
}

static void kinds_zero_turns_tracing_off(void **state)
{
	struct sgx2_enclave *e = handle_with_env("1");
	char *text;

	(void)state;
	assert_int_equal(sgx2_enclave_set_log_fn(e, collect, NULL, 0), 0);
	capture_stderr();
	busy_removal(e);
	text = release_stderr();
	assert_string_equal(text, "");
	assert_int_equal(nlines, 0);
	sgx2_enclave_free(e);
}

static void null_function_is_stderr(void **state)
{
	char *text;

	assert_int_equal(
		sgx2_enclave_set_log_fn(*state, NULL, NULL, SGX2_LOG_IOCTL), 0);
	capture_stderr();
	assert_int_equal(sgx2_remove_pages(*state, OFF, PAGE, NULL, NULL), 0);
	text = release_stderr();
	assert_non_null(strstr(text, "libsgx2: fd 42: REMOVE_PAGES "
				     "offset=0x8000 length=0x1000 -> 0 "
				     "count=0x1000: done ["));
	assert_int_equal(count_lines(text, "\n"), 1);
}

static void kinds_select_lines(void **state)
{
	assert_int_equal(
		sgx2_enclave_set_log_fn(*state, collect, NULL, SGX2_LOG_STEP),
		0);
	busy_removal(*state);
	assert_int_equal(nlines, 3);
	for (unsigned int i = 0; i < nlines; i++)
		assert_int_equal(line_kind[i], SGX2_LOG_STEP);
}

static void bad_arguments_are_refused(void **state)
{
	assert_int_equal(sgx2_enclave_set_log_fn(NULL, collect, NULL, 1),
			 -EINVAL);
	assert_int_equal(sgx2_enclave_set_log_fn(*state, collect, NULL, 4),
			 -EINVAL);
	/* Refused: still off. */
	assert_int_equal(sgx2_remove_pages(*state, OFF, PAGE, NULL, NULL), 0);
	assert_int_equal(nlines, 0);
}

static void trace_all(void **state)
{
	assert_int_equal(
		sgx2_enclave_set_log_fn(*state, collect, NULL, SGX2_LOG_IOCTL),
		0);
}

/* A line, less its trailing " [N us]". */
static void assert_line(unsigned int i, const char *want)
{
	char *t;

	assert_true(i < nlines);
	t = strrchr(lines[i], '[');
	assert_non_null(t);
	assert_string_equal(t + strlen(t) - 4, " us]");
	assert_true(t > lines[i] && t[-1] == ' ');
	t[-1] = '\0';
	assert_string_equal(lines[i], want);
}

static void partial_count_then_retry_at_once(void **state)
{
	struct sgx2_options o = fast();

	trace_all(state);
	fk_answer(EAGAIN, 5 * PAGE, 0);
	assert_int_equal(sgx2_restrict_permissions(*state, OFF, LEN,
						   SGX2_PERM_R, &o, NULL),
			 0);
	assert_int_equal(nlines, 2);
	assert_line(0, "libsgx2: fd 42: RESTRICT_PERMISSIONS R offset=0x8000 "
		       "length=0x10000 -> EAGAIN count=0x5000 result=0 "
		       "(SGX_SUCCESS): retry at once (progress)");
	assert_line(1, "libsgx2: fd 42: RESTRICT_PERMISSIONS R offset=0xd000 "
		       "length=0xb000 -> 0 count=0xb000 result=0 "
		       "(SGX_SUCCESS): done");
}

/* A line that starts with @head, then a number, then @tail. */
static void assert_line_n(unsigned int i, const char *head, const char *tail)
{
	char *p;

	assert_true(i < nlines);
	assert_memory_equal(lines[i], head, strlen(head));
	p = lines[i] + strlen(head);
	assert_true(*p >= '0' && *p <= '9');
	while (*p >= '0' && *p <= '9')
		p++;
	assert_memory_equal(p, tail, strlen(tail));
}

static void no_progress_retries_after_a_backoff(void **state)
{
	struct sgx2_options o = fast();

	trace_all(state);
	fk_answer_unwritten(EBUSY);
	fk_answer(EBUSY, 0, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, LEN, &o, NULL), 0);
	assert_int_equal(nlines, 3);
	/* The sleeps are scripted away: the time the clock saw, about 0. */
	assert_line_n(0,
		      "libsgx2: fd 42: REMOVE_PAGES offset=0x8000 "
		      "length=0x10000 -> EBUSY count=0x0: retry 1 of 32 after ",
		      " us of backoff [");
	assert_line_n(1,
		      "libsgx2: fd 42: REMOVE_PAGES offset=0x8000 "
		      "length=0x10000 -> EBUSY count=0x0: retry 2 of 32 after ",
		      " us of backoff [");
	assert_line(2, "libsgx2: fd 42: REMOVE_PAGES offset=0x8000 "
		       "length=0x10000 -> 0 count=0x10000: done");
}

static void retries_spent_give_up(void **state)
{
	struct sgx2_options o = fast();

	o.max_retries = 2;
	trace_all(state);
	fk_answer_always(EAGAIN, 0, 0);
	assert_int_equal(sgx2_modify_types(*state, OFF, LEN, SGX2_PAGE_TYPE_TCS,
					   &o, NULL),
			 -EAGAIN);
	assert_int_equal(nlines, 3);
	assert_line(2, "libsgx2: fd 42: MODIFY_TYPES TCS offset=0x8000 "
		       "length=0x10000 -> EAGAIN count=0x0 result=0 "
		       "(SGX_SUCCESS): give up (2 retries in a row without "
		       "progress)");
}

static void sgx_code_is_named(void **state)
{
	trace_all(state);
	fk_answer(EFAULT, 2 * PAGE, SGX2_PAGE_NOT_MODIFIABLE);
	assert_int_equal(sgx2_modify_types(*state, OFF, LEN,
					   SGX2_PAGE_TYPE_TRIM, NULL, NULL),
			 -EFAULT);
	assert_int_equal(nlines, 1);
	assert_line(0, "libsgx2: fd 42: MODIFY_TYPES TRIM offset=0x8000 "
		       "length=0x10000 -> EFAULT count=0x2000 result=20 "
		       "(SGX_PAGE_NOT_MODIFIABLE): fail (not transient)");

	/* EPC_PAGE_CONFLICT is transient: retried. */
	nlines = 0;
	fk_answer(EFAULT, PAGE, SGX2_EPC_PAGE_CONFLICT);
	assert_int_equal(sgx2_modify_types(*state, OFF, LEN,
					   SGX2_PAGE_TYPE_TRIM, NULL, NULL),
			 0);
	assert_int_equal(nlines, 2);
	assert_line(0, "libsgx2: fd 42: MODIFY_TYPES TRIM offset=0x8000 "
		       "length=0x10000 -> EFAULT count=0x1000 result=7 "
		       "(SGX_EPC_PAGE_CONFLICT): retry at once (progress)");
}

static void count_outside_the_range_is_named(void **state)
{
	trace_all(state);
	fk_answer(0, LEN + PAGE, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, LEN, NULL, NULL),
			 -EPROTO);
	assert_int_equal(nlines, 1);
	assert_line(0, "libsgx2: fd 42: REMOVE_PAGES offset=0x8000 "
		       "length=0x10000 -> 0 count=0x11000: fail (EPROTO: the "
		       "count is outside the range)");
}

static void deadline_is_named(void **state)
{
	struct sgx2_options o = fast();

	o.timeout_ns = 1;
	trace_all(state);
	fk_answer_always(EBUSY, 0, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, LEN, &o, NULL),
			 -ETIMEDOUT);
	assert_true(nlines >= 1);
	assert_non_null(strstr(lines[nlines - 1], "-> EBUSY count=0x0: give up "
						  "(deadline) ["));
}

static void flow_steps_are_lines(void **state)
{
	struct sgx2_flow_report r;

	assert_int_equal(
		sgx2_enclave_set_log_fn(*state, collect, NULL, SGX2_LOG_STEP),
		0);
	assert_int_equal(sgx2_grow(*state, OFF, 2 * PAGE, 0, &cb, NULL, &r), 0);
	assert_int_equal(nlines, 5);
	assert_line(0, "libsgx2: fd 42: flow begin offset=0x8000 "
		       "length=0x2000");
	assert_line(1, "libsgx2: fd 42: mmap offset=0x8000 length=0x2000 "
		       "prot=RW -> 0");
	assert_line(2, "libsgx2: fd 42: prefault offset=0x8000 length=0x2000 "
		       "-> 0, 0x2000 added");
	assert_line(3, "libsgx2: fd 42: accept offset=0x8000 length=0x2000 "
		       "secinfo=0x20b -> 0x2000 accepted");
	assert_line(4, "libsgx2: fd 42: flow end -> 0 step=none "
		       "changed=0x2000 mapped=0x2000 accepted=0x2000 "
		       "removed=0x0 result=0 ioctls=0 retries=0 callbacks=1");

	/* The pre-fault stops where the kernel could not add a page. */
	nlines = 0;
	fk_read_answer(-1, EFAULT);
	assert_int_equal(sgx2_grow(*state, OFF, 2 * PAGE, 0, &cb, NULL, &r),
			 -EFAULT);
	assert_line(2, "libsgx2: fd 42: prefault offset=0x8000 length=0x2000 "
		       "-> EFAULT, 0x0 added");
	assert_memory_equal(lines[nlines - 1],
			    "libsgx2: fd 42: flow end -> EFAULT step=prefault",
			    48);

	/* A failed mapping and a refused range. */
	nlines = 0;
	fk_map_fails(EACCES);
	assert_int_equal(sgx2_add_tcs(*state, OFF, PAGE, &cb, NULL, &r),
			 -EACCES);
	assert_line(1, "libsgx2: fd 42: mprotect offset=0x8000 length=0x1000 "
		       "prot=RW -> EACCES");
	assert_line(2, "libsgx2: fd 42: flow end -> EACCES step=map "
		       "changed=0x1000 mapped=0x0 accepted=0x0 removed=0x0 "
		       "result=0 ioctls=1 retries=0 callbacks=0");
	nlines = 0;
	assert_int_equal(sgx2_grow(*state, OFF, 1, 0, &cb, NULL, &r), -EINVAL);
	assert_line(0, "libsgx2: fd 42: flow begin offset=0x8000 length=0x1 "
		       "-> EINVAL");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, fk_teardown)
	const struct CMUnitTest tests[] = {
		T(off_by_default_writes_nothing),
		T(variable_zero_or_empty_is_off),
		T(variable_traces_to_stderr),
		T(variable_ioctl_leaves_out_the_steps),
		T(function_replaces_the_variable),
		T(kinds_zero_turns_tracing_off),
		T(null_function_is_stderr),
		T(kinds_select_lines),
		T(bad_arguments_are_refused),
		T(partial_count_then_retry_at_once),
		T(no_progress_retries_after_a_backoff),
		T(retries_spent_give_up),
		T(sgx_code_is_named),
		T(count_outside_the_range_is_named),
		T(deadline_is_named),
		T(flow_steps_are_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
