#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "notes-write.h"
#include "strbuf.h"

#define MAX_NOTES 32	/* one bit each in a mask */
#define MESSAGE "Notes added by orch-hooks\n"
#define REFLOG "notes: Notes added by orch-hooks"

struct put {
	git_repository *repo;
	const char (*hex)[GIT_OID_HEXSZ + 1];
	const git_oid *blobs;
	size_t n;
};

/*
 * The notes in `todo` (bits) put into `tree` (NULL: an empty one), whose
 * entries are named from hex digit `depth` on; the new tree's id in *out.
 * As libgit2 does: a note goes down into an existing fan-out directory named
 * by its next two digits, else it is (or replaces) an entry at this level.
 */
static int put_in_tree(const struct put *p, const git_tree *tree, unsigned long todo, size_t depth,
		       git_oid *out)
{
	git_treebuilder *tb = NULL;
	size_t i, j;
	int ret = -1;

	if (git_treebuilder_new(&tb, p->repo, tree) < 0)
		return -1;
	for (i = 0; i < p->n; i++) {
		const char *rest = p->hex[i] + depth;
		const git_tree_entry *dir = NULL;
		unsigned long group = 0;
		git_tree *sub = NULL;
		git_oid sub_id;
		char name[3];
		int r;

		if (!(todo & (1ul << i)))
			continue;
		memcpy(name, rest, 2);
		name[2] = '\0';
		if (tree && strlen(rest) > 2)
			dir = git_tree_entry_byname(tree, name);
		if (!dir || git_tree_entry_type(dir) != GIT_OBJECT_TREE) {
			if (git_treebuilder_insert(NULL, tb, rest, &p->blobs[i], GIT_FILEMODE_BLOB) < 0)
				goto done;
			continue;
		}
		/* Every note this directory takes goes down in one go: one new subtree. */
		for (j = i; j < p->n; j++)
			if ((todo & (1ul << j)) && !strncmp(p->hex[j] + depth, name, 2))
				group |= 1ul << j;
		todo &= ~group;
		if (git_tree_lookup(&sub, p->repo, git_tree_entry_id(dir)) < 0)
			goto done;
		r = put_in_tree(p, sub, group, depth + 2, &sub_id);
		git_tree_free(sub);
		if (r < 0 || git_treebuilder_insert(NULL, tb, name, &sub_id, GIT_FILEMODE_TREE) < 0)
			goto done;
	}
	ret = git_treebuilder_write(out, tb);
done:
	git_treebuilder_free(tb);
	return ret;
}

/* The ref to the new notes commit if it is still at parent: 0, 1 when it moved, -1. */
static int move_ref(git_repository *repo, const char *ref, const git_commit *parent, const git_oid *id,
		    const git_signature *sig)
{
	git_reference *moved = NULL;
	int r;

	/*
	 * The reflog entry names the notes commit's committer, as git's own
	 * would (libgit2 would otherwise read the configuration again for it).
	 */
	if (git_repository_set_ident(repo, sig->name, sig->email) < 0)
		return -1;
	r = parent ? git_reference_create_matching(&moved, repo, ref, id, 1, git_commit_id(parent), REFLOG)
		   : git_reference_create(&moved, repo, ref, id, 0, REFLOG);
	git_repository_set_ident(repo, NULL, NULL);
	git_reference_free(moved);
	if (r == GIT_EMODIFIED || r == GIT_EEXISTS || (parent && r == GIT_ENOTFOUND))
		return 1;
	return r < 0 ? -1 : 0;
}

int orch_notes_write(git_repository *repo, const char *ref, const git_commit *parent,
		     const git_signature *sig, const struct orch_note_put *notes, size_t n)
{
	char (*hex)[GIT_OID_HEXSZ + 1] = NULL;
	git_oid *blobs = NULL, tree_id, commit_id;
	git_tree *tree = NULL, *new_tree = NULL;
	struct put p;
	size_t i;
	int ret = -1;

	if (!n || n > MAX_NOTES) {
		git_error_set_str(GIT_ERROR_INVALID, "internal error: too many notes in one commit");
		return -1;
	}
	hex = xcalloc(n, sizeof(*hex));
	blobs = xcalloc(n, sizeof(*blobs));
	for (i = 0; i < n; i++) {
		git_oid_tostr(hex[i], sizeof(hex[i]), notes[i].id);
		if (i && !strcmp(notes[i].text, notes[i - 1].text))
			git_oid_cpy(&blobs[i], &blobs[i - 1]);
		else if (git_blob_create_from_buffer(&blobs[i], repo, notes[i].text, strlen(notes[i].text)) < 0)
			goto done;
	}
	p = (struct put){ .repo = repo, .hex = (const char (*)[GIT_OID_HEXSZ + 1])hex, .blobs = blobs, .n = n };
	if ((parent && git_commit_tree(&tree, parent) < 0) ||
	    put_in_tree(&p, tree, n == MAX_NOTES ? ~0ul : (1ul << n) - 1, 0, &tree_id) < 0 ||
	    git_tree_lookup(&new_tree, repo, &tree_id) < 0 ||
	    git_commit_create(&commit_id, repo, NULL, sig, sig, NULL, MESSAGE, new_tree, parent ? 1 : 0,
			      &parent) < 0)
		goto done;
	ret = move_ref(repo, ref, parent, &commit_id, sig);
done:
	git_tree_free(new_tree);
	git_tree_free(tree);
	free(blobs);
	free(hex);
	return ret;
}
