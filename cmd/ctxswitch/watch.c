/* cmd/ctxswitch/watch.c - the interval loops of the -p and system views. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxswitch.h"

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

/* SIGINT/SIGTERM end the sampling early; the summary still prints. */
static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static bool
more(const struct ctl *ctl, unsigned long done, double *next)
{
	if (interrupted || (ctl->sample.count && done >= ctl->sample.count))
		return false;
	return tri_cli_wait_tick(&ctl->sample, next) && !interrupted;
}

/*
 * A target that exits during the watch: its rows so far stand, a line
 * says when it exited, and its lifetime and the verdict on what was seen
 * follow; the exit status stays 0 (as fdleak and memmap).
 */
static void
say_exited(const struct ctl *ctl, const struct cs_proc *cp)
{
	struct tri_json j;

	if (ctl->prom)
		return;
	if (!ctl->json) {
		printf("pid %d exited after %d samples\n", (int)cp->pid,
		    cp->nsamples > 0 ? cp->nsamples - 1 : 0);
		return;
	}
	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	cs_json_line(&j, "exited");
	tri_json_kint(&j, "pid", cp->pid);
	tri_json_kint(&j, "samples", cp->nsamples > 0 ? cp->nsamples - 1 : 0);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

int
cs_watch_targets(const struct ctl *ctl)
{
	struct cs_proc *v;
	unsigned long done = 0;
	double next = 0;
	size_t i, alive;
	bool *told;

	catch_signals();
	v = cs_open_targets(ctl);
	if ((told = calloc(ctl->targets.n, sizeof(*told))) == NULL)
		err(TRI_EXIT_FAIL, "malloc");
	cs_print_header(ctl);
	fflush(stdout);
	while (more(ctl, done, &next)) {
		for (i = alive = 0; i < ctl->targets.n; i++) {
			if (cs_proc_sample(&v[i]) < 0 || v[i].gone) {
				if (v[i].gone && !told[i])
					say_exited(ctl, &v[i]);
				told[i] = v[i].gone;
				continue;
			}
			cs_print_proc(ctl, &v[i]);
			alive++;
		}
		fflush(stdout);
		done++;
		if (alive == 0)
			break;
	}
	if (done > 0)
		cs_print_footnote(ctl);
	if (ctl->prom)
		cs_prom_procs(ctl, v, ctl->targets.n);
	for (i = 0; i < ctl->targets.n; i++) {
		cs_print_lifetime(ctl, &v[i]);
		if (!ctl->prom && !ctl->one_line)
			cs_why(ctl, &v[i]);
		cs_proc_free(&v[i]);
	}
	free(told);
	free(v);
	return TRI_EXIT_OK;
}

int
cs_watch_system(const struct ctl *ctl)
{
	struct cs_system s;
	unsigned long done = 0;
	double next = 0;

	catch_signals();
	memset(&s, 0, sizeof(s));
	if (cs_system_sample(&s) < 0)
		err(TRI_EXIT_FAIL, "%s/stat", tri_proc_root());
	while (more(ctl, done, &next)) {
		if (cs_system_sample(&s) < 0)
			err(TRI_EXIT_FAIL, "%s/stat", tri_proc_root());
		cs_print_system(ctl, &s);
		fflush(stdout);
		done++;
	}
	cs_system_free(&s);
	return TRI_EXIT_OK;
}
