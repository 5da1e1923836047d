// SPDX-License-Identifier: MIT
/*
 * Trace lines (event.h). No stdio and no allocation: the recorder builds
 * lines in interposed calls that a signal handler may make, and in the
 * vDSO wrapper, so the formatting is done here by hand.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "event.h"

int ev_fd = 2;
int ev_json;
uint64_t ev_t0;

#define STR_MAX 256 /* longest string field kept */

static void put(struct ev *e, const char *s, size_t n)
{
	if (e->n + n > sizeof(e->b) - 2) { /* room for "}\n" */
		n = e->n < sizeof(e->b) - 2 ? sizeof(e->b) - 2 - e->n : 0;
		e->overflow = 1;
	}
	memcpy(e->b + e->n, s, n);
	e->n += n;
}

static void puts_(struct ev *e, const char *s)
{
	put(e, s, strlen(s));
}

size_t ev_u64_str(char *dst, uint64_t v, int hex)
{
	char tmp[24];
	unsigned int i = sizeof(tmp);
	size_t n = 0;

	do {
		unsigned int d = (unsigned int)(v % (hex ? 16 : 10));

		tmp[--i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= hex ? 16 : 10;
	} while (v);
	if (hex) {
		dst[n++] = '0';
		dst[n++] = 'x';
	}
	memcpy(dst + n, tmp + i, sizeof(tmp) - i);
	n += sizeof(tmp) - i;
	dst[n] = '\0';
	return n;
}

static void put_u64(struct ev *e, uint64_t v, int hex)
{
	char tmp[24];

	put(e, tmp, ev_u64_str(tmp, v, hex));
}

static void put_s64(struct ev *e, int64_t v)
{
	if (v < 0) {
		puts_(e, "-");
		put_u64(e, (uint64_t)0 - (uint64_t)v, 0);
	} else {
		put_u64(e, (uint64_t)v, 0);
	}
}

/* A string, escaped for JSON or for the text's C-like quotes. */
static void put_quoted(struct ev *e, const char *s)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i;

	puts_(e, "\"");
	for (i = 0; s[i] && i < STR_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = {
			'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]
		};

		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			put(e, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			if (e->json) {
				put(e, esc, 6);
			} else {
				esc[1] = 'x';
				esc[2] = esc[4];
				esc[3] = esc[5];
				put(e, esc, 4);
			}
		} else {
			put(e, (const char *)&c, 1);
		}
	}
	if (s[i])
		puts_(e, "...");
	puts_(e, "\"");
}

/* The separator and key of a field; text omits the key when @positional. */
static void field(struct ev *e, const char *key, int positional)
{
	if (e->json) {
		if (e->nf[e->depth]++)
			puts_(e, ",");
		put_quoted(e, key);
		puts_(e, ":");
		return;
	}
	if (e->nf[e->depth]++)
		puts_(e, ", ");
	if (!positional) {
		puts_(e, key);
		puts_(e, "=");
	}
}

void ev_begin(struct ev *e, const char *name, const char *call)
{
	struct timespec t;
	uint64_t ns;
	long pid = syscall(SYS_getpid), tid = syscall(SYS_gettid);

	e->n = 0;
	e->depth = 0;
	e->overflow = 0;
	memset(e->nf, 0, sizeof(e->nf));
	e->json = ev_json;
	clock_gettime(CLOCK_MONOTONIC, &t);
	ns = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec - ev_t0;
	if (e->json) {
		puts_(e, "{\"ev\":");
		put_quoted(e, name);
		puts_(e, ",\"pid\":");
		put_u64(e, (uint64_t)pid, 0);
		puts_(e, ",\"tid\":");
		put_u64(e, (uint64_t)tid, 0);
		puts_(e, ",\"t\":");
		put_u64(e, ns, 0);
		e->nf[0] = 1;
		return;
	}
	put_u64(e, (uint64_t)pid, 0);
	if (tid != pid) {
		puts_(e, "/");
		put_u64(e, (uint64_t)tid, 0);
	}
	puts_(e, " ");
	put_u64(e, ns / 1000000000u, 0);
	{
		char us[8] = ".000000";
		uint64_t f = ns % 1000000000u / 1000;

		for (int i = 6; i > 0; i--, f /= 10)
			us[i] = (char)('0' + f % 10);
		put(e, us, 7);
	}
	puts_(e, " ");
	puts_(e, call ? call : name);
	puts_(e, "(");
}

void ev_num(struct ev *e, const char *key, uint64_t v, enum ev_fmt fmt)
{
	field(e, key, 0);
	put_u64(e, v, !e->json && fmt == EV_HEX);
}

void ev_snum(struct ev *e, const char *key, int64_t v)
{
	field(e, key, 0);
	put_s64(e, v);
}

void ev_flags(struct ev *e, const char *key, uint64_t v,
	      const struct ev_name *names, size_t n)
{
	uint64_t rest = v;
	int any = 0;

	field(e, key, 0);
	if (e->json) {
		put_u64(e, v, 0);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!names[i].v || (rest & names[i].v) != names[i].v)
			continue;
		if (any++)
			puts_(e, "|");
		puts_(e, names[i].name);
		rest &= ~names[i].v;
	}
	if (rest || !any) {
		if (any)
			puts_(e, "|");
		put_u64(e, rest, 1);
	}
}

void ev_enum(struct ev *e, const char *key, uint64_t v,
	     const struct ev_name *names, size_t n)
{
	field(e, key, 0);
	if (!e->json)
		for (size_t i = 0; i < n; i++)
			if (names[i].v == v) {
				puts_(e, names[i].name);
				return;
			}
	put_u64(e, v, 0);
}

void ev_code(struct ev *e, const char *key, uint64_t v, const char *name)
{
	field(e, key, 0);
	if (!e->json && v) {
		puts_(e, name);
		puts_(e, " (");
		put_u64(e, v, 0);
		puts_(e, ")");
		return;
	}
	put_u64(e, v, 0);
}

void ev_str(struct ev *e, const char *key, const char *s, int positional,
	    int bare)
{
	field(e, key, positional);
	if (bare && !e->json)
		puts_(e, s);
	else
		put_quoted(e, s);
}

void ev_hexbytes(struct ev *e, const char *key, const uint8_t *p, size_t n)
{
	static const char hexd[] = "0123456789abcdef";

	field(e, key, 0);
	if (e->json)
		puts_(e, "\"");
	for (size_t i = 0; i < n; i++) {
		char h[2] = { hexd[p[i] >> 4], hexd[p[i] & 15] };

		put(e, h, 2);
	}
	if (e->json)
		puts_(e, "\"");
}

void ev_pos(struct ev *e, const char *key, uint64_t v)
{
	field(e, key, 1);
	put_u64(e, v, 0);
}

void ev_group(struct ev *e, const char *key, enum ev_group_kind kind)
{
	if (!e->json && kind == EV_OUT)
		puts_(e, " => ");
	else
		field(e, key, kind == EV_IN); /* JSON always has the key */
	puts_(e, "{");
	if (e->depth < 3)
		e->depth++;
	e->nf[e->depth] = 0;
}

void ev_group_end(struct ev *e)
{
	puts_(e, "}");
	if (e->depth)
		e->depth--;
}

const char *ev_errname(int err)
{
	return strerrorname_np(err);
}

void ev_ret(struct ev *e, int64_t ret, int err, enum ev_fmt fmt)
{
	const char *name = err ? ev_errname(err) : NULL;

	if (e->json) {
		ev_snum(e, "ret", ret);
		if (err) {
			field(e, "errno", 0);
			if (name) {
				put_quoted(e, name);
			} else {
				put_u64(e, (uint64_t)err, 0);
			}
		}
		return;
	}
	puts_(e, ") = ");
	if (fmt == EV_HEX && ret != -1)
		put_u64(e, (uint64_t)ret, 1);
	else
		put_s64(e, ret);
	if (err) {
		const char *desc = strerrordesc_np(err);

		puts_(e, " ");
		if (name)
			puts_(e, name);
		else
			put_u64(e, (uint64_t)err, 0);
		if (desc) {
			puts_(e, " (");
			puts_(e, desc);
			puts_(e, ")");
		}
	}
}

void ev_unfinished(struct ev *e)
{
	if (!e->json)
		puts_(e, ")");
}

void ev_note(struct ev *e, const char *text)
{
	if (e->json)
		return;
	puts_(e, " <");
	puts_(e, text);
	puts_(e, ">");
}

void ev_end(struct ev *e)
{
	size_t off = 0;
	int saved_errno = errno;

	if (e->json)
		e->b[e->n++] = '}';
	else if (e->overflow)
		e->b[e->n - 1] = '~'; /* truncated: said, not hidden */
	e->b[e->n++] = '\n';
	while (off < e->n) {
		long w = syscall(SYS_write, ev_fd, e->b + off, e->n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	errno = saved_errno;
}
