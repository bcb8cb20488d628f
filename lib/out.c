/* lib/out.c - escaping of untrusted bytes, numbers and widths, colour;
 * the JSON writer is lib/out_json.c, tables lib/out_table.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

