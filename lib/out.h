/* lib/out.h - escaping of untrusted bytes, tables, JSON and colour. */
#ifndef TRI_OUT_H
#define TRI_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Escaping for text output.  Bytes a process controls (names, command
 * lines, paths) pass through unchanged when they are printable ASCII or
 * valid printable UTF-8; everything else is shown as C-style escapes:
 * "\e", "\n", "\t", "\\", "\x7f".  The result never holds a control byte.
 */

/*
 * Escape len bytes of src into dst (size bytes, always NUL-terminated when
 * size > 0).  Returns the length the full escape needs, like snprintf.
 */
size_t	tri_out_escape(char *dst, size_t size, const char *src, size_t len);
/* Escape into a malloc'd string the caller frees; NULL on ENOMEM. */
char	*tri_out_escape_dup(const char *src, size_t len);
/* Write the escape of src to f.  Returns 0 or -1 on a write error. */
int	tri_out_fescape(FILE *f, const char *src, size_t len);
/* Whether src holds anything tri_out_escape would change. */
bool	tri_out_needs_escape(const char *src, size_t len);
/*
 * Display width of the escaped form (columns, counting one per UTF-8
 * character), for aligning tables.
 */
size_t	tri_out_width(const char *escaped);

/*
 * Cells written by hand, for tables too long for printf (a listing of
 * 100,000 fds or 50,000 mappings).  Each writes at p with no bounds check
 * (the caller leaves room: 21 bytes plus the width for a number) and
 * returns the end.  put_num and put_word add a space after the cell.
 */
char	*tri_out_put_uint(char *p, unsigned long long v);	/* digits */
char	*tri_out_put_num(char *p, unsigned long long v, size_t width);
char	*tri_out_put_word(char *p, const char *s, size_t width);
/* The number of decimal digits of v. */
size_t	tri_out_digits(unsigned long long v);

/*
 * Write src as a JSON string literal, quotes included.  It decodes to the
 * bytes themselves where JSON can hold them (control characters, C1 and
 * bidi controls written as \uXXXX escapes, never raw); a byte that is not
 * UTF-8 decodes to the four characters backslash, x and two hex digits,
 * and a backslash to two backslashes, so the byte 0xff and a name that
 * holds the text of its escape never decode alike (man 7 triage).
 */
int	tri_out_json_str(FILE *f, const char *src, size_t len);

/*
 * A streaming JSON writer.  Values written inside an object must be
 * preceded by tri_json_key().  Nesting up to TRI_JSON_DEPTH.
 */
#define TRI_JSON_DEPTH	64
struct tri_json {
	FILE	*f;
	int	 depth;
	bool	 pretty;
	bool	 first[TRI_JSON_DEPTH];
	bool	 after_key;
};

void	tri_json_init(struct tri_json *j, FILE *f, bool pretty);
void	tri_json_obj_begin(struct tri_json *j);
void	tri_json_obj_end(struct tri_json *j);
void	tri_json_arr_begin(struct tri_json *j);
void	tri_json_arr_end(struct tri_json *j);
void	tri_json_key(struct tri_json *j, const char *key);
void	tri_json_str(struct tri_json *j, const char *s);
void	tri_json_strn(struct tri_json *j, const char *s, size_t len);
void	tri_json_int(struct tri_json *j, long long v);
void	tri_json_uint(struct tri_json *j, unsigned long long v);
void	tri_json_double(struct tri_json *j, double v);
void	tri_json_bool(struct tri_json *j, bool v);
void	tri_json_null(struct tri_json *j);
/*
 * "schema": "triage.NAME/1", the first key of a command's top-level
 * object (man 7 triage).
 */
void	tri_json_schema(struct tri_json *j, const char *name);
/* "time_unix": seconds since the epoch, to the millisecond. */
void	tri_json_ktime_unix(struct tri_json *j, double t);
/* End a document: a newline after the top-level value. */
void	tri_json_end(struct tri_json *j);

/* key/value shorthands inside an object */
void	tri_json_kstr(struct tri_json *j, const char *k, const char *s);
void	tri_json_kint(struct tri_json *j, const char *k, long long v);
void	tri_json_kuint(struct tri_json *j, const char *k, unsigned long long v);
void	tri_json_kdouble(struct tri_json *j, const char *k, double v);
void	tri_json_kbool(struct tri_json *j, const char *k, bool v);
/* k: v with a fixed number of decimals (a Unix time to the microsecond,
 * which %.6g would round to ten seconds). */
void	tri_json_kfixed(struct tri_json *j, const char *k, double v,
	    int decimals);
/* k: v when known, else null (a value the kernel did not give) */
void	tri_json_kint_or_null(struct tri_json *j, const char *k, bool known,
	    long long v);
void	tri_json_kuint_or_null(struct tri_json *j, const char *k, bool known,
	    unsigned long long v);
void	tri_json_kdouble_or_null(struct tri_json *j, const char *k,
	    bool known, double v);
/* k: an array of the NUL-separated strings in args[0..len) (a command
 * line as /proc/PID/cmdline holds it); [] when len is 0. */
void	tri_json_kargv(struct tri_json *j, const char *k, const char *args,
	    size_t len);

/*
 * Aligned tables.  Add columns, then rows of cells; tri_table_print()
 * computes widths and prints.  Cell text is copied and escaped on entry
 * unless added with tri_table_cell_raw() (for text the command made).
 */
enum tri_align { TRI_LEFT, TRI_RIGHT };

struct tri_table_col {
	const char	*name;
	enum tri_align	 align;
	size_t		 width;
};

struct tri_table {
	struct tri_table_col	 cols[32];
	int			 ncols;
	char			**cells;	/* row-major, ncols per row */
	size_t			 nrows, cap;
	int			 cur;		/* cells filled in the current row */
};

void	tri_table_init(struct tri_table *t);
void	tri_table_col(struct tri_table *t, const char *name, enum tri_align a);
/* Cells fill the current row left to right; a full row starts the next. */
int	tri_table_cell(struct tri_table *t, const char *untrusted, size_t len);
int	tri_table_cell_raw(struct tri_table *t, const char *text);
int	tri_table_cellf(struct tri_table *t, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print with or without the header; the last column is never padded. */
int	tri_table_print(struct tri_table *t, FILE *f, bool header);
/*
 * -o/--output COLUMNS and --raw, as lsblk has them.  cols (NULL: all) is
 * a comma-separated list of column names, case-insensitive, printed in
 * that order; raw prints one space between cells, no padding, and a
 * space inside a cell as \x20 (lsblk --raw), so awk splits each row into
 * the same fields.  tri_table_check_cols: 0, or -1 EINVAL with *bad a
 * malloc'd copy of the first name that is no column (before anything is
 * printed).  tri_table_print_sel: 0, -1 on a bad name or write error.
 */
int	tri_table_check_cols(const struct tri_table *t, const char *cols,
	    char **bad);
int	tri_table_print_sel(struct tri_table *t, FILE *f, bool header,
	    const char *cols, bool raw);
void	tri_table_free(struct tri_table *t);

/*
 * Colour.  --color=auto colours only when stdout is a terminal, NO_COLOR is
 * unset or empty and TERM is not "dumb".
 */
enum tri_color_mode { TRI_COLOR_AUTO, TRI_COLOR_ALWAYS, TRI_COLOR_NEVER };

/* Parse "auto", "always", "never" (and "yes"/"no").  0 or -1 EINVAL. */
int	tri_out_parse_color(const char *arg, enum tri_color_mode *mode);
/* Decide once for the run; returns whether colour is on. */
bool	tri_out_color_init(enum tri_color_mode mode);
/* An SGR sequence ("31", "1;33") as a string, or "" when colour is off. */
const char *tri_out_sgr(const char *code);
/* The reset sequence, or "" when colour is off. */
const char *tri_out_reset(void);

#endif /* TRI_OUT_H */
