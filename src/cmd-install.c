/*
 * orch-hooks install / uninstall: copy the compiled hooks into a
 * repository (never pointing back into a build tree), next to whatever
 * hooks the repository already has, and take exactly that back out.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "files.h"
#include "parse-options.h"
#include "policy.h"
#include "protected.h"
#include "repo.h"
#include "strbuf.h"

/*
 * orch-hooks-gate is no hook: the hooks, light front ends, hand over to it.
 * It is the one program with libgit2 in a repository; a server's pre-receive
 * is that same program under the hook's name.
 */
static const char *const local_hooks[] = { "pre-merge-commit", "prepare-commit-msg", "post-merge",
					    "post-commit", "orch-hooks-gate", NULL };
static const char *const server_hooks[] = { "pre-receive", NULL };

#define CHAINED_SUFFIX ".orch-chained"
#define FORCED_SUFFIX ".orig"

enum mode { MODE_REFUSE, MODE_CHAIN, MODE_FORCE };

static int read_all(const char *path, struct strbuf *sb)
{
	return orch_read_file(sb, path, ORCH_READ_PROGRAM);
}

/* 1 if the file at path is one of our hook binaries. */
static int is_ours(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int r = 0;

	if (read_all(path, &sb) == 0)
		r = memmem(sb.buf, sb.len, ORCH_HOOK_MARKER, strlen(ORCH_HOOK_MARKER)) != NULL;
	strbuf_release(&sb);
	return r;
}

static int same_content(const char *a, const char *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	int r = read_all(a, &x) == 0 && read_all(b, &y) == 0 && x.len == y.len &&
		!memcmp(strbuf_str(&x), strbuf_str(&y), x.len);

	strbuf_release(&x);
	strbuf_release(&y);
	return r;
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Copies src to dst through a temporary file and rename, so a hook is never half-written. */
static int copy_file(const char *src, const char *dst, mode_t mode)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;

	if (read_all(src, &sb) < 0)
		orch_error("cannot read '%s': %s", src, strerror(errno));
	else if (orch_write_file_atomic_mode(dst, strbuf_str(&sb), sb.len, mode) < 0)
		orch_error("cannot install '%s': %s", dst, strerror(errno));
	else
		ret = 0;
	strbuf_release(&sb);
	return ret;
}

/*
 * Hook managers move a hook they did not write aside under a name of their
 * own (pre-commit: NAME.legacy, lefthook: NAME.old) and may run it from
 * there. A copy of the gate left so would run it twice, or loop through
 * the chained hook: remove every copy of ours beside NAME. Returns how many.
 */
static size_t remove_moved_copies(const char *dir, const char *name)
{
	size_t len = strlen(name), removed = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *path;

		if (strncmp(de->d_name, name, len) || de->d_name[len] != '.' ||
		    !strcmp(de->d_name + len, CHAINED_SUFFIX) || !strcmp(de->d_name + len, FORCED_SUFFIX))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (is_ours(path) && unlink(path) == 0) {
			orch_say("removed '%s', a copy of the gate a hook manager had moved aside", path);
			removed++;
		}
		free(path);
	}
	closedir(d);
	return removed;
}

static int mkdir_p(const char *dir)
{
	char *copy = xstrdup(dir), *p;
	int ret = 0;

	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0777) < 0 && errno != EEXIST)
			ret = -1;
		*p = '/';
	}
	if (mkdir(copy, 0777) < 0 && errno != EEXIST)
		ret = -1;
	if (ret < 0)
		orch_error("cannot create directory '%s': %s", dir, strerror(errno));
	free(copy);
	return ret;
}

/*
 * Where git looks for hooks: core.hooksPath when set (relative to the top of
 * the work tree), else the common directory's hooks/ (shared by worktrees).
 */
static char *hooks_dir(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	char *dir = NULL, *common;

	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&value, cfg, "core.hooksPath") == 0 && value.size) {
		if (value.ptr[0] == '/') {
			dir = xstrdup(value.ptr);
		} else if (value.ptr[0] == '~' && value.ptr[1] == '/' && getenv("HOME")) {
			dir = xasprintf("%s%s", getenv("HOME"), value.ptr + 1);
		} else {
			const char *top = git_repository_workdir(repo);

			orch_say("warning: core.hooksPath '%s' is relative: git looks for it in each work "
				 "tree, so linked worktrees without it run no hooks at all; prefer an "
				 "absolute path", value.ptr);
			dir = xasprintf("%s%s", top ? top : git_repository_path(repo), value.ptr);
		}
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	if (dir)
		return dir;
	common = orch_repo_commondir(repo);
	dir = xasprintf("%s/hooks", common);
	free(common);
	return dir;
}

static int write_default_policy(const char *commondir, int *wrote)
{
	char *dst = xasprintf("%s/orch-hooks.ini", commondir);
	char *src = orch_policy_system_path();
	int ret = 0;

	*wrote = 0;
	if (exists(dst))
		goto done;
	if (access(src, R_OK) == 0) {
		ret = copy_file(src, dst, 0644);
	} else {
		/* No system policy: write the defaults so there is a file to edit. */
		static const char defaults[] =
			"# orch-hooks policy (see orch-hooks(1)); written by 'orch-hooks install'\n"
			"[branches]\nprotected = main master\n\n[notes]\nref = refs/notes/verdicts\n";

		if (orch_write_file_atomic_mode(dst, defaults, sizeof(defaults) - 1, 0644) < 0)
			ret = orch_error("cannot write '%s': %s", dst, strerror(errno));
	}
	if (!ret) {
		*wrote = 1;
		orch_say("wrote the default policy to '%s'; edit it to name your reviewer and tests", dst);
	}
done:
	free(src);
	free(dst);
	return ret;
}

/*
 * Notes never travel by default. Make a plain `git fetch` bring every remote's
 * notes into remote-tracking notes refs (refs/notes/remotes/REMOTE/...),
 * where `orch-hooks sync` merges them. A pattern, because fetching an exact
 * ref the remote does not have yet would make every `git fetch` fail. What a
 * plain `git push` pushes stays as it was: remote.*.push is not touched.
 */
static int configure_notes_fetch(git_repository *repo)
{
	git_strarray remotes = { .strings = NULL };
	size_t i, j;
	int ret = 0;

	if (git_remote_list(&remotes, repo) < 0)
		return orch_git_error("cannot list the remotes");
	for (i = 0; i < remotes.count && !ret; i++) {
		git_strarray specs = { .strings = NULL };
		git_remote *remote = NULL;
		char *spec = xasprintf("+refs/notes/*:refs/notes/remotes/%s/*", remotes.strings[i]);
		int have = 0;

		if (git_remote_lookup(&remote, repo, remotes.strings[i]) < 0 ||
		    git_remote_get_fetch_refspecs(&specs, remote) < 0) {
			ret = orch_git_error("cannot read remote '%s'", remotes.strings[i]);
		} else {
			for (j = 0; j < specs.count; j++)
				have |= !strcmp(specs.strings[j], spec);
			if (!have && git_remote_add_fetch(repo, remotes.strings[i], spec) < 0)
				ret = orch_git_error("cannot configure remote '%s'", remotes.strings[i]);
			else if (!have)
				orch_say("'git fetch %s' now also fetches its verdicts (into refs/notes/remotes/%s/); "
					 "share yours with 'orch-hooks sync %s'",
					 remotes.strings[i], remotes.strings[i], remotes.strings[i]);
		}
		git_strarray_dispose(&specs);
		git_remote_free(remote);
		free(spec);
	}
	git_strarray_dispose(&remotes);
	return ret;
}

struct plan {
	const char *name;
	char *src, *dst;
	enum { P_NEW, P_SAME, P_UPDATE, P_FOREIGN, P_REWRITTEN } state;
};

/* A misspelt protected branch protects nothing: say so, without failing the install. */
static void warn_unmatched_patterns(git_repository *repo, const char *commondir)
{
	struct orch_policy policy;

	orch_policy_init(&policy);
	/* A policy that does not load has said why; every gate will refuse until it is fixed. */
	if (orch_policy_load(&policy, commondir) == 0)
		orch_protected_warn_unmatched(repo, &policy);
	orch_policy_release(&policy);
}

/*
 * Decide what installing hook `name` into dir does. Returns 0, 1 when a hook
 * we did not install stands in the way (said why), -1 on an error (said).
 */
static int plan_hook(struct plan *p, const char *name, const char *dir, git_repository *repo, enum mode mode,
		     int server)
{
	const char *manager;
	int foreign = 0;

	p->name = name;
	p->src = orch_hook_program(name);
	p->dst = xasprintf("%s/%s", dir, name);
	if (access(p->src, X_OK) != 0)
		return orch_error("hook program '%s' is missing; run 'make install' (or set "
				  "ORCH_HOOKS_LIBEXECDIR to where the hooks were built)", p->src);
	if (!exists(p->dst))
		p->state = P_NEW;
	else if (!is_ours(p->dst))
		p->state = P_FOREIGN;
	else if (same_content(p->src, p->dst))
		p->state = P_SAME;
	else
		p->state = P_UPDATE;
	if (p->state == P_FOREIGN && !server &&
	    orch_doctor_hook_runs_gate(dir, p->name, git_repository_workdir(repo), 0, &manager)) {
		/* Installing too would run the gate twice. */
		orch_say("'%s' runs the gate already (from %s's configuration): left as it is", p->dst,
			 manager ? manager : "its own text");
		p->state = P_SAME;
	}
	if (p->state == P_FOREIGN) {
		const char *aside = mode == MODE_CHAIN ? CHAINED_SUFFIX : FORCED_SUFFIX;
		char *kept = xasprintf("%s%s", p->dst, aside);

		if (mode == MODE_REFUSE) {
			orch_error("'%s' is a hook orch-hooks did not install; keep it and run it "
				   "first with 'orch-hooks install --chain', or move it aside to "
				   "%s.orig with 'orch-hooks install --force'", p->dst, p->name);
			foreign = 1;
		} else if (exists(kept) && same_content(p->dst, kept)) {
			/* A hook manager wrote its hook over ours again: the copy is kept already. */
			p->state = P_REWRITTEN;
		} else if (exists(kept)) {
			orch_error("cannot move '%s' aside: '%s' already exists and differs; keep the one "
				   "you want as '%s', remove the other, and install again", p->dst, kept,
				   kept);
			foreign = 1;
		}
		free(kept);
	}
	return foreign;
}

/* Carry out one planned hook: move a foreign hook aside, then copy ours in. */
static int apply_plan(const struct plan *p, enum mode mode)
{
	if (p->state == P_FOREIGN) {
		char *kept = xasprintf("%s%s", p->dst, mode == MODE_CHAIN ? CHAINED_SUFFIX : FORCED_SUFFIX);

		if (rename(p->dst, kept) < 0) {
			orch_error("cannot move '%s' aside: %s", p->dst, strerror(errno));
			free(kept);
			return -1;
		}
		orch_say("%s '%s' to '%s'", mode == MODE_CHAIN ? "kept (it runs first)" : "moved aside",
			 p->dst, kept);
		free(kept);
	}
	if (copy_file(p->src, p->dst, 0755) < 0)
		return -1;
	orch_say("%s %s", p->state == P_UPDATE ? "updated" : p->state == P_REWRITTEN ?
		 "reinstalled (over a hook manager's copy of the hook it already runs first)" :
		 "installed", p->dst);
	return 0;
}

static int install(const char *path, enum mode mode, int server)
{
	const char *const *names = server ? server_hooks : local_hooks;
	git_repository *repo = NULL;
	struct plan plans[8];
	char *dir = NULL, *common = NULL;
	size_t i, n = 0, changed = 0;
	int ret = 128, foreign = 0, wrote_policy, r;

	memset(plans, 0, sizeof(plans));
	if (orch_repo_open_path(&repo, path) < 0)
		goto done;
	if (server && !git_repository_is_bare(repo)) {
		orch_error("'%s' is not a bare repository; --server installs the push gate into the "
			   "shared bare repository people push to", path ? path : ".");
		goto done;
	}
	dir = hooks_dir(repo);
	common = orch_repo_commondir(repo);

	/* Plan every hook first: either all of them go in, or none. */
	for (n = 0; names[n];) {
		r = plan_hook(&plans[n], names[n], dir, repo, mode, server);
		n++;
		if (r < 0)
			goto done;
		if (r > 0)
			foreign = 1;
	}
	if (foreign) {
		ret = 1;
		goto done;
	}
	if (mkdir_p(dir) < 0)
		goto done;

	for (i = 0; i < n; i++) {
		if (plans[i].state == P_SAME)
			continue;
		if (apply_plan(&plans[i], mode) < 0)
			goto done;
		changed++;
	}
	for (i = 0; i < n && !server; i++)
		remove_moved_copies(dir, plans[i].name);
	if (write_default_policy(common, &wrote_policy) < 0)
		goto done;
	if (!server && !git_repository_is_bare(repo) && configure_notes_fetch(repo) < 0)
		goto done;
	if (!changed)
		orch_say("already installed in '%s': nothing to do", dir);
	warn_unmatched_patterns(repo, common);
	ret = 0;
done:
	for (i = 0; i < n; i++) {
		free(plans[i].src);
		free(plans[i].dst);
	}
	free(dir);
	free(common);
	git_repository_free(repo);
	return ret;
}

static int uninstall(struct orch_cmd_ctx *ctx, const char *path)
{
	const char *const *sets[] = { local_hooks, server_hooks };
	git_repository *repo = NULL;
	char *dir = NULL;
	size_t s, i, removed = 0;
	int ret = 128;

	(void)ctx;	/* no flags: DIR names the repository */

	if (orch_repo_open_path(&repo, path) < 0)
		goto done;
	dir = hooks_dir(repo);
	ret = 0;
	for (s = 0; s < 2; s++) {
		for (i = 0; sets[s][i]; i++) {
			char *dst = xasprintf("%s/%s", dir, sets[s][i]);
			char *chained = xasprintf("%s%s", dst, CHAINED_SUFFIX);
			char *orig = xasprintf("%s%s", dst, FORCED_SUFFIX);

			if (exists(dst) && is_ours(dst)) {
				if (unlink(dst) < 0) {
					ret = 128;
					orch_error("cannot remove '%s': %s", dst, strerror(errno));
				} else {
					orch_say("removed %s", dst);
					removed++;
				}
			}
			/* not for pre-receive: gitolite links hooks as pre-receive.h00-NAME */
			if (sets[s] == local_hooks)
				removed += remove_moved_copies(dir, sets[s][i]);
			if (exists(dst) && exists(chained) && same_content(dst, chained)) {
				/* A hook manager put its hook back over ours: the chained copy is a duplicate. */
				if (unlink(chained) == 0)
					orch_say("removed %s (the same hook is back at %s)", chained, dst);
			} else if (exists(dst) && exists(chained)) {
				orch_say("warning: kept '%s': '%s' was replaced by another hook meanwhile; "
					 "look at both and remove the one you do not want", chained, dst);
			}
			if (!exists(dst) && (exists(chained) || exists(orig))) {
				const char *back = exists(chained) ? chained : orig;

				if (rename(back, dst) < 0) {
					ret = 128;
					orch_error("cannot restore '%s': %s", back, strerror(errno));
				} else {
					orch_say("restored %s", dst);
				}
			}
			free(dst);
			free(chained);
			free(orig);
		}
	}
	if (!removed && !ret)
		orch_say("not installed in '%s': nothing to remove", dir);
	else if (!ret)
		orch_say("the policy and the verdict notes are kept");
done:
	free(dir);
	git_repository_free(repo);
	return ret;
}

static int cmd_install(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	int chain = 0, force = 0, server = 0, nargs;
	const struct orch_option options[] = {
		OPT_BOOL(0, "chain", &chain, "keep a hook found there as NAME.orch-chained; it runs first"),
		OPT_BOOL(0, "force", &force, "move a hook found there aside to NAME.orig"),
		OPT_BOOL(0, "server", &server, "install the pre-receive gate into a bare repository"),
		OPT_EXITS("0 installed, or already installed\n"
			  "1 refused: a hook it did not install is in the way (see --chain and --force)"),
		OPT_END(),
	};

	nargs = orch_parse_options(argc, argv, options, &orch_cmd_install);
	if (nargs < 0)
		return ORCH_EXIT_USAGE;
	if (nargs > 1 || (chain && force)) {
		if (chain && force)
			orch_error("--chain and --force exclude each other");
		return orch_usage(&orch_cmd_install);
	}
	return install(nargs ? argv[0] : NULL, chain ? MODE_CHAIN : force ? MODE_FORCE : MODE_REFUSE, server);
}

static int cmd_uninstall(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	return orch_run_one_operand(argc, argv, ctx, "0 done (also when nothing was installed)",
				    NULL, uninstall);
}

/* No flags: DIR names the repository (default: the cwd's), which need not have a policy yet. */
ORCH_CMD_DEFINE(install, 0, "install [--chain | --force] [--server] [DIR]",
		"put the gate's hooks into the repository at DIR (default: this one)");

/* No flags: DIR names the repository, as for install. */
ORCH_CMD_DEFINE(uninstall, 0, "uninstall [DIR]",
		"take out exactly the hooks install put in, restoring any it moved aside");
