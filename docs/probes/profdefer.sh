#!/bin/bash
# usage: [JVMS=REGEX] profdefer.sh OUT START SECONDS CMD...
# Runs CMD (a probe's java command, from /tmp/prof/s8) in the background, its output in OUT/probe.out. At 20 s
# async-profiler 4.2 is loaded into every JVM whose command line matches JVMS (by default Hiro's daemons, the
# bench's bare nodes and the probes Small8, Pair9 and StatLoop) and stopped at once: its attach makes the JIT
# compile again, which is then over by START. From START s on, SECONDS of CPU samples, collapsed, in
# OUT/<name>.txt per JVM. async-profiler: tools.profiler:async-profiler:4.2:jar:linux-x64 unzipped in /tmp/prof/ap.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
AP=/tmp/prof/ap/linux-x64/libasyncProfiler.so
OUT=$1 START=$2 SECONDS_=$3
shift 3
JVMS=${JVMS:-"master --port [0-9]*|worker --port [0-9]*|PutFloorNode master|PutFloorNode worker [^ ]*|Small8|Pair9|StatLoop"}
mkdir -p $OUT
cd /tmp/prof/s8
"$@" > $OUT/probe.out 2> $OUT/probe.err &
P=$!
sleep 20
pids=()
for pid in $(pgrep -x java); do
  name=$(tr '\0' ' ' < /proc/$pid/cmdline | grep -oE "$JVMS" | head -1 | tr ' /' '__')
  [ -n "$name" ] && { $J/jcmd $pid JVMTI.agent_load $AP "\"start,event=cpu,interval=1ms\"" >/dev/null; pids+=("$pid:$name"); }
done
sleep 2
for pn in "${pids[@]}"; do $J/jcmd ${pn%%:*} JVMTI.agent_load $AP "\"stop,file=/dev/null,collapsed\"" >/dev/null; done
sleep $(( START - 22 ))
for pn in "${pids[@]}"; do $J/jcmd ${pn%%:*} JVMTI.agent_load $AP "\"start,event=cpu,interval=1ms\"" >/dev/null; done
sleep $SECONDS_
for pn in "${pids[@]}"; do $J/jcmd ${pn%%:*} JVMTI.agent_load $AP "\"stop,file=$OUT/${pn#*:}.txt,collapsed\"" >/dev/null; done
wait $P
