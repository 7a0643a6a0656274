#!/bin/bash
# ab.sh OUT JAR_A JAR_B [TURNS] : fresh clusters of the two jars take turns, Small8 with 30 s warm and 12 rounds each (WARM=s ROUNDS=n to change)
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
out=$1; a=$2; b=$3; turns=${4:-2}; : > $out
cd /tmp/prof/s8
for t in $(seq $turns); do
  for j in $a $b; do
    echo "== $(basename $j)" >> $out
    $J/java -cp $j:. Small8 /tmp/prof/s8/d ${WARM:-30} ${ROUNDS:-12} 2>/dev/null | grep -v '^warm' >> $out
    rm -rf /tmp/prof/s8/d
  done
done
