/* sgx2-sim.h stands alone under -std=c99 -pedantic, and its structs keep
 * their sizes. */
#include <sgx2-sim.h>

#define SIZE_IS(t, n) typedef char t##_size[sizeof(struct t) == (n) ? 1 : -1]
SIZE_IS(sgx2_sim_config, 48);
SIZE_IS(sgx2_sim_segment, 40);
SIZE_IS(sgx2_sim_layout, 40);
SIZE_IS(sgx2_sim_info, 40);
SIZE_IS(sgx2_sim_run, 64);
SIZE_IS(sgx2_sim_fault, 56);
SIZE_IS(sgx2_sim_stats, 520);
SIZE_IS(sgx2_sim_page, 56);

int main(void)
{
	struct sgx2_sim_config c;

	sgx2_sim_config_init(&c);
	return c.kernel == SGX2_SIM_KERNEL_6_1 && c.sgx2 == 1 &&
			       SGX2_SIM_SECINFO_TYPE(SGX2_SIM_PAGE_TYPE_TRIM) ==
				       0x400
		       ? 0
		       : 1;
}
