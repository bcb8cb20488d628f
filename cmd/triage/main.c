/* cmd/triage/main.c - the first minute of an incident: every check, one verdict each. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "triage.h"

enum {
	OPT_PROM = TRI_OPT_FIRST_FREE,
};

static const char shortopts[] = "chi:p:t:V";

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fputs("Usage: triage [-c] [-i seconds] [--json | --prom] [--no-header]"
	    " [--color[=when]] -p pid|name\n"
	    "       triage [-c] [-i seconds] [-t N] [--json | --prom]"
	    " [--no-header] [--color[=when]]\n", f);
	if (status != 0)
		exit(status);
	fputs("\nThe first minute of an incident: check one process (-p) or the"
	    " whole machine\nand print the findings, most severe first, each"
	    " with its evidence and the\ncommand that goes deeper.\n\n"
	    "  -p, --pid PID|NAME     the process to check (default: the"
	    " machine)\n"
	    "  -i, --interval SECS    the sampling window for rates (default"
	    " 1)\n"
	    "  -t, --top N            rows in each top list of the machine view"
	    " (default 5)\n"
	    "  -c, --check            exit 1 when a finding is WARN or worse\n"
	    "      --json             JSON output\n"
	    "      --prom             Prometheus text format\n"
	    "      --no-header        no title line\n"
	    "      --color[=WHEN]     auto, always (no value) or never\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          the version\n", f);
	exit(0);
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check",	no_argument,	   NULL, 'c' },
		{ "color",	optional_argument, NULL, TRI_OPT_COLOR },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "interval",	required_argument, NULL, 'i' },
		{ "json",	no_argument,	   NULL, TRI_OPT_JSON },
		{ "no-header",	no_argument,	   NULL, TRI_OPT_NO_HEADER },
		{ "pid",	required_argument, NULL, 'p' },
		{ "prom",	no_argument,	   NULL, OPT_PROM },
		{ "top",	required_argument, NULL, 't' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ NULL,		0,		   NULL, 0 },
	};
	bool top = false;
	int c;

	ctl->interval = 1;
	ctl->top = 5;
	ctl->header = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ctl->check = true;
			break;
		case 'h':
			usage(0);
		case 'i':
			ctl->interval = tri_cli_seconds_or_exit("-i", optarg);
			break;
		case 'p':
			tri_targets_add_or_exit(&ctl->targets, optarg);
			break;
		case 't':
			ctl->top = tri_cli_count_or_exit("-t", optarg, 1);
			top = true;
			break;
		case 'V':
			tri_cli_version_exit();
		case OPT_PROM:
			ctl->prom = true;
			break;
		case TRI_OPT_COLOR:
			ctl->color = optarg ? tri_cli_color_or_exit(optarg) :
			    TRI_COLOR_ALWAYS;
			break;
		case TRI_OPT_JSON:
			ctl->json = true;
			break;
		case TRI_OPT_NO_HEADER:
			ctl->header = false;
			break;
		default:
			tri_cli_bad_option(argv, shortopts);
		}
	}
	if (optind < argc)
		errx(TRI_EXIT_FAIL, "unexpected operand (the target is -p "
		    "PID|NAME)");
	if (ctl->json && ctl->prom)
		errx(TRI_EXIT_FAIL, "--json and --prom do not go together");
	if (top && ctl->targets.n)
		errx(TRI_EXIT_FAIL, "-t goes with the machine view, not -p");
	if (ctl->targets.n > 1)
		errx(TRI_EXIT_FAIL, "-p names %zu processes: name one (a pid)",
		    ctl->targets.n);
	tri_out_color_init(ctl->color);
}

static void
output(const struct ctl *ctl, const struct report *r)
{
	if (ctl->json)
		json_report(ctl, r);	/* json.c */
	else if (ctl->prom)
		prom_report(ctl, r);	/* prom.c */
	else
		text_report(ctl, r);	/* text.c */
}

/*
 * Exit status: 2 when the target is bad or part of the report could not
 * be read (it says what), else with --check 1 when a finding is WARN or
 * worse, else 0.
 */
int
main(int argc, char **argv)
{
	struct ctl ctl;
	struct report r;
	struct tri_proc p;
	struct timespec now;
	int status = TRI_EXIT_OK;

	tri_cli_init();
	memset(&ctl, 0, sizeof(ctl));
	memset(&r, 0, sizeof(r));
	parse_options(&ctl, argc, argv);
	clock_gettime(CLOCK_REALTIME, &now);
	r.wall = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	if (ctl.targets.n) {
		if (target_open(&ctl, ctl.targets.pids[0], &p, &r) < 0) {
			tri_targets_free(&ctl.targets);
			return TRI_EXIT_FAIL;
		}
		if (proc_checks(&ctl, &p, &r) < 0)	/* proc.c */
			status = TRI_EXIT_FAIL;
		tri_proc_close(&p);
	} else
		machine_checks(&ctl, &r);	/* machine.c */
	report_sort(&r);	/* finding.c */
	if (status == TRI_EXIT_OK)
		output(&ctl, &r);
	if (status == TRI_EXIT_OK && r.nunread)
		status = TRI_EXIT_FAIL;
	else if (status == TRI_EXIT_OK && ctl.check && r.n &&
	    report_worst(&r) <= SEV_WARN)
		status = TRI_EXIT_FOUND;
	report_free(&r);
	tri_targets_free(&ctl.targets);
	return status;
}
