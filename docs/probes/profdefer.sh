#!/bin/bash
# usage: [JVMS=REGEX] [APOPTS=,threads] profdefer.sh OUT START SECONDS CMD...
# Runs CMD (a probe's java command, from /tmp/prof/s8, or from PROBE_DIR) in the background, its output in OUT/probe.out. At 20 s
# async-profiler 4.2 is loaded into every JVM that CMD started by then (itself and its descendants) whose command
# line matches JVMS (by default Hiro's daemons, the bench's bare nodes and the probes Small8, Pair9 and StatLoop),
# and stopped 2 s after the last of them: its attach makes the JIT compile again, which is then over by START
# (at least 23). From START s on, SECONDS of CPU samples, collapsed, in OUT/<name>_<pid>.txt per JVM (none for a
# JVM with no samples). Each jcmd takes a fraction of a second, so the JVMs' windows are staggered by that much.
# Stopping this script (Ctrl-C) stops CMD too. async-profiler: tools.profiler:async-profiler:4.2:jar:linux-x64
# unzipped in /tmp/prof/ap. APOPTS: more of async-profiler's options for the timed window (",threads": a frame
# per thread name at the root of each stack).
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
AP=/tmp/prof/ap/linux-x64/libasyncProfiler.so
OUT=$(realpath -m "$1") START=$2 SECONDS_=$3
shift 3
[ "$START" -ge 23 ] 2>/dev/null || { echo "profdefer.sh: START must be 23 s or more" >&2; exit 2; }
[ "$SECONDS_" -ge 1 ] 2>/dev/null || { echo "profdefer.sh: SECONDS must be 1 or more" >&2; exit 2; }
case "$OUT" in *,*) echo "profdefer.sh: OUT must not contain a comma (async-profiler's options)" >&2; exit 2;; esac
JVMS=${JVMS:-"master --port [0-9]*|worker --port [0-9]*|PutFloorNode master|PutFloorNode worker [^ ]*|Small8|Pair9|StatLoop"}
mkdir -p "$OUT"
cd ${PROBE_DIR:-/tmp/prof/s8} || exit 2
"$@" > "$OUT/probe.out" 2> "$OUT/probe.err" &
P=$!
# CMD's process and its descendants
tree() { echo "$1"; for c in $(pgrep -P "$1"); do tree "$c"; done; }
trap 'for p in $(tree $P); do kill $p 2>/dev/null; done' INT TERM
# jcmd exits 0 even when the agent fails; the agent's own "return code" says whether it did
agent() {
  $J/jcmd "$1" JVMTI.agent_load $AP "\"$2\"" > "$OUT/jcmd.last" 2>&1
  grep -q "return code: 0" "$OUT/jcmd.last" || { echo "profdefer.sh: '$2' in JVM $1 failed:" >&2; cat "$OUT/jcmd.last" >&2; }
}
sleep 20
kill -0 $P 2>/dev/null || { echo "profdefer.sh: CMD ended within 20 s; see $OUT/probe.err" >&2; exit 1; }
pids=()
for pid in $(tree $P); do
  [ "$(cat /proc/$pid/comm 2>/dev/null)" = java ] || continue
  name=$(tr '\0' ' ' < /proc/$pid/cmdline | grep -oE "$JVMS" | head -1 | tr ' /' '__')
  [ -n "$name" ] && { agent $pid "start,event=cpu,interval=1ms"; pids+=("$pid:${name}_$pid"); }
done
[ ${#pids[@]} -gt 0 ] || echo "profdefer.sh: no JVM of CMD matches '$JVMS'" >&2
sleep 2
for pn in "${pids[@]}"; do agent ${pn%%:*} "stop,file=/dev/null,collapsed"; done
sleep $(( START - 22 ))
for pn in "${pids[@]}"; do agent ${pn%%:*} "start,event=cpu,interval=1ms$APOPTS"; done
sleep $SECONDS_
for pn in "${pids[@]}"; do agent ${pn%%:*} "stop,file=$OUT/${pn#*:}.txt,collapsed"; done
rm -f "$OUT/jcmd.last"
wait $P
