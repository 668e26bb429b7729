"""Every e-invoice and credit note `samvirke invoice` makes in this check, validated by the official
Peppol BIS Billing 3.0 rules (UBL 2.1 schema, CEN EN 16931 Schematron, OpenPEPPOL Schematron with the
DK, NO and SE national rules; `validate` beside this file, run by Saxon-HE):

- Dragør–Tårnby (DK, outside the scope of VAT): twelve aconto invoices and a credit note for the
  negative true-up that the savings credit makes, referring to the instalment invoices;
- a Norwegian PPT service (NO, domestic account): quarterly invoices and a positive true-up;
- a Swedish joint function (SE, 25 % VAT, bankgiro): quarterly invoices; then, after the budget is
  lowered and a new run recorded, a credit note per issued instalment for the difference, never a
  changed invoice.

Amounts are checked against hand-worked figures. Asking again writes the same bytes. Warnings from
the rules are listed, fatal errors fail the check.

Usage: python check.py SAMVIRKE_BIN   (prints "N passed, M failed" last)
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "crates", "samvirke", "tests", "fixtures")
passed = 0
failed = 0
documents = []


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok: {name}")
    else:
        failed += 1
        print(f"FAILED: {name} {detail}")


def samvirke(db, *args):
    run = subprocess.run([BIN, "--db", db, *args], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"samvirke {' '.join(args)} failed ({run.returncode}):\n{run.stderr}")
    return run


def tag(xml, name):
    return re.findall(rf"<cbc:{name}[^>]*>([^<]*)</cbc:{name}>", xml)


def issue(db, coop, out):
    samvirke(db, "settle", coop, "--year", "2025")
    samvirke(db, "invoice", coop, "--year", "2025", "-o", out)
    files = sorted(os.listdir(out))
    docs = {}
    for f in files:
        with open(os.path.join(out, f), encoding="utf-8") as fh:
            docs[f[:-4]] = fh.read()
        documents.append(os.path.join(out, f))
    return docs


def digest(out):
    return {f: hashlib.sha256(open(os.path.join(out, f), "rb").read()).hexdigest() for f in sorted(os.listdir(out))}


with tempfile.TemporaryDirectory() as tmp:
    # Denmark: Dragør pays Tårnby 1,200,000.00 aconto in twelve instalments; the actual cost is
    # 1,180,000.00 and half of a 100,000.00 saving from 1 July (184 of 365 days) is credited:
    # 50,000.00 × 184 / 365 = 25,205.48. True-up: 1,180,000.00 − 25,205.48 − 1,200,000.00 = −45,205.48.
    db = os.path.join(tmp, "dk.sqlite")
    samvirke(db, "import", os.path.join(FIXTURES, "settle-dragoer.toml"))
    out = os.path.join(tmp, "dk")
    dk = issue(db, "dragoer-taarnby-settle", out)
    invoices = [d for d in dk.values() if d.lstrip().find("<Invoice ") >= 0]
    credits = {n: d for n, d in dk.items() if "<CreditNote " in d}
    check("DK: twelve aconto invoices of 100,000.00 DKK", len(invoices) == 12 and all(tag(d, "PayableAmount") == ["100000.00"] for d in invoices), f"{[tag(d, 'PayableAmount') for d in invoices]}")
    check("DK: the first instalment falls due on 2025-01-01", tag(dk["DK-0185-000001"], "DueDate") == ["2025-01-01"])
    check("DK: one credit note of 45,205.48 for the negative true-up", list(credits) == ["DK-0185-000013"] and tag(credits["DK-0185-000013"], "PayableAmount") == ["45205.48"], f"{list(credits)}")
    note = credits.get("DK-0185-000013", "")
    check("DK: the credit note refers to the twelve instalment invoices", sorted(re.findall(r"<cac:InvoiceDocumentReference>\s*<cbc:ID>([^<]*)</cbc:ID>", note)) == [f"DK-0185-{n:06}" for n in range(1, 13)])
    check("DK: its lines are the actual share, the savings credit and the aconto paid", "25205.48" in note and "1180000.00" in note and "Andel af besparelser 2025" in note)
    check("DK: seller Tårnby by CVR (0184), buyer Dragør by location number (0088)", '<cbc:EndpointID schemeID="0184">20310413</cbc:EndpointID>' in note and '<cbc:EndpointID schemeID="0088">5798000416604</cbc:EndpointID>' in note)
    check("DK: outside the scope of VAT (category O, VATEX-EU-O)", "<cbc:TaxExemptionReasonCode>VATEX-EU-O</cbc:TaxExemptionReasonCode>" in note)
    before = digest(out)
    samvirke(db, "invoice", "dragoer-taarnby-settle", "--year", "2025", "-o", out)
    check("DK: asking again writes the same bytes and issues nothing", digest(out) == before)

    # Norway: 500,000.00 NOK by residents 3,600 / 5,800 / 7,700; Råde (7,700) hosts and pays its
    # own part without invoicing itself. Marker: 500,000.00 × 3,600 / 17,100 = 105,263.157… and
    # Våler (Østfold), 5,800: 169,590.643…; the two leftover øre go to the largest remainders (Råde
    # .883, Marker .789): Marker 105,263.16, NO-3114 169,590.64.
    db = os.path.join(tmp, "no.sqlite")
    samvirke(db, "import", os.path.join(FIXTURES, "invoice-marker.toml"))
    out = os.path.join(tmp, "no")
    no = issue(db, "marker-invoice", out)
    to_marker = [d for d in no.values() if "<cbc:CompanyID schemeID=\"0192\">964947082</cbc:CompanyID>" in d]
    quarters = sorted(tag(d, "PayableAmount")[0] for d in to_marker if re.search(r"a konto \d av 4", d))
    check("NO: Marker's four quarterly invoices add up to 105,263.16", len(quarters) == 4 and round(sum(float(q) for q in quarters), 2) == 105263.16, f"{quarters}")
    check("NO: instalments fall due on the 15th", any(tag(d, "DueDate") == ["2025-01-15"] for d in to_marker))
    check("NO: the host does not invoice itself", not any("<cac:AccountingCustomerParty>\n    <cac:Party>\n      <cbc:EndpointID schemeID=\"0192\">964189382" in d for d in no.values()))
    true_ups = [d for d in no.values() if "faktisk andel" in d]
    check("NO: a positive true-up is an invoice per payer, due 20 days after issue", len(true_ups) == 2 and all("<Invoice " in d for d in true_ups))
    check("NO: paid to a Norwegian account by credit transfer (30)", all("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>" in d and "86011117947" in d for d in true_ups))

    # Sweden: 1,000,000.00 SEK in equal thirds (the odd öre to the lowest id, Kungsör SE-1960):
    # Arboga 333,333.33 in four quarters 83,333.34 + 3 × 83,333.33; 25 % VAT on 83,333.34 is
    # 20,833.335 → 20,833.34; payable 104,166.68.
    db = os.path.join(tmp, "se.sqlite")
    fixture = os.path.join(FIXTURES, "invoice-vastra-malardalen.toml")
    samvirke(db, "import", fixture)
    out = os.path.join(tmp, "se")
    se = issue(db, "vastra-malardalen-invoice", out)
    arboga = [d for d in se.values() if "<cbc:CompanyID schemeID=\"0007\">2120002122</cbc:CompanyID>" in d]
    first = [d for d in arboga if "<cbc:DueDate>2025-01-01</cbc:DueDate>" in d]
    check("SE: Arboga's first quarter is 83,333.34 + 25 % VAT 20,833.34 = 104,166.68", len(first) == 1 and tag(first[0], "PayableAmount") == ["104166.68"] and tag(first[0], "TaxAmount")[0] == "20833.34", f"{[tag(d, 'PayableAmount') for d in first]}")
    check("SE: the seller's VAT number and a bankgiro (SE:BANKGIRO)", all("SE212000201501" in d and "<cbc:ID>SE:BANKGIRO</cbc:ID>" in d for d in se.values()))
    check("SE: Arboga's own reference and location number", all("<cbc:BuyerReference>Lönefunktionen</cbc:BuyerReference>" in d and 'schemeID="0088">7300010000001' in d for d in arboga))
    # The budget is lowered to 900,000.00 and a new run recorded: each issued instalment is
    # corrected by a credit note for the difference; the invoices issued are not changed.
    lowered = os.path.join(tmp, "lowered.toml")
    with open(fixture, encoding="utf-8") as fh:
        text = fh.read().replace('budget = "1000000.00"', 'budget = "900000.00"')
    with open(lowered, "w", encoding="utf-8") as fh:
        fh.write(text)
    before = digest(out)
    samvirke(db, "import", lowered, "--reason", "budget lowered by the board")
    samvirke(db, "settle", "vastra-malardalen-invoice", "--year", "2025")
    samvirke(db, "invoice", "vastra-malardalen-invoice", "--year", "2025", "-o", out)
    after = digest(out)
    check("SE: the invoices issued before are unchanged", all(after[f] == h for f, h in before.items()))
    new = sorted(set(after) - set(before))
    check("SE: eight credit notes for the differences", len(new) == 8, f"{new}")
    arboga_first_credit = None
    for f in new:
        path = os.path.join(out, f)
        documents.append(path)
        xml = open(path, encoding="utf-8").read()
        if "<CreditNote " not in xml:
            check(f"SE: {f} is a credit note", False)
        if "2120002122" in xml and "a conto 1 av 4" in xml:
            arboga_first_credit = xml
    # Arboga's new share: 300,000.00 → 75,000.00 a quarter; the first was 83,333.34: −8,333.34.
    check("SE: Arboga's first quarter is credited 8,333.34 + VAT 2,083.34 and refers to its invoice", arboga_first_credit is not None and tag(arboga_first_credit, "PayableAmount") == ["10416.68"] and f"<cbc:ID>{tag(first[0], 'ID')[0]}</cbc:ID>" in arboga_first_credit.split("<cac:BillingReference>")[1], arboga_first_credit or "")

    run = subprocess.run([sys.executable, os.path.join(HERE, "validate"), *documents], capture_output=True, text=True)
    warnings = sorted({re.sub(r"^.*\[warning\] (\S+) .*$", r"\1", l) for l in run.stdout.splitlines() if "[warning]" in l})
    for line in run.stdout.splitlines():
        if "[fatal]" in line:
            print(line)
    last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    print(f"Peppol rules on {len(documents)} documents: {last}; warnings: {', '.join(warnings) or 'none'}")
    for w in warnings:
        example = next(l for l in run.stdout.splitlines() if f"[warning] {w} " in l)
        print(f"  warning {w}: {example.split(': ', 2)[-1][:200]}")
    check(f"all {len(documents)} documents pass the UBL schema, EN 16931 and Peppol BIS 3.0 rules with 0 fatal errors", run.returncode == 0 and last.endswith(" 0 failed"), last)

print(f"{passed} passed, {failed} failed")
