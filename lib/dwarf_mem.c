/* lib/dwarf_mem.c - a loaded tri_dwarf's arena and interned strings. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>	/* lib/dwarf.h, found on -Ilib so that it can include_next */
#include "dwarf_int.h"

/*
 * The identity of a layout, or of a string: a 64-bit hash taken eight
 * bytes at a time (byte-wise FNV-1a was a twentieth of a run).
 */
uint64_t
tri_dwarf_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t w;

	for (; n >= 8; n -= 8, s += 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	for (; n; n--)
		h = (h ^ *s++) * 0x100000001b3ULL;
	return h ^ (h >> 32);
}

struct chunk {
	struct chunk	*next;
	size_t		 used, size;
	char		 mem[];
};

struct tri_dwarf_arena {
	struct chunk	*head;
};

void *
tri_dwarf_alloc(struct tri_dwarf *d, size_t n)
{
	struct chunk *c = d->arena->head;
	size_t size;

	n = (n + 7) & ~(size_t)7;
	if (c == NULL || c->size - c->used < n) {
		size = n > 60000 ? n : 60000;
		if ((c = malloc(sizeof(*c) + size)) == NULL)
			return NULL;
		c->used = 0;
		c->size = size;
		c->next = d->arena->head;
		d->arena->head = c;
	}
	c->used += n;
	return c->mem + c->used - n;
}

const char *
tri_dwarf_strdup(struct tri_dwarf *d, const char *s)
{
	size_t n = strlen(s);
	char *p;

	if (n == 0)
		return "";
	if ((p = tri_dwarf_alloc(d, n + 1)) == NULL)
		return "";
	memcpy(p, s, n + 1);
	return p;
}

/* Member names and type spellings repeat: keep each once. */
const char *
tri_dwarf_intern(struct tri_dwarf *d, const char *s, size_t n)
{
	uint64_t h = tri_dwarf_fnv(0xcbf29ce484222325ULL, s, n);
	const char **v;
	size_t i, j, size;
	char *p;

	if (n == 0 || (n == 1 && s[0] == '\0'))
		return "";
	if ((d->nstrs + 1) * 2 > d->strsize) {
		size = d->strsize ? d->strsize * 2 : 1024;
		if ((v = calloc(size, sizeof(*v))) == NULL)
			return "";
		for (i = 0; i < d->strsize; i++) {
			const char *o = d->strs[i];
			size_t on;

			if (o == NULL)
				continue;
			on = strlen(o) + 1;
			on += strlen(o + on);
			for (j = tri_dwarf_fnv(0xcbf29ce484222325ULL, o, on) & (size - 1);
			    v[j]; j = (j + 1) & (size - 1))
				;
			v[j] = o;
		}
		free(d->strs);
		d->strs = v;
		d->strsize = size;
	}
	for (j = h & (d->strsize - 1); d->strs[j]; j = (j + 1) &
	    (d->strsize - 1)) {
		const char *o = d->strs[j];
		size_t on = strlen(o) + 1;

		on += strlen(o + on);
		if (on == n && memcmp(o, s, n) == 0)
			return o;
	}
	if ((p = tri_dwarf_alloc(d, n + 2)) == NULL)
		return "";
	memcpy(p, s, n);
	p[n] = p[n + 1] = '\0';
	d->strs[j] = p;
	d->nstrs++;
	return p;
}

const char *
tri_dwarf_dims(const struct tri_dwarf_member *m)
{
	return m->name + strlen(m->name) + 1;
}

void
tri_dwarf_why(struct tri_dwarf *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
}

void
tri_dwarf_mem_free(struct tri_dwarf *d)
{
	struct chunk *c, *n;

	if (d->arena) {
		for (c = d->arena->head; c; c = n) {
			n = c->next;
			free(c);
		}
		free(d->arena);
	}
	free(d->strs);
	d->arena = NULL;
	d->strs = NULL;
}

int
tri_dwarf_mem_init(struct tri_dwarf *d)
{
	return (d->arena = calloc(1, sizeof(*d->arena))) == NULL ? -1 : 0;
}
