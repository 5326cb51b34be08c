#!/usr/bin/env bash
# JMH benchmark of the message codec: decode = parse + limits + Xerces validation + JAXB unmarshal;
# encode = JAXB marshal + Xerces validation + write. Usage: bench/codec.sh [extra JMH options]
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/../bin/lib/common.sh"
sss_find_java
sss_ensure_built
cmd=("$JAVA" -cp "$SSS_HOME/bench/target/classes:$SSS_HOME/bench/target/lib/*" org.openjdk.jmh.Main CodecBenchmark
     -f 1 -wi 3 -w 2s -i 5 -r 2s -t 1 "$@")
echo "\$ ${cmd[*]}"
"${cmd[@]}" | sed -n '/^Benchmark/,$p'
