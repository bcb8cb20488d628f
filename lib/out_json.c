/* lib/out_json.c - the streaming JSON writer (strings through
 * tri_out_json_str, in lib/out.c, with the escaping). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

/* JSON writer */

void
tri_json_init(struct tri_json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
	j->first[0] = true;
}

static void
indent(struct tri_json *j)
{
	int i;

	if (!j->pretty)
		return;
	putc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator and indentation before a value or key. */
static void
before(struct tri_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		putc(',', j->f);
	j->first[j->depth] = false;
	if (j->depth > 0)
		indent(j);
}

static void
open_(struct tri_json *j, int c)
{
	before(j);
	putc(c, j->f);
	if (j->depth + 1 < TRI_JSON_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void
close_(struct tri_json *j, int c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	putc(c, j->f);
}

void tri_json_obj_begin(struct tri_json *j) { open_(j, '{'); }
void tri_json_obj_end(struct tri_json *j) { close_(j, '}'); }
void tri_json_arr_begin(struct tri_json *j) { open_(j, '['); }
void tri_json_arr_end(struct tri_json *j) { close_(j, ']'); }

void
tri_json_key(struct tri_json *j, const char *key)
{
	before(j);
	tri_out_json_str(j->f, key, strlen(key));
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

void
tri_json_strn(struct tri_json *j, const char *s, size_t len)
{
	before(j);
	tri_out_json_str(j->f, s, len);
}

void
tri_json_str(struct tri_json *j, const char *s)
{
	if (s == NULL)
		tri_json_null(j);
	else
		tri_json_strn(j, s, strlen(s));
}

void
tri_json_int(struct tri_json *j, long long v)
{
	before(j);
	fprintf(j->f, "%lld", v);
}

void
tri_json_uint(struct tri_json *j, unsigned long long v)
{
	before(j);
	fprintf(j->f, "%llu", v);
}

void
tri_json_double(struct tri_json *j, double v)
{
	char t[32];

	before(j);
	if (!isfinite(v)) {
		fputs("null", j->f);
		return;
	}
	/* The shortest of 15 or 17 digits that reads back as v: full
	 * precision (a Unix time, a byte count) without 0.1 turning into
	 * 0.10000000000000001. */
	snprintf(t, sizeof(t), "%.15g", v);
	if (strtod(t, NULL) != v)
		snprintf(t, sizeof(t), "%.17g", v);
	fputs(t, j->f);
}

void
tri_json_bool(struct tri_json *j, bool v)
{
	before(j);
	fputs(v ? "true" : "false", j->f);
}

void
tri_json_null(struct tri_json *j)
{
	before(j);
	fputs("null", j->f);
}

void
tri_json_end(struct tri_json *j)
{
	putc('\n', j->f);
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

void
tri_json_kstr(struct tri_json *j, const char *k, const char *s)
{
	tri_json_key(j, k);
	tri_json_str(j, s);
}

void
tri_json_kint(struct tri_json *j, const char *k, long long v)
{
	tri_json_key(j, k);
	tri_json_int(j, v);
}

void
tri_json_kuint(struct tri_json *j, const char *k, unsigned long long v)
{
	tri_json_key(j, k);
	tri_json_uint(j, v);
}

void
tri_json_kdouble(struct tri_json *j, const char *k, double v)
{
	tri_json_key(j, k);
	tri_json_double(j, v);
}

void
tri_json_kbool(struct tri_json *j, const char *k, bool v)
{
	tri_json_key(j, k);
	tri_json_bool(j, v);
}

void
tri_json_kint_or_null(struct tri_json *j, const char *k, bool known,
    long long v)
{
	tri_json_key(j, k);
	if (known)
		tri_json_int(j, v);
	else
		tri_json_null(j);
}

void
tri_json_kuint_or_null(struct tri_json *j, const char *k, bool known,
    unsigned long long v)
{
	tri_json_key(j, k);
	if (known)
		tri_json_uint(j, v);
	else
		tri_json_null(j);
}

void
tri_json_kdouble_or_null(struct tri_json *j, const char *k, bool known,
    double v)
{
	tri_json_key(j, k);
	if (known)
		tri_json_double(j, v);
	else
		tri_json_null(j);
}

void
tri_json_kargv(struct tri_json *j, const char *k, const char *args,
    size_t len)
{
	size_t i, n;

	tri_json_key(j, k);
	tri_json_arr_begin(j);
	for (i = 0; args && i < len; i += n + 1) {
		n = strnlen(args + i, len - i);
		tri_json_strn(j, args + i, n);
	}
	tri_json_arr_end(j);
}

void
tri_json_kfixed(struct tri_json *j, const char *k, double v, int decimals)
{
	tri_json_key(j, k);
	before(j);
	if (isfinite(v))
		fprintf(j->f, "%.*f", decimals, v);
	else
		fputs("null", j->f);
}

void
tri_json_schema(struct tri_json *j, const char *name)
{
	tri_json_key(j, "schema");
	before(j);
	fprintf(j->f, "\"triage.%s/1\"", name);
}

void
tri_json_ktime_unix(struct tri_json *j, double t)
{
	tri_json_kfixed(j, "time_unix", t, 3);
}
