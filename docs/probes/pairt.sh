#!/bin/bash
# usage: pairt.sh JAR OUT CLIENTS TURNS WARM: Pair9 with the per-thread-group figures in every turn
# (-Dthreads.every=true), from PROBE_DIR (default /tmp/prof/s8, where Pair9 was compiled); read OUT with groups.py
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
D=${PROBE_DIR:-/tmp/prof/s8}
rm -rf "$D/pd"
( time $J -XX:+UseParallelGC -Dthreads.every=true -Dclients=$3 -cp $1:$D io.hiro.app.bench.Pair9 "$D/pd" $5 $4 ) > $2 2>&1
rm -rf "$D/pd"
