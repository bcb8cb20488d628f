/* cmd/structpad/select.c - which types -C, --holes and --min-waste ask for. */
#include <fnmatch.h>
#include <string.h>

#include "structpad.h"

/*
 * The last part of a Rust path, "Pair<u8, u64>" of
 * "layouts_rs::Pair<u8, u64>": the last "::" outside angle brackets.
 */
static const char *
path_last(const char *name)
{
	const char *last = name, *p;
	int depth = 0;

	for (p = name; *p; p++) {
		if (*p == '<')
			depth++;
		else if (*p == '>' && depth > 0)
			depth--;
		else if (depth == 0 && p[0] == ':' && p[1] == ':')
			last = p + 2;
	}
	return last;
}

/*
 * -C matches the bare name or "struct name", as a glob or as it is (Rust
 * names hold brackets: &[u8]); a Rust type's path (layouts_rs::Foo) or
 * its last part (Foo).
 */
bool
select_name_matches(const struct ctl *ctl, const struct tri_dwarf_type *t)
{
	const char *last = t->lang == TRI_DWARF_RUST ? path_last(t->name) :
	    t->name;
	char title[600];
	size_t i;

	if (ctl->nnames == 0)
		return true;
	type_title(t, title, sizeof(title));
	for (i = 0; i < ctl->nnames; i++)
		if (strcmp(ctl->names[i], t->name) == 0 ||
		    strcmp(ctl->names[i], last) == 0 ||
		    fnmatch(ctl->names[i], t->name, 0) == 0 ||
		    fnmatch(ctl->names[i], title, 0) == 0 ||
		    fnmatch(ctl->names[i], last, 0) == 0)
			return true;
	return false;
}

/* The filters that need the computed layout (-C is applied before). */
bool
select_wanted(const struct ctl *ctl, const struct layout *l)
{
	if (ctl->holes && l->nr_holes < ctl->holes)
		return false;
	if (ctl->min_waste && l->waste < ctl->min_waste)
		return false;
	return true;
}
