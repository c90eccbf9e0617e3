#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "repo.h"
#include "snapshot.h"

/* Files of the common git directory whose contents steer git and the gates. */
static const char *const steering_files[] = {
	"HEAD", "config", "orch-hooks.ini", "shallow", "objects/info/alternates", NULL
};
/* Directories whose every file counts the same way (one level deep). */
static const char *const steering_dirs[] = { "hooks", "info", NULL };

static void add(struct orch_snapshot *s, char *key, char *value)
{
	if (s->nr == s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 64;
		s->items = xrealloc(s->items, s->alloc * sizeof(*s->items));
	}
	s->items[s->nr].key = key;
	s->items[s->nr].value = value;
	s->nr++;
}

void orch_snapshot_release(struct orch_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->items[i].key);
		free(s->items[i].value);
	}
	free(s->items);
	memset(s, 0, sizeof(*s));
}

static int take_refs(git_repository *repo, struct orch_snapshot *s)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int err;

	if (git_reference_iterator_new(&it, repo) < 0)
		return orch_git_error("cannot list the refs");
	while ((err = git_reference_next(&ref, it)) == 0) {
		const char *value;

		if (git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC)
			value = git_reference_symbolic_target(ref);
		else
			value = git_oid_tostr(hex, sizeof(hex), git_reference_target(ref));
		add(s, xasprintf("ref %s", git_reference_name(ref)),
		    xasprintf("%s%s", git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC ? "-> " : "", value));
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (err != GIT_ITEROVER)
		return orch_git_error("cannot list the refs");
	return 0;
}

static void take_file(struct orch_snapshot *s, const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/%s", dir, name);
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid;

	if (strbuf_read_file(&sb, path, 64 * 1024 * 1024) == 0 &&
	    git_odb_hash(&oid, sb.buf ? sb.buf : "", sb.len, GIT_OBJECT_BLOB) == 0)
		add(s, xasprintf("file %s", name), xstrdup(git_oid_tostr(hex, sizeof(hex), &oid)));
	strbuf_release(&sb);
	free(path);
}

/* Every file under dir/rel, recursively, as "object <path>" (names only: objects never change). */
static void take_object_files(struct orch_snapshot *s, const char *dir, const char *rel)
{
	char *path = xasprintf("%s/%s", dir, rel);
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		free(path);
		return;
	}
	while ((e = readdir(d))) {
		char *sub, *full;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", rel, e->d_name);
		full = xasprintf("%s/%s", dir, sub);
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
			take_object_files(s, dir, sub);
		else
			add(s, xasprintf("object %s", sub), xstrdup(""));
		free(full);
		free(sub);
	}
	closedir(d);
	free(path);
}

static void take_dir_files(struct orch_snapshot *s, const char *dir, const char *rel)
{
	char *path = xasprintf("%s/%s", dir, rel);
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		free(path);
		return;
	}
	while ((e = readdir(d))) {
		char *sub, *full;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", rel, e->d_name);
		full = xasprintf("%s/%s", dir, sub);
		if (lstat(full, &st) == 0 && S_ISREG(st.st_mode))
			take_file(s, dir, sub);
		free(full);
		free(sub);
	}
	closedir(d);
	free(path);
}

/* The HEAD of every linked worktree. */
static void take_worktree_heads(struct orch_snapshot *s, const char *dir)
{
	char *path = xasprintf("%s/worktrees", dir);
	DIR *d = opendir(path);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d))) {
			char *name;

			if (e->d_name[0] == '.')
				continue;
			name = xasprintf("worktrees/%s/HEAD", e->d_name);
			take_file(s, dir, name);
			free(name);
		}
		closedir(d);
	}
	free(path);
}

static int item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct orch_snapshot_item *)a)->key,
		      ((const struct orch_snapshot_item *)b)->key);
}

int orch_snapshot_take(git_repository *repo, struct orch_snapshot *out)
{
	char *dir = orch_repo_commondir(repo);
	size_t i;

	memset(out, 0, sizeof(*out));
	if (take_refs(repo, out) < 0) {
		free(dir);
		orch_snapshot_release(out);
		return -1;
	}
	for (i = 0; steering_files[i]; i++)
		take_file(out, dir, steering_files[i]);
	for (i = 0; steering_dirs[i]; i++)
		take_dir_files(out, dir, steering_dirs[i]);
	take_worktree_heads(out, dir);
	take_object_files(out, dir, "objects");
	qsort(out->items, out->nr, sizeof(*out->items), item_cmp);
	free(dir);
	return 0;
}

#define MAX_NAMED 8

static void say_change(struct strbuf *out, size_t *named, const char *key, const char *what)
{
	const char *space = strchr(key, ' ');

	if ((*named)++ >= MAX_NAMED)
		return;
	strbuf_addf(out, "%s%.*s '%s' %s", out->len ? ", " : "", (int)(space - key), key, space + 1, what);
}

size_t orch_snapshot_diff(const struct orch_snapshot *before, const struct orch_snapshot *after,
			  struct strbuf *out)
{
	size_t i = 0, j = 0, changes = 0, named = 0, objects_added = 0, objects_gone = 0;
	size_t start = out->len;

	while (i < before->nr || j < after->nr) {
		const struct orch_snapshot_item *a = i < before->nr ? &before->items[i] : NULL;
		const struct orch_snapshot_item *b = j < after->nr ? &after->items[j] : NULL;
		int c = !a ? 1 : !b ? -1 : strcmp(a->key, b->key);
		const struct orch_snapshot_item *it = c <= 0 ? a : b;
		int is_object = !strncmp(it->key, "object ", 7);

		if (c == 0) {
			i++;
			j++;
			if (!strcmp(a->value, b->value))
				continue;
			say_change(out, &named, a->key, !strncmp(a->key, "ref ", 4) ? "moved" : "changed");
		} else if (c < 0) {
			i++;
			if (is_object)
				objects_gone++;
			else
				say_change(out, &named, a->key, "deleted");
		} else {
			j++;
			if (is_object)
				objects_added++;
			else
				say_change(out, &named, b->key, "created");
		}
		changes++;
	}
	if (named > MAX_NAMED)
		strbuf_addf(out, "%s%zu more refs or files changed", out->len > start ? ", " : "",
			    named - MAX_NAMED);
	if (objects_added)
		strbuf_addf(out, "%s%zu new object file%s", out->len > start ? ", " : "", objects_added,
			    objects_added == 1 ? "" : "s");
	if (objects_gone)
		strbuf_addf(out, "%s%zu object file%s removed", out->len > start ? ", " : "", objects_gone,
			    objects_gone == 1 ? "" : "s");
	return changes;
}
