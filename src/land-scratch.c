#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkout-export.h"
#include "error.h"
#include "land-scratch.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "worktrees.h"

#define SCRATCH "orch-hooks/spec"

static char *scratch_root(git_repository *repo)
{
	return xasprintf("%s" SCRATCH, git_repository_path(repo));
}

/* A git command in the person's work tree, hooks off; a Ctrl-C it swallowed is raised again for land. */
static int git_quiet(git_repository *repo, const char *const *argv)
{
	struct orch_run_opts ro = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	int r;

	ro.argv = argv;
	ro.scrub_git_env = 1;
	ro.cwd = git_repository_workdir(repo);
	ro.timeout_ms = 300 * 1000;
	r = orch_run(&ro, &res);
	if (r < 0 && res.started && !res.interrupted)
		orch_say("  %s", orch_run_tail(&res, 3));
	orch_run_result_release(&res);
	if (orch_run_pending_signal())
		raise(orch_run_pending_signal());
	return r;
}

/*
 * The scratch directory and its parent must be real directories of ours (or
 * absent): through a symlink planted there, the sweep would remove entries
 * of another directory. Returns 1 when safe to use.
 */
static int no_symlink(const char *root)
{
	char *parent = xstrdup(root), *slash = strrchr(parent, '/');
	struct stat sb;
	int ok = 1;

	if (slash)
		*slash = '\0';
	if ((lstat(parent, &sb) == 0 && !S_ISDIR(sb.st_mode)) || (lstat(root, &sb) == 0 && !S_ISDIR(sb.st_mode))) {
		orch_error("'%s' or '%s' is not a directory (a symlink?): land -j does not use it; remove it",
			   parent, root);
		ok = 0;
	}
	free(parent);
	return ok;
}

static int make_dirs(const char *root)
{
	char *parent = xstrdup(root);
	char *slash = strrchr(parent, '/');
	int r = 0;

	if (slash) {
		*slash = '\0';
		if (mkdir(parent, 0777) < 0 && errno != EEXIST)
			r = -1;
	}
	if (r == 0 && mkdir(root, 0777) < 0 && errno != EEXIST)
		r = -1;
	free(parent);
	return r < 0 ? orch_error("cannot make '%s': %s", root, strerror(errno)) : 0;
}

int land_scratch_add(git_repository *repo, size_t n, const git_oid *commit, char **out)
{
	char *root = scratch_root(repo), *path = xasprintf("%s/%zu", root, n);
	char hex[GIT_OID_HEXSZ + 1];
	const char *argv[] = { "git", "-c", "core.hooksPath=/dev/null", "worktree", "add", "--detach", "--quiet",
			       path, git_oid_tostr(hex, sizeof(hex), commit), NULL };
	struct stat sb;
	int ok = no_symlink(root) && make_dirs(root) == 0;

	/* Whatever is there (a leftover, something planted, a dangling symlink) goes first. */
	if (ok && lstat(path, &sb) == 0)
		land_scratch_remove(repo, path);
	if (ok && git_quiet(repo, argv) < 0) {
		orch_error("cannot make a worktree to test %s in ('%s')", orch_short_oid(commit), path);
		land_scratch_remove(repo, path);
		ok = 0;
	}
	free(root);
	*out = ok ? path : NULL;
	if (!ok)
		free(path);
	return ok ? 0 : -1;
}

void land_scratch_remove(git_repository *repo, const char *path)
{
	const char *rm[] = { "git", "worktree", "remove", "--force", "--force", path, NULL };
	const char *prune[] = { "git", "worktree", "prune", NULL };
	struct stat sb;

	if (git_quiet(repo, rm) < 0 || lstat(path, &sb) == 0) {
		/* Half made, or git would not: the directory goes, then git forgets it. */
		if (lstat(path, &sb) == 0)
			orch_remove_dir(path);
		git_quiet(repo, prune);
	}
}

/* Removes every numbered entry of the scratch directory; how many there were. */
static size_t sweep(git_repository *repo, const char *root, int say)
{
	DIR *d = no_symlink(root) ? opendir(root) : NULL;
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d))) {
		char *path;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		path = xasprintf("%s/%s", root, e->d_name);
		if (say)
			orch_say("removing the speculative worktree '%s' a land left behind", path);
		land_scratch_remove(repo, path);
		free(path);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static long owner_of(const char *root)
{
	char *path = xasprintf("%s/owner", root);
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	free(path);
	/* A pid that is gone (or not ours to signal and not alive) owns nothing. */
	if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		pid = 0;
	return pid;
}

int land_scratch_claim(git_repository *repo)
{
	char *root = scratch_root(repo), *path = xasprintf("%s/owner", root);
	long owner = owner_of(root);
	FILE *f;
	int ret = -1;

	if (!no_symlink(root))
		goto done;
	if (owner > 0 && owner != (long)getpid()) {
		orch_error("another land (pid %ld) is testing in '%s'; wait for it, or stop it first", owner, root);
		goto done;
	}
	sweep(repo, root, 1);
	if (make_dirs(root) < 0)
		goto done;
	f = fopen(path, "w");
	if (!f) {
		orch_error("cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	fprintf(f, "%ld\n", (long)getpid());
	ret = fclose(f) == 0 ? 0 : orch_error("cannot write '%s': %s", path, strerror(errno));
done:
	free(path);
	free(root);
	return ret;
}

/* Everything in the scratch directory goes; `say`: name what a killed land left. */
static void clear(git_repository *repo, int say)
{
	char *root = scratch_root(repo), *path = xasprintf("%s/owner", root);
	struct stat sb;

	if (lstat(root, &sb) == 0 && no_symlink(root)) {
		sweep(repo, root, say);
		unlink(path);
		rmdir(root);
		*strrchr(root, '/') = '\0';
		rmdir(root);	/* orch-hooks/, when nothing else is in it */
	}
	free(path);
	free(root);
}

void land_scratch_release(git_repository *repo)
{
	clear(repo, 0);
}

void land_scratch_tidy(git_repository *repo)
{
	char *root = scratch_root(repo);
	long owner = owner_of(root);

	if (owner <= 0 || owner == (long)getpid())
		clear(repo, 1);
	free(root);
}

static void add_seen(struct land_scratch_seen **out, size_t *n, const char *path, long owner)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*out)[i].path, path))
			return;
	*out = xrealloc(*out, (*n + 1) * sizeof(**out));
	(*out)[*n].path = xstrdup(path);
	(*out)[*n].owner = owner;
	(*n)++;
}

size_t land_scratch_list(git_repository *repo, struct land_scratch_seen **out)
{
	struct orch_worktree *wts = NULL;
	char *root = scratch_root(repo);
	size_t nwt = 0, n = 0, i;
	DIR *d;
	struct dirent *e;

	*out = NULL;
	if (orch_worktrees_list(repo, &wts, &nwt) == 0)
		for (i = 0; i < nwt; i++) {
			const char *at = strstr(wts[i].path, "/" SCRATCH "/");

			if (at) {
				char *owner_root = xstrndup(wts[i].path, (size_t)(at - wts[i].path) + 1 + strlen(SCRATCH));

				add_seen(out, &n, wts[i].path, owner_of(owner_root));
				free(owner_root);
			}
		}
	orch_worktrees_free(wts, nwt);
	for (d = no_symlink(root) ? opendir(root) : NULL; d && (e = readdir(d));) {
		char *path;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		path = xasprintf("%s/%s", root, e->d_name);
		add_seen(out, &n, path, owner_of(root));
		free(path);
	}
	if (d)
		closedir(d);
	free(root);
	return n;
}

void land_scratch_seen_free(struct land_scratch_seen *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(s[i].path);
	free(s);
}
