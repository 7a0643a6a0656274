"""Medians per variant of abget.sh's output (round 0, the JIT's, left out): MB/s, the client's and all
processes' CPU s/GiB, idle and iowait cores, and every run's MB/s. python3 getstat.py OUT..."""
import re
import statistics
import sys

LINE = re.compile(r'(\w+) (\d+) ([\d.]+) MB/s cpu ([\d.]+) s/GiB \[ ([\d.]+).*idle ([\d.]+) iowait ([\d.]+)')

for path in sys.argv[1:]:
    variant, runs = None, {}
    for line in open(path):
        if line.startswith('=='):
            variant = ' '.join(line.split()[1:-1])
            continue
        m = LINE.match(line)
        if m and m.group(2) != '0':
            rate, all_cpu, client, idle, iowait = (float(m.group(i)) for i in (3, 4, 5, 6, 7))
            runs.setdefault((variant, m.group(1)), []).append((rate, client, all_cpu, idle, iowait))
    for (variant, kind), rows in sorted(runs.items()):
        medians = [statistics.median(row[i] for row in rows) for i in range(5)]
        print('%s %s: median %.1f MB/s, client %.2f s/GiB, all %.2f, idle %.2f, iowait %.2f cores; runs %s'
              % ((variant, kind) + tuple(medians) + (sorted(row[0] for row in rows),)))
