/* bench/fdleak-floor.c - the floor under fdleak -p: for every fd of the
 * given processes, the readdir, the readlink and the fdinfo read; with
 * -s, also the socket tables fdleak must read. */
#define _GNU_SOURCE	/* statx */
#include <dirent.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * -s: what a socket's TARGET costs at the least.  Neither fdinfo nor the
 * link names a socket's protocol, addresses or state: every lister reads
 * the tables of the namespace (lsfd and lsof the text of /proc/PID/net/,
 * fdleak the binary dumps of sock_diag, cheaper).  A dump lists every
 * socket of the namespace, not only the target's, and the kernel has no
 * filter by inode, so one process among five such pays for all five's
 * sockets.  The second floor adds the dumps fdleak makes for the bench's
 * sockets (TCP and TCP6 from inet_diag, unix with names and peers from
 * unix_diag), read to their end, nothing parsed but the headers.
 */
static unsigned long
dump(int fd, const void *req, size_t len)
{
	struct {
		struct nlmsghdr	nlh;
		char		req[sizeof(struct inet_diag_req_v2)];
	} msg;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static char buf[65536];
	const struct nlmsghdr *h;
	unsigned long bytes = 0;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = (unsigned int)NLMSG_LENGTH(len);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	memcpy(msg.req, req, len);
	if (sendto(fd, &msg, msg.nlh.nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) < 0)
		return 0;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		bytes += (unsigned long)n;
		for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		    h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR)
				return bytes;
	}
	return bytes;
}

static unsigned long
sock_tables(void)
{
	struct inet_diag_req_v2 in;
	struct unix_diag_req un;
	unsigned long bytes = 0;
	int fd, i;

	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) < 0)
		return 0;
	for (i = 0; i < 2; i++) {
		memset(&in, 0, sizeof(in));
		in.sdiag_family = i == 0 ? AF_INET : AF_INET6;
		in.sdiag_protocol = IPPROTO_TCP;
		in.idiag_states = ~0U & ~(1U << 6 | 1U << 12);	/* as fdleak */
		bytes += dump(fd, &in, sizeof(in));
		if (i == 0) {
			memset(&un, 0, sizeof(un));
			un.sdiag_family = AF_UNIX;
			un.udiag_states = ~0U;
			un.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER;
			bytes += dump(fd, &un, sizeof(un));
		}
	}
	close(fd);
	return bytes;
}

/*
 * What the kernel makes any fd lister do, and nothing else: list
 * /proc/PID/fd, readlink each entry, and read /proc/PID/fdinfo/N with one
 * read into a buffer sized once.  No parsing, no statx, no socket table,
 * no output but a count (so the work cannot be optimised away).  With -l
 * only the readdir and readlinks; with -i only the readdir and fdinfo.
 * -s adds the socket tables (above).  -L is -l with a statx through the
 * fd of each link that is a path, which a TYPE or SIZE column needs (a
 * socket's or pipe's link says its type; a path's does not).
 * The letters combine (-Ls).
 * Usage: fdleak-floor [-lLis] PID[,PID...].  Built by bench/fdleak.sh.
 */
int
main(int argc, char **argv)
{
	char path[64], buf[4096], *list, *tok, *save;
	unsigned long n = 0, bytes = 0;
	int links = 1, infos = 1, socks = 0, stats = 0, fddir, infodir;
	struct statx stx;
	struct dirent *de;
	ssize_t len = 0;
	DIR *d;
	int fd;

	/* the letters combine: -Ls is a listing of paths, types and sockets */
	if (argc > 2 && argv[1][0] == '-') {
		const char *o;

		for (o = argv[1] + 1; *o; o++) {
			if (*o == 'l' || *o == 'L')
				infos = 0;
			if (*o == 'L')
				stats = 1;
			if (*o == 'i')
				links = 0;
			if (*o == 's')
				socks = 1;
		}
		argv++;
	}
	if (argv[1] == NULL || (list = strdup(argv[1])) == NULL)
		return 2;
	for (tok = strtok_r(list, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		snprintf(path, sizeof(path), "/proc/%s/fd", tok);
		if ((fddir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return 2;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", tok);
		if ((infodir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return 2;
		if ((d = fdopendir(dup(fddir))) == NULL)
			return 2;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			n++;
			if (links && (len = readlinkat(fddir, de->d_name, buf,
			    sizeof(buf))) > 0)
				bytes += (unsigned long)len;
			if (stats && len > 0 && buf[0] == '/' &&
			    statx(fddir, de->d_name, AT_STATX_DONT_SYNC,
			    STATX_TYPE | STATX_SIZE, &stx) == 0)
				bytes += stx.stx_size & 1;
			if (infos && (fd = openat(infodir, de->d_name,
			    O_RDONLY | O_CLOEXEC)) >= 0) {
				if ((len = read(fd, buf, sizeof(buf))) > 0)
					bytes += (unsigned long)len;
				close(fd);
			}
		}
		closedir(d);
		close(fddir);
		close(infodir);
	}
	if (socks)
		bytes += sock_tables();
	printf("%lu fds, %lu bytes\n", n, bytes);
	free(list);
	return 0;
}
