// SPDX-License-Identifier: MIT
/*
 * Seeded random sequences of what a loader and an enclave do to a small
 * enclave: raw EDMM ioctls (good and bad arguments), EACCEPT with right
 * and wrong SECINFO, EMODPE, loads and stores, entries, mmap(), mprotect()
 * and munmap(), and injected faults, on a few kernel releases. After every
 * step the test checks what the SDM and the kernel say must hold, not a
 * model of its own: invariants of every EPCM entry and of the kernel's
 * bookkeeping, the shape of every answer (errnos, count, result, write
 * back), which pages an ioctl may have changed and how, and the exact
 * answer where the state before settles it.
 *
 * Environment: SGX2_SIM_RANDOM_SEQUENCES (default 3000),
 * SGX2_SIM_RANDOM_STEPS (default 120 steps each), SGX2_SIM_RANDOM_SEED
 * (default 1; sequence i uses seed + i). A failure prints the sequence's
 * seed and its last steps; rerun it alone with that seed and
 * SGX2_SIM_RANDOM_SEQUENCES=1. meson test --setup long sim-random runs
 * 30000 sequences of 300 steps.
 *
 * "spec §N" is section N of doc/kernel-behaviour.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include "common.h"

#define NP 20	      /* pages the steps touch: 0..NP-1 */
#define ENCL_PAGES 32 /* SECS.SIZE, in pages */
#define FREE_FIRST 8  /* pages 8..15 are mapped RW with no page yet */
#define FREE_END 16   /* 16.. stay PROT_NONE */
#define LOG 12	      /* steps kept for the failure report */
#define R SGX2_SIM_SECINFO_R
#define W SGX2_SIM_SECINFO_W
#define X SGX2_SIM_SECINFO_X
#define PENDING SGX2_SIM_SECINFO_PENDING
#define MODIFIED SGX2_SIM_SECINFO_MODIFIED
#define PR SGX2_SIM_SECINFO_PR
#define REG SGX2_SIM_PAGE_TYPE_REG
#define TCS SGX2_SIM_PAGE_TYPE_TCS
#define TRIM SGX2_SIM_PAGE_TYPE_TRIM
#define RWX (PROT_READ | PROT_WRITE | PROT_EXEC)
#define UNMAPPED (-1)

struct seq {
	uint64_t seed, rng;
	unsigned int step;
	int fd;
	uint64_t base;
	uint32_t kernel;
	int prot[NP];	     /* what the test mapped at each page */
	int tcs_interrupted; /* page 0's TCS holds an operation */
	char log[LOG][160];
	struct sgx2_sim_page pg[NP], before[NP];
};

/* What the sequences did, over all of them: is the test reaching far? */
static struct {
	uint64_t exact, first_page_exact, accepted, removed, added;
	uint64_t faults_fired, result20, exceptions;
} tally;

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct seq *q, uint64_t n)
{
	return splitmix(&q->rng) % n;
}

static uint64_t pick(struct seq *q, const uint64_t *v, size_t n)
{
	return v[rnd(q, n)];
}

#define PICK(q, v) pick(q, v, sizeof(v) / sizeof((v)[0]))

static unsigned long env_number(const char *name, unsigned long dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : dflt;
}

__attribute__((format(printf, 2, 3))) static void note(struct seq *q,
						       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->log[q->step % LOG], sizeof(q->log[0]), fmt, ap);
	va_end(ap);
}

/* Say which sequence and step broke what, with the steps before it. */
__attribute__((format(printf, 2, 3))) static void broken(struct seq *q,
							 const char *fmt, ...)
{
	unsigned int i = q->step >= LOG ? q->step - LOG + 1 : 0;
	va_list ap;

	fprintf(stderr, "seed %" PRIu64 " (kernel %#x), step %u: ", q->seed,
		q->kernel, q->step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	for (; i <= q->step; i++)
		fprintf(stderr, "  %4u %s\n", i, q->log[i % LOG]);
	fail_msg("rerun: SGX2_SIM_RANDOM_SEED=%" PRIu64
		 " SGX2_SIM_RANDOM_SEQUENCES=1",
		 q->seed);
}

#define CHECK(q, cond, ...)                                                    \
	do {                                                                   \
		if (!(cond))                                                   \
			broken(q, __VA_ARGS__);                                \
	} while (0)

static void snap(struct seq *q, struct sgx2_sim_page *pg)
{
	for (unsigned int i = 0; i < NP; i++)
		CHECK(q, !sgx2_sim_page_state(q->fd, i * PAGE, &pg[i]),
		      "page_state %u", i);
}

static int same_page(const struct sgx2_sim_page *a,
		     const struct sgx2_sim_page *b, int but_pte)
{
	struct sgx2_sim_page x = *a, y = *b;

	if (but_pte)
		x.pte = y.pte = 0;
	return !memcmp(&x, &y, sizeof(x));
}

static uint32_t epcm_state(const struct sgx2_sim_page *p)
{
	return (p->pending ? PENDING : 0) | (p->modified ? MODIFIED : 0) |
	       (p->pr ? PR : 0);
}

/* What the SDM and the kernel say of every page, whatever happened. */
static void check_invariants(struct seq *q)
{
	snap(q, q->pg);
	for (unsigned int i = 0; i < NP; i++) {
		const struct sgx2_sim_page *p = &q->pg[i];
		uint32_t st = epcm_state(p);

		if (!p->present) {
			struct sgx2_sim_page zero = { 0 };

			CHECK(q, same_page(p, &zero, 0), "absent %u not 0", i);
			continue;
		}
		CHECK(q,
		      p->secinfo == ((uint64_t)p->epcm_type << 8 | st |
				     p->epcm_perms),
		      "page %u: secinfo %#" PRIx64 " vs its fields", i,
		      p->secinfo);
		/* EMODT clears PR; EMODPR refuses a MODIFIED page. */
		CHECK(q, !(p->modified && p->pr), "page %u MODIFIED and PR", i);
		/* Only EAUG makes PENDING (REG, RW); EMODPR, EMODT, EMODPE
		 * refuse a PENDING page, EACCEPT ends it. */
		if (p->pending)
			CHECK(q,
			      st == PENDING && p->epcm_type == REG &&
				      p->epcm_perms == (R | W),
			      "page %u PENDING as %#" PRIx64, i, p->secinfo);
		/* MODIFIED comes from EMODT alone: TCS or TRIM, no rights. */
		if (p->modified)
			CHECK(q,
			      (p->epcm_type == TCS || p->epcm_type == TRIM) &&
				      !p->epcm_perms,
			      "page %u MODIFIED as %#" PRIx64, i, p->secinfo);
		CHECK(q, !p->pr || p->epcm_type == REG, "page %u PR not REG",
		      i);
		CHECK(q, p->epcm_type == REG || !p->epcm_perms,
		      "page %u: type %u with rights", i, p->epcm_type);
		CHECK(q, !(p->epcm_perms & W) || (p->epcm_perms & R),
		      "page %u: W without R", i);
		CHECK(q,
		      p->epcm_type == REG || p->epcm_type == TCS ||
			      p->epcm_type == TRIM,
		      "page %u: EPCM type %u", i, p->epcm_type);
		/* The kernel's type is updated only after EMODT and ETRACK. */
		if (p->type == TRIM)
			CHECK(q, p->epcm_type == TRIM, "page %u: kernel TRIM",
			      i);
		if (p->type == TCS)
			CHECK(q, p->epcm_type == TCS || p->epcm_type == TRIM,
			      "page %u: kernel TCS, EPCM %u", i, p->epcm_type);
		/* REG->TCS sets vm_max_prot_bits to RW for good. */
		if (p->type == TCS || p->epcm_type == TCS)
			CHECK(q, p->max_prot == (PROT_READ | PROT_WRITE),
			      "page %u: TCS with max prot %#x", i, p->max_prot);
	}
}

/* ---- the ioctls ---- */

enum edmm { RESTRICT, MODIFY, REMOVE };

static const unsigned long cmds[] = {
	SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS,
	SGX_IOC_ENCLAVE_MODIFY_TYPES,
	SGX_IOC_ENCLAVE_REMOVE_PAGES,
};

union edmm_arg {
	struct sgx_enclave_restrict_permissions rp;
	struct sgx_enclave_modify_types mt;
	struct sgx_enclave_remove_pages rm;
};

/* The errnos each ioctl may give (spec §6), with the injected ones. */
static int errno_allowed(enum edmm op, int err)
{
	switch (err) {
	case EINVAL:
	case EFAULT:
	case EAGAIN:
	case EBUSY:
		return 1;
	case EPERM:
		return op != RESTRICT;
	}
	return 0;
}

/* A page the loop completed: what the step must have found and left. */
static void check_done_page(struct seq *q, enum edmm op, uint64_t arg,
			    unsigned int i)
{
	const struct sgx2_sim_page *b = &q->before[i], *a = &q->pg[i];

	CHECK(q, b->present, "page %u done but absent", i);
	CHECK(q, !b->pending && !b->modified,
	      "page %u done while PENDING/MODIFIED", i);
	switch (op) {
	case RESTRICT:
		CHECK(q, b->type == REG && a->type == REG,
		      "restricted %u kernel type %u", i, b->type);
		CHECK(q,
		      a->pr && a->epcm_perms == (b->epcm_perms & arg) &&
			      a->epcm_type == REG,
		      "restricted %u: %#" PRIx64 " -> %#" PRIx64, i, b->secinfo,
		      a->secinfo);
		break;
	case MODIFY:
		/* SDM EMODT: REG to TCS or TRIM, TCS to TRIM. */
		CHECK(q,
		      b->epcm_type == REG ||
			      (b->epcm_type == TCS && arg == TRIM),
		      "EMODT of %#" PRIx64 " to %" PRIu64, b->secinfo, arg);
		CHECK(q,
		      a->type == arg && a->epcm_type == arg && a->modified &&
			      !a->pr && !a->epcm_perms,
		      "modified %u: %#" PRIx64 " -> %#" PRIx64, i, b->secinfo,
		      a->secinfo);
		break;
	case REMOVE:
		/* REMOVE's EMODPR probe faults only on an accepted TRIM. */
		CHECK(q, b->type == TRIM && b->epcm_type == TRIM,
		      "removed %u was %#" PRIx64, i, b->secinfo);
		CHECK(q, !a->present, "removed %u still present", i);
		break;
	}
}

/*
 * Where the state before settles the first page's answer, with no rule
 * armed: the spec's own examples (§13) and the SDM's order of checks.
 */
static void check_first_page(struct seq *q, enum edmm op, uint64_t arg, int ret,
			     int err, uint64_t count, uint64_t result,
			     unsigned int first)
{
	const struct sgx2_sim_page *b = &q->before[first];
	uint64_t want_result = 0;
	int want = 0;

	if (!b->present)
		want = EFAULT;
	else if (op == RESTRICT && b->type != REG)
		want = EINVAL;
	else if (op == RESTRICT && (b->pending || b->modified))
		want = EFAULT, want_result = 20; /* EMODPR: before its PT */
	else if (op == MODIFY && b->type == TRIM)
		want = EINVAL;
	else if (op == MODIFY && b->pending)
		want = EFAULT, want_result = 20; /* an added page */
	else if (op == MODIFY && b->type == TCS && b->epcm_type == TCS &&
		 b->modified && arg == TRIM)
		want = EFAULT, want_result = 20;
	else if (op == REMOVE && (b->type != TRIM || b->modified))
		want = EPERM; /* not TRIM, or not accepted */
	if (!want)
		return;
	tally.first_page_exact++;
	CHECK(q,
	      ret == -1 && err == want && count == 0 && result == want_result,
	      "first page %u (%#" PRIx64 ", kernel %u): ret %d errno %d "
	      "result %" PRIu64 " count %" PRIu64 ", not %d/%" PRIu64,
	      first, b->secinfo, b->type, ret, err, result, count, want,
	      want_result);
}

static void step_ioctl(struct seq *q, enum edmm op)
{
	static const uint64_t perms[] = { 0,	     R, R | W,	 X,    R | X,
					  R | W | X, W, R | 0x8, R | W };
	static const uint64_t types[] = { TRIM, TRIM, TCS, REG, 0x100 };
	unsigned int first = (unsigned int)rnd(q, NP), i;
	uint64_t npages = 1 + rnd(q, 4), arg = 0, count, length, result;
	struct sgx2_sim_stats s0, s1;
	int bad = !rnd(q, 12), armed, ret, err;
	union edmm_arg p, in;

	if (first + npages > ENCL_PAGES)
		npages = ENCL_PAGES - first;
	length = npages * PAGE;
	memset(&p, 0, sizeof(p));
	switch (op) {
	case RESTRICT:
		arg = PICK(q, perms);
		p.rp = (struct sgx_enclave_restrict_permissions){
			.offset = first * PAGE,
			.length = length,
			.permissions = arg,
			.result = bad ? 99 : 0
		};
		break;
	case MODIFY:
		arg = PICK(q, types);
		p.mt = (struct sgx_enclave_modify_types){
			.offset = first * PAGE,
			.length = length,
			.page_type = arg,
			.count = bad ? 5 * PAGE : 0
		};
		break;
	case REMOVE:
		p.rm = (struct sgx_enclave_remove_pages){
			.offset = first * PAGE,
			.length = length,
			.count = bad ? PAGE : 0
		};
		break;
	}
	note(q, "%s off %u len %" PRIu64 " arg %#" PRIx64 "%s",
	     op == RESTRICT ? "RESTRICT"
	     : op == MODIFY ? "MODIFY"
			    : "REMOVE",
	     first, npages, arg, bad ? " (result/count set)" : "");
	in = p;
	armed = sgx2_sim_armed_faults(q->fd);
	s0 = stats_of(q->fd);
	memcpy(q->before, q->pg, sizeof(q->pg));

	ret = ioctl(q->fd, cmds[op], &p);
	err = ret ? errno : 0;
	s1 = stats_of(q->fd);
	snap(q, q->pg);

	CHECK(q, ret == 0 || ret == -1, "ret %d", ret);
	CHECK(q, !ret || errno_allowed(op, err), "errno %d", err);
	count = op == REMOVE ? p.rm.count : p.rp.count;
	result = op == REMOVE ? 0 : p.rp.result;
	/* An EMODT or a removal of page 0 ends its TCS's interruption. */
	if (op != RESTRICT && !same_page(&q->pg[0], &q->before[0], 1))
		q->tcs_interrupted = 0;
	/* An error before the page loop writes nothing back. */
	if (bad) {
		CHECK(q, ret == -1 && (err == EINVAL || err == EBUSY),
		      "result/count set: ret %d errno %d", ret, err);
		CHECK(q, !memcmp(&p, &in, sizeof(p)), "written back");
		CHECK(q, !memcmp(q->pg, q->before, sizeof(q->pg)),
		      "pages changed before the loop");
		return;
	}
	CHECK(q, result == 0 || result == 7 || result == 20, "result %" PRIu64,
	      result);
	CHECK(q, count % PAGE == 0 && count <= length,
	      "count %" PRIu64 " of %" PRIu64, count, length);
	if (!ret)
		CHECK(q, count == length, "0 with count %" PRIu64, count);
	/* Fields the kernel refuses before any page: nothing changes. */
	if ((op == MODIFY && arg != TCS && arg != TRIM) ||
	    (op == RESTRICT && (arg > 7 || ((arg & W) && !(arg & R))))) {
		CHECK(q, ret == -1 && (err == EINVAL || err == EBUSY) && !count,
		      "bad field: ret %d errno %d", ret, err);
		CHECK(q, !memcmp(q->pg, q->before, sizeof(q->pg)),
		      "pages changed before the loop");
		return;
	}

	for (i = 0; i < count / PAGE; i++)
		check_done_page(q, op, arg, first + i);
	for (i = 0; i < NP; i++) {
		int failing = ret && i == first + count / PAGE;
		int inside = i >= first && i < first + count / PAGE;

		if (inside)
			continue;
		/* The failing page changes only after an ETRACK failure (and
		 * REG->TCS zaps its PTE); every other page not at all. */
		if (failing && armed)
			continue;
		CHECK(q, same_page(&q->pg[i], &q->before[i], failing),
		      "page %u changed (%#" PRIx64 " -> %#" PRIx64 ")", i,
		      q->before[i].secinfo, q->pg[i].secinfo);
	}
	/* Every page done is counted once, in its own counter. */
	switch (op) {
	case RESTRICT:
		CHECK(q,
		      s1.pages_restricted - s0.pages_restricted == count / PAGE,
		      "pages_restricted");
		break;
	case MODIFY:
		CHECK(q, s1.pages_modified - s0.pages_modified == count / PAGE,
		      "pages_modified");
		break;
	case REMOVE:
		CHECK(q, s1.pages_removed - s0.pages_removed == count / PAGE,
		      "pages_removed");
		break;
	}
	if (!armed)
		check_first_page(q, op, arg, ret, err, count, result, first);
	tally.result20 += result == 20;
}

/* ---- inside the enclave ---- */

static int readable(const struct seq *q, unsigned int i)
{
	return q->prot[i] != UNMAPPED && q->prot[i] != PROT_NONE;
}

/* The page can be reached without a fault from the kernel's side. */
static int reachable(const struct seq *q, unsigned int i)
{
	const struct sgx2_sim_page *b = &q->before[i];

	return readable(q, i) && b->present &&
	       (b->pte || !(q->prot[i] & RWX & ~(int)b->max_prot));
}

/*
 * The flags that accept a page's pending change, as the SDM asks; an
 * added page's also with PR, which EACCEPT does not compare.
 */
static uint64_t right_flags(struct seq *q, const struct sgx2_sim_page *b)
{
	if (!b->present || b->pending)
		return rnd(q, 2) ? 0x20b : 0x22b;
	if (b->epcm_type == REG)
		return b->secinfo | PR;
	return b->secinfo | MODIFIED;
}

static struct sgx2_sim_run *entry(struct seq *q, struct sgx2_sim_run *run)
{
	memset(run, 0, sizeof(*run));
	/* Now and then through the TCS at page 0, which stays interrupted
	 * after an exception until it is resumed. */
	if (!q->tcs_interrupted && !rnd(q, 4))
		run->tcs = q->base;
	return run;
}

static void after_entry(struct seq *q, const struct sgx2_sim_run *run, int rc)
{
	CHECK(q, rc == 0, "enclave call: %d", rc);
	CHECK(q,
	      run->function == SGX2_SIM_EEXIT ||
		      run->function == SGX2_SIM_ERESUME ||
		      run->function == SGX2_SIM_EENTER,
	      "function %u", run->function);
	if (run->function != SGX2_SIM_EEXIT)
		CHECK(q,
		      run->exception_vector == 13 ||
			      run->exception_vector == 14,
		      "vector %u", run->exception_vector);
	if (run->tcs && run->function == SGX2_SIM_ERESUME)
		q->tcs_interrupted = 1;
}

/* Nothing but a fresh EAUG may have changed page @i. */
static void check_unchanged_but_eaug(struct seq *q, unsigned int i)
{
	const struct sgx2_sim_page *b = &q->before[i], *a = &q->pg[i];

	if (!b->present && a->present)
		CHECK(q, a->secinfo == 0x20b && a->max_prot == RWX,
		      "page %u added as %#" PRIx64, i, a->secinfo);
	else
		CHECK(q, same_page(a, b, 1), "page %u changed", i);
}

static void step_eaccept(struct seq *q)
{
	static const uint64_t wrong[] = { 0x20b, 0x410, 0x110,	 0x221, 0x201,
					  0x430, 0x22b, 0x203,	 0x24b, 0x300,
					  0x209, 0x118, 0x10020b };
	unsigned int i = (unsigned int)rnd(q, NP);
	uint64_t sec, addr = q->base + i * PAGE;
	struct sgx2_sim_run run;
	int armed, rc, right = rnd(q, 2);

	memcpy(q->before, q->pg, sizeof(q->pg));
	sec = right ? right_flags(q, &q->before[i]) : PICK(q, wrong);
	if (!rnd(q, 40)) {
		sec = rnd(q, 0x10000);
		right = 0;
	}
	note(q, "EACCEPT page %u %#" PRIx64 " (page %#" PRIx64 ", prot %d)", i,
	     sec, q->before[i].secinfo, q->prot[i]);
	armed = sgx2_sim_armed_faults(q->fd);
	rc = sgx2_sim_eaccept(q->fd, entry(q, &run), addr, sec);
	snap(q, q->pg);
	after_entry(q, &run, rc);
	if (run.function == SGX2_SIM_EENTER)
		return;
	if (run.function == SGX2_SIM_EEXIT) {
		const struct sgx2_sim_page *a = &q->pg[i];

		CHECK(q, run.ret == 0 || run.ret == 11 || run.ret == 19,
		      "EACCEPT ret %llu", (unsigned long long)run.ret);
		if (run.ret == 0) {
			/* Accepted: the request matched; nothing pending. */
			CHECK(q, !epcm_state(a) && a->present,
			      "accepted page %u is %#" PRIx64, i, a->secinfo);
			CHECK(q, (sec & 0xff07) == (a->secinfo & 0xff07),
			      "accepted %#" PRIx64 " as %#" PRIx64, sec,
			      a->secinfo);
		} else {
			check_unchanged_but_eaug(q, i);
		}
	} else {
		check_unchanged_but_eaug(q, i);
	}
	/* SECINFO's reserved bits: #GP before anything else. */
	if (sec & ~(uint64_t)0xff3f)
		CHECK(q, run.exception_vector == 13, "reserved bits: no #GP");
	/* The well-formed flags of a pending change, on a page reached
	 * without a fault, are accepted; so are 0x20B and 0x22B on an
	 * unbacked address in a readable mapping, which the kernel adds
	 * first. */
	if (right && !armed &&
	    (reachable(q, i) ? epcm_state(&q->before[i]) != 0
			     : readable(q, i) && !q->before[i].present)) {
		tally.exact++;
		/* A TCS must also hold a valid TCS (its contents): else #GP. */
		CHECK(q,
		      (run.function == SGX2_SIM_EEXIT && run.ret == 0) ||
			      (((sec >> 8) & 0xff) == SGX2_SIM_PAGE_TYPE_TCS &&
			       run.exception_vector == 13),
		      "right flags refused: function %u vector %u ret %llu",
		      run.function, run.exception_vector,
		      (unsigned long long)run.ret);
	}
}

static void step_emodpe(struct seq *q)
{
	static const uint64_t sec[] = {
		R, W, X, R | W, R | X, R | W | X, R | PENDING, R | 0x40
	};
	unsigned int i = (unsigned int)rnd(q, NP);
	uint64_t s = PICK(q, sec);
	struct sgx2_sim_run run;
	int rc;

	memcpy(q->before, q->pg, sizeof(q->pg));
	note(q, "EMODPE page %u %#" PRIx64 " (page %#" PRIx64 ")", i, s,
	     q->before[i].secinfo);
	rc = sgx2_sim_emodpe(q->fd, entry(q, &run), q->base + i * PAGE, s);
	snap(q, q->pg);
	after_entry(q, &run, rc);
	if (run.function == SGX2_SIM_EEXIT) {
		const struct sgx2_sim_page *b = &q->before[i], *a = &q->pg[i];

		/* SDM EMODPE: a REG page, not PENDING or MODIFIED; ORs. */
		CHECK(q,
		      b->present && b->epcm_type == REG && !b->pending &&
			      !b->modified,
		      "EMODPE on %#" PRIx64, b->secinfo);
		CHECK(q,
		      a->epcm_perms == (b->epcm_perms | (s & 7)) &&
			      epcm_state(a) == epcm_state(b) &&
			      a->max_prot == b->max_prot,
		      "EMODPE %#" PRIx64 " -> %#" PRIx64, b->secinfo,
		      a->secinfo);
	} else if (run.function == SGX2_SIM_ERESUME) {
		check_unchanged_but_eaug(q, i);
	}
}

static void step_access(struct seq *q, int write)
{
	unsigned int i = (unsigned int)rnd(q, NP);
	uint64_t addr = q->base + i * PAGE + 8 * rnd(q, 512);
	struct sgx2_sim_run run;
	int rc;

	memcpy(q->before, q->pg, sizeof(q->pg));
	note(q, "%s page %u (page %#" PRIx64 ", prot %d)",
	     write ? "WRITE" : "READ", i, q->before[i].secinfo, q->prot[i]);
	rc = write ? sgx2_sim_write(q->fd, entry(q, &run), addr, q->step)
		   : sgx2_sim_read(q->fd, entry(q, &run), addr);
	snap(q, q->pg);
	after_entry(q, &run, rc);
	check_unchanged_but_eaug(q, i);
	if (run.function == SGX2_SIM_EEXIT) {
		const struct sgx2_sim_page *b = &q->before[i];

		/* The EPCM lets only accepted REG pages with the right be
		 * read or written. */
		CHECK(q,
		      b->present && b->epcm_type == REG && !b->pending &&
			      !b->modified && (b->epcm_perms & (write ? W : R)),
		      "%s of %#" PRIx64 " went through",
		      write ? "write" : "read", b->secinfo);
	} else if (run.function == SGX2_SIM_ERESUME &&
		   run.exception_vector == 14) {
		CHECK(q, run.exception_addr == addr, "#PF address");
	}
}

static void step_enter(struct seq *q)
{
	unsigned int i = (unsigned int)rnd(q, NP);
	struct sgx2_sim_run run = { .tcs = q->base + i * PAGE };
	int rc;

	memcpy(q->before, q->pg, sizeof(q->pg));
	note(q, "EENTER page %u (page %#" PRIx64 ")", i, q->before[i].secinfo);
	rc = sgx2_sim_enter(q->fd, &run);
	snap(q, q->pg);
	CHECK(q, rc == 0, "enter: %d", rc);
	if (run.function == SGX2_SIM_EEXIT)
		CHECK(q,
		      q->before[i].epcm_type == TCS && !q->before[i].modified &&
			      (i || !q->tcs_interrupted),
		      "entered through %#" PRIx64, q->before[i].secinfo);
	check_unchanged_but_eaug(q, i);
}

static void step_eresume(struct seq *q)
{
	struct sgx2_sim_run run = { .tcs = q->base };
	int rc;

	note(q, "ERESUME page 0%s", q->tcs_interrupted ? "" : " (idle)");
	rc = sgx2_sim_eresume(q->fd, &run);
	CHECK(q, q->tcs_interrupted ? rc == 0 : rc == -EINVAL, "eresume: %d",
	      rc);
	if (!rc && run.function == SGX2_SIM_EEXIT)
		q->tcs_interrupted = 0;
	if (!rc)
		CHECK(q,
		      run.function == SGX2_SIM_EEXIT ||
			      run.function == SGX2_SIM_ERESUME,
		      "eresume function %u", run.function);
}

/* ---- mappings ---- */

static void step_map(struct seq *q)
{
	static const int prots[] = { PROT_NONE, PROT_READ,
				     PROT_READ | PROT_WRITE, RWX,
				     PROT_READ | PROT_EXEC };
	unsigned int i = (unsigned int)rnd(q, NP), j, n = 1 + rnd(q, 2);
	int prot = prots[rnd(q, 5)], how = (int)rnd(q, 3), ok, over = 0;
	void *addr = (void *)(uintptr_t)(q->base + i * PAGE);

	if (i + n > NP)
		n = NP - i;
	memcpy(q->before, q->pg, sizeof(q->pg));
	note(q, "%s pages %u+%u prot %d",
	     how == 0	? "mmap"
	     : how == 1 ? "mprotect"
			: "munmap",
	     i, n, prot);
	if (how == 1) {
		for (j = i; j < i + n; j++)
			if (q->prot[j] == UNMAPPED)
				n = j - i; /* mprotect stops at a hole */
		if (!n)
			return;
	}
	for (j = i; j < i + n; j++)
		if (q->before[j].present &&
		    (prot & RWX & ~(int)q->before[j].max_prot))
			over = 1;
	if (how == 0) {
		ok = mmap(addr, n * PAGE, prot, MAP_SHARED | MAP_FIXED, q->fd,
			  0) == addr;
	} else if (how == 1) {
		ok = !mprotect(addr, n * PAGE, prot);
	} else {
		ok = !munmap(addr, n * PAGE);
		prot = UNMAPPED;
	}
	/* The kernel refuses PROT beyond vm_max_prot_bits of any page. */
	if (how != 2)
		CHECK(q, ok == !over, "%s: %s, max prot exceeded: %d",
		      how ? "mprotect" : "mmap", ok ? "ok" : "refused", over);
	if (ok)
		for (j = i; j < i + n; j++)
			q->prot[j] = prot;
	snap(q, q->pg);
	for (j = 0; j < NP; j++)
		CHECK(q, same_page(&q->pg[j], &q->before[j], 1),
		      "mapping changed page %u", j);
}

/* ---- injected faults ---- */

static void step_inject(struct seq *q)
{
	/* A rule: head, then a page index (page=) or offset, then tail. */
	static const struct {
		const char *head, *tail;
		int offset;
	} kinds[] = {
		{ "kind=errno,ioctl=any,page=", ",error=EAGAIN", 0 },
		{ "kind=errno,ioctl=any,page=", ",error=EFAULT", 0 },
		{ "kind=errno,ioctl=remove,page=", ",error=EBUSY", 0 },
		{ "kind=reclaim-race,ioctl=modify,page=", "", 0 },
		{ "kind=reclaim-race,ioctl=remove,page=", "", 0 },
		{ "kind=encls,ioctl=any,code=7,page=", "", 0 },
		{ "kind=encls-fault,ioctl=any,page=", "", 0 },
		{ "kind=etrack,ioctl=modify,page=", "", 0 },
		{ "kind=etrack,ioctl=restrict,page=", "", 0 },
		{ "kind=busy,ioctl=any,times=", "", 0 },
		{ "kind=under-reclaim,offset=", "", 1 },
		{ "kind=not-tracked,offset=", "", 1 },
		{ "kind=eaug,offset=", "", 1 },
		{ "kind=eaug,offset=any,times=", "", 0 },
	};
	unsigned int k = (unsigned int)rnd(q, sizeof(kinds) / sizeof(kinds[0]));
	uint64_t n = kinds[k].offset ? rnd(q, NP) * PAGE : 1 + rnd(q, 2);
	char rule[96];

	/* Rules that never fire stay armed; clearing lets the exact
	 * checks, which need none armed, come back. */
	if (!rnd(q, 3)) {
		note(q, "clear faults");
		CHECK(q, !sgx2_sim_clear_faults(q->fd), "clear");
		return;
	}
	if (!kinds[k].offset && strstr(kinds[k].head, "page="))
		n--; /* page 0, 1 */
	snprintf(rule, sizeof(rule), "%s%" PRIu64 "%s", kinds[k].head, n,
		 kinds[k].tail);
	note(q, "inject %s", rule);
	CHECK(q, !sgx2_sim_inject_script(q->fd, rule), "inject %s", rule);
}

/* ---- one sequence ---- */

static void sequence(uint64_t seed, unsigned int steps)
{
	static const uint32_t kernels[] = {
		SGX2_SIM_KERNEL_NEWEST,
		SGX2_SIM_KERNEL_6_14,
		SGX2_SIM_KERNEL_6_6,
		SGX2_SIM_KERNEL_6_1,
	};
	struct sgx2_sim_segment segs[] = {
		{ .offset = 0, .pages = 1, .type = TCS },
		{ .offset = PAGE, .pages = 4, .type = REG, .perms = R | W },
		{ .offset = 5 * PAGE, .pages = 1, .type = REG, .perms = R | X },
		{ .offset = 6 * PAGE, .pages = 1, .type = REG, .perms = R },
		{ .offset = 7 * PAGE, .pages = 1, .type = TCS },
	};
	struct sgx2_sim_layout layout = { .size = ENCL_PAGES * PAGE,
					  .segs = segs,
					  .nsegs = 5 };
	static const int seg_prot[FREE_FIRST] = {
		PROT_READ | PROT_WRITE,
		PROT_READ | PROT_WRITE,
		PROT_READ | PROT_WRITE,
		PROT_READ | PROT_WRITE,
		PROT_READ | PROT_WRITE,
		PROT_READ | PROT_EXEC,
		PROT_READ,
		PROT_READ | PROT_WRITE,
	};
	struct sgx2_sim_config cfg;
	struct sgx2_sim_stats st;
	struct seq *q = calloc(1, sizeof(*q));
	unsigned int i;

	assert_non_null(q);
	q->seed = q->rng = seed;
	assert_int_equal(sgx2_sim_enclave_create(&layout, &q->fd, &q->base), 0);
	q->kernel = kernels[rnd(q, 4)];
	sgx2_sim_config_init(&cfg);
	cfg.kernel = q->kernel;
	assert_int_equal(sgx2_sim_configure(q->fd, &cfg), 0);
	assert_ptr_not_equal(
		mmap((void *)(uintptr_t)(q->base + FREE_FIRST * PAGE),
		     (FREE_END - FREE_FIRST) * PAGE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_FIXED, q->fd, 0),
		MAP_FAILED);
	for (i = 0; i < NP; i++)
		q->prot[i] = i < FREE_FIRST ? seg_prot[i]
			     : i < FREE_END ? PROT_READ | PROT_WRITE
					    : PROT_NONE;
	check_invariants(q);

	for (q->step = 0; q->step < steps; q->step++) {
		uint64_t r = rnd(q, 100);

		if (r < 14)
			step_ioctl(q, RESTRICT);
		else if (r < 30)
			step_ioctl(q, MODIFY);
		else if (r < 40)
			step_ioctl(q, REMOVE);
		else if (r < 62)
			step_eaccept(q);
		else if (r < 68)
			step_emodpe(q);
		else if (r < 76)
			step_access(q, (int)rnd(q, 2));
		else if (r < 80)
			step_enter(q);
		else if (r < 84)
			step_eresume(q);
		else if (r < 92)
			step_map(q);
		else
			step_inject(q);
		check_invariants(q);
	}
	st = stats_of(q->fd);
	tally.accepted += st.eaccept_pages;
	tally.removed += st.pages_removed;
	tally.added += st.eaug_pages;
	tally.faults_fired += st.faults_fired;
	tally.exceptions += st.exceptions;
	assert_int_equal(sgx2_sim_enclave_destroy(q->fd), 0);
	free(q);
}

static void random_sequences_keep_the_sdm_and_kernel_rules(void **state)
{
	unsigned long n = env_number("SGX2_SIM_RANDOM_SEQUENCES", 3000);
	unsigned long steps = env_number("SGX2_SIM_RANDOM_STEPS", 120);
	uint64_t seed = env_number("SGX2_SIM_RANDOM_SEED", 1);
	struct timespec t0, t1;
	double s;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < n; i++)
		sequence(seed + i, (unsigned int)steps);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("%lu sequences of %lu steps from seed %" PRIu64
		      " in %.2f s (%.0f sequences/s)\n",
		      n, steps, seed, s, s > 0 ? (double)n / s : 0.0);
	print_message("pages added %" PRIu64 ", accepted %" PRIu64
		      ", removed %" PRIu64 "; faults fired %" PRIu64
		      ", exceptions %" PRIu64 ", result 20 %" PRIu64
		      "; exact answers checked: %" PRIu64 " EACCEPTs, %" PRIu64
		      " first pages\n",
		      tally.added, tally.accepted, tally.removed,
		      tally.faults_fired, tally.exceptions, tally.result20,
		      tally.exact, tally.first_page_exact);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			random_sequences_keep_the_sdm_and_kernel_rules),
	};

	return cmocka_run_group_tests_name("random sequences", tests, NULL,
					   NULL);
}
