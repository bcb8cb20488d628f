/* cmd/memmap/main.c - where a process's memory is, and what is growing. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memmap.h"

enum {
	OPT_MAPS_ONLY = TRI_OPT_FIRST_FREE,
	OPT_PROM,
	OPT_RAW,
};

static const char shortopts[] = "A:d:hi:n:o:p:qS:st:u:VwX";

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fputs("Usage: memmap [-X | --maps-only] [-q] [-A low,high] [-S key]"
	    " [-t N] [-o columns]\n"
	    "              [--raw] [--json] [--no-header] [--color[=when]]"
	    " -p pid[,pid...] | pid...\n"
	    "       memmap -s [--maps-only] [-S key] [-t N] [-u user] [-o columns]"
	    " [--raw]\n"
	    "              [--json | --prom] -p pid[,pid...] | -u user\n"
	    "       memmap -w [--maps-only] [-A low,high] [-i seconds]"
	    " [-n count] -p pid\n"
	    "       memmap -d before.json [--maps-only] [-A low,high] -p pid\n",
	    f);
	if (status != 0)
		exit(status);
	fputs("\nShow a process's memory by mapping, named the way an engineer"
	    " thinks of it\n(text, heap, thread stacks with their tid, malloc"
	    " arenas, memfd, SysV shm\nwith its shmid...), how close it is to its"
	    " limits, and find what grows.\n\n"
	    "  -p, --pid PID[,PID]    processes (pids or names); also as"
	    " operands\n"
	    "  -X, --extended         every smaps field per mapping\n"
	    "      --maps-only        read only maps: no RSS, no page walk\n"
	    "  -q, --quiet            no column header, totals or limit lines"
	    " (pmap -q)\n"
	    "  -A, --range LOW,HIGH   only mappings that overlap LOW..HIGH"
	    " (hex)\n"
	    "  -s, --summary          totals by kind: RSS, PSS, USS, swap\n"
	    "  -u, --user USER[,USER] with -s: the processes of these users\n"
	    "  -S, --sort KEY         rss, pss, size or swap (largest first)\n"
	    "  -t, --top N            the first N mappings, the largest with -S ("
	    "processes with -s)\n"
	    "  -o, --output COLS      the columns to show, in order (-o help"
	    " lists them)\n"
	    "      --raw              columns separated by one space, no"
	    " alignment\n"
	    "  -w, --watch            report mappings that change, and the"
	    " growth rate\n"
	    "  -i, --interval SECS    seconds between --watch samples"
	    " (default 1)\n"
	    "  -n, --count N          stop --watch after N samples\n"
	    "  -d, --diff FILE        compare with a saved --json snapshot\n"
	    "      --json             JSON output\n"
	    "      --prom             with -s: Prometheus text format\n"
	    "      --no-header        no title, header, totals or limit lines\n"
	    "      --color[=WHEN]     auto, always (no value) or never\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          the version\n", f);
	exit(0);
}

static void
check_options(const struct ctl *ctl, bool sampling)
{
	const char *bad = NULL;

	if (ctl->targets.n == 0 && ctl->users.n == 0)
		bad = ctl->summary ? "-s needs -p PID or -u USER" :
		    "-p PID is required";
	else if (ctl->targets.n == 0 && !ctl->summary)
		bad = "-u USER goes with -s";
	else if (ctl->watch && ctl->diff)
		bad = "--watch and --diff do not go together";
	else if ((ctl->watch || ctl->diff) && (ctl->targets.n != 1 ||
	    ctl->users.n))
		bad = "--watch and --diff take one process";
	else if ((ctl->watch || ctl->diff) && (ctl->summary || ctl->extended))
		bad = "--watch and --diff show mappings, not -s or -X";
	else if (sampling && !ctl->watch)
		bad = "-i and -n go with --watch";
	else if (ctl->extended && ctl->maps_only)
		bad = "-X needs smaps, --maps-only reads only maps";
	else if (ctl->extended && ctl->summary)
		bad = "-X shows mappings, -s shows totals";
	else if (ctl->prom && !ctl->summary)
		bad = "--prom goes with -s";
	else if (ctl->prom && ctl->json)
		bad = "--prom and --json do not go together";
	else if ((ctl->columns || ctl->raw) && (ctl->watch || ctl->diff))
		bad = "-o and --raw go with the map and summary tables";
	if (bad)
		errx(TRI_EXIT_FAIL, "%s", bad);	/* one line (man 7 triage) */
}

/*
 * -o +COL,...: the mode's default columns, then those.  -X has no fixed
 * default (every smaps field the kernel gives), so it takes no "+".
 */
static void
plus_columns(struct ctl *ctl)
{
	static char *list;	/* lives as long as the command */
	const char *def;

	if (ctl->columns == NULL || ctl->columns[0] != '+')
		return;
	if (ctl->extended)
		errx(TRI_EXIT_FAIL, "-o +COL adds to the default columns; "
		    "-X has none (name them all)");
	def = ctl->summary ? "PID,COMM,GROUP,COUNT,KBYTES,RSS,PSS,USS,SWAP" :
	    ctl->maps_only ? "ADDRESS,KBYTES,MODE,KIND,MAPPING" :
	    "ADDRESS,KBYTES,RSS,PSS,DIRTY,SWAP,MODE,KIND,MAPPING";
	if (ctl->columns[1] == '\0' || asprintf(&list, "%s,%s", def,
	    ctl->columns + 1) < 0)
		errx(TRI_EXIT_FAIL, "-o +: no column named");
	ctl->columns = list;
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "color",	optional_argument, NULL, TRI_OPT_COLOR },
		{ "count",	required_argument, NULL, 'n' },
		{ "diff",	required_argument, NULL, 'd' },
		{ "extended",	no_argument,	   NULL, 'X' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "interval",	required_argument, NULL, 'i' },
		{ "json",	no_argument,	   NULL, TRI_OPT_JSON },
		{ "maps-only",	no_argument,	   NULL, OPT_MAPS_ONLY },
		{ "no-header",	no_argument,	   NULL, TRI_OPT_NO_HEADER },
		{ "output",	required_argument, NULL, 'o' },
		{ "pid",	required_argument, NULL, 'p' },
		{ "prom",	no_argument,	   NULL, OPT_PROM },
		{ "quiet",	no_argument,	   NULL, 'q' },
		{ "range",	required_argument, NULL, 'A' },
		{ "raw",	no_argument,	   NULL, OPT_RAW },
		{ "sort",	required_argument, NULL, 'S' },
		{ "summary",	no_argument,	   NULL, 's' },
		{ "top",	required_argument, NULL, 't' },
		{ "user",	required_argument, NULL, 'u' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "watch",	no_argument,	   NULL, 'w' },
		{ NULL,		0,		   NULL, 0 },
	};
	static const char *const sortkeys[] = { "rss", "pss", "size", "swap",
	    NULL };
	static const enum sortkey sortval[] = { SORT_RSS, SORT_PSS, SORT_SIZE,
	    SORT_SWAP };
	bool sampling = false;
	int c;

	ctl->header = true;
	ctl->title = true;
	ctl->sample.interval = 1;
	opterr = 0;
	/* options after operands too: getopt_long permutes (no '+') */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
			range_parse_or_exit(ctl, optarg);	/* view.c */
			break;
		case 'd':
			ctl->diff = optarg;
			break;
		case 'h':
			usage(0);
		case 'i':
			ctl->sample.interval = tri_cli_seconds_or_exit("-i",
			    optarg);
			sampling = true;
			break;
		case 'n':
			ctl->sample.count = tri_cli_count_or_exit("-n", optarg,
			    1);
			sampling = true;
			break;
		case 'o':
			ctl->columns = optarg;
			break;
		case 'p':
			tri_targets_add_or_exit(&ctl->targets, optarg);
			break;
		case 'q':
			ctl->header = false;	/* pmap -q: the title stays */
			break;
		case 'S':
			ctl->sort = sortval[tri_cli_sort_or_exit(optarg,
			    sortkeys)];
			break;
		case 's':
			ctl->summary = true;
			break;
		case 't':
			ctl->top = tri_cli_count_or_exit("-t", optarg, 1);
			break;
		case 'u':
			tri_users_add_or_exit(&ctl->users, optarg);
			break;
		case 'V':
			tri_cli_version_exit();
		case 'w':
			ctl->watch = true;
			break;
		case 'X':
			ctl->extended = true;
			break;
		case OPT_MAPS_ONLY:
			ctl->maps_only = true;
			break;
		case OPT_PROM:
			ctl->prom = true;
			break;
		case OPT_RAW:
			ctl->raw = true;
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
			ctl->title = false;
			break;
		default:
			tri_cli_bad_option(argv, shortopts);
		}
	}
	/* pids as operands, as pmap takes them */
	for (; optind < argc; optind++)
		tri_targets_add_or_exit(&ctl->targets, argv[optind]);
	plus_columns(ctl);
	columns_check_or_exit(ctl);	/* view.c; -o help exits 0 */
	check_options(ctl, sampling);
	tri_out_color_init(ctl->color);
}

static void
output(const struct ctl *ctl, struct snap *s, size_t n)
{
	struct tri_json j;
	struct timespec now;
	size_t i;

	if (n == 0 && !ctl->prom && !ctl->json)
		return;
	if (ctl->prom) {
		prom_summary(ctl, s, n);	/* prom.c */
		return;
	}
	if (!ctl->json) {
		if (ctl->summary)
			view_summary(ctl, s, n);	/* summary.c */
		else
			view_maps(ctl, s, n);		/* view.c */
		return;
	}
	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_schema(&j, "memmap");
	clock_gettime(CLOCK_REALTIME, &now);
	tri_json_ktime_unix(&j, n ? s[0].wall : (double)now.tv_sec +
	    (double)now.tv_nsec / 1e9);
	tri_json_key(&j, "processes");
	tri_json_arr_begin(&j);
	for (i = 0; i < n; i++)
		json_snap(ctl, &j, &s[i]);
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

/*
 * Exit status: 2 when a process could not be read (the others are still
 * shown; with -u only when none could be), else 1 when a limit is near
 * or reached (the check of lib/memverdict), else 0.
 */
static int
snapshot(const struct ctl *ctl)
{
	struct snap *s;
	const pid_t *pids = ctl->targets.pids;
	pid_t *own = NULL;
	size_t i, n = 0, npids = ctl->targets.n, failed = 0;
	bool near = false, by_user = ctl->users.n > 0;
	int r;

	if (by_user && (own = users_pids(ctl, &npids)) == NULL)	/* snap.c */
		err(TRI_EXIT_FAIL, "reading /proc");
	if (by_user)
		pids = own;
	if ((s = calloc(npids ? npids : 1, sizeof(*s))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	for (i = 0; i < npids; i++) {
		if ((r = snap_take(ctl, pids[i], &s[n])) < 0) {
			/* -u: a process that exits or is a kernel thread
			   is not one of the user's to show */
			if (!by_user || (r != -2 && errno != ESRCH)) {
				report_failure(&s[n], r, errno);
				failed++;
			}
			snap_free(&s[n]);
			continue;
		}
		report_unsettled(&s[n]);
		if (s[n].lim.level != TRI_MEMVERDICT_OK)
			near = true;
		n++;
	}
	output(ctl, s, n);
	for (i = 0; i < n; i++)
		snap_free(&s[i]);
	free(s);
	free(own);
	/* -u lists what it could read and names the rest: a partial view */
	if (failed && (!by_user || n == 0))
		return TRI_EXIT_FAIL;
	return near ? TRI_EXIT_FOUND : TRI_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct ctl ctl;
	int status;

	tri_cli_init();
	memset(&ctl, 0, sizeof(ctl));
	parse_options(&ctl, argc, argv);
	if (ctl.watch)
		status = watch_run(&ctl, ctl.targets.pids[0]);	/* watch.c */
	else if (ctl.diff)
		status = diff_run(&ctl, ctl.targets.pids[0]);	/* diff.c */
	else
		status = snapshot(&ctl);	/* snap.c, then view.c */
	tri_targets_free(&ctl.targets);
	tri_users_free(&ctl.users);
	return status;
}
