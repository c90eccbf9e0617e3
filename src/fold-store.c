#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fold-store.h"
#include "repo.h"
#include "strbuf.h"

struct ent fold_dir_find(const struct dir *d, const char *name)
{
	struct ent e = { .present = 0 };
	size_t i;

	if (d->tree) {
		const git_tree_entry *te = git_tree_entry_byname(d->tree, name);

		if (te) {
			e.present = 1;
			e.mode = git_tree_entry_filemode(te);
			git_oid_cpy(&e.id, git_tree_entry_id(te));
			e.name = git_tree_entry_name(te);
		}
	} else if (d->mem) {
		for (i = 0; i < d->mem->nr; i++)
			if (!strcmp(d->mem->items[i].name, name))
				return d->mem->items[i];
	}
	return e;
}

size_t fold_dir_count(const struct dir *d)
{
	return d->tree ? git_tree_entrycount(d->tree) : d->mem ? d->mem->nr : 0;
}

/* Entry i of a directory, in git's order. */
void fold_dir_at(const struct dir *d, size_t i, struct ent *e)
{
	if (d->tree) {
		const git_tree_entry *te = git_tree_entry_byindex(d->tree, i);

		e->present = 1;
		e->mode = git_tree_entry_filemode(te);
		git_oid_cpy(&e->id, git_tree_entry_id(te));
		e->name = git_tree_entry_name(te);
	} else {
		*e = d->mem->items[i];
	}
}

int fold_load_dir(struct fold_store *f, const struct ent *e, struct dir *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!fold_is_tree(e))
		return 0;
	for (i = 0; i < f->nr_mem; i++) {
		if (git_oid_equal(&f->mem[i]->id, &e->id)) {
			out->mem = f->mem[i];
			return 0;
		}
	}
	if (git_tree_lookup(&out->tree, f->repo, &e->id) < 0)
		return orch_git_error("cannot read tree %s", orch_short_oid(&e->id));
	return 0;
}

void fold_free_dir(struct dir *d)
{
	git_tree_free(d->tree);
	memset(d, 0, sizeof(*d));
}

/* git's order: a directory sorts as if its name ended in '/'. */
int fold_ent_order(const void *pa, const void *pb)
{
	const struct ent *a = pa, *b = pb;
	size_t la = strlen(a->name), lb = strlen(b->name), n = la < lb ? la : lb;
	int c = memcmp(a->name, b->name, n);
	unsigned char ca, cb;

	if (c)
		return c;
	ca = la > n ? (unsigned char)a->name[n] : fold_is_tree(a) ? '/' : 0;
	cb = lb > n ? (unsigned char)b->name[n] : fold_is_tree(b) ? '/' : 0;
	return (int)ca - (int)cb;
}

/*
 * Hashes (and, when asked, writes) one object. A blob not written is kept
 * in memory: a later step (of an octopus, or over a virtual merge base) may
 * merge it again.
 */
int fold_put_object(struct fold_store *f, const void *data, size_t len, git_object_t type, git_oid *out)
{
	struct mem_blob *b;

	if (f->write)
		return git_odb_write(out, f->odb, data, len, type);
	if (git_odb_hash(out, data, len, type) < 0)
		return -1;
	if (type != GIT_OBJECT_BLOB)
		return 0;
	if (f->nr_blobs == f->alloc_blobs) {
		f->alloc_blobs = f->alloc_blobs ? 2 * f->alloc_blobs : 16;
		f->blobs = xrealloc(f->blobs, f->alloc_blobs * sizeof(*f->blobs));
	}
	b = &f->blobs[f->nr_blobs++];
	git_oid_cpy(&b->id, out);
	b->data = xmalloc(len ? len : 1);
	memcpy(b->data, data, len);
	b->len = len;
	return 0;
}

/* A file's content, from memory or the repository (*held to free). */
int fold_read_blob(struct fold_store *f, const git_oid *id, const char **data, size_t *len, git_blob **held)
{
	size_t i;

	*held = NULL;
	for (i = 0; i < f->nr_blobs; i++) {
		if (git_oid_equal(&f->blobs[i].id, id)) {
			*data = f->blobs[i].data;
			*len = f->blobs[i].len;
			return 0;
		}
	}
	if (git_blob_lookup(held, f->repo, id) < 0)
		return -1;
	*data = git_blob_rawcontent(*held);
	*len = (size_t)git_blob_rawsize(*held);
	return 0;
}

/* A mode as a tree entry spells it (git's are 40000, 100644, 100755, 120000, 160000). */
static void add_mode(struct strbuf *sb, unsigned mode)
{
	char buf[12];
	size_t n = sizeof(buf);

	do {
		buf[--n] = (char)('0' + (mode & 7));
		mode >>= 3;
	} while (mode && n);
	strbuf_add(sb, buf + n, sizeof(buf) - n);
}

/*
 * The tree of `items`; kept in memory too when it is not written. They come
 * in git's order from merge_dir, but for a name whose kind changed (a file
 * that became a directory sorts elsewhere): sorted then.
 */
int fold_make_tree(struct fold_store *f, struct ent *items, size_t nr, git_oid *out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int r;

	for (i = 1; i < nr; i++) {
		if (fold_ent_order(&items[i - 1], &items[i]) > 0) {
			qsort(items, nr, sizeof(*items), fold_ent_order);
			break;
		}
	}
	for (i = 0; i < nr; i++) {
		add_mode(&sb, (unsigned)items[i].mode);
		strbuf_add(&sb, " ", 1);
		strbuf_add(&sb, items[i].name, strlen(items[i].name) + 1);
		strbuf_add(&sb, items[i].id.id, GIT_OID_RAWSZ);
	}
	r = fold_put_object(f, sb.buf, sb.len, GIT_OBJECT_TREE, out);
	strbuf_release(&sb);
	if (r < 0)
		return orch_git_error("cannot make a merged tree");
	if (!f->write) {
		struct mem_tree *m;

		if (f->nr_mem == f->alloc_mem) {
			f->alloc_mem = f->alloc_mem ? 2 * f->alloc_mem : 16;
			f->mem = xrealloc(f->mem, f->alloc_mem * sizeof(*f->mem));
		}
		m = f->mem[f->nr_mem++] = xcalloc(1, sizeof(*m));
		git_oid_cpy(&m->id, out);
		m->items = xcalloc(nr ? nr : 1, sizeof(*m->items));
		for (i = 0; i < nr; i++) {
			m->items[i] = items[i];
			m->items[i].name = xstrdup(items[i].name);
		}
		m->nr = nr;
	}
	return 0;
}

void fold_store_release(struct fold_store *f)
{
	size_t i, k;

	for (i = 0; i < f->nr_mem; i++) {
		for (k = 0; k < f->mem[i]->nr; k++)
			free((char *)f->mem[i]->items[k].name);
		free(f->mem[i]->items);
		free(f->mem[i]);
	}
	free(f->mem);
	for (i = 0; i < f->nr_blobs; i++)
		free(f->blobs[i].data);
	free(f->blobs);
	git_odb_free(f->odb);
}
