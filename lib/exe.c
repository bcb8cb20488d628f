/* lib/exe.c - what a process's executable is: Go build info, ELF facts. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exe.h"
#include "proc.h"

/* Go's runtime/debug build info starts with this 14-byte magic. */
static const char go_magic[] = "\xff Go buildinf:";
#define GO_MAGIC_LEN	14
#define GO_HDR_LEN	32	/* magic, ptr size, flags, padding */

/* Decode a uvarint-prefixed string (Go 1.18+ inline build info). */
static void
go_version(const unsigned char *d, size_t len, char *out, size_t osize)
{
	size_t i = GO_HDR_LEN, n = 0;
	unsigned shift = 0;

	if (out == NULL || osize == 0)
		return;
	*out = '\0';
	if (len <= GO_HDR_LEN || !(d[15] & 2))	/* not the inline format */
		return;
	while (i < len && shift < 63) {
		n |= (size_t)(d[i] & 0x7f) << shift;
		shift += 7;
		if (!(d[i++] & 0x80))
			break;
	}
	if (n == 0 || i + n > len || n >= osize)
		return;
	memcpy(out, d + i, n);
	out[n] = '\0';
}

/* Look for the ".go.buildinfo" section; returns 1 found, 0 not, -1 error. */
static int
by_section(Elf *e, char *version, size_t vsize)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;
	Elf_Data *d;
	const char *name;

	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		return 0;
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (name == NULL || strcmp(name, ".go.buildinfo") != 0)
			continue;
		d = elf_getdata(scn, NULL);
		if (d && d->d_buf && d->d_size >= GO_MAGIC_LEN &&
		    memcmp(d->d_buf, go_magic, GO_MAGIC_LEN) == 0) {
			go_version(d->d_buf, d->d_size, version, vsize);
			return 1;
		}
	}
	return 0;
}

/*
 * Stripped of section headers: scan the writable PT_LOAD segments' file
 * bytes for the magic, which Go aligns to 16 bytes.
 */
static int
by_segment(Elf *e, int fd, char *version, size_t vsize)
{
	size_t nph, i, off;
	unsigned char *buf;
	GElf_Phdr ph;
	int found = 0;

	if (elf_getphdrnum(e, &nph) != 0)
		return 0;
	for (i = 0; i < nph && !found; i++) {
		if (gelf_getphdr(e, (int)i, &ph) == NULL || ph.p_type != PT_LOAD ||
		    !(ph.p_flags & PF_W) || ph.p_filesz == 0 ||
		    ph.p_filesz > (64u << 20))
			continue;
		if ((buf = malloc(ph.p_filesz)) == NULL)
			return -1;
		if (pread(fd, buf, ph.p_filesz, (off_t)ph.p_offset) ==
		    (ssize_t)ph.p_filesz)
			for (off = 0; off + GO_HDR_LEN <= ph.p_filesz; off += 16)
				if (memcmp(buf + off, go_magic, GO_MAGIC_LEN) == 0) {
					go_version(buf + off, ph.p_filesz - off,
					    version, vsize);
					found = 1;
					break;
				}
		free(buf);
	}
	return found;
}

static int
is_go_fd(int fd, bool *is_go, char *version, size_t vsize)
{
	Elf *e;
	int r;

	if (version && vsize)
		*version = '\0';
	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = ENOSYS;
		return -1;
	}
	if ((e = elf_begin(fd, ELF_C_READ, NULL)) == NULL ||
	    elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		errno = ENOEXEC;
		return -1;
	}
	r = by_section(e, version, vsize);
	if (r == 0)
		r = by_segment(e, fd, version, vsize);
	elf_end(e);
	if (r < 0)
		return -1;
	*is_go = r == 1;
	return 0;
}

int
tri_exe_is_go_path(const char *path, bool *is_go, char *version,
    size_t vsize)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r, e;

	if (fd < 0)
		return -1;
	r = is_go_fd(fd, is_go, version, vsize);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

int
tri_exe_is_go(const struct tri_proc *p, bool *is_go, char *version,
    size_t vsize)
{
	int fd = openat(p->dirfd, "exe", O_RDONLY | O_CLOEXEC), r, e;

	if (fd < 0) {
		if (errno == ENOENT)	/* kernel thread or zombie: no exe */
			errno = ENOEXEC;
		return -1;
	}
	r = is_go_fd(fd, is_go, version, vsize);
	e = errno;
	close(fd);
	errno = e;
	return r;
}
