#!/bin/sh
test_description='orch-hooks status: where each worker branch stands'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

test_expect_success 'setup: branches with PASS, FAIL, stale, none, merged' '
	new_repo r &&
	(cd r && branch_with_commit pass p.txt && branch_with_commit fail f.txt &&
	 branch_with_commit stale s.txt && branch_with_commit none n.txt &&
	 branch_with_commit merged m.txt &&
	 orch-hooks verdict set PASS pass && orch-hooks verdict set FAIL fail -m "bad: x.c:1" &&
	 orch-hooks verdict set PASS stale && orch-hooks verdict set PASS merged &&
	 git checkout -q stale && test_commit later && git checkout -q main &&
	 git merge -q --no-ff -m "merge merged" merged &&
	 git worktree add -q ../wt-none none) 2>/dev/null
'

test_expect_success 'status shows each verdict, merged, ahead/behind and worktree' '
	(cd r && orch-hooks status >../out) &&
	test_grep "^pass  *[0-9a-f]\{12\}  *PASS  *no  *+1/-2  *-$" out &&
	test_grep "^fail  *[0-9a-f]\{12\}  *FAIL  *no " out &&
	test_grep "^stale  *[0-9a-f]\{12\}  *stale  *no  *+2/-2 " out &&
	test_grep "^none  *[0-9a-f]\{12\}  *none  *no  *+1/-2  *$TRASH/wt-none$" out &&
	test_grep "^merged  *[0-9a-f]\{12\}  *PASS  *yes  *+0/-1 " out &&
	test_grep ! "^main " out
'

test_expect_success 'status --json gives the same facts to scripts' '
	(cd r && orch-hooks status --json >../out.json) &&
	python3 -c "
import json, sys
d = json.load(open(\"out.json\"))
b = {x[\"branch\"]: x for x in d[\"branches\"]}
assert d[\"target\"] == \"main\", d
assert b[\"pass\"][\"verdict\"] == \"PASS\" and not b[\"pass\"][\"merged\"]
assert b[\"fail\"][\"verdict\"] == \"FAIL\" and b[\"fail\"][\"detail\"] == \"bad: x.c:1\"
assert b[\"stale\"][\"verdict\"] == \"stale\" and b[\"stale\"][\"ahead\"] == 2
assert b[\"merged\"][\"merged\"] is True
assert b[\"none\"][\"worktree\"].endswith(\"/wt-none\")
assert len(b[\"pass\"][\"tip\"]) == 40
"
'

test_expect_success 'status takes patterns and --onto' '
	(cd r && orch-hooks status --onto stale "p*" >../out) &&
	test_grep "^pass  *[0-9a-f]\{12\}  *PASS  *no  *+1/-2 " out &&
	test_grep ! "^fail" out
'

test_done
