/* cmd/ctxswitch/view.c - the -p view: a row per process or thread. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctxswitch.h"

#define ROW_FMT	"%-8s %7s %7s %9s %9s %9s %6s %9s %7s "

const char *
cs_clock(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
	return buf;
}

void
cs_print_header(const struct ctl *ctl)
{
	if (ctl->json || !ctl->header)
		return;
	printf(ROW_FMT "%s\n", "TIME", "PID", "TID", "SW/s", "VOL/s",
	    "INVOL/s", "CPU%", "RUNQms/s", "MIGR/s", "COMM");
}

void
cs_text_row(const char *clock, pid_t pid, pid_t tid, const struct cs_rates *r,
    bool has_ss, bool has_migr, const char *name)
{
	char p[16], t[16], sw[32], v[32], iv[32], c[16], q[32], m[32];

	snprintf(p, sizeof(p), "%d", (int)pid);
	snprintf(t, sizeof(t), tid ? "%d" : "-", (int)tid);
	snprintf(sw, sizeof(sw), "%.1f", r->vol + r->invol);
	snprintf(v, sizeof(v), "%.1f", r->vol);
	snprintf(iv, sizeof(iv), "%.1f", r->invol);
	snprintf(c, sizeof(c), has_ss ? "%.1f" : "-", r->cpu);
	snprintf(q, sizeof(q), has_ss ? "%.1f" : "-", r->runq_ms);
	snprintf(m, sizeof(m), has_migr ? "%.1f" : "-", r->migr);
	printf(ROW_FMT, clock, p, t, sw, v, iv, c, q, m);
	tri_out_fescape(stdout, name, strlen(name));
	putchar('\n');
}

void
cs_json_rates(struct tri_json *j, const struct cs_rates *r, bool has_ss,
    bool has_migr)
{
	tri_json_kdouble(j, "switches_per_s", r->vol + r->invol);
	tri_json_kdouble(j, "voluntary_per_s", r->vol);
	tri_json_kdouble(j, "involuntary_per_s", r->invol);
	tri_json_kdouble_or_null(j, "cpu_percent", has_ss, r->cpu);
	tri_json_kdouble_or_null(j, "runq_ms_per_s", has_ss, r->runq_ms);
	tri_json_kdouble_or_null(j, "migrations_per_s", has_migr, r->migr);
}

static void
json_proc(const struct ctl *ctl, const struct cs_proc *cp)
{
	struct tri_json j;
	struct cs_rates r;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kdouble(&j, "time", (double)time(NULL));
	tri_json_kdouble(&j, "interval", cp->dt);
	tri_json_kint(&j, "pid", cp->pid);
	tri_json_kstr(&j, "comm", cp->comm);
	tri_json_kint(&j, "nthreads", (long long)cp->nthr);
	cs_rates_proc(cp, &r);
	cs_json_rates(&j, &r, cp->has_ss, cp->has_migr);
	if (ctl->threads) {
		tri_json_key(&j, "threads");
		tri_json_arr_begin(&j);
		for (i = 0; i < cp->nthr; i++) {
			const struct cs_thread *t = &cp->thr[i];

			tri_json_obj_begin(&j);
			tri_json_kint(&j, "tid", t->tid);
			tri_json_kstr(&j, "comm", t->name);
			cs_rates_thread(cp, t, &r);
			cs_json_rates(&j, &r, t->has_ss, t->has_migr);
			tri_json_obj_end(&j);
		}
		tri_json_arr_end(&j);
	}
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

void
cs_print_proc(const struct ctl *ctl, const struct cs_proc *cp)
{
	struct cs_rates r;
	char clock[16];
	size_t i;

	if (ctl->json) {
		json_proc(ctl, cp);
		return;
	}
	cs_clock(clock, sizeof(clock));
	cs_rates_proc(cp, &r);
	cs_text_row(clock, cp->pid, 0, &r, cp->has_ss, cp->has_migr, cp->comm);
	if (!ctl->threads)
		return;
	for (i = 0; i < cp->nthr; i++) {
		cs_rates_thread(cp, &cp->thr[i], &r);
		cs_text_row(clock, cp->pid, cp->thr[i].tid, &r,
		    cp->thr[i].has_ss, cp->thr[i].has_migr, cp->thr[i].name);
	}
}

void
cs_print_lifetime(const struct ctl *ctl, const struct cs_proc *cp)
{
	unsigned long long v = cs_proc_lifetime(cp, true);
	unsigned long long iv = cs_proc_lifetime(cp, false);
	struct tri_json j;

	if (ctl->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", cp->pid);
		tri_json_kstr(&j, "comm", cp->comm);
		tri_json_key(&j, "lifetime");
		tri_json_obj_begin(&j);
		tri_json_kuint(&j, "voluntary", v);
		tri_json_kuint(&j, "involuntary", iv);
		tri_json_kuint(&j, "threads_seen", cp->seen);
		tri_json_kbool(&j, "exited", cp->gone);
		tri_json_obj_end(&j);
		tri_json_obj_end(&j);
		tri_json_end(&j);
		return;
	}
	printf("lifetime pid %d: voluntary %llu involuntary %llu threads %zu"
	    " %s: ", (int)cp->pid, v, iv, cp->seen,
	    cp->gone ? "exited" : "running");
	tri_out_fescape(stdout, cp->comm, strlen(cp->comm));
	putchar('\n');
}
