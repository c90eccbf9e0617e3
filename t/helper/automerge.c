/*
 * Test helper: the content rule's engines on merge commits, so tests and
 * benchmarks can replay a real history's merges.
 *
 *   automerge [--libgit2 | --git] [--write] [--server] COMMIT...     (or the ids on stdin)
 *
 * --libgit2: libgit2 only (no confirmation by git); --git: git merge-tree
 * only; neither: the gate's decision. --server: libgit2 set up as
 * pre-receive sets it up (no re-hashing of the objects read, no object
 * cache), to measure the check as the server runs it; otherwise libgit2's
 * defaults, as the local hooks keep them. Prints one line per merge:
 * "<commit> same|differs|conflict <engine> [paths...]", and at the end
 * "merges: N same: S differs: D". Exits 0, or 128 on an error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automerge.h"
#include "error.h"
#include "repo.h"

static int one(git_repository *repo, const char *spec, const struct orch_automerge_opts *o,
	       size_t *same, size_t *merges)
{
	struct orch_automerge m = ORCH_AUTOMERGE_INIT;
	git_object *obj = NULL;
	git_commit *c;
	git_oid parents[64];
	unsigned i, n;
	size_t k;

	if (git_revparse_single(&obj, repo, spec) < 0 || git_object_type(obj) != GIT_OBJECT_COMMIT) {
		git_object_free(obj);
		return orch_git_error("not a commit: '%s'", spec);
	}
	c = (git_commit *)obj;
	n = git_commit_parentcount(c);
	if (n < 2 || n > 64) {
		git_object_free(obj);
		return 0;
	}
	for (i = 0; i < n; i++)
		git_oid_cpy(&parents[i], git_commit_parent_id(c, i));
	if (orch_automerge_check(repo, parents, n, git_commit_tree_id(c), o, &m) < 0) {
		git_object_free(obj);
		return -1;
	}
	(*merges)++;
	*same += m.same;
	printf("%s %s %s", git_oid_tostr_s(git_commit_id(c)),
	       m.same ? "same" : m.conflict ? "conflict" : "differs", m.engine ? m.engine : "-");
	if (m.has_tree)
		printf(" tree=%s", git_oid_tostr_s(&m.tree));
	for (k = 0; k < m.nr_listed; k++)
		printf(" %s", m.paths[k]);
	printf("\n");
	orch_automerge_release(&m);
	git_object_free(obj);
	return 0;
}

int main(int argc, char **argv)
{
	struct orch_automerge_opts o = ORCH_AUTOMERGE_OPTS_INIT;
	struct orch_commit_graph *graph = NULL;
	git_repository *repo = NULL;
	size_t same = 0, merges = 0;
	char line[256];
	int i, rc = 0, any = 0;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL) < 0) {
		orch_git_error("cannot open the repository");
		return 128;
	}
	/* one commit-graph for all the merges, as the server gate holds one for a push */
	o.graph = graph = orch_commit_graph_open_repo(repo);
	for (i = 1; i < argc && rc == 0; i++) {
		if (!strcmp(argv[i], "--libgit2"))
			o.confirm_with_git = 0;
		else if (!strcmp(argv[i], "--git"))
			o.skip_libgit2 = 1;
		else if (!strcmp(argv[i], "--write"))
			o.write = 1;
		else if (!strcmp(argv[i], "--server"))
			orch_libgit2_server_opts();
		else if ((any = 1) && one(repo, argv[i], &o, &same, &merges) < 0)
			rc = 128;
	}
	while (!any && rc == 0 && fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (*line && one(repo, line, &o, &same, &merges) < 0)
			rc = 128;
	}
	printf("merges: %zu same: %zu differs: %zu\n", merges, same, merges - same);
	orch_commit_graph_free(graph);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
