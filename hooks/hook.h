#ifndef ORCH_HOOK_H
#define ORCH_HOOK_H

#include <stddef.h>

#include "hook-fast.h"

/*
 * What every installed hook shares (hooks/hook.c), beside the cheap part in
 * hook-fast.h (the git directory, the marker). Chained hooks and the skip
 * switch work without libgit2 too, so a hook with nothing to check returns
 * in about a millisecond.
 */

/*
 * Runs the hook that `orch-hooks install --chain` kept aside, if any, with
 * our arguments and `input` on its stdin. Returns its exit status (0 if there
 * is none); a chained hook that fails makes the gate fail.
 */
int orch_hook_run_chained(const char *argv0, const char *name, int argc, char **argv,
			  const char *input, size_t input_len);

/*
 * ORCH_HOOKS_SKIP=reason: the person bypasses the local gate on purpose.
 * Announces it loudly, appends it to the skip log, and returns 1.
 */
int orch_hook_skipped(const char *name, const char *gitdir);

/*
 * For the hooks that may undo a merge: a file-size limit makes writes fail
 * (EFBIG), which the undo handles, instead of killing us half-way. Ctrl-C and
 * friends are for the tests: orch_run passes them on while they run; here
 * they must not stop an undo.
 */
void orch_hook_hold_signals(void);

#endif
