/* cmd/systrace/decode_ioctl.c - ioctl's third argument by request, as strace shows it. */
#include <linux/fs.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "systrace.h"

/* The kernel's struct termios starts as glibc's: four flag words. */
struct kflags {
	unsigned	 c_iflag, c_oflag, c_cflag, c_lflag;
};

int
ioctl_nargs(unsigned long long req)
{
	switch ((unsigned)req) {
	case FIOCLEX:
	case FIONCLEX:
	case TIOCEXCL:
	case TIOCNXCL:
	case TIOCNOTTY:
	case TIOCSBRK:
	case TIOCCBRK:
	case TIOCCONS:
	case FIFREEZE:
	case FITHAW:
		return 2;
	}
	return 3;
}

/* What a request's argument points at, decoded. */
enum { IO_HEX, IO_PTR, IO_TERMIOS, IO_WINSIZE, IO_INT, IO_DEC, IO_XONC,
    IO_FLSH };

static int
kind_of(unsigned req, bool *at_exit)
{
	*at_exit = false;
	switch (req) {
	case TCGETS:
		*at_exit = true;
		/* FALLTHROUGH */
	case TCSETS: case TCSETSW: case TCSETSF:
		return IO_TERMIOS;
	case TIOCGWINSZ:
		*at_exit = true;
		/* FALLTHROUGH */
	case TIOCSWINSZ:
		return IO_WINSIZE;
	case TIOCGPGRP: case TIOCGSID: case TIOCGETD: case TIOCGPTN:
	case FIONREAD: case TIOCOUTQ:
		*at_exit = true;
		/* FALLTHROUGH */
	case TIOCSPGRP: case TIOCSETD: case FIONBIO: case FIOASYNC:
	case TIOCSPTLCK: case TIOCPKT:
		return IO_INT;
	case TCSBRK: case TCSBRKP: case TIOCSCTTY: case FICLONE:
		return IO_DEC;
	case TCXONC:
		return IO_XONC;
	case TCFLSH:
		return IO_FLSH;
	case TIOCMGET: case TIOCMSET: case TIOCSTI: case FIOQSIZE:
	case FIGETBSZ: case BLKROGET: case BLKGETSIZE: case BLKSSZGET:
	case BLKPBSZGET:
		return IO_PTR;
	}
	/* a named request with a size points at its data (0x89: SIOC*,
	 * a struct ifreq); an unnamed one is hex */
	if (_IOC_DIR(req) != _IOC_NONE || _IOC_TYPE(req) == 0x89)
		return IO_PTR;
	return IO_HEX;
}

bool
ioctl_at_exit(unsigned long long req)
{
	bool at_exit;

	kind_of((unsigned)req, &at_exit);
	return at_exit;
}

/* {c_iflag=ICRNL|IXON, c_oflag=..., c_cflag=..., c_lflag=..., ...} */
static void
dw_termios(struct dw *w, unsigned long addr)
{
	struct kflags t;

	if (peek(w->t->tid, addr, &t, sizeof(t)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "c_iflag", "iflag");
	dw_flags_named(w, "term_iflags", t.c_iflag);
	dw_key(w, "c_oflag", "oflag");
	dw_flags_named(w, "term_oflags", t.c_oflag);
	dw_key(w, "c_cflag", "cflag");
	dw_flags_named(w, "term_cflags", t.c_cflag);
	dw_key(w, "c_lflag", "lflag");
	dw_flags_named(w, "term_lflags", t.c_lflag);
	dw_more(w);
	dw_end(w);
}

static void
dw_winsize(struct dw *w, unsigned long addr)
{
	struct winsize ws;

	if (peek(w->t->tid, addr, &ws, sizeof(ws)) < 0) {
		dw_hex(w, addr);
		return;
	}
	dw_obj(w);
	dw_key(w, "ws_row", "rows");
	dw_uint(w, ws.ws_row);
	dw_key(w, "ws_col", "columns");
	dw_uint(w, ws.ws_col);
	dw_key(w, "ws_xpixel", "x_pixels");
	dw_uint(w, ws.ws_xpixel);
	dw_key(w, "ws_ypixel", "y_pixels");
	dw_uint(w, ws.ws_ypixel);
	dw_end(w);
}

void
ioctl_arg(struct dw *w, long ret)
{
	static int ioctls_id = -2, xonc_id = -2, flsh_id = -2;
	struct task *k = w->t->user;
	unsigned req = (unsigned)k->args[1];
	unsigned long long v = k->args[2];
	bool at_exit, failed = ret < 0 && ret > -4096;
	int kind;

	if (tri_syscalls_xlat(set_once(&ioctls_id, "ioctl_cmds"), req) ==
	    NULL) {
		dw_hex(w, v);
		return;
	}
	kind = kind_of(req, &at_exit);
	/* what the call would have written, when it failed: the address */
	if (kind > IO_PTR && kind < IO_DEC && (v == 0 || (at_exit && failed))) {
		dw_ptr(w, v);
		return;
	}
	switch (kind) {
	case IO_PTR:
		dw_ptr(w, v);
		return;
	case IO_TERMIOS:
		dw_termios(w, (unsigned long)v);
		return;
	case IO_WINSIZE:
		dw_winsize(w, (unsigned long)v);
		return;
	case IO_INT:
		dw_intptr(w, (unsigned long)v, false);
		return;
	case IO_DEC:
		dw_int(w, (int)v);
		return;
	case IO_XONC:
		dw_enum(w, set_once(&xonc_id, "tcxonc_options"), (long long)v);
		return;
	case IO_FLSH:
		dw_enum(w, set_once(&flsh_id, "tcflsh_options"), (long long)v);
		return;
	}
	dw_hex(w, v);
}
