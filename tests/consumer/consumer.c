/* A downstream program: built from the installed header, .pc and library. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sgx2.h>

int main(void)
{
	struct sgx2_enclave *e;
	int err = sgx2_enclave_new(&e, -1, 0, 0);

	printf("sgx2_enclave_new(fd -1): %s; code 20 is %s\n", strerror(-err),
	       sgx2_result_name(SGX2_PAGE_NOT_MODIFIABLE));
	return err == -EBADF ? 0 : 1;
}
