#!/bin/sh
# Writes report/html/'s files as C strings: html_app_js[], html_style_css[],
# html_flamegraph_js[] (report/html.h).
for f in "$@"; do
	name=$(basename "$f" | tr -c 'A-Za-z0-9\n' '_')
	printf 'const char html_%s[] =\n' "$name"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$f"
	printf ';\n'
done
