/* SPDX-License-Identifier: MIT */
/*
 * SGX architectural structures used by the example enclave and its loader,
 * written from the Intel SDM Vol. 3D ("SGX data structures"). Only the
 * fields the examples use are named; everything else is reserved and must
 * be zero. Freestanding: the enclave includes this header too.
 */
#ifndef SGX_ARCH_H
#define SGX_ARCH_H

#include <stdint.h>

#define SGX_PAGE_SIZE 4096u

/* ENCLU leaves (EAX). */
#define SGX_ENCLU_EENTER 2u
#define SGX_ENCLU_ERESUME 3u
#define SGX_ENCLU_EEXIT 4u
#define SGX_ENCLU_EACCEPT 5u
#define SGX_ENCLU_EMODPE 6u

/* SECINFO.FLAGS: permissions 2:0, state bits, page type 15:8. */
#define SGX_SECINFO_R 0x1u
#define SGX_SECINFO_W 0x2u
#define SGX_SECINFO_X 0x4u
#define SGX_SECINFO_PENDING 0x8u
#define SGX_SECINFO_MODIFIED 0x10u
#define SGX_SECINFO_PR 0x20u
#define SGX_PT_TCS 1u
#define SGX_PT_REG 2u
#define SGX_PT_TRIM 4u
#define SGX_SECINFO_TYPE(pt) ((uint64_t)(pt) << 8)
#define SGX_SECINFO_TCS SGX_SECINFO_TYPE(SGX_PT_TCS)
#define SGX_SECINFO_REG SGX_SECINFO_TYPE(SGX_PT_REG)

/* SECS.ATTRIBUTES.FLAGS */
#define SGX_ATTR_INIT 0x1u
#define SGX_ATTR_DEBUG 0x2u
#define SGX_ATTR_MODE64BIT 0x4u
#define SGX_ATTR_PROVISIONKEY 0x10u
#define SGX_ATTR_EINITTOKENKEY 0x20u
#define SGX_ATTR_KSS 0x80u
#define SGX_ATTR_ASYNC_EXIT_NOTIFY 0x400u
/* XFRM: x87 and SSE state only (the "legacy" value every CPU accepts). */
#define SGX_XFRM_LEGACY 0x3u

/* SECINFO: 64 bytes, 64-byte aligned (EADD, EACCEPT, EMODPE operand). */
struct sgx_secinfo {
	uint64_t flags;
	uint8_t reserved[56];
} __attribute__((aligned(64)));

/* TCS: one page. EADD clears STATE, CSSA, AEP and FLAGS.DBGOPTIN. */
struct sgx_tcs {
	uint64_t state;	 /*  0 */
	uint64_t flags;	 /*  8: bit 0 DBGOPTIN */
	uint64_t ossa;	 /* 16: SSA stack, offset from the base, page aligned */
	uint32_t cssa;	 /* 24: current SSA frame */
	uint32_t nssa;	 /* 28: number of SSA frames */
	uint64_t oentry; /* 32: entry point, offset from the base */
	uint64_t aep;	 /* 40 */
	uint64_t ofsbase; /* 48: FS base, offset from the base, page aligned */
	uint64_t ogsbase; /* 56: GS base, likewise */
	uint32_t fslimit; /* 64 */
	uint32_t gslimit; /* 68 */
	uint8_t reserved[4024];
};

/* SECS: the ECREATE operand, one page. */
struct sgx_secs {
	uint64_t size;		 /*   0: power of two, >= 2 pages */
	uint64_t base;		 /*   8: naturally aligned to size */
	uint32_t ssa_frame_size; /*  16: in pages */
	uint32_t miscselect;	 /*  20 */
	uint8_t reserved1[24];	 /*  24 */
	uint64_t attributes;	 /*  48: SGX_ATTR_* */
	uint64_t xfrm;		 /*  56 */
	uint8_t mrenclave[32];	 /*  64: written by the CPU */
	uint8_t reserved2[32];	 /*  96 */
	uint8_t mrsigner[32];	 /* 128: written by the CPU */
	uint8_t reserved3[32];	 /* 160 */
	uint8_t config_id[64];	 /* 192 */
	uint16_t isv_prod_id;	 /* 256 */
	uint16_t isv_svn;	 /* 258 */
	uint16_t config_svn;	 /* 260 */
	uint8_t reserved4[3834]; /* 262 */
} __attribute__((aligned(4096)));

/*
 * SIGSTRUCT: 1808 bytes, the EINIT operand. The RSA-3072 signature covers
 * the 128 header bytes followed by the 128 body bytes. Big numbers
 * (modulus, signature, q1, q2) are stored little-endian.
 */
/* The two constant header fields, for a 16-byte array initializer. */
#define SGX_SIGSTRUCT_HEADER1                                                  \
	"\x06\x00\x00\x00\xe1\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00"
#define SGX_SIGSTRUCT_HEADER2                                                  \
	"\x01\x01\x00\x00\x60\x00\x00\x00\x60\x00\x00\x00\x01\x00\x00\x00"
#define SGX_MODULUS_SIZE 384u

struct sgx_sigstruct_header {
	uint8_t header1[16];  /*   0 */
	uint32_t vendor;      /*  16: 0 or 0x8086 */
	uint32_t date;	      /*  20: BCD 0xYYYYMMDD */
	uint8_t header2[16];  /*  24 */
	uint32_t swdefined;   /*  40 */
	uint8_t reserved[84]; /*  44 */
} __attribute__((packed));

struct sgx_sigstruct_body {
	uint32_t miscselect;	  /* 900 */
	uint32_t misc_mask;	  /* 904 */
	uint8_t reserved1[20];	  /* 908 */
	uint64_t attributes;	  /* 928 */
	uint64_t xfrm;		  /* 936 */
	uint64_t attributes_mask; /* 944 */
	uint64_t xfrm_mask;	  /* 952 */
	uint8_t mrenclave[32];	  /* 960: ENCLAVEHASH */
	uint8_t reserved2[32];	  /* 992 */
	uint16_t isv_prod_id;	  /* 1024 */
	uint16_t isv_svn;	  /* 1026 */
} __attribute__((packed));

struct sgx_sigstruct {
	struct sgx_sigstruct_header header;  /*    0 */
	uint8_t modulus[SGX_MODULUS_SIZE];   /*  128 */
	uint32_t exponent;		     /*  512: must be 3 */
	uint8_t signature[SGX_MODULUS_SIZE]; /*  516 */
	struct sgx_sigstruct_body body;	     /*  900 */
	uint8_t reserved[12];		     /* 1028 */
	uint8_t q1[SGX_MODULUS_SIZE];	     /* 1040 */
	uint8_t q2[SGX_MODULUS_SIZE];	     /* 1424 */
} __attribute__((packed));

#define SGX_ASSERT_OFFSET(type, field, off)                                    \
	_Static_assert(__builtin_offsetof(type, field) == (off),               \
		       #type "." #field " is at offset " #off)

_Static_assert(sizeof(struct sgx_secinfo) == 64, "SECINFO is 64 bytes");
_Static_assert(sizeof(struct sgx_tcs) == 4096, "TCS is one page");
SGX_ASSERT_OFFSET(struct sgx_tcs, oentry, 32);
SGX_ASSERT_OFFSET(struct sgx_tcs, fslimit, 64);
_Static_assert(sizeof(struct sgx_secs) == 4096, "SECS is one page");
SGX_ASSERT_OFFSET(struct sgx_secs, attributes, 48);
SGX_ASSERT_OFFSET(struct sgx_secs, isv_prod_id, 256);
_Static_assert(sizeof(struct sgx_sigstruct_header) == 128, "header");
_Static_assert(sizeof(struct sgx_sigstruct_body) == 128, "body");
_Static_assert(sizeof(struct sgx_sigstruct) == 1808, "SIGSTRUCT");
SGX_ASSERT_OFFSET(struct sgx_sigstruct, exponent, 512);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, body, 900);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, body.mrenclave, 960);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, q1, 1040);
SGX_ASSERT_OFFSET(struct sgx_sigstruct, q2, 1424);

#endif /* SGX_ARCH_H */
