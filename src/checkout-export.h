#ifndef ORCH_CHECKOUT_EXPORT_H
#define ORCH_CHECKOUT_EXPORT_H

#include <git2.h>

#include "strbuf.h"

/*
 * A disposable copy of a commit's tree for a reviewer: written straight from
 * the object database (raw blob contents, no filters), so the repository,
 * its index and its list of worktrees are never touched. Files are created
 * relative to directory descriptors and never through a symlink, so a
 * hostile tree cannot write outside `dir`.
 */

/* Writes `tree` into the existing empty directory `dir`, read-only. */
int orch_tree_export(git_repository *repo, git_tree *tree, const char *dir);

/*
 * Compares `dir` with `tree`: appends what differs ("modified 'a.c'",
 * "new file 'b'", ...) to `out`. Returns the number of differences, or -1
 * on an error (reported).
 */
int orch_tree_verify(git_repository *repo, git_tree *tree, const char *dir, struct strbuf *out);

/*
 * Writes `commit`'s files into the existing directory `dir` as git's checkout
 * would (filters applied, writable), through a private index: a place to run
 * tests. The repository, its index and its work tree are never touched.
 */
int orch_commit_check_out_to(git_repository *repo, const git_oid *commit, const char *dir);

/* rm -rf for a directory we made, read-only parts included; never follows symlinks. */
int orch_remove_dir(const char *path);

#endif
