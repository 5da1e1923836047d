// SPDX-License-Identifier: MIT
/*
 * Sleeps under a signal storm: libsgx2's retry backoff and the
 * simulator's per-page delay must end on time while an interval timer
 * interrupts them every few tens of microseconds (a handler installed
 * without SA_RESTART, so that every sleep sees EINTR).
 *
 * Timing on a shared CI machine is noisy, so no bound here is tight: each
 * is the documented time times a factor of ten or more, and still far
 * below what a sleep that restarts its whole relative time (plus timer
 * slack) after every signal takes, which is "never" at these rates. A
 * watchdog thread stops the storm after WATCHDOG_S, so that such a sleep
 * ends and fails its bound instead of hanging the suite.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "common.h"
#include "sgx2.h"

#define WATCHDOG_S 8

static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
	(void)sig;
	ticks++;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int storm_over;
static pthread_t watchdog;

static void timer_set(long us)
{
	struct itimerval it = { .it_interval = { .tv_usec = us },
				.it_value = { .tv_usec = us } };

	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

/* Stops the storm after WATCHDOG_S, unless storm_stop() came first. */
static void *watch(void *arg)
{
	struct timespec until;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WATCHDOG_S;
	pthread_mutex_lock(&mu);
	while (!storm_over &&
	       pthread_cond_timedwait(&cv, &mu, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&mu);
	timer_set(0);
	return NULL;
}

/* SIGALRM every @us microseconds, for this thread only to take. */
static void storm_start(long us)
{
	struct sigaction sa;
	sigset_t alrm, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: sleeps see EINTR */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	storm_over = 0;
	ticks = 0;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, &old);
	assert_int_equal(pthread_create(&watchdog, NULL, watch, NULL), 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	timer_set(us);
}

static void storm_stop(void)
{
	pthread_mutex_lock(&mu);
	storm_over = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(watchdog, NULL);
	timer_set(0);
	signal(SIGALRM, SIG_DFL);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void assert_took_less(double took, double bound_s)
{
	if (took >= bound_s)
		fail_msg("took %.3f s, bound %.1f s (%d signals)", took,
			 bound_s, (int)ticks);
	/* The storm really blew (a loaded machine merges some ticks). */
	assert_true(ticks > 10);
}

/*
 * The default retries in full: 32 sleeps from 50 us doubling to 10 ms,
 * about 0.25 s in all (sgx2(7)). Bound: 3 s.
 */
static void default_backoff_ends_on_time_under_signals(void **state)
{
	static const long periods_us[] = { 20, 50, 100 };
	struct sgx2_enclave *e;
	struct fx *fx = *state;
	struct sgx2_report r;
	double t0; /* then the time taken */
	int err;

	assert_int_equal(sgx2_enclave_new(&e, fx->fd, fx->base, fx->size), 0);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(
			sgx2_sim_inject_script(fx->fd, "kind=busy,ioctl=remove,"
						       "times=1000"),
			0);
		storm_start(periods_us[i]);
		t0 = now_s();
		err = sgx2_remove_pages(e, HEAP_OFF, PAGE, NULL, &r);
		t0 = now_s() - t0;
		storm_stop();
		assert_took_less(t0, 3.0);
		assert_int_equal(err, -EBUSY);
		assert_int_equal(r.ioctls, 1 + SGX2_DEFAULT_MAX_RETRIES);
		assert_int_equal(sgx2_sim_clear_faults(fx->fd), 0);
	}
	sgx2_enclave_free(e);
}

/* A 30 ms deadline ends the call with -ETIMEDOUT. Bound: 1 s. */
static void deadline_ends_the_call_under_signals(void **state)
{
	struct sgx2_enclave *e;
	struct fx *fx = *state;
	struct sgx2_options o;
	struct sgx2_report r;
	double t0; /* then the time taken */
	int err;

	assert_int_equal(sgx2_enclave_new(&e, fx->fd, fx->base, fx->size), 0);
	sgx2_options_init(&o);
	o.timeout_ns = 30 * 1000000ull;
	o.max_retries = 1000000;
	assert_int_equal(sgx2_sim_inject_script(
				 fx->fd, "kind=busy,ioctl=remove,times=100000"),
			 0);
	storm_start(20);
	t0 = now_s();
	err = sgx2_remove_pages(e, HEAP_OFF, PAGE, &o, &r);
	t0 = now_s() - t0;
	storm_stop();
	assert_took_less(t0, 1.0);
	assert_int_equal(err, -ETIMEDOUT);
	assert_int_equal(r.done, 0);
	assert_int_equal(sgx2_sim_clear_faults(fx->fd), 0);
	sgx2_enclave_free(e);
}

/*
 * The simulator's page delay (sgx2_sim_config.page_delay_ns): 4 pages
 * of 25 ms, 0.1 s in all. Bound: 2 s.
 */
static void sim_page_delay_ends_on_time_under_signals(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_config cfg;
	struct ioc io;
	double t0; /* then the time taken */

	sgx2_sim_config_init(&cfg);
	cfg.page_delay_ns = 25 * 1000000ull;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), 0);
	storm_start(20);
	t0 = now_s();
	io = restrict_perms(fx->fd, HEAP_OFF, 4 * PAGE, SGX2_SIM_SECINFO_R);
	t0 = now_s() - t0;
	storm_stop();
	assert_took_less(t0, 2.0);
	assert_int_equal(io.ret, 0);
	assert_int_equal(io.count, 4 * PAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			default_backoff_ends_on_time_under_signals, fx_setup,
			fx_teardown),
		cmocka_unit_test_setup_teardown(
			deadline_ends_the_call_under_signals, fx_setup,
			fx_teardown),
		cmocka_unit_test_setup_teardown(
			sim_page_delay_ends_on_time_under_signals, fx_setup,
			fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
