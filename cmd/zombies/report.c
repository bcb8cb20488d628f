/* cmd/zombies/report.c - the zombie table and each parent's verdict. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "sig.h"
#include "zombies.h"

const char *
fmt_status(const struct zomb *z, char *buf, size_t size)
{
	if (z->leader)
		snprintf(buf, size, "not a zombie: leader exited, %d threads "
		    "run", z->nlwp - 1 > 0 ? z->nlwp - 1 : 0);
	else if (!z->have_status)
		snprintf(buf, size, "-");
	else
		tri_proc_describe_status(z->status, buf, size);
	return buf;
}

static void
zomb_row(struct tri_table *t, const struct zomb *z)
{
	char a[32], st[96];

	tri_table_cellf(t, "%d", (int)z->pid);
	tri_table_cellf(t, "%d", (int)z->ppid);
	tri_table_cell_raw(t, tri_fmt_duration(z->age, a, sizeof(a)));
	tri_table_cellf(t, "%.2f", z->cpu);
	tri_table_cell_raw(t, fmt_status(z, st, sizeof(st)));
	tri_table_cell(t, z->comm, strlen(z->comm));
}

static void
zombie_cols(struct tri_table *t)
{
	tri_table_init(t);
	tri_table_col(t, "PID", TRI_RIGHT);
	tri_table_col(t, "PPID", TRI_RIGHT);
	tri_table_col(t, "DEAD-FOR", TRI_RIGHT);
	tri_table_col(t, "CPU", TRI_RIGHT);
	tri_table_col(t, "STATUS", TRI_LEFT);
	tri_table_col(t, "NAME", TRI_LEFT);
}

/* --output: one line and exit 2 on a name that is no column. */
void
zombies_check_columns(const struct ctl *ctl)
{
	static const char *const help =
	    "PID      the zombie\n"
	    "PPID     its parent, which has not waited for it\n"
	    "DEAD-FOR time since it exited\n"
	    "CPU      CPU seconds it used while alive\n"
	    "STATUS   its exit status or the signal that ended it\n"
	    "NAME     its name\n";
	struct tri_table t;
	char *bad = NULL, *esc;

	if (strcmp(ctl->columns, "help") == 0) {
		fputs(help, stdout);
		exit(TRI_EXIT_OK);
	}
	zombie_cols(&t);
	if (tri_table_check_cols(&t, ctl->columns, &bad) < 0) {
		esc = bad ? tri_out_escape_dup(bad, strlen(bad)) : NULL;
		errx(TRI_EXIT_FAIL, "--output %s: not a column (PID, PPID,"
		    " DEAD-FOR, CPU, STATUS, NAME; --output help)", esc ? esc : "?");
	}
	tri_table_free(&t);
}

static void
zombie_table(const struct ctl *ctl, const struct scan *s)
{
	struct tri_table t;
	size_t i;

	zombie_cols(&t);
	for (i = 0; i < s->nz; i++)
		zomb_row(&t, &s->z[i]);
	for (i = 0; i < s->nleaders; i++)
		zomb_row(&t, &s->leaders[i]);
	zombies_print_table(ctl, &t, ctl->columns, ctl->header);
	tri_table_free(&t);
}

/*
 * --output names columns of the zombie table (main.c checks them first),
 * --raw drops the alignment of every table.  libsmartcols is not used:
 * these tables are a row per zombie, lib/out's writer prints them with
 * no allocation per cell beyond the cell.
 */
void
zombies_print_table(const struct ctl *ctl, struct tri_table *t,
    const char *cols, bool header)
{
	tri_table_print_sel(t, stdout, header, cols, ctl->raw);
}

static void
print_cmdline(const struct tri_zparent *par)
{
	size_t i;
	char c;

	fputs("  cmdline: ", stdout);
	if (par->cmdline == NULL || par->cmdline_len == 0) {
		fputs("-\n", stdout);
		return;
	}
	/* Arguments are shown space-separated, each escaped on its own. */
	for (i = 0; i < par->cmdline_len; i++) {
		c = par->cmdline[i];
		if (c == '\0')
			putchar(' ');
		else
			tri_out_fescape(stdout, &par->cmdline[i], 1);
	}
	putchar('\n');
}

static void
parent_text(const struct tri_zparent *par)
{
	char sig[32];

	printf("parent %d ", (int)par->pid);
	tri_out_fescape(stdout, par->comm, strlen(par->comm));
	printf(": %d zombie%s\n", par->nzomb, par->nzomb == 1 ? "" : "s");
	if (!par->gone) {
		print_cmdline(par);
		printf("  facts:   state %c, wchan %s, syscall %s, SIGCHLD "
		    "%s", par->state ? par->state : '?',
		    par->wchan[0] ? par->wchan : "-",
		    par->syscall[0] ? par->syscall : "-",
		    tri_sig_disposition(par->have_status ? &par->st : NULL,
		    SIGCHLD, sig, sizeof(sig)));
		if (par->have_status && par->st.tracerpid > 0)
			printf(", traced by %d", (int)par->st.tracerpid);
		if (par->container_init)
			printf(", container init (pid 1 inside)");
		if (par->go)
			printf(", Go %s", par->go_version[0] ?
			    par->go_version : "program");
		putchar('\n');
	}
	printf("  verdict: %s\n  fix:     %s\n", par->verdict, par->fix);
}

static double
pct(unsigned long a, unsigned long b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

static void
pressure_text(const struct scan *s)
{
	size_t i;

	printf("pid pressure: %lu tasks, %lu zombies; pid_max %lu (%.1f%% "
	    "used), threads-max %lu (%.1f%%)", s->tasks, s->zombies_all,
	    s->pid_max, pct(s->tasks, s->pid_max), s->threads_max,
	    pct(s->tasks, s->threads_max));
	for (i = 0; i < s->np; i++)
		if (s->p[i].cg_limited)
			printf("; pids.max %llu for %d: %llu used (%.1f%%)",
			    (unsigned long long)s->p[i].pids_max,
			    (int)s->p[i].pid,
			    (unsigned long long)s->p[i].pids_cur,
			    pct(s->p[i].pids_cur, s->p[i].pids_max));
	putchar('\n');
}

void
report_text(const struct ctl *ctl, const struct scan *s)
{
	size_t i;

	if (s->nz + s->nleaders > 0)
		zombie_table(ctl, s);
	else
		printf("no zombies among %zu processes\n", s->pt.n);
	for (i = 0; i < s->np; i++) {
		putchar('\n');
		parent_text(&s->p[i]);
	}
	putchar('\n');
	pressure_text(s);
	if (s->hidden > 0)
		printf("partial: %lu exit statuses (and the parents' wchan and"
		    " syscall) need CAP_SYS_PTRACE; run as root to see them\n",
		    s->hidden);
}

void
report_zomb_json(struct tri_json *j, const struct zomb *z)
{
	char st[96];

	tri_json_obj_begin(j);
	tri_json_kint(j, "pid", z->pid);
	tri_json_kint(j, "ppid", z->ppid);
	tri_json_kstr(j, "comm", z->comm);
	tri_json_kint_or_null(j, "exit_code", z->have_status && !z->leader,
	    z->status);
	tri_json_kstr(j, "status", fmt_status(z, st, sizeof(st)));
	tri_json_kdouble(j, "cpu_seconds", z->cpu);
	tri_json_kdouble_or_null(j, "zombie_seconds", z->age >= 0, z->age);
	if (z->seen >= 0)
		tri_json_kdouble(j, "seen_seconds", z->seen);
	if (z->leader)
		tri_json_kint(j, "nthreads", z->nlwp);
	tri_json_obj_end(j);
}

static void
parent_json(struct tri_json *j, const struct tri_zparent *par)
{
	char sig[32];

	tri_json_obj_begin(j);
	tri_json_kint(j, "pid", par->pid);
	tri_json_kstr(j, "comm", par->comm);
	tri_json_kargv(j, "cmdline", par->cmdline, par->cmdline_len);
	tri_json_kint(j, "zombies", par->nzomb);
	tri_json_kbool(j, "exited", par->gone);
	tri_json_kstr(j, "state", (char[2]){ par->state ? par->state : '?',
	    '\0' });
	tri_json_kstr(j, "wchan", par->wchan);
	tri_json_kstr(j, "syscall", par->syscall);
	tri_json_kstr(j, "sigchld", tri_sig_disposition(par->have_status ?
	    &par->st : NULL, SIGCHLD, sig, sizeof(sig)));
	tri_json_kint(j, "tracer_pid", par->have_status ? par->st.tracerpid :
	    0);
	tri_json_kbool(j, "container_init", par->container_init);
	tri_json_kbool(j, "go", par->go);
	if (par->go && par->go_version[0])
		tri_json_kstr(j, "go_version", par->go_version);
	tri_json_kstr(j, "verdict", par->verdict);
	tri_json_kstr(j, "fix", par->fix);
	if (par->cg_limited) {
		tri_json_kuint(j, "pids_max", par->pids_max);
		tri_json_kuint(j, "pids_current", par->pids_cur);
		tri_json_kstr(j, "pids_cgroup", par->cg_at);
	}
	tri_json_obj_end(j);
}

void
report_json(const struct ctl *ctl, const struct scan *s)
{
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "zombies");
	tri_json_key(&j, "zombies");
	tri_json_arr_begin(&j);
	for (i = 0; i < s->nz; i++)
		report_zomb_json(&j, &s->z[i]);
	tri_json_arr_end(&j);
	if (ctl->all) {
		tri_json_key(&j, "exited_leaders");
		tri_json_arr_begin(&j);
		for (i = 0; i < s->nleaders; i++)
			report_zomb_json(&j, &s->leaders[i]);
		tri_json_arr_end(&j);
	}
	tri_json_key(&j, "parents");
	tri_json_arr_begin(&j);
	for (i = 0; i < s->np; i++)
		parent_json(&j, &s->p[i]);
	tri_json_arr_end(&j);
	tri_json_key(&j, "pressure");
	tri_json_obj_begin(&j);
	tri_json_kuint(&j, "processes", s->pt.n);
	tri_json_kuint(&j, "tasks", s->tasks);
	tri_json_kuint(&j, "zombies", s->zombies_all);
	tri_json_kuint(&j, "pid_max", s->pid_max);
	tri_json_kuint(&j, "threads_max", s->threads_max);
	tri_json_obj_end(&j);
	/* what the kernel hid without CAP_SYS_PTRACE (exit_code null) */
	tri_json_kuint(&j, "exit_statuses_hidden", s->hidden);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}
