"""`samvirke settle adhoc` against DuckDB (bench/settle/settle.sql) on generated files and edge cases.

Run by ./scripts/test with the virtualenv it creates:  python tests/settle/duckdb_edge_cases.py SAMVIRKE_BINARY
Each case writes costs.csv and activity.csv, runs both, and requires byte-identical output. Cases in
the forms DuckDB reads differently (decimal commas, a BOM) are normalised for DuckDB only: the
question is whether samvirke reads them to the same numbers.
"""
import pathlib
import subprocess
import sys
import tempfile

import duckdb

BIN = sys.argv[1]
SQL = (pathlib.Path(__file__).resolve().parents[2] / "bench/settle/settle.sql").read_text()


def duck(costs: pathlib.Path, activity: pathlib.Path, out: pathlib.Path) -> bytes:
    con = duckdb.connect()
    con.execute(SQL.replace("__COSTS__", str(costs)).replace("__ACTIVITY__", str(activity)).replace("__OUT__", str(out)))
    return out.read_bytes()


def ours(costs: pathlib.Path, activity: pathlib.Path, out: pathlib.Path) -> bytes:
    subprocess.run([BIN, "settle", "adhoc", "--quiet", "--costs", str(costs), "--activity", str(activity), "--out", str(out)], check=True)
    return out.read_bytes()


def case(name: str, costs: str, activity: str, duck_costs: str | None = None, duck_activity: str | None = None) -> bool:
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        (d / "costs.csv").write_bytes(costs.encode())
        (d / "activity.csv").write_bytes(activity.encode())
        (d / "duck_costs.csv").write_bytes((duck_costs or costs).encode())
        (d / "duck_activity.csv").write_bytes((duck_activity or activity).encode())
        a = ours(d / "costs.csv", d / "activity.csv", d / "ours.csv")
        b = duck(d / "duck_costs.csv", d / "duck_activity.csv", d / "duck.csv")
        ok = a == b
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
        if not ok:
            print("samvirke:\n" + a.decode()[:2000] + "\nduckdb:\n" + b.decode()[:2000])
        return ok


H = "agreement,municipality,date,units\n"
results = [
    case("single member", "agreement,cost\nA,1234.56\n", H + "A,m1,2024-01-01,2.5\nA,m1,2024-02-01,0.25\n"),
    case("a member with zero units", "agreement,cost\nA,100\n", H + "A,m1,2024-01-01,0\nA,m2,2024-01-01,3\nA,m3,2024-01-01,1\n"),
    case("ties in remainders go to the lower id", "agreement,cost\nA,1.00\nB,0.02\n", H + "A,m3,2024-01-01,1\nA,m1,2024-01-01,1\nA,m2,2024-01-01,1\nB,x,2024-01-01,1\nB,w,2024-01-01,1\nB,v,2024-01-01,1\n"),
    case("very large costs", "agreement,cost\nA,92233720368547758.07\nB,99999999999999999.99\n", H + "A,m1,2024-01-01,7.77\nA,m2,2024-01-01,3.33\nA,m3,2024-01-01,0.01\nB,m1,2024-01-01,99999999.99\nB,m2,2024-01-01,0.01\n"),
    case("decimal commas with ;", "agreement;cost\nA;1000,50\n", "agreement;municipality;date;units\nA;m1;2024-01-01;1,25\nA;m2;2024-01-01;2,5\nA;m3;2024-01-01;0,75\n",
         duck_costs="agreement,cost\nA,1000.50\n", duck_activity=H + "A,m1,2024-01-01,1.25\nA,m2,2024-01-01,2.5\nA,m3,2024-01-01,0.75\n"),
    case("a byte-order mark", "\ufeffagreement,cost\nA,10\n", "\ufeff" + H + "A,m1,2024-01-01,1\nA,m2,2024-01-01,2\n",
         duck_costs="agreement,cost\nA,10\n", duck_activity=H + "A,m1,2024-01-01,1\nA,m2,2024-01-01,2\n"),
    case("CRLF line ends", "agreement,cost\r\nA,10\r\n", H.replace("\n", "\r\n") + "A,m1,2024-01-01,1\r\nA,m2,2024-01-01,2\r\n"),
]

# Generated files through the fast path (long enough for 16-byte windows), with the generator.
with tempfile.TemporaryDirectory() as d:
    d = pathlib.Path(d)
    gen = pathlib.Path(BIN).parent / "examples" / "gen_activity"
    for rows, seed in [(50_000, 1), (300_000, 2)]:
        subprocess.run([str(gen), str(rows), str(d / f"g{seed}"), str(seed)], check=True)
        a = ours(d / f"g{seed}/costs.csv", d / f"g{seed}/activity.csv", d / "ours.csv")
        b = duck(d / f"g{seed}/costs.csv", d / f"g{seed}/activity.csv", d / "duck.csv")
        ok = a == b
        print(f"{'ok  ' if ok else 'FAIL'} generated {rows} rows (seed {seed})")
        results.append(ok)

passed, failed = sum(results), len(results) - sum(results)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
