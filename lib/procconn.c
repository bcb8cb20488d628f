/* lib/procconn.c - process creation events from the netlink proc connector. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include "procconn.h"

/* Send PROC_CN_MCAST_LISTEN or _IGNORE to the connector. */
static int
subscribe(int fd, enum proc_cn_mcast_op op)
{
	struct {
		struct nlmsghdr		 nl;
		struct cn_msg		 cn;
		enum proc_cn_mcast_op	 op;
	} __attribute__((packed)) msg;

	memset(&msg, 0, sizeof(msg));
	msg.nl.nlmsg_len = sizeof(msg);
	msg.nl.nlmsg_type = NLMSG_DONE;
	msg.nl.nlmsg_pid = (unsigned)getpid();
	msg.cn.id.idx = CN_IDX_PROC;
	msg.cn.id.val = CN_VAL_PROC;
	msg.cn.len = sizeof(op);
	msg.op = op;
	return send(fd, &msg, sizeof(msg), 0) < 0 ? -1 : 0;
}

int
tri_procconn_open(int rcvbuf)
{
	struct sockaddr_nl sa;
	int fd, e;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (fd < 0)
		return -1;
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = CN_IDX_PROC;
	sa.nl_pid = 0;		/* the kernel picks a unique port id */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    subscribe(fd, PROC_CN_MCAST_LISTEN) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void
decode(const struct proc_event *pe, struct tri_procconn_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ns = pe->timestamp_ns;
	switch (pe->what) {
	case PROC_EVENT_FORK:
		ev->type = TRI_PC_FORK;
		ev->pid = pe->event_data.fork.child_pid;
		ev->tgid = pe->event_data.fork.child_tgid;
		ev->ppid = pe->event_data.fork.parent_pid;
		ev->ptgid = pe->event_data.fork.parent_tgid;
		break;
	case PROC_EVENT_EXEC:
		ev->type = TRI_PC_EXEC;
		ev->pid = pe->event_data.exec.process_pid;
		ev->tgid = pe->event_data.exec.process_tgid;
		break;
	case PROC_EVENT_EXIT:
		ev->type = TRI_PC_EXIT;
		ev->pid = pe->event_data.exit.process_pid;
		ev->tgid = pe->event_data.exit.process_tgid;
		ev->exit_code = (int)pe->event_data.exit.exit_code;
		break;
	default:
		ev->type = TRI_PC_OTHER;
		break;
	}
}

ssize_t
tri_procconn_read(int fd, void *buf, size_t size,
    struct tri_procconn_event *ev, size_t max)
{
	struct proc_event pe;
	struct nlmsghdr *nl;
	struct cn_msg *cn;
	ssize_t r, n = 0;
	size_t len;

	if ((r = recv(fd, buf, size, 0)) < 0)
		return -1;
	len = (size_t)r;
	for (nl = buf; NLMSG_OK(nl, len) && (size_t)n < max;
	    nl = NLMSG_NEXT(nl, len)) {
		if (nl->nlmsg_type == NLMSG_ERROR ||
		    nl->nlmsg_type == NLMSG_NOOP)
			continue;
		cn = NLMSG_DATA(nl);
		if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC ||
		    cn->len < sizeof(struct proc_event))
			continue;
		/* cn_msg's data is 4-byte aligned; proc_event needs 8 */
		memcpy(&pe, cn->data, sizeof(pe));
		decode(&pe, &ev[n++]);
	}
	return n;
}

void
tri_procconn_close(int fd)
{
	if (fd < 0)
		return;
	subscribe(fd, PROC_CN_MCAST_IGNORE);
	close(fd);
}
