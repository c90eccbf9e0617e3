/*
 * libFuzzer target: the notes-tree reader (src/notes-index.c) against a
 * model of how git reads notes trees (notes.c, load_subtree). The input
 * builds a tree of up to four levels in an in-memory repository, written
 * as raw tree objects, so any mode and any name can be tried: the fan-out
 * layouts git reads, odd splits, symlinks, gitlinks, upper-case and non-hex
 * names, two entries for one commit. Invariants:
 *  - the index lists exactly the notes the model finds (commit, blob);
 *  - each commit's count matches, and a single lookup agrees: its blob for
 *    one entry, "unreadable" for two or more, "none" for none;
 *  - the entries found by path are the index's, in the same order;
 *  - between that tree and a second one the rest of the input builds, every
 *    commit whose entries differ is among the changes the reader lists.
 * The model works on whole paths; the reader works level by level on what
 * libgit2 parsed back: two formulations of the rule that must agree.
 * t/t5625 holds the same reader against git itself (`git notes list`) on
 * random trees, so the model cannot drift from git unnoticed.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/repository.h>

#include "notes-index.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The commits notes are written for: two share their first two digits. */
static const char *const targets[] = {
	"0123456789abcdef0123456789abcdef01234567",
	"01ffffffffffffffffffffffffffffffffffffff",
	"abcdefabcdefabcdefabcdefabcdefabcdefabcd",
	"ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00",
};
#define NR_TARGETS 4

static const unsigned modes[] = {
	0100644, 0100755, 0120000, 0160000, 0040000, 0100664, 0100000, 0040000,
};

struct input {
	const uint8_t *p;
	size_t n;
};

static unsigned next(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* What the model found: one row per note entry. */
struct found {
	char hex[41];
	git_oid blob;
};

struct model {
	struct found items[256];
	size_t nr;
};

static int is_hex_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	return 1;
}

/*
 * git's rule on a whole path: every directory a two-digit hex name (and
 * none at depth 38, where two digits name the note), the file regular and
 * named by exactly the digits left.
 */
static void model_leaf(struct model *m, const char *path, const unsigned *dir_modes, size_t depth,
		       const char *name, unsigned mode, const git_oid *blob)
{
	size_t i, len = strlen(name);
	char hex[41];

	if ((mode & S_IFMT) != S_IFREG || 2 * depth + len != 40 || !is_hex_name(name, len))
		return;
	for (i = 0; i < depth; i++) {
		if (!is_hex_name(path + 2 * i, 2) || (dir_modes[i] & S_IFMT) != S_IFDIR || 2 * i >= 38)
			return;
	}
	memcpy(hex, path, 2 * depth);
	memcpy(hex + 2 * depth, name, len);
	hex[40] = '\0';
	for (i = 0; i < 40; i++)
		if (hex[i] >= 'A' && hex[i] <= 'F')
			hex[i] = (char)(hex[i] - 'A' + 'a');
	if (m->nr < sizeof(m->items) / sizeof(*m->items)) {
		memcpy(m->items[m->nr].hex, hex, 41);
		git_oid_cpy(&m->items[m->nr].blob, blob);
		m->nr++;
	}
}

/* A name for an entry at `depth`: mostly the digits git looks for, sometimes anything. */
static void make_name(struct input *in, size_t depth, char *name, size_t cap)
{
	const char *t = targets[next(in) % NR_TARGETS];
	unsigned kind = next(in) % 6, i, n;

	switch (kind) {
	case 0: /* the rest of the id: a note here */
		snprintf(name, cap, "%s", t + (2 * depth < 40 ? 2 * depth : 40));
		break;
	case 1: /* the next two digits: a fan-out */
		snprintf(name, cap, "%.2s", t + (2 * depth < 38 ? 2 * depth : 38));
		break;
	case 2: /* an odd split */
		snprintf(name, cap, "%.3s", t + (2 * depth < 37 ? 2 * depth : 37));
		break;
	case 3: /* upper case */
		snprintf(name, cap, "%s", t + (2 * depth < 40 ? 2 * depth : 40));
		for (i = 0; name[i]; i++)
			if (name[i] >= 'a' && name[i] <= 'f' && (next(in) & 1))
				name[i] = (char)(name[i] - 'a' + 'A');
		break;
	default: /* anything without NUL or '/' */
		n = next(in) % 44;
		for (i = 0; i < n && i + 1 < cap; i++)
			name[i] = "0123456789abcdefABCDEFgz.-"[next(in) % 26];
		name[i] = '\0';
		if (!n)
			snprintf(name, cap, "x");
	}
}

/* Writes one tree from the input; records what the model sees below `path`. */
static int build(git_odb *odb, struct input *in, size_t depth, char *path, unsigned *dir_modes,
		 struct model *m, git_oid *out)
{
	struct strbuf raw = STRBUF_INIT;
	unsigned count = next(in) % 6, i;
	int ret = -1;

	for (i = 0; i < count; i++) {
		unsigned mode = modes[next(in) % 8];
		char name[64];
		git_oid id;

		make_name(in, depth, name, sizeof(name));
		if ((mode & S_IFMT) == S_IFDIR && depth < 3) {
			memcpy(path + 2 * depth, name, 2); /* only two-digit names matter to the model */
			if (strlen(name) != 2)
				memcpy(path + 2 * depth, "zz", 2);
			dir_modes[depth] = mode;
			if (build(odb, in, depth + 1, path, dir_modes, m, &id) < 0)
				goto done;
		} else {
			unsigned char raw_id[GIT_OID_RAWSZ] = { 0 };

			raw_id[0] = (unsigned char)next(in);
			raw_id[1] = (unsigned char)i;
			raw_id[2] = (unsigned char)depth;
			git_oid_fromraw(&id, raw_id);
			if ((mode & S_IFMT) == S_IFDIR)
				mode = 0100644;
			model_leaf(m, path, dir_modes, depth, name, mode, &id);
		}
		strbuf_addf(&raw, "%o %s", mode, name);
		strbuf_addch(&raw, '\0');
		strbuf_add(&raw, (const char *)id.id, GIT_OID_RAWSZ);
	}
	ret = git_odb_write(out, odb, raw.buf, raw.len, GIT_OBJECT_TREE);
done:
	strbuf_release(&raw);
	return ret;
}

static size_t model_count(const struct model *m, const char *hex, const git_oid **blob)
{
	size_t i, n = 0;

	for (i = 0; i < m->nr; i++) {
		if (!strcmp(m->items[i].hex, hex)) {
			*blob = &m->items[i].blob;
			n++;
		}
	}
	return n;
}

/* The entries found by path are the index's for that commit, in the same order. */
static void check_by_path(git_repository *repo, const git_oid *root, const struct orch_notes_index *idx,
			  const git_oid *id)
{
	struct orch_notes_index path = ORCH_NOTES_INDEX_INIT;
	size_t i, at = 0;

	if (orch_notes_index_add_path(&path, repo, root, id) < 0)
		abort();
	orch_notes_index_sort(&path);
	while (at < idx->nr && git_oid_cmp(&idx->items[at].annotated, id) < 0)
		at++;
	if (path.nr != orch_notes_index_count(idx, id))
		abort();
	for (i = 0; i < path.nr; i++)
		if (!git_oid_equal(&path.items[i].blob, &idx->items[at + i].blob) ||
		    path.items[i].depth != idx->items[at + i].depth)
			abort();
	orch_notes_index_release(&path);
}

/* The entries of `id` in a, compared with b's: 1 when they differ. */
static int differ(const struct orch_notes_index *a, const struct orch_notes_index *b, const git_oid *id)
{
	size_t i = 0, j = 0, n = orch_notes_index_count(a, id), k;

	if (n != orch_notes_index_count(b, id))
		return 1;
	while (i < a->nr && git_oid_cmp(&a->items[i].annotated, id) < 0)
		i++;
	while (j < b->nr && git_oid_cmp(&b->items[j].annotated, id) < 0)
		j++;
	for (k = 0; k < n; k++)
		if (!git_oid_equal(&a->items[i + k].blob, &b->items[j + k].blob))
			return 1;
	return 0;
}

static int listed(const git_oid *ids, size_t nr, const git_oid *id)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (git_oid_equal(&ids[i], id))
			return 1;
	return 0;
}

/*
 * Every commit whose entries differ between two trees is among the changes
 * (unless the reader gave up and asked for whole indexes).
 */
static void check_changes(git_repository *repo, const git_oid *old_root, const git_oid *new_root)
{
	struct orch_notes_index old = ORCH_NOTES_INDEX_INIT, new = ORCH_NOTES_INDEX_INIT;
	git_oid *ids = NULL;
	size_t nr = 0, i;
	int r;

	if (orch_notes_index_load_tree(&old, repo, old_root) < 0 ||
	    orch_notes_index_load_tree(&new, repo, new_root) < 0)
		abort();
	r = orch_notes_tree_changes(repo, old_root, new_root, 64, &ids, &nr);
	if (r < 0)
		abort();
	for (i = 0; r == 0 && i < old.nr; i++)
		if (differ(&old, &new, &old.items[i].annotated) && !listed(ids, nr, &old.items[i].annotated))
			abort();
	for (i = 0; r == 0 && i < new.nr; i++)
		if (differ(&old, &new, &new.items[i].annotated) && !listed(ids, nr, &new.items[i].annotated))
			abort();
	free(ids);
	orch_notes_index_release(&old);
	orch_notes_index_release(&new);
}

static void check(git_repository *repo, const git_oid *root, const struct model *m)
{
	struct orch_notes_index idx = ORCH_NOTES_INDEX_INIT;
	size_t i;

	if (orch_notes_index_load_tree(&idx, repo, root) < 0 || idx.nr != m->nr)
		abort();
	for (i = 0; i < idx.nr; i++) {
		char hex[41];
		const git_oid *blob = NULL;
		size_t n = model_count(m, git_oid_tostr(hex, sizeof(hex), &idx.items[i].annotated), &blob);

		if (!n || orch_notes_index_count(&idx, &idx.items[i].annotated) != n)
			abort();
		if (i && git_oid_cmp(&idx.items[i - 1].annotated, &idx.items[i].annotated) > 0)
			abort();
	}
	for (i = 0; i < NR_TARGETS; i++) {
		const git_oid *blob = NULL;
		size_t n = model_count(m, targets[i], &blob);
		git_oid id, got;
		int r;

		git_oid_fromstr(&id, targets[i]);
		r = orch_notes_tree_lookup(repo, root, &id, &got);
		if (n == 0 && (r != 0 || orch_notes_index_find(&idx, &id)))
			abort();
		if (n == 1 && (r != 1 || !git_oid_equal(&got, blob) ||
			       !git_oid_equal(orch_notes_index_find(&idx, &id), blob)))
			abort();
		if (n > 1 && r != -1)
			abort();
		check_by_path(repo, root, &idx, &id);
	}
	orch_notes_index_release(&idx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static git_repository *repo;
	static git_odb *odb;
	static git_odb_backend *mempack;
	struct input in = { data, size };
	struct model m;
	char path[8] = "zzzzzz";
	unsigned dir_modes[4] = { 0 };
	git_oid root, pushed;

	if (!repo) {
		git_libgit2_init();
		if (git_repository_new(&repo) < 0 || git_odb_new(&odb) < 0 ||
		    git_mempack_new(&mempack) < 0 || git_odb_add_backend(odb, mempack, 1) < 0)
			abort();
		git_repository_set_odb(repo, odb);
	}
	memset(&m, 0, sizeof(m));
	if (build(odb, &in, 0, path, dir_modes, &m, &root) < 0)
		abort();
	check(repo, &root, &m);
	/* The rest of the input, if any, is the tree a push turns it into. */
	memset(&m, 0, sizeof(m));
	if (build(odb, &in, 0, path, dir_modes, &m, &pushed) < 0)
		abort();
	check_changes(repo, &root, &pushed);
	git_mempack_reset(mempack);
	return 0;
}
