// SPDX-License-Identifier: MIT
/*
 * Fault injection: deterministic, per enclave, armed by struct or by text.
 *
 * The per-call kinds (ERRNO, RECLAIM_RACE, ENCLS_CODE, ENCLS_FAULT,
 * ETRACK) count the calls of their ioctl from when they were armed; at the
 * nth the rule is armed for that call and fires when the page loop reaches
 * its page at the point where that failure can happen. At the end of the
 * call it is spent, fired or not. The others (UNDER_RECLAIM, BUSY,
 * NOT_TRACKED, EAUG, EAUG_RACE, REMOVE_RACE, COPY_SIGNAL) count down their
 * `times`.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int is_per_call(uint32_t kind)
{
	return kind >= SGX2_SIM_FAULT_ERRNO && kind <= SGX2_SIM_FAULT_ETRACK;
}

/* Is @f a rule that can be armed? 0 or -EINVAL. */
static int fault_check(const struct sgx2_sim_fault *f)
{
	int per_call = is_per_call(f->kind);

	if (f->reserved[0] || f->reserved[1])
		return -EINVAL;
	if (f->ioctl != SGX2_SIM_IOCTL_ANY &&
	    (f->ioctl < SGX2_SIM_IOCTL_RESTRICT ||
	     f->ioctl > SGX2_SIM_IOCTL_REMOVE))
		return -EINVAL;
	if (f->kind < SGX2_SIM_FAULT_ERRNO ||
	    f->kind > SGX2_SIM_FAULT_COPY_SIGNAL)
		return -EINVAL;
	/* Fields a kind does not use must be 0. */
	if (per_call && (f->offset || f->times))
		return -EINVAL;
	if (!per_call && (f->nth || f->page))
		return -EINVAL;
	if (f->kind != SGX2_SIM_FAULT_ERRNO && f->error)
		return -EINVAL;
	if (f->kind != SGX2_SIM_FAULT_ENCLS_CODE && f->sgx_code)
		return -EINVAL;
	if (f->kind == SGX2_SIM_FAULT_BUSY && f->offset)
		return -EINVAL;

	switch (f->kind) {
	case SGX2_SIM_FAULT_ERRNO:
		if (f->error != EAGAIN && f->error != EBUSY &&
		    f->error != EFAULT)
			return -EINVAL;
		break;
	case SGX2_SIM_FAULT_RECLAIM_RACE:
		if (f->ioctl == SGX2_SIM_IOCTL_RESTRICT)
			return -EINVAL;
		break;
	case SGX2_SIM_FAULT_ENCLS_CODE:
		if (!f->sgx_code || f->sgx_code > 255)
			return -EINVAL;
		break;
	case SGX2_SIM_FAULT_ETRACK:
		if (f->ioctl == SGX2_SIM_IOCTL_REMOVE)
			return -EINVAL;
		break;
	case SGX2_SIM_FAULT_UNDER_RECLAIM:
	case SGX2_SIM_FAULT_NOT_TRACKED:
		if ((f->offset & (SIM_PAGE - 1)) || f->offset >= SIM_MAX_SIZE)
			return -EINVAL;
		if (f->kind == SGX2_SIM_FAULT_NOT_TRACKED &&
		    f->ioctl != SGX2_SIM_IOCTL_ANY)
			return -EINVAL;
		break;
	case SGX2_SIM_FAULT_EAUG:
	case SGX2_SIM_FAULT_EAUG_RACE:
	case SGX2_SIM_FAULT_COPY_SIGNAL:
		if (f->ioctl != SGX2_SIM_IOCTL_ANY ||
		    (f->offset != SGX2_SIM_OFFSET_ANY &&
		     ((f->offset & (SIM_PAGE - 1)) ||
		      f->offset >= SIM_MAX_SIZE)))
			return -EINVAL;
		break;
	case SGX2_SIM_FAULT_REMOVE_RACE:
		if ((f->ioctl != SGX2_SIM_IOCTL_ANY &&
		     f->ioctl != SGX2_SIM_IOCTL_REMOVE) ||
		    (f->offset & (SIM_PAGE - 1)) || f->offset >= SIM_MAX_SIZE)
			return -EINVAL;
		break;
	default:
		break;
	}
	return 0;
}

int sim__inject_locked(struct sim_encl *e, const struct sgx2_sim_fault *f)
{
	struct sim_rule *r;
	size_t cap;

	if (fault_check(f))
		return -EINVAL;
	if (e->nrules == e->cap_rules) {
		cap = e->cap_rules ? e->cap_rules * 2 : 8;
		r = realloc(e->rules, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		e->rules = r;
		e->cap_rules = cap;
	}
	r = &e->rules[e->nrules++];
	memset(r, 0, sizeof(*r));
	r->f = *f;
	if (!r->f.nth && is_per_call(f->kind))
		r->f.nth = 1;
	if (!r->f.times && !is_per_call(f->kind))
		r->f.times = 1;
	return 0;
}

void sim__rules_free(struct sim_encl *e)
{
	free(e->rules);
	e->rules = NULL;
	e->nrules = e->cap_rules = 0;
}

static void rule_drop(struct sim_encl *e, size_t i)
{
	memmove(&e->rules[i], &e->rules[i + 1],
		(e->nrules - i - 1) * sizeof(e->rules[0]));
	e->nrules--;
}

static int matches(const struct sim_rule *r, unsigned int nr)
{
	return r->f.ioctl == SGX2_SIM_IOCTL_ANY || r->f.ioctl == nr;
}

/* An EDMM call of @nr begins: count it for the per-call rules. */
void sim__rules_start(struct sim_encl *e, unsigned int nr)
{
	size_t i;

	for (i = 0; i < e->nrules; i++) {
		struct sim_rule *r = &e->rules[i];

		if (!is_per_call(r->f.kind) || !matches(r, nr))
			continue;
		r->seen++;
		r->armed = r->seen == r->f.nth;
	}
}

/*
 * The rule of @kind armed for this call at page @idx, now spent; NULL
 * when none. The pointer stays valid until sim__rules_end().
 */
const struct sim_rule *sim__rule_at(struct sim_encl *e, unsigned int nr,
				    uint64_t idx, uint32_t kind)
{
	size_t i;

	for (i = 0; i < e->nrules; i++) {
		struct sim_rule *r = &e->rules[i];

		if (r->armed == 1 && r->f.kind == kind && matches(r, nr) &&
		    r->f.page == idx) {
			r->armed = 2; /* fired */
			return r;
		}
	}
	return NULL;
}

/* The call is over: its armed rules are spent, fired or not. */
void sim__rules_end(struct sim_encl *e)
{
	size_t i = 0;

	while (i < e->nrules) {
		if (e->rules[i].armed)
			rule_drop(e, i);
		else
			i++;
	}
}

/* Count down the first countdown rule of @kind that @pred accepts. */
static int countdown(struct sim_encl *e, uint32_t kind, unsigned int nr,
		     int any_nr, uint64_t offset, int use_offset)
{
	size_t i;

	for (i = 0; i < e->nrules; i++) {
		struct sim_rule *r = &e->rules[i];

		if (r->f.kind != kind)
			continue;
		if (!any_nr && !matches(r, nr))
			continue;
		if (use_offset && r->f.offset != offset &&
		    r->f.offset != SGX2_SIM_OFFSET_ANY)
			continue;
		if (!--r->f.times)
			rule_drop(e, i);
		return 1;
	}
	return 0;
}

/* Is the busy bit forced for this call of @cmd? */
int sim__rule_busy(struct sim_encl *e, unsigned long cmd)
{
	unsigned int nr = (unsigned int)(cmd & 0xff);
	int edmm = (cmd >> 8 & 0xff) == 0xA4 && nr >= SGX2_SIM_IOCTL_RESTRICT &&
		   nr <= SGX2_SIM_IOCTL_REMOVE;
	size_t i;

	for (i = 0; i < e->nrules; i++) {
		struct sim_rule *r = &e->rules[i];

		if (r->f.kind != SGX2_SIM_FAULT_BUSY)
			continue;
		if (r->f.ioctl != SGX2_SIM_IOCTL_ANY &&
		    (!edmm || r->f.ioctl != nr))
			continue;
		if (!--r->f.times)
			rule_drop(e, i);
		return 1;
	}
	return 0;
}

int sim__rule_reclaim(struct sim_encl *e, unsigned int nr, uint64_t offset)
{
	return countdown(e, SGX2_SIM_FAULT_UNDER_RECLAIM, nr, 0, offset, 1);
}

int sim__rule_not_tracked(struct sim_encl *e, uint64_t offset)
{
	return countdown(e, SGX2_SIM_FAULT_NOT_TRACKED, 0, 1, offset, 1);
}

int sim__rule_eaug(struct sim_encl *e, uint64_t offset)
{
	return countdown(e, SGX2_SIM_FAULT_EAUG, 0, 1, offset, 1);
}

int sim__rule_eaug_race(struct sim_encl *e, uint64_t offset)
{
	return countdown(e, SGX2_SIM_FAULT_EAUG_RACE, 0, 1, offset, 1);
}

int sim__rule_remove_race(struct sim_encl *e, uint64_t offset)
{
	return countdown(e, SGX2_SIM_FAULT_REMOVE_RACE, 0, 1, offset, 1);
}

int sim__rule_copy_signal(struct sim_encl *e, uint64_t offset)
{
	return countdown(e, SGX2_SIM_FAULT_COPY_SIGNAL, 0, 1, offset, 1);
}

/* ---- the text form ---- */

struct name_value {
	const char *name;
	uint32_t value;
};

static const struct name_value kinds[] = {
	{ "errno", SGX2_SIM_FAULT_ERRNO },
	{ "reclaim-race", SGX2_SIM_FAULT_RECLAIM_RACE },
	{ "encls", SGX2_SIM_FAULT_ENCLS_CODE },
	{ "encls-fault", SGX2_SIM_FAULT_ENCLS_FAULT },
	{ "etrack", SGX2_SIM_FAULT_ETRACK },
	{ "under-reclaim", SGX2_SIM_FAULT_UNDER_RECLAIM },
	{ "busy", SGX2_SIM_FAULT_BUSY },
	{ "not-tracked", SGX2_SIM_FAULT_NOT_TRACKED },
	{ "eaug", SGX2_SIM_FAULT_EAUG },
	{ "eaug-race", SGX2_SIM_FAULT_EAUG_RACE },
	{ "remove-race", SGX2_SIM_FAULT_REMOVE_RACE },
	{ "copy-signal", SGX2_SIM_FAULT_COPY_SIGNAL },
};

static const struct name_value ioctls[] = {
	{ "any", SGX2_SIM_IOCTL_ANY },
	{ "restrict", SGX2_SIM_IOCTL_RESTRICT },
	{ "modify", SGX2_SIM_IOCTL_MODIFY },
	{ "remove", SGX2_SIM_IOCTL_REMOVE },
};

static const struct name_value errnos[] = {
	{ "EAGAIN", EAGAIN },
	{ "EBUSY", EBUSY },
	{ "EFAULT", EFAULT },
};

static const struct name_value open_errnos[] = {
	{ "EAGAIN", EAGAIN },
	{ "EIO", EIO },
};

static int lookup_name(const struct name_value *t, size_t n, const char *s,
		       size_t len, uint32_t *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(t[i].name) == len && !strncmp(t[i].name, s, len)) {
			*out = t[i].value;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	char buf[32], *end;
	unsigned long long v;

	if (!len || len >= sizeof(buf) || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

#define N(t) (sizeof(t) / sizeof((t)[0]))

static int parse_pair(struct sgx2_sim_fault *f, const char *k, size_t klen,
		      const char *v, size_t vlen)
{
	uint64_t n = 0;
	uint32_t u = 0;
	int err;

#define KEY(s) (klen == sizeof(s) - 1 && !strncmp(k, s, klen))
	if (KEY("kind"))
		return lookup_name(kinds, N(kinds), v, vlen, &f->kind);
	if (KEY("ioctl")) {
		if (!lookup_name(ioctls, N(ioctls), v, vlen, &f->ioctl))
			return 0;
		err = parse_number(v, vlen, UINT32_MAX, &n);
		f->ioctl = (uint32_t)n;
		return err;
	}
	if (KEY("error")) {
		err = lookup_name(errnos, N(errnos), v, vlen, &u);
		f->error = (int32_t)u;
		return err;
	}
	if (KEY("offset")) {
		if (vlen == 3 && !strncmp(v, "any", 3)) {
			f->offset = SGX2_SIM_OFFSET_ANY;
			return 0;
		}
		return parse_number(v, vlen, UINT64_MAX, &f->offset);
	}
	if (KEY("code"))
		return parse_number(v, vlen, UINT64_MAX, &f->sgx_code);
	if (KEY("nth") || KEY("page") || KEY("times")) {
		err = parse_number(v, vlen, UINT32_MAX, &n);
		if (KEY("nth"))
			f->nth = (uint32_t)n;
		else if (KEY("page"))
			f->page = (uint32_t)n;
		else
			f->times = (uint32_t)n;
		return err;
	}
#undef KEY
	return -EINVAL;
}

static size_t span(const char *s, size_t len, const char *stops)
{
	size_t i;

	for (i = 0; i < len && !strchr(stops, s[i]); i++)
		;
	return i;
}

static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* One rule: comma-separated key=value pairs. */
static int parse_rule(const char *s, size_t len, struct sgx2_sim_fault *f)
{
	memset(f, 0, sizeof(*f));
	while (len) {
		size_t item = span(s, len, ","), klen;
		const char *k = s, *v;
		size_t vlen;

		klen = span(k, item, "=");
		if (klen == item)
			return -EINVAL;
		v = k + klen + 1;
		vlen = item - klen - 1;
		trim(&k, &klen);
		trim(&v, &vlen);
		if (parse_pair(f, k, klen, v, vlen))
			return -EINVAL;
		s += item;
		len -= item;
		if (len) {
			s++;
			len--;
		}
	}
	return fault_check(f);
}

int sim__parse_script(const char *script, struct sgx2_sim_fault **out,
		      size_t *n)
{
	struct sgx2_sim_fault *rules = NULL, *grown;
	size_t len = strlen(script), count = 0;
	int saved_errno = errno;
	const char *s = script;
	int err = 0;

	while (len) {
		size_t item = span(s, len, ";\n");
		const char *r = s;
		size_t rlen = item;

		trim(&r, &rlen);
		if (rlen) {
			grown = realloc(rules, (count + 1) * sizeof(*rules));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			rules = grown;
			err = parse_rule(r, rlen, &rules[count]);
			if (err)
				break;
			count++;
		}
		s += item;
		len -= item;
		if (len) {
			s++;
			len--;
		}
	}
	errno = saved_errno;
	if (err) {
		free(rules);
		return err;
	}
	*out = rules;
	*n = count;
	return 0;
}

/* ---- open(): EUPDATESVN at the first SGX user (6.19) ---- */

struct open_rule {
	int error;
	uint32_t times;
};

static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct open_rule *open_rules;
static size_t nopen_rules;

static int open_rule_add(int error, uint32_t times)
{
	int saved_errno = errno;
	struct open_rule *r;

	pthread_mutex_lock(&open_lock);
	r = realloc(open_rules, (nopen_rules + 1) * sizeof(*r));
	if (r) {
		open_rules = r;
		open_rules[nopen_rules++] = (struct open_rule){ error, times };
	}
	pthread_mutex_unlock(&open_lock);
	errno = saved_errno;
	return r ? 0 : -ENOMEM;
}

/* The answer of an open that finds no live enclave: 0, or -errno spent. */
int sim__open_fault(void)
{
	int err = 0;

	pthread_mutex_lock(&open_lock);
	if (nopen_rules) {
		err = -open_rules[0].error;
		if (!--open_rules[0].times)
			memmove(open_rules, open_rules + 1,
				--nopen_rules * sizeof(*open_rules));
	}
	pthread_mutex_unlock(&open_lock);
	return err;
}

/* SGX2_SIM_OPEN_FAULTS: "EAGAIN,EIO,...", one answer per open. */
int sim__arm_open_faults(const char *list)
{
	size_t len = strlen(list);
	uint32_t error;
	int err = 0;

	while (len && !err) {
		size_t item = span(list, len, ",");
		const char *s = list;
		size_t slen = item;

		trim(&s, &slen);
		err = lookup_name(open_errnos, N(open_errnos), s, slen, &error);
		if (!err)
			err = open_rule_add((int)error, 1);
		list += item;
		len -= item;
		if (len) {
			list++;
			len--;
		}
	}
	return err;
}

SIM_EXPORT int sgx2_sim_inject_open(int error, uint32_t times)
{
	if (!error) {
		if (times)
			return -EINVAL;
		pthread_mutex_lock(&open_lock);
		free(open_rules);
		open_rules = NULL;
		nopen_rules = 0;
		pthread_mutex_unlock(&open_lock);
		return 0;
	}
	if (error != EAGAIN && error != EIO)
		return -EINVAL;
	return open_rule_add(error, times ? times : 1);
}

SIM_EXPORT int sgx2_sim_inject(int fd, const struct sgx2_sim_fault *fault)
{
	struct sim_encl *e;
	int err;

	if (!fault || fault_check(fault))
		return -EINVAL;
	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	err = sim__inject_locked(e, fault);
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return err;
}

SIM_EXPORT int sgx2_sim_inject_script(int fd, const char *script)
{
	struct sgx2_sim_fault *rules = NULL;
	struct sim_encl *e;
	size_t n = 0, i, before;
	int err;

	if (!script)
		return -EINVAL;
	err = sim__parse_script(script, &rules, &n);
	if (err)
		return err;
	err = sim__lookup(fd, &e);
	if (err) {
		free(rules);
		return err;
	}
	pthread_mutex_lock(&e->lock);
	before = e->nrules;
	for (i = 0; i < n && !err; i++)
		err = sim__inject_locked(e, &rules[i]);
	if (err)
		e->nrules = before; /* all or nothing */
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	free(rules);
	return err;
}

SIM_EXPORT int sgx2_sim_clear_faults(int fd)
{
	struct sim_encl *e;
	int err;

	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	e->nrules = 0;
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return 0;
}

SIM_EXPORT int sgx2_sim_armed_faults(int fd)
{
	struct sim_encl *e;
	int err, n;

	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	n = (int)e->nrules;
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return n;
}
