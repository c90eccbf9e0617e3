#!/bin/sh
test_description='review without a sandbox in a busy repository: other workers never void it, a tampering reviewer does'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

export TMPDIR="$TRASH/tmp"

. "$ORCH_HOOKS_SRC/t/lib-busy.sh"
BUSY_PATH="$TRASH/nobwrap"

notes_tip() {
	git -C r rev-parse --verify -q refs/notes/verdicts || echo none
}

test_expect_success 'setup: a repository, a colleague worktree, an upstream, bwrap hidden' '
	hide_bwrap &&
	setup_busy &&
	cp r/.git/hooks/post-merge saved-post-merge
'

for round in 1 2 3
do
	test_expect_success "busy round $round: the default sandbox falls back in one line, and the review PASSes" '
		reviewer "git --git-dir=\"\$ORCH_REPO\" log --oneline -1 >/dev/null" &&
		busy_review "pass$round" &&
		echo 0 >expect && test_cmp expect "pass$round.rc" &&
		test $(grep -c "no sandbox: bubblewrap cannot make one here" "pass$round") = 1 &&
		test_grep "^feat  *[0-9a-f]*  *PASS" "pass$round" &&
		test_grep ! "review void" "pass$round" &&
		git -C r notes --ref=refs/notes/verdicts show feat >note &&
		test_grep "^Verdict: PASS$" note &&
		test_grep ! "(sandbox: bwrap)" note &&
		git -C r config "branch.wt-pass$round.merge" &&
		test -z "$(ls -A tmp)"
	'
done

test_expect_success 'sandbox = none says nothing about a sandbox, and a busy review still PASSes' '
	reviewer ":" none &&
	busy_review none1 &&
	echo 0 >expect && test_cmp expect none1.rc &&
	test_grep ! "no sandbox" none1 &&
	test_grep "^feat  *[0-9a-f]*  *PASS" none1
'

# tamper_case KIND BODY MESSAGE [CLEANUP]: in the busy repository, a reviewer
# that runs BODY is void: exit 3, MESSAGE named, no verdict recorded.
tamper_case() {
	case_body=$2 case_msg=$3 case_cleanup=${4:-:}
	test_expect_success "a reviewer that changes $1 in a busy repository is void" '
		reviewer "$case_body" &&
		test_when_finished "$case_cleanup" &&
		notes_tip >notes-before &&
		busy_review "tamper$test_count" &&
		echo 3 >expect && test_cmp expect "tamper$test_count.rc" &&
		test_grep -F "review void, nothing recorded (review again): without a sandbox, something outside its view changed while it ran (" "tamper$test_count" &&
		test_grep -F "$case_msg" "tamper$test_count" &&
		test_grep "^feat .* VOID .* review void" "tamper$test_count" &&
		notes_tip >notes-after &&
		test_cmp notes-before notes-after &&
		test -z "$(ls -A tmp)"
	'
}

tamper_case 'a file of the work tree it was started from' \
	"echo evil >>\"$TRASH/r/initial.t\"" \
	"worktree-file '$TRASH/r/initial.t' changed" \
	'git -C r checkout -q -- initial.t'
tamper_case 'the index' \
	"git -C \"$TRASH/r\" update-index --chmod=+x initial.t" \
	"worktree-index '$TRASH/r/.git/index' changed" \
	'git -C r update-index --chmod=-x initial.t'
tamper_case 'HEAD, behind git.s back' \
	"printf '%s\n' \"\$ORCH_COMMIT\" >\"$TRASH/r/.git/HEAD\"" \
	"ref 'HEAD of $TRASH/r/.git/' moved without a reflog entry" \
	'git -C r symbolic-ref HEAD refs/heads/main'
tamper_case 'HEAD, through git' \
	"git -C \"$TRASH/r\" checkout -q --detach" \
	"ref 'HEAD of $TRASH/r/.git/' moved by the reviewer (its reflog says so)" \
	'git -C r checkout -q main'
tamper_case 'the busy worktree.s branch by committing there itself' \
	"git -C \"$TRASH/wt\" commit -q --allow-empty -m sneak" \
	"ref 'refs/heads/work' moved by the reviewer (its reflog says so)"
tamper_case 'a branch behind git.s back' \
	"printf '%s\n' \"\$ORCH_COMMIT\" >\"$TRASH/r/.git/refs/heads/idle\"" \
	"ref 'refs/heads/idle' moved without a reflog entry" \
	'git -C r update-ref refs/heads/idle main'
tamper_case 'the protected branch' \
	"git -C \"$TRASH/r\" update-ref refs/heads/main \"\$ORCH_COMMIT\"" \
	"ref 'refs/heads/main' moved by the reviewer (its reflog says so)" \
	'git -C r update-ref refs/heads/main main@{1}'
tamper_case 'the global config' \
	'git config --global core.hooksPath /dev/null' \
	"config '$TRASH/.gitconfig' changed" \
	'git config --global --unset core.hooksPath'
tamper_case 'the XDG config' \
	'mkdir -p "$HOME/.config/git" && git config --file "$HOME/.config/git/config" core.hooksPath /dev/null' \
	"config '$TRASH/.config/git/config' changed" \
	'rm -rf .config'
tamper_case 'core.hooksPath in the repository config' \
	"git -C \"$TRASH/r\" config core.hooksPath /dev/null" \
	"config '$TRASH/r/.git/config' changed" \
	'git -C r config --unset core.hooksPath'
tamper_case 'the upstream of the protected branch' \
	"git -C \"$TRASH/r\" config branch.main.merge refs/heads/evil" \
	"config '$TRASH/r/.git/config' changed" \
	'git -C r config --unset branch.main.merge'
tamper_case 'a config.worktree' \
	"printf '[core]\\n\\thooksPath = /dev/null\\n' >\"$TRASH/r/.git/worktrees/wt/config.worktree\"" \
	"config '$TRASH/r/.git/worktrees/wt/config.worktree' created" \
	'rm -f r/.git/worktrees/wt/config.worktree'
tamper_case 'a gate in the hooks directory' \
	"echo 'exit 0' >\"$TRASH/r/.git/hooks/post-merge\"" \
	"hook '$TRASH/r/.git/hooks/post-merge' changed" \
	'cp saved-post-merge r/.git/hooks/post-merge'
test_expect_success 'setup: the hooks in use come from core.hooksPath' '
	mkdir myhooks && cp r/.git/hooks/* myhooks/ &&
	git -C r config core.hooksPath "$TRASH/myhooks"
'
tamper_case 'the hooks directory core.hooksPath names' \
	"echo 'exit 0' >\"$TRASH/myhooks/pre-push\"" \
	"hook '$TRASH/myhooks/pre-push' created" \
	'rm -f myhooks/pre-push'
tamper_case 'the policy file' \
	"echo '# evil' >>\"$TRASH/r/.git/orch-hooks.ini\"" \
	"policy '$TRASH/r/.git/orch-hooks.ini' changed"

test_expect_success 'another worker.s files are not watched: an edit there does not void (the documented limit)' '
	reviewer "echo sneaky >>\"$TRASH/wt/initial.t\"" &&
	busy_review limit &&
	echo 0 >expect && test_cmp expect limit.rc &&
	test_grep "sneaky" wt/initial.t
'

test_expect_success 'the kernel refusing namespaces: auto says so in one line and reviews without bwrap' '
	printf "[review]\ncommand = echo PASS\n" >r/.git/orch-hooks.ini &&
	mkdir -p refusing &&
	cat >refusing/bwrap <<-\EOF &&
	#!/bin/sh
	echo "bwrap: No permissions to create new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2
	exit 1
	EOF
	chmod +x refusing/bwrap &&
	(cd r && PATH="$TRASH/refusing:$PATH" orch-hooks review -j 2 feat idle >../out 2>&1) &&
	test $(grep -c "no sandbox:" out) = 1 &&
	test_grep "no sandbox: bubblewrap cannot make one here (exit status 1: bwrap: No permissions to create new namespace, likely because the kernel does not allow non-privileged user namespaces.); reviewing without it" out &&
	test_grep "^feat  *[0-9a-f]*  *PASS" out
'

if command -v bwrap >/dev/null && unshare -U true 2>/dev/null &&
	! unshare -U bwrap --ro-bind / / --unshare-all true 2>/dev/null
then
	test_expect_success 'a real refusal (a user namespace without a mapping): the same one line' '
		(cd r && unshare -U orch-hooks review feat >../out 2>&1) &&
		test $(grep -c "no sandbox:" out) = 1 &&
		test_grep "no sandbox: bubblewrap cannot make one here (.*namespace.*); reviewing without it" out &&
		test_grep "^feat  *[0-9a-f]*  *PASS" out
	'
else
	test_skip 'a real refusal (a user namespace without a mapping): the same one line' \
		'no bwrap, or unshare -U cannot make an unmapped user namespace here, or bwrap works inside one'
fi

test_expect_success 'sandbox = bwrap where bubblewrap is missing refuses, in one message, and records nothing' '
	printf "[review]\ncommand = echo PASS\nsandbox = bwrap\n" >r/.git/orch-hooks.ini &&
	notes_tip >notes-before &&
	(cd r && test_must_fail env PATH="$TRASH/nobwrap" orch-hooks review feat >../out 2>../err) &&
	test_grep "refusing to review: the policy (.*) asks for \[review\] sandbox = bwrap, but bubblewrap (.bwrap.) cannot make a sandbox here: cannot run .bwrap.: No such file or directory" err &&
	notes_tip >notes-after &&
	test_cmp notes-before notes-after
'

test_done
