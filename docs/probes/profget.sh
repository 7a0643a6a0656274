#!/bin/bash
# usage: profget.sh JAR OUT PROBE ROUNDS WAIT SECONDS : the probe Get (cats only; KINDS=get,cat for both)
# or Big (1 GiB puts, 2 untimed first), then async-profiler (agent loaded with jcmd, as in profw.sh) on
# the probe's JVM, the master and each worker for SECONDS after WAIT. WAIT must pass the probe's cluster
# start and first put (~25-30 s for Get), and ROUNDS must last past WAIT + SECONDS, else the JVMs are
# gone when the profiles are asked for. Collapsed stacks in OUT/<process>.txt: jitshare.py, profcat.py.
# EVENT: the agent's options after start (default event=cpu,interval=1ms; event=wall,interval=2ms,threads
# for where each thread spends its wall-clock time).
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
AP=/tmp/prof/ap/linux-x64/libasyncProfiler.so
jar=$1 out=$2 probe=$3 rounds=$4
mkdir -p "$out"
cd /tmp/prof/s8
case $probe in
  Get) args=(-Dkinds="${KINDS:-cat}" Get /tmp/prof/get "$rounds") ;;
  Big) args=(Big /tmp/prof/big 2 "$rounds") ;;
  *) echo "PROBE is Get or Big" >&2; exit 2 ;;
esac
$J/java --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -XX:-UseAdaptiveSizePolicy -cp "$jar":. \
  "${args[@]}" > "$out/probe.out" 2> "$out/probe.err" &
P=$!
sleep "$5"
pids=()
for pid in $(pgrep -x java); do
  name=$(tr '\0' ' ' < /proc/$pid/cmdline | grep -o "master\|worker --port [0-9]*\| $probe " | head -1 | tr -d ' ')
  [ -n "$name" ] && { $J/jcmd $pid JVMTI.agent_load $AP "\"start,${EVENT:-event=cpu,interval=1ms}\"" >/dev/null; pids+=("$pid:$name"); }
done
sleep "$6"
for pn in "${pids[@]}"; do $J/jcmd ${pn%%:*} JVMTI.agent_load $AP "\"stop,file=$out/${pn#*:}.txt,collapsed\"" >/dev/null; done
wait $P
rm -rf /tmp/prof/get/c /tmp/prof/get/got.bin /tmp/prof/big
