"""The iCalendar output of `samvirke deadlines --ics`, read by an independent parser (the Python
`icalendar` package): the Dragør–Tårnby wheel for 2025 and 2026, hand-checked dates, unique UIDs that
stay the same between downloads, folded lines within 75 octets.

Usage: python ics_check.py SAMVIRKE_BIN   (prints "N passed, M failed" last)
"""
import datetime
import subprocess
import sys

import icalendar

BIN = sys.argv[1]
passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok: {name}")
    else:
        failed += 1
        print(f"FAILED: {name} {detail}")


def feed():
    run = subprocess.run(
        [BIN, "--demo", "deadlines", "--cooperation", "dragoer-taarnby", "--from", "2025-01-01", "--to", "2026-12-31", "--ics"],
        capture_output=True,
        check=True,
    )
    return run.stdout


raw = feed()
calendar = icalendar.Calendar.from_ical(raw)
events = [c for c in calendar.walk("VEVENT")]
expected = {
    datetime.date(2025, 1, 31): "Årsrapportering",
    datetime.date(2025, 2, 3): "Skabelon",
    datetime.date(2025, 5, 30): "Bestilling",
    datetime.date(2025, 6, 30): "Betalingsaftaler",
    datetime.date(2026, 1, 30): "Årsrapportering",
    datetime.date(2026, 2, 2): "Skabelon",
    datetime.date(2026, 5, 29): "Bestilling",
    datetime.date(2026, 6, 30): "Betalingsaftaler",
}
check("the feed parses as VCALENDAR 2.0", calendar.get("VERSION") == "2.0" and calendar.name == "VCALENDAR")
got = {e.decoded("DTSTART"): str(e.get("SUMMARY")) for e in events}
check("eight all-day events on the hand-checked dates", sorted(got) == sorted(expected), f"{sorted(got)}")
check(
    "each event is the obligation due that day",
    all(got.get(day, "").startswith(title) for day, title in expected.items()),
    f"{got}",
)
check(
    "each event lasts the one day",
    all(e.decoded("DTEND") - e.decoded("DTSTART") == datetime.timedelta(days=1) for e in events),
)
uids = [str(e.get("UID")) for e in events]
check("UIDs are unique", len(set(uids)) == len(uids), f"{uids}")
again = icalendar.Calendar.from_ical(feed())
check("UIDs stay the same in a second download", sorted(uids) == sorted(str(e.get("UID")) for e in again.walk("VEVENT")))
lines = raw.split(b"\r\n")
check("every line ends in CRLF and is at most 75 octets", all(len(line) <= 75 for line in lines) and b"\n" not in raw.replace(b"\r\n", b""))
check("Danish letters survive folding", any("Årsrapportering til Dragør Kommune" in str(e.get("SUMMARY")) for e in events))
print(f"{passed} passed, {failed} failed")
