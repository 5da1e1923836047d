// SPDX-License-Identifier: MIT
/* MRENCLAVE from the ECREATE / EADD / EEXTEND records (measure.h). */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "measure.h"
#include "sgx-arch.h"

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int update(struct measure *m, const void *data, size_t len)
{
	return EVP_DigestUpdate(m->md, data, len) == 1 ? 0 : -EIO;
}

int measure_ecreate(struct measure *m, uint32_t ssa_frame_pages, uint64_t size)
{
	uint8_t rec[64] = "ECREATE";

	m->md = EVP_MD_CTX_new();
	if (!m->md)
		return -ENOMEM;
	if (EVP_DigestInit_ex(m->md, EVP_sha256(), NULL) != 1) {
		measure_abort(m);
		return -EIO;
	}
	put_u32(rec + 8, ssa_frame_pages);
	put_u64(rec + 12, size);
	return update(m, rec, sizeof(rec));
}

int measure_eadd(struct measure *m, uint64_t offset, uint64_t secinfo_flags)
{
	uint8_t rec[64] = "EADD";

	put_u64(rec + 8, offset);
	/* SECINFO bytes 0..47: FLAGS, then reserved zeros. */
	put_u64(rec + 16, secinfo_flags);
	return update(m, rec, sizeof(rec));
}

int measure_eextend(struct measure *m, uint64_t offset,
		    const uint8_t chunk[256])
{
	uint8_t rec[64] = "EEXTEND";
	int err;

	put_u64(rec + 8, offset);
	err = update(m, rec, sizeof(rec));
	return err ? err : update(m, chunk, 256);
}

int measure_page(struct measure *m, uint64_t offset, uint64_t secinfo_flags,
		 const uint8_t page[4096], int extend)
{
	int err = measure_eadd(m, offset, secinfo_flags);

	for (unsigned int c = 0; !err && extend && c < 4096; c += 256)
		err = measure_eextend(m, offset + c, page + c);
	return err;
}

int measure_final(struct measure *m, uint8_t mrenclave[32])
{
	unsigned int len = 0;
	int ok = EVP_DigestFinal_ex(m->md, mrenclave, &len) == 1 && len == 32;

	measure_abort(m);
	return ok ? 0 : -EIO;
}

void measure_abort(struct measure *m)
{
	EVP_MD_CTX_free(m->md);
	m->md = NULL;
}

int measure_image(const struct image *img, uint8_t mrenclave[32])
{
	struct measure m;
	int err;

	err = measure_ecreate(&m, img->ssa_frame_pages, img->encl_size);
	for (unsigned int s = 0; !err && s < img->nr_segs; s++) {
		const struct image_seg *seg = &img->segs[s];

		for (uint64_t p = 0; !err && p < seg->size; p += SGX_PAGE_SIZE)
			err = measure_page(&m, seg->offset + p, seg->secinfo,
					   seg->data + p, 1);
	}
	if (err) {
		measure_abort(&m);
		return err;
	}
	return measure_final(&m, mrenclave);
}
