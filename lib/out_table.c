/* lib/out_table.c - aligned and raw tables, and -o column selection. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "out.h"

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

