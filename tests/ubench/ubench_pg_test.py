#!/usr/bin/env python3
"""A short `ubench pg` run against the test cluster: every engine completes, the engines' sums
of abalance agree, and the JSON has every field. pgbench_accounts (scale 1) lives in a
database of its own, so tests sharing the cluster never see it; it is dropped at the end.
Exits 77 (ctest SKIP) without a cluster or without pgbench/psql.

usage: ubench_pg_test.py UBENCH PG_CLUSTER_SCRIPT PG_CLUSTER_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ENGINES = ["blocking", "uio", "uio-pipeline", "uio-pool", "uio-pool-pipeline"]
TOP_FIELDS = {"benchmark", "server_version", "queries", "max_aid", "repeat", "seed",
              "load_average", "sums_agree", "engines"}
ENGINE_FIELDS = {"engine", "what", "median_ops_per_s", "min_ops_per_s", "max_ops_per_s",
                 "p50_us", "p99_us", "ratio", "sum", "rows", "sum_ok", "samples"}
DATABASE = "uio_ubench_pg_test"
QUERIES = 2000
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(77)


def cluster_environment(script, directory):
    """PG* of the caller's cluster (PGHOST set), or of the ctest fixture's."""
    env = dict(os.environ)
    if env.get("PGHOST"):
        return env
    if not os.access(os.path.join(directory, "port"), os.R_OK):
        skip("no PostgreSQL test cluster: run through ctest (fixture pg_cluster_start) or set PGHOST")
    out = subprocess.run([script, "env", directory], capture_output=True, text=True, check=True)
    text = out.stdout.strip()
    if text.startswith("export "):
        text = text[len("export "):]
    for item in text.split():
        key, _, value = item.partition("=")
        env[key] = value
    return env


def main():
    ubench, script, directory = sys.argv[1:4]
    for tool in ("pgbench", "psql"):
        if not shutil.which(tool):
            skip(f"{tool} is not installed")
    env = cluster_environment(script, directory)

    def psql(sql):
        subprocess.run(["psql", "-qX", "-v", "ON_ERROR_STOP=1", "-c", sql], env=env, check=True,
                       capture_output=True, text=True)

    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    try:
        # Before `pgbench -i`: the user's setup, said as such (exit 1), with what to do.
        bare = subprocess.run([ubench, "pg", "--queries", "10", "--repeat", "1", "--conninfo",
                               f"dbname={DATABASE}", "--quiet"], env=env, capture_output=True,
                              text=True, timeout=60)
        check(bare.returncode == 1, f"without pgbench tables: exit {bare.returncode}, not 1")
        check("run `pgbench -i`" in bare.stderr,
              f"without pgbench tables, no hint to run pgbench -i: {bare.stderr.strip()}")
        check("internal error" not in bare.stderr, f"said to be a bug: {bare.stderr.strip()}")
        subprocess.run(["pgbench", "-i", "-s", "1", "-q", DATABASE], env=env, check=True,
                       capture_output=True, text=True)
        with tempfile.TemporaryDirectory() as work:
            out = os.path.join(work, "pg.json")
            run = subprocess.run([ubench, "pg", "--queries", str(QUERIES), "--repeat", "1",
                                  "--depth", "50", "--conninfo", f"dbname={DATABASE}", "--json",
                                  out, "--quiet"], env=env, capture_output=True, text=True,
                                 timeout=120)
            check(run.returncode == 0,
                  f"ubench pg exited {run.returncode}: {run.stderr.strip()[-2000:]}")
            check("sums agree" in run.stdout, "the table does not say the sums agree")
            if os.path.exists(out):
                with open(out) as f:
                    check_json(json.load(f))
            else:
                failures.append("no JSON written")
    finally:
        psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    for failure in failures:
        print("FAIL:", failure)
    print(f"ubench pg short run: {'ok' if not failures else f'{len(failures)} failure(s)'}")
    return 1 if failures else 0


def check_json(doc):
    check(TOP_FIELDS <= doc.keys(), f"top-level fields missing: {TOP_FIELDS - doc.keys()}")
    check(doc.get("benchmark") == "pg", "benchmark is not 'pg'")
    check(doc.get("queries") == QUERIES, f"queries {doc.get('queries')} != {QUERIES}")
    check(doc.get("max_aid") == 100000, f"max_aid {doc.get('max_aid')} != 100000 (scale 1)")
    check(doc.get("sums_agree") is True, "sums_agree is not true")
    check(len(doc.get("load_average", [])) == 3, "load_average is not three numbers")
    engines = doc.get("engines", [])
    check([e.get("engine") for e in engines] == ENGINES,
          f"engines {[e.get('engine') for e in engines]} != {ENGINES}")
    sums = set()
    for e in engines:
        name = e.get("engine")
        check(ENGINE_FIELDS <= e.keys(), f"{name}: fields missing: {ENGINE_FIELDS - e.keys()}")
        check(e.get("rows") == QUERIES, f"{name}: {e.get('rows')} rows, not {QUERIES}")
        check(e.get("sum_ok") is True, f"{name}: sum_ok is not true")
        check(e.get("median_ops_per_s", 0) > 0, f"{name}: no throughput")
        check(len(e.get("samples", [])) == 1, f"{name}: not one sample for --repeat 1")
        check(0 < e.get("p50_us", 0) <= e.get("p99_us", 0), f"{name}: p50/p99 out of order")
        sums.add(e.get("sum"))
    check(len(sums) == 1, f"the engines' sums differ: {sums}")


if __name__ == "__main__":
    sys.exit(main())
