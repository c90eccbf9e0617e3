#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "ref-path.h"
#include "repo.h"
#include "strbuf.h"

int orch_libgit2_init(void)
{
	/* libgit2 1.5 refuses worktreeConfig repositories unless told it may read them. */
	const char *ext[] = { "worktreeconfig" };

	if (git_libgit2_init() < 0)
		return orch_git_error("cannot start libgit2");
	if (git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, ext, (size_t)1) < 0)
		return orch_git_error("cannot configure libgit2");
	return 0;
}

void orch_libgit2_hook_opts(void)
{
	/*
	 * No re-hashing of the objects read. A hook runs inside git's own
	 * command on git's own repository: every object in it was hashed when
	 * git wrote it, or when index-pack or unpack-objects received it (a
	 * fetch, a push: they refuse a mismatch), and git does not re-hash on
	 * read either. Whoever can rewrite .git/objects behind git's back can
	 * rewrite the hooks too. libgit2 re-hashed every object it read: a third
	 * of a whole-history walk, 0.14 M instructions of a local merge.
	 * The orch-hooks commands keep libgit2's default.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

void orch_libgit2_server_opts(void)
{
	/* A whole-history push reads every commit once: caching them all buys nothing. */
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	orch_libgit2_hook_opts();
}

void orch_libgit2_shutdown(void)
{
	git_libgit2_shutdown();
}

/* libgit2 1.5 cannot read a split index (core.splitIndex): say how to join it. */
static int is_split_index(const char *msg)
{
	return strstr(msg, "extension: 'link'") != NULL;
}

static int report_split_index(const char *where)
{
	return orch_error("the index of '%s' is split (core.splitIndex), which orch-hooks cannot read, "
			  "so it cannot decide; fix: git config core.splitIndex false && "
			  "git update-index --no-split-index", where);
}

static int report_open_error(const char *where)
{
	const char *msg = orch_git_error_text();

	if (is_split_index(msg))
		return report_split_index(where);
	if (strstr(msg, "unsupported extension") || strstr(msg, "unsupported repository version"))
		return orch_error("unsupported repository format in '%s' (%s); orch-hooks needs "
				  "a SHA-1 repository of format version 0 or 1", where, msg);
	return orch_error("cannot open repository '%s': %s", where, msg);
}

/*
 * FROM_ENV may trip over the index (GIT_INDEX_FILE) of a repository it
 * cannot read before it looks at the format; a plain open says why.
 */
static int report_env_open_error(const char *git_dir)
{
	char *first = xstrdup(orch_git_error_text());
	git_repository *plain = NULL;
	int ret;

	if (is_split_index(first)) {
		free(first);
		return report_split_index(git_dir && *git_dir ? git_dir : ".");
	}
	if (git_repository_open_ext(&plain, git_dir && *git_dir ? git_dir : ".", 0, NULL) < 0 &&
	    (strstr(orch_git_error_text(), "unsupported extension") ||
	     strstr(orch_git_error_text(), "unsupported repository version"))) {
		ret = report_open_error(git_dir ? git_dir : ".");
	} else {
		ret = orch_error("cannot open repository '%s': %s", git_dir ? git_dir : ".", first);
	}
	git_repository_free(plain);
	free(first);
	return ret;
}

/* Adds each directory of a colon-separated list as an object alternate. */
static int add_alternates(git_repository *repo, const char *list)
{
	git_odb *odb = NULL;
	char *copy, *dir, *save = NULL;
	int ret = 0;

	if (!list || !*list)
		return 0;
	if (git_repository_odb(&odb, repo) < 0)
		return orch_git_error("cannot open the object database");
	copy = xstrdup(list);
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (git_odb_add_disk_alternate(odb, dir) < 0) {
			ret = orch_git_error("cannot add object directory '%s'", dir);
			break;
		}
	}
	free(copy);
	git_odb_free(odb);
	return ret;
}

int orch_repo_open_env(git_repository **out)
{
	const char *work_tree = getenv("GIT_WORK_TREE");
	const char *git_dir = getenv("GIT_DIR");
	git_repository *repo = NULL;

	*out = NULL;
	if (!work_tree || !*work_tree) {
		if (git_repository_open_ext(&repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0)
			return report_env_open_error(git_dir);
		*out = repo;
		return 0;
	}

	/*
	 * libgit2 before 1.7 fails FROM_ENV whenever GIT_WORK_TREE is set, so
	 * do by hand what it would: open GIT_DIR, use the work tree, and see
	 * the objects of a push still in quarantine.
	 */
	if (git_repository_open_ext(&repo, git_dir && *git_dir ? git_dir : ".",
				    git_dir && *git_dir ? GIT_REPOSITORY_OPEN_NO_SEARCH : 0, NULL) < 0)
		return report_open_error(git_dir ? git_dir : ".");
	if (git_repository_set_workdir(repo, work_tree, 0) < 0) {
		git_repository_free(repo);
		return orch_git_error("cannot use work tree '%s'", work_tree);
	}
	if (add_alternates(repo, getenv("GIT_OBJECT_DIRECTORY")) < 0 ||
	    add_alternates(repo, getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES")) < 0) {
		git_repository_free(repo);
		return -1;
	}
	*out = repo;
	return 0;
}

int orch_repo_open_path(git_repository **out, const char *path)
{
	*out = NULL;
	/* GIT_CEILING_DIRECTORIES keeps discovery where the person wants it. */
	if (git_repository_open_ext(out, path ? path : ".", 0, getenv("GIT_CEILING_DIRECTORIES")) < 0)
		return report_open_error(path ? path : ".");
	return 0;
}

char *orch_repo_commondir(git_repository *repo)
{
	char *dir = xstrdup(git_repository_commondir(repo));
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	return dir;
}

char *orch_repo_current_branch(git_repository *repo)
{
	git_reference *head = NULL, *next = NULL;
	char *name = NULL;
	int depth;

	if (git_reference_lookup(&head, repo, "HEAD") < 0)
		return NULL;
	/* libgit2 reads a HEAD that is a symbolic link as detached; git, as the branch it names. */
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC)
		name = orch_head_link_branch(git_repository_path(repo));
	/*
	 * A branch that is itself a symbolic ref (refs/heads/alias -> main)
	 * moves the branch it names: a commit on it lands there. Follow it.
	 */
	for (depth = 0; git_reference_type(head) == GIT_REFERENCE_SYMBOLIC; depth++) {
		const char *target = git_reference_symbolic_target(head), *branch;

		if (!skip_prefix(target, "refs/heads/", &branch) || depth == 5) {
			FREE_AND_NULL(name); /* no branch, or a loop */
			break;
		}
		free(name);
		name = xstrdup(branch);
		if (git_reference_lookup(&next, repo, target) < 0)
			break; /* an unborn branch */
		git_reference_free(head);
		head = next;
		next = NULL;
	}
	git_error_clear();
	git_reference_free(head);
	if (name) {
		/* refs/heads/link -> . makes "link/main" main: name the branch git writes. */
		char *real = orch_branch_on_disk(git_repository_commondir(repo), name);

		free(name);
		name = real;
	}
	return name;
}

int orch_repo_head_on(git_repository *repo, const char *branch)
{
	char *current = orch_repo_current_branch(repo);
	int on = current && !strcmp(current, branch);

	free(current);
	return on;
}

int orch_repo_signature(git_repository *repo, git_signature **out)
{
	const char *name = getenv("GIT_COMMITTER_NAME"), *email = getenv("GIT_COMMITTER_EMAIL");
	git_config *cfg = NULL;
	git_buf cname = GIT_BUF_INIT, cemail = GIT_BUF_INIT;
	int r;

	if ((!name || !email) && git_repository_config_snapshot(&cfg, repo) == 0) {
		if (!name && git_config_get_string_buf(&cname, cfg, "user.name") == 0)
			name = cname.ptr;
		if (!email && git_config_get_string_buf(&cemail, cfg, "user.email") == 0)
			email = cemail.ptr;
	}
	r = git_signature_now(out, name && *name ? name : "orch-hooks",
			      email && *email ? email : "orch-hooks@localhost");
	if (r < 0)
		orch_git_error("cannot make a signature");
	git_buf_dispose(&cname);
	git_buf_dispose(&cemail);
	git_config_free(cfg);
	return r < 0 ? -1 : 0;
}

const char *orch_short_oid(const git_oid *oid)
{
	static char buf[2][GIT_OID_HEXSZ + 1];
	static int which;

	which ^= 1;
	git_oid_tostr(buf[which], 13, oid);
	return buf[which];
}

int orch_commit_tree(git_repository *repo, const git_oid *commit, git_tree **out)
{
	git_commit *c = NULL;
	int r = git_commit_lookup(&c, repo, commit) < 0 ? -1 : git_commit_tree(out, c);

	git_commit_free(c);
	return r;
}

int orch_commit_tree_id(git_repository *repo, const git_oid *commit, git_oid *out)
{
	git_commit *c = NULL;

	if (git_commit_lookup(&c, repo, commit) < 0)
		return orch_git_error("cannot read commit %s", orch_short_oid(commit));
	git_oid_cpy(out, git_commit_tree_id(c));
	git_commit_free(c);
	return 0;
}

int orch_branch_move(git_repository *repo, const char *branch, const git_oid *from, const git_oid *to,
		     const char *log)
{
	char *refname = xasprintf("refs/heads/%s", branch);
	git_reference *moved = NULL;
	int err = git_reference_create_matching(&moved, repo, refname, to, 1, from, log);

	git_reference_free(moved);
	free(refname);
	return err;
}

int orch_tree_index(git_index **out, git_repository *repo, const git_oid *tree)
{
	git_tree *t = NULL;
	int r;

	*out = NULL;
	r = git_tree_lookup(&t, repo, tree) < 0 || git_index_new(out) < 0 || git_index_read_tree(*out, t) < 0;
	if (r) {
		git_index_free(*out);
		*out = NULL;
	}
	git_tree_free(t);
	return r ? -1 : 0;
}

int orch_commit_diff(git_diff **out, git_repository *repo, const git_commit *commit,
		     const git_diff_options *opts)
{
	git_commit *parent = NULL;
	git_tree *old_tree = NULL, *new_tree = NULL;
	int r;

	*out = NULL;
	if (git_commit_parentcount(commit) > 0 &&
	    (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&old_tree, parent) < 0))
		r = -1;
	else
		r = git_commit_tree(&new_tree, commit) < 0 ||
		    git_diff_tree_to_tree(out, repo, old_tree, new_tree, opts) < 0 ? -1 : 0;
	git_tree_free(new_tree);
	git_tree_free(old_tree);
	git_commit_free(parent);
	return r;
}

int orch_revparse_commit(git_repository *repo, const char *spec, git_oid *out)
{
	git_object *obj = NULL, *peeled = NULL;
	int r = -1;

	if (git_revparse_single(&obj, repo, spec) == 0 && git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_cpy(out, git_object_id(peeled));
		r = 0;
	}
	git_object_free(peeled);
	git_object_free(obj);
	return r;
}
