/* lib/proc_sched.c - scheduler counters of processes and threads, wchan, syscall. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

/* "task/TID/NAME", or just NAME for tid 0 (the process directory). */
static const char *
task_path(char *buf, size_t size, pid_t tid, const char *name)
{
	if (tid == 0)
		return name;
	snprintf(buf, size, "task/%d/%s", (int)tid, name);
	return buf;
}

ssize_t
tri_proc_read_task(const struct tri_proc *p, pid_t tid, const char *name,
    char *buf, size_t size)
{
	char path[64];

	return tri_proc_read(p, task_path(path, sizeof(path), tid, name), buf,
	    size);
}

int
tri_proc_read_task_stat(const struct tri_proc *p, pid_t tid,
    struct tri_stat *st)
{
	char buf[1024];
	ssize_t n;

	if ((n = tri_proc_read_task(p, tid, "stat", buf, sizeof(buf))) < 0)
		return -1;
	return tri_proc_parse_stat(buf, (size_t)n, st);
}

/* Parse an unsigned decimal at *s, skipping blanks first; advance *s. */
static int
number(const char **s, unsigned long long *v)
{
	const char *q = *s;
	unsigned long long n = 0;

	while (*q == ' ' || *q == '\t')
		q++;
	if (*q < '0' || *q > '9')
		return -1;
	while (*q >= '0' && *q <= '9') {
		if (n > (ULLONG_MAX - 9) / 10)
			return -1;
		n = n * 10 + (unsigned long long)(*q++ - '0');
	}
	*v = n;
	*s = q;
	return 0;
}

int
tri_proc_parse_schedstat(const char *buf, struct tri_schedstat *ss)
{
	const char *s = buf;

	if (number(&s, &ss->run_ns) < 0 || number(&s, &ss->wait_ns) < 0 ||
	    number(&s, &ss->slices) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
tri_proc_read_schedstat(const struct tri_proc *p, pid_t tid,
    struct tri_schedstat *ss)
{
	char buf[128];

	if (tri_proc_read_task(p, tid, "schedstat", buf, sizeof(buf)) < 0)
		return -1;
	return tri_proc_parse_schedstat(buf, ss);
}

/* The value of a "Key:\tvalue" status line starting at line, or NULL. */
static const char *
status_value(const char *line, const char *key, size_t klen)
{
	if (strncmp(line, key, klen) != 0 || line[klen] != ':')
		return NULL;
	line += klen + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/*
 * status writes a name's newline as backslash-n and a backslash as two
 * backslashes, where stat and sched give the bytes: undo it, so the name
 * is raw, as every other name is, and escaped once, at output.
 */
static void
unescape_name(char *dst, size_t size, const char *v, const char *eol)
{
	size_t n = 0;

	for (; v < eol && n + 1 < size; v++) {
		if (*v == '\\' && v + 1 < eol && (v[1] == 'n' || v[1] == '\\')) {
			dst[n++] = v[1] == 'n' ? '\n' : '\\';
			v++;
		} else {
			dst[n++] = *v;
		}
	}
	dst[n] = '\0';
}

/*
 * Name is the first line and the ctxt lines the last two, so scan line
 * starts only; the field names are fixed by the kernel.
 */
int
tri_proc_parse_ctxt(const char *buf, size_t len, struct tri_ctxt *c)
{
	const char *s = buf, *end = buf + len, *v, *eol;
	int found = 0;

	c->name[0] = '\0';
	while (s < end) {
		if ((eol = memchr(s, '\n', (size_t)(end - s))) == NULL)
			eol = end;
		if ((v = status_value(s, "Name", 4)) != NULL) {
			unescape_name(c->name, sizeof(c->name), v, eol);
		} else if ((v = status_value(s, "voluntary_ctxt_switches",
		    23)) != NULL) {
			found += number(&v, &c->vol) == 0;
		} else if ((v = status_value(s, "nonvoluntary_ctxt_switches",
		    26)) != NULL) {
			found += number(&v, &c->invol) == 0;
		}
		s = eol + 1;
	}
	if (found != 2) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
tri_proc_read_ctxt(const struct tri_proc *p, pid_t tid, struct tri_ctxt *c)
{
	char buf[4096];
	ssize_t n;

	if ((n = tri_proc_read_task(p, tid, "status", buf, sizeof(buf))) < 0)
		return -1;
	return tri_proc_parse_ctxt(buf, (size_t)n, c);
}

int
tri_proc_parse_sched_key(const char *buf, const char *key,
    unsigned long long *v)
{
	size_t klen = strlen(key);
	const char *s = buf;

	while (s != NULL && *s != '\0') {
		const char *q = s + klen;

		if (strncmp(s, key, klen) == 0 && (*q == ' ' || *q == ':')) {
			while (*q == ' ')
				q++;
			if (*q++ == ':' && number(&q, v) == 0)
				return 0;
		}
		if ((s = strchr(s, '\n')) != NULL)
			s++;
	}
	errno = ENOENT;
	return -1;
}

int
tri_proc_parse_sched_ctxt(const char *buf, size_t len, pid_t tid,
    struct tri_ctxt *c, unsigned long long *migrations)
{
	char tail[48];
	const char *hit = NULL, *s;
	size_t tl, n;

	/* The name is raw comm and may hold " (": find the last header
	 * tail " (TID, #threads: " within the first line's reach. */
	tl = (size_t)snprintf(tail, sizeof(tail), " (%d, #threads: ", (int)tid);
	for (s = buf; s + tl <= buf + len && s < buf + TRI_COMM_MAX + tl; s++)
		if (memcmp(s, tail, tl) == 0)
			hit = s;
	if (hit == NULL || tri_proc_parse_sched_key(buf, "nr_voluntary_switches",
	    &c->vol) < 0 || tri_proc_parse_sched_key(buf,
	    "nr_involuntary_switches", &c->invol) < 0 ||
	    tri_proc_parse_sched_key(buf, "se.nr_migrations", migrations) < 0) {
		errno = EINVAL;
		return -1;
	}
	n = (size_t)(hit - buf);
	if (n >= sizeof(c->name))
		n = sizeof(c->name) - 1;
	memcpy(c->name, buf, n);
	c->name[n] = '\0';
	return 0;
}

int
tri_proc_read_sched_ctxt(const struct tri_proc *p, pid_t tid,
    struct tri_ctxt *c, unsigned long long *migrations)
{
	char buf[8192];
	ssize_t n;

	if ((n = tri_proc_read_task(p, tid, "sched", buf, sizeof(buf))) < 0)
		return -1;
	return tri_proc_parse_sched_ctxt(buf, (size_t)n, tid ? tid : p->pid, c,
	    migrations);
}

int
tri_proc_read_wchan(const struct tri_proc *p, pid_t tid, char *buf,
    size_t size)
{
	if (tri_proc_read_task(p, tid, "wchan", buf, size) < 0)
		return -1;
	/* A running task, or a kernel hiding the symbol, reads as "0". */
	if (strcmp(buf, "0") == 0)
		buf[0] = '\0';
	return 0;
}

int
tri_proc_parse_syscall(const char *buf, struct tri_syscall *sc)
{
	char *end;
	int i;

	memset(sc, 0, sizeof(*sc));
	if (strncmp(buf, "running", 7) == 0) {
		sc->nr = TRI_SYSCALL_RUNNING;
		return 0;
	}
	errno = 0;
	sc->nr = strtol(buf, &end, 10);
	if (end == buf || errno != 0)
		goto bad;
	if (sc->nr == -1) {
		sc->sp = strtoul(end, &end, 16);
		sc->pc = strtoul(end, &end, 16);
		return 0;
	}
	for (i = 0; i < 6; i++)
		sc->args[i] = strtoul(end, &end, 16);
	sc->sp = strtoul(end, &end, 16);
	sc->pc = strtoul(end, &end, 16);
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
tri_proc_read_syscall(const struct tri_proc *p, pid_t tid,
    struct tri_syscall *sc)
{
	char buf[256];

	if (tri_proc_read_task(p, tid, "syscall", buf, sizeof(buf)) < 0)
		return -1;
	return tri_proc_parse_syscall(buf, sc);
}

char *
tri_proc_syscall_name(long nr, char *buf, size_t size)
{
	char *name = NULL;

	if (nr >= 0 && nr <= INT_MAX)
		name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
		    (int)nr);
	if (name != NULL)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "syscall_%ld", nr);
	free(name);
	return buf;
}

/* The number after "key " at a line start of /proc/stat text. */
static int
sysstat_key(const char *buf, const char *key, unsigned long long *v)
{
	size_t klen = strlen(key);
	const char *s = buf;

	while (s != NULL) {
		if (strncmp(s, key, klen) == 0 && s[klen] == ' ') {
			s += klen;
			return number(&s, v);
		}
		if ((s = strchr(s, '\n')) != NULL)
			s++;
	}
	return -1;
}

int
tri_proc_parse_sysstat(const char *buf, struct tri_sysstat *st)
{
	if (sysstat_key(buf, "ctxt", &st->ctxt) < 0 ||
	    sysstat_key(buf, "processes", &st->processes) < 0 ||
	    sysstat_key(buf, "procs_running", &st->running) < 0 ||
	    sysstat_key(buf, "procs_blocked", &st->blocked) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
tri_proc_read_sysstat(struct tri_sysstat *st)
{
	char path[PATH_MAX], *buf;
	ssize_t n;
	size_t cap = 65536;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/stat", tri_proc_root());
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((buf = malloc(cap)) == NULL) {
		close(fd);
		return -1;
	}
	/* /proc/stat grows with the CPU count; read it whole. */
	n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - 1 - (size_t)n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
		if ((size_t)n == cap - 1) {
			char *nb = realloc(buf, cap * 2);

			if (nb == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	buf[n] = '\0';
	rc = tri_proc_parse_sysstat(buf, st);
	free(buf);
	return rc;
}
