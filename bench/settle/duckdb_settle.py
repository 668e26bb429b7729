"""Runs bench/settle/settle.sql with DuckDB: python duckdb_settle.py COSTS ACTIVITY OUT [THREADS]."""
import pathlib
import sys

import duckdb

costs, activity, out = sys.argv[1:4]
sql = (pathlib.Path(__file__).with_name("settle.sql").read_text()
       .replace("__COSTS__", costs).replace("__ACTIVITY__", activity).replace("__OUT__", out))
con = duckdb.connect()
if len(sys.argv) > 4:
    con.execute(f"SET threads = {int(sys.argv[4])}")
con.execute(sql)
