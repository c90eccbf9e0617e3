#!/bin/sh
test_description='living with pre-commit, husky and lefthook: the gate stays, user hooks run, no loops, clean uninstall'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# husky and lefthook come from npm, installed by scripts/deps.sh into a cache.
NPM_DIR=${ORCH_HOOKS_NPM_DIR:-/var/cache/orch-hooks-ci/npm}
HUSKY="$NPM_DIR/node_modules/husky/bin.js"
LEFTHOOK="$NPM_DIR/node_modules/.bin/lefthook"

# The documented snippets, as a user would paste them (doc/hook-managers.md).
SNIPPETS="$ORCH_HOOKS_SRC/doc/hook-managers"

# repo DIR: a repository on main with one commit, a file the user hooks
# append to, and branches 'good' (reviewed) and 'bad' (unreviewed).
repo() {
	git init -q "$1" &&
	(cd "$1" && test_commit initial &&
	 printf "[branches]\nprotected = main\n" >.git/orch-hooks.ini &&
	 git checkout -q -b good main && test_commit good && git checkout -q main &&
	 git checkout -q -b bad main && test_commit bad && git checkout -q main &&
	 orch-hooks verdict set PASS good >/dev/null 2>&1)
}

# gate_holds: in the current repository, 'bad' cannot be merged into main,
# 'good' can; each merge starts from the same main.
gate_holds() {
	start=$(git rev-parse main) &&
	test_must_fail git merge -q --no-ff -m "Merge bad" bad 2>merge-bad.err &&
	test_grep "merge into protected branch .main. refused" merge-bad.err &&
	git merge --abort 2>/dev/null; git reset -q --hard "$start" &&
	git merge -q --no-ff -m "Merge good" good 2>merge-good.err &&
	test "$(git rev-parse main^2)" = "$(git rev-parse good)" &&
	git reset -q --hard "$start"
}

# nothing_left DIR: no copy of the gate and no chained hook in hooks dir DIR.
nothing_left() {
	for f in "$1"/*; do
		case $f in *.orch-chained) echo "left behind: $f" >&2; return 1 ;; esac
		if [ -f "$f" ] && grep -q "orch-hooks installed hook, format 1" "$f" 2>/dev/null; then
			echo "left behind: $f" >&2; return 1
		fi
	done
	return 0
}

test_expect_success 'the hook entry point: unknown names are refused, arguments and stdin pass through' '
	test_must_fail orch-hooks hook pre-push 2>err &&
	test_grep "not a hook of the gate" err &&
	git init -q --bare gitolite-admin.git && git init -q --bare other.git &&
	(cd gitolite-admin.git &&
	 echo "0000 1111 refs/heads/master" | GL_REPO=gitolite-admin orch-hooks hook pre-receive 2>../err) &&
	test_grep "gitolite-admin is gitolite.s own configuration" err &&
	(cd other.git &&
	 echo "0000 1111 refs/heads/master" >../lines &&
	 test_must_fail env GL_REPO=gitolite-admin orch-hooks hook pre-receive <../lines 2>../err) &&
	test_grep ! "gitolite-admin is gitolite.s own" err &&
	test_grep "orch-hooks:" err
'

# pre_commit_user_hook: a user post-merge hook appended to the local hooks
# of .pre-commit-config.yaml, committed, merged into 'good' (which stays
# reviewed), back on main.
pre_commit_user_hook() {
	cat >>.pre-commit-config.yaml <<-\EOF &&
	      - id: user-post-merge
	        name: the user hook
	        entry: sh -c "echo ran >>user-hook.log"
	        language: system
	        stages: [post-merge]
	        always_run: true
	        pass_filenames: false
	EOF
	git add .pre-commit-config.yaml && git commit -q -m "pre-commit config" &&
	git checkout -q good && git merge -q main && git checkout -q main &&
	orch-hooks verdict set PASS good >/dev/null 2>&1
}

# ---- pre-commit ---------------------------------------------------------
if command -v pre-commit >/dev/null 2>&1; then
	test_expect_success 'pre-commit: the gate from .pre-commit-config.yaml, beside a user hook' '
		repo pc && cd pc &&
		cp "$SNIPPETS/pre-commit-config.yaml" .pre-commit-config.yaml &&
		pre_commit_user_hook &&
		pre-commit install >/dev/null &&
		test_must_fail grep -q "orch-hooks installed hook, format 1" .git/hooks/pre-merge-commit &&
		gate_holds &&
		test_grep ran user-hook.log &&
		orch-hooks doctor >out 2>err &&
		test_grep "runs the gate (pre-commit)" out
	'

	test_expect_success 'pre-commit: install leaves hooks that run the gate from the configuration alone' '
		cd pc && orch-hooks install >out 2>&1 &&
		test_grep "runs the gate already (from pre-commit.s configuration): left as it is" out &&
		test_must_fail grep -q "orch-hooks installed hook" .git/hooks/post-merge &&
		rm -f user-hook.log && gate_holds && test "$(grep -c ran user-hook.log)" = 1
	'

	test_expect_success 'pre-commit: install --chain, then pre-commit install again: no loop, gate and user hook run once' '
		repo pc2 && cd pc2 &&
		cat >.pre-commit-config.yaml <<-\EOF &&
		default_install_hook_types: [pre-merge-commit, post-merge]
		repos:
		  - repo: local
		    hooks:
		EOF
		pre_commit_user_hook &&
		pre-commit install >/dev/null &&
		orch-hooks install --chain >/dev/null 2>&1 &&
		pre-commit install >/dev/null &&
		test -f .git/hooks/post-merge.legacy &&
		gate_holds &&
		test "$(grep -c ran user-hook.log)" = 1 &&
		test_must_fail grep "migration mode" merge-good.err &&
		orch-hooks doctor >/dev/null &&
		orch-hooks install --chain >out 2>&1 &&
		test_grep "a copy of the gate a hook manager had moved aside" out &&
		! test -e .git/hooks/post-merge.legacy &&
		rm user-hook.log && gate_holds && test "$(grep -c ran user-hook.log)" = 1
	'

	test_expect_success 'pre-commit: uninstall leaves pre-commit alone and nothing of ours behind' '
		cd pc2 && pre-commit install >/dev/null &&
		orch-hooks uninstall >/dev/null 2>&1 &&
		nothing_left .git/hooks &&
		grep -q "File generated by pre-commit" .git/hooks/post-merge &&
		rm -f user-hook.log && git merge -q --no-ff -m "Merge good" good && test_grep ran user-hook.log
	'
else
	test_skip 'pre-commit' 'pre-commit is not installed (scripts/deps.sh installs it)'
fi

# ---- husky ----------------------------------------------------------------
if [ -f "$HUSKY" ] && command -v node >/dev/null 2>&1; then
	test_expect_success 'husky: install --chain keeps the user hooks running (they are picked by $0)' '
		repo hu && cd hu &&
		node "$HUSKY" >/dev/null &&
		test "$(git config core.hooksPath)" = .husky/_ &&
		echo "echo \"post-merge \$1\" >>user-hook.log" >.husky/post-merge &&
		orch-hooks install --chain >/dev/null 2>&1 &&
		test -f .husky/_/post-merge.orch-chained &&
		gate_holds &&
		test_grep "post-merge 0" user-hook.log
	'

	test_expect_success 'husky: npx husky puts its stubs back; doctor says so; .husky/NAME brings the gate back' '
		cd hu && node "$HUSKY" >/dev/null &&
		test_must_fail orch-hooks doctor >out 2>err &&
		test_grep "is husky.s and does not run the gate" err &&
		for h in pre-merge-commit prepare-commit-msg post-merge post-commit; do
			cat "$SNIPPETS/husky/$h" >>".husky/$h" || exit 1
		done &&
		orch-hooks doctor >out &&
		rm -f user-hook.log && gate_holds && test_grep "post-merge 0" user-hook.log &&
		node "$HUSKY" >/dev/null && gate_holds
	'

	test_expect_success 'husky: uninstall leaves no chained hooks behind' '
		cd hu && orch-hooks uninstall >/dev/null 2>&1 &&
		nothing_left .husky/_ &&
		test -f .husky/_/post-merge
	'
else
	test_skip 'husky' "husky is not installed in $NPM_DIR (scripts/deps.sh installs it)"
fi

# ---- lefthook -------------------------------------------------------------
if [ -x "$LEFTHOOK" ]; then
	PATH="$NPM_DIR/node_modules/.bin:$PATH"
	test_expect_success 'lefthook: its re-sync moves the gate aside; doctor says so; a second install --chain repairs' '
		repo lh && cd lh &&
		printf "post-merge:\n  commands:\n    user:\n      run: echo one >>user-hook.log\n" >lefthook.yml &&
		lefthook install >/dev/null 2>&1 &&
		orch-hooks install --chain >/dev/null 2>&1 &&
		gate_holds && test_grep one user-hook.log &&
		printf "post-merge:\n  commands:\n    user:\n      run: echo two >>user-hook.log\n" >lefthook.yml &&
		git merge -q --no-ff -m "Merge good" good && git reset -q --hard HEAD^ &&
		test -f .git/hooks/post-merge.old &&
		test_must_fail orch-hooks doctor >out 2>err &&
		test_grep "post-merge. is lefthook.s and does not run the gate (the gate was moved aside to .*post-merge.old" err &&
		orch-hooks install --chain >/dev/null 2>&1 &&
		! test -e .git/hooks/post-merge.old &&
		orch-hooks doctor >/dev/null &&
		gate_holds && test_grep two user-hook.log
	'

	test_expect_success 'lefthook: the gate in lefthook.yml survives its re-sync, beside the user command' '
		cd lh && orch-hooks uninstall >/dev/null 2>&1 && nothing_left .git/hooks &&
		cp "$SNIPPETS/lefthook.yml" lefthook.yml &&
		printf "    user:\n      run: echo three >>user-hook.log\n" >>lefthook.yml &&
		lefthook install >/dev/null 2>&1 &&
		orch-hooks doctor >out &&
		test_grep "runs the gate (lefthook)" out &&
		gate_holds && test_grep three user-hook.log &&
		echo "# changed" >>lefthook.yml && git merge -q --no-ff -m "Merge good" good && git reset -q --hard HEAD^ &&
		gate_holds && orch-hooks doctor >/dev/null
	'
else
	test_skip 'lefthook' "lefthook is not installed in $NPM_DIR (scripts/deps.sh installs it)"
fi

test_done
