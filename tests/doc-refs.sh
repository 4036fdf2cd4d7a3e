#!/usr/bin/env bash
# Every `FILE: function()` and every `FILE.c`/`.h`/`.S` a document names must
# exist: the file, and the function's name in it followed by "(" (a
# definition, a call or a prototype). Run from anywhere; arguments are
# Markdown files (default docs/tour.md). Prints each missing one, exits 1.
set -u
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- docs/tour.md
bad=0
for doc in "$@"; do
	# `path: name()`: the file holds name(
	while IFS=: read -r file func; do
		func=${func# }
		func=${func%()}
		if [ ! -f "$file" ]; then
			echo "$doc: \`$file: $func()\`: no such file" >&2; bad=1
		elif ! grep -q "\b$func(" "$file"; then
			echo "$doc: \`$file: $func()\`: $file has no $func()" >&2; bad=1
		fi
	done < <(grep -oE '`[A-Za-z0-9_./-]+\.[chS]: [A-Za-z_][A-Za-z0-9_]*\(\)`' "$doc" | tr -d '`' | sort -u)
	# a bare `path.c` (or .h, .S): the file exists
	while read -r file; do
		[ -f "$file" ] || [ -f "include/$file" ] || [ -f "include/lkvm/$file" ] || {
			echo "$doc: \`$file\`: no such file" >&2; bad=1; }
	done < <(grep -oE '`[A-Za-z0-9_./-]+\.[chS]`' "$doc" | tr -d '`' | sort -u)
done
exit $bad
