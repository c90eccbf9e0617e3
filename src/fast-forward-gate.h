#ifndef ORCH_FAST_FORWARD_GATE_H
#define ORCH_FAST_FORWARD_GATE_H

#include <git2.h>

#include "gate-lock.h"
#include "policy.h"
#include "test-gate.h"

/*
 * A fast-forward of a protected branch runs no merge gate, so post-merge
 * judges it: the commit it brings needs a PASS verdict, with the merge
 * gate's own rules ([branches] require_signed included). A fast-forward to
 * a commit the upstream already has is the server's to gate: *upstream is
 * set and nothing is tested here. Returns 0 when the fast-forward may stay,
 * 1 when it was refused and undone, -1 when it could not be undone (said).
 */
int orch_fast_forward_gate(git_repository *repo, const struct orch_policy *policy, const struct orch_landed *l,
			   struct orch_gate_lock *lock, int *upstream);

#endif
