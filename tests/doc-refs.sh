#!/usr/bin/env bash
# Every `FILE: function()` and every `FILE.c`/`.h`/`.S` a document names must
# exist: the file, and the function's name in it followed by "(" (a
# definition, a call or a prototype). A bare name (`rtas.c`) may be any file
# of that name in the tree; placeholders (`hw/virtio-NAME.c`) and Linux source
# paths (`drivers/...`, `arch/...`, `mm/...`: the guest's kernel, not lkvm's)
# are not checked. Run from anywhere; arguments are Markdown files (default:
# README.md and docs/*.md). Prints each missing one, exits 1.
set -u
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- README.md docs/*.md
files=$(git ls-files 2>/dev/null || find . -type f | sed 's|^\./||')

# resolve FILE: the paths in the tree it may mean (none: nothing printed)
resolve() {
	case $1 in
	*/*) grep -xF -e "$1" -e "include/$1" -e "include/lkvm/$1" <<<"$files" ;;
	*) grep -E "(^|/)${1//./\\.}\$" <<<"$files" ;;
	esac
}

# skip FILE: a placeholder or a Linux source path
skip() {
	[[ $1 =~ (^|/|-)[A-Z]+(\.|/|-) ]] && return 0
	[[ $1 =~ ^(drivers|arch|mm|kernel|fs|net|block|virt|lib)/ ]]
}

bad=0
for doc in "$@"; do
	while IFS=: read -r file func; do
		func=${func# }
		func=${func%()}
		skip "$file" && continue
		paths=$(resolve "$file")
		if [ -z "$paths" ]; then
			echo "$doc: \`$file: $func()\`: no such file" >&2; bad=1
		elif ! grep -q "\b$func(" $paths 2>/dev/null; then
			echo "$doc: \`$file: $func()\`: $file has no $func()" >&2; bad=1
		fi
	done < <(grep -oE '`[A-Za-z0-9_./-]+\.[chS]: [A-Za-z_][A-Za-z0-9_]*\(\)`' "$doc" | tr -d '`' | sort -u)
	while read -r file; do
		skip "$file" && continue
		[ -n "$(resolve "$file")" ] || { echo "$doc: \`$file\`: no such file" >&2; bad=1; }
	done < <(grep -oE '`[A-Za-z0-9_./-]+\.[chS]`' "$doc" | tr -d '`' | sort -u)
done
exit $bad
