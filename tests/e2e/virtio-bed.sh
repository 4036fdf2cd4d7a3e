# virtio in the nested bed (sourced by run.sh after bed.sh):
#   virtio_l2_modules DIR   the kernel's virtio, ext4 and 9p modules, with their
#                           dependencies, into DIR/mod/ and their load order
#                           into DIR/mod/order (Debian builds them as modules),
#                           and l2-virtio.sh as DIR/virtio.sh
#   virtio_disk_image OUT   an 8 MiB ext4 image made with mkfs.ext4 -d,
#                           holding /seed.txt
#   virtio_disk_host        after L1 ran the disk scenario: decode the image
#                           L1 printed (gzip, base64) and read it here, on
#                           the host: e2fsck, and the file L2 wrote (debugfs)
VIRTIO_MODS="virtio_blk virtio_mmio virtio_console virtio-rng crc32c_generic ext4 9pnet_virtio 9p"
VIRTIO_MARK="lkvm-virtio-e2e-written-by-L2"

virtio_modpath() {	# name -> path under $MODDIR
	find "$MODDIR" -name "$1.ko" | sed -n 1p
}

# Module $2 and, first, what it depends on, into $1/mod; appends to VIRTIO_ORDER.
virtio_mod_add() {	# dir name
	local path dep
	case " $VIRTIO_ORDER " in *" $2 "*) return 0 ;; esac
	path=$(virtio_modpath "$2")
	if [ -z "$path" ]; then
		grep -q "/$2.ko\$" "$MODDIR/../modules.builtin" && return 0
		die "module $2 missing from $KPKG"
	fi
	for dep in $(/sbin/modinfo -F depends "$path" | tr , ' '); do
		virtio_mod_add "$1" "$dep"
	done
	cp "$path" "$1/mod/"
	VIRTIO_ORDER="$VIRTIO_ORDER $2"
}

virtio_l2_modules() {	# dir
	local m
	VIRTIO_ORDER=
	mkdir -p "$1/mod"
	for m in $VIRTIO_MODS; do virtio_mod_add "$1" "$m"; done
	echo "$VIRTIO_ORDER" | tr ' ' '\n' | sed '/^$/d; s/$/.ko/' >"$1/mod/order"
	cp "$E2E/l2-virtio.sh" "$1/virtio.sh"
	chmod 755 "$1/virtio.sh"
}

virtio_disk_image() {	# out
	local seed=$C/disk-seed
	command -v mkfs.ext4 >/dev/null || PATH=$PATH:/sbin:/usr/sbin
	rm -rf "$seed" "$1"
	mkdir -p "$seed"
	echo "seeded on the host by mkfs.ext4 -d" >"$seed/seed.txt"
	truncate -s 8M "$1"
	mkfs.ext4 -q -F -L lkvm-e2e -d "$seed" "$1" >"$C/mkfs.log" 2>&1 || die "mkfs.ext4 -d failed (see $C/mkfs.log)"
}

virtio_disk_host() {	# console -> prints the verdict; status 0 when the host read it back
	local img=$C/disk-back.img got
	PATH=$PATH:/sbin:/usr/sbin
	tr -d '\r' <"$1" | sed -n 's/^E2E-DISK-B64 //p' | base64 -d 2>/dev/null | gunzip >"$img" 2>/dev/null
	[ -s "$img" ] || { echo "host: L1 sent no disk image back"; return 1; }
	e2fsck -fn "$img" >"$C/e2fsck.log" 2>&1 || { echo "host: e2fsck -fn finds the image damaged (see $C/e2fsck.log)"; return 1; }
	got=$(debugfs -R "cat /hello.txt" "$img" 2>/dev/null)
	[ "$got" = "$VIRTIO_MARK" ] || { echo "host: /hello.txt holds '$got', want '$VIRTIO_MARK'"; return 1; }
	echo "host: e2fsck clean; debugfs reads /hello.txt = '$got'"
}
