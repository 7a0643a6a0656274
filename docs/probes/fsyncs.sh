#!/bin/bash
# usage: fsyncs.sh JAR OUT: Pair9 with one client (from PROBE_DIR, default /tmp/prof/s8, where Pair9 was compiled) for
# 75 s, then `strace -c -f` of Hiro's master for 25 s into OUT: its fsyncs, replies (writev) and network-thread
# wake-ups (write to its eventfd) per reply (session 44: 0.44 -> 0.35 fsyncs per reply once reports stopped waiting)
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
D=${PROBE_DIR:-/tmp/prof/s8}
rm -rf "$D/pd"
$J -XX:+UseParallelGC -Dclients=1 -cp $1:$D io.hiro.app.bench.Pair9 "$D/pd" 60 20 > $2.pair 2>&1 &
P=$!
sleep 75
M=$(pgrep -f "Main master --port" | head -1)
timeout 25 strace -f -c -p $M -o $2 2>/dev/null
kill $P; sleep 2; pkill -f "Main (master|worker) --port"; pkill -f PutFloorNode; sleep 1
rm -rf "$D/pd"
