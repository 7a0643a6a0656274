#!/bin/bash
# sc.sh JAR OUT : Small8 (40 s warm, 10 rounds); after 3 s of rounds, strace -c -f for 8 s on the master, one worker and the probe (the client)
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
jar=$1; out=$2; mkdir -p $out; rm -f $out/*
cd /tmp/prof/s8
$J/java -cp $jar:. Small8 /tmp/prof/s8/d 40 10 > $out/run.txt 2>$out/run.err &
probe=$!
while ! grep -q 'warm rounds' $out/run.txt 2>/dev/null; do sleep 0.2; kill -0 $probe || exit 1; done
sleep 3
m=$(pgrep -f 'io.hiro.app.Main master' | head -1); w=$(pgrep -f 'io.hiro.app.Main worker' | head -1)
timeout -s INT 8 strace -c -f -p $m -o $out/master.sc & 
timeout -s INT 8 strace -c -f -p $w -o $out/worker.sc &
timeout -s INT 8 strace -c -f -p $probe -o $out/client.sc &
wait $probe
rm -rf /tmp/prof/s8/d
