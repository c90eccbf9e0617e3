#ifndef ORCH_FOLD_STORE_H
#define ORCH_FOLD_STORE_H

/*
 * The trees and blobs of one tree-fold merge (src/tree-fold.c): directories
 * read from the repository or made by an earlier step (an octopus step, a
 * virtual merge base) and kept in memory when nothing is written, entries in
 * git's order, trees hashed from raw bytes. Internal to tree-fold.c.
 */
#include <git2.h>

struct ent {
	int present;
	git_filemode_t mode;
	git_oid id;
	const char *name;
};

struct mem_tree {
	git_oid id;
	struct ent *items;	/* names owned here */
	size_t nr;
};

/* One directory level as the merge reads it. */
struct dir {
	git_tree *tree;
	const struct mem_tree *mem;
};

/* A blob made here and not written: a virtual merge base's file with conflict markers. */
struct mem_blob {
	git_oid id;
	char *data;
	size_t len;
};

/* What a fold holds: the repository, and what it made without writing. */
struct fold_store {
	git_repository *repo;
	git_odb *odb;
	int write;			/* write merged objects, or keep them in memory */
	struct mem_tree **mem;		/* trees not written (octopus steps, virtual bases) */
	size_t nr_mem, alloc_mem;
	struct mem_blob *blobs;
	size_t nr_blobs, alloc_blobs;
};

static inline int fold_is_tree(const struct ent *e)
{
	return e->present && e->mode == GIT_FILEMODE_TREE;
}

static inline int fold_is_file(const struct ent *e)
{
	return e->present && (e->mode == GIT_FILEMODE_BLOB || e->mode == GIT_FILEMODE_BLOB_EXECUTABLE);
}

static inline int fold_ent_eq(const struct ent *a, const struct ent *b)
{
	if (!a->present || !b->present)
		return a->present == b->present;
	return a->mode == b->mode && git_oid_equal(&a->id, &b->id);
}

/* git's order of entries (qsort): a directory sorts as if its name ended in '/'. */
int fold_ent_order(const void *pa, const void *pb);
/* The entry `name` of a directory (absent: .present 0). */
struct ent fold_dir_find(const struct dir *d, const char *name);
size_t fold_dir_count(const struct dir *d);
/* Entry i of a directory, in git's order. */
void fold_dir_at(const struct dir *d, size_t i, struct ent *e);
/* The directory of e (empty when e is not a tree). 0, or -1 (reported). */
int fold_load_dir(struct fold_store *f, const struct ent *e, struct dir *out);
void fold_free_dir(struct dir *d);
/* Hashes (and when asked writes) one object; a blob not written is kept. 0 or -1 (libgit2's error). */
int fold_put_object(struct fold_store *f, const void *data, size_t len, git_object_t type, git_oid *out);
/* A file's content, from memory or the repository (*held to free). 0 or -1. */
int fold_read_blob(struct fold_store *f, const git_oid *id, const char **data, size_t *len, git_blob **held);
/* The tree of `items` (sorted into git's order if need be). 0, or -1 (reported). */
int fold_make_tree(struct fold_store *f, struct ent *items, size_t nr, git_oid *out);
void fold_store_release(struct fold_store *f);

#endif
