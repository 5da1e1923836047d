// SPDX-License-Identifier: MIT
/* The trace line reader (json.h): recursive descent, flattening objects. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define MAX_DEPTH 16

struct parser {
	const char *p;
	struct jobj *o;
	char *err;
	size_t errlen;
	int depth;
};

static int fail(struct parser *ps, const char *what)
{
	if (ps->err && !ps->err[0])
		snprintf(ps->err, ps->errlen, "%s", what);
	return -1;
}

static void ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
	       *ps->p == '\r')
		ps->p++;
}

static int add(struct parser *ps, const char *key, struct jval v)
{
	struct jobj *o = ps->o;

	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 16;
		struct jval *nv = realloc(o->v, cap * sizeof(*nv));

		if (!nv)
			return fail(ps, "out of memory");
		o->v = nv;
		o->cap = cap;
	}
	v.key = strdup(key);
	if (!v.key)
		return fail(ps, "out of memory");
	o->v[o->n++] = v;
	return 0;
}

static void put_utf8(char **q, unsigned int c)
{
	if (c < 0x80) {
		*(*q)++ = (char)c;
	} else if (c < 0x800) {
		*(*q)++ = (char)(0xc0 | c >> 6);
		*(*q)++ = (char)(0x80 | (c & 0x3f));
	} else {
		*(*q)++ = (char)(0xe0 | c >> 12);
		*(*q)++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*(*q)++ = (char)(0x80 | (c & 0x3f));
	}
}

/* A string at ps->p (on its opening quote): a new NUL-terminated copy. */
static char *string(struct parser *ps)
{
	const char *s = ++ps->p;
	char *out, *q;

	while (*ps->p && *ps->p != '"')
		ps->p += *ps->p == '\\' && ps->p[1] ? 2 : 1;
	if (*ps->p != '"') {
		fail(ps, "unterminated string");
		return NULL;
	}
	out = q = malloc((size_t)(ps->p - s) + 1);
	if (!out) {
		fail(ps, "out of memory");
		return NULL;
	}
	for (; s < ps->p; s++) {
		if (*s != '\\') {
			*q++ = *s;
			continue;
		}
		switch (*++s) {
		case 'n':
			*q++ = '\n';
			break;
		case 't':
			*q++ = '\t';
			break;
		case 'r':
			*q++ = '\r';
			break;
		case 'b':
			*q++ = '\b';
			break;
		case 'f':
			*q++ = '\f';
			break;
		case 'u': {
			char hex[5] = { 0 };

			memcpy(hex, s + 1, 4);
			if (strlen(hex) == 4 && s + 4 < ps->p) {
				put_utf8(&q,
					 (unsigned int)strtoul(hex, NULL, 16));
				s += 4;
			}
			break;
		}
		default: /* " \ / */
			*q++ = *s;
		}
	}
	*q = '\0';
	ps->p++;
	return out;
}

static int value(struct parser *ps, const char *key);

/* Past an object's or array's opening: 1 when it is empty (and done),
 * 0 when members follow, -1 when nested too deep. */
static int open_group(struct parser *ps, char close)
{
	if (++ps->depth > MAX_DEPTH)
		return fail(ps, "nested too deep");
	ps->p++;
	ws(ps);
	if (*ps->p != close)
		return 0;
	ps->p++;
	ps->depth--;
	return 1;
}

/* After a member: 1 when another follows (past ','), 0 at @close (past
 * it), -1 otherwise. */
static int next_member(struct parser *ps, char close)
{
	ws(ps);
	if (*ps->p == ',') {
		ps->p++;
		return 1;
	}
	if (*ps->p != close)
		return fail(ps, close == '}' ? "',' or '}' was expected"
					     : "',' or ']' was expected");
	ps->p++;
	ps->depth--;
	return 0;
}

static int object(struct parser *ps, const char *prefix)
{
	int more = open_group(ps, '}');

	if (more)
		return more < 0 ? -1 : 0;
	for (;;) {
		char *name, *key;
		int err;

		ws(ps);
		if (*ps->p != '"')
			return fail(ps, "a key was expected");
		name = string(ps);
		if (!name)
			return -1;
		key = malloc(strlen(prefix) + strlen(name) + 2);
		if (!key) {
			free(name);
			return fail(ps, "out of memory");
		}
		sprintf(key, "%s%s%s", prefix, *prefix ? "." : "", name);
		free(name);
		ws(ps);
		if (*ps->p != ':') {
			free(key);
			return fail(ps, "':' was expected");
		}
		ps->p++;
		err = value(ps, key);
		free(key);
		if (err)
			return err;
		more = next_member(ps, '}');
		if (more <= 0)
			return more;
	}
}

static int array(struct parser *ps, const char *key)
{
	int more = open_group(ps, ']');

	if (more)
		return more < 0 ? -1 : 0;
	for (;;) {
		/* Elements are checked, not kept: a trace has no arrays. */
		struct jobj keep = *ps->o;
		int err = value(ps, key);

		while (ps->o->n > keep.n) {
			struct jval *v = &ps->o->v[--ps->o->n];

			free(v->key);
			free(v->str);
		}
		if (err)
			return err;
		more = next_member(ps, ']');
		if (more <= 0)
			return more;
	}
}

static int number(struct parser *ps, const char *key)
{
	struct jval v = { .type = J_NUM };
	const char *s = ps->p;
	char *end;

	if (*s == '-') {
		v.neg = 1;
		s++;
	}
	if (*s < '0' || *s > '9')
		return fail(ps, "a value was expected");
	errno = 0;
	v.num = strtoull(s, &end, 10);
	if (errno)
		return fail(ps, "number out of range");
	if (*end == '.' || *end == 'e' || *end == 'E') {
		double d = strtod(s, &end);

		v.num = d >= 0 && d < 18446744073709551616.0 ? (uint64_t)d : 0;
	}
	ps->p = end;
	if (v.neg && !v.num)
		v.neg = 0;
	return add(ps, key, v);
}

static int value(struct parser *ps, const char *key)
{
	ws(ps);
	switch (*ps->p) {
	case '{':
		return object(ps, key);
	case '[':
		return array(ps, key);
	case '"': {
		struct jval v = { .type = J_STR };

		v.str = string(ps);
		if (!v.str)
			return -1;
		if (add(ps, key, v)) {
			free(v.str);
			return -1;
		}
		return 0;
	}
	case 't':
	case 'f':
	case 'n': {
		static const struct {
			const char *word;
			enum jtype type;
			uint64_t num;
		} words[] = { { "true", J_BOOL, 1 },
			      { "false", J_BOOL, 0 },
			      { "null", J_NULL, 0 } };

		for (size_t i = 0; i < 3; i++) {
			size_t n = strlen(words[i].word);

			if (!strncmp(ps->p, words[i].word, n)) {
				ps->p += n;
				return add(
					ps, key,
					(struct jval){ .type = words[i].type,
						       .num = words[i].num });
			}
		}
		return fail(ps, "a value was expected");
	}
	default:
		return number(ps, key);
	}
}

int json_parse(const char *text, struct jobj *out, char *err, size_t errlen)
{
	struct parser ps = {
		.p = text, .o = out, .err = err, .errlen = errlen
	};

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	ws(&ps);
	if (*ps.p != '{')
		return fail(&ps, "not a JSON object");
	if (object(&ps, ""))
		return -1;
	ws(&ps);
	if (*ps.p)
		return fail(&ps, "text after the object");
	return 0;
}

void json_free(struct jobj *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].key);
		free(o->v[i].str);
	}
	free(o->v);
	memset(o, 0, sizeof(*o));
}

const struct jval *jget(const struct jobj *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->v[i].key, key))
			return &o->v[i];
	return NULL;
}

int j_u64(const struct jobj *o, const char *key, uint64_t *v)
{
	const struct jval *j = jget(o, key);

	if (!j || j->type != J_NUM)
		return 0;
	*v = j->neg ? (uint64_t)0 - j->num : j->num;
	return 1;
}

int j_s64(const struct jobj *o, const char *key, int64_t *v)
{
	uint64_t u;

	if (!j_u64(o, key, &u))
		return 0;
	*v = (int64_t)u;
	return 1;
}

const char *j_str(const struct jobj *o, const char *key)
{
	const struct jval *j = jget(o, key);

	return j && j->type == J_STR ? j->str : NULL;
}
