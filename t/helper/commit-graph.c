/*
 * Test helper: what orch-hooks reads from a repository's commit-graph, so a
 * test can hold it against git's own view of the commits.
 *
 *   commit-graph GIT_DIR
 *
 * Prints one line per commit of the graph, in graph order:
 * "<commit> <tree> <commit time> [<parent>...]", the graph that git would
 * pick (the objects directory, then its alternates). Exits 0; 1 when there
 * is no usable graph; 2 when a row is inconsistent; 128 on an error.
 */
#include "config.h"

#include <stdio.h>

#include "commit-graph.h"

int main(int argc, char **argv)
{
	struct orch_graph_row row = ORCH_GRAPH_ROW_INIT;
	struct orch_commit_graph *g;
	git_repository *repo = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid;
	uint32_t pos, nr;
	unsigned i;
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: commit-graph GIT_DIR\n");
		return 129;
	}
	git_libgit2_init();
	if (git_repository_open_bare(&repo, argv[1]) < 0) {
		fprintf(stderr, "commit-graph: cannot open '%s'\n", argv[1]);
		return 128;
	}
	g = orch_commit_graph_open_repo(repo);
	if (!g) {
		git_repository_free(repo);
		return 1;
	}
	nr = orch_commit_graph_nr(g);
	for (pos = 0; pos < nr && !ret; pos++) {
		if (orch_commit_graph_read(g, pos, &row) < 0) {
			ret = 2;
			break;
		}
		orch_commit_graph_oid(g, pos, &oid);
		printf("%s", git_oid_tostr(hex, sizeof(hex), &oid));
		printf(" %s %llu", git_oid_tostr(hex, sizeof(hex), &row.tree), (unsigned long long)row.time);
		for (i = 0; i < row.nr_parents; i++) {
			orch_commit_graph_oid(g, row.parents[i], &oid);
			printf(" %s", git_oid_tostr(hex, sizeof(hex), &oid));
		}
		printf("\n");
	}
	orch_graph_row_release(&row);
	orch_commit_graph_free(g);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return ret;
}
