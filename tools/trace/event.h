/* SPDX-License-Identifier: MIT */
/*
 * One trace line, built field by field and rendered either as text (like
 * strace: "PID TIME name(args) = ret") or as one JSON object. The same
 * calls make both, so the two formats cannot say different things.
 * Everything here is async-signal-safe: a stack buffer, no allocation, no
 * stdio, one write(2) per line.
 */
#ifndef SGX2_TRACE_EVENT_H
#define SGX2_TRACE_EVENT_H

#include <stddef.h>
#include <stdint.h>

#define EV_LINE_MAX 3072

struct ev {
	char b[EV_LINE_MAX];
	size_t n;
	int json;
	unsigned int nf[4]; /* fields so far in each open group */
	unsigned int depth;
	int overflow;
};

/* Value renderings in text (JSON always has the number). */
enum ev_fmt {
	EV_DEC, /* 42 */
	EV_HEX, /* 0x2a */
};

/* A bit or a value and its name, for ev_flags() and ev_enum(). */
struct ev_name {
	uint64_t v;
	const char *name;
};

/* Start a line: the event @name, pid, tid and time; @call, the text's
 * "name(" (NULL: @name). */
void ev_begin(struct ev *e, const char *name, const char *call);
/* A number. @key NULL: positional in text (no "key="), @key in JSON must
 * then be given by @jkey. */
void ev_num(struct ev *e, const char *key, uint64_t v, enum ev_fmt fmt);
void ev_snum(struct ev *e, const char *key, int64_t v);
/* A decimal number that text shows without its key (a descriptor). */
void ev_pos(struct ev *e, const char *key, uint64_t v);
/* A number that text shows by name: flags (a|b|0x40 for the rest) or one
 * value of a list (else the number). */
void ev_flags(struct ev *e, const char *key, uint64_t v,
	      const struct ev_name *names, size_t n);
void ev_enum(struct ev *e, const char *key, uint64_t v,
	     const struct ev_name *names, size_t n);
/* An SGX return code: JSON the number, text "NAME (n)" (0: "0"). */
void ev_code(struct ev *e, const char *key, uint64_t v, const char *name);
/* A string; @positional: text without "key=" (quoted unless @bare). */
void ev_str(struct ev *e, const char *key, const char *s, int positional,
	    int bare);
/* Bytes as hex (MRENCLAVE and MRSIGNER: public values). */
void ev_hexbytes(struct ev *e, const char *key, const uint8_t *p, size_t n);
/* A nested object: JSON "key":{...}; in text, how it shows. */
enum ev_group_kind {
	EV_IN,	/* "{...}", the call's struct argument */
	EV_OUT, /* " => {...}", what the call wrote back into it */
	EV_SUB, /* "key={...}" */
};
void ev_group(struct ev *e, const char *key, enum ev_group_kind kind);
void ev_group_end(struct ev *e);
/* The end of the call's arguments: text ") = ret" (and the errno). */
void ev_ret(struct ev *e, int64_t ret, int err, enum ev_fmt fmt);
/* The end of the arguments of a call that has not returned: text ")". */
void ev_unfinished(struct ev *e);
/* Text only: " <...>" after the return (where in the enclave, what). */
void ev_note(struct ev *e, const char *text);
/* End the line and write it, in one write(2). */
void ev_end(struct ev *e);

/* @v in decimal or as 0x... hex into @dst (24 bytes), NUL-terminated;
 * the length. */
size_t ev_u64_str(char *dst, uint64_t v, int hex);

/* The errno's name ("EFAULT"), or NULL. */
const char *ev_errname(int err);

/* Where lines go, and how (recorder.c sets them). */
extern int ev_fd;
extern int ev_json;
extern uint64_t ev_t0;

#endif
