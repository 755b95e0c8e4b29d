#!/usr/bin/env python3
"""`--json` is one rule in every ubench subcommand: `--json FILE` and `--json=FILE` write the
JSON to FILE (the table for people on stdout), `--json` alone and `--json -` write it to stdout
(the table on stderr). Checked on files, overhead and sqlite-import, which need no server;
pg and pg-copy parse --json with the same code (command_line.cpp).

usage: ubench_json_test.py UBENCH WORKDIR"""
import json
import os
import shutil
import subprocess
import sys

ubench, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []

csv_path = os.path.join(work, "rows.csv")
with open(csv_path, "w") as f:
    f.write("id,name\n" + "".join(f"{i},item {i}\n" for i in range(1, 101)))

commands = {
    "files": ["files", "--size", "1M", "--seconds", "0.01", "--repeat", "1", "--workloads",
              "seqread", "--modes", "buffered-hot", "--engines", "blocking", "--dir", work,
              "--quiet"],
    "overhead": ["overhead", "--nops", "1000", "--reads", "0", "--repeat", "1"],
    "sqlite-import": ["sqlite-import", "--file", csv_path, "--db", ":memory:", "--table", "t",
                      "--schema", "CREATE TABLE t(id INTEGER, name TEXT)"],
}
for name, args in commands.items():
    for form in ("FILE", "=FILE", "bare", "-"):
        out = os.path.join(work, f"{name}-{form.strip('=')}.json")
        json_args = {"FILE": ["--json", out], "=FILE": [f"--json={out}"], "bare": ["--json"],
                     "-": ["--json", "-"]}[form]
        run = subprocess.run([ubench, *args, *json_args], capture_output=True, text=True,
                             timeout=300)
        what = f"ubench {name} --json {form}"
        if run.returncode != 0:
            failures.append(f"{what} exited with {run.returncode}: {run.stderr}")
            continue
        to_file = form in ("FILE", "=FILE")
        text = open(out).read() if to_file and os.path.exists(out) else run.stdout
        try:
            json.loads(text)
        except ValueError as e:
            failures.append(f"{what}: no JSON {'in FILE' if to_file else 'on stdout'} ({e}): {text!r}")
        people = run.stdout if to_file else run.stderr
        if not people.strip() or people.lstrip().startswith("{"):
            failures.append(f"{what}: the table for people is not on "
                            f"{'stdout' if to_file else 'stderr'}: {people!r}")
        if not to_file and os.path.exists(out):
            failures.append(f"{what}: wrote a file {out}")

shutil.rmtree(work, ignore_errors=True)
for f in failures:
    print("FAIL:", f, file=sys.stderr)
if failures:
    sys.exit(1)
print(f"PASS: --json FILE, --json=FILE, --json, --json - in {', '.join(commands)}")
