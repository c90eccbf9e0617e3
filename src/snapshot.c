#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "pattern.h"
#include "policy.h"
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
	ALLOC_GROW(s->items, s->nr + 1, s->alloc);
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

/* The blob id of a file's content in hex; 0, or -1 when it cannot be read. */
static int hash_file(const char *path, char hex[GIT_OID_HEXSZ + 1])
{
	struct strbuf sb = STRBUF_INIT;
	git_oid oid;
	int r = orch_read_file(&sb, path, ORCH_READ_CONTENT) == 0 &&
		git_odb_hash(&oid, sb.buf, sb.len, GIT_OBJECT_BLOB) == 0 ? 0 : -1;

	if (!r)
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &oid);
	strbuf_release(&sb);
	return r;
}

static void take_file(struct orch_snapshot *s, const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	char hex[GIT_OID_HEXSZ + 1];

	if (hash_file(path, hex) == 0)
		add(s, xasprintf("file %s", name), xstrdup(hex));
	free(path);
}

typedef void entry_fn(struct orch_snapshot *s, const char *top, const char *sub, const char *name,
		      const struct stat *st);

/*
 * Calls fn for each entry of top/rel ("." and ".." left out) with its path
 * below top, its name and its lstat (NULL when that failed).
 */
static void each_entry(struct orch_snapshot *s, const char *top, const char *rel, entry_fn *fn)
{
	char *path = *rel ? xasprintf("%s/%s", top, rel) : xstrdup(top);
	DIR *d = opendir(path);
	struct dirent *e;

	free(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *sub, *full;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sub = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		full = xasprintf("%s/%s", top, sub);
		fn(s, top, sub, e->d_name, lstat(full, &st) == 0 ? &st : NULL);
		free(full);
		free(sub);
	}
	closedir(d);
}

/* Every file below objects/, recursively, as "object <path>": names only, objects never change. */
static void take_object(struct orch_snapshot *s, const char *top, const char *sub, const char *name,
			const struct stat *st)
{
	(void)name;
	if (st && S_ISDIR(st->st_mode))
		each_entry(s, top, sub, take_object);
	else
		add(s, xasprintf("object %s", sub), xstrdup(""));
}

/* The regular files directly in a steering directory, dot files left out, by content. */
static void take_steering_file(struct orch_snapshot *s, const char *top, const char *sub, const char *name,
			       const struct stat *st)
{
	if (name[0] != '.' && st && S_ISREG(st->st_mode))
		take_file(s, top, sub);
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
		each_entry(out, dir, steering_dirs[i], take_steering_file);
	take_worktree_heads(out, dir);
	each_entry(out, dir, "objects", take_object);
	qsort(out->items, out->nr, sizeof(*out->items), item_cmp);
	free(dir);
	return 0;
}

/* A file anywhere, by absolute path: its content hash, or "absent". */
static void take_abs_file(struct orch_snapshot *s, const char *kind, const char *path)
{
	char hex[GIT_OID_HEXSZ + 1];

	add(s, xasprintf("%s %s", kind, path), xstrdup(hash_file(path, hex) == 0 ? hex : "absent"));
}

/* Every file of a directory (one level), by content. */
static void take_abs_dir(struct orch_snapshot *s, const char *kind, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	add(s, xasprintf("%s %s/", kind, dir), xstrdup(d ? "dir" : "absent"));
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *full;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		full = xasprintf("%s/%s", dir, e->d_name);
		take_abs_file(s, kind, full);
		free(full);
	}
	closedir(d);
}

/* Every file under a work tree but its .git, by size, mtime and mode (content costs too much). */
static void take_work_files(struct orch_snapshot *s, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d || depth > 64) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d))) {
		struct stat st;
		char *full;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git"))
			continue;
		full = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(full, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				take_work_files(s, full, depth + 1);
			else
				add(s, xasprintf("worktree-file %s", full),
				    xasprintf("%lld:%lld.%09ld:%o", (long long)st.st_size, (long long)st.st_mtim.tv_sec,
					      st.st_mtim.tv_nsec, (unsigned)st.st_mode));
		}
		free(full);
	}
	closedir(d);
}

/* One work tree: where its HEAD points, its index, its files. */
static void take_worktree(struct orch_snapshot *s, git_repository *wt)
{
	char hex[GIT_OID_HEXSZ + 1];
	char *index = xasprintf("%sindex", git_repository_path(wt));
	git_oid head;
	const char *top = git_repository_workdir(wt);

	if (git_reference_name_to_id(&head, wt, "HEAD") == 0)
		add(s, xasprintf("worktree-head %s", git_repository_path(wt)),
		    xstrdup(git_oid_tostr(hex, sizeof(hex), &head)));
	take_abs_file(s, "worktree-index", index);
	if (top) {
		char *trimmed = xstrdup(top);
		size_t n = strlen(trimmed);

		if (n > 1 && trimmed[n - 1] == '/')
			trimmed[n - 1] = '\0';
		take_work_files(s, trimmed, 0);
		free(trimmed);
	}
	free(index);
}

struct config_text {
	struct strbuf sb;
	const struct orch_policy *policy;
};

/* A new branch's upstream (`git worktree add -b x origin/main`) is normal work; a protected branch's is not. */
static int is_tracking_key(const char *name, const struct orch_policy *policy)
{
	const char *dot = strrchr(name, '.');
	char *branch;
	int ret;

	if (strncasecmp(name, "branch.", 7) || !dot || dot <= name + 7)
		return 0;
	if (strcasecmp(dot + 1, "remote") && strcasecmp(dot + 1, "merge") && strcasecmp(dot + 1, "rebase") &&
	    strcasecmp(dot + 1, "pushremote"))
		return 0;
	branch = xstrndup(name + 7, (size_t)(dot - name - 7));
	ret = !policy || !orch_branch_is_protected(policy, branch);
	free(branch);
	return ret;
}

static int config_line(const git_config_entry *e, void *payload)
{
	struct config_text *t = payload;

	if (!is_tracking_key(e->name, t->policy))
		strbuf_addf(&t->sb, "%s\t%s\n", e->name, e->value ? e->value : "(none)");
	return 0;
}

/*
 * A git configuration file by what it says, included files followed: its
 * entries but the upstreams of unprotected branches, hashed. A file git
 * cannot parse is "unreadable", which differs from any content; a missing
 * one is "absent", or left out when it may come with a new work tree.
 */
static void take_config(struct orch_snapshot *s, git_repository *repo, const char *path,
			const struct orch_policy *policy, int keep_absent)
{
	struct config_text t = { .sb = STRBUF_INIT, .policy = policy };
	git_config *cfg = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	const char *value = "absent";
	git_oid oid;

	if (access(path, F_OK) < 0 && errno == ENOENT && !keep_absent)
		return;
	if (access(path, F_OK) == 0) {
		value = "unreadable";
		if (git_config_new(&cfg) == 0 &&
		    git_config_add_file_ondisk(cfg, path, GIT_CONFIG_LEVEL_APP, repo, 0) == 0 &&
		    git_config_foreach(cfg, config_line, &t) == 0 &&
		    git_odb_hash(&oid, t.sb.buf, t.sb.len, GIT_OBJECT_BLOB) == 0)
			value = git_oid_tostr(hex, sizeof(hex), &oid);
	}
	add(s, xasprintf("config %s", path), xstrdup(value));
	git_config_free(cfg);
	strbuf_release(&t.sb);
}

/*
 * Only the work tree the review was started from is judged by its files:
 * its owner waits for the review. Other work trees belong to other workers,
 * busy meanwhile; their refs are judged by who moved them (ref-moves.c).
 * Every work tree's config.worktree steers git, and is judged.
 */
static void take_worktree_configs(struct orch_snapshot *s, git_repository *repo, const char *commondir,
				  const struct orch_policy *policy)
{
	git_strarray names = { .strings = NULL };
	char *wt_config;
	size_t i;

	if (git_worktree_list(&names, repo) < 0)
		return;
	for (i = 0; i < names.count; i++) {
		wt_config = xasprintf("%s/worktrees/%s/config.worktree", commondir, names.strings[i]);
		take_config(s, repo, wt_config, policy, 0);
		free(wt_config);
	}
	git_strarray_dispose(&names);
}

/* The hooks directory git uses: core.hooksPath (relative to the main work tree) or COMMONDIR/hooks. */
static char *hooks_dir(git_repository *repo, const char *commondir)
{
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	char *dir = NULL;

	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&value, cfg, "core.hooksPath") == 0 && value.size) {
		if (value.ptr[0] == '/' || !git_repository_workdir(repo))
			dir = xstrdup(value.ptr);
		else
			dir = xasprintf("%s%s", git_repository_workdir(repo), value.ptr);
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	return dir ? dir : xasprintf("%s/hooks", commondir);
}

static void take_global_configs(struct orch_snapshot *s, git_repository *repo, const struct orch_policy *policy)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME"), *env;
	git_buf buf = GIT_BUF_INIT;
	char *p;

	if (home) {
		p = xasprintf("%s/.gitconfig", home);
		take_config(s, repo, p, policy, 1);
		free(p);
	}
	p = xdg && *xdg ? xasprintf("%s/git/config", xdg) : home ? xasprintf("%s/.config/git/config", home) : NULL;
	if (p)
		take_config(s, repo, p, policy, 1);
	free(p);
	if ((env = getenv("GIT_CONFIG_GLOBAL")) && *env)
		take_config(s, repo, env, policy, 1);
	if ((env = getenv("GIT_CONFIG_SYSTEM")) && *env)
		take_config(s, repo, env, policy, 1);
	take_config(s, repo, "/etc/gitconfig", policy, 1);
	if (git_config_find_system(&buf) == 0 && buf.size)
		take_config(s, repo, buf.ptr, policy, 1);
	git_buf_dispose(&buf);
}

/* Everything below a directory, for orch_snapshot_take_dir. */
static void take_tree_entry(struct orch_snapshot *s, const char *top, const char *sub, const char *name,
			    const struct stat *st)
{
	(void)name;
	if (st && S_ISDIR(st->st_mode)) {
		each_entry(s, top, sub, take_tree_entry);
	} else if (starts_with(sub, "objects/") && strcmp(sub, "objects/info/alternates")) {
		add(s, xasprintf("object %s", sub + 8), xstrdup(""));
	} else {
		take_file(s, top, sub);
		if (!s->nr || strcmp(s->items[s->nr - 1].key + 5, sub))
			add(s, xasprintf("file %s", sub), xstrdup("unreadable"));
	}
}

int orch_snapshot_take_dir(const char *dir, struct orch_snapshot *out)
{
	memset(out, 0, sizeof(*out));
	each_entry(out, dir, "", take_tree_entry);
	qsort(out->items, out->nr, sizeof(*out->items), item_cmp);
	return 0;
}

int orch_snapshot_take_outside(git_repository *repo, const struct orch_policy *policy, const git_oid *commit,
			       struct orch_snapshot *out)
{
	char *dir = orch_repo_commondir(repo), *hooks, *p;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid note;
	git_note *n = NULL;

	memset(out, 0, sizeof(*out));
	take_global_configs(out, repo, policy);
	p = xasprintf("%s/config", dir);
	take_config(out, repo, p, policy, 1);
	free(p);
	p = xasprintf("%s/config.worktree", dir);
	take_config(out, repo, p, policy, 1);
	free(p);
	take_worktree_configs(out, repo, dir, policy);
	/* The hooks in use, and the default directory too: a hooksPath that goes away uses it again. */
	hooks = hooks_dir(repo, dir);
	take_abs_dir(out, "hook", hooks);
	p = xasprintf("%s/hooks", dir);
	if (strcmp(p, hooks))
		take_abs_dir(out, "hook", p);
	free(p);
	free(hooks);
	/* History as git shows it: grafts rewrite parents. */
	p = xasprintf("%s/info/grafts", dir);
	take_abs_file(out, "file", p);
	free(p);
	if (policy->path && policy->path[0] == '/')
		take_abs_file(out, "policy", policy->path);
	take_worktree(out, repo);
	git_oid_tostr(hex, sizeof(hex), commit);
	if (git_note_read(&n, repo, policy->notes_ref, commit) == 0) {
		git_oid_cpy(&note, git_note_id(n));
		git_note_free(n);
		add(out, xasprintf("note %s", hex), xstrdup(git_oid_tostr(hex, sizeof(hex), &note)));
	} else {
		add(out, xasprintf("note %s", hex), xstrdup("none"));
	}
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
		int is_object = starts_with(it->key, "object ");

		if (c == 0) {
			i++;
			j++;
			if (!strcmp(a->value, b->value))
				continue;
			say_change(out, &named, a->key, starts_with(a->key, "ref ") ? "moved" : "changed");
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
