#ifndef ORCH_REF_MOVES_H
#define ORCH_REF_MOVES_H

#include <sys/types.h>

#include <git2.h>

#include "strbuf.h"

/*
 * Who moved the repository's refs while an unsandboxed reviewer ran.
 * Other workers commit, fetch, branch and add worktrees meanwhile, and all
 * of that moves refs through git, which appends to the ref's reflog first.
 * So a ref may move during a review only with a reflog entry that reaches
 * its new value, written under an identity that is not the reviewer's
 * (the reviewer runs with an identity of its own, ORCH_REVIEWER_EMAIL).
 * A move under the reviewer's identity, or one no reflog entry explains
 * (a ref file written behind git's back), is the reviewer's. The HEAD of
 * every work tree counts as a ref (its own reflog, in its git directory).
 */
struct orch_ref_move_item {
	char *name;	/* "refs/heads/x", or "HEAD of /path/to/gitdir/" */
	char *value;	/* oid, or "-> refs/heads/x" for a symbolic HEAD */
	char *log;	/* the reflog file */
	off_t log_size;	/* its size, -1 when absent */
};

struct orch_ref_moves {
	struct orch_ref_move_item *items;
	size_t nr, alloc;
	int log_all;	/* core.logAllRefUpdates: 0 off, 1 the usual namespaces, 2 always */
};

#define ORCH_REF_MOVES_INIT { .items = NULL }

int orch_ref_moves_take(git_repository *repo, struct orch_ref_moves *out);
void orch_ref_moves_release(struct orch_ref_moves *m);

/*
 * Compares `before` with the refs as they are now. Appends to `out` each
 * move that is the reviewer's (`email`: its identity) or unexplained, and
 * each protected branch that was deleted (is_protected(name) says which);
 * returns how many, or -1 (reported) on error.
 */
int orch_ref_moves_judge(git_repository *repo, const struct orch_ref_moves *before, const char *email,
			 int (*is_protected)(const void *ctx, const char *ref), const void *ctx,
			 struct strbuf *out);

#endif
