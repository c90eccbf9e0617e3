#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "note.h"
#include "notes-index.h"
#include "repo.h"
#include "strbuf.h"

/* git's hexval(): both cases, -1 for anything else. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Copies n hex digits lower-cased; 0, or -1 when one is not a hex digit. */
static int copy_hex(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int v = hex_value(src[i]);

		if (v < 0)
			return -1;
		dst[i] = "0123456789abcdef"[v];
	}
	return 0;
}

enum orch_notes_entry orch_notes_entry_classify(const char *name, unsigned mode, size_t depth_hex,
						char *hex)
{
	size_t len = strlen(name), rest;

	if (depth_hex >= GIT_OID_HEXSZ || depth_hex % 2)
		return ORCH_NOTES_OTHER;
	rest = GIT_OID_HEXSZ - depth_hex;
	/* git tests the note case first: at depth 38 a two-digit name is a note or nothing. */
	if (len == rest) {
		if ((mode & S_IFMT) != S_IFREG || copy_hex(hex + depth_hex, name, len) < 0)
			return ORCH_NOTES_OTHER;
		hex[GIT_OID_HEXSZ] = '\0';
		return ORCH_NOTES_NOTE;
	}
	if (len == 2) {
		if ((mode & S_IFMT) != S_IFDIR || copy_hex(hex + depth_hex, name, 2) < 0)
			return ORCH_NOTES_OTHER;
		return ORCH_NOTES_FANOUT;
	}
	return ORCH_NOTES_OTHER;
}

void orch_notes_index_release(struct orch_notes_index *idx)
{
	free(idx->items);
	memset(idx, 0, sizeof(*idx));
}

static void index_add(struct orch_notes_index *idx, const char *hex, const git_oid *blob,
		      unsigned depth)
{
	if (idx->nr == idx->alloc) {
		idx->alloc = idx->alloc ? 2 * idx->alloc : 256;
		idx->items = xrealloc(idx->items, idx->alloc * sizeof(*idx->items));
	}
	git_oid_fromstr(&idx->items[idx->nr].annotated, hex);
	git_oid_cpy(&idx->items[idx->nr].blob, blob);
	idx->items[idx->nr].depth = depth;
	idx->nr++;
}

/* One level of the notes tree; `hex` holds the digits the levels above spelled. */
static int load_level(struct orch_notes_index *idx, git_repository *repo, const git_oid *tree_id,
		      size_t depth_hex, char *hex)
{
	git_tree *tree = NULL;
	size_t i, n;
	int ret = 0;

	if (git_tree_lookup(&tree, repo, tree_id) < 0)
		return -1;
	n = git_tree_entrycount(tree);
	for (i = 0; i < n && !ret; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		unsigned mode = (unsigned)git_tree_entry_filemode_raw(e);

		switch (orch_notes_entry_classify(git_tree_entry_name(e), mode, depth_hex, hex)) {
		case ORCH_NOTES_NOTE:
			index_add(idx, hex, git_tree_entry_id(e), (unsigned)depth_hex / 2);
			break;
		case ORCH_NOTES_FANOUT:
			ret = load_level(idx, repo, git_tree_entry_id(e), depth_hex + 2, hex);
			break;
		case ORCH_NOTES_OTHER:
			break;
		}
	}
	git_tree_free(tree);
	return ret;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct orch_note_entry *x = a, *y = b;

	return git_oid_cmp(&x->annotated, &y->annotated);
}

int orch_notes_index_load_tree(struct orch_notes_index *idx, git_repository *repo,
			       const git_oid *tree_id)
{
	char hex[GIT_OID_HEXSZ + 1];

	memset(idx, 0, sizeof(*idx));
	if (load_level(idx, repo, tree_id, 0, hex) < 0) {
		orch_notes_index_release(idx);
		return -1;
	}
	/* Equal keys stay side by side: that is how duplicates are found. */
	if (idx->nr)
		qsort(idx->items, idx->nr, sizeof(*idx->items), entry_cmp);
	return 0;
}

int orch_notes_index_load(struct orch_notes_index *idx, git_repository *repo,
			  const git_commit *notes_commit)
{
	memset(idx, 0, sizeof(*idx));
	if (!notes_commit)
		return 0;
	if (orch_notes_index_load_tree(idx, repo, git_commit_tree_id(notes_commit)) < 0)
		return orch_git_error("cannot read the notes of notes commit %s",
				      orch_short_oid(git_commit_id(notes_commit)));
	return 0;
}

/* The first entry for `annotated`, or NULL. */
static const struct orch_note_entry *first_entry(const struct orch_notes_index *idx,
						 const git_oid *annotated)
{
	size_t lo = 0, hi = idx->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (git_oid_cmp(&idx->items[mid].annotated, annotated) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < idx->nr && git_oid_equal(&idx->items[lo].annotated, annotated))
		return &idx->items[lo];
	return NULL;
}

const git_oid *orch_notes_index_find(const struct orch_notes_index *idx, const git_oid *annotated)
{
	const struct orch_note_entry *e = first_entry(idx, annotated);

	return e ? &e->blob : NULL;
}

size_t orch_notes_index_count(const struct orch_notes_index *idx, const git_oid *annotated)
{
	const struct orch_note_entry *e = first_entry(idx, annotated), *end = idx->items + idx->nr;
	size_t n = 0;

	while (e && e < end && git_oid_equal(&e->annotated, annotated))
		e++, n++;
	return n;
}

static int duplicate_error(const git_oid *annotated)
{
	char hex[GIT_OID_HEXSZ + 1];

	orch_git_error_set("the notes tree holds two notes for commit %s (two of its entries name it): "
			   "git shows them joined, so neither counts; rewrite them as one note",
			   git_oid_tostr(hex, sizeof(hex), annotated));
	return -1;
}

int orch_note_blob_text(git_repository *repo, const git_oid *blob_id, char **out, size_t *len)
{
	git_odb *odb = NULL;
	git_blob *blob = NULL;
	git_object_t type;
	size_t n;
	int ret = -1;

	*out = NULL;
	*len = 0;
	/* The size first: a huge note is refused without loading it. */
	if (git_repository_odb(&odb, repo) < 0)
		return -1;
	if (git_odb_read_header(&n, &type, odb, blob_id) < 0) {
		orch_git_error_set("the note %s cannot be read, a corrupt repository? %s",
				   orch_short_oid(blob_id), orch_git_error_text());
		goto done;
	}
	if (type != GIT_OBJECT_BLOB) {
		orch_git_error_set("the note %s is a %s, not a blob",
				   orch_short_oid(blob_id), git_object_type2string(type));
		goto done;
	}
	if (n > ORCH_NOTE_MAX_SIZE) {
		orch_git_error_set("the note is larger than 1 MiB: %zu bytes", n);
		goto done;
	}
	if (git_blob_lookup(&blob, repo, blob_id) < 0)
		goto done;
	n = (size_t)git_blob_rawsize(blob);
	*out = xmalloc(n + 1);
	memcpy(*out, git_blob_rawcontent(blob), n);
	(*out)[n] = '\0';
	*len = n;
	ret = 0;
done:
	git_blob_free(blob);
	git_odb_free(odb);
	return ret;
}

int orch_notes_index_text(const struct orch_notes_index *idx, git_repository *repo,
			  const git_oid *annotated, char **out, size_t *len)
{
	const git_oid *blob_id = orch_notes_index_find(idx, annotated);

	*out = NULL;
	*len = 0;
	if (!blob_id)
		return 0;
	if (orch_notes_index_count(idx, annotated) > 1)
		return duplicate_error(annotated);
	return orch_note_blob_text(repo, blob_id, out, len) < 0 ? -1 : 1;
}

/* Every entry for `want` at this level and below: counts them, keeps the last blob. */
static int lookup_level(git_repository *repo, const git_oid *tree_id, const char *want,
			size_t depth_hex, char *hex, size_t *found, git_oid *out)
{
	git_tree *tree = NULL;
	size_t i, n;
	int ret = 0;

	if (git_tree_lookup(&tree, repo, tree_id) < 0)
		return -1;
	n = git_tree_entrycount(tree);
	for (i = 0; i < n && !ret; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);

		/* Most entries differ in the first digit: skip them cheaply. */
		if (hex_value(name[0]) != hex_value(want[depth_hex]))
			continue;
		switch (orch_notes_entry_classify(name, (unsigned)git_tree_entry_filemode_raw(e),
						  depth_hex, hex)) {
		case ORCH_NOTES_NOTE:
			if (!memcmp(hex + depth_hex, want + depth_hex, GIT_OID_HEXSZ - depth_hex)) {
				git_oid_cpy(out, git_tree_entry_id(e));
				(*found)++;
			}
			break;
		case ORCH_NOTES_FANOUT:
			if (!memcmp(hex + depth_hex, want + depth_hex, 2))
				ret = lookup_level(repo, git_tree_entry_id(e), want, depth_hex + 2, hex,
						   found, out);
			break;
		case ORCH_NOTES_OTHER:
			break;
		}
	}
	git_tree_free(tree);
	return ret;
}

int orch_notes_tree_lookup(git_repository *repo, const git_oid *tree_id, const git_oid *annotated,
			   git_oid *out)
{
	char want[GIT_OID_HEXSZ + 1], hex[GIT_OID_HEXSZ + 1];
	size_t found = 0;

	git_oid_tostr(want, sizeof(want), annotated);
	if (lookup_level(repo, tree_id, want, 0, hex, &found, out) < 0)
		return -1;
	if (found > 1)
		return duplicate_error(annotated);
	return found ? 1 : 0;
}
