/* cmd/ctxswitch/top.c - --top: the live screen, sorted by switch rate. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxswitch.h"
#include "tui.h"

enum { TC_PID, TC_TID, TC_SW, TC_VOL, TC_INVOL, TC_CPU, TC_RUNQ, TC_COMM,
    TC_N };

static const struct tri_tui_col top_cols[TC_N] = {
	{ "PID", 7, true, 0 },
	{ "TID", 7, true, 0 },
	{ "SW/s", 9, true, 's' },
	{ "VOL/s", 9, true, 'v' },
	{ "INVOL/s", 9, true, 'i' },
	{ "CPU%", 6, true, 'c' },
	{ "RUNQms/s", 9, true, 'd' },
	{ "COMM", 0, false, 0 },
};

/* What --top watches: every process, or the -p targets. */
struct top {
	struct cs_system	 sys;
	struct cs_proc		*procs;		/* -p */
	size_t			 n;
	bool			 threads;
};

static void
top_row(struct tri_tui *t, pid_t pid, pid_t tid, const struct cs_rates *r,
    const char *name)
{
	char c[TC_N][32];
	const char *cells[TC_N];
	double k[TC_N] = { pid, tid, r->vol + r->invol, r->vol, r->invol,
	    r->cpu, r->runq_ms, 0 };
	int i;

	snprintf(c[TC_PID], sizeof(c[0]), "%d", (int)pid);
	snprintf(c[TC_TID], sizeof(c[0]), tid ? "%d" : "-", (int)tid);
	snprintf(c[TC_SW], sizeof(c[0]), "%.1f", r->vol + r->invol);
	snprintf(c[TC_VOL], sizeof(c[0]), "%.1f", r->vol);
	snprintf(c[TC_INVOL], sizeof(c[0]), "%.1f", r->invol);
	snprintf(c[TC_CPU], sizeof(c[0]), "%.1f", r->cpu);
	snprintf(c[TC_RUNQ], sizeof(c[0]), "%.1f", r->runq_ms);
	for (i = 0; i < TC_N - 1; i++)
		cells[i] = c[i];
	cells[TC_COMM] = name;
	tri_tui_row(t, cells, k);
}

static void
top_rows(struct tri_tui *t, const struct top *tp)
{
	const struct cs_proc *v = tp->n ? tp->procs : tp->sys.procs;
	size_t n = tp->n ? tp->n : tp->sys.n, i, j;
	struct cs_rates r;

	tri_tui_clear(t);
	for (i = 0; i < n; i++) {
		if (v[i].gone || v[i].nsamples < 2)
			continue;
		if (!tp->threads) {
			cs_rates_proc(&v[i], &r);
			top_row(t, v[i].pid, 0, &r, v[i].comm);
			continue;
		}
		for (j = 0; j < v[i].nthr; j++) {
			cs_rates_thread(&v[i], &v[i].thr[j], &r);
			top_row(t, v[i].pid, v[i].thr[j].tid, &r,
			    v[i].thr[j].name);
		}
	}
}

static void
top_title(struct tri_tui *t, const struct top *tp,
    const struct tri_sysstat *prev, const struct tri_sysstat *st, double dt)
{
	char clock[16];

	snprintf(t->title, sizeof(t->title), "ctxswitch %s  %.0f sw/s  %.1f"
	    " forks/s  %llu running  %llu blocked  [%s]  s v i c d: sort"
	    "  t: threads  p: pause  q: quit", cs_clock(NULL, clock, sizeof(clock)),
	    dt > 0 ? (double)(st->ctxt - prev->ctxt) / dt : 0,
	    dt > 0 ? (double)(st->processes - prev->processes) / dt : 0,
	    st->running, st->blocked, tp->threads ? "threads" : "processes");
}

static void
top_sample(struct tri_tui *t, struct top *tp, struct tri_sysstat *prev,
    double *last)
{
	struct tri_sysstat st;
	double now = tri_cli_now();
	size_t i;

	if (tp->n == 0) {
		cs_system_sample(&tp->sys);
		top_title(t, tp, &tp->sys.prev, &tp->sys.st, tp->sys.dt);
	} else {
		for (i = 0; i < tp->n; i++)
			cs_proc_sample(&tp->procs[i]);
		if (tri_proc_read_sysstat(&st) < 0)
			memset(&st, 0, sizeof(st));
		top_title(t, tp, prev, &st, *last > 0 ? now - *last : 0);
		*prev = st;
		*last = now;
	}
	top_rows(t, tp);
}

/* Keys until the interval is over; false to quit. */
static bool
top_wait(struct tri_tui *t, struct top *tp, double interval)
{
	double end = tri_cli_now() + interval, left;
	int c;

	while ((left = end - tri_cli_now()) > 0 || t->paused) {
		c = tri_tui_key(t, t->paused ? 1 : left);
		if (c == TRI_TUI_QUIT)
			return false;
		if (c == 't') {
			tp->threads = !tp->threads;
			top_rows(t, tp);
			tri_tui_draw(t);
		}
		if (c == TRI_TUI_TIMEOUT && t->paused)
			continue;
	}
	return true;
}

int
cs_top(const struct ctl *ctl)
{
	struct tri_sysstat prev;
	struct tri_tui t;
	struct top tp;
	double last = 0;
	int sig;

	memset(&tp, 0, sizeof(tp));
	memset(&prev, 0, sizeof(prev));
	tp.threads = ctl->threads;
	if (ctl->targets.n > 0) {
		tp.procs = cs_open_targets(ctl);
		tp.n = ctl->targets.n;
	}
	if (tri_tui_start(&t, top_cols, TC_N, TC_SW) < 0)
		errx(TRI_EXIT_FAIL, "--top needs a terminal");
	top_sample(&t, &tp, &prev, &last);
	tri_tui_draw(&t);
	while (top_wait(&t, &tp, ctl->sample.interval)) {
		top_sample(&t, &tp, &prev, &last);
		tri_tui_draw(&t);
	}
	tri_tui_stop(&t);
	tri_tui_free(&t);
	cs_system_free(&tp.sys);
	while (tp.n > 0)
		cs_proc_free(&tp.procs[--tp.n]);
	free(tp.procs);
	if ((sig = tri_tui_signal()) != 0) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return TRI_EXIT_OK;
}
