/* cmd/zombies/main.c - find zombies, say why their parents leave them. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zombies.h"

enum {
	OPT_PROM = TRI_OPT_FIRST_FREE,
	OPT_OUTPUT,
	OPT_RAW,
};

static const char shortopts[] = "acdfFhi:m:n:op:rS:u:Vw";

/* -S keys, in the order of enum zsort. */
static const char *const sort_keys[] = { "pid", "age", "parent", "count",
    NULL };

static const char short_usage[] =
"Usage: zombies [-a] [-p pid[,pid...]] [-u user[,user...]] [-S key]\n"
"               [--output columns] [--raw] [--json | --prom] [--no-header]\n"
"               [--color[=when]]\n"
"       zombies -c [-m seconds] [-p pid] [-u user]\n"
"       zombies -w [-i seconds] [-n count] [-p pid] [-u user]\n"
"       zombies -o [-p pid]\n"
"       zombies -r [-d] [-f] [-F] [-m seconds] [-p pid] [-u user]\n";

static void usage(int status) __attribute__((noreturn));
static void parse_options(struct ctl *, int, char **);

static void
usage(int status)
{
	FILE *f = status == TRI_EXIT_OK ? stdout : stderr;

	fputs(short_usage, f);
	if (status != TRI_EXIT_OK)
		exit(status);
	fputs(
"\nFind zombie processes, explain why their parent does not reap them,\n"
"and reap them without killing the parent.\n\n"
"  -p, --pid pid[,...]   only the subtrees of these pids or process names\n"
"  -u, --user user[,...] only zombies of these users (names or uids)\n"
"  -S, --sort key        order of the zombie table: pid (default), age\n"
"                        (longest dead first), parent, count (parents\n"
"                        with the most zombies first)\n"
"  -a, --all             also list exited thread-group leaders whose\n"
"                        threads still run (not zombies), labelled\n"
"  -o, --orphans         list adopted processes whose session or process\n"
"                        group leader is gone\n"
"  -w, --watch           sample and show each parent's zombie growth rate\n"
"  -i, --interval sec    seconds between --watch samples (default 1)\n"
"  -n, --count n         stop --watch after n samples\n"
"  -c, --check           exit 1 when a zombie is older than --min-age\n"
"  -m, --min-age sec     age a zombie must reach for --check and --reap\n"
"                        (default 5)\n"
"  -r, --reap            reap the zombies: SIGCHLD to the parent, then\n"
"                        wait4 injected into it with ptrace\n"
"  -d, --dry-run         with --reap: say what would be done\n"
"  -f, --force           with --reap: also reap children of PID 1\n"
"  -F, --force-held      with --reap: also when the parent is stopped or\n"
"                        traced (preap -F), with a warning\n"
"      --json            print JSON\n"
"      --prom            print Prometheus metrics (node_exporter textfile)\n"
"      --output cols     the zombie table's columns, in order: PID, PPID,\n"
"                        DEAD-FOR, CPU, STATUS, NAME (-o is --orphans)\n"
"      --raw             tables without alignment, a space in a cell as \\x20\n"
"      --no-header       leave out table headers\n"
"      --color[=when]    auto, always (no value) or never\n"
"  -h, --help            print this help\n"
"  -V, --version         print the version\n"
"\nExit status: 0 ok, 1 --check found an old zombie or --reap left some,\n"
"2 usage error or failure.\n", f);
	exit(status);
}

/* --min-age: 0 is allowed (any zombie counts), unlike an interval. */
static double
parse_min_age(const char *arg)
{
	if (strcmp(arg, "0") == 0)
		return 0;
	return tri_cli_seconds_or_exit("--min-age", arg);
}

static void
add_targets(struct ctl *ctl, const char *arg)
{
	tri_targets_add_or_exit(&ctl->targets, arg);
}

/* Options that only make sense together, and modes that exclude others. */
static void
check_combinations(const struct ctl *ctl, bool sampling)
{
	int modes = ctl->reap + ctl->watch + ctl->orphans + ctl->check;

	if (modes > 1) {
		warnx("--reap, --watch, --orphans and --check exclude each other");
		exit(TRI_EXIT_FAIL);	/* one line, no usage dump */
	}
	if (sampling && !ctl->watch) {
		warnx("-i and -n go with --watch");
		exit(TRI_EXIT_FAIL);
	}
	if ((ctl->dry_run || ctl->force || ctl->force_held) && !ctl->reap) {
		warnx("--dry-run, --force and --force-held go with --reap");
		exit(TRI_EXIT_FAIL);
	}
	if (ctl->prom && (ctl->json || ctl->reap || ctl->watch ||
	    ctl->orphans)) {
		warnx("--prom goes with the zombie list or --check, not with"
		    " --json, --reap, --watch or --orphans");
		exit(TRI_EXIT_FAIL);
	}
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all",	no_argument,		NULL, 'a' },
		{ "check",	no_argument,		NULL, 'c' },
		{ "color",	optional_argument,	NULL, TRI_OPT_COLOR },
		{ "count",	required_argument,	NULL, 'n' },
		{ "dry-run",	no_argument,		NULL, 'd' },
		{ "force",	no_argument,		NULL, 'f' },
		{ "force-held",	no_argument,		NULL, 'F' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "interval",	required_argument,	NULL, 'i' },
		{ "json",	no_argument,		NULL, TRI_OPT_JSON },
		{ "min-age",	required_argument,	NULL, 'm' },
		{ "no-header",	no_argument,		NULL, TRI_OPT_NO_HEADER },
		{ "orphans",	no_argument,		NULL, 'o' },
		{ "output",	required_argument,	NULL, OPT_OUTPUT },
		{ "pid",	required_argument,	NULL, 'p' },
		{ "prom",	no_argument,		NULL, OPT_PROM },
		{ "raw",	no_argument,		NULL, OPT_RAW },
		{ "reap",	no_argument,		NULL, 'r' },
		{ "sort",	required_argument,	NULL, 'S' },
		{ "user",	required_argument,	NULL, 'u' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "watch",	no_argument,		NULL, 'w' },
		{ NULL,		0,			NULL, 0 }
	};
	enum tri_color_mode color = TRI_COLOR_AUTO;
	bool sampling = false;
	int c;

	ctl->min_age = 5;
	ctl->header = true;
	ctl->sample.interval = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'a': ctl->all = true; break;
		case 'c': ctl->check = true; break;
		case 'd': ctl->dry_run = true; break;
		case 'f': ctl->force = true; break;
		case 'F': ctl->force_held = true; break;
		case 'h': usage(TRI_EXIT_OK);
		case 'i':
			ctl->sample.interval = tri_cli_seconds_or_exit("-i",
			    optarg);
			sampling = true;
			break;
		case 'm': ctl->min_age = parse_min_age(optarg); break;
		case 'n':
			ctl->sample.count = tri_cli_count_or_exit("-n", optarg,
			    1);
			sampling = true;
			break;
		case 'o': ctl->orphans = true; break;
		case 'p': add_targets(ctl, optarg); break;
		case 'r': ctl->reap = true; break;
		case 'S':
			ctl->sort = tri_cli_sort_or_exit(optarg, sort_keys);
			break;
		case 'u': tri_users_add_or_exit(&ctl->users, optarg); break;
		case 'V': tri_cli_version_exit();
		case 'w': ctl->watch = true; break;
		case TRI_OPT_COLOR:
			color = optarg ? tri_cli_color_or_exit(optarg) :
			    TRI_COLOR_ALWAYS;
			break;
		case TRI_OPT_JSON: ctl->json = true; break;
		case TRI_OPT_NO_HEADER: ctl->header = false; break;
		case OPT_PROM: ctl->prom = true; break;
		case OPT_OUTPUT: ctl->columns = optarg; break;
		case OPT_RAW: ctl->raw = true; break;
		default: tri_cli_bad_option(argv, shortopts);
		}
	}
	if (optind > 1 && strcmp(argv[optind - 1], "--") == 0)
		errx(TRI_EXIT_FAIL, "'--': zombies runs no program and takes"
		    " no operands");
	if (optind < argc) {
		char *esc = tri_out_escape_dup(argv[optind],
		    strlen(argv[optind]));

		warnx("unexpected argument: %s", esc ? esc : "?");
		free(esc);
		exit(TRI_EXIT_FAIL);
	}
	check_combinations(ctl, sampling);
	if (ctl->columns != NULL)
		zombies_check_columns(ctl);
	tri_out_color_init(color);
}

/* A target that vanished after -p was parsed is reported once, like a bad pid. */
static void
targets_present(const struct ctl *ctl, const struct scan *s)
{
	size_t i;

	for (i = 0; i < ctl->targets.n; i++)
		if (tri_ptable_find(&s->pt, ctl->targets.pids[i]) == NULL)
			errx(TRI_EXIT_FAIL, "pid %d: %s",
			    (int)ctl->targets.pids[i],
			    tri_cli_target_error(ESRCH));
}

/* --check: 1 when any zombie in scope has lived --min-age. */
static int
check_status(const struct ctl *ctl, struct scan *s)
{
	size_t i;

	scan_age_fallback(ctl, s);
	for (i = 0; i < s->nz; i++)
		if (zomb_is_old(ctl, &s->z[i]) == 1)
			return TRI_EXIT_FOUND;
	return TRI_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct ctl ctl = { 0 };
	struct scan s;
	int rc = TRI_EXIT_OK;

	tri_cli_init();
	parse_options(&ctl, argc, argv);
	if (ctl.watch) {			/* watch.c: a scan per sample */
		rc = watch_run(&ctl);
		tri_targets_free(&ctl.targets);
		return rc;
	}
	/* scan.c: the zombies in scope; lib/zparent.c: each parent's verdict */
	if (scan_take(&ctl, &s, !ctl.orphans) < 0)
		err(TRI_EXIT_FAIL, "process table");
	targets_present(&ctl, &s);
	if (ctl.orphans)			/* orphans.c */
		report_orphans(&ctl, &s);
	else if (ctl.reap)			/* reap.c */
		rc = reap_run(&ctl, &s);
	else {					/* report.c */
		if (ctl.check)
			rc = check_status(&ctl, &s);
		scan_sort(&ctl, &s);
		if (ctl.json)
			report_json(&ctl, &s);
		else if (ctl.prom)
			report_prom(&ctl, &s);
		else
			report_text(&ctl, &s);
	}
	scan_free(&s);
	tri_targets_free(&ctl.targets);
	tri_users_free(&ctl.users);
	return rc;
}
