/* cmd/ctxswitch/verdict.c - a watched process's span, judged by lib. */
#include <stdlib.h>
#include <string.h>

#include "ctxswitch.h"

/*
 * The verdict itself is lib/csverdict.c (triage calls it too); here the
 * counts since the first sample, exited threads included, become its
 * input.
 */
void
cs_judge(struct cs_proc *cp, struct tri_csverdict *v)
{
	struct tri_csverdict_thread *thr;
	struct tri_csverdict_in in;
	size_t i;

	memset(&in, 0, sizeof(in));
	in.pid = cp->pid;
	in.proc = &cp->h;
	in.elapsed = cp->t_last - cp->t_first;
	in.vol = cp->run_vol;
	in.invol = cp->run_invol;
	in.wait_ns = cp->run_wait;
	thr = calloc(cp->nthr ? cp->nthr : 1, sizeof(*thr));
	for (i = 0; thr != NULL && i < cp->nthr; i++) {
		thr[i].tid = cp->thr[i].tid;
		thr[i].vol = cp->thr[i].run_vol;
		thr[i].invol = cp->thr[i].run_invol;
		thr[i].cpu_ns = cp->thr[i].run_cpu;
		thr[i].wait_ns = cp->thr[i].run_wait;
	}
	in.thr = thr;
	in.nthr = thr != NULL ? cp->nthr : 0;
	tri_csverdict_judge(&in, v);
	free(thr);
}

const char *
cs_thread_class(const struct cs_thread *t)
{
	return tri_csverdict_thread_class(t->run_vol, t->run_invol);
}
