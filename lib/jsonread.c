/* lib/jsonread.c - read back JSON that a command wrote (a saved --json). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

/*
 * A small recursive-descent JSON parser.  No JSON library is among the
 * project's dependencies, and a command only needs to read back what it
 * wrote: strict JSON, nesting a few levels deep.
 */

#define JDEPTH	32

struct jp {
	const char	*s, *end, *start;
	int		 depth;
};

static int	value(struct jp *, struct tri_jval *);

static void
ws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\n' ||
	    *p->s == '\t' || *p->s == '\r'))
		p->s++;
}

static int
lit(struct jp *p, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0)
		return -1;
	p->s += n;
	return 0;
}

static int
hex4(const char *s, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* Append code point u as UTF-8. */
static size_t
utf8(char *d, unsigned u)
{
	if (u < 0x80) {
		d[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		d[0] = (char)(0xc0 | u >> 6);
		d[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		d[0] = (char)(0xe0 | u >> 12);
		d[1] = (char)(0x80 | (u >> 6 & 0x3f));
		d[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | u >> 18);
	d[1] = (char)(0x80 | (u >> 12 & 0x3f));
	d[2] = (char)(0x80 | (u >> 6 & 0x3f));
	d[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

static int
escape(struct jp *p, char *d, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	unsigned u, lo;

	if (p->s >= p->end)
		return -1;
	if ((k = strchr(from, *p->s)) != NULL && *p->s) {
		d[(*n)++] = to[k - from];
		p->s++;
		return 0;
	}
	if (*p->s != 'u' || p->end - p->s < 5 || hex4(p->s + 1, &u) < 0)
		return -1;
	p->s += 5;
	if (u >= 0xd800 && u < 0xdc00 && p->end - p->s >= 6 &&
	    p->s[0] == '\\' && p->s[1] == 'u' && hex4(p->s + 2, &lo) == 0 &&
	    lo >= 0xdc00 && lo < 0xe000) {
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		p->s += 6;
	}
	*n += utf8(d + *n, u);
	return 0;
}

static int
string(struct jp *p, char **out, size_t *len)
{
	const char *q;
	size_t n = 0;
	char *d;

	if (p->s >= p->end || *p->s != '"')
		return -1;
	p->s++;
	for (q = p->s; q < p->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= p->end || (d = malloc((size_t)(q - p->s) + 4)) == NULL)
		return -1;
	while (p->s < p->end && *p->s != '"') {
		if ((unsigned char)*p->s < 0x20)
			goto bad;
		if (*p->s != '\\') {
			d[n++] = *p->s++;
			continue;
		}
		p->s++;
		if (escape(p, d, &n) < 0)
			goto bad;
	}
	p->s++;
	d[n] = '\0';
	*out = d;
	*len = n;
	return 0;
bad:
	free(d);
	return -1;
}

static int
jnumber(struct jp *p, struct tri_jval *v)
{
	char *e;

	v->type = TRI_J_NUM;
	v->num = strtod(p->s, &e);
	if (e == p->s || e > p->end)
		return -1;
	p->s = e;
	return 0;
}

static int
push(struct tri_jval *v, struct tri_jval *item, char *key)
{
	struct tri_jval *ni;
	char **nk;

	if ((ni = realloc(v->items, (v->n + 1) * sizeof(*ni))) == NULL)
		return -1;
	v->items = ni;
	if (v->type == TRI_J_OBJ) {
		if ((nk = realloc(v->keys, (v->n + 1) * sizeof(*nk))) == NULL)
			return -1;
		v->keys = nk;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = *item;
	return 0;
}

static int
member(struct jp *p, struct tri_jval *v)
{
	struct tri_jval item;
	char *key = NULL;
	size_t len;

	ws(p);
	if (v->type == TRI_J_OBJ) {
		if (string(p, &key, &len) < 0)
			return -1;
		ws(p);
		if (lit(p, ":") < 0) {
			free(key);
			return -1;
		}
	}
	if (value(p, &item) < 0 || push(v, &item, key) < 0) {
		tri_jsonread_free(&item);
		free(key);
		return -1;
	}
	return 0;
}

static int
container(struct jp *p, struct tri_jval *v, enum tri_jtype t, char close)
{
	v->type = t;
	p->s++;
	if (++p->depth > JDEPTH)
		return -1;
	ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		p->depth--;
		return 0;
	}
	for (;;) {
		if (member(p, v) < 0)
			return -1;
		ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			p->depth--;
			return 0;
		}
		return -1;
	}
}

static int
value(struct jp *p, struct tri_jval *v)
{
	memset(v, 0, sizeof(*v));
	ws(p);
	if (p->s >= p->end)
		return -1;
	switch (*p->s) {
	case '{':
		return container(p, v, TRI_J_OBJ, '}');
	case '[':
		return container(p, v, TRI_J_ARR, ']');
	case '"':
		v->type = TRI_J_STR;
		return string(p, &v->str, &v->len);
	case 't':
		v->type = TRI_J_BOOL;
		v->b = true;
		return lit(p, "true");
	case 'f':
		v->type = TRI_J_BOOL;
		return lit(p, "false");
	case 'n':
		return lit(p, "null");
	default:
		return jnumber(p, v);
	}
}

int
tri_jsonread_parse(const char *text, size_t len, struct tri_jval *out,
    size_t *where)
{
	struct jp p = { text, text + len, text, 0 };

	if (value(&p, out) < 0) {
		*where = (size_t)(p.s - p.start);
		tri_jsonread_free(out);
		errno = EINVAL;
		return -1;
	}
	ws(&p);
	if (p.s != p.end) {
		*where = (size_t)(p.s - p.start);
		tri_jsonread_free(out);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

void
tri_jsonread_free(struct tri_jval *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		tri_jsonread_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

const struct tri_jval *
tri_jsonread_get(const struct tri_jval *obj, const char *key)
{
	size_t i;

	if (obj == NULL || obj->type != TRI_J_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}
