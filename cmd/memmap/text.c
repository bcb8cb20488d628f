/* cmd/memmap/text.c - the first line, --raw cells, and -A's argument. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memmap.h"

/* Text that is escaped already, with its spaces as \x20 (--raw). */
size_t
raw_spaces(char *dst, size_t size, const char *tmp, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < size; i++) {
		if (tmp[i] == ' ') {
			memcpy(dst + o, "\\x20", 4);
			o += 4;
		} else {
			dst[o++] = tmp[i];
		}
	}
	if (size)
		dst[o] = '\0';
	return o;
}

size_t
raw_escape(char *dst, size_t size, const char *s, size_t len)
{
	char tmp[8192];
	size_t n;

	n = tri_out_escape(tmp, sizeof(tmp), s, len);
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	return raw_spaces(dst, size, tmp, n);
}

/* "PID:   the command line", as pmap's first line ("[comm]" without one). */
void
title_line(const struct snap *s, char *buf, size_t size)
{
	char args[4096], *p;
	size_t n, i, len = s->cmdline_len;

	if (len == 0) {
		tri_out_escape(args, sizeof(args), s->comm, strlen(s->comm));
		snprintf(buf, size, "%d:   [%s]", (int)s->pid, args);
		return;
	}
	if (len > sizeof(args) / 4)
		len = sizeof(args) / 4;		/* a 128 KiB command line */
	if ((p = malloc(len)) == NULL) {
		snprintf(buf, size, "%d:", (int)s->pid);
		return;
	}
	memcpy(p, s->cmdline, len);
	for (i = 0; i < len; i++)
		if (p[i] == '\0')
			p[i] = ' ';
	n = tri_out_escape(args, sizeof(args), p, len);
	free(p);
	snprintf(buf, size, "%d:   %s%s", (int)s->pid, args,
	    len < s->cmdline_len || n >= sizeof(args) ? "..." : "");
}

/* Hex digits, with or without 0x, all of the string: 0 or -1. */
static int
parse_hex(const char *s, unsigned long long *v)
{
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!isxdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return errno || *end ? -1 : 0;
}

void
range_parse_or_exit(struct ctl *ctl, const char *arg)
{
	const char *comma = strchr(arg, ',');
	unsigned long long lo = 0, hi = ~0ULL;
	char part[40], *esc;
	size_t n;
	bool ok = *arg != '\0';

	/* "LOW,HIGH", "LOW," (to the end), ",HIGH", or "ADDR" alone */
	n = comma ? (size_t)(comma - arg) : strlen(arg);
	if (ok && n > 0) {
		ok = n < sizeof(part);
		if (ok) {
			memcpy(part, arg, n);
			part[n] = '\0';
			ok = parse_hex(part, &lo) == 0;
		}
	}
	if (ok && comma && comma[1] != '\0')
		ok = parse_hex(comma + 1, &hi) == 0;
	else if (ok && !comma)
		hi = lo;
	if (!ok || lo > hi) {
		esc = tri_out_escape_dup(arg, strlen(arg));
		errx(TRI_EXIT_FAIL, "-A %s: %s", esc ? esc : "?", ok ?
		    "LOW is above HIGH" : "not an address range (LOW,HIGH in "
		    "hex)");
	}
	ctl->have_range = true;
	ctl->lo = (unsigned long)lo;
	ctl->hi = (unsigned long)hi;
}
