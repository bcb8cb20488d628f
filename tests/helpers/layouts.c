/* tests/helpers/layouts.c - struct layouts for structpad's tests; run, it prints what the compiler made of them. */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The seed example: 10 bytes of members in 24. */
struct seed {
	bool	 a;
	int64_t	 b;
	bool	 c;
};

struct bits {
	int		 a:3;
	long		 b;
	char		 c:2;
	char		 d;
	unsigned int	 e:20;
	unsigned int	 f:20;
	unsigned short	 g:1;
};

union value {
	int	 i;
	double	 d;
	char	 s[12];
};

struct nested {
	char	 kind;
	union {
		int	 i;
		double	 d;
	} u;
	struct {
		char	 p;
		long	 q;
	} s;
	union {			/* anonymous member */
		short	 x;
		int	 y;
	};
	char	 tail;
};

struct flex {
	uint32_t len;
	char	 pad;
	char	 data[];
};

struct atomics {
	bool		 ready;
	_Atomic long	 count;
	char		 tag;
	_Atomic int	 flags[2];
};

struct aligned {
	char			 c;
	alignas(32) int		 x;
	char			 d;
};

struct __attribute__((packed)) packed {
	char	 c;
	int	 i;
	short	 s;
};

enum color { RED, GREEN, BLUE };

struct point {
	short	 x;
	int	 y;
};

struct shapes {
	enum color	 color;
	struct point	 pts[3];
	char		 name[5];
	double		 area;
};

/* Two counters written by different threads, on one cache line. */
struct counters {
	long		 reads;
	long		 writes;
	pthread_mutex_t	 lock;
	char		 name[8];
};

/* For --suggest: holes to squeeze out, a bit-field run kept whole. */
struct reorder {
	char		 a;
	double		 b;
	short		 c;
	unsigned int	 f1:3, f2:5;
	char		 d;
	int		 e;
	void		*p;
	char		 z;
};

/* Hostile names reach the output escaped. */
struct big {
	char	 head;
	char	 line1[64];
	int	 mid;
	char	 line2[70];
	long	 last;
};

struct seed v_seed;
struct bits v_bits;
union value v_value;
struct nested v_nested;
struct flex v_flex;
struct atomics v_atomics;
struct aligned v_aligned;
struct packed v_packed;
struct shapes v_shapes;
struct counters v_counters;
struct reorder v_reorder;
struct big v_big;

#define T(kind, name) printf("%s %s %zu\n", #kind, #name, sizeof(kind name))
#define M(kind, name, m) printf("%s %s %s %zu %zu\n", #kind, #name, #m, \
	offsetof(kind name, m), sizeof(((kind name *)0)->m))

int
main(void)
{
	T(struct, seed); M(struct, seed, a); M(struct, seed, b);
	M(struct, seed, c);
	T(struct, bits); M(struct, bits, b); M(struct, bits, d);
	T(union, value); M(union, value, i); M(union, value, d);
	M(union, value, s);
	T(struct, nested); M(struct, nested, kind); M(struct, nested, u);
	M(struct, nested, s); M(struct, nested, tail);
	T(struct, flex); M(struct, flex, len); M(struct, flex, pad);
	/* a flexible array has no size: 0, as structpad shows it */
	printf("struct flex data %zu 0\n", offsetof(struct flex, data));
	T(struct, atomics); M(struct, atomics, ready);
	M(struct, atomics, count); M(struct, atomics, tag);
	M(struct, atomics, flags);
	T(struct, aligned); M(struct, aligned, c); M(struct, aligned, x);
	M(struct, aligned, d);
	T(struct, packed); M(struct, packed, c); M(struct, packed, i);
	M(struct, packed, s);
	T(struct, point); M(struct, point, x); M(struct, point, y);
	T(struct, shapes); M(struct, shapes, color); M(struct, shapes, pts);
	M(struct, shapes, name); M(struct, shapes, area);
	T(struct, counters); M(struct, counters, reads);
	M(struct, counters, writes); M(struct, counters, lock);
	M(struct, counters, name);
	T(struct, reorder); M(struct, reorder, a); M(struct, reorder, b);
	M(struct, reorder, c); M(struct, reorder, d); M(struct, reorder, e);
	M(struct, reorder, p); M(struct, reorder, z);
	T(struct, big); M(struct, big, head); M(struct, big, line1);
	M(struct, big, mid); M(struct, big, line2); M(struct, big, last);
	return 0;
}
