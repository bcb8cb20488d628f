/* tests/unit/test_sig.c - signal masks and dispositions named. */
#include <signal.h>
#include <string.h>

#include "proc.h"
#include "sig.h"
#include "unit.h"

static void
sig_bits(void)
{
	CHECK(TRI_SIG_BIT(1) == 1);
	CHECK(TRI_SIG_BIT(SIGCHLD) == 1ULL << 16);	/* SigCgt bit 17 */
	CHECK(TRI_SIG_BIT(64) == 1ULL << 63);
}

static void
sig_list(void)
{
	char buf[256];

	CHECK_STR(tri_sig_list(0, buf, sizeof(buf)), "");
	CHECK_STR(tri_sig_list(TRI_SIG_BIT(SIGINT) | TRI_SIG_BIT(SIGUSR2),
	    buf, sizeof(buf)), "SIGINT,SIGUSR2");
	/* real-time signals have no abbreviation: their number */
	CHECK_STR(tri_sig_list(TRI_SIG_BIT(SIGHUP) | TRI_SIG_BIT(40) |
	    TRI_SIG_BIT(64), buf, sizeof(buf)), "SIGHUP,40,64");
	/* the mask of a signalfd for SIGCHLD, as fdinfo shows it */
	CHECK_STR(tri_sig_list(0x10000, buf, sizeof(buf)), "SIGCHLD");
}

static void
sig_list_cut(void)
{
	char buf[12];

	memset(buf, 'x', sizeof(buf));
	tri_sig_list(~0ULL, buf, sizeof(buf));
	CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
	CHECK(strncmp(buf, "SIGHUP,SIGI", 11) == 0);
	CHECK(tri_sig_list(~0ULL, buf, 0) == buf);
	CHECK(buf[0] == 'S');		/* size 0: nothing written */
}

static void
sig_disposition(void)
{
	struct tri_status st;
	char buf[32];

	memset(&st, 0, sizeof(st));
	CHECK_STR(tri_sig_disposition(NULL, SIGCHLD, buf, sizeof(buf)),
	    "unknown");
	CHECK_STR(tri_sig_disposition(&st, SIGCHLD, buf, sizeof(buf)),
	    "default");
	st.sigblk = TRI_SIG_BIT(SIGCHLD);
	CHECK_STR(tri_sig_disposition(&st, SIGCHLD, buf, sizeof(buf)),
	    "default+blocked");
	st.sigcgt = TRI_SIG_BIT(SIGCHLD);
	CHECK_STR(tri_sig_disposition(&st, SIGCHLD, buf, sizeof(buf)),
	    "caught+blocked");
	st.sigblk = 0;
	st.sigign = TRI_SIG_BIT(SIGCHLD);	/* ignored wins over caught */
	CHECK_STR(tri_sig_disposition(&st, SIGCHLD, buf, sizeof(buf)),
	    "ignored");
	/* only the bit of the signal asked about counts */
	CHECK_STR(tri_sig_disposition(&st, SIGTERM, buf, sizeof(buf)),
	    "default");
}

int
main(void)
{
	RUN(sig_bits);
	RUN(sig_list);
	RUN(sig_list_cut);
	RUN(sig_disposition);
	return UNIT_END();
}
