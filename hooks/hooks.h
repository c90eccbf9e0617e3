#ifndef ORCH_HOOKS_H
#define ORCH_HOOKS_H

/*
 * The hooks that need libgit2 live in one program, orch-hooks-gate, which
 * picks the hook by the name it was run as (argv[0] is the hook's path, so
 * chained hooks are found beside it). Each returns the hook's exit status.
 */
int orch_hook_pre_merge_commit(int argc, char **argv);
int orch_hook_prepare_commit_msg(int argc, char **argv);
int orch_hook_post_merge(int argc, char **argv);
int orch_hook_post_commit(int argc, char **argv);
int orch_hook_pre_receive(int argc, char **argv);

/* The program the light front ends hand over to, installed beside the hooks. */
#define ORCH_GATE_PROGRAM "orch-hooks-gate"
/* How a front end tells the gate which hook it runs for. */
#define ORCH_GATE_HOOK_ENV "ORCH_HOOKS_GATE_HOOK"

/*
 * Written by pre-merge-commit when it approved a merge: lets
 * prepare-commit-msg, a few milliseconds later, trust that check for the
 * very same heads and pre-merge HEAD instead of loading libgit2 again.
 * Line 1 "protected" or "unprotected", line 2 ORIG_HEAD, then the heads.
 */
#define ORCH_PREMERGE_STAMP "orch-hooks-premerge-ok"
/* A stamp older than this is not trusted (a merge that was killed midway). */
#define ORCH_PREMERGE_STAMP_MAX_AGE 60

#endif
