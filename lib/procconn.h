/* lib/procconn.h - process creation events from the netlink proc connector. */
#ifndef TRI_PROCCONN_H
#define TRI_PROCCONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum tri_procconn_type {
	TRI_PC_FORK,		/* a new process or thread */
	TRI_PC_EXEC,
	TRI_PC_EXIT,
	TRI_PC_OTHER,
};

struct tri_procconn_event {
	enum tri_procconn_type	 type;
	uint64_t		 ns;		/* kernel timestamp, ns since boot */
	pid_t			 pid, tgid;	/* the child, exec'd or exited task */
	pid_t			 ppid, ptgid;	/* FORK: the parent */
	int			 exit_code;	/* EXIT: wait(2) status */
};

/*
 * Open a netlink socket on the proc connector and subscribe to its
 * events, with a receive buffer of rcvbuf bytes (forced when permitted).
 * Returns the socket, or -1 with errno (EPERM: needs CAP_NET_ADMIN;
 * EPROTONOSUPPORT: no connector in this kernel).
 */
int	tri_procconn_open(int rcvbuf);
/*
 * Receive one datagram into buf (the caller's, size bytes: no allocation)
 * and decode its events into ev[0..max).  Returns the number of events,
 * 0 on a datagram with none, or -1 with errno (EAGAIN with a
 * non-blocking socket; ENOBUFS: events were lost, go on reading).
 */
ssize_t	tri_procconn_read(int fd, void *buf, size_t size,
	    struct tri_procconn_event *ev, size_t max);
/* Unsubscribe and close. */
void	tri_procconn_close(int fd);

#endif /* TRI_PROCCONN_H */
