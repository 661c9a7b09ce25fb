#!/usr/bin/env bash
# Installs what rtpseal needs to build, test and bench (DESIGN §2).
#
# Debian 12 packages come from the system's apt sources. ipsec-mb 2.0 comes
# from Debian 13's archive: its .debs are fetched with `apt-get download`
# through a private sources list whose lists and cache live in .deps/, so the
# system's apt configuration and state are never touched, and unpacked with
# `dpkg -x` into .deps/ipsec-mb/. Idempotent: when everything is present it
# runs no apt command at all.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/.deps"
ipsec_root="$deps/ipsec-mb"
ipsec_want="2.0"
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1
say() { [ "$quiet" = 1 ] || echo "$@"; }

packages=(
	build-essential pkg-config clang clang-format cppcheck
	libclang-rt-14-dev
	dpdk dpdk-dev libdpdk-dev
	libssl-dev openssl libjansson-dev libpcap-dev libcmocka-dev
	libipsec-mb-dev
	libsrtp2-dev
	gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
	gstreamer1.0-plugins-bad gstreamer1.0-libav
	tshark tcpreplay iproute2 util-linux procps gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing+=("$p")
	fi
done

if ((${#missing[@]})); then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
else
	say "deps: Debian 12 packages present"
fi

have_ipsec() {
	local h="$ipsec_root/usr/include/intel-ipsec-mb.h"
	[ -f "$h" ] && grep -q "IMB_VERSION_STR \"$ipsec_want" "$h" &&
		[ -e "$ipsec_root/usr/lib/x86_64-linux-gnu/libIPSec_MB.so" ]
}

if have_ipsec; then
	say "deps: ipsec-mb $ipsec_want present in .deps/"
	exit 0
fi

echo "deps: fetching ipsec-mb $ipsec_want from Debian 13 into .deps/"
apt_dir="$deps/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
	"$apt_dir/parts" "$apt_dir/debs"
cat >"$apt_dir/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
SRC
apt_opts=(
	-o "Dir::Etc::sourcelist=$apt_dir/sources.list"
	-o "Dir::Etc::sourceparts=$apt_dir/parts"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::Cache=$apt_dir/cache"
	-o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root"
)
apt-get -q "${apt_opts[@]}" update
rm -f "$apt_dir/debs"/*.deb
(cd "$apt_dir/debs" && apt-get -q "${apt_opts[@]}" download libipsec-mb2 libipsec-mb-dev)
rm -rf "$ipsec_root"
mkdir -p "$ipsec_root"
for deb in "$apt_dir/debs"/*.deb; do
	dpkg -x "$deb" "$ipsec_root"
done
rm -rf "$ipsec_root/usr/share/doc"
if ! have_ipsec; then
	echo "deps: ipsec-mb $ipsec_want did not unpack as expected into $ipsec_root" >&2
	exit 1
fi
echo "deps: ipsec-mb $(grep -o 'IMB_VERSION_STR "[^"]*"' "$ipsec_root/usr/include/intel-ipsec-mb.h") ready"
