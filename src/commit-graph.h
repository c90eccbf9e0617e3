#ifndef ORCH_COMMIT_GRAPH_H
#define ORCH_COMMIT_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

/*
 * A reader for git's commit-graph file (Documentation/gitformat-commit-graph):
 * the parents, root tree, commit time and generation of every commit in it,
 * without inflating a single object. libgit2 1.5 ignores the graphs git 2.39
 * writes by default (they carry generation data), so orch-hooks reads them
 * itself.
 *
 * The file is never trusted: every chunk offset and size is checked against
 * the file on open, the OID table against its fan-out, and every position
 * read from a row against the graph. A file that fails any check, or uses
 * another hash than SHA-1, is no graph at all: the caller walks the objects.
 */
struct orch_commit_graph;

/* The commits in a graph are numbered 0 .. orch_commit_graph_nr() - 1, base layers first. */
#define ORCH_GRAPH_NO_POS UINT32_MAX

/* One row: what the graph says about a commit. */
struct orch_graph_row {
	git_oid tree;
	uint64_t time;		/* the committer time */
	uint64_t generation;	/* corrected commit date where every layer has it, else the topological level */
	uint32_t *parents;	/* positions in the graph */
	unsigned nr_parents, alloc;
};

#define ORCH_GRAPH_ROW_INIT { { { 0 } }, 0, 0, NULL, 0, 0 }

/*
 * The graph of an objects directory: objects/info/commit-graph, else the
 * split chain in objects/info/commit-graphs. NULL when there is none or it
 * is unusable.
 */
struct orch_commit_graph *orch_commit_graph_open(const char *objects_dir);
/*
 * The graph of a repository as git would pick it: its own objects
 * directory, then its alternates; NULL when core.commitGraph is false.
 */
struct orch_commit_graph *orch_commit_graph_open_repo(git_repository *repo);
/*
 * A graph from files in memory, base layer first (tests, fuzzing); the
 * buffers must outlive the graph. A chain of several layers checks that each
 * names the ones below it in its BASE chunk.
 */
struct orch_commit_graph *orch_commit_graph_from_buffers(const unsigned char *const *bufs,
							 const size_t *lens, size_t nr);
void orch_commit_graph_free(struct orch_commit_graph *g);

uint32_t orch_commit_graph_nr(const struct orch_commit_graph *g);
/* The position of commit `id`, or ORCH_GRAPH_NO_POS when the graph does not have it. */
uint32_t orch_commit_graph_find(const struct orch_commit_graph *g, const git_oid *id);
/* The id of the commit at `pos` (pos < nr). */
void orch_commit_graph_oid(const struct orch_commit_graph *g, uint32_t pos, git_oid *out);
/* The generation of the commit at `pos` alone (pos < nr): cheaper than a whole row. */
uint64_t orch_commit_graph_generation(const struct orch_commit_graph *g, uint32_t pos);
/*
 * The row of the commit at `pos`, reusing `out`'s memory; 0, or -1 when the
 * row is inconsistent (a parent out of range, an unterminated edge list, a
 * parent whose generation is not below its child's): the graph is corrupt.
 */
int orch_commit_graph_read(const struct orch_commit_graph *g, uint32_t pos, struct orch_graph_row *out);
void orch_graph_row_release(struct orch_graph_row *row);

#endif
