#!/bin/bash
# abget.sh OUT TURNS "JAR [JVM OPTIONS]"... : Get probes of several jars (or one jar with different
# options) take turns, a fresh cluster each, TURNS times; KINDS=get for gets only, ROUNDS=4 by default.
# Medians per variant of rounds 1 and later: python3 getstat.py OUT
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
out=$1; turns=$2; shift 2; : > "$out"
variants=("$@")
cd /tmp/prof/s8
for t in $(seq "$turns"); do
  for v in "${variants[@]}"; do
    read -r jar opts <<< "$v"
    echo "== $(basename "$jar") $opts $(date +%T)" >> "$out"
    # shellcheck disable=SC2086 # the options are words of their own
    $J/java -Dkinds="${KINDS:-get,cat}" $opts --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
      -XX:-UseAdaptiveSizePolicy -cp "$jar":. Get /tmp/prof/get "${ROUNDS:-4}" 2>/dev/null >> "$out"
    rm -rf /tmp/prof/get/c /tmp/prof/get/got.bin
  done
done
