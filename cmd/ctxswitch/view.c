/* cmd/ctxswitch/view.c - the -p view: a row per process or thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctxswitch.h"

double
cs_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* HH:MM:SS, or with -O (pidstat -h) the Unix time, as pidstat -h prints. */
const char *
cs_clock(const struct ctl *ctl, char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	if (ctl != NULL && ctl->one_line) {
		snprintf(buf, size, "%lld", (long long)now);
		return buf;
	}
	localtime_r(&now, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
	return buf;
}

void
cs_json_line(struct tri_json *j, const char *type)
{
	tri_json_schema(j, "ctxswitch");
	tri_json_kstr(j, "type", type);
	tri_json_ktime_unix(j, cs_realtime());
}

void
cs_print_footnote(const struct ctl *ctl)
{
	if (ctl->json || ctl->prom || !ctl->header || ctl->one_line)
		return;
	printf("note: a process row (TID -) sums all its threads; pidstat -w"
	    " -p shows the main thread only (-t: a row per thread)\n");
}

void
cs_print_str(const struct ctl *ctl, FILE *f, const char *s, size_t len)
{
	size_t i, k;

	if (!ctl->raw) {
		tri_out_fescape(f, s, len);
		return;
	}
	for (i = 0; i < len; i = k + 1) {
		for (k = i; k < len && s[k] != ' '; k++)
			;
		tri_out_fescape(f, s + i, k - i);
		if (k < len)
			fputs("\\x20", f);
	}
}

/* The command line, read once (a zombie or kernel thread has none). */
static void
read_args(struct cs_proc *cp)
{
	if (cp->args == NULL)
		cp->args = tri_proc_read_all(&cp->h, "cmdline", &cp->args_len);
	while (cp->args != NULL && cp->args_len > 0 &&
	    cp->args[cp->args_len - 1] == '\0')
		cp->args_len--;
}

void
cs_fprint_name(const struct ctl *ctl, FILE *f, struct cs_proc *cp)
{
	size_t i, n;

	if (ctl->cmdline)
		read_args(cp);
	if (!ctl->cmdline || cp->args == NULL || cp->args_len == 0) {
		cs_print_str(ctl, f, cp->comm, strlen(cp->comm));
		return;
	}
	/* pidstat -l: the arguments joined by spaces, each escaped whole
	 * (byte by byte, a UTF-8 character would come out as \x escapes) */
	for (i = 0; i < cp->args_len; i += n + 1) {
		if (i > 0)
			fputs(ctl->raw ? "\\x20" : " ", f);
		n = strnlen(&cp->args[i], cp->args_len - i);
		cs_print_str(ctl, f, &cp->args[i], n);
	}
}

void
cs_print_name(const struct ctl *ctl, struct cs_proc *cp)
{
	cs_fprint_name(ctl, stdout, cp);
	putchar('\n');
}

void
cs_json_name(const struct ctl *ctl, struct tri_json *j, struct cs_proc *cp)
{
	tri_json_kstr(j, "comm", cp->comm);
	if (!ctl->cmdline)
		return;
	read_args(cp);
	tri_json_kargv(j, "cmdline", cp->args, cp->args ? cp->args_len + 1 :
	    0);
}

void
cs_json_rates(struct tri_json *j, const struct cs_rates *r, bool has_ss,
    bool has_migr)
{
	tri_json_kdouble(j, "switches_per_second", r->vol + r->invol);
	tri_json_kdouble(j, "voluntary_per_second", r->vol);
	tri_json_kdouble(j, "involuntary_per_second", r->invol);
	tri_json_kdouble_or_null(j, "cpu_percent", has_ss, r->cpu);
	tri_json_kdouble_or_null(j, "runq_wait_percent", has_ss,
	    r->runq_ms / 10);
	tri_json_kdouble_or_null(j, "migrations_per_second", has_migr,
	    r->migr);
}

static void
json_proc(const struct ctl *ctl, struct cs_proc *cp)
{
	struct tri_json j;
	struct cs_rates r;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	cs_json_line(&j, "sample");
	tri_json_kdouble(&j, "interval_seconds", cp->dt);
	tri_json_kint(&j, "pid", cp->pid);
	cs_json_name(ctl, &j, cp);
	tri_json_kint(&j, "nthreads", (long long)cp->nthr);
	/* pidstat -w -p counts the main thread only: say what this is */
	tri_json_kstr(&j, "rates_of", "all_threads");
	cs_rates_proc(cp, &r);
	cs_json_rates(&j, &r, cp->has_ss, cp->has_migr);
	/* the NVCSW and NIVCSW columns: JSON carries every column */
	tri_json_kuint(&j, "voluntary", cs_proc_lifetime(cp, true));
	tri_json_kuint(&j, "involuntary", cs_proc_lifetime(cp, false));
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
			tri_json_kuint(&j, "voluntary", t->c.vol);
			tri_json_kuint(&j, "involuntary", t->c.invol);
			tri_json_obj_end(&j);
		}
		tri_json_arr_end(&j);
	}
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

void
cs_print_proc(const struct ctl *ctl, struct cs_proc *cp)
{
	struct cs_row row;
	char clock[32];
	size_t i;

	if (ctl->prom)
		return;
	if (ctl->json) {
		json_proc(ctl, cp);
		return;
	}
	cs_clock(ctl, clock, sizeof(clock));
	cs_row_proc(&row, cp);
	cs_text_row(ctl, clock, &row);
	if (!ctl->threads)
		return;
	for (i = 0; i < cp->nthr; i++) {
		cs_row_thread(&row, cp, &cp->thr[i]);
		cs_text_row(ctl, clock, &row);
	}
}

void
cs_print_lifetime(const struct ctl *ctl, struct cs_proc *cp)
{
	unsigned long long v = cs_proc_lifetime(cp, true);
	unsigned long long iv = cs_proc_lifetime(cp, false);
	struct tri_json j;

	if (ctl->prom || ctl->one_line)
		return;
	if (ctl->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		cs_json_line(&j, "lifetime");
		tri_json_kint(&j, "pid", cp->pid);
		cs_json_name(ctl, &j, cp);
		tri_json_kuint(&j, "voluntary", v);
		tri_json_kuint(&j, "involuntary", iv);
		tri_json_kuint(&j, "threads_seen", cp->seen);
		tri_json_kint(&j, "samples", cp->nsamples - 1);
		tri_json_kbool(&j, "exited", cp->gone);
		tri_json_obj_end(&j);
		tri_json_end(&j);
		return;
	}
	printf("lifetime pid %d: voluntary %llu involuntary %llu threads %zu"
	    " %s: ", (int)cp->pid, v, iv, cp->seen,
	    cp->gone ? "exited" : "running");
	cs_print_name(ctl, cp);
}
