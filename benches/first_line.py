"""Times a command that streams lines: to its first line and to its end, medians of ROUNDS.

    python3 benches/first_line.py ROUNDS LABEL COMMAND...

Prints `LABEL: N lines, first line X ms, all Y s (medians of ROUNDS)`.
"""
import statistics
import subprocess
import sys
import time

rounds, label, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
firsts, totals, lines = [], [], 0
for _ in range(rounds):
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    process.stdout.readline()
    firsts.append(time.perf_counter() - started)
    lines = 1 + sum(1 for _ in process.stdout)
    process.wait()
    totals.append(time.perf_counter() - started)
print(f"{label}: {lines} lines, first line {statistics.median(firsts) * 1000:.0f} ms, "
      f"all {statistics.median(totals):.2f} s (medians of {rounds})")
