/* lib/dwarf.c - an ELF file's DWARF, found and walked; each layout once. */
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dwarf.h>	/* lib/dwarf.h, found on -Ilib so that it can include_next */
#include "dwarf_int.h"

#define DEBUGDIR	"/usr/lib/debug"

const char *
tri_dwarf_kind_name(enum tri_dwarf_kind k)
{
	return k == TRI_DWARF_UNION ? "union" :
	    k == TRI_DWARF_CLASS ? "class" : "struct";
}

const char *
tri_dwarf_lang_name(enum tri_dwarf_lang l)
{
	static const char *const names[] = { "c", "c++", "go", "rust",
		"other" };

	return names[l];
}

static enum tri_dwarf_lang
lang_of(Dwarf_Die *cu)
{
	switch (dwarf_srclang(cu)) {
	case DW_LANG_C89: case DW_LANG_C: case DW_LANG_C99: case DW_LANG_C11:
		return TRI_DWARF_C;
	case DW_LANG_C_plus_plus: case DW_LANG_C_plus_plus_03:
	case DW_LANG_C_plus_plus_11: case DW_LANG_C_plus_plus_14:
		return TRI_DWARF_CXX;
	case DW_LANG_Go:
		return TRI_DWARF_GO;
	case DW_LANG_Rust:
		return TRI_DWARF_RUST;
	default:
		return TRI_DWARF_OTHER;
	}
}

/*
 * A layout is known by its name, kind, size, and every member's name,
 * offset and bits: two layouts that differ only in the names of member
 * types are one.
 */
static uint64_t
layout_key(Dwarf_Die *die, const char *name, uint64_t size,
    const struct tri_dwarf_src *src, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL, v[4];
	Dwarf_Word w;
	size_t i;
	int tag = dwarf_tag(die);

	h = tri_dwarf_fnv(h, name, strlen(name) + 1);
	h = tri_dwarf_fnv(h, &tag, sizeof(tag));
	h = tri_dwarf_fnv(h, &size, sizeof(size));
	for (i = 0; i < n; i++) {
		const struct tri_dwarf_mattr *a = &src[i].a;

		memset(v, 0, sizeof(v));
		if (tri_dwarf_mattr_udata(a, TRI_MA_LOC, &w) == 0)
			v[0] = w;
		if (tri_dwarf_mattr_udata(a, TRI_MA_DATA_BIT_OFFSET, &w) == 0)
			v[1] = w;
		if (tri_dwarf_mattr_udata(a, TRI_MA_BIT_OFFSET, &w) == 0)
			v[2] = w;
		if (tri_dwarf_mattr_udata(a, TRI_MA_BIT_SIZE, &w) == 0)
			v[3] = w;
		h = tri_dwarf_fnv(h, a->name ? a->name : "",
		    a->name ? strlen(a->name) + 1 : 1);
		h = tri_dwarf_fnv(h, v, sizeof(v));
	}
	return h;
}

static int
hash_grow(struct tri_dwarf *d)
{
	size_t n = d->hsize ? d->hsize * 2 : 4096, i, j;
	uint32_t *h;
	uint64_t *k;

	if ((h = calloc(n, sizeof(*h))) == NULL ||
	    (k = calloc(n, sizeof(*k))) == NULL) {
		free(h);
		return -1;
	}
	for (i = 0; i < d->hsize; i++) {
		if (d->hash[i] == 0)
			continue;
		for (j = d->hkey[i] & (n - 1); h[j]; j = (j + 1) & (n - 1))
			;
		h[j] = d->hash[i];
		k[j] = d->hkey[i];
	}
	free(d->hash);
	free(d->hkey);
	d->hash = h;
	d->hkey = k;
	d->hsize = n;
	return 0;
}

/* The slot of key: the type already there, or the empty slot for it. */
static size_t
hash_slot(const struct tri_dwarf *d, uint64_t key)
{
	size_t j;

	for (j = key & (d->hsize - 1); d->hash[j];
	    j = (j + 1) & (d->hsize - 1))
		if (d->hkey[j] == key)
			break;
	return j;
}

long
tri_dwarf_find(struct tri_dwarf *d, Dwarf_Die *die)
{
	struct tri_dwarf_src *src = NULL;
	const char *name = tri_dwarf_name(die);
	Dwarf_Attribute a;
	Dwarf_Word size;
	size_t cap = 0, slot;
	uint64_t key;
	long n;

	if (name == NULL || d->hsize == 0 ||
	    dwarf_hasattr(die, DW_AT_declaration) ||
	    dwarf_formudata(dwarf_attr(die, DW_AT_byte_size, &a), &size) != 0)
		return -1;
	if ((n = tri_dwarf_gather(die, &src, &cap)) < 0)
		return -1;
	key = layout_key(die, name, size, src, (size_t)n);
	free(src);
	slot = hash_slot(d, key);
	return d->hash[slot] ? (long)d->hash[slot] - 1 : -1;
}

static int
add_type(struct tri_dwarf *d, Dwarf_Die *die, enum tri_dwarf_lang lang,
    struct tri_dwarf_rust_scope *scope, struct tri_dwarf_rust_scope *inner)
{
	Dwarf_Attribute a;
	const char *name = tri_dwarf_name(die);
	char path[1024];
	uint64_t key;
	Dwarf_Word size;
	Dwarf_Die vp;
	size_t slot;
	long idx, n;
	bool is_enum = false;

	if (name == NULL || dwarf_hasattr(die, DW_AT_declaration) ||
	    dwarf_formudata(dwarf_attr(die, DW_AT_byte_size, &a), &size) != 0)
		return 0;
	if ((d->ntypes + 1) * 2 >= d->hsize && hash_grow(d) < 0)
		return -1;
	if (lang == TRI_DWARF_RUST && tri_dwarf_rust_enum_part(die, &vp)) {
		is_enum = true;
		n = tri_dwarf_rust_enum_members(d, &vp, inner);
	} else if ((n = tri_dwarf_gather(die, &d->src, &d->srccap)) >= 0 &&
	    lang == TRI_DWARF_RUST && scope->have_discr)
		n = tri_dwarf_rust_variant_members(d, die, n, scope);
	if (n < 0)
		return -1;
	/* by path: a variant's name (Some, Ok) is in every Option, Result */
	if (lang == TRI_DWARF_RUST)
		tri_dwarf_rust_path(scope, name, path, sizeof(path));
	key = layout_key(die, lang == TRI_DWARF_RUST ? path : name, size,
	    d->src, (size_t)n);
	slot = hash_slot(d, key);
	if (d->hash[slot]) {
		d->types[d->hash[slot] - 1].ncu++;
		return 0;
	}
	/* corrupt DWARF can nest an anonymous type in itself many times */
	d->nested_left = 4096;
	if ((idx = tri_dwarf_build(d, die, lang, false, 0, d->src,
	    (size_t)n)) < 0)
		return -1;
	if (lang == TRI_DWARF_RUST) {
		struct tri_dwarf_type *t = &d->types[idx];

		t->name = tri_dwarf_strdup(d, path);
		t->variant = !is_enum && scope->in_enum;
		if (is_enum) {
			t->kind = TRI_DWARF_UNION;
			inner->enum_built = (size_t)idx + 1;
		} else if (tri_dwarf_rust_sort(t) < 0)
			return -1;
	}
	/* building may have added nested types, which do not move slots */
	d->hash[slot] = (uint32_t)idx + 1;
	d->hkey[slot] = key;
	return 0;
}

/*
 * Types are found at the top of a unit and inside C++ namespaces; for
 * Rust, inside the DIEs of other types too (an enum's variants).
 */
static int
walk_scope(struct tri_dwarf *d, Dwarf_Die *scope, enum tri_dwarf_lang lang,
    int depth, struct tri_dwarf_rust_scope *rs)
{
	struct tri_dwarf_rust_scope inner;
	const char *name;
	char path[1024];
	Dwarf_Die c;
	int r, tag;

	if (depth > 32 || (r = dwarf_child(scope, &c)) > 0)
		return 0;
	if (r < 0)
		return -1;
	do {
		tag = dwarf_tag(&c);
		memset(&inner, 0, sizeof(inner));
		path[0] = '\0';
		inner.path = path;
		name = lang == TRI_DWARF_RUST ? tri_dwarf_name(&c) : NULL;
		if (name) {
			tri_dwarf_rust_path(rs, name, path, sizeof(path) - 2);
			strcat(path, "::");
		}
		if (tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
		    tag == DW_TAG_union_type) {
			if (add_type(d, &c, lang, rs, &inner) < 0)
				return -1;
			if (name && walk_scope(d, &c, lang, depth + 1,
			    &inner) < 0)
				return -1;
			if (inner.enum_built)
				tri_dwarf_rust_link_variants(d,
				    inner.enum_built - 1);
		} else if (tag == DW_TAG_namespace) {
			if (name == NULL)
				inner.path = rs->path;
			if (walk_scope(d, &c, lang, depth + 1, &inner) < 0)
				return -1;
		}
	} while ((r = dwarf_siblingof(&c, &c)) == 0);
	return r < 0 ? -1 : 0;
}

static int
walk_units(struct tri_dwarf *d, Dwarf *dw)
{
	Dwarf_CU *cu = NULL, *next;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie, subdie;
	struct tri_dwarf_rust_scope top = { .path = "" };
	int r;

	while ((r = dwarf_get_units(dw, cu, &next, &version, &unit_type,
	    &cudie, &subdie)) == 0) {
		cu = next;
		errno = 0;
		if (walk_scope(d, &cudie, lang_of(&cudie), 0, &top) < 0) {
			if (errno == ENOMEM)
				return -1;
			tri_dwarf_why(d, "corrupt DWARF: %s", dwarf_errmsg(-1));
			errno = EINVAL;
			return -1;
		}
	}
	if (r < 0) {
		tri_dwarf_why(d, "corrupt DWARF: %s", dwarf_errmsg(-1));
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static bool
has_debug_info(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstr;
	const char *n;

	if (elf_getshdrstrndx(elf, &shstr) != 0)
		return false;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type == SHT_NOBITS)
			continue;
		n = elf_strptr(elf, shstr, sh.sh_name);
		if (n && (strcmp(n, ".debug_info") == 0 ||
		    strcmp(n, ".zdebug_info") == 0))
			return true;
	}
	return false;
}

/*
 * libdw hands out names from .debug_str as pointers, trusting that the
 * section ends with a NUL; a fuzzed file's did not.  Checked after
 * dwarf_begin_elf, which has decompressed the sections in place.
 */
static bool
strings_end(Elf *elf)
{
	Elf_Scn *scn = NULL;
	Elf_Data *data;
	GElf_Shdr sh;
	size_t shstr;
	const char *n;

	if (elf_getshdrstrndx(elf, &shstr) != 0)
		return false;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type == SHT_NOBITS)
			continue;
		n = elf_strptr(elf, shstr, sh.sh_name);
		if (n == NULL || (strcmp(n, ".debug_str") != 0 &&
		    strcmp(n, ".zdebug_str") != 0 &&
		    strcmp(n, ".debug_line_str") != 0 &&
		    strcmp(n, ".zdebug_line_str") != 0))
			continue;
		if ((data = elf_getdata(scn, NULL)) == NULL)
			return false;
		if (data->d_size > 0 &&
		    ((const char *)data->d_buf)[data->d_size - 1] != '\0')
			return false;
	}
	return true;
}

static int
walk_checked(struct tri_dwarf *d, Dwarf *dw, Elf *elf)
{
	if (elf == NULL || !strings_end(elf)) {
		tri_dwarf_why(d, "corrupt DWARF: a string section does not end "
		    "with a NUL");
		errno = EINVAL;
		return -1;
	}
	return walk_units(d, dw);
}

/*
 * An object file (ET_REL) needs its relocations applied to .debug_info
 * before its string offsets mean anything: libdwfl does that, plain
 * dwarf_begin_elf does not.
 */
static int
load_rel(struct tri_dwarf *d, const char *path, int fd)
{
	static const Dwfl_Callbacks cb = {
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
	};
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwfl *dwfl;
	Dwarf *dw;
	int r, fd2;

	if ((dwfl = dwfl_begin(&cb)) == NULL || (fd2 = dup(fd)) < 0) {
		if (dwfl)
			dwfl_end(dwfl);
		errno = ENOMEM;
		return -1;
	}
	mod = dwfl_report_offline(dwfl, path, path, fd2);
	dwfl_report_end(dwfl, NULL, NULL);
	if (mod == NULL || (dw = dwfl_module_getdwarf(mod, &bias)) == NULL) {
		tri_dwarf_why(d, "corrupt DWARF: %s", dwfl_errmsg(-1));
		dwfl_end(dwfl);
		errno = EINVAL;
		return -1;
	}
	r = walk_checked(d, dw, dwfl_module_getelf(mod, &bias));
	dwfl_end(dwfl);
	return r;
}

static int
load_elf(struct tri_dwarf *d, Elf *elf, const char *path, int fd)
{
	GElf_Ehdr eh;
	Dwarf *dw;
	int r;

	if (path && gelf_getehdr(elf, &eh) && eh.e_type == ET_REL)
		return load_rel(d, path, fd);
	if ((dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL)) == NULL) {
		/* libdw keeps its error numbers private: match the text */
		if (strstr(dwarf_errmsg(-1), "no DWARF") != NULL) {
			errno = ENODATA;
			return -1;
		}
		tri_dwarf_why(d, "corrupt DWARF: %s", dwarf_errmsg(-1));
		errno = EINVAL;
		return -1;
	}
	r = walk_checked(d, dw, elf);
	dwarf_end(dw);
	return r;
}

/*
 * Whether the section headers and every section with contents lie inside
 * the file: libelf opens a truncated file and fails later, or not at all.
 */
static bool
elf_fits(Elf *elf, uint64_t size)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;

	if (gelf_getehdr(elf, &eh) == NULL)
		return false;
	if (eh.e_shoff > size || (uint64_t)eh.e_shnum * eh.e_shentsize >
	    size - eh.e_shoff)
		return false;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			return false;
		if (sh.sh_type != SHT_NOBITS && (sh.sh_offset > size ||
		    sh.sh_size > size - sh.sh_offset))
			return false;
	}
	return true;
}

/* An opened ELF file: 0, or -1 with errno and d->why. */
static int
open_elf(struct tri_dwarf *d, const char *path, int *fdp, Elf **elfp)
{
	unsigned char magic[4];
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : errno;
		return -1;
	}
	if (pread(fd, magic, 4, 0) != 4 || memcmp(magic, ELFMAG, 4) != 0) {
		close(fd);
		errno = ENOEXEC;
		return -1;
	}
	*elfp = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (*elfp == NULL || elf_kind(*elfp) != ELF_K_ELF ||
	    gelf_getclass(*elfp) == ELFCLASSNONE ||
	    !elf_fits(*elfp, (uint64_t)st.st_size)) {
		tri_dwarf_why(d, "truncated or corrupt ELF%s%s",
		    elf_errno() ? ": " : "", elf_errno() ? elf_errmsg(-1) : "");
		if (*elfp)
			elf_end(*elfp);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	*fdp = fd;
	return 0;
}

static int
try_debug_file(struct tri_dwarf *d, const char *path)
{
	Elf *elf;
	int fd, r;

	if (access(path, R_OK) != 0 || open_elf(d, path, &fd, &elf) < 0)
		return 1;
	if (!has_debug_info(elf)) {
		elf_end(elf);
		close(fd);
		return 1;
	}
	snprintf(d->debug_path, sizeof(d->debug_path), "%s", path);
	r = load_elf(d, elf, path, fd);
	elf_end(elf);
	close(fd);
	return r;
}

/* The separate debug file: 0 loaded, 1 none found, -1 error. */
static int
load_separate(struct tri_dwarf *d, const char *path, Elf *elf)
{
	char buf[PATH_MAX + 64], dir[PATH_MAX], *s;
	const unsigned char *id;
	const char *link;
	GElf_Word crc;
	ssize_t n, i;
	int r;

	if ((n = dwelf_elf_gnu_build_id(elf, (const void **)&id)) > 1) {
		s = buf + sprintf(buf, DEBUGDIR "/.build-id/%02x/", id[0]);
		for (i = 1; i < n && i < 64; i++)
			s += sprintf(s, "%02x", id[i]);
		strcpy(s, ".debug");
		if ((r = try_debug_file(d, buf)) <= 0)
			return r;
	}
	if ((link = dwelf_elf_gnu_debuglink(elf, &crc)) == NULL ||
	    strchr(link, '/') || realpath(path, dir) == NULL)
		return 1;
	if ((s = strrchr(dir, '/')) != NULL)
		*s = '\0';
	snprintf(buf, sizeof(buf), "%s/%s", dir, link);
	if (strcmp(buf, d->debug_path) != 0 && (r = try_debug_file(d, buf)) <= 0)
		return r;
	snprintf(buf, sizeof(buf), "%s/.debug/%s", dir, link);
	if ((r = try_debug_file(d, buf)) <= 0)
		return r;
	snprintf(buf, sizeof(buf), DEBUGDIR "%s/%s", dir, link);
	return try_debug_file(d, buf);
}

static int
begin(struct tri_dwarf *d)
{
	memset(d, 0, sizeof(*d));
	elf_version(EV_CURRENT);
	if (tri_dwarf_mem_init(d) < 0)
		return -1;
	return 0;
}

int
tri_dwarf_load(const char *path, struct tri_dwarf *d)
{
	Elf *elf;
	int fd, r;

	if (begin(d) < 0 || open_elf(d, path, &fd, &elf) < 0)
		return -1;
	snprintf(d->debug_path, sizeof(d->debug_path), "%s", path);
	if (has_debug_info(elf))
		r = load_elf(d, elf, path, fd);
	else if ((r = load_separate(d, path, elf)) > 0) {
		errno = ENODATA;
		r = -1;
	}
	elf_end(elf);
	close(fd);
	return r;
}

int
tri_dwarf_load_mem(const void *buf, size_t len, struct tri_dwarf *d)
{
	Elf *elf;
	int r;

	if (begin(d) < 0)
		return -1;
	if (len < 4 || memcmp(buf, ELFMAG, 4) != 0) {
		errno = ENOEXEC;
		return -1;
	}
	elf = elf_memory((char *)buf, len);
	if (elf == NULL || elf_kind(elf) != ELF_K_ELF ||
	    gelf_getclass(elf) == ELFCLASSNONE || !elf_fits(elf, len)) {
		tri_dwarf_why(d, "truncated or corrupt ELF");
		if (elf)
			elf_end(elf);
		errno = EINVAL;
		return -1;
	}
	strcpy(d->debug_path, "<memory>");
	if (has_debug_info(elf))
		r = load_elf(d, elf, NULL, -1);
	else {
		errno = ENODATA;
		r = -1;
	}
	elf_end(elf);
	return r;
}

void
tri_dwarf_free(struct tri_dwarf *d)
{
	tri_dwarf_mem_free(d);
	free(d->tinfo);
	free(d->src);
	free(d->types);
	free(d->hash);
	free(d->hkey);
	memset(d, 0, sizeof(*d));
}
