/* lib/fdkind.h - what an fd is: a file, a socket, a pipe, an anon inode. */
#ifndef TRI_FDKIND_H
#define TRI_FDKIND_H

#include <stdbool.h>
#include <stddef.h>

struct tri_fdinfo;
struct tri_sock;

/*
 * What an fd points to, from its fd/N link text (tri_proc_fd_link) and,
 * for a path, a statx through the link (tri_proc_fd_statx).  Shared by
 * every command that names fds (fdleak; systrace -y).
 */
struct tri_fdkind {
	const char		*type;	/* "REG", "DIR", "CHR", "BLK", "FIFO",
					 * "SOCK", "LNK", "memfd", "eventfd",
					 * "eventpoll", "timerfd", ..., "anon",
					 * "pidfd", "nsfs", "UNKNOWN"; static */
	unsigned long long	 ino;	/* socket, pipe or file inode; 0 unknown */
	unsigned long long	 size;	/* a file's size */
	unsigned long long	 dev;	/* a path's st_dev (makedev), 0 unknown */
	unsigned int		 nlink;	/* a path's link count */
	bool			 sock;	/* the link is socket:[ino] */
	bool			 pipe;	/* the link is pipe:[ino] */
	bool			 deleted;	/* a path whose file is unlinked */
	size_t			 pathlen;	/* the link's length without the
						 * " (deleted)" of a deleted file */
};

/*
 * Classify the fd whose link text is link[0..len) (NUL-ended).  A path is
 * looked at with statx through fd in the fd/ dirfd fddir: its type, inode
 * and size, and whether it is deleted (nlink 0, the kernel's " (deleted)"
 * suffix) or a memfd; with fddir < 0, or when statx fails, its type is
 * "UNKNOWN".  Never fails.
 */
void	tri_fdkind_classify(struct tri_fdkind *k, const char *link,
	    size_t len, int fddir, int fd);
/* The type of an anon inode, "eventfd" of "[eventfd]", "anon" if unknown:
 * a static string, as is the one below. */
const char *tri_fdkind_anon(const char *name);
/* The type of an st_mode / stx_mode: "REG", "DIR", ..., "UNKNOWN". */
const char *tri_fdkind_mode(unsigned int mode);

/* The access mode of open flags (fdinfo flags:): "r", "w", "rw", "?";
 * static. */
const char *tri_fdkind_access(unsigned int flags);
/*
 * The other open flags that matter, "CLOEXEC,NONBLOCK" (also APPEND, SYNC,
 * DIRECT, PATH), into buf (cut at size); returns buf, or the static "-"
 * when none is set.
 */
const char *tri_fdkind_flags(unsigned int flags, char *buf, size_t size);

/*
 * A socket as a person names it: "TCP 10.0.0.1:80 -> 10.0.0.5:41234
 * ESTABLISHED", "UNIX-STREAM /run/app.sock LISTEN", "UNIX-STREAM
 * (unnamed) CONNECTED"; "socket:[ino]"
 * when s is NULL (a socket its namespace's tables do not list).  Paths
 * are raw bytes: escape on output.  Returns what snprintf returns.
 */
int	tri_fdkind_sock_text(const struct tri_sock *s, unsigned long long ino,
	    char *buf, size_t size);
/*
 * An anon inode or pidfd of type (as classified) with its fdinfo fi:
 * "eventfd count=3", "eventpoll watching 2 fds 4,5", "signalfd SIGINT",
 * "timerfd clock=1 value=0.500s interval=1.000s", "inotify 2 watches",
 * "pidfd pid 42"; else the link text.
 */
void	tri_fdkind_anon_text(const char *type, const struct tri_fdinfo *fi,
	    const char *link, char *buf, size_t size);

#endif /* TRI_FDKIND_H */
