#!/bin/sh
# alternates the jar built from main (before) and from flat9 (after), same trees, same machine
for pass in 1 2; do
  for shape in 2x2x256 512x2x16; do
    for lookup in holderMap volumeDevices; do
      for jar in before after; do
        printf "pass %s %s: " $pass $jar
        java -Dbrick.bench.dir=/dev/shm/flat9-trees -cp /tmp/flat9-$jar.jar Measure.java $shape $lookup 3 2>/dev/null | tail -1
      done
    done
  done
  uptime
done
