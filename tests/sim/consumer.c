/* A downstream test program: the installed header, .pc and library. */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <asm/sgx.h>
#include <sgx2-sim.h>

int main(void)
{
	struct sgx_enclave_remove_pages p = { 0 };
	int fd = sgx2_sim_open(0), ret;

	if (fd < 0)
		return 1;
	/* Linked, not preloaded: ioctl() on the enclave reaches the model. */
	ret = ioctl(fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &p);
	printf("REMOVE_PAGES before INIT: %d, errno %d (EINVAL is %d)\n", ret,
	       errno, EINVAL);
	close(fd);
	return ret == -1 && errno == EINVAL ? 0 : 1;
}
