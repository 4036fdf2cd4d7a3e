# The nested test bed, shared by tests/e2e/run.sh (make e2e) and
# bench/boot.sh (make bench-boot). Source it from bash after setting:
#   ROOT   the repository          C   the cache directory (.cache/e2e)
#   JOBS   words passed to L1's job script (its arguments), for die()
# and optionally E2E_ARCH (x86, arm64 or powerpc, default x86): the
# architecture of L1 and L2. For arm64 and powerpc, C becomes $C/ARCH.
# It provides:
#   bed_packages            install QEMU (scripts/deps.sh qemu: 10 from the
#                           backports suite on Debian 12), cpio and the rest
#                           (apt-get), log the QEMU version; on
#                           arm64 also download busybox-static:arm64 into
#                           the cache (never installed: it would replace
#                           the host's busybox); the same on powerpc
#   bed_kernel              the current Debian kernel in the cache: sets KPKG,
#                           KVER, MODDIR, L1_KERNEL (what QEMU boots),
#                           L2_KERNEL and L2_KNAME (L2's kernel and its name
#                           in L1's /l2/); x86 also BZIMAGE and VMLINUX
#                           (extracted ELF)
#   mkcpio DIR OUT          an uncompressed newc cpio of DIR
#   bed_l1_root DIR JOB     L1's root: busybox, /init, KVM modules, /job.sh
#   bed_l1_copy DIR FILE... host programs into L1's root at the same paths,
#                           with the shared libraries ldd lists for them
#   bed_l1_copy_deb DIR PKG FILE...
#                           programs of L1's architecture from a Debian
#                           package (downloaded, never installed) into L1's
#                           root at the same paths, with every shared library
#                           they need (also downloaded); sets L1_COPIED (the
#                           packages unpacked). A qemu-* PKG is taken at the
#                           version of the host's QEMU (the same release as L0)
#   bed_qemu_fw NAME        the path of a QEMU firmware file, or nothing
#   bed_boot_l1 CPIO APPEND CONSOLE
#                           boot L1 under QEMU TCG; each console line goes
#                           to bed_line (define it), all of it to CONSOLE.
#                           Sets QRC (QEMU's status); creates $C/l1-frozen
#                           when L1 printed nothing for IDLE seconds.
# Environment: E2E_TIMEOUT (whole QEMU run, s), E2E_IDLE (freeze detector, s),
# E2E_L1_CPUS (L1 vCPUs, default 2: with 1, L1 froze in ~1 of 4 L2 boots),
# E2E_TCG_THREAD (QEMU's -accel tcg,thread=: single or multi; default multi),
# E2E_QEMU (the L0 QEMU binary instead of the installed one).

E2E=$ROOT/tests/e2e
TIMEOUT=${E2E_TIMEOUT:-1200}
IDLE=${E2E_IDLE:-240}
T_START=$(date +%s.%N)
E2E_ARCH=${E2E_ARCH:-x86}
# Per architecture: host packages, Debian's kernel meta package and package
# architecture, QEMU for L1, L1's console, what a missing /dev/kvm means.
case "$E2E_ARCH" in
x86)
	BED_PKGS="cpio kmod busybox-static xz-utils"
	BED_KMETA=linux-image-amd64
	BED_DEB_ARCH=
	BED_TRIPLE=x86_64-linux-gnu
	BUSYBOX=/bin/busybox	# from busybox-static: no shared libraries in the guests
	QEMU_L1=(qemu-system-x86_64 -bios /usr/share/qemu/qboot.rom -cpu max -vga none)
	L1_CONSOLE=ttyS0
	NOKVM_WHY="kvm_amd did not load"
	;;
arm64)
	C=$C/arm64
	BED_PKGS="cpio"
	BED_KMETA=linux-image-arm64:arm64
	BED_DEB_ARCH=:arm64
	BED_TRIPLE=aarch64-linux-gnu
	BUSYBOX=$C/busybox-static/bin/busybox
	# pauth-impdef=on halves L1's boot time; gic-version=3 lets L1's KVM
	# create a vGICv3 for L2.
	QEMU_L1=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max,pauth-impdef=on)
	L1_CONSOLE=ttyAMA0
	NOKVM_WHY="L1's built-in KVM did not initialise"
	;;
powerpc)
	C=$C/powerpc
	BED_PKGS="cpio"
	BED_KMETA=linux-image-powerpc64le:ppc64el
	BED_DEB_ARCH=:ppc64el
	BED_TRIPLE=powerpc64le-linux-gnu
	BUSYBOX=$C/busybox-static/bin/busybox
	# pseries with nested KVM-HV (L1's kvm-hv refuses without it); x-vof
	# replaces SLOF (14 s less per boot).
	QEMU_L1=(qemu-system-ppc64 -M pseries,cap-nested-hv=on,x-vof=on -cpu POWER9 -vga none)
	L1_CONSOLE=hvc0
	NOKVM_WHY="kvm-hv did not load"
	;;
*)
	echo "E2E_ARCH=$E2E_ARCH: want x86, arm64 or powerpc" >&2
	exit 1
	;;
esac
# E2E_QEMU: another L0 QEMU binary (e.g. an older release unpacked with dpkg -x,
# to compare); its firmware from ../share/qemu beside it, where there is one.
if [ -n "${E2E_QEMU:-}" ]; then
	QEMU_L1[0]=$E2E_QEMU
	if [ -d "$(dirname "$E2E_QEMU")/../share/qemu" ]; then
		QEMU_L1=("${QEMU_L1[@]/#\/usr\/share\/qemu\//$(dirname "$E2E_QEMU")/../share/qemu/}")
		QEMU_L1+=(-L "$(dirname "$E2E_QEMU")/../share/qemu")
	fi
fi

log() { echo "${LOG_TAG:-e2e}: $*" >&2; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

bed_packages() {
	local p missing= SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	[ -n "$BED_DEB_ARCH" ] && bed_foreign_arch "${BED_DEB_ARCH#:}"
	# QEMU for all three beds at once (one version: the arm64 and ppc64
	# benches download the same version for L1, bed_l1_copy_deb).
	"$ROOT/scripts/deps.sh" qemu || die "cannot install QEMU (scripts/deps.sh qemu)"
	command -v "${QEMU_L1[0]}" >/dev/null || die "${QEMU_L1[0]} missing after scripts/deps.sh qemu"
	log "L0 $("${QEMU_L1[0]}" --version | sed -n 1p)"
	for p in $BED_PKGS "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		log "installing$missing"
		$SUDO apt-get install -y -qq $missing >"$C/apt.log" 2>&1 ||
			{ $SUDO apt-get update -qq >>"$C/apt.log" 2>&1 && $SUDO apt-get install -y -qq $missing >>"$C/apt.log" 2>&1; } ||
			die "cannot install$missing (see $C/apt.log)"
	fi
	[ "$E2E_ARCH" = x86 ] || bed_deb "busybox-static$BED_DEB_ARCH" "$C/busybox-static"
}

# Let apt see another architecture's packages (for apt-get download only).
bed_foreign_arch() {	# debian-arch
	dpkg --print-foreign-architectures | grep -qx "$1" && return 0
	log "dpkg --add-architecture $1"
	$SUDO dpkg --add-architecture "$1" && $SUDO apt-get update -qq >"$C/apt.log" 2>&1 ||
		log "cannot add the $1 architecture to apt (see $C/apt.log); offline, the cache may do"
}

# A package downloaded (not installed) and unpacked into DIR, once; offline,
# a DIR from an earlier run is kept. With =VERSION, that version (DIR is
# unpacked anew when it holds another).
bed_deb() {	# package[:arch][=version] dir
	local name=${1%%[:=]*} ver= deb
	case "$1" in *=*) ver=${1#*=} ;; esac
	[ -f "$2/.unpacked" ] && [ "$(cat "$2/.unpacked")" = "$1" ] && return 0
	# An old cache (empty .unpacked) without a version asked for is kept.
	[ -f "$2/.unpacked" ] && [ ! -s "$2/.unpacked" ] && [ -z "$ver" ] && return 0
	mkdir -p "$C/dl"
	# apt-get download writes the epoch's colon as %3a.
	deb=$C/dl/${name}_${ver:+${ver/:/%3a}_}
	if ! ls "$deb"*.deb >/dev/null 2>&1; then
		log "downloading $1"
		(cd "$C/dl" && apt-get download "$1" >"$C/download.log" 2>&1) ||
			die "apt-get download $1 failed (see $C/download.log)"
	fi
	rm -rf "$2"
	dpkg -x "$(ls "$deb"*.deb | tail -n 1)" "$2"
	echo "$1" >"$2/.unpacked"
}

# Where QEMU finds a firmware file by name (Debian's --firmwarepath: QEMU 10
# has bios-microvm.bin in seabios' directory, 7.2 in its own), or nothing.
bed_qemu_fw() {	# name
	local d
	for d in /usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu; do
		[ -f "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 0
}

bed_kpkg() {
	apt-cache depends "$BED_KMETA" 2>/dev/null |
		sed -n 's/.*Depends: \(linux-image-[0-9][^ :]*\).*/\1/p' | sed -n 1p
}

bed_kernel() {
	mkdir -p "$C/dl"
	KPKG=$(bed_kpkg) || true
	if [ -z "$KPKG" ]; then
		apt-get update -qq >"$C/apt.log" 2>&1 || true
		KPKG=$(bed_kpkg) || true
	fi
	if [ -z "$KPKG" ]; then
		# Offline: the newest kernel already in the cache.
		KPKG=$(ls -d "$C"/linux-image-*/ 2>/dev/null | sort -V | tail -n 1 | xargs -r basename) || true
		[ -n "$KPKG" ] || die "cannot find the current Debian kernel (apt-cache depends $BED_KMETA)"
	fi
	KVER=${KPKG#linux-image-}
	local kdir=$C/$KPKG
	bed_deb "$KPKG$BED_DEB_ARCH" "$kdir"
	MODDIR=$kdir/lib/modules/$KVER/kernel
	if [ "$E2E_ARCH" = arm64 ]; then
		# Debian's arm64 vmlinuz is the uncompressed Image: QEMU boots it,
		# so does lkvm (CONFIG_KVM=y: no modules to load).
		L1_KERNEL=$kdir/boot/vmlinuz-$KVER
		L2_KERNEL=$L1_KERNEL
		L2_KNAME=Image
		[ -f "$L1_KERNEL" ] || die "$L1_KERNEL missing"
		return 0
	fi
	if [ "$E2E_ARCH" = powerpc ]; then
		# Debian's ppc64el kernel is an ELF vmlinux: QEMU and lkvm boot it.
		L1_KERNEL=$kdir/boot/vmlinux-$KVER
		L2_KERNEL=$L1_KERNEL
		L2_KNAME=vmlinux
		[ -f "$L1_KERNEL" ] || die "$L1_KERNEL missing"
		return 0
	fi
	BZIMAGE=$kdir/boot/vmlinuz-$KVER
	L2_KERNEL=$BZIMAGE
	L2_KNAME=bzImage
	[ -f "$BZIMAGE" ] || die "$BZIMAGE missing"
	# The uncompressed ELF vmlinux (PVH entry): L1 boots it, L2 can.
	VMLINUX=$C/vmlinux-$KVER
	if [ ! -s "$VMLINUX" ]; then
		log "extracting $VMLINUX"
		"$E2E/extract-vmlinux.sh" "$BZIMAGE" "$VMLINUX.tmp" || die "cannot extract vmlinux from $BZIMAGE"
		mv "$VMLINUX.tmp" "$VMLINUX"
	fi
	L1_KERNEL=$VMLINUX
}

# Initramfs images are uncompressed cpio: nothing to inflate at TCG speed.
mkcpio() {	# dir out
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$2.tmp"
	mv "$2.tmp" "$2"
}

bed_l1_root() {	# dir job-script
	local m src
	rm -rf "$1"
	mkdir -p "$1/bin" "$1/proc" "$1/sys" "$1/dev" "$1/tmp" "$1/l2"
	cp "$BUSYBOX" "$1/bin/busybox"
	cp "$E2E/l1-init" "$1/init"
	cp "$2" "$1/job.sh"
	chmod 755 "$1/init"
	case "$E2E_ARCH" in
	x86) mods="virt/lib/irqbypass.ko drivers/crypto/ccp/ccp.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko" ;;
	powerpc) mods="arch/powerpc/kvm/kvm.ko arch/powerpc/kvm/kvm-hv.ko" ;;
	*) return 0 ;;	# arm64: KVM is built in
	esac
	for m in $mods; do
		src=$MODDIR/$m
		[ -f "$src" ] || die "module $m missing from $KPKG"
		mkdir -p "$1/lib/modules/$KVER/kernel/$(dirname "$m")"
		cp "$src" "$1/lib/modules/$KVER/kernel/$m"
	done
}

# `lkvm sandbox` finds the host's kernel and modules as on a fresh Debian
# machine: /boot/vmlinuz-$KVER (ppc64: vmlinux-$KVER, a link to L2's kernel)
# and /lib/modules/$KVER with modules.dep, modules.builtin and the modules
# the sandbox loads, with their dependencies (depmod -b on the unpacked tree).
bed_l1_sandbox() {	# dir
	local mroot=${MODDIR%/kernel} name line f kname=vmlinuz
	[ "$E2E_ARCH" = powerpc ] && kname=vmlinux
	mkdir -p "$1/boot" "$1/lib/modules/$KVER"
	ln -sf "/l2/$L2_KNAME" "$1/boot/$kname-$KVER"
	[ -s "$mroot/modules.dep" ] || depmod -b "${mroot%/lib/modules/*}" "$KVER" ||
		die "depmod -b failed for $KPKG"
	cp "$mroot/modules.dep" "$mroot/modules.builtin" "$1/lib/modules/$KVER/"
	for name in virtio_mmio virtio_console 9pnet_virtio 9p overlay; do
		line=$(grep -E "(^|/)$name\.ko[^:]*:" "$mroot/modules.dep") || continue
		for f in ${line%%:*} ${line#*:}; do
			mkdir -p "$1/lib/modules/$KVER/$(dirname "$f")"
			cp "$mroot/$f" "$1/lib/modules/$KVER/$f"
		done
	done
}

bed_l1_copy() {	# dir file...
	local d=$1 f lib
	shift
	for f in "$@"; do
		for lib in "$f" $(ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
			mkdir -p "$d$(dirname "$lib")"
			cp -L "$lib" "$d$lib"
		done
	done
}

# Another architecture's programs: NEEDED entries (readelf) resolved
# recursively in the packages unpacked under $C/deb/; a soname not there yet
# comes from the package holding the host's own copy of it (dpkg -S:
# multiarch library packages have one name on every architecture), downloaded
# for BED_DEB_ARCH. The dynamic loader comes with libc.so.6 (libc6).
# Libraries go to L1's /lib/TRIPLE/ (the loader's default path), the loader
# also to its PT_INTERP path.
bed_l1_copy_deb() {	# dir package file...
	local d=$1 pkg=$2 f so p lib changed missing fetch interp
	local -A have=()
	local files=()
	shift 2
	mkdir -p "$C/deb"
	# QEMU for L1 is the release L0 runs (the backports one on Debian 12).
	case "$pkg" in
	qemu-*) bed_deb "$pkg$BED_DEB_ARCH=$(dpkg-query -W -f='${Version}' qemu-system-common)" "$C/deb/$pkg" ;;
	*) bed_deb "$pkg$BED_DEB_ARCH" "$C/deb/$pkg" ;;
	esac
	for f in "$@"; do
		[ -f "$C/deb/$pkg$f" ] || die "$f is not in $pkg$BED_DEB_ARCH"
		files+=("$C/deb/$pkg$f")
		mkdir -p "$d$(dirname "$f")"
		cp -L "$C/deb/$pkg$f" "$d$f"
	done
	changed=1
	while [ -n "$changed" ]; do
		changed= missing=
		for so in $(for f in "${files[@]}"; do readelf -d "$f"; done |
			sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u); do
			[ -n "${have[$so]:-}" ] && continue
			lib=$(bed_deb_lib "$so")
			if [ -n "$lib" ]; then
				have[$so]=$lib
				files+=("$lib")
				changed=1
			else
				missing="$missing $so"
			fi
		done
		[ -z "$changed" ] || continue
		[ -n "$missing" ] || break
		# One dpkg -S and one apt-get download for all of them.
		fetch=
		for p in $(dpkg -S $(printf '*/%s ' $missing) 2>/dev/null |
			grep -E ": /(usr/)?lib/$(uname -m)-linux-gnu/[^/]+$" | sed 's/[:,].*//' | sort -u); do
			[ -f "$C/deb/$p/.unpacked" ] || fetch="$fetch $p"
		done
		[ -n "$fetch" ] || break
		log "downloading$fetch ($BED_DEB_ARCH, for $*)"
		(cd "$C/dl" && apt-get download $(printf "%s$BED_DEB_ARCH " $fetch) >"$C/download.log" 2>&1) ||
			die "apt-get download$fetch failed (see $C/download.log)"
		for p in $fetch; do
			bed_deb "$p$BED_DEB_ARCH" "$C/deb/$p"
		done
		changed=1
	done
	[ -z "$missing" ] || die "no $BED_DEB_ARCH package found for$missing (needed by $*)"
	mkdir -p "$d/lib/$BED_TRIPLE"
	L1_COPIED=$pkg
	for so in "${!have[@]}"; do
		cp "${have[$so]}" "$d/lib/$BED_TRIPLE/$so"
		p=${have[$so]#$C/deb/}
		L1_COPIED="$L1_COPIED ${p%%/*}"
	done
	L1_COPIED=$(echo "$L1_COPIED" | tr ' ' '\n' | sort -u | tr '\n' ' ')
	for f in "$@"; do
		interp=$(readelf -l "$C/deb/$pkg$f" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
		[ -n "$interp" ] || continue
		lib=${have[$(basename "$interp")]:-}
		[ -n "$lib" ] || die "$f's loader $interp is not among the libraries of $L1_COPIED"
		mkdir -p "$d$(dirname "$interp")"
		cp "$lib" "$d$interp"
	done
}

# The file (symbolic links followed inside its package) of a soname in the
# packages unpacked under $C/deb/, or nothing.
bed_deb_lib() {	# soname
	local pd f t n
	for pd in "$C"/deb/*; do
		for f in "$pd/lib/$BED_TRIPLE/$1" "$pd/usr/lib/$BED_TRIPLE/$1"; do
			for n in 1 2 3 4 5 6 7 8; do
				[ -L "$f" ] || break
				t=$(readlink "$f")
				case "$t" in
				/*) f=$pd$t ;;
				*) f=$(dirname "$f")/$t ;;
				esac
			done
			[ -f "$f" ] && [ ! -L "$f" ] && { echo "$f"; return 0; }
		done
	done
	return 0
}

# QEMU monitor commands (human monitor on $C/qemu-monitor.sock), output to
# stdout: a frozen L1's registers say where its CPU is stuck (L1 or L2 code).
bed_monitor() {	# command...
	command -v python3 >/dev/null || { echo "no python3: cannot talk to the QEMU monitor"; return 0; }
	python3 - "$C/qemu-monitor.sock" "$@" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
for cmd in sys.argv[2:]:
    s.sendall(cmd.encode() + b"\n")
    time.sleep(0.5)
time.sleep(1)
out = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
except socket.timeout:
    pass
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
PY
}

bed_boot_l1() {	# cpio append console
	local console=$3
	rm -f "$C/qemu-monitor.sock" "$C/l1-frozen"
	set +e
	timeout -k 10 "$TIMEOUT" "${QEMU_L1[0]}" -accel "tcg${E2E_TCG_THREAD:+,thread=$E2E_TCG_THREAD}" "${QEMU_L1[@]:1}" \
		-smp "${E2E_L1_CPUS:-2}" -m 2G -nographic -no-reboot -net none \
		-kernel "$L1_KERNEL" -initrd "$1" -append "$2" \
		-monitor "unix:$C/qemu-monitor.sock,server,nowait" -pidfile "$C/qemu.pid" </dev/null 2>&1 |
		tee "$console" | {
		# Every job prints within its own time limits (at most a few
		# minutes): silence much longer than that means L1 itself froze.
		local eof= line st
		while [ -z "$eof" ]; do
			IFS= read -r -t "$IDLE" line
			st=$?
			if [ $st -gt 128 ]; then
				log "L1 printed nothing for $IDLE s: it froze; CPU state in $C/l1-frozen.regs; stopping QEMU"
				touch "$C/l1-frozen"
				bed_monitor "info registers -a" "info lapic" "info registers -a" "info lapic" >"$C/l1-frozen.regs" 2>&1
				kill "$(cat "$C/qemu.pid")" 2>/dev/null
				continue
			elif [ $st -ne 0 ]; then
				eof=1	# QEMU ended; a last line without newline is still read
			fi
			bed_line "${line%$'\r'}"
		done
	}
	QRC=${PIPESTATUS[0]}
	set -e
}
