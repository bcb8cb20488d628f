/* lib/jsonread.h - a reader for the JSON documents the commands write. */
#ifndef TRI_JSONREAD_H
#define TRI_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>

enum tri_jtype { TRI_J_NULL, TRI_J_BOOL, TRI_J_NUM, TRI_J_STR, TRI_J_ARR,
	TRI_J_OBJ };

struct tri_jval {
	enum tri_jtype	 type;
	double		 num;
	bool		 b;
	char		*str;		/* TRI_J_STR: decoded, NUL-ended */
	size_t		 len;
	struct tri_jval	*items;		/* TRI_J_ARR, TRI_J_OBJ */
	char		**keys;		/* TRI_J_OBJ */
	size_t		 n;
};

/*
 * Parse len bytes of strict JSON into *out (freed with
 * tri_jsonread_free).  Returns 0, or -1 with *where set to the byte
 * offset of the error and errno EINVAL (ENOMEM when out of memory).
 */
int	tri_jsonread_parse(const char *text, size_t len, struct tri_jval *out,
	    size_t *where);
void	tri_jsonread_free(struct tri_jval *v);
/* The value of key in the object obj, or NULL (not an object, no key). */
const struct tri_jval *tri_jsonread_get(const struct tri_jval *obj,
	    const char *key);

#endif /* TRI_JSONREAD_H */
