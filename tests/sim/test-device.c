// SPDX-License-Identifier: MIT
/*
 * Attachment and lifetime: the device path, descriptors shared by dup(),
 * the enclave outliving its last descriptor while mapped, and everything
 * that is not a simulated enclave passing through to the system.
 */
/* stat() and stat64() by their own names, not one renamed to the other. */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common.h"

/* glibc's pre-2.33 entry points, still exported, no longer declared. */
typedef int xstat_fn(int, const char *, struct stat *);
typedef int xstat64_fn(int, const char *, struct stat64 *);
typedef int fxstatat_fn(int, int, const char *, struct stat *, int);
typedef int fxstatat64_fn(int, int, const char *, struct stat64 *, int);
xstat_fn __xstat, __lxstat;
xstat64_fn __xstat64, __lxstat64;
fxstatat_fn __fxstatat;
fxstatat64_fn __fxstatat64;

#define DEV "/dev/sgx_enclave"

static void assert_device(const struct stat *st)
{
	assert_true(S_ISCHR(st->st_mode));
	assert_int_equal(st->st_mode & 07777, 0666);
	assert_int_equal(major(st->st_rdev), 10);
	assert_int_equal(minor(st->st_rdev), 125);
	assert_int_equal(st->st_uid, 0);
	assert_int_equal(st->st_nlink, 1);
	assert_int_equal(st->st_size, 0);
}

/* Every stat entry point, on @path; 0 when all of them succeeded. */
static int stat_all(const char *path, struct stat *st)
{
	struct stat64 st64;
	struct statx stx;
	int bad = 0;

	bad |= stat(path, st);
	bad |= stat64(path, &st64);
	bad |= memcmp(st, &st64, sizeof(*st)) != 0;
	bad |= lstat(path, st) | lstat64(path, &st64);
	bad |= fstatat(AT_FDCWD, path, st, 0);
	bad |= fstatat64(AT_FDCWD, path, &st64, AT_SYMLINK_NOFOLLOW);
	bad |= __xstat(1, path, st) | __xstat64(1, path, &st64);
	bad |= __lxstat(1, path, st) | __lxstat64(1, path, &st64);
	bad |= __fxstatat(1, AT_FDCWD, path, st, 0);
	bad |= __fxstatat64(1, AT_FDCWD, path, &st64, 0);
	bad |= memcmp(st, &st64, sizeof(*st)) != 0;
	bad |= statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx);
	bad |= !S_ISCHR(stx.stx_mode) != !S_ISCHR(st->st_mode);
	bad |= stx.stx_rdev_major != major(st->st_rdev) ||
	       stx.stx_rdev_minor != minor(st->st_rdev) ||
	       stx.stx_ino != st->st_ino;
	return bad;
}

static void device_path_stats_as_the_simulators_node(void **state)
{
	struct stat st;
	void *none;
	int fd;

	(void)state;
	assert_int_equal(sgx2_sim_set_device(1), 0);
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	/* What the selftests do right after the open. */
	assert_int_equal(stat(DEV, &st), 0);
	assert_device(&st);
	assert_int_equal(stat_all(DEV, &st), 0);
	assert_device(&st);
	/* The kernel's answers to bad arguments. */
	none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(none != MAP_FAILED);
	errno = 0;
	assert_int_equal(stat(DEV, none), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(munmap(none, PAGE), 0);
	assert_int_equal(fstatat(AT_FDCWD, DEV, &st, 0x1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(__xstat(3, DEV, &st), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(close(fd), 0);

	/* Off: the system's answer (ENOENT without SGX). */
	assert_int_equal(sgx2_sim_set_device(0), 0);
	if (stat(DEV, &st) == 0)
		assert_int_equal(major(st.st_rdev), 10); /* a real driver */
	else
		assert_int_equal(errno, ENOENT);
}

static void other_paths_stat_as_the_system_says(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(sgx2_sim_set_device(1), 0);
	assert_int_equal(stat_all("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(major(st.st_rdev), 1);
	assert_int_equal(minor(st.st_rdev), 3);
	assert_int_equal(stat_all(".", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	errno = 0;
	assert_int_equal(stat("/nonexistent/sgx_enclave", &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(lstat("/dev/sgx_enclave/", &st), -1); /* not exact */
	assert_int_not_equal(errno, 0);
	assert_int_equal(sgx2_sim_set_device(0), 0);
}

static void device_path_opens_a_simulator_when_enabled(void **state)
{
	struct sgx2_sim_info info;
	int fd;

	(void)state;
	assert_int_equal(sgx2_sim_set_device(1), 0);
	fd = open("/dev/sgx_enclave", O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(sgx2_sim_get_info(fd, &info), 0);
	assert_int_equal(info.created, 0);
	assert_int_equal(close(fd), 0);
	fd = openat(AT_FDCWD, "/dev/sgx_enclave", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(sgx2_sim_get_info(fd, &info), 0);
	assert_int_equal(close(fd), 0);

	assert_int_equal(sgx2_sim_set_device(0), 0);
	fd = open("/dev/sgx_enclave", O_RDWR | O_CLOEXEC);
	if (fd >= 0) { /* a machine with a real SGX driver */
		assert_int_equal(sgx2_sim_get_info(fd, &info), -ENOTTY);
		assert_int_equal(close(fd), 0);
	}
}

static void other_paths_are_not_redirected(void **state)
{
	struct sgx2_sim_info info;
	int fd;

	(void)state;
	assert_int_equal(sgx2_sim_set_device(1), 0);
	fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(sgx2_sim_get_info(fd, &info), -ENOTTY);
	assert_int_equal(close(fd), 0);
	assert_int_equal(open("/nonexistent/sgx_enclave", O_RDONLY), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(sgx2_sim_set_device(0), 0);
}

static void duplicated_descriptor_reaches_the_same_enclave(void **state)
{
	struct fx *fx = *state;
	int fd2 = dup(fx->fd);

	assert_true(fd2 >= 0);
	assert_int_equal(
		modt(fd2, fx->data_off, PAGE, SGX2_SIM_PAGE_TYPE_TRIM).ret, 0);
	assert_int_equal(page_at(fx->fd, fx->data_off).type,
			 SGX2_SIM_PAGE_TYPE_TRIM);
	/* One enclave, one busy bit. */
	assert_int_equal(sgx2_sim_inject_script(fx->fd, "kind=busy"), 0);
	assert_int_equal(remove_pages(fd2, fx->data_off, PAGE).err, EBUSY);
	/* Closing one descriptor leaves the enclave to the other. */
	assert_int_equal(close(fd2), 0);
	assert_int_equal(page_at(fx->fd, fx->data_off).type,
			 SGX2_SIM_PAGE_TYPE_TRIM);
}

/* The kernel's VMAs hold the file: mappings keep the enclave alive. */
static void mapping_keeps_the_enclave_after_the_last_close(void **state)
{
	struct fx *fx = fx_new(1);

	(void)state;
	assert_int_equal(close(fx->fd), 0);
	assert_int_equal(mprotect((void *)fx->data, PAGE,
				  PROT_READ | PROT_WRITE | PROT_EXEC),
			 -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(mprotect((void *)fx->data, PAGE, PROT_READ), 0);
	assert_int_equal(munmap((void *)fx->base, fx->size), 0);
	free(fx);
}

/* A descriptor left by dup() keeps an unmapped enclave alive. */
static void last_descriptor_keeps_the_enclave(void **state)
{
	struct sgx2_sim_info info;
	int fd = sgx2_sim_open(0), fd2;

	(void)state;
	assert_true(fd >= 0);
	fd2 = dup(fd);
	assert_true(fd2 >= 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(sgx2_sim_get_info(fd2, &info), 0);
	assert_int_equal(close(fd2), 0);
}

/* Whether any simulated enclave's memfd is still mapped. */
static int memfd_mapped(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, "/memfd:sgx2-sim-") != NULL;
	fclose(f);
	return found;
}

/* With neither descriptors nor mappings left, the enclave is freed. */
static void enclave_ends_with_its_last_descriptor_and_mapping(void **state)
{
	struct fx *fx = fx_new(1);
	int fd;

	(void)state;
	assert_true(memfd_mapped()); /* the model's own view of the pages */
	fd = dup(fx->fd);
	assert_int_equal(sgx2_sim_enclave_destroy(fx->fd), 0);
	assert_true(memfd_mapped()); /* still open through fd */
	assert_int_equal(close(fd), 0);
	assert_false(memfd_mapped());
	free(fx);
}

static void other_descriptors_and_memory_pass_through(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_remove_pages rm = { 0 };
	int fds[2], avail = -1;
	void *p;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "abc", 3), 3);
	assert_int_equal(ioctl(fds[0], FIONREAD, &avail), 0);
	assert_int_equal(avail, 3);
	assert_int_equal(ioctl(fds[0], SGX_IOC_ENCLAVE_REMOVE_PAGES, &rm), -1);
	assert_int_equal(errno, ENOTTY);
	assert_int_equal(close(fds[0]), 0);
	assert_int_equal(close(fds[1]), 0);
	assert_int_equal(close(-1), -1);
	assert_int_equal(errno, EBADF);

	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_int_equal(mprotect(p, PAGE, PROT_READ), 0);
	assert_int_equal(munmap(p, 2 * PAGE), 0);
	assert_int_equal(mprotect((void *)((uintptr_t)p + 1), PAGE, PROT_READ),
			 -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(stats_of(fx->fd).ioctls[SGX2_SIM_NR_REMOVE], 0);
}

/* An anonymous mapping placed over enclave pages replaces the enclave VMA. */
static void foreign_mapping_over_the_enclave_replaces_it(void **state)
{
	struct fx *fx = *state;

	assert_ptr_equal(mmap((void *)fx->data, PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
			 (void *)fx->data);
	assert_int_equal(sgx2_sim_read(fx->fd, run_on(fx, 0), fx->data), 0);
	assert_int_equal(fx->run.exception_vector, 14);
	assert_int_equal(fx->run.exception_error_code, 0x4);
	/* And it is not limited by the enclave page's max prot. */
	assert_int_equal(mprotect((void *)fx->data, PAGE,
				  PROT_READ | PROT_WRITE | PROT_EXEC),
			 0);
}

/*
 * 6.19: the first open() while the system has no other SGX user runs
 * EUPDATESVN, which can fail with EAGAIN (entropy; retry) or EIO. The
 * simulator's SGX users are the process's live enclaves.
 */
static void first_open_on_6_19_takes_the_armed_answers(void **state)
{
	struct sgx2_sim_layout l = { .size = 4 * PAGE };
	uint64_t base;
	int fd, other;

	(void)state;
	assert_int_equal(sgx2_sim_inject_open(EAGAIN, 2), 0);
	assert_int_equal(sgx2_sim_inject_open(EIO, 0), 0);
	assert_int_equal(sgx2_sim_open(0), -EAGAIN);
	assert_int_equal(sgx2_sim_set_device(1), 0);
	errno = 0;
	assert_int_equal(open("/dev/sgx_enclave", O_RDWR), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(sgx2_sim_set_device(0), 0);
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EIO);

	/* Spent: the open works, and while it lives no open is a first. */
	fd = sgx2_sim_open(0);
	assert_true(fd >= 0);
	assert_int_equal(sgx2_sim_inject_open(EIO, 1), 0);
	other = sgx2_sim_open(0);
	assert_true(other >= 0);
	assert_int_equal(close(other), 0);
	assert_int_equal(close(fd), 0);
	/* The last enclave released: the next open is a first again. */
	assert_int_equal(sgx2_sim_open(0), -EIO);
}

static void open_answers_need_6_19_and_can_be_disarmed(void **state)
{
	struct sgx2_sim_config cfg;
	int fd;

	(void)state;
	assert_int_equal(sgx2_sim_inject_open(EAGAIN, 1), 0);
	sgx2_sim_config_init(&cfg);
	cfg.kernel = SGX2_SIM_KERNEL_6_14;
	assert_int_equal(sgx2_sim_set_default_config(&cfg), 0);
	fd = sgx2_sim_open(0);
	assert_true(fd >= 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(sgx2_sim_set_default_config(NULL), 0);
	assert_int_equal(sgx2_sim_inject_open(0, 0), 0); /* disarmed */
	fd = sgx2_sim_open(0);
	assert_true(fd >= 0);
	assert_int_equal(close(fd), 0);

	assert_int_equal(sgx2_sim_inject_open(EBUSY, 1), -EINVAL);
	assert_int_equal(sgx2_sim_inject_open(-EAGAIN, 1), -EINVAL);
	assert_int_equal(sgx2_sim_inject_open(0, 1), -EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_path_opens_a_simulator_when_enabled),
		cmocka_unit_test(other_paths_are_not_redirected),
		cmocka_unit_test(device_path_stats_as_the_simulators_node),
		cmocka_unit_test(other_paths_stat_as_the_system_says),
		T(duplicated_descriptor_reaches_the_same_enclave),
		cmocka_unit_test(
			mapping_keeps_the_enclave_after_the_last_close),
		cmocka_unit_test(last_descriptor_keeps_the_enclave),
		cmocka_unit_test(
			enclave_ends_with_its_last_descriptor_and_mapping),
		T(other_descriptors_and_memory_pass_through),
		T(foreign_mapping_over_the_enclave_replaces_it),
		cmocka_unit_test(first_open_on_6_19_takes_the_armed_answers),
		cmocka_unit_test(open_answers_need_6_19_and_can_be_disarmed),
	};

	return cmocka_run_group_tests_name("attachment and lifetime", tests,
					   NULL, NULL);
}
