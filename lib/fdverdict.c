/* lib/fdverdict.c - the fd verdict: headroom, growth, time to the limit. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "fdverdict.h"
#include "proc.h"

static void
text_headroom(struct tri_fdverdict *v)
{
	if (v->soft == RLIM_INFINITY)
		snprintf(v->verdict, sizeof(v->verdict), "%lu fds, no soft "
		    "limit", v->count);
	else if (v->count >= v->soft)
		snprintf(v->verdict, sizeof(v->verdict), "%lu fds: the soft "
		    "limit %llu is reached", v->count, v->soft);
	else
		snprintf(v->verdict, sizeof(v->verdict), "%lu fds, %.1f%% of "
		    "the soft limit %llu (%llu left)%s", v->count,
		    v->used_percent, v->soft, v->headroom, v->near_limit ?
		    ": \"Too many open files\" is near" : "");
}

void
tri_fdverdict_headroom(struct tri_fdverdict *v, unsigned long count,
    unsigned long long soft, unsigned long long hard, int maxfd)
{
	memset(v, 0, sizeof(*v));
	v->count = count;
	v->soft = soft;
	v->hard = hard;
	v->maxfd = maxfd;
	if (soft == RLIM_INFINITY || soft == 0) {
		v->used_percent = 0;
		v->headroom = soft == 0 ? 0 : RLIM_INFINITY;
	} else {
		v->used_percent = 100.0 * (double)count / (double)soft;
		v->headroom = count >= soft ? 0 : soft - count;
	}
	v->near_limit = v->used_percent > TRI_FDVERDICT_WARN_PERCENT;
	v->select_broken = maxfd >= TRI_FDVERDICT_SELECT_LIMIT;
	v->seconds_to_limit = -1;
	v->group = -1;
	text_headroom(v);
}

int
tri_fdverdict_read(struct tri_fdverdict *v, const struct tri_proc *p)
{
	unsigned long long soft = RLIM_INFINITY, hard = RLIM_INFINITY;
	unsigned long n;

	if (tri_proc_fd_count(p, &n) < 0 ||
	    tri_proc_read_limit(p, "Max open files", &soft, &hard) < 0)
		return -1;
	tri_fdverdict_headroom(v, n, soft, hard, -1);
	return 0;
}

void
tri_fdverdict_sample(struct tri_fdverdict_window *w, double t)
{
	if (w->samples++ == 0)
		w->first_t = t;
	w->last_t = t;
	w->st += t;
	w->stt += t * t;
}

void
tri_fdverdict_count(const struct tri_fdverdict_window *w,
    struct tri_fdverdict_series *s, unsigned long count)
{
	if (w->samples == 1)
		s->first = count;
	s->last = count;
	s->sc += (double)count;
	s->stc += w->last_t * (double)count;
}

double
tri_fdverdict_rate(const struct tri_fdverdict_window *w,
    const struct tri_fdverdict_series *s)
{
	double n = (double)w->samples, d = n * w->stt - w->st * w->st;

	if (w->samples < 2 || d <= 0)
		return 0;
	return (n * s->stc - w->st * s->sc) / d;
}

bool
tri_fdverdict_growing(const struct tri_fdverdict_window *w,
    const struct tri_fdverdict_series *s, unsigned long never_closed)
{
	return s->last >= s->first + TRI_FDVERDICT_MIN_GROWTH &&
	    never_closed >= TRI_FDVERDICT_MIN_GROWTH &&
	    tri_fdverdict_rate(w, s) > 0;
}

void
tri_fdverdict_growth(struct tri_fdverdict *v,
    const struct tri_fdverdict_window *w,
    const struct tri_fdverdict_series *total,
    const struct tri_fdverdict_series *groups,
    const unsigned long *never_closed, size_t ngroups)
{
	double best = 0, r;
	size_t i;

	v->rate_per_second = tri_fdverdict_rate(w, total);
	v->leaking = false;
	v->group = -1;
	for (i = 0; i < ngroups; i++) {
		if (!tri_fdverdict_growing(w, &groups[i], never_closed ?
		    never_closed[i] : (unsigned long)-1))
			continue;
		v->leaking = true;
		if ((r = tri_fdverdict_rate(w, &groups[i])) > best) {
			best = r;
			v->group = (long)i;
		}
	}
	if (ngroups == 0)
		v->leaking = tri_fdverdict_growing(w, total, (unsigned long)-1);
	if (v->rate_per_second <= 0 || v->soft == RLIM_INFINITY)
		v->seconds_to_limit = -1;
	else if (v->count >= v->soft)
		v->seconds_to_limit = 0;
	else
		v->seconds_to_limit = (double)(v->soft - v->count) /
		    v->rate_per_second;
	if (!v->leaking) {
		text_headroom(v);
		return;
	}
	if (v->seconds_to_limit > 0)
		snprintf(v->verdict, sizeof(v->verdict), "leaking: %+.1f fds/s,"
		    " %lu of %llu, the soft limit in %.0f s",
		    v->rate_per_second, v->count, v->soft, v->seconds_to_limit);
	else if (v->seconds_to_limit == 0)
		snprintf(v->verdict, sizeof(v->verdict), "leaking: %+.1f fds/s,"
		    " the soft limit %llu is reached", v->rate_per_second,
		    v->soft);
	else
		snprintf(v->verdict, sizeof(v->verdict), "leaking: %+.1f fds/s,"
		    " %lu fds", v->rate_per_second, v->count);
}
