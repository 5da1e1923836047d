// sgx2-sim.h inside C++: extern "C", no C-only constructs.
#include <sgx2-sim.h>

int main()
{
	struct sgx2_sim_config c;

	sgx2_sim_config_init(&c);
	return c.sgx2 == 1 ? 0 : 1;
}
