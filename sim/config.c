// SPDX-License-Identifier: MIT
/*
 * Configuration: the kernel and CPU being modelled, per enclave, with
 * process-wide defaults read once from the environment (SGX2_SIM_KERNEL,
 * SGX2_SIM_SGX2, SGX2_SIM_PAGE_DELAY_NS, SGX2_SIM_EPC_SIZE,
 * SGX2_SIM_EPC_LIMIT, SGX2_SIM_EPC_NO_RECLAIM, SGX2_SIM_DEVICE,
 * SGX2_SIM_FAULTS, SGX2_SIM_OPEN_FAULTS) so that a program run with
 * LD_PRELOAD can be configured without code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgx2_sim_config defaults;
static atomic_int device;
static const char *env_faults;
static int env_open_faults;

/* The releases modelled, by their SGX2_SIM_KERNEL names. */
static const struct {
	uint32_t kernel;
	const char *name;
} kernels[] = {
	{ SGX2_SIM_KERNEL_5_X, "5.19" },  { SGX2_SIM_KERNEL_5_X, "5" },
	{ SGX2_SIM_KERNEL_6_0, "6.0" },	  { SGX2_SIM_KERNEL_6_1, "6.1" },
	{ SGX2_SIM_KERNEL_6_6, "6.6" },	  { SGX2_SIM_KERNEL_6_14, "6.14" },
	{ SGX2_SIM_KERNEL_6_19, "6.19" },
};

#define NKERNELS (sizeof(kernels) / sizeof(kernels[0]))

SIM_EXPORT void sgx2_sim_config_init(struct sgx2_sim_config *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->kernel = SGX2_SIM_KERNEL_NEWEST;
	cfg->sgx2 = 1;
	cfg->epc_size = SGX2_SIM_EPC_SIZE_DEFAULT;
}

static int epc_size_ok(uint64_t v)
{
	return !(v % SIM_PAGE) && v <= SGX2_SIM_EPC_SIZE_MAX;
}

uint64_t sim__epc_size(const struct sgx2_sim_config *cfg)
{
	return cfg->epc_size ? cfg->epc_size : SGX2_SIM_EPC_SIZE_DEFAULT;
}

static void read_env(void);

/* The machine's EPC in pages: the default configuration's, as CPUID. */
uint64_t sim__machine_epc_pages(void)
{
	uint64_t size;

	pthread_once(&env_once, read_env);
	pthread_mutex_lock(&config_lock);
	size = sim__epc_size(&defaults);
	pthread_mutex_unlock(&config_lock);
	return size / SIM_PAGE;
}

static int kernel_known(uint32_t kernel)
{
	unsigned int i;

	for (i = 0; i < NKERNELS; i++)
		if (kernels[i].kernel == kernel)
			return 1;
	return kernel == SGX2_SIM_KERNEL_NEWEST;
}

int sim__config_check(const struct sgx2_sim_config *cfg)
{
	unsigned int i;

	if (!kernel_known(cfg->kernel) || cfg->sgx2 > 1 ||
	    cfg->page_delay_ns > 1000000000u || cfg->null_driver > 1 ||
	    cfg->epc_no_reclaim > 1 || !epc_size_ok(cfg->epc_size) ||
	    cfg->epc_limit % SIM_PAGE)
		return -EINVAL;
	for (i = 0; i < sizeof(cfg->reserved) / sizeof(cfg->reserved[0]); i++)
		if (cfg->reserved[i])
			return -EINVAL;
	return 0;
}

/* A whole decimal number, or -1. */
static long long env_number(const char *s)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0)
		return -1;
	return v;
}

/*
 * Bytes with an optional K, M or G suffix (powers of 1024), a multiple of
 * the page size and not 0; or 0 for anything else.
 */
static uint64_t env_size(const char *s)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return 0;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end || v > (SGX2_SIM_EPC_SIZE_MAX >> shift))
		return 0;
	v <<= shift;
	return epc_size_ok(v) ? v : 0;
}

static void read_env(void)
{
	int saved_errno = errno;
	const char *s;
	uint64_t size;
	unsigned int i;
	long long v;

	sgx2_sim_config_init(&defaults);
	s = getenv("SGX2_SIM_KERNEL");
	for (i = 0; s && i < NKERNELS; i++)
		if (!strcmp(s, kernels[i].name))
			defaults.kernel = kernels[i].kernel;
	v = env_number(getenv("SGX2_SIM_SGX2"));
	if (v == 0)
		defaults.sgx2 = 0;
	v = env_number(getenv("SGX2_SIM_PAGE_DELAY_NS"));
	if (v > 0 && v <= 1000000000)
		defaults.page_delay_ns = (uint64_t)v;
	size = env_size(getenv("SGX2_SIM_EPC_SIZE"));
	if (size)
		defaults.epc_size = size;
	defaults.epc_limit = env_size(getenv("SGX2_SIM_EPC_LIMIT"));
	if (env_number(getenv("SGX2_SIM_EPC_NO_RECLAIM")) == 1)
		defaults.epc_no_reclaim = 1;
	if (env_number(getenv("SGX2_SIM_DEVICE")) == 1)
		atomic_store(&device, 1);
	env_faults = getenv("SGX2_SIM_FAULTS");
	s = getenv("SGX2_SIM_OPEN_FAULTS");
	if (s)
		env_open_faults = sim__arm_open_faults(s);
	errno = saved_errno;
}

void sim__default_config(struct sgx2_sim_config *cfg)
{
	pthread_once(&env_once, read_env);
	pthread_mutex_lock(&config_lock);
	*cfg = defaults;
	pthread_mutex_unlock(&config_lock);
}

int sim__device_enabled(void)
{
	pthread_once(&env_once, read_env);
	return atomic_load(&device);
}

const char *sim__env_faults(void)
{
	pthread_once(&env_once, read_env);
	return env_faults;
}

/* 0, or -EINVAL when SGX2_SIM_OPEN_FAULTS did not parse. */
int sim__env_open_faults(void)
{
	pthread_once(&env_once, read_env);
	return env_open_faults;
}

SIM_EXPORT int sgx2_sim_set_default_config(const struct sgx2_sim_config *cfg)
{
	struct sgx2_sim_config copy;

	if (cfg) {
		if (sim__config_check(cfg))
			return -EINVAL;
		copy = *cfg;
	} else {
		sgx2_sim_config_init(&copy);
	}
	pthread_once(&env_once, read_env);
	pthread_mutex_lock(&config_lock);
	defaults = copy;
	pthread_mutex_unlock(&config_lock);
	return 0;
}

SIM_EXPORT int sgx2_sim_get_default_config(struct sgx2_sim_config *cfg)
{
	if (!cfg)
		return -EINVAL;
	sim__default_config(cfg);
	return 0;
}

SIM_EXPORT int sgx2_sim_set_device(int enable)
{
	if (enable != 0 && enable != 1)
		return -EINVAL;
	pthread_once(&env_once, read_env);
	atomic_store(&device, enable);
	return 0;
}
