#!/bin/sh
# Installs what orch-hooks needs to build and test on Debian 12, skipping
# what is already there. Run as root (or with sudo available).
set -eu
start=$(date +%s)

# python3: tests read JSON with it; groff-base and mandoc: make check lints the man
# pages with both; bash-completion: where the completion installs, and its test;
# build-essential, dpkg-dev and debhelper: the test that builds the Debian package
# (t2200; dpkg-buildpackage insists on build-essential); zsh: its completion (t0500);
# iproute2: ss, with which the tests' servers find a free port.
packages="git gcc make autoconf automake libtool pkg-config libgit2-dev libinih-dev
libcmocka-dev clang libclang-rt-14-dev valgrind bubblewrap openssh-client openssh-server procps time
python3 groff-base mandoc bash-completion build-essential dpkg-dev debhelper buildbot buildbot-worker
pre-commit gitolite3 zsh iproute2"
# husky and lefthook (t2500) come from npm, into a cache shared by the runs.
npm_dir=${ORCH_HOOKS_NPM_DIR:-/var/cache/orch-hooks-ci/npm}
npm_packages="husky@9 lefthook@1"

missing=
command -v npm >/dev/null 2>&1 || missing=" nodejs npm"
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ "$(id -u)" -eq 0 ]; then
	as_root=
elif command -v sudo >/dev/null 2>&1; then
	as_root=sudo
else
	as_root=none
fi
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	if [ "$as_root" = none ]; then
		echo "deps: need root to install:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# gitolite3 asks for an admin key; the tests set gitolite up themselves.
	echo "gitolite3 gitolite3/adminkey string" | $as_root debconf-set-selections
	$as_root apt-get update -qq
	# shellcheck disable=SC2086
	$as_root apt-get install -y -qq --no-install-recommends $missing
	echo "deps: apt-get done after $(( $(date +%s) - start ))s"
fi
if [ -x "$npm_dir/node_modules/.bin/lefthook" ] && [ -f "$npm_dir/node_modules/husky/bin.js" ]; then
	echo "deps: everything is installed"
	exit 0
fi
echo "deps: installing $npm_packages into $npm_dir"
[ "$as_root" = none ] && as_root=
$as_root mkdir -p "$npm_dir"
# --ignore-scripts: lefthook's install script would otherwise run `lefthook
# install` in the directory npm was started from, this clone, and leave its
# hooks in .git/hooks. The packages need no script to work.
# shellcheck disable=SC2086
(cd "$npm_dir" && $as_root npm install --prefix "$npm_dir" --ignore-scripts --no-audit --no-fund --silent $npm_packages)
echo "deps: npm done after $(( $(date +%s) - start ))s"
