/* tests/unit/test_out.c - escaping, JSON and tables. */
#include <stdlib.h>

#include "out.h"
#include "unit.h"

static char *
esc(const char *s, size_t n)
{
	static char buf[256];

	tri_out_escape(buf, sizeof(buf), s, n);
	return buf;
}

static void
escape_controls(void)
{
	CHECK_STR(esc("\033]0;pwned\a", 10), "\\e]0;pwned\\x07");
	CHECK_STR(esc("a\nb\tc\\", 6), "a\\nb\\tc\\\\");
	CHECK_STR(esc("x\0y", 3), "x\\x00y");
	CHECK_STR(esc("\x7f", 1), "\\x7f");
	CHECK_STR(esc("plain name-1.2", 14), "plain name-1.2");
}

static void
escape_utf8(void)
{
	CHECK_STR(esc("caf\xc3\xa9", 5), "caf\xc3\xa9");		/* é passes */
	CHECK_STR(esc("\xe2\x9c\x93", 3), "\xe2\x9c\x93");	/* ✓ passes */
	CHECK_STR(esc("\xc3", 1), "\\xc3");			/* truncated */
	CHECK_STR(esc("\xc0\xaf", 2), "\\xc0\\xaf");		/* overlong */
	CHECK_STR(esc("\xc2\x9b", 2), "\\xc2\\x9b");		/* C1 CSI */
	CHECK_STR(esc("\xe2\x80\xae", 3), "\\xe2\\x80\\xae");	/* RLO */
	CHECK_STR(esc("\xed\xa0\x80", 3), "\\xed\\xa0\\x80");	/* surrogate */
}

static void
escape_sizes(void)
{
	char small[4];

	CHECK(tri_out_escape(small, sizeof(small), "\033\033", 2) == 4);
	CHECK_STR(small, "\\e\\");
	CHECK(tri_out_escape(NULL, 0, "abc", 3) == 3);
	CHECK(tri_out_width("caf\xc3\xa9") == 4);
	CHECK(tri_out_needs_escape("a\\b", 3));
	CHECK(!tri_out_needs_escape("ab", 2));
}

static char *
json_of(void (*fn)(struct tri_json *))
{
	static char buf[512];
	struct tri_json j;
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	tri_json_init(&j, f, false);
	fn(&j);
	fclose(f);
	return buf;
}

static void
doc(struct tri_json *j)
{
	tri_json_obj_begin(j);
	tri_json_kint(j, "pid", 42);
	tri_json_kstr(j, "comm", "\033[31m\"x\"");
	tri_json_key(j, "bytes");
	tri_json_strn(j, "\xff\n", 2);
	tri_json_key(j, "kids");
	tri_json_arr_begin(j);
	tri_json_int(j, 1);
	tri_json_obj_begin(j);
	tri_json_obj_end(j);
	tri_json_arr_end(j);
	tri_json_kbool(j, "ok", true);
	tri_json_obj_end(j);
	tri_json_end(j);
}

static void
json_writer(void)
{
	CHECK_STR(json_of(doc), "{\"pid\":42,\"comm\":\"\\u001b[31m\\\"x\\\"\","
	    "\"bytes\":\"\\\\xff\\n\",\"kids\":[1,{}],\"ok\":true}\n");
}

static void
ambiguous_doc(struct tri_json *j)
{
	tri_json_arr_begin(j);
	tri_json_strn(j, "\xff", 1);		/* the byte 0xff */
	tri_json_str(j, "\\xff");		/* the four characters \xff */
	tri_json_str(j, "a\\b");
	tri_json_str(j, "\xe2\x80\xae" "rtl\xc2\x9b");	/* U+202E, C1 CSI */
	tri_json_arr_end(j);
	tri_json_end(j);
}

/* The byte and the text of its escape must not decode alike. */
static void
json_unambiguous(void)
{
	CHECK_STR(json_of(ambiguous_doc),
	    "[\"\\\\xff\",\"\\\\\\\\xff\",\"a\\\\\\\\b\","
	    "\"\\u202ertl\\u009b\"]\n");
}

static void
numbers_doc(struct tri_json *j)
{
	tri_json_obj_begin(j);
	tri_json_schema(j, "test");
	tri_json_ktime_unix(j, 1796110123.4567);
	tri_json_kdouble(j, "t", 1796110123.4567);
	tri_json_kdouble(j, "tenth", 0.1);
	tri_json_kdouble(j, "big", 123456789012345.0);
	tri_json_kdouble(j, "nan", 0.0 / 0.0);
	tri_json_kint(j, "i", -9007199254740993LL);
	tri_json_obj_end(j);
	tri_json_end(j);
}

/* Full precision: a Unix time keeps its milliseconds, integers stay exact. */
static void
json_numbers(void)
{
	CHECK_STR(json_of(numbers_doc), "{\"schema\":\"triage.test/1\","
	    "\"time_unix\":1796110123.457,\"t\":1796110123.4567,"
	    "\"tenth\":0.1,\"big\":123456789012345,\"nan\":null,"
	    "\"i\":-9007199254740993}\n");
}

static void
argv_doc(struct tri_json *j)
{
	tri_json_obj_begin(j);
	/* a trailing NUL, an empty argument, and an unterminated last one */
	tri_json_kargv(j, "a", "sh\0-c\0\0x\0", 8);
	tri_json_kargv(j, "b", "ab\0cd", 5);
	tri_json_kargv(j, "c", NULL, 0);
	tri_json_obj_end(j);
	tri_json_end(j);
}

static void
json_argv(void)
{
	CHECK_STR(json_of(argv_doc),
	    "{\"a\":[\"sh\",\"-c\",\"\",\"x\"],\"b\":[\"ab\",\"cd\"],\"c\":[]}\n");
}

static void
or_null_doc(struct tri_json *j)
{
	tri_json_obj_begin(j);
	tri_json_kint_or_null(j, "i", true, -3);
	tri_json_kint_or_null(j, "ni", false, -3);
	tri_json_kuint_or_null(j, "u", true, 18446744073709551615ULL);
	tri_json_kuint_or_null(j, "nu", false, 1);
	tri_json_kdouble_or_null(j, "d", true, 0.25);
	tri_json_kdouble_or_null(j, "nd", false, 0.25);
	tri_json_obj_end(j);
	tri_json_end(j);
}

static void
json_or_null(void)
{
	CHECK_STR(json_of(or_null_doc), "{\"i\":-3,\"ni\":null,"
	    "\"u\":18446744073709551615,\"nu\":null,\"d\":0.25,\"nd\":null}\n");
}

static void
hand_cells(void)
{
	char buf[128], *p = buf;

	p = tri_out_put_num(p, 42, 5);
	p = tri_out_put_num(p, 0, 0);
	p = tri_out_put_num(p, 18446744073709551615ULL, 3);
	p = tri_out_put_word(p, "REG", 6);
	p = tri_out_put_word(p, "toolong", 2);
	p = tri_out_put_uint(p, 1234567);
	*p = '\0';
	CHECK_STR(buf, "   42 0 18446744073709551615 REG    toolong 1234567");
	CHECK(tri_out_digits(0) == 1 && tri_out_digits(9) == 1 &&
	    tri_out_digits(10) == 2 && tri_out_digits(~0ULL) == 20);
}

static void
table(void)
{
	static char buf[256];
	struct tri_table t;
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	tri_table_init(&t);
	tri_table_col(&t, "PID", TRI_RIGHT);
	tri_table_col(&t, "NAME", TRI_LEFT);
	tri_table_cellf(&t, "%d", 7);
	tri_table_cell(&t, "\033x", 2);
	tri_table_cellf(&t, "%d", 12345);
	tri_table_cell_raw(&t, "b");
	tri_table_print(&t, f, true);
	tri_table_free(&t);
	fclose(f);
	CHECK_STR(buf, "  PID NAME\n    7 \\ex\n12345 b\n");
}

static void
color_modes(void)
{
	enum tri_color_mode m;

	CHECK(tri_out_parse_color("always", &m) == 0 && m == TRI_COLOR_ALWAYS);
	CHECK(tri_out_parse_color("never", &m) == 0 && m == TRI_COLOR_NEVER);
	CHECK(tri_out_parse_color("sometimes", &m) == -1);
	CHECK(tri_out_color_init(TRI_COLOR_ALWAYS));
	CHECK_STR(tri_out_sgr("31"), "\033[31m");
	setenv("NO_COLOR", "1", 1);
	CHECK(!tri_out_color_init(TRI_COLOR_AUTO));
	CHECK_STR(tri_out_sgr("31"), "");
	CHECK_STR(tri_out_reset(), "");
}

int
main(void)
{
	RUN(escape_controls);
	RUN(escape_utf8);
	RUN(escape_sizes);
	RUN(json_writer);
	RUN(json_unambiguous);
	RUN(json_numbers);
	RUN(json_argv);
	RUN(json_or_null);
	RUN(hand_cells);
	RUN(table);
	RUN(color_modes);
	return UNIT_END();
}
