# Shared by scripts/dev, scripts/test and scripts/bench: the offline toolchain, the build,
# and starting/stopping the local edge (wrangler dev on workerd). Source it; don't run it.
# Facts behind each step: ../shared/TOOLCHAIN.md.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WORKER_BUILD_VERSION=0.8.7
WASM_BINDGEN_VERSION=0.2.129

# Node 22 from node_modules (wrangler needs >= 22.12), and local tools first on PATH.
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Tools worker-build would otherwise download from GitHub.
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild"
# wrangler: no internet, no telemetry, no prompts.
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_SEND_METRICS=false
export WRANGLER_SEND_ERROR_REPORTS=false

log() { printf '\033[1;32m==>\033[0m %s\n' "$*" >&2; }

# Installs whatever is missing; quick when everything is there.
ensure_tools() {
  if ! rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
    log "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! worker-build --version 2>/dev/null | grep "$WORKER_BUILD_VERSION" >/dev/null; then
    log "installing worker-build $WORKER_BUILD_VERSION (a few minutes, once)"
    cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep "$WASM_BINDGEN_VERSION" >/dev/null; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked
  fi
  if [ ! -x node_modules/.bin/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm tools (wrangler, Node 22, wasm-opt, playwright-core)"
    npm ci --no-audit --no-fund
  fi
}

# schemathesis, the API fuzzer (scripts/fuzz-api), in a venv under target/: the system
# Python has no pip packages.
SCHEMATHESIS_VERSION=4.32.5
FUZZ_VENV="$ROOT/target/fuzz-venv"
ensure_fuzzer() {
  if ! "$FUZZ_VENV/bin/st" --version 2>/dev/null | grep "$SCHEMATHESIS_VERSION" >/dev/null; then
    log "installing schemathesis $SCHEMATHESIS_VERSION (a venv under target/, once)"
    python3 -m venv "$FUZZ_VENV"
    "$FUZZ_VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}

# Chromium and CJK fonts, for browser journeys and screenshots (Debian packages).
ensure_browser() {
  if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then
    log "installing chromium and Chinese fonts (apt)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
}

# The browser bundle builds in its own target dir: worker-build sets an environment
# variable that wasm-bindgen's macros track, so sharing one dir rebuilt both every time.
HYDRATE_TARGET_DIR="$ROOT/target/hydrate"

# Leptos' `erase_components` type-erases component views: the browser bundle and the
# worker come out about a quarter smaller. Both builds take it, so they render alike.
WASM_RUSTFLAGS="--cfg erase_components"

# The crates the browser bundles build patched: each `scripts/patches/CRATE-WHAT.patch`
# (its header says why) applied to a copy of the locked CRATE under the bundles' target
# dir, made again only when the patch or the crate's version changes. Prints cargo's
# `paths` override for them: the same versions from other folders, so Cargo.lock is
# untouched and the worker builds the crates as published.
patched_crates() {
  local metadata patch crate version src dir stamp paths=""
  metadata="$(cargo metadata --format-version 1 --locked --filter-platform wasm32-unknown-unknown)"
  for patch in "$ROOT"/scripts/patches/*.patch; do
    crate="$(basename "$patch")" && crate="${crate%%-*}"
    read -r version src < <(CRATE="$crate" node -e '
      let json = "";
      process.stdin.on("data", (d) => (json += d)).on("end", () => {
        const found = JSON.parse(json).packages.find((p) => p.name === process.env.CRATE);
        if (found) console.log(found.version, require("path").dirname(found.manifest_path));
      });' <<<"$metadata") || true
    [ -d "${src:-}" ] || { log "$crate not found in cargo's metadata"; return 1; }
    dir="$HYDRATE_TARGET_DIR/patched/$crate-$version"
    stamp="$version $(sha256sum <"$patch" | cut -c1-16)"
    if [ "$(cat "$dir/.linli-patch" 2>/dev/null)" != "$stamp" ]; then
      log "patching $crate $version for the browser bundles ($(basename "$patch"))"
      rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && cp -R "$src" "$dir"
      (cd "$dir" && git apply "$patch") \
        || { log "scripts/patches/$(basename "$patch") does not apply to $crate $version: make it again"; return 1; }
      echo "$stamp" >"$dir/.linli-patch"
    fi
    paths+="${paths:+, }\"$dir\""
  done
  echo "paths = [$paths]"
}

# Builds the browser bundles into public/pkg and the worker into edge-worker/build.
build_all() {
  log "building the browser bundles, one per group of pages (app/src/lib.rs: Bundle)"
  rm -rf public/pkg
  build_bundle hydrate,shop linli_shop
  build_bundle hydrate,live linli_live
  build_bundle hydrate,cart linli_cart
  build_bundle hydrate,resident linli_resident
  build_bundle hydrate,community linli_community
  build_bundle hydrate,owner linli_owner
  LINLI_ASSET_VERSION="$(cat public/pkg/*.js public/pkg/*_bg.wasm public/*.css public/*.js | sha256sum | cut -c1-12)"
  export LINLI_ASSET_VERSION
  log "building the edge worker (ssr + API), assets $LINLI_ASSET_VERSION"
  (cd edge-worker && RUSTFLAGS="$WASM_RUSTFLAGS" worker-build --release)
  # The name section is over half the worker; logs keep panic messages without it.
  wasm-opt --strip-debug --all-features edge-worker/build/index_bg.wasm -o edge-worker/build/index_bg.wasm
}

# One browser bundle: the app with FEATURES, as public/pkg/NAME.js and NAME_bg.wasm.
build_bundle() {
  local features="$1" name="$2" patched
  patched="$(patched_crates)"
  RUSTFLAGS="$WASM_RUSTFLAGS" cargo build -p linli-app --lib --release --target wasm32-unknown-unknown --features "$features" \
    --target-dir "$HYDRATE_TARGET_DIR" --config "$patched"
  wasm-bindgen --target web --no-typescript --out-dir public/pkg --out-name "$name" \
    "$HYDRATE_TARGET_DIR/wasm32-unknown-unknown/release/linli_app.wasm"
  # Hydration calls most of the glue: V8 (Chrome 136+) then compiles it all off the main
  # thread as it loads, not each function on the main thread at its first call.
  sed -i '1i //# allFunctionsCalledOnLoad' "public/pkg/${name}.js"
  # A second -Oz pass takes 1.0-1.3 KB more gzip off each bundle (a few seconds each).
  # --low-memory-unused lets it fold constant offsets into loads and stores (1.9 KB gzip
  # off the live room's): it differs only for an address that wraps around 4 GB into the
  # first 1 KB, which no valid pointer of ours can do.
  wasm-opt --low-memory-unused -Oz -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "public/pkg/${name}_bg.wasm" -o "public/pkg/${name}_bg.wasm"
}

EDGE_PID=""
# Starts wrangler dev on PORT with state persisted in DIR, applies migrations, waits for health.
start_edge() {
  local port="$1" state="$2"
  mkdir -p "$state"
  log "applying D1 migrations ($state)"
  CI=true wrangler d1 migrations apply DB --local --persist-to "$state" >"$state/migrate.log" 2>&1 \
    || { cat "$state/migrate.log"; return 1; }
  log "starting the edge on http://127.0.0.1:$port"
  setsid wrangler dev --local --ip 127.0.0.1 --port "$port" --persist-to "$state" \
    --show-interactive-dev-session=false \
    --var "SEED_TOKEN:$SEED_TOKEN" --var "DEMO_OWNER_PASSWORD:$DEMO_OWNER_PASSWORD" \
    --var "PICKUP_CODE_SECRET:$PICKUP_CODE_SECRET" --var "SESSION_SECRET:$SESSION_SECRET" \
    --var "FAULT_INJECTION:${FAULT_INJECTION:-0}" --var "SUPPLY_RETRY_BASE_SECS:${SUPPLY_RETRY_BASE_SECS:-1}" \
    --var "SMS_GATEWAY:outbox" --test-scheduled \
    </dev/null >"$state/wrangler.log" 2>&1 &
  EDGE_PID=$!
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$EDGE_PID" 2>/dev/null; then cat "$state/wrangler.log"; return 1; fi
    sleep 0.5
  done
  cat "$state/wrangler.log"
  return 1
}

stop_edge() {
  if [ -n "$EDGE_PID" ]; then
    kill -TERM -- "-$EDGE_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$EDGE_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$EDGE_PID" 2>/dev/null || true
    EDGE_PID=""
  fi
}

# Seeds the demo chain through the API (idempotent).
seed_demo() {
  local port="$1"
  curl -fsS -X POST -H "Authorization: Bearer $SEED_TOKEN" "http://127.0.0.1:$port/api/v1/admin/seed"
  echo
}

# Local-only settings; production sets real secrets with `wrangler secret put`.
export SEED_TOKEN="${SEED_TOKEN:-local-seed-token}"
export DEMO_OWNER_PASSWORD="${DEMO_OWNER_PASSWORD:-linli-demo-2026}"
export PICKUP_CODE_SECRET="${PICKUP_CODE_SECRET:-local-pickup-secret}"
export SESSION_SECRET="${SESSION_SECRET:-local-session-secret}"
