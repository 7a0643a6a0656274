#!/bin/bash
# usage: tog.sh JAR OUT WARM ROUNDS : one cluster, rounds alternate toggle off (base) / on (tog)
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
cd /tmp/prof/s8
$J/java -cp $1:. Small8 /tmp/prof/s8/d $3 $4 /tmp/hiro-toggle > $2 2>$2.err
rm -rf /tmp/prof/s8/d /tmp/hiro-toggle
