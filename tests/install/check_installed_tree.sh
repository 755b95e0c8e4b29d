#!/usr/bin/env bash
# Checks what `cmake --install` puts beside the libraries, from the installed tree alone (run
# by run_install_test.cmake after its find_package consumers):
#   man pages of ucopy, ucopy-tables, ubench: render without a warning, have the usual
#     sections, mention every long option and exit code the program's --help lists;
#   bash completions load and complete options, choices and subcommands; zsh's parse;
#   pkg-config files: valid, and a program builds with `pkg-config --cflags --libs uio-uring`;
#   find_package(uio COMPONENTS uring) configures and builds with libpq's, SQLite's, zlib's and
#     libzstd's package files out of reach (and COMPONENTS db does not: the control);
#   find_package(uio COMPONENTS fs): a program copies and checks a small tree (tests/install/fs_only);
#   the licence.
# usage: check_installed_tree.sh PREFIX LIBDIR WORK SOURCE_DIR CXX
set -euo pipefail
prefix=$(realpath "$1") libdir=$2 work=$(realpath "$3") source=$(realpath "$4") cxx=$5
fail() {
  echo "installed tree: $*" >&2
  exit 1
}

# --- man pages -----------------------------------------------------------------------------
# groff writes U+2212 for \- and U+2010 for a hyphen in UTF-8: both are '-' to a reader.
render() { MANWIDTH=120 man -l "$1" 2> /dev/null | col -b | sed 's/\xe2\x88\x92/-/g; s/\xe2\x80\x90/-/g'; }
for program in ucopy ucopy-tables ubench; do
  page=$prefix/share/man/man1/$program.1
  [[ -f $page ]] || fail "no man page $page"
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  [[ -z $warnings ]] || fail "groff warns about $page: $warnings"
  text=$(render "$page")
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
    grep -q "^$section\$" <<< "$text" || fail "$page has no $section section"
  done
  help=$("$prefix/bin/$program" --help)
  if [[ $program == ubench ]]; then
    for command in files overhead pg pg-copy sqlite-import; do
      help+=$'\n'$("$prefix/bin/ubench" "$command" --help)
    done
  fi
  for option in $(grep -o -- '--[a-z][a-z0-9-]*' <<< "$help" | sort -u); do
    grep -qE -- "$option([^a-z0-9-]|\$)" <<< "$text" || fail "$page does not mention $option"
  done
  # The codes of --help's "Exit status:" paragraph, each an entry of EXIT STATUS.
  codes=$(sed -n '/^Exit status:/,/^$/p' <<< "$help" | grep -oE '(^Exit status:|;) [0-9]+ ' |
    grep -oE '[0-9]+' | sort -u)
  [[ -n $codes ]] || fail "$program --help lists no exit codes"
  statuses=$(sed -n '/^EXIT STATUS$/,/^EXAMPLES$/p' <<< "$text")
  for code in $codes; do
    grep -qE "^ +$code( |$)" <<< "$statuses" || fail "$page's EXIT STATUS lacks $code"
  done
done

# --- shell completions ----------------------------------------------------------------------
completions=$prefix/share/bash-completion/completions
# Completes the words of $2, split at spaces as bash splits a command line (the cursor after
# the last word, or on a new one if $2 ends in a space), with program $1's completion.
complete_words() {
  bash --norc --noprofile -c '
    source "$1/$2" || exit 1
    function=$(complete -p "$2" | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
    [[ -n $function ]] || exit 1
    read -ra COMP_WORDS <<< "$3"
    [[ $3 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    "$function"
    echo "${COMPREPLY[*]}"' bash "$completions" "$1" "$2"
}
expect_completion() {
  local got
  got=$(complete_words "$1" "$2") || fail "the bash completion of $1 does not load"
  [[ $got == "$3" ]] || fail "bash completes '$2' as '$got', not '$3'"
}
expect_completion ucopy "ucopy --spar" "--sparse"
expect_completion ucopy "ucopy --reflink = al" "always"  # bash splits --reflink=al at '=' 
expect_completion ucopy "ucopy --sparse " "auto always never"
expect_completion ucopy "ucopy --connec" "--connections"  # a table option
expect_completion ucopy-tables "ucopy-tables --mode up" "upsert"
expect_completion ubench "ubench sqlite" "sqlite-import"
expect_completion ubench "ubench pg --conni" "--conninfo"
expect_completion ubench "ubench files --cold " "auto drop fadvise"
command -v zsh > /dev/null || fail "zsh is not installed (scripts/deps installs it)"
for program in ucopy ucopy-tables ubench; do
  zsh -n "$prefix/share/zsh/site-functions/_$program" || fail "_$program does not parse in zsh"
  head -1 "$prefix/share/zsh/site-functions/_$program" | grep -q "^#compdef $program\$" ||
    fail "_$program does not start with #compdef $program"
done

# --- pkg-config -------------------------------------------------------------------------------
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
for module in uio-core uio-uring uio-db uio-etl uio-fs; do
  pkg-config --validate "$module" || fail "$module.pc is not valid"
  pkg-config --libs "$module" > /dev/null || fail "pkg-config cannot resolve $module"
done
mkdir -p "$work/pkg-config"
# shellcheck disable=SC2046  # pkg-config's words are the flags
(cd "$work/pkg-config" &&
  "$cxx" -std=c++20 "$source/tests/install/consumer/main.cpp" -o consumer \
    $(pkg-config --cflags --libs uio-uring) &&
  ./consumer | grep -q "consumer read 5 bytes") ||
  fail "a program built with pkg-config --cflags --libs uio-uring does not build or run"
unset PKG_CONFIG_PATH

# --- CMake components -------------------------------------------------------------------------
for component in core uring; do
  if grep -nE 'LIBPQ|SQLITE3|ZLIB|LIBZSTD|PostgreSQL' "$prefix/$libdir/cmake/uio/uio-$component-targets.cmake"; then
    fail "uio-$component-targets.cmake names a database or compression library"
  fi
done
# Out of reach: pkg-config sees no .pc file at all (libpq's, sqlite3's, libzstd's), and
# CMake's own modules for PostgreSQL, SQLite3 and ZLIB find nothing.
mkdir -p "$work/no-pkg-config"
hidden=(-DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx"
  -DCMAKE_DISABLE_FIND_PACKAGE_ZLIB=ON -DCMAKE_DISABLE_FIND_PACKAGE_PostgreSQL=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON)
export PKG_CONFIG_LIBDIR=$work/no-pkg-config PKG_CONFIG_PATH=
cmake -S "$source/tests/install/uring_only" -B "$work/uring-only" "${hidden[@]}" > "$work/uring-only.log" 2>&1 ||
  fail "find_package(uio COMPONENTS uring) fails without libpq, sqlite3, zlib, libzstd: $(cat "$work/uring-only.log")"
cmake --build "$work/uring-only" > "$work/uring-only-build.log" 2>&1 ||
  fail "the COMPONENTS uring consumer does not build: $(cat "$work/uring-only-build.log")"
(cd "$work/uring-only" && ./consumer | grep -q "consumer read 5 bytes") ||
  fail "the COMPONENTS uring consumer does not run"
if cmake -S "$source/tests/install/uring_only" -B "$work/db-hidden" "${hidden[@]}" -DUIO_COMPONENT=db \
  > "$work/db-hidden.log" 2>&1; then
  fail "COMPONENTS db configured with libpq's pkg-config file hidden: the check proves nothing"
fi
grep -q "needs libpq" "$work/db-hidden.log" || fail "COMPONENTS db failed without naming libpq: $(cat "$work/db-hidden.log")"
unset PKG_CONFIG_LIBDIR PKG_CONFIG_PATH

# find_package(uio COMPONENTS fs): a program that copies a tree through uio::fs.
cmake -S "$source/tests/install/fs_only" -B "$work/fs-only" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" > "$work/fs-only.log" 2>&1 ||
  fail "find_package(uio COMPONENTS fs) fails: $(cat "$work/fs-only.log")"
cmake --build "$work/fs-only" > "$work/fs-only-build.log" 2>&1 ||
  fail "the COMPONENTS fs consumer does not build: $(cat "$work/fs-only-build.log")"
(cd "$work/fs-only" && ./fs_consumer | grep -q "fs consumer copied 2 files") ||
  fail "the COMPONENTS fs consumer does not copy its tree"
# Only the public headers: the engine's stages stay inside the library.
for internal in engine.hpp walker planner mover publisher; do
  [[ ! -e $prefix/include/uio/fs/$internal ]] || fail "an internal header was installed: uio/fs/$internal"
done

# --- licence ----------------------------------------------------------------------------------
grep -q "Copyright (c) 2026 the uio authors" "$prefix/share/doc/uio/LICENSE" ||
  fail "no MIT LICENSE in share/doc/uio"
echo "installed tree: man pages, completions, pkg-config files, components and licence check out"
