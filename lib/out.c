/* lib/out.c - escaping of untrusted bytes, tables, JSON and colour. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "out.h"

/*
 * Length of the valid UTF-8 sequence at s (2-4 bytes) with its code point
 * in *cp, or 0.  Hand-written rather than mbrtowc(): it must not depend
 * on the locale, and it runs once per byte of every name printed.
 */
static size_t
utf8_decode(const unsigned char *s, size_t len, unsigned int *cp)
{
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, *cp = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	/* overlong, surrogates, beyond U+10FFFF */
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return n;
}

/* C1 controls and the bidi overrides and isolates: never shown raw. */
static bool
unprintable_cp(unsigned int cp)
{
	return (cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/* Length of the valid, printable UTF-8 sequence at s (2-4 bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t len)
{
	unsigned int cp;
	size_t n = utf8_decode(s, len, &cp);

	return n > 0 && !unprintable_cp(cp) ? n : 0;
}

/* The escape of one byte that cannot pass, into out (at most 5 bytes). */
static size_t
esc_byte(unsigned char c, char *out)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	switch (c) {
	case '\n': out[1] = 'n'; return 2;
	case '\t': out[1] = 't'; return 2;
	case '\r': out[1] = 'r'; return 2;
	case 0x1b: out[1] = 'e'; return 2;
	case '\\': out[1] = '\\'; return 2;
	default:
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 15];
		return 4;
	}
}

size_t
tri_out_escape(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0, n, k;
	char e[5];

	while (i < len) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			if (o + 1 < size)
				dst[o] = (char)s[i];
			o++, i++;
			continue;
		}
		if (s[i] >= 0x80 && (n = utf8_len(s + i, len - i)) > 0) {
			for (k = 0; k < n; k++, o++)
				if (o + 1 < size)
					dst[o] = (char)s[i + k];
			i += n;
			continue;
		}
		n = esc_byte(s[i++], e);
		for (k = 0; k < n; k++, o++)
			if (o + 1 < size)
				dst[o] = e[k];
	}
	if (size > 0)
		dst[o < size ? o : size - 1] = '\0';
	return o;
}

char *
tri_out_escape_dup(const char *src, size_t len)
{
	size_t n = tri_out_escape(NULL, 0, src, len);
	char *d = malloc(n + 1);

	if (d)
		tri_out_escape(d, n + 1, src, len);
	return d;
}

bool
tri_out_needs_escape(const char *src, size_t len)
{
	return tri_out_escape(NULL, 0, src, len) != len ||
	    memchr(src, '\\', len) != NULL;
}

int
tri_out_fescape(FILE *f, const char *src, size_t len)
{
	char buf[1024], *d = buf;
	size_t n = tri_out_escape(buf, sizeof(buf), src, len);
	int r;

	if (n >= sizeof(buf)) {
		if ((d = malloc(n + 1)) == NULL)
			return -1;
		tri_out_escape(d, n + 1, src, len);
	}
	r = fwrite(d, 1, n, f) == n ? 0 : -1;
	if (d != buf)
		free(d);
	return r;
}

/* v's digits at the end of t[24]; returns where they start. */
static size_t
digits_in(char t[24], unsigned long long v)
{
	size_t i = 24;

	do
		t[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return i;
}

char *
tri_out_put_uint(char *p, unsigned long long v)
{
	char t[24];
	size_t i = digits_in(t, v);

	memcpy(p, t + i, 24 - i);
	return p + 24 - i;
}

/* Right-aligned in width. */
char *
tri_out_put_num(char *p, unsigned long long v, size_t width)
{
	char t[24];
	size_t i = digits_in(t, v), n = 24 - i;

	if (width > n) {
		memset(p, ' ', width - n);
		p += width - n;
	}
	memcpy(p, t + i, n);
	p[n] = ' ';
	return p + n + 1;
}

/* Left-aligned in width. */
char *
tri_out_put_word(char *p, const char *s, size_t width)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	if (width > n) {
		memset(p + n, ' ', width - n);
		n = width;
	}
	p[n] = ' ';
	return p + n + 1;
}

size_t
tri_out_digits(unsigned long long v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

size_t
tri_out_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/*
 * JSON strings decode to the bytes themselves where JSON can say them
 * (control characters as \uXXXX, so none is raw in the output); a byte
 * that is not UTF-8 becomes the text backslash-x-HH, and so that this
 * cannot be taken for a name that holds those four characters, a
 * backslash becomes two.  man 7 triage documents it.
 */
int
tri_out_json_str(FILE *f, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	unsigned int cp;
	size_t i = 0, n;

	putc('"', f);
	while (i < len) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			for (n = i + 1; n < len && s[n] >= 0x20 && s[n] < 0x7f &&
			    s[n] != '"' && s[n] != '\\'; n++)
				;
			fwrite(s + i, 1, n - i, f);
			i = n;
		} else if (c >= 0x80 && (n = utf8_decode(s + i, len - i,
		    &cp)) > 0) {
			if (unprintable_cp(cp))
				fprintf(f, "\\u%04x", cp);
			else
				fwrite(s + i, 1, n, f);
			i += n;
		} else if (c >= 0x80) {
			fprintf(f, "\\\\x%02x", c);
			i++;
		} else {
			i++;
			if (c == '"')
				fputs("\\\"", f);
			else if (c == '\\')
				fputs("\\\\\\\\", f);
			else if (c == '\n')
				fputs("\\n", f);
			else if (c == '\t')
				fputs("\\t", f);
			else
				fprintf(f, "\\u%04x", c);
		}
	}
	return putc('"', f) == EOF ? -1 : 0;
}

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

/* Tables */

void
tri_table_init(struct tri_table *t)
{
	memset(t, 0, sizeof(*t));
}

void
tri_table_col(struct tri_table *t, const char *name, enum tri_align a)
{
	if (t->ncols >= (int)(sizeof(t->cols) / sizeof(t->cols[0])))
		return;
	t->cols[t->ncols].name = name;
	t->cols[t->ncols].align = a;
	t->cols[t->ncols].width = tri_out_width(name);
	t->ncols++;
}

static int
add_cell(struct tri_table *t, char *text)
{
	size_t idx, w;
	char **nc;

	if (text == NULL)
		return -1;
	if (t->cur == 0) {
		if (t->nrows == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 64;
			nc = realloc(t->cells, t->cap * (size_t)t->ncols *
			    sizeof(*nc));
			if (nc == NULL) {
				free(text);
				return -1;
			}
			t->cells = nc;
		}
		memset(t->cells + t->nrows * (size_t)t->ncols, 0,
		    (size_t)t->ncols * sizeof(*t->cells));
		t->nrows++;
	}
	idx = (t->nrows - 1) * (size_t)t->ncols + (size_t)t->cur;
	t->cells[idx] = text;
	w = tri_out_width(text);
	if (w > t->cols[t->cur].width)
		t->cols[t->cur].width = w;
	t->cur = (t->cur + 1) % t->ncols;
	return 0;
}

int
tri_table_cell(struct tri_table *t, const char *s, size_t len)
{
	return add_cell(t, tri_out_escape_dup(s, len));
}

int
tri_table_cell_raw(struct tri_table *t, const char *text)
{
	return add_cell(t, strdup(text));
}

int
tri_table_cellf(struct tri_table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return add_cell(t, r < 0 ? NULL : s);
}

static void
print_cell(const struct tri_table *t, FILE *f, int c, const char *s)
{
	size_t w = tri_out_width(s), pad = t->cols[c].width - w;
	bool last = c == t->ncols - 1;

	if (c > 0)
		putc(' ', f);
	if (t->cols[c].align == TRI_RIGHT)
		fprintf(f, "%*s", (int)pad, "");
	fputs(s, f);
	if (t->cols[c].align == TRI_LEFT && !last)
		fprintf(f, "%*s", (int)pad, "");
}

int
tri_table_print(struct tri_table *t, FILE *f, bool header)
{
	size_t r;
	int c;

	if (header) {
		for (c = 0; c < t->ncols; c++)
			print_cell(t, f, c, t->cols[c].name);
		putc('\n', f);
	}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * (size_t)t->ncols + (size_t)c];

			print_cell(t, f, c, s ? s : "");
		}
		putc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

/* The column indexes cols names into sel (at most 32); their count, or
 * -1 with *bad at the name that is none (not copied). */
static int
table_sel(const struct tri_table *t, const char *cols, int *sel,
    const char **bad, size_t *badlen)
{
	const char *p = cols, *e;
	size_t len;
	int n = 0, c;

	if (cols == NULL) {
		for (c = 0; c < t->ncols; c++)
			sel[n++] = c;
		return n;
	}
	for (;;) {
		e = strchr(p, ',');
		len = e ? (size_t)(e - p) : strlen(p);
		for (c = 0; c < t->ncols; c++)
			if (strlen(t->cols[c].name) == len &&
			    strncasecmp(t->cols[c].name, p, len) == 0)
				break;
		if (c == t->ncols || len == 0 || n == 32) {
			*bad = p;
			*badlen = len;
			return -1;
		}
		sel[n++] = c;
		if (e == NULL)
			return n;
		p = e + 1;
	}
}

int
tri_table_check_cols(const struct tri_table *t, const char *cols, char **bad)
{
	const char *b;
	size_t bl;
	int sel[32];

	if (table_sel(t, cols, sel, &b, &bl) >= 0)
		return 0;
	*bad = strndup(b, bl);
	errno = EINVAL;
	return -1;
}

static void
print_sel_cell(const struct tri_table *t, FILE *f, int c, bool last,
    const char *s, bool raw)
{
	size_t w = tri_out_width(s), pad = t->cols[c].width - w;

	if (raw) {
		for (; *s; s++)
			if (*s == ' ')
				fputs("\\x20", f);
			else
				putc(*s, f);
		if (!last)
			putc(' ', f);
		return;
	}
	if (t->cols[c].align == TRI_RIGHT)
		fprintf(f, "%*s", (int)pad, "");
	fputs(s, f);
	if (!last)
		fprintf(f, "%*s ", t->cols[c].align == TRI_LEFT ? (int)pad : 0,
		    "");
}

int
tri_table_print_sel(struct tri_table *t, FILE *f, bool header,
    const char *cols, bool raw)
{
	const char *b, *s;
	size_t r, bl;
	int sel[32], n, k;

	if ((n = table_sel(t, cols, sel, &b, &bl)) < 0) {
		errno = EINVAL;
		return -1;
	}
	for (r = 0; header || r < t->nrows; ) {
		for (k = 0; k < n; k++) {
			s = header ? t->cols[sel[k]].name :
			    t->cells[r * (size_t)t->ncols + (size_t)sel[k]];
			print_sel_cell(t, f, sel[k], k == n - 1, s ? s : "",
			    raw);
		}
		putc('\n', f);
		if (header)
			header = false;
		else
			r++;
	}
	return ferror(f) ? -1 : 0;
}

void
tri_table_free(struct tri_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
	t->cur = 0;
}

/* Colour */

static bool color_on;

int
tri_out_parse_color(const char *arg, enum tri_color_mode *mode)
{
	if (arg == NULL || strcmp(arg, "auto") == 0 || strcmp(arg, "tty") == 0)
		*mode = TRI_COLOR_AUTO;
	else if (strcmp(arg, "always") == 0 || strcmp(arg, "yes") == 0)
		*mode = TRI_COLOR_ALWAYS;
	else if (strcmp(arg, "never") == 0 || strcmp(arg, "no") == 0)
		*mode = TRI_COLOR_NEVER;
	else {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

bool
tri_out_color_init(enum tri_color_mode mode)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	switch (mode) {
	case TRI_COLOR_ALWAYS:
		color_on = true;
		break;
	case TRI_COLOR_NEVER:
		color_on = false;
		break;
	default:
		color_on = isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0')
		    && !(term && strcmp(term, "dumb") == 0);
	}
	return color_on;
}

const char *
tri_out_sgr(const char *code)
{
	static char buf[8][32];
	static int slot;
	char *b;

	if (!color_on)
		return "";
	b = buf[slot++ & 7];
	snprintf(b, sizeof(buf[0]), "\033[%sm", code);
	return b;
}

const char *
tri_out_reset(void)
{
	return color_on ? "\033[0m" : "";
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
