#!/bin/bash
# gcab.sh JAR OUT TURNS WARM ROUNDS FLAG : clusters with G1 (default) and with FLAG take turns
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
cd /tmp/prof/s8
for i in $(seq 1 $3); do
  for mode in ${ORDER:-g1 alt}; do   # ORDER="alt g1" starts with FLAG
    if [ $mode = g1 ]; then opts=""; else opts="$6"; fi
    echo "== $mode $i" >> $2
    $J/java $opts -Ddaemon.opts="$opts" -cp $1:. Small8 /tmp/prof/s8/d $4 $5 >> $2 2>/dev/null
    rm -rf /tmp/prof/s8/d
  done
done
