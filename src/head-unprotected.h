#ifndef ORCH_HEAD_UNPROTECTED_H
#define ORCH_HEAD_UNPROTECTED_H

/*
 * The front ends' cheap question, answered from the files of git directory
 * `gitdir` alone, without libgit2 (loading it costs more than a commit).
 * 1 when HEAD is certainly a branch the policy leaves unprotected, by the
 * one rule (orch_branch_is_protected) the gate applies; 0 when it is
 * protected or anything is unsure: a detached HEAD, a branch that is itself
 * a symbolic ref, a policy that does not load (the gate then says why).
 */
int orch_head_certainly_unprotected(const char *gitdir);

#endif
