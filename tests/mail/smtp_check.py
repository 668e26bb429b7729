"""`samvirke remind` against a real SMTP server: an aiosmtpd sink started here on a free port, which
keeps every message it receives. Checks the recipients, subjects and dates of the reminders before
the Dragør–Tårnby deadlines, that a second run the same day sends nothing, that the nearer
reminder follows, the weekly digest with a register case, and that a server that refuses
connections is reported (exit 4) and the mail tried again on the next run.

Usage: python smtp_check.py SAMVIRKE_BIN   (prints "N passed, M failed" last)
"""
import email
import email.policy
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from aiosmtpd.controller import Controller

BIN = sys.argv[1]
EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "cooperations")
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


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


workdir = tempfile.mkdtemp(prefix="samvirke-mail-")
db = os.path.join(workdir, "mail.db")


def samvirke(*args, stdin=None, expect=0):
    run = subprocess.run([BIN, "--db", db, *args], input=stdin, capture_output=True, text=True)
    if run.returncode != expect:
        raise SystemExit(f"samvirke {' '.join(args)} exited {run.returncode}: {run.stdout}{run.stderr}")
    return run.stdout


samvirke("import", EXAMPLES)
for account, scope in [("tove@taarnby.dk", "DK-0185"), ("dorte@dragoer.dk", "DK-0155"), ("ib@ishoej.dk", "DK-0183")]:
    samvirke("user", "add", account, "--role", "editor", "--scope", scope, "--password-stdin", stdin="a long pass phrase for mail\n")
samvirke("user", "add", "admin@samvirke.example", "--role", "admin", "--password-stdin", stdin="a long pass phrase for mail\n")

sink = Sink()
port = free_port()
controller = Controller(sink, hostname="127.0.0.1", port=port)
controller.start()
smtp = ["--smtp", f"smtp://127.0.0.1:{port}", "--from", "Samvirke <samvirke@taarnby.dk>"]


def received_since(count):
    # The sink runs in its own thread; the command has returned, but give it a moment.
    for _ in range(50):
        if len(sink.messages) >= count:
            break
        time.sleep(0.02)
    return sink.messages[count:]


try:
    # 14 days before the annual report (due Friday 29 January 2027): Tårnby is its owner.
    start = len(sink.messages)
    out = samvirke("remind", "--on", "2027-01-15", *smtp)
    got = received_since(start)
    check("one reminder 14 days before the annual report", len(got) == 1, f"{out} {got}")
    if got:
        rcpt, msg = got[0]
        check("it goes to Tårnby's caseworker", rcpt == ["tove@taarnby.dk"], f"{rcpt}")
        check("from the configured sender", "samvirke@taarnby.dk" in str(msg["From"]), str(msg["From"]))
        subject = str(msg["Subject"])
        check("the subject says when, what and the date, in Danish words and dates", subject.startswith("Frist om 14 dage: Årsrapportering") and subject.endswith("29.01.2027"), subject)
        body = msg.get_content()
        check("the body names the owner and the clause", "Ansvarlig: Tårnby" in body and "I januar udarbejder Tårnby Kommune" in body, body)
    # The same day again: nothing new.
    start = len(sink.messages)
    out = samvirke("remind", "--on", "2027-01-15", *smtp)
    check("a second run the same day sends nothing", received_since(start) == [] and "0 reminder(s) sent" in out and "1 already sent" in out, out)

    # Two days before: the 3-day reminder of the report, and the 14-day one of the template review
    # (due Monday 1 February, owned by both), to both municipalities; nobody in Ishøj, and not
    # the administrator without a municipality.
    start = len(sink.messages)
    samvirke("remind", "--on", "2027-01-27", *smtp)
    got = received_since(start)
    pairs = sorted((r[0], str(m["Subject"]).split(":")[1].strip()[:20]) for r, m in got)
    check(
        "the nearer reminders go to the owners only",
        pairs == [("dorte@dragoer.dk", "Skabelon for årsrapp"), ("tove@taarnby.dk", "Skabelon for årsrapp"), ("tove@taarnby.dk", "Årsrapportering til ")],
        f"{pairs}",
    )
    check("a deadline two days away says so", any(str(m["Subject"]).startswith("Frist om 2 dage: Årsrapportering") for _, m in got), f"{[str(m['Subject']) for _, m in got]}")

    # A deadline marked done is not reminded of.
    samvirke("deadlines", "mark", "dragoer-taarnby", "bestilling", "2027-05-31", "done", "--note", "Bestilt 20. maj")
    start = len(sink.messages)
    samvirke("remind", "--on", "2027-05-21", *smtp)
    check("no reminder of a deadline that is done", received_since(start) == [])

    # The weekly digest: Dragør's open complaint appears for Dragør's staff, not for Ishøj's.
    samvirke("cases", "add", "--kind", "document_access", "--service", "ppr", "--municipality", "DK-0155", "--decided", "2026-05-01", "--received", "2026-11-16", "--reference", "SAG-2027-3")
    start = len(sink.messages)
    samvirke("remind", "--digest", "--on", "2027-01-18", *smtp)
    got = received_since(start)
    by = {r[0]: m for r, m in got}
    check("a digest to each person with something due", sorted(by) == ["dorte@dragoer.dk", "tove@taarnby.dk"], f"{sorted(by)}")
    if "dorte@dragoer.dk" in by:
        body = by["dorte@dragoer.dk"].get_content()
        check("the digest lists overdue and coming deadlines", "Overskredne frister:" in body and "Kommende frister:" in body, body)
        # Received Monday 16 November 2026: 7 working days later is Wednesday the 25th.
        check("and the register case, with its 7-working-day date", "SAG-2027-3" in body and "25.11.2026" in body and "aktindsigt – Pædagogisk" in body, body)
        check("the subject names the ISO week", str(by["dorte@dragoer.dk"]["Subject"]).startswith("Ugens frister 2027-W03"), str(by["dorte@dragoer.dk"]["Subject"]))
    start = len(sink.messages)
    samvirke("remind", "--digest", "--on", "2027-01-20", *smtp)
    check("one digest per week", received_since(start) == [])
finally:
    controller.stop()

# A server that refuses connections: exit 4, and the mail is tried again on the next run.
dead = free_port()
run = subprocess.run([BIN, "--db", db, "remind", "--on", "2027-06-20", "--smtp", f"smtp://127.0.0.1:{dead}", "--from", "samvirke@taarnby.dk"], capture_output=True, text=True)
check("a refused connection exits 4 and names the recipient", run.returncode == 4 and "could not be sent" in run.stderr and "@" in run.stderr, f"{run.returncode} {run.stderr}")
sink2 = Sink()
port2 = free_port()
controller = Controller(sink2, hostname="127.0.0.1", port=port2)
controller.start()
try:
    samvirke("remind", "--on", "2027-06-20", "--smtp", f"smtp://127.0.0.1:{port2}", "--from", "samvirke@taarnby.dk")
    for _ in range(50):
        if sink2.messages:
            break
        time.sleep(0.02)
    check("the next run sends what failed", len(sink2.messages) >= 1, f"{sink2.messages}")
finally:
    controller.stop()

env = {k: v for k, v in os.environ.items() if k not in ("SAMVIRKE_SMTP_URL", "SAMVIRKE_MAIL_FROM")}
run = subprocess.run([BIN, "--db", db, "remind", "--on", "2027-01-15"], capture_output=True, text=True, env=env)
check("without --smtp the run stops with the fix", run.returncode == 2 and "--smtp" in run.stderr, run.stderr)
shutil.rmtree(workdir, ignore_errors=True)
print(f"{passed} passed, {failed} failed")
