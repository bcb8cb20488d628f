/* cmd/systrace/dwrite.c - one writer for decoded values: strace text or JSON. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ioctl.h>

#include "systrace.h"

/*
 * A decoder says what a structure holds once (dw_obj, dw_key, dw_int,
 * dw_flags ...); the writer turns it into strace's text ({st_mode=...,
 * st_size=6, ...}) or a JSON object ({"mode": "...", "size_bytes": 6}).
 * Text keys and JSON keys differ, since the JSON ones follow man 7
 * triage's vocabulary (units last, lower_snake_case).
 */
void
dw_init(struct dw *w, struct ctl *ctl, struct tri_ptrace_task *t)
{
	struct task *k = t->user;

	memset(w, 0, sizeof(*w));
	w->ctl = ctl;
	w->t = t;
	w->b = &k->line;
	w->j = ctl->json ? &k->j : NULL;
	/* fields at the top (clone's) are separated as in an object */
	w->first[0] = true;
	w->sep[0] = ", ";
}

/* Text: the separator before an element of an array. */
static void
pre(struct dw *w)
{
	if (w->j || w->depth == 0 || w->keyed[w->depth])
		return;
	if (!w->first[w->depth])
		sb_puts(w->b, w->sep[w->depth]);
	w->first[w->depth] = false;
}

static void
push(struct dw *w, bool keyed, const char *sep)
{
	if (w->depth + 1 >= DW_DEPTH)
		return;
	w->depth++;
	w->first[w->depth] = true;
	w->keyed[w->depth] = keyed;
	w->sep[w->depth] = sep;
}

void
dw_obj(struct dw *w)
{
	pre(w);
	if (w->j)
		tri_json_obj_begin(w->j);
	else
		sb_add(w->b, "{", 1);
	push(w, true, ", ");
}

void
dw_arr(struct dw *w)
{
	pre(w);
	if (w->j)
		tri_json_arr_begin(w->j);
	else
		sb_add(w->b, "[", 1);
	push(w, false, ", ");
}

/* strace's signal sets: [INT TERM] */
void
dw_arr_sp(struct dw *w)
{
	dw_arr(w);
	w->sep[w->depth] = " ";
}

void
dw_end(struct dw *w)
{
	bool keyed = w->keyed[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (w->j && keyed)
		tri_json_obj_end(w->j);
	else if (w->j)
		tri_json_arr_end(w->j);
	else
		sb_add(w->b, keyed ? "}" : "]", 1);
}

/* A field: tkey= in text (none when NULL), jkey in JSON. */
void
dw_key(struct dw *w, const char *tkey, const char *jkey)
{
	if (w->j) {
		tri_json_key(w->j, jkey);
		return;
	}
	if (!w->first[w->depth])
		sb_puts(w->b, w->sep[w->depth]);
	w->first[w->depth] = false;
	if (tkey) {
		sb_puts(w->b, tkey);
		sb_add(w->b, "=", 1);
	}
}

/* Text only: ", ..." for the fields or elements not shown. */
void
dw_more(struct dw *w)
{
	if (w->j) {
		/* JSON has no "...": the event says "truncated": true */
		((struct task *)w->t->user)->cut = true;
		return;
	}
	if (!w->first[w->depth])
		sb_puts(w->b, w->sep[w->depth]);
	w->first[w->depth] = false;
	sb_add(w->b, "...", 3);
}

/* Text only, as it is (a comment such as " /+ 3 vars +/"). */
void
dw_text(struct dw *w, const char *s)
{
	if (!w->j)
		sb_puts(w->b, s);
}

void
dw_int(struct dw *w, long long v)
{
	pre(w);
	if (w->j)
		tri_json_int(w->j, v);
	else
		sb_int(w->b, v);
}

void
dw_uint(struct dw *w, unsigned long long v)
{
	pre(w);
	if (w->j)
		tri_json_uint(w->j, v);
	else
		sb_uint(w->b, v);
}

/* A number strace shows in hex (an address, a mask): a number in JSON. */
void
dw_hex(struct dw *w, unsigned long long v)
{
	pre(w);
	if (w->j)
		tri_json_uint(w->j, v);
	else
		sb_hex(w->b, v);
}

void
dw_ptr(struct dw *w, unsigned long long v)
{
	if (v == 0 && !w->j) {
		pre(w);
		sb_puts(w->b, "NULL");
		return;
	}
	dw_hex(w, v);
}

/* A number in a text form such as htons(80); the number in JSON. */
void
dw_uint_in(struct dw *w, const char *pre_text, unsigned long long v,
    const char *post_text)
{
	pre(w);
	if (w->j) {
		tri_json_uint(w->j, v);
		return;
	}
	sb_puts(w->b, pre_text);
	sb_uint(w->b, v);
	sb_puts(w->b, post_text);
}

/* A mode such as 0644 (an octal number in text, a number in JSON). */
void
dw_oct(struct dw *w, unsigned long long v)
{
	pre(w);
	if (w->j)
		tri_json_uint(w->j, v);
	else
		sb_printf(w->b, "%#03llo", v);
}

/* A symbol (SIG_DFL, AT_FDCWD): bare in text, a string in JSON. */
void
dw_sym(struct dw *w, const char *s)
{
	pre(w);
	if (w->j)
		tri_json_str(w->j, s);
	else
		sb_puts(w->b, s);
}

/* Bytes from the process: quoted strace's way, or a JSON string. */
void
dw_str(struct dw *w, const char *s, size_t n, bool more)
{
	pre(w);
	if (w->j) {
		tri_json_strn(w->j, s, n);
		if (more)
			((struct task *)w->t->user)->cut = true;
		return;
	}
	sb_quote(w->b, (const unsigned char *)s, n);
	if (more)
		sb_add(w->b, "...", 3);
}

void
dw_null(struct dw *w)
{
	pre(w);
	if (w->j)
		tri_json_null(w->j);
	else
		sb_puts(w->b, "NULL");
}

/* v by flag set id: A|B|0x40 in text, ["A", "B", "0x40"] in JSON. */
void
dw_flags(struct dw *w, int id, unsigned long long v)
{
	const char *names[64];
	unsigned long long rest;
	size_t n, i;
	char hex[24];

	n = tri_syscalls_flags(id, v, names, 64, &rest);
	pre(w);
	if (w->j) {
		tri_json_arr_begin(w->j);
		for (i = 0; i < n; i++)
			tri_json_str(w->j, names[i]);
		/* no flag at all is [], bits without a name their hex */
		if (rest) {
			snprintf(hex, sizeof(hex), "%#llx", rest);
			tri_json_str(w->j, hex);
		}
		tri_json_arr_end(w->j);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i)
			sb_add(w->b, "|", 1);
		sb_puts(w->b, names[i]);
	}
	if (rest || n == 0) {
		if (n)
			sb_add(w->b, "|", 1);
		sb_hex(w->b, rest);
	}
}

void
dw_flags_named(struct dw *w, const char *set, unsigned long long v)
{
	dw_flags(w, tri_syscalls_set_id(set), v);
}

/*
 * v by value set id: its name.  A value the set does not hold is shown
 * as strace shows it: in hex, then the set's comment for it (0x63 and
 * RLIMIT_??? in a C comment), a negative int by its 32 bits as strace's
 * %#x; in a set with no comment, as a number.  JSON has the number.
 */
void
dw_enum(struct dw *w, int id, long long v)
{
	const char *n = tri_syscalls_xlat(id, (unsigned long long)v);
	const struct tri_sc_set *set;

	if (n)
		dw_sym(w, n);
	else if (!w->j && (set = tri_syscalls_set(id)) != NULL &&
	    set->unknown != NULL) {
		dw_hex(w, v < 0 && v >= INT_MIN ? (unsigned)v :
		    (unsigned long long)v);
		sb_puts(w->b, " /* ");
		sb_puts(w->b, set->unknown);
		sb_puts(w->b, " */");
	} else if (v < 0 || v > 0xffff)
		dw_hex(w, (unsigned long long)v);
	else
		dw_int(w, v);
}

/*
 * An ioctl(2) request: its name, or strace's _IOC(dir, type, nr, size)
 * of the bits of one it does not name.  JSON has the number.
 */
void
dw_ioctl(struct dw *w, int id, unsigned cmd)
{
	static const char *const dirs[] = { "_IOC_NONE", "_IOC_WRITE",
	    "_IOC_READ", "_IOC_READ|_IOC_WRITE" };
	const char *n = tri_syscalls_xlat(id, cmd);

	if (n != NULL) {
		dw_sym(w, n);
		return;
	}
	if (w->j) {
		dw_uint(w, cmd);
		return;
	}
	pre(w);
	sb_puts(w->b, "_IOC(");
	sb_puts(w->b, dirs[_IOC_DIR(cmd) & 3]);
	sb_puts(w->b, ", ");
	sb_hex(w->b, _IOC_TYPE(cmd));
	sb_puts(w->b, ", ");
	sb_hex(w->b, _IOC_NR(cmd));
	sb_puts(w->b, ", ");
	sb_hex(w->b, _IOC_SIZE(cmd));
	sb_puts(w->b, ")");
}

void
dw_signal(struct dw *w, int sig)
{
	const char *n = sig_name(sig);

	if (n)
		dw_sym(w, n);
	else
		dw_int(w, sig);
}

/* A file mode: S_IFREG|S_ISUID|0644, a string in JSON too. */
void
dw_mode(struct dw *w, unsigned mode)
{
	struct sbuf m = { 0 };
	const char *type;

	type = tri_syscalls_xlat(tri_syscalls_set_id("stat_modes"),
	    mode & 0170000);
	sb_puts(&m, type ? type : "0");
	if (mode & 04000)
		sb_puts(&m, "|S_ISUID");
	if (mode & 02000)
		sb_puts(&m, "|S_ISGID");
	if (mode & 01000)
		sb_puts(&m, "|S_ISVTX");
	sb_printf(&m, "|%#04o", mode & 0777);
	dw_sym(w, m.p ? m.p : "0");
	free(m.p);
}
