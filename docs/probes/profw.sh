#!/bin/bash
# usage: profw.sh JAR OUT WARM ROUNDS SECONDS : Small8, then async-profiler (agent loaded with jcmd) on every JVM for SECONDS after WARM-5
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
# async-profiler 4.2 for Linux x64 from Maven Central (tools.profiler:async-profiler:4.2:jar:linux-x64), unzipped in /tmp/prof/ap
AP=/tmp/prof/ap/linux-x64/libasyncProfiler.so
mkdir -p $2
cd /tmp/prof/s8
$J/java -XX:+UseParallelGC -cp $1:. Small8 /tmp/prof/s8/d $3 $4 > $2/small8.out 2>$2/small8.err &
P=$!
sleep $(( $3 - 5 ))
pids=()
for pid in $(pgrep -x java); do
  name=$(tr '\0' ' ' < /proc/$pid/cmdline | grep -o "master\|worker --port [0-9]*\|Small8" | head -1 | tr ' ' '_')
  [ -n "$name" ] && { $J/jcmd $pid JVMTI.agent_load $AP "\"start,event=cpu,interval=1ms\"" >/dev/null; pids+=("$pid:$name"); }
done
sleep $5
for pn in "${pids[@]}"; do $J/jcmd ${pn%%:*} JVMTI.agent_load $AP "\"stop,file=$2/${pn#*:}.txt,collapsed\"" >/dev/null; done
wait $P
rm -rf /tmp/prof/s8/d
