/* cmd/systrace/filter.c - which calls to show: -e trace=, classes, -P. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "systrace.h"

/* Mark name (a syscall, %class or "all") in want; -1 when unknown. */
static int
mark(bool *want, long n, const char *name)
{
	unsigned bit;
	long nr;

	if (strcmp(name, "all") == 0) {
		for (nr = 0; nr < n; nr++)
			want[nr] = true;
		return 0;
	}
	if (name[0] == '%') {
		if ((bit = tri_syscalls_class_bit(name)) == 0)
			return -1;
		for (nr = 0; nr < n; nr++)
			if (tri_syscalls_classes(nr) & bit)
				want[nr] = true;
		return 0;
	}
	if ((nr = tri_syscalls_nr(name)) < 0 || nr >= n)
		return -1;
	want[nr] = true;
	/* strace's names for the calls libc makes in their place */
	if (strcmp(name, "stat") == 0 || strcmp(name, "fstatat") == 0)
		mark(want, n, "newfstatat");
	return 0;
}

/* -e trace=LIST: names and %classes, "!" in front negates the list. */
int
filter_trace(struct ctl *ctl, const char *spec)
{
	long n = tri_syscalls_count(), nr;
	bool neg = false, *want;
	char *copy, *tok, *save;
	int r = 0;

	if (*spec == '!') {
		neg = true;
		spec++;
	}
	if ((want = calloc((size_t)n, sizeof(*want))) == NULL ||
	    (copy = strdup(spec)) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save)) {
		bool quiet = *tok == '?';

		if (mark(want, n, tok + quiet) < 0 && !quiet) {
			char *e = tri_out_escape_dup(tok, strlen(tok));

			warnx("-e trace=%s: no such system call or class", e ?
			    e : "?");
			free(e);
			r = -1;
			break;
		}
	}
	free(copy);
	if (r < 0) {
		free(want);
		return -1;
	}
	if (neg)
		for (nr = 0; nr < n; nr++)
			want[nr] = !want[nr];
	free(ctl->want);
	ctl->want = want;
	ctl->want_set = true;
	return 0;
}

/* -e EXPR: trace=LIST, or a bare LIST as strace takes it. */
int
filter_expr(struct ctl *ctl, const char *expr)
{
	if (strncmp(expr, "trace=", 6) == 0)
		return filter_trace(ctl, expr + 6);
	if (strchr(expr, '=')) {
		char *e = tri_out_escape_dup(expr, strlen(expr));

		warnx("-e %s: only trace= is supported", e ? e : "?");
		free(e);
		return -1;
	}
	return filter_trace(ctl, expr);
}

bool
filter_path_match(const struct ctl *ctl, const char *path, size_t n)
{
	size_t i;

	for (i = 0; i < ctl->npaths; i++)
		if (strlen(ctl->paths[i]) == n &&
		    memcmp(ctl->paths[i], path, n) == 0)
			return true;
	return false;
}
