// <sgx2-sim-cpuid.h> force-included into C++ beside <dlfcn.h> (whose
// dlsym() it must not conflict with): without the simulator in the
// process, the CPU answers.
#include <cstdio>
#include <dlfcn.h>

int main()
{
	unsigned int a, b, c, d, ra, rb, rc, rd;

	__asm__ __volatile__("cpuid"
			     : "=a"(ra), "=b"(rb), "=c"(rc), "=d"(rd)
			     : "0"(0x12u), "2"(0u));
	__cpuid_count(0x12, 0, a, b, c, d);
	if (a != ra || b != rb || c != rc || d != rd ||
	    dlsym(RTLD_DEFAULT, "sgx2_sim_cpuid"))
		return 1;
	if (__get_cpuid(1, &a, &b, &c, &d) != 1)
		return 1;
	std::printf("ok\n");
	return 0;
}
