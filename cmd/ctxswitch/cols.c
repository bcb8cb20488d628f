/* cmd/ctxswitch/cols.c - -o COLUMNS: the header and rows of the text tables. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctxswitch.h"

/*
 * Every text table of ctxswitch (process rows, -t thread rows, the
 * system view, -O) is one set of columns.  -o takes the lower-case name
 * (or the header, in any case); the header reads as it always has.
 * Rows stream out sample by sample, so widths are fixed, not measured;
 * a negative width is left-aligned, and the last column is not padded.
 */
static const struct coldef {
	const char	*name;		/* what -o takes */
	const char	*head;		/* the header */
	int		 width;
	const char	*help;
} coldefs[CS_NCOL] = {
	[CS_TIME] = { "time", "TIME", -8,
	    "the sample's time, HH:MM:SS; with -O the Unix time (TIME_UNIX)" },
	[CS_PID] = { "pid", "PID", 7, "process id" },
	[CS_TID] = { "tid", "TID", 7, "thread id; - on a process row" },
	[CS_SW] = { "sw", "SW/s", 9,
	    "context switches per second, voluntary and involuntary" },
	[CS_VOL] = { "vol", "VOL/s", 9,
	    "voluntary switches per second (blocked: I/O, a lock, a sleep)" },
	[CS_INVOL] = { "invol", "INVOL/s", 9,
	    "involuntary switches per second (preempted)" },
	[CS_CPU] = { "cpu", "CPU%", 6, "CPU time, percent of one CPU" },
	[CS_RUNQ] = { "runq", "RUNQms/s", 9,
	    "time runnable but waiting for a CPU, ms per second" },
	[CS_MIGR] = { "migr", "MIGR/s", 7,
	    "migrations to another CPU per second (-p only)" },
	[CS_NVCSW] = { "nvcsw", "NVCSW", 10,
	    "voluntary switches since it started (exited threads included)" },
	[CS_NIVCSW] = { "nivcsw", "NIVCSW", 10,
	    "involuntary switches since it started" },
	[CS_THREADS] = { "threads", "THREADS", 7,
	    "threads of the process; - on a thread row" },
	[CS_COMM] = { "comm", "COMM", -15,
	    "the name; with -l the command line (COMMAND)" },
};

/* Without -o: the columns pidstat -w has, and ours beside them. */
void
cs_cols_default(struct cs_cols *c)
{
	int k;

	c->n = 0;
	for (k = CS_TIME; k <= CS_MIGR; k++)
		c->v[c->n++] = (unsigned char)k;
	c->v[c->n++] = CS_COMM;
}

static void
cols_help(void)
{
	int k;

	for (k = 0; k < CS_NCOL; k++)
		printf("%-8s %s\n", coldefs[k].name, coldefs[k].help);
	printf("default: time,pid,tid,sw,vol,invol,cpu,runq,migr,comm;"
	    " +COL appends\n");
	exit(TRI_EXIT_OK);
}

/* The column named by p[0..n), or -1; "command" and "time_unix" too. */
static int
col_find(const char *p, size_t n)
{
	int k;

	for (k = 0; k < CS_NCOL; k++)
		if ((strlen(coldefs[k].name) == n &&
		    strncasecmp(p, coldefs[k].name, n) == 0) ||
		    (strlen(coldefs[k].head) == n &&
		    strncasecmp(p, coldefs[k].head, n) == 0))
			return k;
	if (n == 7 && strncasecmp(p, "command", n) == 0)
		return CS_COMM;
	if (n == 9 && strncasecmp(p, "time_unix", n) == 0)
		return CS_TIME;
	return -1;
}

int
cs_cols_parse(struct cs_cols *c, const char *arg)
{
	const char *p = arg, *e;
	char *esc;
	int k;

	if (strcmp(arg, "help") == 0)
		cols_help();
	c->n = 0;
	if (*p == '+') {
		cs_cols_default(c);
		p++;
	}
	for (;; p = e + 1) {
		e = strchrnul(p, ',');
		if ((k = col_find(p, (size_t)(e - p))) >= 0 &&
		    c->n < CS_COLS_MAX)
			c->v[c->n++] = (unsigned char)k;
		else if (e == p) {
			/* "pid,", ",pid", "" and "+": as -p 5, is refused */
			esc = tri_out_escape_dup(arg, strlen(arg));
			warnx("-o %s: an empty column name (-o help lists"
			    " them)", esc ? esc : "?");
			free(esc);
			return -1;
		} else {
			esc = tri_out_escape_dup(p, (size_t)(e - p));
			warnx("-o %s: %s (one of: time, pid, tid, sw, vol, invol,"
			    " cpu, runq, migr, nvcsw, nivcsw, threads, comm;"
			    " -o help)", esc ? esc : "?", k < 0 ?
			    "not a column" : "too many columns");
			free(esc);
			return -1;
		}
		if (*e == '\0')
			return 0;
	}
}

const char *
cs_col_head(const struct ctl *ctl, int k)
{
	if (k == CS_TIME && ctl->one_line)
		return "TIME_UNIX";
	if (k == CS_COMM && ctl->cmdline)
		return "COMMAND";
	return coldefs[k].head;
}

int
cs_col_width(const struct ctl *ctl, int k)
{
	return k == CS_TIME && ctl->one_line ? -14 : coldefs[k].width;
}

/* One cell, padded to its width unless --raw or the last. */
static void
put_cell(const struct ctl *ctl, int k, const char *s, bool last)
{
	int w = cs_col_width(ctl, k);

	if (ctl->raw || (last && w < 0))
		fputs(s, stdout);
	else
		printf("%*s", w, s);
}

/* With -O the header is printed once, as a comment, like pidstat -h. */
void
cs_print_header(const struct ctl *ctl)
{
	static bool done;
	size_t i;

	if (ctl->json || ctl->prom || !ctl->header || (ctl->one_line && done))
		return;
	done = true;
	if (ctl->one_line)
		putchar('#');
	for (i = 0; i < ctl->cols.n; i++) {
		if (i > 0)
			putchar(' ');
		put_cell(ctl, ctl->cols.v[i], cs_col_head(ctl, ctl->cols.v[i]),
		    i + 1 == ctl->cols.n);
	}
	putchar('\n');
}

void
cs_row_proc(struct cs_row *row, struct cs_proc *cp)
{
	memset(row, 0, sizeof(*row));
	row->pid = cp->pid;
	cs_rates_proc(cp, &row->r);
	row->has_ss = cp->has_ss;
	row->has_migr = cp->has_migr;
	row->nvcsw = cs_proc_lifetime(cp, true);
	row->nivcsw = cs_proc_lifetime(cp, false);
	row->proc = cp;
}

void
cs_row_thread(struct cs_row *row, struct cs_proc *cp,
    const struct cs_thread *t)
{
	memset(row, 0, sizeof(*row));
	row->pid = cp->pid;
	row->tid = t->tid;
	cs_rates_thread(cp, t, &row->r);
	row->has_ss = t->has_ss;
	row->has_migr = t->has_migr;
	row->nvcsw = t->c.vol;
	row->nivcsw = t->c.invol;
	row->proc = cp;
	row->name = t->name;
}

/*
 * The name cell: escaped, and padded only when a column follows (a
 * command line can be long: it goes through a buffer to be measured).
 */
static void
name_cell(const struct ctl *ctl, const struct cs_row *row, bool last)
{
	char *buf = NULL;
	size_t len = 0, w;
	FILE *f = stdout;

	if (!last && !ctl->raw && (f = open_memstream(&buf, &len)) == NULL)
		f = stdout;
	if (row->name != NULL)
		cs_print_str(ctl, f, row->name, strlen(row->name));
	else
		cs_fprint_name(ctl, f, row->proc);
	if (f == stdout)
		return;
	fclose(f);
	fputs(buf, stdout);
	for (w = tri_out_width(buf); w < (size_t)-coldefs[CS_COMM].width; w++)
		putchar(' ');
	free(buf);
}

/* A number with one decimal, or "-" when the kernel gave none. */
static const char *
fmt_rate(char *buf, size_t size, bool known, double v)
{
	snprintf(buf, size, known ? "%.1f" : "-", v);
	return buf;
}

const char *
cs_cell_text(int k, const char *clock, const struct cs_row *row, char *b,
    size_t size)
{
	const struct cs_rates *r = &row->r;

	switch (k) {
	case CS_TIME:	return clock;
	case CS_PID:	snprintf(b, size, "%d", (int)row->pid); return b;
	case CS_TID:	snprintf(b, size, row->tid ? "%d" : "-",
			    (int)row->tid); return b;
	case CS_SW:	return fmt_rate(b, size, true, r->vol + r->invol);
	case CS_VOL:	return fmt_rate(b, size, true, r->vol);
	case CS_INVOL:	return fmt_rate(b, size, true, r->invol);
	case CS_CPU:	return fmt_rate(b, size, row->has_ss, r->cpu);
	case CS_RUNQ:	return fmt_rate(b, size, row->has_ss, r->runq_ms);
	case CS_MIGR:	return fmt_rate(b, size, row->has_migr, r->migr);
	case CS_NVCSW:	snprintf(b, size, "%llu", row->nvcsw); return b;
	case CS_NIVCSW:	snprintf(b, size, "%llu", row->nivcsw); return b;
	case CS_THREADS: snprintf(b, size, row->tid ? "-" : "%zu",
			    row->proc->nthr); return b;
	}
	return "?";
}

void
cs_text_row(const struct ctl *ctl, const char *clock, const struct cs_row *row)
{
	char buf[32];
	size_t i;
	int k;

	if (ctl->one_line && !ctl->raw)
		putchar(' ');	/* under the header's '#' */
	for (i = 0; i < ctl->cols.n; i++) {
		k = ctl->cols.v[i];
		if (i > 0)
			putchar(' ');
		if (k == CS_COMM)
			name_cell(ctl, row, i + 1 == ctl->cols.n);
		else
			put_cell(ctl, k, cs_cell_text(k, clock, row, buf,
			    sizeof(buf)), i + 1 == ctl->cols.n);
	}
	putchar('\n');
}
