/* cmd/fdleak/peers.c - who holds the other end of a pipe or a unix socket. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdleak.h"

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

void
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
