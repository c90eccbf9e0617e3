#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "note.h"
#include "notes-index.h"
#include "repo.h"
#include "strbuf.h"

void orch_notes_index_release(struct orch_notes_index *idx)
{
	free(idx->items);
	memset(idx, 0, sizeof(*idx));
}

static int is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* A note's path is its commit's hex id, maybe split by fanout directories ("ab/cdef..."). */
static int collect(const char *root, const git_tree_entry *entry, void *payload)
{
	struct orch_notes_index *idx = payload;
	const char *name = git_tree_entry_name(entry);
	char hex[GIT_OID_HEXSZ + 1];
	size_t n = 0, i;

	if (git_tree_entry_type(entry) == GIT_OBJECT_TREE)
		return 0;
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		return 0;
	for (i = 0; root[i]; i++) {
		if (root[i] == '/')
			continue;
		if (n == GIT_OID_HEXSZ)
			return 0;
		hex[n++] = root[i];
	}
	if (n + strlen(name) != GIT_OID_HEXSZ)
		return 0;
	memcpy(hex + n, name, strlen(name));
	hex[GIT_OID_HEXSZ] = '\0';
	if (!is_hex(hex, GIT_OID_HEXSZ))
		return 0;
	if (idx->nr == idx->alloc) {
		idx->alloc = idx->alloc ? 2 * idx->alloc : 256;
		idx->items = xrealloc(idx->items, idx->alloc * sizeof(*idx->items));
	}
	git_oid_fromstr(&idx->items[idx->nr].annotated, hex);
	git_oid_cpy(&idx->items[idx->nr].blob, git_tree_entry_id(entry));
	idx->nr++;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct orch_note_entry *x = a, *y = b;

	return git_oid_cmp(&x->annotated, &y->annotated);
}

int orch_notes_index_load(struct orch_notes_index *idx, git_repository *repo,
			  const git_commit *notes_commit)
{
	git_tree *tree = NULL;
	int ret = -1;

	memset(idx, 0, sizeof(*idx));
	if (!notes_commit)
		return 0;
	if (git_commit_tree(&tree, notes_commit) < 0) {
		orch_git_error("cannot read the tree of notes commit %s",
			       orch_short_oid(git_commit_id(notes_commit)));
		goto done;
	}
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, collect, idx) < 0) {
		orch_git_error("cannot read the notes of notes commit %s",
			       orch_short_oid(git_commit_id(notes_commit)));
		goto done;
	}
	/* Stable order for equal keys is not needed: git keeps one note per commit. */
	qsort(idx->items, idx->nr, sizeof(*idx->items), entry_cmp);
	ret = 0;
done:
	if (ret < 0)
		orch_notes_index_release(idx);
	git_tree_free(tree);
	return ret;
}

const git_oid *orch_notes_index_find(const struct orch_notes_index *idx, const git_oid *annotated)
{
	struct orch_note_entry key, *hit;

	if (!idx->nr)
		return NULL;
	git_oid_cpy(&key.annotated, annotated);
	hit = bsearch(&key, idx->items, idx->nr, sizeof(*idx->items), entry_cmp);
	return hit ? &hit->blob : NULL;
}

int orch_notes_index_text(const struct orch_notes_index *idx, git_repository *repo,
			  const git_oid *annotated, char **out, size_t *len)
{
	const git_oid *blob_id = orch_notes_index_find(idx, annotated);
	git_blob *blob = NULL;
	size_t n;

	*out = NULL;
	*len = 0;
	if (!blob_id)
		return 0;
	if (git_blob_lookup(&blob, repo, blob_id) < 0)
		return -1;
	n = (size_t)git_blob_rawsize(blob);
	if (n > ORCH_NOTE_MAX_SIZE) {
		git_blob_free(blob);
		git_error_set_str(GIT_ERROR_INVALID, "the note is larger than 1 MiB");
		return -1;
	}
	*out = xmalloc(n + 1);
	memcpy(*out, git_blob_rawcontent(blob), n);
	(*out)[n] = '\0';
	*len = n;
	git_blob_free(blob);
	return 1;
}
