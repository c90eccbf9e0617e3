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

/*
 * One walk over a notes tree for every reader: the whole tree, or (with
 * `want`) only the fan-out directories that spell that commit's digits.
 * on_note sees each note's commit (hex), blob and fan-out depth; a nonzero
 * return stops the walk and is its result.
 */
struct notes_walk {
	git_repository *repo;
	const char *want;
	char *hex;	/* GIT_OID_HEXSZ + 1 bytes: the digits the levels above spelled */
	int (*on_note)(void *payload, const char *hex, const git_oid *blob, unsigned depth);
	void *payload;
};

static int walk_level(struct notes_walk *w, const git_oid *tree_id, size_t depth_hex);

/* The notes one entry stands for: itself, or all below a fan-out directory. */
static int walk_entry(struct notes_walk *w, const git_tree_entry *e, size_t depth_hex)
{
	const char *name = git_tree_entry_name(e);

	/* Most entries differ in the first digit: skip them cheaply. */
	if (w->want && hex_value(name[0]) != hex_value(w->want[depth_hex]))
		return 0;
	switch (orch_notes_entry_classify(name, (unsigned)git_tree_entry_filemode_raw(e), depth_hex, w->hex)) {
	case ORCH_NOTES_NOTE:
		if (w->want && memcmp(w->hex + depth_hex, w->want + depth_hex, GIT_OID_HEXSZ - depth_hex))
			return 0;
		return w->on_note(w->payload, w->hex, git_tree_entry_id(e), (unsigned)depth_hex / 2);
	case ORCH_NOTES_FANOUT:
		if (w->want && memcmp(w->hex + depth_hex, w->want + depth_hex, 2))
			return 0;
		return walk_level(w, git_tree_entry_id(e), depth_hex + 2);
	case ORCH_NOTES_OTHER:
		break;
	}
	return 0;
}

static int walk_level(struct notes_walk *w, const git_oid *tree_id, size_t depth_hex)
{
	git_tree *tree = NULL;
	size_t i, n;
	int ret = 0;

	if (git_tree_lookup(&tree, w->repo, tree_id) < 0)
		return -1;
	n = git_tree_entrycount(tree);
	for (i = 0; i < n && !ret; i++)
		ret = walk_entry(w, git_tree_entry_byindex(tree, i), depth_hex);
	git_tree_free(tree);
	return ret;
}

static int index_add(void *payload, const char *hex, const git_oid *blob, unsigned depth)
{
	struct orch_notes_index *idx = payload;

	ALLOC_GROW(idx->items, idx->nr + 1, idx->alloc);
	git_oid_fromstr(&idx->items[idx->nr].annotated, hex);
	git_oid_cpy(&idx->items[idx->nr].blob, blob);
	idx->items[idx->nr].depth = depth;
	idx->nr++;
	return 0;
}

/*
 * By commit; the entries of one commit (two are unreadable, but the growth
 * check joins them) by depth, then blob: one order whichever reader found them.
 */
static int entry_cmp(const void *a, const void *b)
{
	const struct orch_note_entry *x = a, *y = b;
	int c = git_oid_cmp(&x->annotated, &y->annotated);

	if (c)
		return c;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return git_oid_cmp(&x->blob, &y->blob);
}

void orch_notes_index_sort(struct orch_notes_index *idx)
{
	if (idx->nr)
		qsort(idx->items, idx->nr, sizeof(*idx->items), entry_cmp);
}

int orch_notes_index_load_tree(struct orch_notes_index *idx, git_repository *repo,
			       const git_oid *tree_id)
{
	char hex[GIT_OID_HEXSZ + 1];
	struct notes_walk w = { .repo = repo, .hex = hex, .on_note = index_add, .payload = idx };

	memset(idx, 0, sizeof(*idx));
	if (walk_level(&w, tree_id, 0) < 0) {
		orch_notes_index_release(idx);
		return -1;
	}
	/* Equal keys stay side by side: that is how duplicates are found. */
	orch_notes_index_sort(idx);
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
	const struct orch_note_entry *e = first_entry(idx, annotated), *end;
	size_t n = 0;

	if (!e)
		return 0;
	end = idx->items + idx->nr;
	while (e < end && git_oid_equal(&e->annotated, annotated))
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

int orch_notes_index_add_path(struct orch_notes_index *idx, git_repository *repo,
			      const git_oid *tree_id, const git_oid *annotated)
{
	char want[GIT_OID_HEXSZ + 1], hex[GIT_OID_HEXSZ + 1];
	struct notes_walk w = { .repo = repo, .want = want, .hex = hex, .on_note = index_add, .payload = idx };

	git_oid_tostr(want, sizeof(want), annotated);
	return walk_level(&w, tree_id, 0);
}

int orch_notes_tree_lookup(git_repository *repo, const git_oid *tree_id, const git_oid *annotated,
			   git_oid *out)
{
	struct orch_notes_index idx = ORCH_NOTES_INDEX_INIT;
	int ret = -1;

	if (orch_notes_index_add_path(&idx, repo, tree_id, annotated) < 0)
		goto done;
	if (idx.nr > 1) {
		duplicate_error(annotated);
		goto done;
	}
	if (idx.nr)
		git_oid_cpy(out, &idx.items[0].blob);
	ret = idx.nr ? 1 : 0;
done:
	orch_notes_index_release(&idx);
	return ret;
}

/* ---- what changed between two notes trees ------------------------------ */

struct changes {
	git_oid *items;
	size_t nr, max;
	struct notes_walk walk;	/* for what only one side has: every note below it */
};

/* 1 when the list is full (too many to look up one by one). */
static int change_add(void *payload, const char *hex, const git_oid *blob, unsigned depth)
{
	struct changes *c = payload;

	(void)blob;
	(void)depth;
	if (c->nr == c->max)
		return 1;
	git_oid_fromstr(&c->items[c->nr++], hex);
	return 0;
}

/* git's tree order: a directory sorts as if its name ended in '/'. */
static int entry_order(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *x = git_tree_entry_name(a), *y = git_tree_entry_name(b);
	size_t i = 0;
	int cx, cy;

	while (x[i] && x[i] == y[i])
		i++;
	cx = x[i] ? (unsigned char)x[i] : git_tree_entry_type(a) == GIT_OBJECT_TREE ? '/' : 0;
	cy = y[i] ? (unsigned char)y[i] : git_tree_entry_type(b) == GIT_OBJECT_TREE ? '/' : 0;
	return cx - cy;
}

/*
 * No name twice for one kind of entry: then an identical entry found by name
 * is the only one, and skipping the pair skips nothing the other side lacks.
 */
static int strictly_sorted(const git_tree *tree)
{
	size_t i, n = git_tree_entrycount(tree);

	for (i = 1; i < n; i++)
		if (entry_order(git_tree_entry_byindex(tree, i - 1), git_tree_entry_byindex(tree, i)) >= 0)
			return 0;
	return 1;
}

static int same_entry(const git_tree_entry *a, const git_tree_entry *b)
{
	return a && b && git_tree_entry_filemode_raw(a) == git_tree_entry_filemode_raw(b) &&
	       git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b));
}

static int is_fanout(const git_tree_entry *e, size_t depth_hex, char *hex)
{
	return e && orch_notes_entry_classify(git_tree_entry_name(e),
					      (unsigned)git_tree_entry_filemode_raw(e), depth_hex,
					      hex) == ORCH_NOTES_FANOUT;
}

static int changes_level(struct changes *c, git_repository *repo, const git_oid *old_id,
			 const git_oid *new_id, size_t depth_hex, char *hex);

/*
 * Both trees in git's order: walk them side by side, so an entry is paired
 * with the one of the same name *and* kind (a file and a directory may share
 * a name, and a lookup by name alone may find the wrong one).
 */
static int changes_pairs(struct changes *c, git_repository *repo, const git_tree *old,
			 const git_tree *new, size_t depth_hex, char *hex)
{
	size_t i = 0, j = 0, no = git_tree_entrycount(old), nn = git_tree_entrycount(new);
	int ret = 0;

	while (!ret && (i < no || j < nn)) {
		const git_tree_entry *a = i < no ? git_tree_entry_byindex(old, i) : NULL;
		const git_tree_entry *b = j < nn ? git_tree_entry_byindex(new, j) : NULL;
		int cmp = !a ? 1 : !b ? -1 : entry_order(a, b);

		if (cmp < 0) {
			ret = walk_entry(&c->walk, a, depth_hex);
			i++;
		} else if (cmp > 0) {
			ret = walk_entry(&c->walk, b, depth_hex);
			j++;
		} else {
			/* A fan-out directory on both sides: only what differs below it. */
			if (same_entry(a, b))
				;
			else if (is_fanout(a, depth_hex, hex) && is_fanout(b, depth_hex, hex))
				ret = changes_level(c, repo, git_tree_entry_id(a), git_tree_entry_id(b),
						    depth_hex + 2, hex);
			else if (!(ret = walk_entry(&c->walk, a, depth_hex)))
				ret = walk_entry(&c->walk, b, depth_hex);
			i++;
			j++;
		}
	}
	return ret;
}

static int changes_level(struct changes *c, git_repository *repo, const git_oid *old_id,
			 const git_oid *new_id, size_t depth_hex, char *hex)
{
	git_tree *old = NULL, *new = NULL;
	int ret = -1;

	if (git_oid_equal(old_id, new_id))
		return 0;
	if (git_tree_lookup(&old, repo, old_id) < 0 || git_tree_lookup(&new, repo, new_id) < 0)
		goto done;
	if (!strictly_sorted(old) || !strictly_sorted(new)) {
		ret = 1;	/* a tree git would not write: compare everything */
		goto done;
	}
	ret = changes_pairs(c, repo, old, new, depth_hex, hex);
done:
	git_tree_free(old);
	git_tree_free(new);
	return ret;
}

static int oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

int orch_notes_tree_changes(git_repository *repo, const git_oid *old_tree, const git_oid *new_tree,
			    size_t max, git_oid **out, size_t *nr)
{
	char hex[GIT_OID_HEXSZ + 1];
	struct changes c = { .items = xmalloc((max ? max : 1) * sizeof(git_oid)), .max = max };
	size_t i, kept = 0;
	int ret;

	c.walk = (struct notes_walk){ .repo = repo, .hex = hex, .on_note = change_add, .payload = &c };
	ret = old_tree ? changes_level(&c, repo, old_tree, new_tree, 0, hex) : walk_level(&c.walk, new_tree, 0);
	if (ret) {
		free(c.items);
		*out = NULL;
		*nr = 0;
		return ret;
	}
	qsort(c.items, c.nr, sizeof(*c.items), oid_cmp);
	for (i = 0; i < c.nr; i++)
		if (!kept || !git_oid_equal(&c.items[kept - 1], &c.items[i]))
			git_oid_cpy(&c.items[kept++], &c.items[i]);
	*out = c.items;
	*nr = kept;
	return 0;
}
