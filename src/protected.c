#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "pattern.h"
#include "protected.h"
#include "strbuf.h"

struct names {
	char **items;
	size_t nr;
};

static void names_add(struct names *n, const char *name)
{
	n->items = xrealloc(n->items, (n->nr + 1) * sizeof(*n->items));
	n->items[n->nr++] = xstrdup(name);
}

static void names_release(struct names *n)
{
	size_t i;

	for (i = 0; i < n->nr; i++)
		free(n->items[i]);
	free(n->items);
}

/* Every local branch, and the branch an unborn HEAD will create. */
static int list_branches(git_repository *repo, struct names *out)
{
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL, *head = NULL;
	git_branch_t type;
	int err;

	if (git_branch_iterator_new(&it, repo, GIT_BRANCH_LOCAL) < 0)
		return orch_git_error("cannot list the branches");
	while ((err = git_branch_next(&ref, &type, it)) == 0) {
		const char *short_name = orch_branch_short_name(git_reference_name(ref));

		if (short_name)
			names_add(out, short_name);
		git_reference_free(ref);
	}
	git_branch_iterator_free(it);
	if (err != GIT_ITEROVER)
		return orch_git_error("cannot list the branches");
	if (git_repository_head_unborn(repo) == 1 &&
	    git_reference_lookup(&head, repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		const char *short_name = orch_branch_short_name(git_reference_symbolic_target(head));

		if (short_name)
			names_add(out, short_name);
	}
	git_reference_free(head);
	return 0;
}

static int matches_any(const char *pattern, const struct names *n)
{
	size_t i;

	for (i = 0; i < n->nr; i++)
		if (orch_pattern_match(pattern, n->items[i]))
			return 1;
	return 0;
}

/*
 * "main" and "master" are two names for one role, the default branch (the
 * shipped policy lists both): one missing while the other exists is no mistake.
 */
static int other_default_matches(const struct orch_patterns *p, size_t i, const struct names *n)
{
	const char *other, *name = orch_branch_short_name(p->items[i]);
	size_t k;

	if (!name || (strcmp(name, "main") && strcmp(name, "master")))
		return 0;
	other = strcmp(name, "main") ? "main" : "master";
	for (k = 0; k < p->nr; k++)
		if (orch_pattern_match(p->items[k], other) && matches_any(other, n))
			return 1;
	return 0;
}

int orch_protected_warn_unmatched(git_repository *repo, const struct orch_policy *policy)
{
	const struct orch_patterns *p = &policy->protected;
	const char *origin = policy->origin[ORCH_KEY_PROTECTED];
	struct names branches = { .items = NULL };
	size_t i, unmatched = 0;
	int warned = 0;

	if (!p->nr) {
		orch_say("warning: [branches] protected (%s) is empty: no branch is protected, "
			 "and no gate guards anything", origin ? origin : "built-in default");
		return 1;
	}
	if (list_branches(repo, &branches) < 0) {
		names_release(&branches);
		return 0;
	}
	for (i = 0; i < p->nr; i++)
		unmatched += !matches_any(p->items[i], &branches);
	for (i = 0; unmatched && i < p->nr; i++) {
		if (matches_any(p->items[i], &branches) || other_default_matches(p, i, &branches))
			continue;
		orch_say("warning: [branches] protected pattern '%s' (%s) matches no branch here: it "
			 "protects nothing until such a branch exists; check its spelling",
			 p->items[i], origin ? origin : "built-in default");
		warned++;
	}
	names_release(&branches);
	return warned;
}
