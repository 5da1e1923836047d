/* SPDX-License-Identifier: MIT */
/*
 * A small JSON reader for one line of a trace: an object, its nested
 * objects flattened to dotted keys ("in.secs.size"), their numbers and
 * strings. Arrays are accepted and skipped (traces have none).
 */
#ifndef SGX2_REPLAY_JSON_H
#define SGX2_REPLAY_JSON_H

#include <stddef.h>
#include <stdint.h>

enum jtype { J_NUM, J_STR, J_BOOL, J_NULL };

struct jval {
	char *key;
	enum jtype type;
	int neg;      /* J_NUM: negative */
	uint64_t num; /* J_NUM: the magnitude; J_BOOL: 0 or 1 */
	char *str;    /* J_STR */
};

struct jobj {
	struct jval *v;
	size_t n, cap;
};

/* Parse @text, one JSON object. 0, or -1 with a message in @err. */
int json_parse(const char *text, struct jobj *out, char *err, size_t errlen);
void json_free(struct jobj *o);

const struct jval *jget(const struct jobj *o, const char *key);
/* 1 and the value when @key is a number (j_s64: signed), else 0. */
int j_u64(const struct jobj *o, const char *key, uint64_t *v);
int j_s64(const struct jobj *o, const char *key, int64_t *v);
/* The string at @key, or NULL. */
const char *j_str(const struct jobj *o, const char *key);

#endif
