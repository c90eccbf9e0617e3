/*
 * Test helper: what orch-hooks reads from a notes tree (src/notes-index.c),
 * so a test can hold it against what `git notes list` reads from the same
 * tree.
 *
 *   notes-read TREE...
 *
 * For each tree prints "TREE" and then, sorted by commit, one line per
 * commit the tree holds notes for: "COMMIT BLOB" for one note, "COMMIT
 * unreadable" for two or more (git joins those; orch-hooks trusts neither),
 * then an empty line. The three ways the product reads a tree (the whole
 * index, the lookup by path, the entries added by path) must agree; a
 * disagreement prints "mismatch: ..." and exits 1. Exits 128 on an error.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "notes-index.h"

/* The lookup by path and the entries added by path, against the index's answer. */
static int agree(git_repository *repo, const git_oid *tree, const struct orch_notes_index *idx,
		 const git_oid *annotated, size_t count)
{
	struct orch_notes_index one = ORCH_NOTES_INDEX_INIT;
	git_oid blob;
	int r = orch_notes_tree_lookup(repo, tree, annotated, &blob), ok;

	ok = count == 1 ? r == 1 && git_oid_equal(&blob, orch_notes_index_find(idx, annotated)) : r == -1;
	if (orch_notes_index_add_path(&one, repo, tree, annotated) < 0 || one.nr != count)
		ok = 0;
	orch_notes_index_release(&one);
	if (!ok)
		printf("mismatch: %s: the index counts %zu, the lookup by path says %d\n",
		       git_oid_tostr_s(annotated), count, r);
	return ok;
}

static int one_tree(git_repository *repo, const char *hex)
{
	struct orch_notes_index idx = ORCH_NOTES_INDEX_INIT;
	git_oid tree;
	size_t i, count;
	int ok = 1;

	if (git_oid_fromstr(&tree, hex) < 0 || orch_notes_index_load_tree(&idx, repo, &tree) < 0) {
		fprintf(stderr, "notes-read: cannot read tree %s\n", hex);
		return 128;
	}
	orch_notes_index_sort(&idx);
	printf("%s\n", hex);
	for (i = 0; i < idx.nr; i += count) {
		const git_oid *annotated = &idx.items[i].annotated;

		count = orch_notes_index_count(&idx, annotated);
		printf("%s ", git_oid_tostr_s(annotated));
		printf("%s\n", count == 1 ? git_oid_tostr_s(&idx.items[i].blob) : "unreadable");
		ok &= agree(repo, &tree, &idx, annotated, count);
	}
	printf("\n");
	orch_notes_index_release(&idx);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	git_repository *repo = NULL;
	int i, rc = 0, r;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL) < 0) {
		fprintf(stderr, "notes-read: cannot open the repository\n");
		return 128;
	}
	for (i = 1; i < argc && rc != 128; i++)
		if ((r = one_tree(repo, argv[i])) > rc)
			rc = r;
	fflush(stdout);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
