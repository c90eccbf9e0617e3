/*
 * Test helper: the content rule's merge bases (src/merge-base.c), so a test
 * can hold them against `git merge-base --all`.
 *
 *   merge-base [--graph | --libgit2]      (reads "COMMIT COMMIT..." lines)
 *
 * For each line prints the merge bases of its first commit and the others,
 * sorted, on one line ("-" when there is none). --graph: through the
 * commit-graph only, and exit 2 at once if that cannot decide (so a test
 * knows the graph answered); --libgit2: libgit2 alone; neither: what the
 * content rule uses. Exits 0, 1 when the repository has no usable graph
 * and --graph was given, or 128 on an error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge-base.h"

static int cmp_oid(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

static int one_line(git_repository *repo, const struct orch_commit_graph *g, int graph_only, char *line)
{
	struct orch_merge_bases b = ORCH_MERGE_BASES_INIT;
	git_oid ids[16];
	size_t nr = 0, k;
	char *tok;
	int r;

	for (tok = strtok(line, " \n"); tok && nr < 16; tok = strtok(NULL, " \n"))
		if (git_oid_fromstr(&ids[nr++], tok) < 0)
			return 128;
	if (nr < 2)
		return 128;
	r = graph_only ? orch_merge_bases_graph(repo, g, ids, nr, &b) : orch_merge_bases_find(repo, g, ids, nr, &b);
	if (r)
		return r < 0 ? 128 : 2;
	if (b.nr > 1)
		qsort(b.ids, b.nr, sizeof(*b.ids), cmp_oid);
	for (k = 0; k < b.nr; k++)
		printf("%s%s", k ? " " : "", git_oid_tostr_s(&b.ids[k]));
	printf("%s\n", b.nr ? "" : "-");
	orch_merge_bases_release(&b);
	return 0;
}

int main(int argc, char **argv)
{
	struct orch_commit_graph *g = NULL;
	git_repository *repo = NULL;
	int graph_only = argc > 1 && !strcmp(argv[1], "--graph");
	int libgit2 = argc > 1 && !strcmp(argv[1], "--libgit2");
	char line[1024];
	int rc = 0;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL) < 0) {
		fprintf(stderr, "merge-base: cannot open the repository\n");
		return 128;
	}
	if (!libgit2)
		g = orch_commit_graph_open_repo(repo);
	if (graph_only && !g)
		rc = 1;
	while (!rc && fgets(line, sizeof(line), stdin))
		rc = one_line(repo, g, graph_only, line);
	fflush(stdout);
	orch_commit_graph_free(g);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
