/* tests/unit/unit.h - a tiny TAP harness for the library's unit tests. */
#ifndef TRI_UNIT_H
#define TRI_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed, unit_n;
static const char *unit_name;

/* Each check prints one diagnostic on failure; each TEST one TAP line. */
#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: %s: check failed: %s\n", __FILE__,	\
		    __LINE__, unit_name, #cond);			\
		unit_failed++;						\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {		\
		printf("# %s:%d: %s: \"%s\" != \"%s\"\n", __FILE__,	\
		    __LINE__, unit_name, a_ ? a_ : "(null)",		\
		    b_ ? b_ : "(null)");				\
		unit_failed++;						\
	}								\
} while (0)

#define RUN(fn) do {							\
	int before_ = unit_failed;					\
	unit_name = #fn;						\
	fn();								\
	printf("%s %d - %s\n", unit_failed == before_ ? "ok" : "not ok",\
	    ++unit_n, #fn);						\
} while (0)

#define UNIT_END()	(printf("1..%d\n", unit_n), unit_failed ? 1 : 0)

#endif /* TRI_UNIT_H */
