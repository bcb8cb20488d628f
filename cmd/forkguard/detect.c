/* cmd/forkguard/detect.c - tell a fork bomb from a burst by how the task count grows. */
#include <stdio.h>
#include <string.h>

#include "forkguard.h"

#define WINDOW		0.5	/* seconds the growth must be sustained */
#define SLICES		4	/* ... and rising in each quarter of it */
#define DOUBLINGS	3	/* successive doublings ... */
#define DOUBLE_STEP	0.05	/* ... each within this many seconds */
#define DOUBLE_MIN	16	/* ... ending at this many tasks at least */

void
detect_init(struct detector *d, double max_rate)
{
	memset(d, 0, sizeof(*d));
	d->max_rate = max_rate;
	d->window = WINDOW;
}

static const struct sample *
back(const struct detector *d, size_t k)
{
	return &d->ring[(d->n - 1 - k) % DET_RING];
}

/* The newest sample at least age seconds older than the newest, or NULL. */
static const struct sample *
at_age(const struct detector *d, double age)
{
	double now = back(d, 0)->t;
	size_t k;

	for (k = 1; k < d->n && k < DET_RING; k++)
		if (now - back(d, k)->t >= age)
			return back(d, k);
	return NULL;
}

/* Growth over the window above max_rate, rising in every slice of it. */
static bool
rate_rule(struct detector *d)
{
	const struct sample *cur = back(d, 0), *a, *b;
	double rate;
	int s;

	/* Before a whole window has passed, the figures span what there is. */
	if ((a = at_age(d, d->window)) == NULL)
		a = d->n > 1 ? back(d, d->n - 1 < DET_RING ? d->n - 1 :
		    DET_RING - 1) : cur;
	if (cur->t <= a->t)
		return false;
	rate = ((double)cur->tasks - (double)a->tasks) / (cur->t - a->t);
	if (rate > d->peak_rate)
		d->peak_rate = rate;
	if (cur->forks >= a->forks)
		d->forks_rate = (double)(cur->forks - a->forks) / (cur->t - a->t);
	if (rate < d->max_rate || cur->t - a->t < d->window)
		return false;
	for (s = 0; s < SLICES; s++) {
		a = s == 0 ? cur : at_age(d, d->window * s / SLICES);
		b = at_age(d, d->window * (s + 1) / SLICES);
		if (a == NULL || b == NULL || a->tasks <= b->tasks)
			return false;
	}
	snprintf(d->why, sizeof(d->why), "%.0f tasks/s for %.1f s (over "
	    "--max-rate %.0f)", rate, d->window, d->max_rate);
	d->reason = "rate";
	return true;
}

/* The count doubled DOUBLINGS times in a row, DOUBLE_STEP apart. */
static bool
doubling_rule(struct detector *d)
{
	const struct sample *a = back(d, 0), *b;
	int i;

	if (a->tasks < DOUBLE_MIN)
		return false;
	for (i = 1; i <= DOUBLINGS; i++) {
		if ((b = at_age(d, DOUBLE_STEP * i)) == NULL ||
		    b->tasks == 0 || a->tasks < 2 * b->tasks)
			return false;
		a = b;
	}
	snprintf(d->why, sizeof(d->why), "the task count doubled %d times "
	    "in %.2f s (to %llu)", DOUBLINGS, DOUBLE_STEP * DOUBLINGS,
	    (unsigned long long)back(d, 0)->tasks);
	d->reason = "doubling";
	return true;
}

bool
detect_feed(struct detector *d, const struct sample *s)
{
	if (!d->have_base) {
		d->refused0 = s->refused;
		d->have_base = true;
	}
	d->ring[d->n % DET_RING] = *s;
	d->n++;
	if (s->tasks > d->peak)
		d->peak = s->tasks;
	if (rate_rule(d) || doubling_rule(d))
		return true;
	if (d->cap && s->tasks >= d->cap) {
		snprintf(d->why, sizeof(d->why), "%llu tasks reached "
		    "--max-procs %llu", (unsigned long long)s->tasks,
		    (unsigned long long)d->cap);
		d->reason = "max-procs";
		return true;
	}
	if (s->refused > d->refused0) {
		snprintf(d->why, sizeof(d->why), "%llu forks refused at "
		    "pids.max", (unsigned long long)(s->refused -
		    d->refused0));
		d->reason = "refused";
		return true;
	}
	return false;
}
