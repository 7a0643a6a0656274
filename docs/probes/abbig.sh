#!/bin/bash
# abbig.sh OUT TURNS VARIANT...: Big (2 untimed, 5 timed puts) on a fresh cluster per variant, taking turns.
# A variant is a jar, or JAR@NAME@DAEMON_OPTS (the daemons' JVM options, space-separated).
out=$1; turns=$2; shift 2
mkdir -p "$out"
for t in $(seq 1 "$turns"); do
  for v in "$@"; do
    IFS=@ read -r jar name opts <<< "$v"
    name=${name:-$(basename "$jar" .jar)}
    rm -rf /tmp/prof/big/c
    ( cd /tmp/prof/s8 && /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
        -Ddaemon.opts="$opts" -cp "$jar:." Big /tmp/prof/big 2 5 2>&1 | grep -E "^(warm|put |  )" > "$out/$name.$t.txt" )
    echo "$name turn $t: $(grep '^put' "$out/$name.$t.txt" | awk '{print $2}' | tr '\n' ' ')"
  done
done
