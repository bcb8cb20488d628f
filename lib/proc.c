/* lib/proc.c - a process handle and the readers of /proc/PID files. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

#define PF_KTHREAD	0x00200000

static const char *proc_root = "/proc";

void
tri_proc_set_root(const char *root)
{
	proc_root = root ? root : "/proc";
}

const char *
tri_proc_root(void)
{
	return proc_root;
}

/* The kernel returns ENOENT for a pid directory that vanished: say ESRCH. */
static int
gone(void)
{
	if (errno == ENOENT)
		errno = ESRCH;
	return -1;
}

static int
open_dir(struct tri_proc *p, pid_t pid, const char *path)
{
	struct tri_stat st;

	p->pid = pid;
	p->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->dirfd < 0)
		return gone();
	if (tri_proc_read_stat(p, &st) < 0) {
		int e = errno;

		close(p->dirfd);
		p->dirfd = -1;
		errno = e;
		return -1;
	}
	p->starttime = st.starttime;
	return 0;
}

int
tri_proc_open(struct tri_proc *p, pid_t pid)
{
	char path[PATH_MAX];

	if (pid == 0)
		pid = getpid();
	if (pid < 0) {
		errno = ESRCH;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%d", proc_root, (int)pid);
	return open_dir(p, pid, path);
}

void
tri_proc_close(struct tri_proc *p)
{
	if (p->dirfd >= 0)
		close(p->dirfd);
	p->dirfd = -1;
}

int
tri_proc_check(const struct tri_proc *p)
{
	struct tri_stat st;

	if (tri_proc_read_stat(p, &st) < 0)
		return -1;
	if (st.starttime != p->starttime) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

ssize_t
tri_read_small(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n;
	int fd, e;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	errno = e;
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

ssize_t
tri_proc_read(const struct tri_proc *p, const char *name, char *buf,
    size_t size)
{
	ssize_t n = tri_read_small(p->dirfd, name, buf, size);

	return n < 0 ? gone() : n;
}

char *
tri_proc_read_all(const struct tri_proc *p, const char *name, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf, *nbuf;
	ssize_t r;
	int fd, e;

	fd = openat(p->dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		gone();
		return NULL;
	}
	if ((buf = malloc(cap)) == NULL)
		goto fail;
	for (;;) {
		if (cap - n < 2) {
			if ((nbuf = realloc(buf, cap * 2)) == NULL)
				goto fail;
			buf = nbuf;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
fail:
	e = errno;
	free(buf);
	close(fd);
	errno = e;
	gone();
	return NULL;
}

/* Strict unsigned field parse: digits (optionally a leading '-'). */
static const char *
field(const char *s, const char *end, long long *v)
{
	bool neg = false;
	unsigned long long x = 0;

	while (s < end && *s == ' ')
		s++;
	if (s < end && *s == '-') {
		neg = true;
		s++;
	}
	if (s >= end || !isdigit((unsigned char)*s))
		return NULL;
	while (s < end && isdigit((unsigned char)*s))
		x = x * 10 + (unsigned long long)(*s++ - '0');
	if (s < end && *s != ' ' && *s != '\n')
		return NULL;
	*v = neg ? -(long long)x : (long long)x;
	return s;
}

/*
 * stat is "pid (comm) state f4 f5 ...".  comm may hold spaces, ')' and
 * newlines, so it runs from the first '(' to the LAST ')'.
 */
int
tri_proc_parse_stat(const char *buf, size_t len, struct tri_stat *st)
{
	const char *end = buf + len, *open, *close, *s;
	long long v[52];
	size_t clen;
	int n;

	memset(st, 0, sizeof(*st));
	open = memchr(buf, '(', len);
	for (close = end - 1; close > buf && *close != ')'; close--)
		;
	if (open == NULL || close <= open || close + 3 > end ||
	    close[1] != ' ') {
		errno = EINVAL;
		return -1;
	}
	st->pid = (pid_t)strtol(buf, NULL, 10);
	clen = (size_t)(close - open - 1);
	if (clen >= sizeof(st->comm))
		clen = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, clen);
	st->comm[clen] = '\0';
	st->state = close[2];
	s = close + 3;
	for (n = 4; n <= 52 && s && s < end && *s != '\n'; n++)
		s = field(s, end, &v[n - 1]);
	if (s == NULL)		/* a malformed field: trust none after it */
		n--;
	st->nfields = n - 1;
	if (st->nfields < 22) {
		errno = EINVAL;
		return -1;
	}
#define F(i)	(st->nfields >= (i) ? v[(i) - 1] : 0)
	st->ppid = (pid_t)F(4);  st->pgrp = (pid_t)F(5);
	st->session = (pid_t)F(6); st->tty_nr = (int)F(7);
	st->tpgid = (pid_t)F(8); st->flags = (unsigned)F(9);
	st->minflt = F(10); st->cminflt = F(11); st->majflt = F(12);
	st->cmajflt = F(13); st->utime = F(14); st->stime = F(15);
	st->cutime = F(16); st->cstime = F(17); st->priority = F(18);
	st->nice = F(19); st->num_threads = F(20); st->itrealvalue = F(21);
	st->starttime = F(22); st->vsize = F(23); st->rss = F(24);
	st->rsslim = F(25); st->startcode = F(26); st->endcode = F(27);
	st->startstack = F(28); st->kstkesp = F(29); st->kstkeip = F(30);
	st->signal = F(31); st->blocked = F(32); st->sigignore = F(33);
	st->sigcatch = F(34); st->wchan = F(35); st->nswap = F(36);
	st->cnswap = F(37); st->exit_signal = (int)F(38);
	st->processor = (int)F(39); st->rt_priority = (unsigned)F(40);
	st->policy = (unsigned)F(41); st->delayacct_blkio_ticks = F(42);
	st->guest_time = F(43); st->cguest_time = F(44);
	st->start_data = F(45); st->end_data = F(46); st->start_brk = F(47);
	st->arg_start = F(48); st->arg_end = F(49); st->env_start = F(50);
	st->env_end = F(51); st->exit_code = (int)F(52);
#undef F
	return 0;
}

int
tri_proc_read_stat(const struct tri_proc *p, struct tri_stat *st)
{
	char buf[1024];
	ssize_t n;

	if ((n = tri_proc_read(p, "stat", buf, sizeof(buf))) < 0)
		return -1;
	return tri_proc_parse_stat(buf, (size_t)n, st);
}

static uint64_t
hex64(const char *s)
{
	return strtoull(s, NULL, 16);
}

/* Unescape status "Name:" (the kernel escapes '\n' as "\n" and '\\' as "\\"). */
static void
status_name(char *dst, size_t size, const char *s, const char *eol)
{
	size_t n = 0;

	while (s < eol && n + 1 < size) {
		if (*s == '\\' && s + 1 < eol) {
			s++;
			dst[n++] = *s == 'n' ? '\n' : *s;
			s++;
		} else {
			dst[n++] = *s++;
		}
	}
	dst[n] = '\0';
}

static void
status_ids(const char *s, unsigned int out[4])
{
	char *e;
	int i;

	for (i = 0; i < 4; i++) {
		out[i] = (unsigned)strtoul(s, &e, 10);
		if (e == s)
			break;
		s = e;
	}
}

static void
status_line(struct tri_status *st, const char *key, size_t klen,
    const char *val, const char *eol)
{
#define IS(k)	(klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
	if (IS("Name"))
		status_name(st->name, sizeof(st->name), val, eol);
	else if (IS("State"))
		st->state = *val;
	else if (IS("Tgid"))
		st->tgid = (pid_t)strtol(val, NULL, 10);
	else if (IS("Pid"))
		st->pid = (pid_t)strtol(val, NULL, 10);
	else if (IS("PPid"))
		st->ppid = (pid_t)strtol(val, NULL, 10);
	else if (IS("TracerPid"))
		st->tracerpid = (pid_t)strtol(val, NULL, 10);
	else if (IS("Uid"))
		status_ids(val, st->uid);
	else if (IS("Gid"))
		status_ids(val, st->gid);
	else if (IS("FDSize"))
		st->fdsize = (int)strtol(val, NULL, 10);
	else if (IS("NSpid")) {
		char *e;
		const char *s = val;

		for (st->nspid_n = 0; st->nspid_n < TRI_NSPID_MAX;
		    st->nspid_n++, s = e) {
			st->nspid[st->nspid_n] = (pid_t)strtol(s, &e, 10);
			if (e == s || e > eol)
				break;
		}
	} else if (IS("Threads"))
		st->threads = (int)strtol(val, NULL, 10);
	else if (IS("SigPnd"))
		st->sigpnd = hex64(val);
	else if (IS("ShdPnd"))
		st->shdpnd = hex64(val);
	else if (IS("SigBlk"))
		st->sigblk = hex64(val);
	else if (IS("SigIgn"))
		st->sigign = hex64(val);
	else if (IS("SigCgt"))
		st->sigcgt = hex64(val);
	else if (IS("VmPeak"))
		st->vmpeak_kb = strtol(val, NULL, 10);
	else if (IS("VmSize"))
		st->vmsize_kb = strtol(val, NULL, 10);
	else if (IS("VmLck"))
		st->vmlck_kb = strtol(val, NULL, 10);
	else if (IS("VmHWM"))
		st->vmhwm_kb = strtol(val, NULL, 10);
	else if (IS("VmRSS"))
		st->vmrss_kb = strtol(val, NULL, 10);
	else if (IS("VmSwap"))
		st->vmswap_kb = strtol(val, NULL, 10);
	else if (IS("voluntary_ctxt_switches"))
		st->vctx = strtol(val, NULL, 10);
	else if (IS("nonvoluntary_ctxt_switches"))
		st->nvctx = strtol(val, NULL, 10);
#undef IS
}

int
tri_proc_parse_status(const char *buf, size_t len, struct tri_status *st)
{
	const char *s = buf, *end = buf + len, *eol, *colon, *val;

	memset(st, 0, sizeof(*st));
	st->tgid = st->pid = st->ppid = st->tracerpid = -1;
	st->threads = st->fdsize = -1;
	st->vmpeak_kb = st->vmsize_kb = st->vmlck_kb = st->vmhwm_kb = -1;
	st->vmrss_kb = st->vmswap_kb = st->vctx = st->nvctx = -1;
	for (; s < end; s = eol + 1) {
		if ((eol = memchr(s, '\n', (size_t)(end - s))) == NULL)
			eol = end;
		colon = memchr(s, ':', (size_t)(eol - s));
		if (colon == NULL)
			continue;
		for (val = colon + 1; val < eol && (*val == ' ' || *val == '\t');)
			val++;
		status_line(st, s, (size_t)(colon - s), val, eol);
	}
	if (st->pid < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
tri_proc_read_status(const struct tri_proc *p, struct tri_status *st)
{
	char buf[4096];
	ssize_t n;

	if ((n = tri_proc_read(p, "status", buf, sizeof(buf))) < 0)
		return -1;
	return tri_proc_parse_status(buf, (size_t)n, st);
}

char *
tri_proc_read_cmdline(const struct tri_proc *p, size_t *len)
{
	char *buf = tri_proc_read_all(p, "cmdline", len);

	/* A trailing NUL ends the last argument; drop it from the length. */
	if (buf && *len > 0 && buf[*len - 1] == '\0')
		(*len)--;
	return buf;
}

static int
cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* The numeric entries of an open directory (closed here), sorted. */
static pid_t *
numeric_entries(DIR *dir, size_t *n)
{
	size_t cap = 64;
	pid_t *ids, *nids;
	struct dirent *d;

	*n = 0;
	if ((ids = malloc(cap * sizeof(*ids))) == NULL)
		goto fail;
	while ((d = readdir(dir)) != NULL) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		if (*n == cap) {
			if ((nids = realloc(ids, 2 * cap * sizeof(*ids))) == NULL)
				goto fail;
			ids = nids;
			cap *= 2;
		}
		ids[(*n)++] = (pid_t)strtol(d->d_name, NULL, 10);
	}
	closedir(dir);
	qsort(ids, *n, sizeof(*ids), cmp_pid);
	return ids;
fail:
	free(ids);
	closedir(dir);
	errno = ENOMEM;
	return NULL;
}

pid_t *
tri_proc_tasks(const struct tri_proc *p, size_t *n)
{
	DIR *dir;
	int fd;

	*n = 0;
	if ((fd = openat(p->dirfd, "task", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0) {
		gone();
		return NULL;
	}
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	return numeric_entries(dir, n);
}

pid_t *
tri_proc_pids(size_t *n)
{
	DIR *dir;

	*n = 0;
	if ((dir = opendir(proc_root)) == NULL)
		return NULL;
	return numeric_entries(dir, n);
}

int
tri_proc_walk(tri_proc_fn *fn, void *arg)
{
	pid_t *pids;
	size_t n, i;
	int r = 0;

	if ((pids = tri_proc_pids(&n)) == NULL)
		return -1;
	for (i = 0; i < n && r == 0; i++)
		r = fn(pids[i], arg);
	free(pids);
	return r;
}

static int
limit_value(const char *s, unsigned long long *v, const char **next)
{
	char *e;

	while (*s == ' ')
		s++;
	if (strncmp(s, "unlimited", 9) == 0) {
		*v = RLIM_INFINITY;
		*next = s + 9;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	*v = strtoull(s, &e, 10);
	*next = e;
	return 0;
}

int
tri_proc_parse_limit(const char *buf, const char *name,
    unsigned long long *soft, unsigned long long *hard)
{
	size_t nlen = strlen(name);
	const char *s, *next;

	for (s = buf; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		if (strncmp(s, name, nlen) != 0 || s[nlen] != ' ')
			continue;
		if (limit_value(s + nlen, soft, &next) < 0 ||
		    limit_value(next, hard, &next) < 0)
			break;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

int
tri_proc_read_limit(const struct tri_proc *p, const char *name,
    unsigned long long *soft, unsigned long long *hard)
{
	char buf[4096];

	if (tri_proc_read(p, "limits", buf, sizeof(buf)) < 0)
		return -1;
	return tri_proc_parse_limit(buf, name, soft, hard);
}

int
tri_proc_sysctl(const char *name, unsigned long long *v, int n)
{
	char path[PATH_MAX], buf[256], *s, *end;
	ssize_t len;
	int fd, i;

	snprintf(path, sizeof(path), "%s/%s", proc_root, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -1;
	buf[len] = '\0';
	for (i = 0, s = buf; i < n; i++, s = end) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!isdigit((unsigned char)*s))
			break;
		v[i] = strtoull(s, &end, 10);
	}
	return i;
}

bool
tri_proc_is_kthread(const struct tri_stat *st)
{
	return (st->flags & PF_KTHREAD) != 0;
}

long
tri_proc_hz(void)
{
	static long hz;

	if (hz == 0 && (hz = sysconf(_SC_CLK_TCK)) <= 0)
		hz = 100;
	return hz;
}

double
tri_proc_age(unsigned long long starttime)
{
	struct timespec ts;
	double up;

	/* starttime counts from boot, which CLOCK_BOOTTIME also does. */
	clock_gettime(CLOCK_BOOTTIME, &ts);
	up = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	up -= (double)starttime / (double)tri_proc_hz();
	return up < 0 ? 0 : up;
}

char *
tri_proc_describe_status(int status, char *buf, size_t size)
{
	const char *abbr;

	if (WIFEXITED(status)) {
		snprintf(buf, size, "exited %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		abbr = sigabbrev_np(WTERMSIG(status));
		snprintf(buf, size, "killed by %s%s%s", abbr ? "SIG" : "signal ",
		    abbr ? abbr : "", WCOREDUMP(status) ? " (core dumped)" : "");
		if (!abbr)
			snprintf(buf, size, "killed by signal %d%s",
			    WTERMSIG(status),
			    WCOREDUMP(status) ? " (core dumped)" : "");
	} else {
		snprintf(buf, size, "status 0x%x", status);
	}
	return buf;
}
