/* sgx2.h stands alone under -std=c99 -pedantic, and its ABI structs keep
 * their sizes. */
#include <sgx2.h>

typedef char options_is_64_bytes[sizeof(struct sgx2_options) == 64 ? 1 : -1];
typedef char report_is_48_bytes[sizeof(struct sgx2_report) == 48 ? 1 : -1];

int main(void)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	return o.max_retries == SGX2_DEFAULT_MAX_RETRIES &&
			       SGX2_ACCEPT_TRIM == 0x410 &&
			       SGX2_ACCEPT_TCS == 0x110 &&
			       SGX2_ACCEPT_AUG == 0x20b &&
			       SGX2_ACCEPT_RESTRICT(SGX2_PERM_R) == 0x221
		       ? 0
		       : 1;
}
