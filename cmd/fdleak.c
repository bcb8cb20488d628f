/* cmd/fdleak.c - what a process holds open, and whether it is leaking. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cli.h"
#include "out.h"
#include "proc.h"
#include "ptrace.h"
#include "sock.h"

enum mode { M_LIST, M_SUMMARY, M_TOP, M_WATCH, M_RUN, M_CLOSE };

struct ctl {
	enum mode	 mode;
	struct tri_targets targets;	/* -p */
	struct tri_sample sample;	/* -i, -n */
	bool		 check;		/* -c: exit 1 on a leak or over --max-pct */
	bool		 follow;	/* -f: run mode follows children */
	bool		 force;		/* --force: allow closing fds 0-2 */
	bool		 json;		/* --json */
	bool		 header;	/* not --no-header */
	bool		 peers;		/* --peers: search every process */
	bool		 count_given;	/* -n was given */
	double		 max_pct;	/* --max-pct */
	int		 close_fd;	/* --close FD */
	int		 top;		/* --top N */
	char		**argv;		/* run mode: the command */
};

/* One open fd, as read from fd/N, fdinfo/N and (for paths) statx. */
struct fdent {
	int			 fd;
	const char		*type;		/* "REG", "SOCK", "eventfd", ... */
	char			*link;		/* raw link text, malloc'd */
	size_t			 linklen;
	unsigned long long	 ino, size;
	bool			 deleted;	/* path unlinked, nlink 0 */
	bool			 pipe;		/* link is pipe:[ino] */
	bool			 info;		/* fi is valid */
	struct tri_fdinfo	 fi;
	const struct tri_sock	*sock;		/* in the process's socktab */
	char			*peer;		/* pipe/unix peer text, malloc'd */
};

/* The fd table of one process. */
struct fdtab {
	pid_t			 pid;
	char			 comm[TRI_COMM_MAX];
	struct fdent		*v;
	size_t			 n;
	unsigned long		 count;		/* stat(fd/).st_size */
	unsigned long long	 soft, hard;	/* RLIMIT_NOFILE of the target */
	int			 maxfd;
	struct tri_socktab	*socks;		/* shared, owned by the cache */
};

/*
 * Socket tables loaded once per network namespace.  Each is allocated on
 * its own, so the pointers fdtabs keep stay valid as the cache grows, and
 * the lock lets the readers of several targets share it.
 */
struct sockcache {
	struct tri_socktab	**v;
	size_t			  n;
	pthread_mutex_t		  lock;
};

/* list.c */
static int	fdtab_read(struct fdtab *t, const struct tri_proc *p,
	    struct sockcache *sc);
static void	fdtab_free(struct fdtab *t);
static struct tri_socktab *sockcache_get(struct sockcache *sc,
		    const struct tri_proc *p);
static void	sockcache_free(struct sockcache *sc);
static void	fdent_target(const struct fdent *e, char *buf, size_t size);
const char *fdent_flags(const struct fdent *e, char *buf, size_t size);
const char *fdent_access(const struct fdent *e);
static void	peers_resolve(struct fdtab *tabs, size_t n, bool all);
static int	list_print(const struct ctl *c, FILE *f, struct fdtab *tabs, size_t n);
static void	list_json_fd(struct tri_json *j, const struct fdent *e);
static int	limits_read(const struct tri_proc *p, unsigned long long *soft,
	    unsigned long long *hard);
static double	pct_of(unsigned long count, unsigned long long soft);

/* summary.c */
static int	summary_run(const struct ctl *c);
static void	summary_text(FILE *f, const struct fdtab *t, bool types);
static void	summary_json(struct tri_json *j, const struct fdtab *t, bool types);
static int	top_run(const struct ctl *c);

/* watch.c */
static int	watch_run(const struct ctl *c);

/* run.c */
static int	run_command(const struct ctl *c);

/* close.c */
static int	close_run(const struct ctl *c);

/* "pid 42: " error helpers that follow the project's wording. */
static void	warn_target(pid_t pid, int err);

/* == main.c: what a process holds open, and whether it is leaking. == */


enum {
	OPT_CLOSE = TRI_OPT_FIRST_FREE,
	OPT_FORCE,
	OPT_MAX_PCT,
	OPT_PEERS,
	OPT_TOP,
};

static void usage(int status) __attribute__((noreturn));
static void parse_options(struct ctl *, int, char **);

static void
usage(int status)
{
	FILE *f = status == TRI_EXIT_OK ? stdout : stderr;

	fputs("Usage: fdleak [--peers] [--json] [--no-header] -p PID[,PID...]\n"
	    "       fdleak -s|--summary [-c] [--max-pct PCT] -p PID[,PID...]\n"
	    "       fdleak --top[=N]\n"
	    "       fdleak -w|--watch [-i SECONDS] [-n COUNT] [-c] -p PID\n"
	    "       fdleak [-f] -- COMMAND [ARGS...]\n"
	    "       fdleak --close FD [--force] -p PID\n", f);
	if (status != TRI_EXIT_OK)
		exit(status);
	fputs("\nList the open fds of a process, its headroom against its\n"
	    "RLIMIT_NOFILE, and whether it leaks fds over time.\n\n"
	    "Options:\n"
	    "  -p, --pid PID[,PID...]  processes by pid or name (like pidof)\n"
	    "  -s, --summary           only the count against the soft and hard limit\n"
	    "      --top[=N]           the N processes (default 10) closest to their limit\n"
	    "  -w, --watch             sample the fd table and report what grows\n"
	    "  -i, --interval SECONDS  time between samples (default 1)\n"
	    "  -n, --count COUNT       samples to take (default: until interrupted)\n"
	    "  -c, --check             exit 1 on a leak or usage over --max-pct\n"
	    "      --max-pct PCT       the usage --check allows (default 80)\n"
	    "  -f, --follow            run mode: report children as they exit too\n"
	    "      --close FD          close FD inside the process (ptrace)\n"
	    "      --force             allow --close of fds 0, 1 and 2\n"
	    "      --peers             search every process for pipe and unix peers\n"
	    "      --json              print JSON\n"
	    "      --no-header         no header line and no summary\n"
	    "      --color=WHEN        auto, always or never\n"
	    "  -h, --help              print this help\n"
	    "  -V, --version           print the version\n", f);
	exit(TRI_EXIT_OK);
}

static void
warn_target(pid_t pid, int e)
{
	if (e == ESRCH || e == ENOENT)
		warnx("pid %d: no such process", (int)pid);
	else if (e == EACCES || e == EPERM)
		warnx("pid %d: fd: %s (%s)", (int)pid, strerror(e),
		    tri_caps_hint(CAP_SYS_PTRACE));
	else
		warnx("pid %d: %s", (int)pid, strerror(e));
}

static void
add_targets(struct ctl *c, const char *arg)
{
	tri_targets_add_or_exit(&c->targets, arg);
}

static double
parse_pct(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= 100))
		errx(TRI_EXIT_FAIL, "--max-pct: %s: not a percentage (0-100)",
		    s);
	return v;
}

static void
set_mode(struct ctl *c, enum mode m)
{
	if (c->mode != M_LIST && c->mode != m) {
		warnx("--summary, --top, --watch and --close exclude each other");
		usage(TRI_EXIT_FAIL);
	}
	c->mode = m;
}

static void
parse_number_opt(struct ctl *c, int ch, const char *arg)
{
	int fd;

	if (ch == 'i') {
		c->sample.interval = tri_cli_seconds_or_exit("-i", arg);
	} else if (ch == 'n') {
		c->sample.count = tri_cli_count_or_exit("-n", arg, 1);
		c->count_given = true;
	} else if (ch == OPT_CLOSE) {
		if (tri_cli_parse_int(arg, 0, INT_MAX, &fd) < 0)
			errx(TRI_EXIT_FAIL, "--close: %s: not an fd number", arg);
		c->close_fd = fd;
		set_mode(c, M_CLOSE);
	} else if (ch == OPT_TOP) {
		if (tri_cli_parse_int(arg, 1, INT_MAX, &c->top) < 0)
			errx(TRI_EXIT_FAIL, "--top: %s: not a count", arg);
	}
}

static const struct option longopts[] = {
	{ "check",	no_argument,		NULL, 'c' },
	{ "close",	required_argument,	NULL, OPT_CLOSE },
	{ "color",	required_argument,	NULL, TRI_OPT_COLOR },
	{ "count",	required_argument,	NULL, 'n' },
	{ "follow",	no_argument,		NULL, 'f' },
	{ "force",	no_argument,		NULL, OPT_FORCE },
	{ "help",	no_argument,		NULL, 'h' },
	{ "interval",	required_argument,	NULL, 'i' },
	{ "json",	no_argument,		NULL, TRI_OPT_JSON },
	{ "max-pct",	required_argument,	NULL, OPT_MAX_PCT },
	{ "no-header",	no_argument,		NULL, TRI_OPT_NO_HEADER },
	{ "peers",	no_argument,		NULL, OPT_PEERS },
	{ "pid",	required_argument,	NULL, 'p' },
	{ "summary",	no_argument,		NULL, 's' },
	{ "top",	optional_argument,	NULL, OPT_TOP },
	{ "version",	no_argument,		NULL, 'V' },
	{ "watch",	no_argument,		NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

/* Rules between options, checked once all are read. */
static void
check_options(struct ctl *c, int argc, char **argv)
{
	if (optind < argc) {
		if (c->targets.n || c->mode != M_LIST) {
			warnx("a command to run excludes -p and the other modes");
			usage(TRI_EXIT_FAIL);
		}
		c->mode = M_RUN;
		c->argv = argv + optind;
		return;
	}
	if (c->follow)
		errx(TRI_EXIT_FAIL, "-f: only with a command to run");
	if (c->mode == M_TOP)
		return;
	if (c->targets.n == 0) {
		warnx("no target: give -p PID or a command after --");
		usage(TRI_EXIT_FAIL);
	}
	if ((c->mode == M_WATCH || c->mode == M_CLOSE) && c->targets.n > 1)
		errx(TRI_EXIT_FAIL, "%s takes one process; -p named %zu",
		    c->mode == M_WATCH ? "--watch" : "--close", c->targets.n);
	if (c->mode == M_WATCH && c->count_given && c->sample.count < 2)
		errx(TRI_EXIT_FAIL, "--watch: -n must be at least 2");
}

static void
parse_options(struct ctl *c, int argc, char **argv)
{
	enum tri_color_mode color = TRI_COLOR_AUTO;
	int ch;

	while ((ch = getopt_long(argc, argv, "+cfhi:n:p:sVw", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': c->check = true; break;
		case 'f': c->follow = true; break;
		case 'h': usage(TRI_EXIT_OK);
		case 'i': case 'n': case OPT_CLOSE:
			parse_number_opt(c, ch, optarg);
			break;
		case 'p': add_targets(c, optarg); break;
		case 's': set_mode(c, M_SUMMARY); break;
		case 'V': tri_cli_version_exit();
		case 'w': set_mode(c, M_WATCH); break;
		case OPT_FORCE: c->force = true; break;
		case OPT_MAX_PCT: c->max_pct = parse_pct(optarg); break;
		case OPT_PEERS: c->peers = true; break;
		case OPT_TOP:
			set_mode(c, M_TOP);
			if (optarg)
				parse_number_opt(c, ch, optarg);
			else if (optind < argc && tri_cli_is_number(argv[optind]))
				parse_number_opt(c, ch, argv[optind++]);
			break;
		case TRI_OPT_JSON: c->json = true; break;
		case TRI_OPT_NO_HEADER: c->header = false; break;
		case TRI_OPT_COLOR:
			color = tri_cli_color_or_exit(optarg);
			break;
		default: usage(TRI_EXIT_FAIL);
		}
	}
	tri_out_color_init(color);
	check_options(c, argc, argv);
}

/*
 * Several targets are read in parallel, one thread per CPU we may run on:
 * each /proc/PID/fd directory is its own, so the readers do not contend
 * (splitting one process's fds between threads was slower).  Job 0 loads
 * the socket table of the first target's namespace meanwhile; sockets
 * are looked up once everything is read.  Results and errors stay in the
 * order of the targets.
 */
struct listjob {
	pid_t			*pids;
	struct tri_proc		*procs;		/* open while errs[i] is 0 */
	struct fdtab		*tabs;
	int			*errs;
	size_t			 n, next;	/* jobs: n targets, and 1 */
	pthread_mutex_t		 lock;
	struct sockcache	*sc;
};

static void
list_job(struct listjob *j, size_t k)
{
	struct tri_proc p;
	size_t i = k - 1;

	if (k == 0) {
		if (tri_proc_open(&p, j->pids[0]) == 0) {
			sockcache_get(j->sc, &p);
			tri_proc_close(&p);
		}
		return;
	}
	if (tri_proc_open(&j->procs[i], j->pids[i]) < 0) {
		j->errs[i] = errno;
		return;
	}
	if (fdtab_read(&j->tabs[i], &j->procs[i], NULL) < 0) {
		j->errs[i] = errno ? errno : ESRCH;
		tri_proc_close(&j->procs[i]);
	}
}

static void *
list_worker(void *arg)
{
	struct listjob *j = arg;
	size_t k;

	for (;;) {
		pthread_mutex_lock(&j->lock);
		k = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (k > j->n)
			return NULL;
		list_job(j, k);
	}
}

/* Point the sockets of t at their entries in its namespace's table. */
static void
fdtab_resolve(struct fdtab *t, struct tri_socktab *st)
{
	size_t i;

	t->socks = st;
	for (i = 0; st && i < t->n; i++)
		if (strcmp(t->v[i].type, "SOCK") == 0)
			t->v[i].sock = tri_sock_find(st, t->v[i].ino);
}

static size_t
cpus_usable(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	return (size_t)CPU_COUNT(&set);
}

static void
list_read(struct listjob *j)
{
	pthread_t th[8];
	size_t i, nth = cpus_usable();

	if (nth > j->n + 1)
		nth = j->n + 1;
	if (nth > sizeof(th) / sizeof(th[0]))
		nth = sizeof(th) / sizeof(th[0]);
	for (i = 1; i < nth; i++)
		if (pthread_create(&th[i], NULL, list_worker, j) != 0)
			break;
	nth = i;
	list_worker(j);
	for (i = 1; i < nth; i++)
		pthread_join(th[i], NULL);
}

static int
list_run(const struct ctl *c)
{
	struct sockcache sc = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct listjob j = { .lock = PTHREAD_MUTEX_INITIALIZER, .sc = &sc };
	size_t i, n = 0;
	int failed = 0, rc = TRI_EXIT_OK;

	j.n = c->targets.n;
	j.pids = c->targets.pids;
	j.tabs = calloc(j.n, sizeof(*j.tabs));
	j.procs = calloc(j.n, sizeof(*j.procs));
	j.errs = calloc(j.n, sizeof(*j.errs));
	if (j.tabs == NULL || j.procs == NULL || j.errs == NULL)
		err(TRI_EXIT_FAIL, "memory");
	list_read(&j);
	for (i = 0; i < j.n; i++) {
		if (j.errs[i] != 0) {
			warn_target(j.pids[i], j.errs[i]);
			failed = 1;
			continue;
		}
		fdtab_resolve(&j.tabs[i], sockcache_get(&sc, &j.procs[i]));
		tri_proc_close(&j.procs[i]);
		if (c->check && pct_of(j.tabs[i].count, j.tabs[i].soft) >
		    c->max_pct)
			rc = TRI_EXIT_FOUND;
		if (n != i)
			j.tabs[n] = j.tabs[i];
		n++;
	}
	if (n > 0) {
		peers_resolve(j.tabs, n, c->peers);
		list_print(c, stdout, j.tabs, n);
	}
	for (i = 0; i < n; i++)
		fdtab_free(&j.tabs[i]);
	free(j.tabs);
	free(j.procs);
	free(j.errs);
	sockcache_free(&sc);
	return failed ? TRI_EXIT_FAIL : rc;
}

int
main(int argc, char **argv)
{
	struct ctl c = {
		.header = true,
		.max_pct = 80,
		.top = 10,
		.sample = { .interval = 1, .count = 0 },
	};
	int rc;

	tri_cli_init();
	parse_options(&c, argc, argv);
	switch (c.mode) {
	case M_SUMMARY:	rc = summary_run(&c); break;
	case M_TOP:	rc = top_run(&c); break;
	case M_WATCH:	rc = watch_run(&c); break;
	case M_RUN:	rc = run_command(&c); break;
	case M_CLOSE:	rc = close_run(&c); break;
	default:	rc = list_run(&c); break;
	}
	tri_targets_free(&c.targets);
	if (fflush(stdout) == EOF && errno != EPIPE)
		err(TRI_EXIT_FAIL, "stdout");
	return rc;
}

/* == list.c: read a process's fd table and print one line per fd. == */


static double
pct_of(unsigned long count, unsigned long long soft)
{
	if (soft == 0 || soft == RLIM_INFINITY)
		return 0;
	return 100.0 * (double)count / (double)soft;
}

static int
limits_read(const struct tri_proc *p, unsigned long long *soft,
    unsigned long long *hard)
{
	return tri_proc_read_limit(p, "Max open files", soft, hard);
}

/* The socket table of p's network namespace, loaded on first use. */
static struct tri_socktab *
sockcache_get(struct sockcache *sc, const struct tri_proc *p)
{
	unsigned long long ns = tri_sock_netns(p);
	struct tri_socktab **nv, *t = NULL;
	size_t i;

	pthread_mutex_lock(&sc->lock);
	for (i = 0; i < sc->n; i++)
		if (ns != 0 && sc->v[i]->netns == ns) {
			t = sc->v[i];
			goto out;
		}
	if ((nv = realloc(sc->v, (sc->n + 1) * sizeof(*nv))) == NULL)
		goto out;
	sc->v = nv;
	if ((t = malloc(sizeof(*t))) == NULL)
		goto out;
	if (tri_sock_load(t, p) < 0) {
		free(t);
		t = NULL;
		goto out;
	}
	sc->v[sc->n++] = t;
out:
	pthread_mutex_unlock(&sc->lock);
	return t;
}

static void
sockcache_free(struct sockcache *sc)
{
	size_t i;

	for (i = 0; i < sc->n; i++) {
		tri_sock_free(sc->v[i]);
		free(sc->v[i]);
	}
	free(sc->v);
	sc->v = NULL;
	sc->n = 0;
}

/* "anon_inode:[eventfd]" -> "eventfd"; "anon_inode:inotify" -> "inotify" */
static const char *
anon_type(const char *s)
{
	static const char *const kinds[] = {
		"eventfd", "eventpoll", "timerfd", "signalfd", "inotify",
		"pidfd", "io_uring", "fanotify", "userfaultfd", "perf_event",
		"bpf-map", "bpf-prog", "bpf_link", "bpf-link", "dmabuf",
		"sync_file", "kvm-vm", "kvm-vcpu",
	};
	size_t i, n;

	if (*s == '[')
		s++;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		n = strlen(kinds[i]);
		if (strncmp(s, kinds[i], n) == 0)
			return kinds[i];
	}
	return "anon";
}

static const char *
mode_type(unsigned int mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:	return "REG";
	case S_IFDIR:	return "DIR";
	case S_IFCHR:	return "CHR";
	case S_IFBLK:	return "BLK";
	case S_IFIFO:	return "FIFO";
	case S_IFSOCK:	return "SOCK";
	case S_IFLNK:	return "LNK";
	default:	return "UNKNOWN";
	}
}

static bool
has_suffix(const char *s, size_t len, const char *suf)
{
	size_t n = strlen(suf);

	return len >= n && memcmp(s + len - n, suf, n) == 0;
}

/* A path: its real type and size come from statx through the fd link. */
static void
classify_path(struct fdent *e, int fddir)
{
	struct statx stx;

	e->type = "UNKNOWN";
	if (tri_proc_fd_statx(fddir, e->fd, &stx) < 0)
		return;
	e->type = mode_type(stx.stx_mode);
	e->ino = stx.stx_ino;
	e->size = stx.stx_size;
	if (has_suffix(e->link, e->linklen, " (deleted)") &&
	    stx.stx_nlink == 0) {
		e->deleted = true;
		e->linklen -= strlen(" (deleted)");
		e->link[e->linklen] = '\0';
	}
	if (strncmp(e->link, "/memfd:", 7) == 0 && e->deleted)
		e->type = "memfd";
}

static void
classify(struct fdent *e, int fddir, struct tri_socktab *st)
{
	const char *s = e->link;

	if (strncmp(s, "socket:[", 8) == 0) {
		e->type = "SOCK";
		e->ino = strtoull(s + 8, NULL, 10);
		e->sock = st ? tri_sock_find(st, e->ino) : NULL;
	} else if (strncmp(s, "pipe:[", 6) == 0) {
		e->type = "FIFO";
		e->pipe = true;
		e->ino = strtoull(s + 6, NULL, 10);
	} else if (strncmp(s, "anon_inode:", 11) == 0) {
		e->type = anon_type(s + 11);
	} else if (strncmp(s, "pidfd:", 6) == 0) {
		e->type = "pidfd";	/* pidfs, Linux 6.9 and later */
	} else if (*s == '/') {
		classify_path(e, fddir);
	} else {
		e->type = "UNKNOWN";	/* net:[...], mnt:[...]: ns fds */
		if (strchr(s, ':'))
			e->type = "nsfs";
	}
}

/*
 * The mounts of sockfs and pipefs, learnt from the first socket and pipe
 * of a table.  Every file there has the link "socket:[INO]" or
 * "pipe:[INO]", with the inode fdinfo already gives (Linux 5.14 and
 * later): on those mounts the readlink, a fifth of the cost of an fd, is
 * skipped.
 */
struct pseudo {
	int	sock_mnt, pipe_mnt;
};

static ssize_t
pseudo_link(const struct pseudo *ps, const struct fdent *e, char *buf,
    size_t size)
{
	if (!e->info || e->fi.ino == 0 || e->fi.mnt_id < 0)
		return -1;
	if (e->fi.mnt_id == ps->sock_mnt)
		return snprintf(buf, size, "socket:[%llu]", e->fi.ino);
	if (e->fi.mnt_id == ps->pipe_mnt)
		return snprintf(buf, size, "pipe:[%llu]", e->fi.ino);
	return -1;
}

static void
pseudo_learn(struct pseudo *ps, const struct fdent *e, const char *link)
{
	unsigned long long ino;
	char *end;

	if (!e->info || e->fi.ino == 0 || e->fi.mnt_id < 0)
		return;
	if (strncmp(link, "socket:[", 8) == 0) {
		ino = strtoull(link + 8, &end, 10);
		if (ino == e->fi.ino && strcmp(end, "]") == 0)
			ps->sock_mnt = e->fi.mnt_id;
	} else if (strncmp(link, "pipe:[", 6) == 0) {
		ino = strtoull(link + 6, &end, 10);
		if (ino == e->fi.ino && strcmp(end, "]") == 0)
			ps->pipe_mnt = e->fi.mnt_id;
	}
}

static int
read_one(struct fdent *e, int fddir, int infodir, struct tri_socktab *st,
    struct pseudo *ps)
{
	char buf[PATH_MAX + 16];
	ssize_t n;

	e->info = tri_proc_read_fdinfo(infodir, e->fd, &e->fi) == 0;
	if ((n = pseudo_link(ps, e, buf, sizeof(buf))) < 0) {
		if ((n = tri_proc_fd_link(fddir, e->fd, buf, sizeof(buf))) < 0)
			return -1;	/* closed since the readdir: skip it */
		pseudo_learn(ps, e, buf);
	}
	e->linklen = (size_t)n;
	if ((e->link = malloc((size_t)n + 1)) == NULL)
		return -1;
	memcpy(e->link, buf, (size_t)n + 1);
	classify(e, fddir, st);
	return 0;
}

static int
read_fds(struct fdtab *t, const struct tri_proc *p, int fddir, int infodir)
{
	struct pseudo ps = { -1, -1 };
	size_t n, i;
	int *fds;

	if ((fds = tri_proc_fd_list(fddir, &n)) == NULL)
		return -1;
	if ((t->v = calloc(n ? n : 1, sizeof(*t->v))) == NULL) {
		free(fds);
		return -1;
	}
	for (i = 0; i < n; i++) {
		t->v[t->n].fd = fds[i];
		if (read_one(&t->v[t->n], fddir, infodir, t->socks, &ps) == 0)
			t->n++;
		else {
			free(t->v[t->n].link);
			memset(&t->v[t->n], 0, sizeof(t->v[0]));
		}
	}
	t->maxfd = n ? fds[n - 1] : -1;
	free(fds);
	return 0;
}

static int
fdtab_read(struct fdtab *t, const struct tri_proc *p, struct sockcache *sc)
{
	struct tri_stat st;
	int fddir, infodir = -1, r = -1, e;

	memset(t, 0, sizeof(*t));
	t->pid = p->pid;
	if (tri_proc_read_stat(p, &st) < 0)
		return -1;
	memcpy(t->comm, st.comm, sizeof(t->comm));
	if ((fddir = tri_proc_fd_opendir(p, false)) < 0)
		return -1;
	if ((infodir = tri_proc_fd_opendir(p, true)) < 0)
		goto out;
	t->soft = t->hard = RLIM_INFINITY;
	limits_read(p, &t->soft, &t->hard);
	t->socks = sc ? sockcache_get(sc, p) : NULL;
	if (read_fds(t, p, fddir, infodir) < 0)
		goto out;
	tri_proc_fd_count(p, &t->count);
	/* A pid reused while we read would mix two processes: check. */
	r = tri_proc_check(p);
out:
	e = errno;
	close(fddir);
	if (infodir >= 0)
		close(infodir);
	if (r < 0)
		fdtab_free(t);
	errno = e;
	return r;
}

static void
fdtab_free(struct fdtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].link);
		free(t->v[i].peer);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

const char *
fdent_access(const struct fdent *e)
{
	if (!e->info)
		return "?";
	switch (e->fi.flags & O_ACCMODE) {
	case O_RDONLY:	return "r";
	case O_WRONLY:	return "w";
	case O_RDWR:	return "rw";
	default:	return "?";
	}
}

const char *
fdent_flags(const struct fdent *e, char *buf, size_t size)
{
	static const struct { unsigned int bit; const char *name; } fl[] = {
		{ O_CLOEXEC, "CLOEXEC" }, { O_NONBLOCK, "NONBLOCK" },
		{ O_APPEND, "APPEND" }, { O_SYNC, "SYNC" },
		{ O_DIRECT, "DIRECT" }, { O_PATH, "PATH" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	if (!e->info)
		return "?";
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if ((e->fi.flags & fl[i].bit) == fl[i].bit && n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
			    n ? "," : "", fl[i].name);
	return n ? buf : "-";
}

static void
sock_target(const struct fdent *e, char *buf, size_t size)
{
	const struct tri_sock *s = e->sock;
	size_t n;

	if (s == NULL) {
		/* Not in the namespace's tables (netlink, packet, ...): the
		 * protocol name the kernel keeps on the socket inode. */
		snprintf(buf, size, "socket:[%llu]", e->ino);
		return;
	}
	if (s->family == AF_UNIX) {
		n = (size_t)snprintf(buf, size, "%s %s", s->proto,
		    s->path ? s->path : "(unnamed)");
	} else {
		n = (size_t)snprintf(buf, size, "%s %s%s%s%s%s", s->proto,
		    s->local, s->remote[0] ? " -> " : "", s->remote,
		    s->state ? " " : "", tri_sock_state_name(s->state));
	}
	if (e->peer && n < size)
		snprintf(buf + n, size - n, " peer %s", e->peer);
}

static void
signal_list(uint64_t mask, char *buf, size_t size)
{
	size_t n = 0;
	const char *a;
	int sig;

	buf[0] = '\0';
	for (sig = 1; sig <= 64 && n < size; sig++)
		if (mask & (1ULL << (sig - 1))) {
			a = sigabbrev_np(sig);
			n += (size_t)(a ? snprintf(buf + n, size - n, "%sSIG%s",
			    n ? "," : "", a) : snprintf(buf + n, size - n,
			    "%s%d", n ? "," : "", sig));
		}
}

static void
anon_target(const struct fdent *e, char *buf, size_t size)
{
	const struct tri_fdinfo *fi = &e->fi;
	char sigs[512];
	size_t n;
	int i;

	if (fi->has_eventfd)
		snprintf(buf, size, "eventfd count=%llu", fi->eventfd_count);
	else if (strcmp(e->type, "eventpoll") == 0) {
		n = (size_t)snprintf(buf, size, "eventpoll watching %d fds",
		    fi->ntfd);
		for (i = 0; i < fi->ntfd && i < TRI_FDINFO_TFD_MAX && n < size;
		    i++)
			n += (size_t)snprintf(buf + n, size - n, "%s%d",
			    i ? "," : " ", fi->tfd[i]);
	} else if (fi->has_sigmask) {
		signal_list(fi->sigmask, sigs, sizeof(sigs));
		snprintf(buf, size, "signalfd %s", sigs[0] ? sigs : "(none)");
	} else if (fi->has_timer)
		snprintf(buf, size, "timerfd clock=%d value=%.3fs interval=%.3fs",
		    fi->clockid, (double)fi->it_value_ns / 1e9,
		    (double)fi->it_interval_ns / 1e9);
	else if (strcmp(e->type, "inotify") == 0)
		snprintf(buf, size, "inotify %d watch%s", fi->nwd,
		    fi->nwd == 1 ? "" : "es");
	else if (strcmp(e->type, "pidfd") == 0 && fi->pidfd_pid != 0)
		snprintf(buf, size, fi->pidfd_pid > 0 ? "pidfd pid %d" :
		    "pidfd (exited)", (int)fi->pidfd_pid);
	else
		snprintf(buf, size, "%s", e->link);
}

/* The TARGET text: raw bytes (paths are untrusted), escaped on output. */
static void
fdent_target(const struct fdent *e, char *buf, size_t size)
{
	if (strcmp(e->type, "SOCK") == 0 && strncmp(e->link, "socket:", 7)
	    == 0)
		sock_target(e, buf, size);
	else if (e->pipe)
		snprintf(buf, size, "pipe:[%llu]%s%s", e->ino,
		    e->peer ? " peer " : "", e->peer ? e->peer : "");
	else if (e->deleted)
		snprintf(buf, size, "%s (deleted, %llu bytes)", e->link,
		    e->size);
	else if (e->link[0] == '/' || e->link[0] == '\0')
		snprintf(buf, size, "%s", e->link);
	else
		anon_target(e, buf, size);
}

/*
 * Peers.  A pipe or a unix socket is known by its inode; the process at
 * the other end is whoever else holds that inode (a pipe) or the peer's
 * inode (a unix socket, from sock_diag).  Finding it means reading other
 * processes' fd links, so by default only the likely holders are read:
 * the targets themselves, their parents and their children.  --peers
 * reads every process, like lsof +E.
 */
struct ref {
	unsigned long long	 ino;
	pid_t			 pid;
	int			 fd;
	const char		*comm;
};

struct refs {
	struct ref	*v;
	size_t		 n, cap;
	char		(*comms)[TRI_COMM_MAX];
	pid_t		*pids;
	size_t		 npids, pcap;
};

static int
refs_push(struct refs *r, unsigned long long ino, pid_t pid, int fd,
    const char *comm)
{
	struct ref *nv;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		if ((nv = realloc(r->v, r->cap * sizeof(*nv))) == NULL)
			return -1;
		r->v = nv;
	}
	r->v[r->n++] = (struct ref){ ino, pid, fd, comm };
	return 0;
}

/* Remember a pid once; returns its slot or -1 when seen before. */
static long
refs_pid(struct refs *r, pid_t pid)
{
	size_t i;

	for (i = 0; i < r->npids; i++)
		if (r->pids[i] == pid)
			return -1;
	if (r->npids == r->pcap) {
		r->pcap = r->pcap ? 2 * r->pcap : 64;
		r->pids = realloc(r->pids, r->pcap * sizeof(*r->pids));
		r->comms = realloc(r->comms, r->pcap * sizeof(*r->comms));
		if (r->pids == NULL || r->comms == NULL)
			abort();
	}
	r->pids[r->npids] = pid;
	r->comms[r->npids][0] = '\0';
	return (long)r->npids++;
}

/* Read the pipe and socket links of one non-target process. */
static void
scan_process(struct refs *r, pid_t pid)
{
	char buf[64];
	struct tri_proc p;
	struct tri_stat st;
	size_t i, n;
	int fddir, *fds;
	long slot;

	if ((slot = refs_pid(r, pid)) < 0 || tri_proc_open(&p, pid) < 0)
		return;
	if (tri_proc_read_stat(&p, &st) == 0)
		memcpy(r->comms[slot], st.comm, TRI_COMM_MAX);
	if ((fddir = tri_proc_fd_opendir(&p, false)) >= 0) {
		if ((fds = tri_proc_fd_list(fddir, &n)) != NULL) {
			for (i = 0; i < n; i++) {
				if (tri_proc_fd_link(fddir, fds[i], buf,
				    sizeof(buf)) < 0)
					continue;
				if (strncmp(buf, "pipe:[", 6) == 0)
					refs_push(r, strtoull(buf + 6, NULL, 10),
					    pid, fds[i], NULL);
				else if (strncmp(buf, "socket:[", 8) == 0)
					refs_push(r, strtoull(buf + 8, NULL, 10),
					    pid, fds[i], NULL);
			}
			free(fds);
		}
		close(fddir);
	}
	tri_proc_close(&p);
}

/* Parents and children of a target: where the other ends usually are. */
static void
scan_relatives(struct refs *r, pid_t pid)
{
	char path[64], *buf, *s, *end;
	struct tri_proc p;
	struct tri_stat st;
	size_t len;

	if (tri_proc_open(&p, pid) < 0)
		return;
	if (tri_proc_read_stat(&p, &st) == 0 && st.ppid > 0)
		scan_process(r, st.ppid);
	snprintf(path, sizeof(path), "task/%d/children", (int)pid);
	if ((buf = tri_proc_read_all(&p, path, &len)) != NULL) {
		for (s = buf; *s; s = end) {
			long c = strtol(s, &end, 10);

			if (end == s)
				break;
			scan_process(r, (pid_t)c);
		}
		free(buf);
	}
	tri_proc_close(&p);
}

static int
scan_one(pid_t pid, void *arg)
{
	scan_process(arg, pid);
	return 0;
}

static void
scan_all(struct refs *r)
{
	tri_proc_walk(scan_one, r);
}

static int
cmp_ref(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

static const char *
ref_comm(const struct refs *r, const struct ref *f)
{
	size_t i;

	if (f->comm)
		return f->comm;
	for (i = 0; i < r->npids; i++)
		if (r->pids[i] == f->pid)
			return r->comms[i];
	return "?";
}

/* "1234 (comm) fd 5, 77 (sh) fd 1" for holders of ino other than self. */
static char *
peer_text(const struct refs *r, unsigned long long ino, pid_t pid, int fd)
{
	struct ref key = { ino, 0, -1, NULL }, *f;
	char buf[1024];
	size_t n = 0, shown = 0, more = 0;

	f = r->v;
	/* first ref with this inode: lower bound by binary search */
	{
		size_t lo = 0, hi = r->n;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (cmp_ref(&r->v[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		f = r->v + lo;
	}
	buf[0] = '\0';
	for (; f < r->v + r->n && f->ino == ino; f++) {
		if (f->pid == pid && f->fd == fd)
			continue;
		if (shown == 3) {
			more++;
			continue;
		}
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%d (%s) fd %d",
		    shown ? ", " : "", (int)f->pid, ref_comm(r, f), f->fd);
		shown++;
	}
	if (more)
		snprintf(buf + n, sizeof(buf) - n, " +%zu more", more);
	return shown ? strdup(buf) : NULL;
}

static void
peers_resolve(struct fdtab *tabs, size_t n, bool all)
{
	struct refs r = { 0 };
	struct fdent *e;
	size_t i, k;

	for (i = 0; i < n; i++) {
		refs_pid(&r, tabs[i].pid);
		for (k = 0; k < tabs[i].n; k++)
			if (tabs[i].v[k].pipe || tabs[i].v[k].sock)
				refs_push(&r, tabs[i].v[k].ino, tabs[i].pid,
				    tabs[i].v[k].fd, tabs[i].comm);
	}
	if (all)
		scan_all(&r);
	else
		for (i = 0; i < n; i++)
			scan_relatives(&r, tabs[i].pid);
	qsort(r.v, r.n, sizeof(*r.v), cmp_ref);
	for (i = 0; i < n; i++)
		for (k = 0; k < tabs[i].n; k++) {
			e = &tabs[i].v[k];
			if (e->pipe)
				e->peer = peer_text(&r, e->ino, tabs[i].pid,
				    e->fd);
			else if (e->sock && e->sock->family == AF_UNIX &&
			    e->sock->peer != 0 && (e->peer = peer_text(&r,
			    e->sock->peer, 0, -1)) == NULL &&
			    asprintf(&e->peer, "socket:[%llu]",
			    e->sock->peer) < 0)
				e->peer = NULL;
		}
	free(r.v);
	free(r.pids);
	free(r.comms);
}

struct widths {
	int	 pid, fd, type, mode, flags, pos;
};

static void
measure(struct widths *w, const struct fdtab *tabs, size_t n)
{
	char fl[128];
	const struct fdent *e;
	size_t i, k;
	int l;

	*w = (struct widths){ 3, 2, 4, 4, 5, 3 };
	for (i = 0; i < n; i++)
		for (k = 0; k < tabs[i].n; k++) {
			e = &tabs[i].v[k];
			if ((l = (int)tri_out_digits((unsigned)tabs[i].pid)) > w->pid)
				w->pid = l;
			if ((l = (int)tri_out_digits((unsigned)e->fd)) > w->fd)
				w->fd = l;
			if ((l = (int)strlen(e->type)) > w->type)
				w->type = l;
			if ((l = (int)strlen(fdent_flags(e, fl, sizeof(fl)))) >
			    w->flags)
				w->flags = l;
			if ((l = (int)tri_out_digits(e->fi.pos)) > w->pos)
				w->pos = l;
		}
}

/* One row; written by hand, as printf was a tenth of a listing's time. */
static void
print_row(FILE *f, const struct widths *w, pid_t pid, const struct fdent *e)
{
	char fl[128], target[PATH_MAX + 2048], head[512], *p = head;

	p = tri_out_put_num(p, (unsigned long long)pid, (size_t)w->pid);
	p = tri_out_put_num(p, (unsigned long long)e->fd, (size_t)w->fd);
	p = tri_out_put_word(p, e->type, (size_t)w->type);
	p = tri_out_put_word(p, fdent_access(e), (size_t)w->mode);
	p = tri_out_put_word(p, fdent_flags(e, fl, sizeof(fl)),
	    (size_t)w->flags);
	p = tri_out_put_num(p, e->fi.pos, (size_t)w->pos);
	fwrite(head, 1, (size_t)(p - head), f);
	fdent_target(e, target, sizeof(target));
	tri_out_fescape(f, target, strlen(target));
	putc('\n', f);
}

static void
list_json_proc(struct tri_json *j, const struct fdtab *t)
{
	size_t k;

	tri_json_obj_begin(j);
	summary_json(j, t, true);
	tri_json_key(j, "fds");
	tri_json_arr_begin(j);
	for (k = 0; k < t->n; k++)
		list_json_fd(j, &t->v[k]);
	tri_json_arr_end(j);
	tri_json_obj_end(j);
}

static int
list_print(const struct ctl *c, FILE *f, struct fdtab *tabs, size_t n)
{
	struct tri_json j;
	struct widths w;
	size_t i, k;

	if (c->json) {
		tri_json_init(&j, f, false);
		tri_json_obj_begin(&j);
		tri_json_key(&j, "processes");
		tri_json_arr_begin(&j);
		for (i = 0; i < n; i++)
			list_json_proc(&j, &tabs[i]);
		tri_json_arr_end(&j);
		tri_json_obj_end(&j);
		tri_json_end(&j);
		return 0;
	}
	measure(&w, tabs, n);
	if (c->header)
		fprintf(f, "%*s %*s %-*s %-*s %-*s %*s %s\n", w.pid, "PID",
		    w.fd, "FD", w.type, "TYPE", w.mode, "MODE", w.flags,
		    "FLAGS", w.pos, "POS", "TARGET");
	for (i = 0; i < n; i++)
		for (k = 0; k < tabs[i].n; k++)
			print_row(f, &w, tabs[i].pid, &tabs[i].v[k]);
	if (c->header)
		for (i = 0; i < n; i++) {
			putc('\n', f);
			summary_text(f, &tabs[i], true);
		}
	return 0;
}

static void
json_sock(struct tri_json *j, const struct fdent *e)
{
	const struct tri_sock *s = e->sock;

	tri_json_key(j, "socket");
	tri_json_obj_begin(j);
	tri_json_kuint(j, "inode", e->ino);
	if (s) {
		tri_json_kstr(j, "protocol", s->proto);
		if (s->family == AF_UNIX) {
			tri_json_key(j, "path");
			if (s->path)
				tri_json_strn(j, s->path, s->path_len);
			else
				tri_json_null(j);
			if (s->peer)
				tri_json_kuint(j, "peer_inode", s->peer);
		} else {
			tri_json_kstr(j, "local", s->local);
			tri_json_kstr(j, "remote", s->remote);
			tri_json_kstr(j, "state", tri_sock_state_name(s->state));
		}
	}
	tri_json_obj_end(j);
}

static void
list_json_fd(struct tri_json *j, const struct fdent *e)
{
	char fl[128], target[PATH_MAX + 2048];

	tri_json_obj_begin(j);
	tri_json_kint(j, "fd", e->fd);
	tri_json_kstr(j, "type", e->type);
	tri_json_kstr(j, "access", fdent_access(e));
	tri_json_kstr(j, "flags", fdent_flags(e, fl, sizeof(fl)));
	tri_json_kbool(j, "cloexec", e->info && (e->fi.flags & O_CLOEXEC));
	tri_json_kuint(j, "pos", e->fi.pos);
	tri_json_key(j, "link");
	tri_json_strn(j, e->link, e->linklen);
	fdent_target(e, target, sizeof(target));
	tri_json_kstr(j, "target", target);
	if (e->link[0] == '/') {
		tri_json_kbool(j, "deleted", e->deleted);
		tri_json_kuint(j, "size", e->size);
	}
	if (e->info && e->fi.mnt_id >= 0)
		tri_json_kint(j, "mnt_id", e->fi.mnt_id);
	if (strcmp(e->type, "SOCK") == 0 && strncmp(e->link, "socket:", 7) == 0)
		json_sock(j, e);
	if (e->peer)
		tri_json_kstr(j, "peer", e->peer);
	tri_json_obj_end(j);
}

/* == summary.c: headroom against RLIMIT_NOFILE, and --top. == */


#define WARN_PCT	80.0
#define SELECT_LIMIT	1024	/* FD_SETSIZE: select() cannot watch fds above */

struct typecount {
	const char	*type;
	unsigned long	 n;
};

/* Count fds by type, in order of first appearance; returns how many types. */
static size_t
count_types(const struct fdtab *t, struct typecount *tc, size_t max)
{
	size_t i, k, n = 0;

	for (i = 0; i < t->n; i++) {
		for (k = 0; k < n; k++)
			if (strcmp(tc[k].type, t->v[i].type) == 0)
				break;
		if (k == n) {
			if (n == max)
				continue;
			tc[n++] = (struct typecount){ t->v[i].type, 0 };
		}
		tc[k].n++;
	}
	return n;
}

static void
limit_text(FILE *f, unsigned long long v)
{
	if (v == RLIM_INFINITY)
		fputs("unlimited", f);
	else
		fprintf(f, "%llu", v);
}

static void
summary_text(FILE *f, const struct fdtab *t, bool types)
{
	struct typecount tc[64];
	double pct = pct_of(t->count, t->soft);
	size_t i, n;

	fprintf(f, "pid %d (", (int)t->pid);
	tri_out_fescape(f, t->comm, strlen(t->comm));
	fprintf(f, "): %lu fds open; soft limit ", t->count);
	limit_text(f, t->soft);
	fprintf(f, " (%.1f%%), hard limit ", pct);
	limit_text(f, t->hard);
	putc('\n', f);
	if (types) {
		n = count_types(t, tc, 64);
		fputs("by type:", f);
		for (i = 0; i < n; i++)
			fprintf(f, "%s %s %lu", i ? "," : "", tc[i].type,
			    tc[i].n);
		fputs(n ? "\n" : " none\n", f);
	}
	if (pct > WARN_PCT)
		fprintf(f, "%swarning:%s %.1f%% of the soft limit is used "
		    "(over %.0f%%): \"Too many open files\" is near\n",
		    tri_out_sgr("1;33"), tri_out_reset(), pct, WARN_PCT);
	if (t->maxfd >= SELECT_LIMIT)
		fprintf(f, "%swarning:%s fd numbers reach %d (>= %d): "
		    "select() cannot watch them\n", tri_out_sgr("1;33"),
		    tri_out_reset(), t->maxfd, SELECT_LIMIT);
}

/* A limit in JSON: unlimited is null. */
static void
json_limit(struct tri_json *j, const char *k, unsigned long long v)
{
	tri_json_kuint_or_null(j, k, v != RLIM_INFINITY, v);
}

static void
summary_json(struct tri_json *j, const struct fdtab *t, bool types)
{
	struct typecount tc[64];
	double pct = pct_of(t->count, t->soft);
	size_t i, n;

	tri_json_kint(j, "pid", t->pid);
	tri_json_kstr(j, "comm", t->comm);
	tri_json_kuint(j, "count", t->count);
	json_limit(j, "soft_limit", t->soft);
	json_limit(j, "hard_limit", t->hard);
	tri_json_kdouble(j, "pct", pct);
	tri_json_kint_or_null(j, "max_fd", t->maxfd >= 0, t->maxfd);
	if (types) {
		n = count_types(t, tc, 64);
		tri_json_key(j, "by_type");
		tri_json_obj_begin(j);
		for (i = 0; i < n; i++)
			tri_json_kuint(j, tc[i].type, tc[i].n);
		tri_json_obj_end(j);
	}
	tri_json_key(j, "warnings");
	tri_json_arr_begin(j);
	if (pct > WARN_PCT)
		tri_json_str(j, "over 80% of the soft limit");
	if (t->maxfd >= SELECT_LIMIT)
		tri_json_str(j, "fd numbers reach 1024: select() breaks");
	tri_json_arr_end(j);
}

/*
 * The fast headroom: the count is st_size of fd/, and the fd table is
 * read only when FDSize says fds at or above 1024 may exist, to find the
 * highest one.  No link is read.
 */
static int
summary_read(struct fdtab *t, const struct tri_proc *p)
{
	struct tri_status st;
	size_t n;
	int fddir, *fds;

	memset(t, 0, sizeof(*t));
	t->pid = p->pid;
	t->maxfd = -1;
	t->soft = t->hard = RLIM_INFINITY;
	if (tri_proc_read_status(p, &st) < 0)
		return -1;
	snprintf(t->comm, sizeof(t->comm), "%s", st.name);
	if (tri_proc_fd_count(p, &t->count) < 0 ||
	    limits_read(p, &t->soft, &t->hard) < 0)
		return -1;
	if (st.fdsize <= SELECT_LIMIT)
		return 0;
	if ((fddir = tri_proc_fd_opendir(p, false)) < 0)
		return -1;
	if ((fds = tri_proc_fd_list(fddir, &n)) != NULL) {
		t->maxfd = n ? fds[n - 1] : -1;
		free(fds);
	}
	close(fddir);
	return 0;
}

static int
summary_run(const struct ctl *c)
{
	struct tri_proc p;
	struct tri_json j;
	struct fdtab t;
	size_t i;
	int rc = TRI_EXIT_OK, failed = 0;

	if (c->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_key(&j, "processes");
		tri_json_arr_begin(&j);
	}
	for (i = 0; i < c->targets.n; i++) {
		if (tri_proc_open(&p, c->targets.pids[i]) < 0 ||
		    (summary_read(&t, &p) < 0 && (tri_proc_close(&p), 1))) {
			warn_target(c->targets.pids[i], errno);
			failed = 1;
			continue;
		}
		tri_proc_close(&p);
		if (c->json) {
			tri_json_obj_begin(&j);
			summary_json(&j, &t, false);
			tri_json_obj_end(&j);
		} else
			summary_text(stdout, &t, false);
		if (c->check && pct_of(t.count, t.soft) > c->max_pct)
			rc = TRI_EXIT_FOUND;
	}
	if (c->json) {
		tri_json_arr_end(&j);
		tri_json_obj_end(&j);
		tri_json_end(&j);
	}
	return failed ? TRI_EXIT_FAIL : rc;
}

/* == --top == */

struct toprow {
	pid_t			 pid;
	char			 comm[TRI_COMM_MAX];
	unsigned long		 count;
	unsigned long long	 soft, hard;
	double			 pct;
};

static int
cmp_count(const void *a, const void *b)
{
	const struct toprow *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int
cmp_pct(const void *a, const void *b)
{
	const struct toprow *x = a, *y = b;

	if (x->pct != y->pct)
		return x->pct > y->pct ? -1 : 1;
	return cmp_count(a, b);
}

/* One process for --top; false when it is gone or refuses fd/. */
static bool
top_read(struct toprow *r, pid_t pid)
{
	struct tri_proc p;
	struct tri_stat st;
	bool ok = false;

	if (tri_proc_open(&p, pid) < 0)
		return false;
	r->pid = pid;
	r->soft = r->hard = RLIM_INFINITY;
	if (tri_proc_read_stat(&p, &st) == 0 && !tri_proc_is_kthread(&st) &&
	    tri_proc_fd_count(&p, &r->count) == 0) {
		memcpy(r->comm, st.comm, sizeof(r->comm));
		limits_read(&p, &r->soft, &r->hard);
		r->pct = pct_of(r->count, r->soft);
		ok = true;
	}
	tri_proc_close(&p);
	return ok;
}

static struct toprow *
top_collect(size_t *n)
{
	struct toprow *v;
	size_t np, i;
	pid_t *pids;

	*n = 0;
	if ((pids = tri_proc_pids(&np)) == NULL)
		return NULL;
	if ((v = calloc(np + 1, sizeof(*v))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	for (i = 0; i < np; i++)
		if (top_read(&v[*n], pids[i]))
			(*n)++;
	free(pids);
	return v;
}

static void
top_table(const struct ctl *c, const char *title, struct toprow *v,
    size_t n)
{
	size_t i;

	if (c->header)
		printf("%s\n%7s %7s %9s %9s %6s %s\n", title, "PID", "FDS",
		    "SOFT", "HARD", "PCT", "COMMAND");
	for (i = 0; i < n && i < (size_t)c->top; i++) {
		printf("%7d %7lu ", (int)v[i].pid, v[i].count);
		if (v[i].soft == RLIM_INFINITY)
			printf("%9s ", "unlimited");
		else
			printf("%9llu ", v[i].soft);
		if (v[i].hard == RLIM_INFINITY)
			printf("%9s ", "unlimited");
		else
			printf("%9llu ", v[i].hard);
		printf("%5.1f%% ", v[i].pct);
		tri_out_fescape(stdout, v[i].comm, strlen(v[i].comm));
		putchar('\n');
	}
}

static void
top_json_list(struct tri_json *j, const char *k, const struct ctl *c,
    const struct toprow *v, size_t n)
{
	size_t i;

	tri_json_key(j, k);
	tri_json_arr_begin(j);
	for (i = 0; i < n && i < (size_t)c->top; i++) {
		tri_json_obj_begin(j);
		tri_json_kint(j, "pid", v[i].pid);
		tri_json_kstr(j, "comm", v[i].comm);
		tri_json_kuint(j, "count", v[i].count);
		json_limit(j, "soft_limit", v[i].soft);
		json_limit(j, "hard_limit", v[i].hard);
		tri_json_kdouble(j, "pct", v[i].pct);
		tri_json_obj_end(j);
	}
	tri_json_arr_end(j);
}

static int
top_run(const struct ctl *c)
{
	unsigned long long filenr[3] = { 0, 0, 0 }, nr, unused, max;
	struct toprow *v, *byp;
	struct tri_json j;
	size_t n;

	/* allocated, unused (always 0 since 2.6), maximum */
	if (tri_proc_sysctl("sys/fs/file-nr", filenr, 3) != 3)
		filenr[0] = filenr[2] = 0;
	nr = filenr[0];
	unused = filenr[1];
	max = filenr[2];
	if ((v = top_collect(&n)) == NULL && n == 0 && errno != 0)
		err(TRI_EXIT_FAIL, "%s", tri_proc_root());
	qsort(v, n, sizeof(*v), cmp_count);
	if ((byp = malloc((n ? n : 1) * sizeof(*byp))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	if (n)
		memcpy(byp, v, n * sizeof(*v));
	qsort(byp, n, sizeof(*byp), cmp_pct);
	if (c->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_kuint(&j, "file_nr", nr - unused);
		tri_json_kuint(&j, "file_max", max);
		tri_json_kdouble(&j, "file_pct", max ? 100.0 * (double)(nr -
		    unused) / (double)max : 0);
		top_json_list(&j, "by_count", c, v, n);
		top_json_list(&j, "by_pct", c, byp, n);
		tri_json_obj_end(&j);
		tri_json_end(&j);
	} else {
		printf("system: %llu file handles in use of file-max %llu "
		    "(%.4f%%)\n\n", nr - unused, max, max ? 100.0 *
		    (double)(nr - unused) / (double)max : 0);
		top_table(c, "by fd count:", v, n);
		putchar('\n');
		top_table(c, "by % of the soft limit:", byp, n);
	}
	free(v);
	free(byp);
	return TRI_EXIT_OK;
}

/* == watch.c: --watch: sample the fd table and find what grows. == */


#define MIN_GROWTH	2	/* fds a group must gain to count as growing */

/* A group of fds that point to the same kind of thing. */
struct group {
	char		*key;		/* raw bytes: paths are untrusted */
	unsigned long	 first, last;	/* counts at the first and last sample */
	double		 sc, stc;	/* sums of count and time*count */
	unsigned long	 never_closed;
	bool		 close_wait;
};

/* What we know of one fd number across samples. */
struct slot {
	unsigned long long	 id;	/* identity of what it points to; 0 closed */
	unsigned long		 since;	/* sample it got this identity */
	size_t			 group;
};

struct watch {
	struct group	*g;
	size_t		 ng;
	struct slot	*s;
	size_t		 ns;
	unsigned long	 samples;
	double		 t0, st, stt;	/* time sums for the regressions */
	double		 sc, stc;	/* total count sums */
	unsigned long	 first_count, last_count;
	double		 last_t;
	struct fdtab	 last;		/* the latest table, for the report */
	bool		 have_last;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned long long
identity(const struct fdent *e)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < e->linklen; i++)
		h = (h ^ (unsigned char)e->link[i]) * 1099511628211ULL;
	h ^= e->ino * 0x9e3779b97f4a7c15ULL;
	return h ? h : 1;
}

/* Port of "1.2.3.4:80" or "[::1]:80". */
static const char *
port_of(const char *addr)
{
	const char *c = strrchr(addr, ':');

	return c ? c + 1 : "";
}

/* Whether the table has a listener on the local port of s: a server side. */
static bool
server_side(const struct fdtab *t, const struct tri_sock *s)
{
	const char *port = port_of(s->local);
	size_t i;

	if (t->socks == NULL)
		return false;
	for (i = 0; i < t->socks->n; i++)
		if (t->socks->v[i].state == 10 /* LISTEN */ &&
		    t->socks->v[i].family == s->family &&
		    strcmp(port_of(t->socks->v[i].local), port) == 0)
			return true;
	return false;
}

/* The remote address without its port: "10.0.0.5" of "10.0.0.5:41234". */
static void
host_of(const char *addr, char *buf, size_t size)
{
	const char *c = strrchr(addr, ':');
	size_t n = c ? (size_t)(c - addr) : strlen(addr);

	snprintf(buf, size, "%.*s", (int)n, addr);
}

static void
sock_key(const struct fdtab *t, const struct fdent *e, char *buf, size_t size)
{
	const struct tri_sock *s = e->sock;
	const char *st;
	char host[64];

	if (s == NULL) {
		snprintf(buf, size, "SOCK");
		return;
	}
	st = tri_sock_state_name(s->state);
	if (s->family == AF_UNIX)
		snprintf(buf, size, "%s %s", s->proto, s->path ? s->path :
		    "(unnamed)");
	else if (s->remote[0] == '\0')
		snprintf(buf, size, "%s %s%s%s", s->proto, s->local,
		    *st ? " " : "", st);
	else if (server_side(t, s)) {
		host_of(s->remote, host, sizeof(host));
		snprintf(buf, size, "%s %s <- %s:* %s", s->proto, s->local,
		    host, st);
	} else
		snprintf(buf, size, "%s -> %s %s", s->proto, s->remote, st);
}

/* The group pattern of an fd: type plus what it points to. */
static void
group_key(const struct fdtab *t, const struct fdent *e, char *buf,
    size_t size)
{
	char path[PATH_MAX];

	if (strcmp(e->type, "SOCK") == 0 && strncmp(e->link, "socket:", 7) == 0)
		sock_key(t, e, buf, size);
	else if (e->pipe)
		snprintf(buf, size, "FIFO pipe");
	else if (strcmp(e->type, "REG") == 0 || strcmp(e->type, "memfd") == 0) {
		snprintf(path, sizeof(path), "%s", e->link);
		snprintf(buf, size, "%s %s/*%s", e->type, dirname(path),
		    e->deleted ? " (deleted)" : "");
	} else if (e->link[0] == '/')
		snprintf(buf, size, "%s %s", e->type, e->link);
	else
		snprintf(buf, size, "%s", e->type);
}

static size_t
group_find(struct watch *w, const char *key, const struct fdent *e)
{
	struct group *ng;
	size_t i;

	for (i = 0; i < w->ng; i++)
		if (strcmp(w->g[i].key, key) == 0)
			return i;
	if ((ng = realloc(w->g, (w->ng + 1) * sizeof(*ng))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	w->g = ng;
	memset(&w->g[w->ng], 0, sizeof(w->g[0]));
	if ((w->g[w->ng].key = strdup(key)) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	w->g[w->ng].close_wait = e->sock && e->sock->state == 8;
	return w->ng++;
}

static void
slots_grow(struct watch *w, int maxfd)
{
	struct slot *ns;

	if (maxfd < 0 || (size_t)maxfd < w->ns)
		return;
	if ((ns = realloc(w->s, ((size_t)maxfd + 1) * sizeof(*ns))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	memset(ns + w->ns, 0, ((size_t)maxfd + 1 - w->ns) * sizeof(*ns));
	w->s = ns;
	w->ns = (size_t)maxfd + 1;
}

/* Account one sample at time t (seconds since the first). */
static void
account(struct watch *w, const struct fdtab *t, double tm)
{
	unsigned long *cnt;
	char key[PATH_MAX + 128];
	size_t i, g, k;
	unsigned long long id;

	slots_grow(w, t->maxfd);
	for (i = 0; i < w->ns; i++)
		w->s[i].id |= 1ULL << 63;	/* mark: not seen yet */
	if ((cnt = calloc(w->ng + t->n + 1, sizeof(*cnt))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	for (i = 0; i < t->n; i++) {
		const struct fdent *e = &t->v[i];
		struct slot *s = &w->s[e->fd];

		group_key(t, e, key, sizeof(key));
		g = group_find(w, key, e);
		cnt[g]++;
		id = identity(e) & ~(1ULL << 63);
		if ((s->id & ~(1ULL << 63)) != id || s->group != g) {
			s->since = w->samples;
			s->group = g;
		}
		s->id = id;
	}
	for (i = 0; i < w->ns; i++)
		if (w->s[i].id & (1ULL << 63))
			w->s[i].id = 0;		/* closed */
	for (k = 0; k < w->ng; k++) {
		if (w->samples == 0)
			w->g[k].first = cnt[k];
		w->g[k].last = cnt[k];
		w->g[k].sc += (double)cnt[k];
		w->g[k].stc += tm * (double)cnt[k];
	}
	free(cnt);
	w->st += tm;
	w->stt += tm * tm;
	w->sc += (double)t->count;
	w->stc += tm * (double)t->count;
	if (w->samples == 0)
		w->first_count = t->count;
	w->last_count = t->count;
	w->last_t = tm;
	w->samples++;
}

/* Least-squares slope of a series given its sums; counts per second. */
static double
slope(const struct watch *w, double sc, double stc)
{
	double n = (double)w->samples, d = n * w->stt - w->st * w->st;

	return d > 0 ? (n * stc - w->st * sc) / d : 0;
}

static bool
growing(const struct watch *w, const struct group *g)
{
	return g->last >= g->first + MIN_GROWTH &&
	    g->never_closed >= MIN_GROWTH && slope(w, g->sc, g->stc) > 0;
}

static void
count_never_closed(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->ng; i++)
		w->g[i].never_closed = 0;
	for (i = 0; i < w->ns; i++)
		if (w->s[i].id != 0 && w->s[i].since > 0)
			w->g[w->s[i].group].never_closed++;
}

/* "5-9,12" of the fds that appeared in the window and are still open. */
static void
print_never_closed(FILE *f, const struct watch *w, unsigned long total)
{
	size_t i, start = 0, ranges = 0;
	bool in = false;

	fprintf(f, "never closed: %lu fd%s opened during the window still "
	    "open", total, total == 1 ? "" : "s");
	for (i = 0; i <= w->ns; i++) {
		bool nc = i < w->ns && w->s[i].id != 0 && w->s[i].since > 0;

		if (nc && !in) {
			start = i;
			in = true;
		} else if (!nc && in) {
			in = false;
			if (ranges++ == 16) {
				fputs(",...", f);
				break;
			}
			fprintf(f, "%s%zu", ranges == 1 ? ": " : ",", start);
			if (i - 1 > start)
				fprintf(f, "-%zu", i - 1);
		}
	}
	putc('\n', f);
}

/* Seconds until the soft limit at this rate: 0 when reached, -1 never. */
static double
secs_to_limit(const struct watch *w, double rate)
{
	const struct fdtab *t = &w->last;

	if (rate <= 0 || t->soft == RLIM_INFINITY)
		return -1;
	if (w->last_count >= t->soft)
		return 0;
	return (double)(t->soft - w->last_count) / rate;
}

static void
report_text(const struct ctl *c, struct watch *w, unsigned long total_nc)
{
	const struct fdtab *t = &w->last;
	double rate = slope(w, w->sc, w->stc), left;
	bool any = false;
	size_t i;

	printf("\npid %d (", (int)t->pid);
	tri_out_fescape(stdout, t->comm, strlen(t->comm));
	printf("): %lu samples over %.1f s: %lu -> %lu fds, %+.1f/s",
	    w->samples, w->last_t, w->first_count, w->last_count, rate);
	if ((left = secs_to_limit(w, rate)) == 0)
		printf("; the soft limit %llu is reached", t->soft);
	else if (left > 0)
		printf("; soft limit %llu in %.0f s", t->soft, left);
	putchar('\n');
	for (i = 0; i < w->ng; i++) {
		if (!growing(w, &w->g[i]))
			continue;
		if (!any)
			printf("growing groups:\n");
		any = true;
		printf("  %+8.1f/s %+6ld fds  now %6lu  ",
		    slope(w, w->g[i].sc, w->g[i].stc),
		    (long)w->g[i].last - (long)w->g[i].first, w->g[i].last);
		tri_out_fescape(stdout, w->g[i].key, strlen(w->g[i].key));
		putchar('\n');
	}
	if (total_nc)
		print_never_closed(stdout, w, total_nc);
	for (i = 0; i < w->ng; i++)
		if (growing(w, &w->g[i]) && w->g[i].close_wait) {
			printf("diagnosis: ");
			tri_out_fescape(stdout, w->g[i].key,
			    strlen(w->g[i].key));
			printf(": the peer closed these connections and the "
			    "program never closed its end (a missing close() "
			    "after read() returned 0)\n");
		}
	printf("verdict: %s\n", any ? "leaking" : "no leak seen");
	(void)c;
}

static void
report_json(struct watch *w, unsigned long total_nc)
{
	const struct fdtab *t = &w->last;
	double rate = slope(w, w->sc, w->stc), left = secs_to_limit(w, rate);
	struct tri_json j;
	bool any = false;
	size_t i;

	tri_json_init(&j, stdout, false);
	tri_json_obj_begin(&j);
	tri_json_kstr(&j, "event", "report");
	tri_json_kint(&j, "pid", t->pid);
	tri_json_kstr(&j, "comm", t->comm);
	tri_json_kuint(&j, "samples", w->samples);
	tri_json_kdouble(&j, "seconds", w->last_t);
	tri_json_kuint(&j, "first_count", w->first_count);
	tri_json_kuint(&j, "count", w->last_count);
	tri_json_kdouble(&j, "rate", rate);
	tri_json_kdouble_or_null(&j, "seconds_to_limit", left >= 0, left);
	tri_json_kuint(&j, "never_closed", total_nc);
	tri_json_key(&j, "groups");
	tri_json_arr_begin(&j);
	for (i = 0; i < w->ng; i++) {
		const struct group *g = &w->g[i];

		any |= growing(w, g);
		tri_json_obj_begin(&j);
		tri_json_kstr(&j, "group", g->key);
		tri_json_kuint(&j, "first", g->first);
		tri_json_kuint(&j, "count", g->last);
		tri_json_kdouble(&j, "rate", slope(w, g->sc, g->stc));
		tri_json_kuint(&j, "never_closed", g->never_closed);
		tri_json_kbool(&j, "growing", growing(w, g));
		tri_json_kbool(&j, "close_wait", g->close_wait);
		tri_json_obj_end(&j);
	}
	tri_json_arr_end(&j);
	tri_json_kbool(&j, "leaking", any);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
sample_line(const struct ctl *c, const struct watch *w, const struct fdtab *t,
    double tm)
{
	struct tri_json j;
	long d = (long)t->count - (long)w->first_count;

	if (c->json) {
		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_kstr(&j, "event", "sample");
		tri_json_kdouble(&j, "time", tm);
		tri_json_kint(&j, "pid", t->pid);
		tri_json_kuint(&j, "count", t->count);
		tri_json_kint(&j, "delta", d);
		tri_json_kdouble(&j, "pct", pct_of(t->count, t->soft));
		tri_json_obj_end(&j);
		tri_json_end(&j);
	} else {
		if (w->samples == 1 && c->header)
			printf("%8s %7s %7s %6s\n", "TIME", "FDS", "DELTA",
			    "PCT");
		printf("%8.2f %7lu %+7ld %5.1f%%\n", tm, t->count, d,
		    pct_of(t->count, t->soft));
	}
	fflush(stdout);
}

/* Take one sample; false when the process is gone. */
static bool
take(const struct ctl *c, struct watch *w, const struct tri_proc *p)
{
	struct sockcache sc = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct fdtab t;
	double tm;

	tm = w->samples == 0 ? (w->t0 = tri_cli_now(), 0) :
	    tri_cli_now() - w->t0;
	if (fdtab_read(&t, p, &sc) < 0) {
		sockcache_free(&sc);
		return false;
	}
	account(w, &t, tm);
	sample_line(c, w, &t, tm);
	t.socks = NULL;
	sockcache_free(&sc);
	if (w->have_last)
		fdtab_free(&w->last);
	w->last = t;
	w->have_last = true;
	return true;
}

static void
watch_free(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->ng; i++)
		free(w->g[i].key);
	free(w->g);
	free(w->s);
	if (w->have_last)
		fdtab_free(&w->last);
}

static int
watch_run(const struct ctl *c)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct watch w = { 0 };
	struct tri_proc p;
	unsigned long total = 0;
	double next = 0;
	bool any = false, gone = false;
	size_t i;
	int rc;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (tri_proc_open(&p, c->targets.pids[0]) < 0 || !take(c, &w, &p)) {
		warn_target(c->targets.pids[0], errno);
		return TRI_EXIT_FAIL;
	}
	while (!stop && (c->sample.count == 0 || w.samples < c->sample.count)) {
		if (!tri_cli_wait_tick(&c->sample, &next) || stop)
			break;
		if (!take(c, &w, &p)) {
			warnx("pid %d: exited during the watch",
			    (int)c->targets.pids[0]);
			gone = true;
			break;
		}
	}
	tri_proc_close(&p);
	count_never_closed(&w);
	for (i = 0; i < w.ng; i++) {
		total += w.g[i].never_closed;
		any |= growing(&w, &w.g[i]);
	}
	if (c->json)
		report_json(&w, total);
	else
		report_text(c, &w, total);
	rc = TRI_EXIT_OK;
	if (c->check && (any || pct_of(w.last_count, w.last.soft) > c->max_pct))
		rc = TRI_EXIT_FOUND;
	watch_free(&w);
	return gone && rc == TRI_EXIT_OK && w.samples < 2 ? TRI_EXIT_FAIL : rc;
}

/* == run.c: run mode: the fds a program still holds when it exits. == */


/*
 * Each traced process gets a baseline: its fds when we first see it (the
 * command right after its exec, a child at its first stop after fork, when
 * its table is still the parent's).  At its PTRACE_EVENT_EXIT stop the
 * kernel has not closed the table yet, so fd/ still shows what it held;
 * the fds not in the baseline are its own, left open.
 */
struct fdid {
	int			 fd;
	unsigned long long	 id;
};

struct tracee {
	pid_t		 pid;
	bool		 leader;	/* a process, not a thread */
	bool		 based;		/* baseline taken */
	struct fdid	*base;
	size_t		 nbase;
};

struct tracer {
	const struct ctl *c;
	struct tracee	*v;
	size_t		 n;
	pid_t		 main;
	int		 main_status;
	bool		 main_done;
};

static unsigned long long
link_id(const char *s, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct tracee *
tracee_get(struct tracer *t, pid_t pid)
{
	struct tracee *nv;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].pid == pid)
			return &t->v[i];
	if ((nv = realloc(t->v, (t->n + 1) * sizeof(*nv))) == NULL)
		err(TRI_EXIT_FAIL, "memory");
	t->v = nv;
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	t->v[t->n].pid = pid;
	return &t->v[t->n++];
}

static void
tracee_drop(struct tracer *t, pid_t pid)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].pid == pid) {
			free(t->v[i].base);
			t->v[i] = t->v[--t->n];
			return;
		}
}

/* Read the fd numbers and link identities of pid. */
static void
baseline(struct tracee *te)
{
	struct tri_proc p;
	struct tri_status st;
	char buf[PATH_MAX];
	size_t n, i;
	ssize_t l;
	int fddir, *fds;

	te->based = true;
	if (tri_proc_open(&p, te->pid) < 0)
		return;
	te->leader = tri_proc_read_status(&p, &st) == 0 && st.tgid == te->pid;
	if (te->leader && (fddir = tri_proc_fd_opendir(&p, false)) >= 0) {
		if ((fds = tri_proc_fd_list(fddir, &n)) != NULL) {
			te->base = calloc(n ? n : 1, sizeof(*te->base));
			for (i = 0; te->base && i < n; i++) {
				l = tri_proc_fd_link(fddir, fds[i], buf,
				    sizeof(buf));
				te->base[te->nbase++] = (struct fdid){ fds[i],
				    l < 0 ? 0 : link_id(buf, (size_t)l) };
			}
			free(fds);
		}
		close(fddir);
	}
	tri_proc_close(&p);
}

static bool
inherited(const struct tracee *te, const struct fdent *e)
{
	unsigned long long id = link_id(e->link, e->linklen);
	size_t i;

	/* the link text of a deleted file lost its suffix in classify */
	if (e->deleted) {
		char buf[PATH_MAX + 16];

		snprintf(buf, sizeof(buf), "%s (deleted)", e->link);
		id = link_id(buf, strlen(buf));
	}
	for (i = 0; i < te->nbase; i++)
		if (te->base[i].fd == e->fd)
			return te->base[i].id == id;
	return false;
}

static void
run_report_json(const struct tracee *te, const struct fdtab *tab, int status,
    const bool *leak)
{
	char desc[64];
	struct tri_json j;
	size_t i;

	tri_json_init(&j, stderr, false);
	tri_json_obj_begin(&j);
	tri_json_kstr(&j, "event", "exit");
	tri_json_kint(&j, "pid", te->pid);
	tri_json_kstr(&j, "comm", tab->comm);
	tri_json_kstr(&j, "status", tri_proc_describe_status(status, desc,
	    sizeof(desc)));
	tri_json_kuint(&j, "inherited", te->nbase);
	tri_json_key(&j, "leaked");
	tri_json_arr_begin(&j);
	for (i = 0; i < tab->n; i++)
		if (leak[i])
			list_json_fd(&j, &tab->v[i]);
	tri_json_arr_end(&j);
	tri_json_obj_end(&j);
	tri_json_end(&j);
}

static void
run_report_text(const struct tracee *te, const struct fdtab *tab, int status,
    const bool *leak, size_t nleak)
{
	char desc[64], fl[128], target[PATH_MAX + 2048];
	const struct fdent *e;
	size_t i;

	fprintf(stderr, "fdleak: pid %d (", (int)te->pid);
	tri_out_fescape(stderr, tab->comm, strlen(tab->comm));
	fprintf(stderr, ") %s with %zu fd%s open beyond the %zu it "
	    "inherited%s\n", tri_proc_describe_status(status, desc,
	    sizeof(desc)), nleak, nleak == 1 ? "" : "s", te->nbase,
	    nleak ? ":" : "");
	for (i = 0; i < tab->n; i++) {
		if (!leak[i])
			continue;
		e = &tab->v[i];
		fprintf(stderr, "fdleak:   fd %d %s %s %s ", e->fd, e->type,
		    fdent_access(e), fdent_flags(e, fl, sizeof(fl)));
		fdent_target(e, target, sizeof(target));
		tri_out_fescape(stderr, target, strlen(target));
		putc('\n', stderr);
	}
}

/* At the exit stop: what pid holds beyond its baseline. */
static void
report_exit(struct tracer *t, struct tracee *te)
{
	struct sockcache sc = { .lock = PTHREAD_MUTEX_INITIALIZER };
	unsigned long msg = 0;
	struct tri_proc p;
	struct fdtab tab;
	size_t i, nleak = 0;
	bool *leak;

	if (!te->based || !te->leader)
		return;
	ptrace(PTRACE_GETEVENTMSG, te->pid, 0, &msg);
	if (tri_proc_open(&p, te->pid) < 0)
		return;
	if (fdtab_read(&tab, &p, &sc) == 0) {
		peers_resolve(&tab, 1, false);
		if ((leak = calloc(tab.n + 1, sizeof(*leak))) == NULL)
			err(TRI_EXIT_FAIL, "memory");
		for (i = 0; i < tab.n; i++)
			if (!inherited(te, &tab.v[i]))
				leak[i] = true, nleak++;
		if (t->c->json)
			run_report_json(te, &tab, (int)msg, leak);
		else
			run_report_text(te, &tab, (int)msg, leak, nleak);
		free(leak);
		fdtab_free(&tab);
	}
	sockcache_free(&sc);
	tri_proc_close(&p);
}

static void
on_stop(struct tracer *t, pid_t pid, int status)
{
	struct tracee *te = tracee_get(t, pid);
	int ev = status >> 16, sig = WSTOPSIG(status);

	if (ev == PTRACE_EVENT_EXEC && !te->based)
		baseline(te);
	else if (ev == PTRACE_EVENT_EXIT)
		report_exit(t, te);
	if (ev != 0) {
		sig = 0;
	} else if (!te->based && pid != t->main) {
		/* a new child's first stop: our SIGSTOP, not its own */
		baseline(te);
		if (sig == SIGSTOP)
			sig = 0;
	} else if (sig == SIGTRAP)
		sig = 0;
	ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig);
}

static void
on_end(struct tracer *t, pid_t pid, int status)
{
	if (pid == t->main) {
		t->main_status = status;
		t->main_done = true;
	}
	tracee_drop(t, pid);
}

static void
trace_loop(struct tracer *t)
{
	int status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;		/* ECHILD: every tracee is gone */
		}
		if (WIFSTOPPED(status))
			on_stop(t, pid, status);
		else if (WIFEXITED(status) || WIFSIGNALED(status))
			on_end(t, pid, status);
		if (t->main_done && !t->c->follow)
			break;
	}
}

static int
start(const struct ctl *c)
{
	pid_t pid;
	int status;

	if ((pid = fork()) < 0)
		err(TRI_EXIT_FAIL, "fork");
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			err(TRI_EXIT_FAIL, "ptrace");
		raise(SIGSTOP);
		execvp(c->argv[0], c->argv);
		warn("%s", c->argv[0]);
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (tri_ptrace_wait(pid, &status) < 0 || !WIFSTOPPED(status))
		err(TRI_EXIT_FAIL, "%s: did not start", c->argv[0]);
	return pid;
}

static int
run_command(const struct ctl *c)
{
	unsigned long opts = PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC |
	    PTRACE_O_EXITKILL;
	struct tracer t = { .c = c };
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	size_t i;

	if (c->follow)
		opts |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE;
	fflush(stdout);
	t.main = start(c);
	/* Like system(3): ^C is for the program; we report and follow it. */
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	if (ptrace(PTRACE_SETOPTIONS, t.main, 0, opts) < 0 ||
	    ptrace(PTRACE_CONT, t.main, 0, 0) < 0)
		err(TRI_EXIT_FAIL, "pid %d: ptrace", (int)t.main);
	tracee_get(&t, t.main);
	trace_loop(&t);
	for (i = 0; i < t.n; i++)
		free(t.v[i].base);
	free(t.v);
	if (!t.main_done)
		return TRI_EXIT_FAIL;
	if (WIFSIGNALED(t.main_status))
		return 128 + WTERMSIG(t.main_status);
	return WEXITSTATUS(t.main_status);
}

/* == close.c: --close: close one fd inside a live process. == */


/* Describe fd before closing it, so the user sees what went. */
static int
describe(pid_t pid, int fd, char *buf, size_t size)
{
	struct tri_proc p;
	struct fdent e;
	int fddir, infodir, r = -1;

	memset(&e, 0, sizeof(e));
	e.fd = fd;
	if (tri_proc_open(&p, pid) < 0)
		return -1;
	if ((fddir = tri_proc_fd_opendir(&p, false)) >= 0) {
		char link[PATH_MAX];
		ssize_t n = tri_proc_fd_link(fddir, fd, link, sizeof(link));

		if (n >= 0) {
			e.link = link;
			e.linklen = (size_t)n;
			e.type = "";
			if ((infodir = tri_proc_fd_opendir(&p, true)) >= 0) {
				e.info = tri_proc_read_fdinfo(infodir, fd,
				    &e.fi) == 0;
				close(infodir);
			}
			snprintf(buf, size, "%s", link);
			r = 0;
		}
		close(fddir);
	} else if (errno == ENOENT)
		errno = ESRCH;
	tri_proc_close(&p);
	return r;
}

/* Run close(fd) in the held thread; 0 or the errno it returned. */
static int
inject_close(pid_t pid, int fd)
{
	struct tri_ptrace_hold h;
	unsigned long args[6] = { (unsigned long)fd };
	long ret = 0;
	int e;

	if (tri_ptrace_hold(&h, pid, 0) < 0) {
		e = errno;
		if (e == EPERM || e == EACCES)
			errx(TRI_EXIT_FAIL, "pid %d: attach: %s (%s)", (int)pid,
			    strerror(e), tri_caps_hint(CAP_SYS_PTRACE));
		errno = e;
		return -1;
	}
	if (tri_ptrace_inject(&h, SYS_close, args, &ret) < 0) {
		e = errno;
		tri_ptrace_release(&h);
		errx(TRI_EXIT_FAIL, "pid %d: inject close: %s", (int)pid,
		    strerror(e));
	}
	if (tri_ptrace_release(&h) < 0 && errno != ESRCH)
		warn("pid %d: detach", (int)pid);
	return ret < 0 ? (int)-ret : 0;
}

static int
close_run(const struct ctl *c)
{
	pid_t pid = c->targets.pids[0];
	char what[PATH_MAX], *esc;
	int r;

	if (c->close_fd <= 2 && !c->force)
		errx(TRI_EXIT_FAIL, "--close %d: fds 0, 1 and 2 are the "
		    "standard streams; add --force to close one", c->close_fd);
	if (describe(pid, c->close_fd, what, sizeof(what)) < 0) {
		if (errno == ENOENT)
			errx(TRI_EXIT_FAIL, "pid %d: fd %d: not open", (int)pid,
			    c->close_fd);
		warn_target(pid, errno);
		return TRI_EXIT_FAIL;
	}
	if ((r = inject_close(pid, c->close_fd)) < 0) {
		warn_target(pid, errno);
		return TRI_EXIT_FAIL;
	}
	if (r > 0)
		errx(TRI_EXIT_FAIL, "pid %d: close(%d) in the process: %s",
		    (int)pid, c->close_fd, strerror(r));
	if (c->json) {
		struct tri_json j;

		tri_json_init(&j, stdout, false);
		tri_json_obj_begin(&j);
		tri_json_kint(&j, "pid", pid);
		tri_json_kint(&j, "fd", c->close_fd);
		tri_json_kstr(&j, "link", what);
		tri_json_kbool(&j, "closed", true);
		tri_json_obj_end(&j);
		tri_json_end(&j);
		return TRI_EXIT_OK;
	}
	esc = tri_out_escape_dup(what, strlen(what));
	printf("pid %d: closed fd %d (%s)\n", (int)pid, c->close_fd,
	    esc ? esc : "?");
	free(esc);
	return TRI_EXIT_OK;
}
