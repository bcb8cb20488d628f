/* lib/fdverdict.h - the fd verdict: headroom, growth, time to the limit. */
#ifndef TRI_FDVERDICT_H
#define TRI_FDVERDICT_H

#include <stdbool.h>
#include <stddef.h>

struct tri_proc;

#define TRI_FDVERDICT_WARN_PERCENT	80.0	/* "near the limit" above */
#define TRI_FDVERDICT_SELECT_LIMIT	1024	/* FD_SETSIZE */
#define TRI_FDVERDICT_MIN_GROWTH	2	/* fds a group must gain */

/*
 * One verdict, one place: fdleak (--summary, --watch, the listing) and
 * triage's fd check both call these, never a copy.
 *
 * triage calls it in two steps:
 *
 *	struct tri_fdverdict v;
 *	struct tri_fdverdict_window w = { 0 };
 *	struct tri_fdverdict_series total = { 0 };
 *
 *	tri_fdverdict_read(&v, p);		headroom now (no fd is read)
 *	for each sample at time t (seconds, any origin):
 *		tri_fdverdict_sample(&w, t);
 *		tri_fdverdict_count(&w, &total, count);
 *	tri_fdverdict_growth(&v, &w, &total, NULL, NULL, 0);
 *
 * and reads v.verdict, v.leaking, v.near_limit, v.seconds_to_limit.
 * fdleak --watch adds one series per group of fds (what the fds point to)
 * and the count of fds opened in the window and never closed, so that
 * v.group names the group that grows fastest.
 */
struct tri_fdverdict {
	unsigned long		 count;		/* open fds */
	unsigned long long	 soft, hard;	/* RLIM_INFINITY: unlimited */
	int			 maxfd;		/* highest fd, -1 unknown */
	double			 used_percent;	/* of soft; 0 when unlimited */
	unsigned long long	 headroom;	/* soft - count; RLIM_INFINITY */
	bool			 near_limit;	/* over WARN_PERCENT */
	bool			 select_broken;	/* maxfd >= FD_SETSIZE */
	/* Set by tri_fdverdict_growth; 0, -1, false and -1 before. */
	double			 rate_per_second;	/* least squares */
	double			 seconds_to_limit;	/* -1 never, 0 reached */
	bool			 leaking;	/* some series grows */
	long			 group;		/* fastest growing group, -1 */
	char			 verdict[160];	/* one line for a person */
};

/* The time sums of a sampling window, shared by every series in it. */
struct tri_fdverdict_window {
	unsigned long	 samples;
	double		 first_t, last_t;
	double		 st, stt;
};

/* One counted series (all fds, or one group) over the window. */
struct tri_fdverdict_series {
	unsigned long	 first, last;	/* at the first and last sample */
	double		 sc, stc;	/* sums of count and time*count */
};

/*
 * Headroom from facts the caller read: count, soft and hard limits
 * (RLIM_INFINITY for unlimited), the highest fd (-1 unknown).  Sets the
 * verdict text and clears the growth fields.
 */
void	tri_fdverdict_headroom(struct tri_fdverdict *v, unsigned long count,
	    unsigned long long soft, unsigned long long hard, int maxfd);
/*
 * The same from /proc: st_size of fd/ (the count, no directory read) and
 * "Max open files" of limits; maxfd stays -1.  0, or -1 with errno
 * (ESRCH gone, EACCES refused).
 */
int	tri_fdverdict_read(struct tri_fdverdict *v, const struct tri_proc *p);

/* Start a sample at time t; then count every series for it. */
void	tri_fdverdict_sample(struct tri_fdverdict_window *w, double t);
/* Add series s's count at the current sample (a series that appears
 * late counted 0 before; its first stays 0). */
void	tri_fdverdict_count(const struct tri_fdverdict_window *w,
	    struct tri_fdverdict_series *s, unsigned long count);
/* Least-squares slope of s over w, per second; 0 with < 2 samples. */
double	tri_fdverdict_rate(const struct tri_fdverdict_window *w,
	    const struct tri_fdverdict_series *s);
/*
 * Whether group s grows: it gained MIN_GROWTH fds, the slope is positive,
 * and (when the caller tracks fd identities) at least MIN_GROWTH of its
 * fds were opened in the window and never closed; never_closed is
 * (unsigned long)-1 when not tracked.
 */
bool	tri_fdverdict_growing(const struct tri_fdverdict_window *w,
	    const struct tri_fdverdict_series *s, unsigned long never_closed);
/*
 * Growth over the window: the rate of total, the time to the soft limit
 * at that rate (from v->count, which the caller set to the last count),
 * and, over ngroups groups (never_closed may be NULL), whether one grows
 * and which grows fastest.  With no group, a total that gained
 * MIN_GROWTH with a positive slope counts as leaking.  Rewrites the
 * verdict text.
 */
void	tri_fdverdict_growth(struct tri_fdverdict *v,
	    const struct tri_fdverdict_window *w,
	    const struct tri_fdverdict_series *total,
	    const struct tri_fdverdict_series *groups,
	    const unsigned long *never_closed, size_t ngroups);

#endif /* TRI_FDVERDICT_H */
