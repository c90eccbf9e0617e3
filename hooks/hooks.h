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

/* The files the hooks leave each other (the stamp, the marker) are src/handoff.h's. */

#endif
