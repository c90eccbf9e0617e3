#!/bin/sh
# Installs what orch-hooks needs to build and test on Debian 12, skipping
# what is already there. Run as root (or with sudo available).
set -eu

# python3: tests read JSON with it; groff-base: make check lints the man pages;
# bash-completion: where the completion installs, and its test; dpkg-dev and
# debhelper: the test that builds the Debian package (t2100).
packages="git gcc make autoconf automake libtool pkg-config libgit2-dev libinih-dev
libcmocka-dev clang libclang-rt-14-dev valgrind bubblewrap openssh-client openssh-server procps time
python3 groff-base bash-completion dpkg-dev debhelper buildbot buildbot-worker"

missing=
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "deps: everything is installed"
	exit 0
fi
echo "deps: installing$missing"
if [ "$(id -u)" -eq 0 ]; then
	as_root=
elif command -v sudo >/dev/null 2>&1; then
	as_root=sudo
else
	echo "deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
# shellcheck disable=SC2086
$as_root apt-get install -y -qq --no-install-recommends $missing
