#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "receive-lines.h"
#include "strbuf.h"

void orch_ref_updates_release(struct orch_ref_updates *u)
{
	size_t i;

	for (i = 0; i < u->nr; i++) {
		free(u->items[i].ref);
		free(u->items[i].pushed_as);
	}
	free(u->items);
	memset(u, 0, sizeof(*u));
}

int orch_ref_update_is_create(const struct orch_ref_update *u)
{
	return git_oid_is_zero(&u->old_oid);
}

int orch_ref_update_is_delete(const struct orch_ref_update *u)
{
	return git_oid_is_zero(&u->new_oid);
}

int orch_ref_update_old_is_current(git_repository *repo, const struct orch_ref_update *u)
{
	git_oid cur;
	int err = git_reference_name_to_id(&cur, repo, u->ref);

	if (err == GIT_ENOTFOUND)
		return orch_ref_update_is_create(u);
	if (err < 0)
		return -1;
	return git_oid_equal(&cur, &u->old_oid);
}

/* Lowercase hex only: that is what git writes, and anything else is not from git. */
static int parse_oid(const char *p, size_t n, git_oid *out)
{
	size_t i;

	if (n != GIT_OID_HEXSZ)
		return -1;
	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return -1;
	return git_oid_fromstrn(out, p, n);
}

/* A ref name as git's receive-pack hands it over: under refs/ (or HEAD), printable, no spaces. */
static int valid_ref(const char *p, size_t n)
{
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f)
			return 0;
	return 1;
}

static int parse_line(struct orch_ref_updates *out, const char *p, size_t n, char **err)
{
	const char *sp1 = memchr(p, ' ', n), *sp2;
	struct orch_ref_update *u;
	git_oid old_oid, new_oid;

	if (!sp1) {
		*err = xstrdup("want '<old> <new> <ref>'");
		return -1;
	}
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - p));
	if (!sp2) {
		*err = xstrdup("want '<old> <new> <ref>'");
		return -1;
	}
	if (parse_oid(p, (size_t)(sp1 - p), &old_oid) < 0 ||
	    parse_oid(sp1 + 1, (size_t)(sp2 - sp1 - 1), &new_oid) < 0) {
		*err = xstrdup("an object id is not 40 lowercase hex digits");
		return -1;
	}
	if (!valid_ref(sp2 + 1, n - (size_t)(sp2 + 1 - p))) {
		*err = xstrdup("the ref name is empty or holds spaces or control characters");
		return -1;
	}
	if (git_oid_is_zero(&old_oid) && git_oid_is_zero(&new_oid)) {
		*err = xstrdup("both object ids are zero");
		return -1;
	}
	ALLOC_GROW(out->items, out->nr + 1, out->alloc);
	u = &out->items[out->nr++];
	git_oid_cpy(&u->old_oid, &old_oid);
	git_oid_cpy(&u->new_oid, &new_oid);
	u->ref = xstrndup(sp2 + 1, n - (size_t)(sp2 + 1 - p));
	u->pushed_as = NULL;
	return 0;
}

int orch_ref_updates_parse(struct orch_ref_updates *out, const char *text, size_t len, char **err)
{
	const char *p = text, *end = text + len;
	size_t lineno = 0;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *why = NULL;

		lineno++;
		if (memchr(p, '\0', n)) {
			why = xstrdup("a NUL byte");
		} else if (!n) {
			why = xstrdup("an empty line");
		} else if (parse_line(out, p, n, &why) == 0) {
			p += n + (nl != NULL);
			continue;
		}
		*err = xasprintf("line %zu: %s", lineno, why);
		free(why);
		orch_ref_updates_release(out);
		return -1;
	}
	return 0;
}

/* git follows at most this many symbolic refs (refs.h, SYMREF_MAXDEPTH). */
#define MAX_SYMREF_DEPTH 5

/* The name `name` resolves to that `claims` wants, else the last of its chain. */
static char *resolve_one(git_repository *repo, const char *name,
			 int (*claims)(const char *ref, void *payload), void *payload, char **err)
{
	char *at = xstrdup(name);
	int depth;

	for (depth = 0;; depth++) {
		git_reference *ref = NULL;
		int r;

		if (claims(at, payload))
			return at;
		r = git_reference_lookup(&ref, repo, at);
		if (r == GIT_ENOTFOUND || r == GIT_EINVALIDSPEC)
			return at;
		if (r < 0) {
			*err = xasprintf("cannot read the ref '%s': %s", at,
					 git_error_last() ? git_error_last()->message : "unknown error");
			break;
		}
		if (git_reference_type(ref) != GIT_REFERENCE_SYMBOLIC) {
			git_reference_free(ref);
			return at;
		}
		if (depth == MAX_SYMREF_DEPTH) {
			*err = xasprintf("the symbolic ref '%s' points through more than %d others",
					 name, MAX_SYMREF_DEPTH);
			git_reference_free(ref);
			break;
		}
		free(at);
		at = xstrdup(git_reference_symbolic_target(ref));
		git_reference_free(ref);
	}
	free(at);
	return NULL;
}

int orch_ref_updates_resolve(struct orch_ref_updates *out, const struct orch_ref_updates *in,
			     git_repository *repo, int (*claims)(const char *ref, void *payload),
			     void *payload, char **err)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	out->items = xcalloc(in->nr ? in->nr : 1, sizeof(*out->items));
	out->alloc = in->nr;
	for (i = 0; i < in->nr; i++) {
		struct orch_ref_update *u = &out->items[i];
		char *ref = resolve_one(repo, in->items[i].ref, claims, payload, err);

		if (!ref) {
			orch_ref_updates_release(out);
			return -1;
		}
		git_oid_cpy(&u->old_oid, &in->items[i].old_oid);
		git_oid_cpy(&u->new_oid, &in->items[i].new_oid);
		u->ref = ref;
		if (strcmp(ref, in->items[i].ref))
			u->pushed_as = xstrdup(in->items[i].ref);
		out->nr++;
	}
	return 0;
}
