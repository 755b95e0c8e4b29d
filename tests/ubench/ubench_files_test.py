#!/usr/bin/env python3
"""A short `ubench files` run: every engine completes every case, the checksums agree, and the
JSON, CSV and SVG are well-formed and complete. Also `ubench overhead --json` parses.

usage: ubench_files_test.py UBENCH WORKDIR
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

ENGINES = {"blocking", "threadpool", "uio", "uio-fixedbufs", "uio-fixedfiles", "uio-sqpoll"}
WORKLOADS = {"randread", "seqread", "seqwrite", "smallfiles"}
MODES = {"buffered-hot", "buffered-cold", "direct"}
CASE_FIELDS = {"workload", "mode", "engine", "queue_depth", "block_size", "operations",
               "ops_per_s", "mb_per_s", "p50_us", "p99_us", "ratio_to_blocking", "checksum",
               "checksum_ok", "samples"}
TOP_FIELDS = {"tool", "kernel", "dir", "file_size", "small_files", "seconds", "repeat",
              "cold_method", "notes", "checksums_agree", "cases"}
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def main():
    ubench, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    out = {ext: os.path.join(work, "out." + ext) for ext in ("json", "csv", "svg")}
    # --version and --help answer with exit 0 (no subcommand needed), --help with exit codes.
    version = subprocess.run([ubench, "--version"], capture_output=True, text=True)
    check(version.returncode == 0 and version.stdout.startswith("ubench "),
          f"ubench --version: exit {version.returncode}: {version.stdout}{version.stderr}")
    usage = subprocess.run([ubench, "--help"], capture_output=True, text=True)
    check(usage.returncode == 0 and "Exit status: 0" in usage.stdout,
          f"ubench --help: exit {usage.returncode}, or no exit codes: {usage.stdout[-500:]}")
    # --cold fadvise: a test must not drop the page cache of a machine others work on.
    run = subprocess.run([ubench, "files", "--size", "4M", "--seconds", "0.005", "--repeat", "1",
                          "--small-files", "32", "--qd", "1,4", "--seq-qd", "2", "--cold",
                          "fadvise", "--dir", work, "--quiet", "--json", out["json"], "--csv",
                          out["csv"], "--plot", out["svg"]], capture_output=True, text=True,
                         timeout=300)
    print(run.stdout)
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        sys.exit(f"ubench files exited with {run.returncode}")

    report = json.load(open(out["json"]))
    check(TOP_FIELDS <= report.keys(), f"missing top-level fields {TOP_FIELDS - report.keys()}")
    check(report["checksums_agree"] is True, "checksums_agree is not true")
    cases = report["cases"]
    seen = {}
    for c in cases:
        key = (c.get("workload"), c.get("mode"))
        check(CASE_FIELDS <= c.keys(), f"{key}: missing fields {CASE_FIELDS - c.keys()}")
        for spread in ("ops_per_s", "mb_per_s"):
            check({"median", "min", "max"} <= c[spread].keys(), f"{key}: {spread} incomplete")
            check(c[spread]["min"] <= c[spread]["median"] <= c[spread]["max"],
                  f"{key}: {spread} median outside min-max")
        check(c["ops_per_s"]["median"] > 0, f"{key} {c['engine']}: no throughput")
        check(c["checksum_ok"] is True, f"{key} {c['engine']}: checksum mismatch")
        check(c["operations"] > 0, f"{key} {c['engine']}: no operations")
        check(len(c["samples"]["ops_per_s"]) == report["repeat"], f"{key}: wrong sample count")
        check(c["p50_us"] <= c["p99_us"], f"{key} {c['engine']}: p50 above p99")
        seen.setdefault(key, {}).setdefault(c["engine"], set()).add(c["queue_depth"])
    check({w for w, _ in seen} == WORKLOADS, f"workloads run: {sorted({w for w, _ in seen})}")
    check({m for _, m in seen} == MODES, f"modes run: {sorted({m for _, m in seen})}")
    for (workload, mode), engines in seen.items():
        expected = ENGINES - ({"uio-fixedfiles"} if workload == "smallfiles" else set())
        check(set(engines) == expected, f"{workload} {mode}: engines {sorted(engines)}")
        if workload == "randread":
            for engine, depths in engines.items():
                want = {1} if engine == "blocking" else {1, 4}
                check(depths == want, f"randread {mode} {engine}: depths {sorted(depths)}")
        # One workload and mode: the same operations for every engine, so one checksum.
        sums = {c["checksum"] for c in cases if (c["workload"], c["mode"]) == (workload, mode)}
        check(len(sums) == 1, f"{workload} {mode}: checksums differ {sums}")

    rows = list(csv.DictReader(open(out["csv"])))
    check(len(rows) == len(cases), f"CSV has {len(rows)} rows for {len(cases)} cases")
    svg = ET.parse(out["svg"]).getroot()
    labels = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    check({"uio", "uio-sqpoll", "threadpool", "blocking (QD 1)"} <= labels,
          "plot lacks a label for some engine")

    over = subprocess.run([ubench, "overhead", "--nops", "2000", "--reads", "2000", "--repeat",
                           "1", "--json"], capture_output=True, text=True, timeout=300)
    check(over.returncode == 0, f"ubench overhead exited with {over.returncode}: {over.stderr}")
    if over.returncode == 0:
        result = json.loads(over.stdout)
        check({"nop", "read"} <= result["ratios"].keys(), "overhead JSON lacks ratios")

    shutil.rmtree(work, ignore_errors=True)
    if failures:
        for f in failures:
            print("FAIL:", f, file=sys.stderr)
        sys.exit(1)
    print(f"PASS: {len(cases)} cases, every engine, checksums agree")


main()
