#ifndef ORCH_COMMIT_HEAD_H
#define ORCH_COMMIT_HEAD_H

#include <stddef.h>

#include <git2.h>

/*
 * The tree and parents of a commit, read from the raw object without
 * parsing the rest (signatures, message) the way git_commit_lookup does:
 * the server gate reads every commit of a push, and that parse was most of
 * its time.
 */
struct orch_commit_head {
	git_oid id;
	git_oid tree;
	git_oid *parents;
	unsigned nr_parents;
	unsigned alloc;
};

#define ORCH_COMMIT_HEAD_INIT { { { 0 } }, { { 0 } }, NULL, 0, 0 }

/* The tree and parents of a raw commit object; 0, or -1 with libgit2's error set. */
int orch_commit_head_parse(struct orch_commit_head *h, const char *data, size_t len);
/* Reads and parses commit `id`, reusing the memory of `h`; 0 or -1 (libgit2's error set). */
int orch_commit_head_read(struct orch_commit_head *h, git_odb *odb, const git_oid *id);
void orch_commit_head_release(struct orch_commit_head *h);

#endif
