#!/usr/bin/env bash
# scripts/gpu-check.sh: checks dpo4j on a CUDA GPU in one call, building nothing.
#
# It trains the default run (200 steps of the tiny preset) on the CPU, then on the GPU in fp32 and
# in fp16, and times the 'small' bench (34M parameters) the same three ways; then prints each
# run's tokens/s and its final loss beside the CPU run's.
#
# Needs, and says which is missing (one line, exit 1):
#   - a CUDA GPU (nvidia-smi);
#   - Java 17+ (java on PATH, or JAVA_HOME);
#   - the GPU build of the jar, made elsewhere with 'mvn -B -DskipTests -Dgpu package' and copied
#     with its folder: cli/target/dpo4j.jar and cli/target/lib/;
#   - libtorch's CUDA natives, one of: DJL's cache (~/.djl.ai/pytorch/*-cu*), PYTORCH_LIBRARY_PATH
#     (a libtorch 2.7.1 with CUDA, e.g. the lib/ folder of Python's torch 2.7.1+cu128, found by
#     itself when python3 has it), or the network once (DJL downloads them from publish.djl.ai).
#
# Usage: scripts/gpu-check.sh [OUT_DIR]     (default /tmp/dpo4j-gpu-check; cleared first)
# Env:   GPU_CHECK_STEPS (bench timed steps, default 10)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
out="${1:-/tmp/dpo4j-gpu-check}"
steps="${GPU_CHECK_STEPS:-10}"
jar="$root/cli/target/dpo4j.jar"

fail() {
  echo "gpu-check: $*" >&2
  exit 1
}

# --- what it needs -------------------------------------------------------------------------
command -v nvidia-smi >/dev/null 2>&1 || fail "no NVIDIA GPU here (nvidia-smi not found)"
nvidia-smi -L >/dev/null 2>&1 || fail "nvidia-smi sees no GPU ($(nvidia-smi -L 2>&1 | head -1))"

java_bin=""
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java_bin="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  java_bin="$(command -v java)"
fi
[[ -n "$java_bin" ]] || fail "needs Java 17+ (no java on PATH and JAVA_HOME unset); this script builds nothing"
java_major="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
[[ "${java_major:-0}" -ge 17 ]] || fail "needs Java 17+, $java_bin is ${java_major:-unknown}"

[[ -f "$jar" && -d "$root/cli/target/lib" ]] \
  || fail "needs the GPU build: $jar and cli/target/lib/ (make them with 'mvn -B -DskipTests -Dgpu package' where Maven and the network are, and copy them here)"
manifest="$(unzip -p "$jar" META-INF/MANIFEST.MF 2>/dev/null | tr -d '\r\n ' || true)"
[[ -n "$manifest" ]] || fail "cannot read $jar's manifest (is unzip installed?)"
if [[ "$manifest" == *pytorch-native-cpu* ]]; then
  fail "$jar is the CPU build (it bundles libtorch's CPU natives, so DJL never loads CUDA); rebuild with -Dgpu"
fi

natives=""
if [[ -n "${PYTORCH_LIBRARY_PATH:-}" ]]; then
  natives="PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH"
elif compgen -G "${DJL_CACHE_DIR:-$HOME/.djl.ai}/pytorch/*cu*" >/dev/null; then
  natives="DJL's cache ($(compgen -G "${DJL_CACHE_DIR:-$HOME/.djl.ai}/pytorch/*cu*" | head -1))"
elif command -v python3 >/dev/null 2>&1 \
    && torch_info="$(python3 -c 'import os, torch; print(torch.__version__, os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null)" \
    && [[ "$torch_info" == 2.7.1+cu* ]]; then
  # Python's torch 2.7.1 with CUDA is the libtorch DJL 0.35.1 expects; its JNI glue for cu128 is in
  # the pytorch-jni jar, so nothing is downloaded
  flavour="${torch_info%% *}"; flavour="${flavour#*+}"
  export PYTORCH_LIBRARY_PATH="${torch_info#* }" PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR="$flavour"
  natives="Python's torch ($torch_info)"
elif command -v curl >/dev/null 2>&1 && curl -sfI --max-time 10 https://publish.djl.ai/ >/dev/null 2>&1; then
  natives="download from publish.djl.ai (first start; several GB, cached in ~/.djl.ai)"
else
  fail "needs libtorch's CUDA natives: no network to publish.djl.ai, nothing in ~/.djl.ai/pytorch, no PYTORCH_LIBRARY_PATH, no Python torch 2.7.1+cu*"
fi

# --- the runs --------------------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
echo "gpu-check: $(nvidia-smi -L | head -1); java $java_major; natives: $natives; output in $out"

dpo4j() {
  "$java_bin" -Xmn64m ${DPO4J_JAVA_OPTS:-} -jar "$jar" "$@"
}

# field NAME FILE: the value of "NAME" in the last line of FILE that has it
field() {
  grep "\"$1\"" "$2" 2>/dev/null | tail -1 | sed -n "s/.*\"$1\" *: *\([^,}]*\).*/\1/p"
}

declare -A loss tokens_s
for run in cpu:fp32 gpu:fp32 gpu:fp16; do
  device="${run%%:*}"; precision="${run##*:}"; name="train-$device-$precision"
  start=$(date +%s.%N)
  if ! dpo4j train --set "train.device=$device" --set "train.precision=$precision" \
      --output-dir "$out/$name" > "$out/$name.log" 2>&1; then
    fail "$name failed: $(grep -m1 -i 'error\|exception' "$out/$name.log" || tail -1 "$out/$name.log") (log: $out/$name.log)"
  fi
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  metrics="$out/$name/metrics.jsonl"
  loss[$name]="$(grep -v '"eval_' "$metrics" | grep '"loss"' | tail -1 | sed -n 's/.*"loss" *: *\([^,}]*\).*/\1/p')"
  tokens_s[$name]="$(echo "scale=0; $(field num_tokens "$metrics") / $seconds" | bc)"
done

for run in cpu:fp32 gpu:fp32 gpu:fp16; do
  device="${run%%:*}"; precision="${run##*:}"; name="bench-$device-$precision"
  if ! dpo4j bench --preset small --steps "$steps" --warmup 2 --set "train.device=$device" \
      --set "train.precision=$precision" --json "$out/$name.json" > "$out/$name.log" 2>&1; then
    fail "$name failed: $(grep -m1 -i 'error\|exception' "$out/$name.log" || tail -1 "$out/$name.log") (log: $out/$name.log)"
  fi
  tokens_s[$name]="$(field tokens_per_s "$out/$name.json")"
done

echo
printf '%-20s %14s %14s %14s\n' run tokens/s final-loss "loss-vs-cpu"
for name in train-cpu-fp32 train-gpu-fp32 train-gpu-fp16; do
  diff="$(echo "${loss[$name]} - ${loss[train-cpu-fp32]}" | bc -l | sed 's/^\./0./; s/^-\./-0./')"
  printf '%-20s %14s %14s %14s\n' "$name" "${tokens_s[$name]}" "${loss[$name]}" "$diff"
done
for name in bench-cpu-fp32 bench-gpu-fp32 bench-gpu-fp16; do
  printf '%-20s %14s %14s %14s\n' "$name" "${tokens_s[$name]}" - -
done
echo
echo "train tokens/s: training tokens / wall time (start-up included); bench: timed steps only."
echo "gpu-check: done"
