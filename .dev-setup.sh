#!/usr/bin/env bash
# pipelens developer entry point — the two README commands:
#   ./dev.sh serve   install what is missing, then serve the app on http://127.0.0.1:8080/
#   ./dev.sh test    install what is missing, then run every check CI runs, timing each stage
#   ./dev.sh bench   the benchmarks (numbers, not pass/fail), natively and in headless Chromium
# Set-up is idempotent: each tool is installed only when absent or at another version. Nothing is
# downloaded except from crates.io, npm, Debian and Rust's own toolchain server (for the wasm target).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130        # must equal the wasm-bindgen pinned in Cargo.toml
BINARYEN_VERSION=132.0.0            # wasm-opt; Debian's is too old for Rust 1.95's wasm features
TOOLS=${PIPELENS_TOOLS:-$HOME/.cache/pipelens-tools}
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
# Prefer dependency versions that build on our pinned rustc if `cargo install` ever re-resolves.
export CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

setup_rust() {
  # rust-toolchain.toml pins 1.95.0 with the wasm32 target; rustup adds what is missing.
  rustup show active-toolchain >/dev/null
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  cargo fetch --locked
}

setup_cargo_tool() { # name version check-command [install flags...]
  local name=$1 version=$2 probe=$3; shift 3
  if "$probe" --version 2>/dev/null | grep -q " $version\b"; then return; fi
  say "installing $name $version (a few minutes, once)"
  cargo install "$name" --version "$version" "$@"
}

setup_build_tools() {
  setup_rust
  setup_cargo_tool trunk "$TRUNK_VERSION" trunk --locked
  # Without --locked: the CLI's own lock file names a webpki-roots version the registry lacks.
  setup_cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
  if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    say "installing binaryen $BINARYEN_VERSION (wasm-opt) into $TOOLS"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION"
  fi
}

setup_browser_tools() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium and chromium-driver"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  fi
  # The e2e packages (playwright-core, axe-core) at the versions of the lock file.
  local pkg want have stale=""
  for pkg in playwright-core axe-core; do
    want=$(node -p "require('./tests/e2e/package-lock.json').packages['node_modules/$pkg'].version")
    have=$(node -p "try { require('./tests/e2e/node_modules/$pkg/package.json').version } catch { '' }")
    [ "$want" != "$have" ] && stale="$stale $pkg@$want"
  done
  if [ -n "$stale" ]; then
    say "installing$stale for the e2e tests"
    (cd tests/e2e && npm ci --no-audit --no-fund)
  fi
}

# --- test stages -------------------------------------------------------------------------------------
stage_fmt() { cargo fmt --all --check; }

# The engine must build without any UI crate, and without chrono's clock.
stage_engine_purity() {
  local ui clock
  ui=$(cargo tree --locked --no-default-features -e normal --prefix none \
    | grep -E '^(leptos|leptos_router|web-sys|js-sys|gloo|wasm-bindgen|plotters) ' || true)
  clock=$(cargo tree --locked --no-default-features -e features -i chrono --prefix none | grep -E 'feature "clock"' || true)
  if [ -n "$ui$clock" ]; then
    echo "the engine build pulls in UI crates or chrono's clock:"; echo "$ui$clock"; return 1
  fi
  echo "engine: no UI crates, chrono without clock"
}

stage_clippy_engine() { cargo clippy --locked --no-default-features --all-targets -- -D warnings; }
stage_clippy_app() { cargo clippy --locked --target wasm32-unknown-unknown --lib --bins --test web --test bench_web -- -D warnings; }
stage_test_native() { PIPELENS_REQUIRE_SHARED=${PIPELENS_REQUIRE_SHARED:-0} cargo test --locked --no-default-features; }
stage_test_web() { cargo test --locked --target wasm32-unknown-unknown --test web; }
stage_build() { trunk build --release; }
stage_e2e() { (cd tests/e2e && PIPELENS_DIST="$ROOT/dist" npm test); }

run_stages() {
  local results=() failed="" start elapsed stage
  for stage in "$@"; do
    say "$stage"
    start=$(date +%s)
    if "stage_$stage"; then
      elapsed=$(( $(date +%s) - start )); results+=("$(printf '%-14s %5ss  ok' "$stage" "$elapsed")")
    else
      elapsed=$(( $(date +%s) - start )); results+=("$(printf '%-14s %5ss  FAILED' "$stage" "$elapsed")")
      failed=$stage; break
    fi
  done
  say "stage times"; printf '%s\n' "${results[@]}"
  if [ -n "$failed" ]; then echo "FAILED at stage: $failed"; return 1; fi
  echo "all stages passed"
}

stage_setup() { setup_build_tools; setup_browser_tools; }

case "${1:-}" in
  serve)
    setup_build_tools
    say "serving on http://127.0.0.1:8080/ (Ctrl-C stops)"
    exec trunk serve --address 127.0.0.1 --port 8080
    ;;
  setup) run_stages setup ;;
  test)
    run_stages setup fmt engine_purity clippy_engine clippy_app test_native test_web build e2e
    ;;
  bench)
    setup_build_tools
    setup_browser_tools
    say "native benchmarks (profile bench, opt-level 3)"
    cargo bench --locked --no-default-features
    say "wasm benchmarks in headless Chromium (profile speed, opt-level 3)"
    WASM_BINDGEN_TEST_TIMEOUT=900 cargo test --locked --profile speed --target wasm32-unknown-unknown --test bench_web -- --nocapture
    ;;
  *)
    echo "usage: ./dev.sh serve | ./dev.sh test | ./dev.sh bench" >&2
    exit 2
    ;;
esac
