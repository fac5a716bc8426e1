#!/usr/bin/env bash
# Measures jrsonnet (=0.5.0-pre98, what rulegen uses) against jsonnet-rs 0.17
# (bindings to the vendored C++ library) in one run: clean release build time
# of a minimal binary using each, evaluation time of alerts-1000.jsonnet, and
# which standard-library functions each has. Needs cargo, a C++ compiler, bc.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
cargo new -q --bin jrs && cargo new -q --bin jsrs
(cd jrs && cargo add -q jrsonnet-evaluator@=0.5.0-pre98 jrsonnet-stdlib@=0.5.0-pre98 && cp "$here/jrsonnet_main.rs" src/main.rs)
(cd jsrs && cargo add -q jsonnet-rs@0.17 && cp "$here/jsonnet_rs_main.rs" src/main.rs)
for c in jrs jsrs; do
  (cd "$c" && cargo fetch -q)
  s=$(date +%s.%N); (cd "$c" && CARGO_TARGET_DIR="$work/target-$c" cargo build -q --release); e=$(date +%s.%N)
  echo "$c: clean release build $(echo "$e - $s" | bc) s"
done
"$work/target-jrs/release/jrs" "$here/alerts-1000.jsonnet" 11
"$work/target-jsrs/release/jsrs" "$here/alerts-1000.jsonnet" 5
for e in "std.parseYaml('a: 1')" "std.trim(' x ')" "std.any([true])" "std.sum([1,2])" "std.avg([1,2])" \
         "std.contains([1],1)" "std.splitLimitR('a.b','.',1)" "std.objectRemoveKey({a:1},'a')" "std.sha256('x')" \
         "std.member([1],1)" "std.manifestYamlDoc({a:1})"; do
  echo "$e" > t.jsonnet
  a=$("$work/target-jrs/release/jrs" t.jsonnet 1 >/dev/null 2>&1 && echo yes || echo no)
  b=$(timeout 20 "$work/target-jsrs/release/jsrs" t.jsonnet 1 >/dev/null 2>&1 && echo yes || echo no)
  echo "$e: jrsonnet=$a jsonnet-rs=$b"
done
