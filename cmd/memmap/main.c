/* cmd/memmap/main.c - where a process's memory is, and what is growing. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memmap.h"

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fputs("Usage: memmap [-q | -X] [-s] [-S key] [-t N] [--json] "
	    "[--no-header] [--color=when] -p pid[,pid...]\n"
	    "       memmap -w [-q] [-i seconds] [-n count] -p pid\n"
	    "       memmap -d before.json [-q] -p pid\n", f);
	if (status != 0)
		exit(status);
	fputs("\nShow a process's memory by mapping, named the way an engineer"
	    " thinks of it\n(text, heap, thread stacks with their tid, malloc"
	    " arenas, memfd...), and\nfind what grows.\n\n"
	    "  -p, --pid PID[,PID]    processes (pids or names)\n"
	    "  -X, --extended         every smaps field per mapping\n"
	    "  -q, --maps-only        read only maps: no RSS, no page walk\n"
	    "  -s, --summary          totals by kind: RSS, PSS, USS, swap\n"
	    "  -S, --sort KEY         rss, pss, size or swap (largest first)\n"
	    "  -t, --top N            only the N largest mappings (processes"
	    " with -s)\n"
	    "  -w, --watch            report mappings that change, and the"
	    " growth rate\n"
	    "  -i, --interval SECS    seconds between --watch samples"
	    " (default 1)\n"
	    "  -n, --count N          stop --watch after N samples\n"
	    "  -d, --diff FILE        compare with a saved --json snapshot\n"
	    "      --json             JSON output\n"
	    "      --no-header        no header, totals or limit lines\n"
	    "      --color=WHEN       auto, always or never\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          the version\n", f);
	exit(0);
}

static enum sortkey
parse_sort(const char *s)
{
	if (strcmp(s, "rss") == 0)
		return SORT_RSS;
	if (strcmp(s, "pss") == 0)
		return SORT_PSS;
	if (strcmp(s, "size") == 0)
		return SORT_SIZE;
	if (strcmp(s, "swap") == 0)
		return SORT_SWAP;
	warnx("--sort %s: not one of rss, pss, size, swap", s);
	usage(TRI_EXIT_FAIL);
}

static void
add_targets(struct ctl *ctl, const char *arg)
{
	tri_targets_add_or_exit(&ctl->targets, arg);
}

static void
check_options(const struct ctl *ctl, bool sampling)
{
	const char *bad = NULL;

	if (ctl->targets.n == 0)
		bad = "-p PID is required";
	else if (ctl->watch && ctl->diff)
		bad = "--watch and --diff do not go together";
	else if ((ctl->watch || ctl->diff) && ctl->targets.n != 1)
		bad = "--watch and --diff take one process";
	else if ((ctl->watch || ctl->diff) && (ctl->summary || ctl->extended))
		bad = "--watch and --diff show mappings, not -s or -X";
	else if (sampling && !ctl->watch)
		bad = "-i and -n go with --watch";
	else if (ctl->extended && ctl->maps_only)
		bad = "-X needs smaps, -q reads only maps";
	else if (ctl->extended && ctl->summary)
		bad = "-X shows mappings, -s shows totals";
	if (bad) {
		warnx("%s", bad);
		usage(TRI_EXIT_FAIL);
	}
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "color",	required_argument, NULL, TRI_OPT_COLOR },
		{ "count",	required_argument, NULL, 'n' },
		{ "diff",	required_argument, NULL, 'd' },
		{ "extended",	no_argument,	   NULL, 'X' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "interval",	required_argument, NULL, 'i' },
		{ "json",	no_argument,	   NULL, TRI_OPT_JSON },
		{ "maps-only",	no_argument,	   NULL, 'q' },
		{ "no-header",	no_argument,	   NULL, TRI_OPT_NO_HEADER },
		{ "pid",	required_argument, NULL, 'p' },
		{ "sort",	required_argument, NULL, 'S' },
		{ "summary",	no_argument,	   NULL, 's' },
		{ "top",	required_argument, NULL, 't' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "watch",	no_argument,	   NULL, 'w' },
		{ NULL,		0,		   NULL, 0 },
	};
	bool sampling = false;
	int c;

	ctl->header = true;
	ctl->sample.interval = 1;
	while ((c = getopt_long(argc, argv, "d:hi:n:p:qS:st:VwX", longopts,
	    NULL)) != -1) {
		switch (c) {
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
		case 'p':
			add_targets(ctl, optarg);
			break;
		case 'q':
			ctl->maps_only = true;
			break;
		case 'S':
			ctl->sort = parse_sort(optarg);
			break;
		case 's':
			ctl->summary = true;
			break;
		case 't':
			ctl->top = tri_cli_count_or_exit("-t", optarg, 1);
			break;
		case 'V':
			tri_cli_version_exit();
		case 'w':
			ctl->watch = true;
			break;
		case 'X':
			ctl->extended = true;
			break;
		case TRI_OPT_COLOR:
			ctl->color = tri_cli_color_or_exit(optarg);
			break;
		case TRI_OPT_JSON:
			ctl->json = true;
			break;
		case TRI_OPT_NO_HEADER:
			ctl->header = false;
			break;
		default:
			usage(TRI_EXIT_FAIL);
		}
	}
	if (optind < argc) {
		warnx("%s: unexpected argument", argv[optind]);
		usage(TRI_EXIT_FAIL);
	}
	check_options(ctl, sampling);
	tri_out_color_init(ctl->color);
}

static void
output(const struct ctl *ctl, struct snap *s, size_t n)
{
	struct tri_json j;
	size_t i;

	if (n == 0)
		return;
	if (!ctl->json) {
		if (ctl->summary)
			view_summary(ctl, s, n);
		else
			view_maps(ctl, s, n);
		return;
	}
	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_key(&j, "processes");
	tri_json_arr_begin(&j);
	for (i = 0; i < n; i++)
		json_snap(ctl, &j, &s[i]);
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static int
snapshot(const struct ctl *ctl)
{
	struct snap *s;
	size_t i, n = 0, failed = 0;
	int r;

	if ((s = calloc(ctl->targets.n, sizeof(*s))) == NULL)
		err(TRI_EXIT_FAIL, "calloc");
	for (i = 0; i < ctl->targets.n; i++) {
		if ((r = snap_take(ctl, ctl->targets.pids[i], &s[n])) < 0) {
			report_failure(&s[n], r, errno);
			snap_free(&s[n]);
			failed++;
			continue;
		}
		report_unsettled(&s[n]);
		n++;
	}
	output(ctl, s, n);
	for (i = 0; i < n; i++)
		snap_free(&s[i]);
	free(s);
	if (failed == 0)
		return TRI_EXIT_OK;
	return n == 0 ? TRI_EXIT_FAIL : TRI_EXIT_FOUND;
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
		status = diff_run(&ctl, ctl.targets.pids[0]);	/* watch.c */
	else
		status = snapshot(&ctl);	/* snap.c, then view.c */
	tri_targets_free(&ctl.targets);
	return status;
}
