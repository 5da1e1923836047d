// SPDX-License-Identifier: MIT
/*
 * Reading a trace: one JSON object per line; blank lines and lines that
 * start with '#' (comments, which a trace may carry) are skipped but
 * counted, so that line numbers are the file's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

static int add_event(struct trace *t, const struct event *e)
{
	static size_t cap;

	if (t->n == cap) {
		size_t ncap = cap ? 2 * cap : 256;
		struct event *nv = realloc(t->ev, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		t->ev = nv;
		cap = ncap;
	}
	t->ev[t->n++] = *e;
	return 0;
}

static int add_proc(struct trace *t, const struct event *e)
{
	struct proc *np = realloc(t->procs, (t->nprocs + 1) * sizeof(*np));
	struct proc *p;

	if (!np)
		return -ENOMEM;
	t->procs = np;
	p = &np[t->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = e->pid;
	j_u64(&e->o, "ppid", &p->ppid);
	p->kernel = j_str(&e->o, "kernel");
	j_u64(&e->o, "cpu_sgx2", &p->cpu_sgx2);
	return 0;
}

int trace_load(const char *path, struct trace *t)
{
	FILE *f = fopen(path, "re");
	size_t cap = 0;
	char *line = NULL, err[128];
	unsigned int n = 0;
	ssize_t len;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	t->path = path;
	if (!f) {
		fprintf(stderr, "sgx2-replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct event e = { .line = ++n };
		const char *p = line;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || !*p)
			continue;
		if (json_parse(line, &e.o, err, sizeof(err))) {
			fprintf(stderr, "sgx2-replay: %s:%u: %s\n", path, n,
				err);
			json_free(&e.o);
			ret = -1;
			break;
		}
		e.ev = j_str(&e.o, "ev");
		if (!e.ev || !j_u64(&e.o, "pid", &e.pid)) {
			fprintf(stderr,
				"sgx2-replay: %s:%u: not an sgx2-trace event "
				"(no \"ev\" or \"pid\"): was it recorded with "
				"--json?\n",
				path, n);
			json_free(&e.o);
			ret = -1;
			break;
		}
		j_u64(&e.o, "encl", &e.encl);
		if ((!strcmp(e.ev, "start") && add_proc(t, &e)) ||
		    add_event(t, &e)) {
			fprintf(stderr, "sgx2-replay: out of memory\n");
			json_free(&e.o);
			ret = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	if (!ret && !t->n) {
		fprintf(stderr, "sgx2-replay: %s: no events\n", path);
		ret = -1;
	}
	return ret;
}

void trace_free(struct trace *t)
{
	for (size_t i = 0; i < t->n; i++)
		json_free(&t->ev[i].o);
	free(t->ev);
	free(t->procs);
	memset(t, 0, sizeof(*t));
}

const struct proc *trace_proc(const struct trace *t, uint64_t pid)
{
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	return NULL;
}

int trace_secs(const struct trace *t, uint64_t pid, uint64_t id, uint64_t *base,
	       uint64_t *size)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct event *e = &t->ev[i];
		const char *op = j_str(&e->o, "op");

		if (e->pid == pid && e->encl == id && op &&
		    !strcmp(e->ev, "ioctl") && !strcmp(op, "CREATE") &&
		    j_u64(&e->o, "in.secs.base", base) &&
		    j_u64(&e->o, "in.secs.size", size))
			return 1;
	}
	return 0;
}
