#!/usr/bin/env bash
# Rebuilds every committed .wasm from its C source (bench/programs and tests/fixtures/wasi/src),
# then runs each under node:wasi and compares its output with the committed expectations.
#
# Needs Debian's clang for wasm32-wasi (CI does not; that is why the .wasm files are committed):
#   apt-get install clang lld wasi-libc libclang-rt-dev-wasm32
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: bench/build.sh [--update] [--quick] [--no-compile]

  --update      rewrite the expected outputs instead of comparing with them
  --quick       check the benchmarks at their quick size only (skips the ~15 s default-size runs)
  --no-compile  only run and compare (no clang needed)
USAGE
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
compile=1
check_args=()
for arg in "$@"; do
  case "$arg" in
    --update|--quick) check_args+=("$arg") ;;
    --no-compile) compile=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build.sh: unknown option '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

CC="${CC:-clang}"
CFLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror -Wl,--strip-debug)
missing="needs clang for wasm32-wasi: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32"

build() {  # build SOURCE OUTPUT
  "$CC" "${CFLAGS[@]}" "$1" -o "$2" -lm
  echo "built ${2#"$root"/} ($(wc -c <"$2") bytes)"
}

if [[ $compile == 1 ]]; then
  if ! command -v "$CC" >/dev/null 2>&1; then
    echo "build.sh: '$CC' not found; $missing" >&2
    exit 1
  fi
  probe="$(mktemp -d)"
  trap 'rm -rf "$probe"' EXIT
  printf 'int main(void) { return 0; }\n' >"$probe/probe.c"
  if ! "$CC" "${CFLAGS[@]}" "$probe/probe.c" -o "$probe/probe.wasm" 2>"$probe/log"; then
    cat "$probe/log" >&2
    echo "build.sh: '$CC' cannot build wasm32-wasi programs; $missing" >&2
    exit 1
  fi
  mkdir -p "$here/wasm" "$root/tests/fixtures/wasi/wasm"
  for src in "$here"/programs/*.c; do
    build "$src" "$here/wasm/$(basename "$src" .c).wasm"
  done
  for src in "$root"/tests/fixtures/wasi/src/*.c; do
    build "$src" "$root/tests/fixtures/wasi/wasm/$(basename "$src" .c).wasm"
  done
fi

exec node "$here/check.mjs" "${check_args[@]}"
