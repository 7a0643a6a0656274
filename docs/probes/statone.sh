#!/bin/bash
# statone.sh JAR KIND OUT : StatOne (KIND bare or hiro), then perf stat (system calls, context switches, task-clock)
# on the client JVM and on the server for 10 s of its timed 14 s; OUT.client.perf, OUT.server.perf (session 40)
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
cd /tmp/prof/s8
$J/java -XX:+UseParallelGC -cp $1:. io.hiro.app.bench.StatOne /tmp/prof/so/d 30 $2 14 > $3.out 2>$3.err &
P=$!
while ! grep -q '^timed' $3.out 2>/dev/null; do sleep 0.2; kill -0 $P || exit 1; done
read _ c s < <(grep '^timed' $3.out)
sleep 2
perf stat -e raw_syscalls:sys_enter,context-switches,task-clock -p $c -o $3.client.perf -- sleep 10 &
perf stat -e raw_syscalls:sys_enter,context-switches,task-clock -p $s -o $3.server.perf -- sleep 10 &
wait $P
rm -rf /tmp/prof/so/d
grep calls $3.out
