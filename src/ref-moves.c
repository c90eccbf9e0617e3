#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "files.h"
#include "ref-moves.h"
#include "repo.h"

#define MAX_NAMED 8

static void add(struct orch_ref_moves *m, char *name, char *value, char *log)
{
	struct stat st;

	ALLOC_GROW(m->items, m->nr + 1, m->alloc);
	m->items[m->nr].name = name;
	m->items[m->nr].value = value;
	m->items[m->nr].log = log;
	m->items[m->nr].log_size = lstat(log, &st) == 0 ? st.st_size : -1;
	m->nr++;
}

void orch_ref_moves_release(struct orch_ref_moves *m)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		free(m->items[i].name);
		free(m->items[i].value);
		free(m->items[i].log);
	}
	free(m->items);
	memset(m, 0, sizeof(*m));
}

/* core.logAllRefUpdates as git reads it: unset means on, but off in a bare repository. */
static int log_all_setting(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	int on = !git_repository_is_bare(repo), b;

	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&value, cfg, "core.logAllRefUpdates") == 0) {
		if (!strcasecmp(value.ptr, "always"))
			on = 2;
		else if (git_config_parse_bool(&b, value.ptr) == 0)
			on = b;
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	return on;
}

/* A work tree's HEAD, read from its file: a symbolic "-> refs/heads/x" or an oid. */
static void add_head(struct orch_ref_moves *m, const char *gitdir)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/HEAD", gitdir);
	const char *to;

	if (orch_read_file(&sb, path, ORCH_READ_GIT_STATE) == 0 && sb.len) {
		strbuf_rtrim(&sb);
		add(m, xasprintf("HEAD of %s/", gitdir),
		    skip_prefix(sb.buf, "ref: ", &to) ? xasprintf("-> %s", to) : xstrdup(sb.buf),
		    xasprintf("%s/logs/HEAD", gitdir));
	}
	strbuf_release(&sb);
	free(path);
}

static void add_heads(struct orch_ref_moves *m, const char *commondir)
{
	char *dir = xasprintf("%s/worktrees", commondir);
	DIR *d = opendir(dir);
	struct dirent *e;

	add_head(m, commondir);
	while (d && (e = readdir(d))) {
		char *gitdir;

		if (e->d_name[0] == '.')
			continue;
		gitdir = xasprintf("%s/%s", dir, e->d_name);
		add_head(m, gitdir);
		free(gitdir);
	}
	if (d)
		closedir(d);
	free(dir);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct orch_ref_move_item *)a)->name, ((const struct orch_ref_move_item *)b)->name);
}

int orch_ref_moves_take(git_repository *repo, struct orch_ref_moves *out)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	char hex[GIT_OID_HEXSZ + 1], *commondir = orch_repo_commondir(repo);
	int err;

	memset(out, 0, sizeof(*out));
	out->log_all = log_all_setting(repo);
	if (git_reference_iterator_new(&it, repo) < 0) {
		free(commondir);
		return orch_git_error("cannot list the refs");
	}
	while ((err = git_reference_next(&ref, it)) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT)
			add(out, xstrdup(git_reference_name(ref)),
			    xstrdup(git_oid_tostr(hex, sizeof(hex), git_reference_target(ref))),
			    xasprintf("%s/logs/%s", commondir, git_reference_name(ref)));
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	add_heads(out, commondir);
	free(commondir);
	if (err != GIT_ITEROVER) {
		orch_ref_moves_release(out);
		return orch_git_error("cannot list the refs");
	}
	qsort(out->items, out->nr, sizeof(*out->items), by_name);
	return 0;
}

/*
 * What was appended to a reflog since it had `size` bytes (all of it if it
 * was rewritten), from *new on; and before that, its last line from before:
 * git logs a move before it makes it, so a move under way when `size` was
 * taken has its entry there.
 */
static void appended(const struct orch_ref_move_item *now, off_t size, struct strbuf *out, size_t *new)
{
	struct strbuf sb = STRBUF_INIT;
	size_t from = 0;

	*new = 0;
	if (now->log_size < 0 || orch_read_file(&sb, now->log, ORCH_READ_REFLOG) < 0)
		return;
	if (size > 0 && (size_t)size <= sb.len) {
		from = (size_t)size;
		if (from && sb.buf[from - 1] == '\n')
			from--;
		while (from && sb.buf[from - 1] != '\n')
			from--;
		*new = (size_t)size - from;
	}
	strbuf_add(out, sb.buf + from, sb.len - from);
	strbuf_release(&sb);
}

/* Whether reflog lines (`old new Name <email> time tz\tmessage`) hold one by `email`, or reaching `oid`. */
static int lines_have(const struct strbuf *log, const char *email, const char *oid)
{
	const char *p = log->buf, *end = log->buf + log->len;
	size_t elen = email ? strlen(email) : 0;

	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *tab;
		size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);

		tab = memchr(p, '\t', len);
		if (email && len > 2 * GIT_OID_HEXSZ + 2) {
			const char *who = p + 2 * GIT_OID_HEXSZ + 2, *stop = tab ? tab : p + len;
			const char *lt = memchr(who, '<', (size_t)(stop - who));

			if (lt && (size_t)(stop - lt) > elen + 1 && !strncmp(lt + 1, email, elen) && lt[elen + 1] == '>')
				return 1;
		}
		if (oid && len > 2 * GIT_OID_HEXSZ + 1 && !strncmp(p + GIT_OID_HEXSZ + 1, oid, GIT_OID_HEXSZ))
			return 1;
		p = eol ? eol + 1 : NULL;
	}
	return 0;
}

/* Refs git logs by itself, so that a move without a reflog entry was made behind its back. */
static int logged(const struct orch_ref_moves *m, const char *name, int had_log)
{
	if (had_log || m->log_all == 2)
		return 1;
	return m->log_all == 1 && (starts_with(name, "HEAD of ") || starts_with(name, "refs/heads/") ||
				   starts_with(name, "refs/remotes/") || starts_with(name, "refs/notes/"));
}

static void say(struct strbuf *out, size_t *n, const char *name, const char *what)
{
	if ((*n)++ < MAX_NAMED)
		strbuf_addf(out, "%sref '%s' %s", out->len ? ", " : "", name, what);
}

/*
 * One ref that is new or may have moved: the reviewer's move, an unexplained
 * one, or fine. A symbolic HEAD (checkout) needs only some reflog line.
 */
static void judge_one(const struct orch_ref_moves *m, const struct orch_ref_move_item *was,
		      const struct orch_ref_move_item *now, const char *email, struct strbuf *out, size_t *n)
{
	struct strbuf log = STRBUF_INIT, fresh = STRBUF_INIT;
	int moved = !was || strcmp(was->value, now->value);
	size_t new;

	if (!moved && was->log_size == now->log_size)
		return;
	appended(now, was ? was->log_size : 0, &log, &new);
	strbuf_add(&fresh, log.buf + new, log.len - new);
	if (lines_have(&fresh, email, NULL))
		say(out, n, now->name, "moved by the reviewer (its reflog says so)");
	else if (moved && starts_with(now->name, "refs/replace/"))
		say(out, n, now->name, was ? "moved (it changes what git shows)" : "created (it changes what git shows)");
	else if (moved && logged(m, now->name, was && was->log_size >= 0) &&
		 (starts_with(now->value, "-> ") ? !log.len : !lines_have(&log, NULL, now->value)))
		say(out, n, now->name, was ? "moved without a reflog entry" : "created without a reflog entry");
	strbuf_release(&fresh);
	strbuf_release(&log);
}

int orch_ref_moves_judge(git_repository *repo, const struct orch_ref_moves *before, const char *email,
			 int (*is_protected)(const void *ctx, const char *ref), const void *ctx,
			 struct strbuf *out)
{
	struct orch_ref_moves after = ORCH_REF_MOVES_INIT;
	size_t i = 0, j = 0, n = 0, start = out->len;

	if (orch_ref_moves_take(repo, &after) < 0)
		return -1;
	while (i < before->nr || j < after.nr) {
		const struct orch_ref_move_item *a = i < before->nr ? &before->items[i] : NULL;
		const struct orch_ref_move_item *b = j < after.nr ? &after.items[j] : NULL;
		int c = !a ? 1 : !b ? -1 : strcmp(a->name, b->name);

		if (c < 0) {
			/* Workers delete their branches; a protected one must stay. */
			if (is_protected && is_protected(ctx, a->name))
				say(out, &n, a->name, "deleted");
			i++;
			continue;
		}
		judge_one(&after, c == 0 ? a : NULL, b, email, out, &n);
		if (c == 0)
			i++;
		j++;
	}
	if (n > MAX_NAMED)
		strbuf_addf(out, "%s%zu more refs", out->len > start ? ", " : "", n - MAX_NAMED);
	orch_ref_moves_release(&after);
	return (int)n;
}
