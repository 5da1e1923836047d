// sgx2.h compiles and links as C++ (extern "C", no C-only constructs).
#include <sgx2.h>

static_assert(sizeof(sgx2_options) == 64, "options ABI");
static_assert(sizeof(sgx2_report) == 48, "report ABI");

int main()
{
	sgx2_options o;
	sgx2_options_init(&o);
	sgx2_enclave *e = nullptr;
	int err = sgx2_enclave_new(&e, -1, 0, 0);
	return err == -9 /* EBADF */ && e == nullptr &&
			       o.backoff_max_us == SGX2_DEFAULT_BACKOFF_MAX_US
		       ? 0
		       : 1;
}
