#ifndef ORCH_HOOK_FAST_H
#define ORCH_HOOK_FAST_H

/*
 * The part of every hook that must stay cheap (hooks/hook-fast.c): no
 * libgit2, so the light front ends link it. hook.h has the rest.
 */

/* Embedded in every hook binary; `orch-hooks install` looks for it. */
extern const char orch_hook_marker[];

/* The git directory of this worktree as git handed it to us (caller frees). */
char *orch_hook_git_dir(void);

/* 1 if GIT_DIR-relative file `name` exists. */
int orch_hook_git_file_exists(const char *gitdir, const char *name);

#endif
