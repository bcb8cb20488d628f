/* lib/sig.h - naming signals, signal masks and a signal's disposition. */
#ifndef TRI_SIG_H
#define TRI_SIG_H

#include <stddef.h>
#include <stdint.h>

struct tri_status;

/* The bit of signal sig (1-64) in a /proc mask (SigBlk, SigCgt, ...). */
#define TRI_SIG_BIT(sig)	(1ULL << ((sig) - 1))

/*
 * The signals of mask as "SIGINT,SIGUSR2,40": the abbreviation glibc
 * knows, else the number.  "" for an empty mask.  The text is cut at
 * size (always NUL-ended when size > 0); returns buf.
 */
char	*tri_sig_list(uint64_t mask, char *buf, size_t size);

/*
 * What a process does with signal sig, from its status masks: "ignored",
 * "caught" or "default", with "+blocked" when it is blocked too;
 * "unknown" when st is NULL.  Returns buf.
 */
char	*tri_sig_disposition(const struct tri_status *st, int sig,
	    char *buf, size_t size);

#endif /* TRI_SIG_H */
