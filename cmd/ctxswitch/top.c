/* cmd/ctxswitch/top.c - --top: the live screen, sorted by switch rate. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxswitch.h"
#include "tui.h"

/* Without -o: pidstat -w's columns, rates first, no time or MIGR. */
static const unsigned char top_default[] = { CS_PID, CS_TID, CS_SW, CS_VOL,
    CS_INVOL, CS_CPU, CS_RUNQ, CS_COMM };

/* The keys that sort on a column (the title names s v i c d). */
static int
col_key(int k)
{
	switch (k) {
	case CS_SW:	return 's';
	case CS_VOL:	return 'v';
	case CS_INVOL:	return 'i';
	case CS_CPU:	return 'c';
	case CS_RUNQ:	return 'd';
	}
	return 0;
}

/* What --top watches: every process, or the -p targets. */
struct top {
	struct cs_system	 sys;
	struct cs_proc		*procs;		/* -p */
	size_t			 n;
	bool			 threads;
	unsigned char		 col[CS_COLS_MAX];	/* enum cs_col */
	int			 ncol;
	struct tri_tui_col	 tc[CS_COLS_MAX];
};

/* The screen's columns: -o's, or top_default; the one sorted on first. */
static int
top_columns(const struct ctl *ctl, struct top *tp)
{
	const unsigned char *v = ctl->cols_set ? ctl->cols.v : top_default;
	int i, w, sort = -1;

	tp->ncol = ctl->cols_set ? (int)ctl->cols.n : (int)sizeof(top_default);
	for (i = 0; i < tp->ncol; i++) {
		tp->col[i] = v[i];
		w = cs_col_width(ctl, v[i]);
		tp->tc[i] = (struct tri_tui_col){ cs_col_head(ctl, v[i]),
		    w < 0 ? -w : w, w > 0, col_key(v[i]) };
		if (v[i] == CS_SW && sort < 0)
			sort = i;
	}
	/* without SW/s: the first rate or count */
	for (i = 0; sort < 0 && i < tp->ncol; i++)
		if (tp->tc[i].right && v[i] != CS_PID && v[i] != CS_TID)
			sort = i;
	return sort < 0 ? 0 : sort;
}

static void
top_row(struct tri_tui *t, const struct top *tp, const struct cs_row *row,
    const char *name, const char *clock)
{
	char c[CS_COLS_MAX][32];
	const char *cells[CS_COLS_MAX];
	double k[CS_COLS_MAX];
	const struct cs_rates *r = &row->r;
	int i;

	for (i = 0; i < tp->ncol; i++) {
		cells[i] = tp->col[i] == CS_COMM ? name : cs_cell_text(tp->col[i],
		    clock, row, c[i], sizeof(c[i]));
		switch (tp->col[i]) {
		case CS_PID:	k[i] = row->pid; break;
		case CS_TID:	k[i] = row->tid; break;
		case CS_SW:	k[i] = r->vol + r->invol; break;
		case CS_VOL:	k[i] = r->vol; break;
		case CS_INVOL:	k[i] = r->invol; break;
		case CS_CPU:	k[i] = r->cpu; break;
		case CS_RUNQ:	k[i] = r->runq_ms; break;
		case CS_MIGR:	k[i] = r->migr; break;
		case CS_NVCSW:	k[i] = (double)row->nvcsw; break;
		case CS_NIVCSW:	k[i] = (double)row->nivcsw; break;
		case CS_THREADS: k[i] = (double)row->proc->nthr; break;
		default:	k[i] = 0;
		}
	}
	tri_tui_row(t, cells, k);
}

static void
top_rows(struct tri_tui *t, const struct top *tp)
{
	struct cs_proc *v = tp->n ? tp->procs : tp->sys.procs;
	size_t n = tp->n ? tp->n : tp->sys.n, i, j;
	struct cs_row row;
	char clock[16];

	cs_clock(NULL, clock, sizeof(clock));
	tri_tui_clear(t);
	for (i = 0; i < n; i++) {
		if (v[i].gone || v[i].nsamples < 2)
			continue;
		if (!tp->threads) {
			cs_row_proc(&row, &v[i]);
			top_row(t, tp, &row, v[i].comm, clock);
			continue;
		}
		for (j = 0; j < v[i].nthr; j++) {
			cs_row_thread(&row, &v[i], &v[i].thr[j]);
			top_row(t, tp, &row, v[i].thr[j].name, clock);
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
	int sig, sort;

	memset(&tp, 0, sizeof(tp));
	memset(&prev, 0, sizeof(prev));
	tp.threads = ctl->threads;
	if (ctl->targets.n > 0) {
		tp.procs = cs_open_targets(ctl);
		tp.n = ctl->targets.n;
	}
	sort = top_columns(ctl, &tp);
	if (tri_tui_start(&t, tp.tc, tp.ncol, sort) < 0)
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
