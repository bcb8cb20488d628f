/* cmd/proctree/main.c - a process tree that shows what pstree hides. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"
#include "proctree.h"

enum {
	OPT_NS = TRI_OPT_FIRST_FREE,
	OPT_USER,
	OPT_HL_ALL,
};

static const char shortopts[] = "aAcC:ghH:lm:nN:psStTuUVZ";

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fputs("Usage: proctree [options] [pid|user ...]\n", f);
	if (status)
		exit(status);
	fputs("\nShow the process tree with states, threads and namespaces.\n\n"
	    "  -a, --arguments       show command line arguments\n"
	    "  -A, --ascii           use ASCII line drawing\n"
	    "  -c, --compact-not     do not compact identical subtrees\n"
	    "  -C, --color-by=age    colour by age: green under a minute,\n"
	    "                        yellow under an hour, red older\n"
	    "  -g, --show-pgids      show process group ids\n"
	    "  -H, --highlight-pid=PID  highlight PID and its ancestors\n"
	    "      --highlight-all   highlight proctree and its ancestors\n"
	    "  -l, --long            do not cut lines at the terminal width\n"
	    "  -m, --match=PATTERN   only processes whose name or command line\n"
	    "                        matches PATTERN (extended regex), with\n"
	    "                        their ancestors and descendants\n"
	    "  -n, --numeric-sort    sort by pid (default: by name)\n"
	    "  -N, --ns-sort=TYPE    group by namespace of TYPE: cgroup, ipc,\n"
	    "                        mnt, net, pid, user, uts or time\n"
	    "  -p, --show-pids       show pids; implies -c\n"
	    "  -s, --show-parents    show the ancestors of each root too\n"
	    "  -S, --ns-changes      show where a namespace changes\n"
	    "  -t, --thread-names    show each thread's own name\n"
	    "  -T, --hide-threads    hide threads\n"
	    "  -u, --uid-changes     show where the user changes\n"
	    "      --user=USER[,USER]  only processes of these users (with\n"
	    "                        their ancestors)\n"
	    "  -U, --unicode         use Unicode line drawing\n"
	    "  -Z, --security-context  show the security context (LSM label)\n"
	    "      --ns              mark PID namespace boundaries: pid inside, "
	    "cgroup\n"
	    "      --json            print the tree as JSON\n"
	    "      --no-header       accepted for symmetry: the tree has none\n"
	    "      --color[=WHEN]    auto, always (no WHEN) or never\n"
	    "  -h, --help            show this help\n"
	    "  -V, --version         show the version\n"
	    "\nRoots: pids or user names; default the tree under pid 1.\n"
	    "Marks: <defunct> zombie, <D> uninterruptible, <stopped>, "
	    "<traced>.\n", f);
	exit(TRI_EXIT_OK);
}

/* An index into the NS_* types, or one line and exit 2. */
static int
ns_type_or_exit(const char *arg)
{
	int k;

	for (k = 0; k < NS_N; k++)
		if (strcmp(arg, ns_names[k]) == 0)			/* nsgroup.c */
			return k;
	errx(TRI_EXIT_FAIL, "-N %s: not a namespace type (one of: cgroup, "
	    "ipc, mnt, net, pid, user, uts, time)", xescape_str(arg));
}

static void
parse_one(struct ctl *ctl, int c, char **argv)
{
	switch (c) {
	case 'a': ctl->args = true; break;
	case 'A': ctl->sym = 'A'; break;
	case 'c': ctl->compact = false; break;
	case 'C':
		if (strcasecmp(optarg, "age") != 0)
			errx(TRI_EXIT_FAIL, "-C %s: not age",
			    xescape_str(optarg));
		ctl->color_age = true;
		break;
	case 'g': ctl->pgids = true; break;
	case 'h': usage(TRI_EXIT_OK);
	case 'H':
		if (tri_cli_parse_pid(optarg, &ctl->highlight) < 0)
			errx(TRI_EXIT_FAIL, "-H %s: %s", xescape_str(optarg),
			    tri_cli_target_error(errno));
		break;
	case 'l': ctl->no_cut = true; break;
	case 'm': ctl->match = optarg; break;
	case 'n': ctl->by_pid = true; break;
	case 'N': ctl->ns_sort = ns_type_or_exit(optarg); break;
	case 'p': ctl->pids = true; ctl->compact = false; break;
	case 's': ctl->parents = true; break;
	case 'S': ctl->ns_changes = true; break;
	case 't': ctl->thread_names = true; break;
	case 'T': ctl->hide_threads = true; break;
	case 'u': ctl->uid_changes = true; break;
	case 'U': ctl->sym = 'U'; break;
	case 'V': tri_cli_version_exit();
	case 'Z': ctl->scontext = true; break;
	case OPT_USER: tri_users_add_or_exit(&ctl->users, optarg); break;
	case OPT_HL_ALL: ctl->highlight = getpid(); break;
	case TRI_OPT_JSON: ctl->json = true; break;
	case TRI_OPT_NO_HEADER: break;
	case TRI_OPT_COLOR:
		ctl->color = optarg ? tri_cli_color_or_exit(optarg) :
		    TRI_COLOR_ALWAYS;
		break;
	case OPT_NS: ctl->ns = true; break;
	default:
		/* "-1" is a negative pid, not an option: say so in one line */
		if (isdigit(optopt) && argv[optind - 1][0] == '-' &&
		    isdigit((unsigned char)argv[optind - 1][1]))
			errx(TRI_EXIT_FAIL, "%s: not a valid pid",
			    xescape_str(argv[optind - 1]));
		tri_cli_bad_option(argv, shortopts);
	}
}

static void
parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "arguments",		no_argument,	   NULL, 'a' },
		{ "ascii",		no_argument,	   NULL, 'A' },
		{ "color-by",		required_argument, NULL, 'C' },
		{ "compact-not",	no_argument,	   NULL, 'c' },
		{ "show-pgids",		no_argument,	   NULL, 'g' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ "highlight-pid",	required_argument, NULL, 'H' },
		{ "highlight-all",	no_argument,	   NULL, OPT_HL_ALL },
		{ "long",		no_argument,	   NULL, 'l' },
		{ "match",		required_argument, NULL, 'm' },
		{ "numeric-sort",	no_argument,	   NULL, 'n' },
		{ "ns-sort",		required_argument, NULL, 'N' },
		{ "show-pids",		no_argument,	   NULL, 'p' },
		{ "show-parents",	no_argument,	   NULL, 's' },
		{ "ns-changes",		no_argument,	   NULL, 'S' },
		{ "thread-names",	no_argument,	   NULL, 't' },
		{ "hide-threads",	no_argument,	   NULL, 'T' },
		{ "uid-changes",	no_argument,	   NULL, 'u' },
		{ "unicode",		no_argument,	   NULL, 'U' },
		{ "user",		required_argument, NULL, OPT_USER },
		{ "version",		no_argument,	   NULL, 'V' },
		{ "security-context",	no_argument,	   NULL, 'Z' },
		{ "json",		no_argument,	   NULL, TRI_OPT_JSON },
		{ "no-header",		no_argument,	   NULL, TRI_OPT_NO_HEADER },
		{ "color",		optional_argument, NULL, TRI_OPT_COLOR },
		{ "ns",			no_argument,	   NULL, OPT_NS },
		{ NULL, 0, NULL, 0 }
	};
	char msg[256];
	int c, r;

	ctl->compact = true;
	ctl->ns_sort = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		parse_one(ctl, c, argv);
	if (ctl->match && (r = regcomp(&ctl->re, ctl->match,
	    REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(r, &ctl->re, msg, sizeof(msg));
		errx(TRI_EXIT_FAIL, "-m %s: %s", xescape_str(ctl->match), msg);
	}
	ctl->operands = argv + optind;
	ctl->noperands = argc - optind;
}

static unsigned
snap_flags(const struct ctl *ctl)
{
	unsigned f = 0;

	if (ctl->args || ctl->match)
		f |= SNAP_CMDLINE;
	if (!ctl->hide_threads)
		f |= SNAP_THREADS;
	if (ctl->ns || ctl->ns_changes || ctl->ns_sort >= 0)
		f |= SNAP_NS;
	return f;
}

/* -H and -C age ask for colour: they give it in a pipe too, as pstree's
 * do, unless --color=never. */
static enum tri_color_mode
color_mode(const struct ctl *ctl)
{
	if (ctl->color == TRI_COLOR_AUTO && (ctl->highlight || ctl->color_age))
		return TRI_COLOR_ALWAYS;
	return ctl->color;
}

int
main(int argc, char **argv)
{
	struct ctl ctl = { .color = TRI_COLOR_AUTO };
	struct roots rs = { 0 };
	struct nsgroup *groups = NULL;
	struct vnode **views;
	struct tree tr;
	int k, n, ng = 0;

	tri_cli_init();
	setlocale(LC_CTYPE, "");
	parse_options(&ctl, argc, argv);
	tri_out_color_init(color_mode(&ctl));
	tree_snap(&tr, snap_flags(&ctl));			/* select.c */
	rs.idx = xcalloc(tr.t.n, sizeof(int));
	for (k = 0; k < ctl.noperands; k++)
		operand_roots(&tr, ctl.operands[k], &rs);	/* select.c */
	if (ctl.noperands == 0)
		default_roots(&tr, &rs);
	if (ctl.highlight && tri_ptable_find(&tr.t, ctl.highlight) == NULL)
		errx(TRI_EXIT_FAIL, "-H %d: no such process", (int)ctl.highlight);
	/* Nothing matching is an answer, not a failure: exit 0 (man page). */
	if (ctl.match)
		select_matches(&ctl, &tr);			/* select.c */
	if (ctl.users.n)
		select_users(&ctl, &tr);			/* select.c */
	views = xcalloc((size_t)rs.n, sizeof(*views));
	n = make_views(&ctl, &tr, &rs, views);			/* view.c */
	ns_note();						/* view.c */
	if (ctl.ns_sort >= 0)
		groups = ns_group(&ctl, views, n, &ng);		/* nsgroup.c */
	if (ctl.json)
		print_json(&ctl, views, n, groups, ng);		/* json.c */
	else
		print_text(&ctl, views, n, groups, ng);		/* text.c */
	/* -N moved subtrees into the groups: each view is one of them */
	for (k = 0; groups && k < ng; k++)
		for (n = 0; n < groups[k].n; n++)
			free_view(groups[k].roots[n]);
	for (k = 0; groups == NULL && k < n; k++)
		free_view(views[k]);
	ns_group_free(groups, ng);
	free(views);
	free(rs.idx);
	tree_free(&tr);
	tri_users_free(&ctl.users);
	user_names_free();					/* view.c */
	if (ctl.match)
		regfree(&ctl.re);
	return TRI_EXIT_OK;
}
