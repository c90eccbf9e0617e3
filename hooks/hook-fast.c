/*
 * The part of every hook that must stay cheap: finding the git directory
 * and looking at files in it, with no libgit2. The light front ends of
 * prepare-commit-msg and post-commit link only this (and strbuf).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "hook-fast.h"
#include "strbuf.h"

__attribute__((used)) const char orch_hook_marker[] = ORCH_HOOK_MARKER;

char *orch_hook_git_dir(void)
{
	const char *env = getenv("GIT_DIR");
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	char *dir;

	if (env && *env)
		return xstrdup(env);
	if (stat(".git", &st) == 0 && S_ISDIR(st.st_mode))
		return xstrdup(".git");
	/* A ".git" file ("gitdir: <path>"), as in submodules. */
	if (orch_read_file(&sb, ".git", ORCH_READ_GIT_STATE) == 0 && starts_with(sb.buf, "gitdir: ")) {
		strbuf_rtrim(&sb);
		dir = xstrdup(sb.buf + strlen("gitdir: "));
		strbuf_release(&sb);
		return dir;
	}
	strbuf_release(&sb);
	return xstrdup(".git");
}

int orch_hook_git_file_exists(const char *gitdir, const char *name)
{
	char *path = xasprintf("%s/%s", gitdir, name);
	int r = access(path, F_OK) == 0;

	free(path);
	return r;
}

