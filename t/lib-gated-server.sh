# Helpers of the server-gate tests: a gated bare repository with a clone, and
# pushes that must leave the server as it was. Sourced after t/lib.sh.

# srv_refs_of REPO FILE: every ref of REPO, to show a refused push changed none.
srv_refs_of() {
	git -C "$1" for-each-ref --format='%(objectname) %(refname)' >"$2"
}

# refused_push REPO FILE CMD...: CMD (a push to REPO) must fail, its messages in
# FILE, and leave every ref of REPO as it was; the gate says the whole push was refused.
refused_push() {
	_rp_repo=$1 _rp_out=$2 && shift 2 &&
	srv_refs_of "$_rp_repo" "$TRASH/refs-before" &&
	test_must_fail "$@" 2>"$_rp_out" &&
	srv_refs_of "$_rp_repo" "$TRASH/refs-after" &&
	test_cmp "$TRASH/refs-before" "$TRASH/refs-after" &&
	test_grep "remote: orch-hooks: the whole push was refused: no ref on the server changed" "$_rp_out"
}

# gated_server REPO URL CLONE [POLICY]: a bare REPO with the server gate (and
# its orch-hooks.ini written by printf POLICY when given), and a new repository CLONE whose
# origin is URL (REPO over some transport), its first commit pushed to main.
gated_server() {
	git init -q --bare "$1" &&
	orch-hooks install --server "$1" 2>/dev/null &&
	{ test -z "$4" || printf "$4" >"$1/orch-hooks.ini"; } &&
	git init -q "$3" &&
	(cd "$3" && git remote add origin "$2" && test_commit initial &&
	 git push -q origin main 2>/dev/null)
}

# claiming_receive_pack FILE: writes FILE, a receive-pack for git push
# --receive-pack that advertises CLAIM_REF at CLAIM_OLD, or not at all when
# CLAIM_OLD is empty: the client then claims that old value (or a create)
# for it, as any pusher who reaches receive-pack may.
claiming_receive_pack() {
	cat >"$1" <<-\EOS &&
	#!/usr/bin/perl
	use strict;
	open(my $rp, "-|", "git", "receive-pack", @ARGV) or die "receive-pack: $!";
	binmode $rp; binmode STDOUT; $| = 1;
	my $adv = 1;
	while (read($rp, my $len, 4) == 4) {
		my $data = "";
		my $n = hex($len);
		read($rp, $data, $n - 4) if $n > 4;
		$adv = 0 if $adv && $len eq "0000";
		if ($adv && $data =~ m{ \Q$ENV{CLAIM_REF}\E\n?\z}) {
			next unless $ENV{CLAIM_OLD};
			substr($data, 0, 40) = $ENV{CLAIM_OLD};
		}
		print $len, $data;
	}
	EOS
	chmod +x "$1"
}
