// SPDX-License-Identifier: MIT
/*
 * SGX_IOC_ENCLAVE_INIT against what the SDM says ENCLS[EINIT] checks, in
 * its order: the SIGSTRUCT header (1), the signature (8), ENCLAVEHASH
 * against the MRENCLAVE of ECREATE, EADD and EEXTEND (4), the attributes
 * and MISCSELECT under the masks (2); each fails the ioctl with EPERM.
 * Before them, the kernel's own checks (EINVAL, EACCES), which run no
 * EINIT. The SIGSTRUCTs are made independently of the simulator (raw.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "raw.h"

#define REG_RW (SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W)

/* Created, then a TCS and two RW pages added and measured. */
static void build(struct raw *r)
{
	assert_int_equal(raw_create(r), 0);
	assert_int_equal(
		raw_add(r, 0, 1, SGX_SECINFO_TCS, SGX_PAGE_MEASURE, NULL), 0);
	assert_int_equal(raw_add(r, PAGE, 2, REG_RW, SGX_PAGE_MEASURE, NULL),
			 0);
}

/* build(), and r->ss signed for it. */
static void build_signed(struct raw *r)
{
	build(r);
	raw_sign(r);
}

static int initialized(int fd)
{
	struct sgx2_sim_info info;

	assert_int_equal(sgx2_sim_get_info(fd, &info), 0);
	return (int)info.initialized;
}

/* INIT fails with EPERM and @code, and the enclave is not initialised. */
static void refused(struct raw *r, uint32_t code)
{
	assert_int_equal(raw_init(r), EPERM);
	assert_int_equal(einit_code(r->fd), code);
	assert_int_equal(initialized(r->fd), 0);
}

static void skip_without_libcrypto(void)
{
	if (!SGX2_SIM_LIBCRYPTO) {
		print_message("libsgx2-sim built without libcrypto: EINIT "
			      "checks no signature\n");
		skip();
	}
}

static void measured_and_signed_enclave_initialises(void **state)
{
	struct raw *r = *state;

	build(r);
	assert_int_equal(einit_code(r->fd), 0);
	assert_int_equal(raw_init(r), 0);
	assert_int_equal(einit_code(r->fd), 0);
	assert_int_equal(initialized(r->fd), 1);
}

static void
changed_byte_in_measured_page_gives_invalid_measurement(void **state)
{
	struct raw *r = *state;

	assert_int_equal(raw_create(r), 0);
	r->pages[100] ^= 1;
	assert_int_equal(raw_add(r, 0, 1, REG_RW, SGX_PAGE_MEASURE, NULL), 0);
	r->pages[100] ^= 1;
	/* Signed for the page without the change. */
	raw_remeasure(r);
	raw_record(r, 0, 1, REG_RW, 1, r->pages);
	refused(r, 4);
}

/*
 * build() and an RW page at 4 pages, added without SGX_PAGE_MEASURE; then
 * signed for that enclave but with the unmeasured page at @offset, with
 * SECINFO @flags and contents @src.
 */
static void build_unmeasured(struct raw *r, uint64_t offset, uint64_t flags,
			     const void *src)
{
	build(r);
	assert_int_equal(raw_add(r, 4 * PAGE, 1, REG_RW, 0, NULL), 0);
	raw_remeasure(r);
	raw_record(r, 0, 1, SGX_SECINFO_TCS, 1, r->tcs);
	raw_record(r, PAGE, 2, REG_RW, 1, r->pages);
	raw_record(r, offset, 1, flags, 0, src);
}

/* An unmeasured page's contents are not in MRENCLAVE; its offset and
 * SECINFO are (EADD). */
static void unmeasured_page_contents_do_not_count(void **state)
{
	struct raw *r = *state;
	unsigned char other[PAGE];

	memset(other, 0xa5, sizeof(other));
	build_unmeasured(r, 4 * PAGE, REG_RW, other);
	assert_int_equal(raw_init(r), 0);
	assert_int_equal(einit_code(r->fd), 0);
}

static void unmeasured_page_offset_counts(void **state)
{
	struct raw *r = *state;

	build_unmeasured(r, 5 * PAGE, REG_RW, r->pages);
	refused(r, 4);
}

static void unmeasured_page_secinfo_counts(void **state)
{
	struct raw *r = *state;

	build_unmeasured(r, 4 * PAGE, SGX_SECINFO_REG | SGX_SECINFO_R,
			 r->pages);
	refused(r, 4);
}

/* ECREATE's record holds SSAFRAMESIZE. */
static void ssaframesize_counts(void **state)
{
	struct raw *r = *state;

	r->secs.ssa_frame_size = 2;
	assert_int_equal(raw_create(r), 0);
	r->secs.ssa_frame_size = 1;
	raw_remeasure(r);
	refused(r, 4);
}

/* A refused EINIT changes nothing: INIT with the right SIGSTRUCT works. */
static void flipped_signature_byte_gives_invalid_signature(void **state)
{
	struct raw *r = *state;

	skip_without_libcrypto();
	build_signed(r);
	r->ss.signature[17] ^= 0x10;
	refused(r, 8);
	r->ss.signature[17] ^= 0x10;
	assert_int_equal(raw_init(r), 0);
	assert_int_equal(einit_code(r->fd), 0);
}

/* The signature covers the header and the body: a changed body byte
 * (ISVSVN) with the old signature fails it. */
static void body_changed_after_signing_gives_invalid_signature(void **state)
{
	struct raw *r = *state;

	skip_without_libcrypto();
	build_signed(r);
	r->ss.body.isv_svn = 1;
	refused(r, 8);
	raw_resign(r);
	assert_int_equal(raw_init(r), 0);
}

/* q1 and q2 must be the quotients the SDM defines. */
static void wrong_q1_or_q2_gives_invalid_signature(void **state)
{
	struct raw *r = *state;

	skip_without_libcrypto();
	build_signed(r);
	r->ss.q1[0] ^= 1;
	refused(r, 8);
	r->ss.q1[0] ^= 1;
	r->ss.q2[0] ^= 1;
	refused(r, 8);
	r->ss.q2[0] ^= 1;
	assert_int_equal(raw_init(r), 0);
}

static void header_fields_give_invalid_sig_struct(void **state)
{
	struct raw *r = *state;

	build_signed(r);
	r->ss.header.header1[4] ^= 1;
	refused(r, 1);
	r->ss.header.header1[4] ^= 1;
	r->ss.header.header2[4] ^= 1;
	refused(r, 1);
	r->ss.header.header2[4] ^= 1;
	r->ss.exponent = 65537;
	refused(r, 1);
	r->ss.exponent = 3;
	r->ss.header.reserved[0] = 1;
	refused(r, 1);
	r->ss.header.reserved[0] = 0;
	r->ss.reserved[11] = 1; /* bytes 1028..1039 */
	refused(r, 1);
	r->ss.reserved[11] = 0;
	assert_int_equal(raw_init(r), 0);
}

static void
attributes_not_matching_under_mask_give_invalid_attribute(void **state)
{
	struct raw *r = *state;

	build_signed(r);
	/* Signed for a production enclave; the SECS has DEBUG. */
	r->ss.body.attributes = SGX_ATTR_MODE64BIT;
	raw_resign(r);
	refused(r, 2);
	/* Under a mask without DEBUG, either value matches. */
	r->ss.body.attributes_mask = ~(uint64_t)SGX_ATTR_DEBUG;
	raw_resign(r);
	assert_int_equal(raw_init(r), 0);
}

static void xfrm_or_miscselect_not_matching_give_invalid_attribute(void **state)
{
	struct raw *r = *state;

	build_signed(r);
	r->ss.body.xfrm = 0x1; /* x87 only; the SECS has SSE too */
	raw_resign(r);
	refused(r, 2);
	r->ss.body.xfrm = SGX_XFRM_LEGACY;
	r->ss.body.miscselect = 1; /* EXINFO; the SECS has 0 */
	raw_resign(r);
	refused(r, 2);
	r->ss.body.misc_mask = 0;
	raw_resign(r);
	assert_int_equal(raw_init(r), 0);
}

/* The SDM's order: the signature before the measurement, the measurement
 * before the attributes. */
static void checks_come_in_the_sdm_order(void **state)
{
	struct raw *r = *state;

	build_signed(r);
	r->ss.body.attributes = SGX_ATTR_MODE64BIT;
	r->ss.body.mrenclave[0] ^= 1;
	raw_resign(r);
	refused(r, 4);
	if (SGX2_SIM_LIBCRYPTO) {
		r->ss.signature[0] ^= 1;
		refused(r, 8);
	}
	r->ss.header.header1[0] ^= 1;
	refused(r, 1);
}

/* sgx_encl_init(): attributes the kernel does not allow without
 * /dev/sgx_provision are EACCES; bits the CPU lacks (CPUID leaf 0x12),
 * under the SIGSTRUCT's masks, EINVAL. Neither runs EINIT: the code
 * stays. */
static void kernel_checks_come_first_and_run_no_einit(void **state)
{
	struct raw *r = *state;

	build_signed(r);
	r->ss.exponent = 0;
	refused(r, 1);
	r->ss.exponent = 3;
	r->ss.body.attributes |= 1ull << 8; /* reserved */
	assert_int_equal(raw_init(r), EINVAL);
	assert_int_equal(einit_code(r->fd), 1);
	/* Outside the mask, the bit is neither refused nor compared. */
	r->ss.body.attributes_mask = 0xff;
	raw_resign(r);
	assert_int_equal(raw_init(r), 0);
	assert_int_equal(einit_code(r->fd), 0);
}

static void kernel_refuses_reserved_bits_under_the_masks(void **state)
{
	struct raw *r = *state;

	build_signed(r);
	r->ss.body.miscselect = 2;
	assert_int_equal(raw_init(r), EINVAL);
	r->ss.body.miscselect = 0;
	r->ss.body.xfrm |= 1ull << 63; /* reserved in XCR0 */
	assert_int_equal(raw_init(r), EINVAL);
	r->ss.body.xfrm = SGX_XFRM_LEGACY;
	r->ss.header.vendor = 1;
	assert_int_equal(raw_init(r), EINVAL);
	assert_int_equal(einit_code(r->fd), 0);
	assert_int_equal(initialized(r->fd), 0);
}

static void provisionkey_without_provision_gives_eacces(void **state)
{
	struct raw *r = *state;

	r->secs.attributes |= SGX_ATTR_PROVISIONKEY;
	build_signed(r);
	assert_int_equal(raw_init(r), EACCES);
	assert_int_equal(einit_code(r->fd), 0);
	assert_int_equal(initialized(r->fd), 0);
}

/* sgx2_sim_enclave_create() has no key: its enclaves are measured, not
 * signed, and initialise whether or not signatures are checked. */
static void enclave_create_initialises_without_a_key(void **state)
{
	struct fx *fx = fx_new(4);

	(void)state;
	assert_int_equal(einit_code(fx->fd), 0);
	fx_free(fx);
}

/*
 * sgx2_sim_skip_signature(): for a tool that rebuilds an enclave without
 * its signer's key. The MRENCLAVE it gives is the independent one; EINIT
 * then takes an unsigned SIGSTRUCT, and still checks the rest.
 */
static void unsigned_for(struct raw *r, const uint8_t mrenclave[32])
{
	sigstruct_init(&r->ss, mrenclave, r->secs.attributes, r->secs.xfrm,
		       sigstruct_date());
	r->ss.exponent = 3; /* the header must be right; no signature */
}

static void skip_signature_initialises_without_a_key(void **state)
{
	struct raw *r = *state;
	uint8_t mr[32], want[32];

	build(r);
	assert_int_equal(measure_final(&r->m, want), 0);
	assert_int_equal(sgx2_sim_skip_signature(r->fd, mr), 0);
	assert_memory_equal(mr, want, 32);
	unsigned_for(r, mr);
	assert_int_equal(raw_init(r), 0);
	assert_int_equal(initialized(r->fd), 1);
	/* Initialised: too late now. */
	assert_int_equal(sgx2_sim_skip_signature(r->fd, NULL), -EINVAL);
}

static void skip_signature_still_checks_the_rest(void **state)
{
	struct raw *r = *state;
	uint8_t mr[32];

	build(r);
	assert_int_equal(sgx2_sim_skip_signature(r->fd, mr), 0);
	mr[5] ^= 1;
	unsigned_for(r, mr);
	refused(r, 4); /* SGX_INVALID_MEASUREMENT */
	mr[5] ^= 1;
	unsigned_for(r, mr);
	r->ss.body.attributes ^= 0x2; /* DEBUG */
	refused(r, 2);		      /* SGX_INVALID_ATTRIBUTE */
	unsigned_for(r, mr);
	r->ss.exponent = 65537;
	refused(r, 1); /* SGX_INVALID_SIG_STRUCT */
}

static void skip_signature_needs_a_created_enclave(void **state)
{
	struct raw *r = *state;
	int other = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_int_equal(sgx2_sim_skip_signature(r->fd, NULL), -EINVAL);
	assert_int_equal(sgx2_sim_skip_signature(-1, NULL), -EBADF);
	assert_true(other >= 0);
	assert_int_equal(sgx2_sim_skip_signature(other, NULL), -ENOTTY);
	close(other);
}

#define T(f) cmocka_unit_test_setup_teardown(f, raw_setup, raw_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(measured_and_signed_enclave_initialises),
		T(changed_byte_in_measured_page_gives_invalid_measurement),
		T(unmeasured_page_contents_do_not_count),
		T(unmeasured_page_offset_counts),
		T(unmeasured_page_secinfo_counts),
		T(ssaframesize_counts),
		T(flipped_signature_byte_gives_invalid_signature),
		T(body_changed_after_signing_gives_invalid_signature),
		T(wrong_q1_or_q2_gives_invalid_signature),
		T(header_fields_give_invalid_sig_struct),
		T(attributes_not_matching_under_mask_give_invalid_attribute),
		T(xfrm_or_miscselect_not_matching_give_invalid_attribute),
		T(checks_come_in_the_sdm_order),
		T(kernel_checks_come_first_and_run_no_einit),
		T(kernel_refuses_reserved_bits_under_the_masks),
		T(provisionkey_without_provision_gives_eacces),
		cmocka_unit_test(enclave_create_initialises_without_a_key),
		T(skip_signature_initialises_without_a_key),
		T(skip_signature_still_checks_the_rest),
		T(skip_signature_needs_a_created_enclave),
	};

	return cmocka_run_group_tests_name("EINIT", tests, NULL, NULL);
}
