#!/usr/bin/python3
"""An outside checker's recomputation of tracer's report from the office's roster file and
the exported tables alone, by docs/INDICATORS.md, docs/REPORT.md and docs/TRACING.md,
written without reading the report's code.

outside_check.py --roster roster.csv --export DIR --report report.json --umk umk.csv
   --from 2025-01-01 --to 2025-12-31 --reference 2026-02-28 [--windows 3,6,12]
   [--band 8=12500000] [--ojt] [--format csv|xlsx|dta|sav] [-v]

DIR holds "tracer export --revisions latest --alumni" unpacked (the .xlsx for xlsx);
report.json is "tracer report --revisions latest --format json" with the same study
settings as the flags. Prints how many cells and values agreed and every disagreement,
and exits 1 when there is one. -v also lists the persons with several valid interviews."""
import argparse, json, math, sys
import pandas as pd
import warnings
warnings.simplefilter("ignore", pd.errors.PerformanceWarning)

ap = argparse.ArgumentParser()
ap.add_argument("--roster", required=True)
ap.add_argument("--export", required=True)
ap.add_argument("--report", required=True)
ap.add_argument("--umk", required=True)
ap.add_argument("--from", dest="pfrom", required=True)
ap.add_argument("--to", dest="pto", required=True)
ap.add_argument("--reference", required=True)
ap.add_argument("--windows", default="3,6,12")
ap.add_argument("--band", action="append", default=[])
ap.add_argument("--ojt", action="store_true")
ap.add_argument("-v", action="store_true")
ap.add_argument("--started-from", default="")
ap.add_argument("--started-to", default="")
ap.add_argument("--format", default="csv", choices=["csv", "excel-id", "xlsx", "dta", "sav"])
o = ap.parse_args()
windows = [int(x) for x in o.windows.split(",")]
bands = {"1": 500000, "2": 1500000, "3": 2500000, "4": 3500000, "5": 4500000, "6": 6250000, "7": 8750000, "8": 12500000}
for b in o.band:
    k, v = b.split("=")
    bands[k] = float(v)

rep = json.load(open(o.report))


def load(table):
    """The export's table as the CSV's text, whatever the format: SPSS and Stata numbers are
    mapped back to codes by the codebook's stat_values, dates written as dates."""
    if o.format == "csv":
        return pd.read_csv(f"{o.export}/{table}.csv", dtype=str, keep_default_na=False)
    if o.format == "excel-id":
        # semicolons, a byte-order mark, a decimal comma in numeric columns (by the
        # codebook's types), a leading tab in a text Excel would convert
        d = pd.read_csv(f"{o.export}/{table}.csv", dtype=str, keep_default_na=False, sep=";", encoding="utf-8-sig")
        cb = pd.read_csv(f"{o.export}/codebook.csv", dtype=str, keep_default_na=False, sep=";", encoding="utf-8-sig")
        cb = cb[cb.table == table]
        numeric = set(cb.column[cb.type.isin(["integer", "decimal", "range", "derived", "calculate"])])
        for c in d.columns:
            col = d[c].str.replace("^\t", "", regex=True)
            if c in numeric:
                col = col.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
            d[c] = col
        return d
    if o.format == "xlsx":
        import glob
        d = pd.read_excel(glob.glob(f"{o.export}/*.xlsx")[0], sheet_name=table, dtype=str, keep_default_na=False)
        return d
    if o.format == "dta":
        d = pd.read_stata(f"{o.export}/{table}.dta", convert_categoricals=False, convert_dates=True)
    else:
        import subprocess, tempfile
        tmp = tempfile.mktemp(suffix=".csv")
        subprocess.run(["pspp-convert", f"{o.export}/{table}.sav", tmp], check=True)
        d = pd.read_csv(tmp, dtype=str, keep_default_na=False)
        for v in d.columns:  # pspp-convert writes dates as MM/DD/YYYY [HH:MM:SS]
            col = d[v]
            if col.str.match(r"^\d\d/\d\d/\d{4}( \d\d:\d\d:\d\d)?$").any():
                d[v] = pd.to_datetime(col.where(col.str.strip() != ""), format="%m/%d/%Y %H:%M:%S" if col.str.contains(":").any() else "%m/%d/%Y")
    cb = pd.read_csv(f"{o.export}/codebook.csv", dtype=str, keep_default_na=False)
    cb = cb[cb.table == table]
    names = dict(zip(cb.variable, cb.column))
    types = dict(zip(cb.column, cb.type))
    maps = {}
    for r in cb.itertuples():
        if r.stat_values:
            maps[r.column] = {float(a): b for a, b in (x.split(" = ", 1) for x in r.stat_values.split("\n"))}
    out = pd.DataFrame(index=d.index)
    for v in d.columns:
        c = names.get(v, v)
        col = d[v]
        def text(x, c=c):
            if x is None or (isinstance(x, float) and math.isnan(x)) or (isinstance(x, str) and x.strip() == ""):
                return ""
            if isinstance(x, pd.Timestamp):
                if types.get(c) == "date" or c in ("training_end_date",) or (x.hour == 0 and x.minute == 0 and x.second == 0 and c not in ("started_at", "finalized_at")):
                    return x.strftime("%Y-%m-%d")
                return x.strftime("%Y-%m-%dT%H:%M:%SZ")
            if c in maps:
                try:
                    return maps[c][float(x)]
                except (KeyError, ValueError):
                    return str(x)
            if isinstance(x, float):
                return str(int(x)) if x == int(x) else repr(x)
            return str(x).strip()
        out[c] = col.map(text)
    return out
problems = []
agreed = {"cells": 0, "values": 0}


def bad(*a):
    problems.append(" ".join(str(x) for x in a))


# ---------------------------------------------------------------- roster and persons
ro = pd.read_csv(o.roster, dtype=str, keep_default_na=False)
ro["end"] = pd.to_datetime(ro.training_end_date, errors="coerce")
inper = ro[(ro.training_end_date >= o.pfrom) & (ro.training_end_date <= o.pto)].copy()
ro["person"] = ro.nik.where(ro.nik != "", ro.roster_id)
inper["person"] = inper.nik.where(inper.nik != "", inper.roster_id)
# the row that describes a person: the latest batch they passed, else their latest batch
inper["passed"] = inper.completion == "pass"
desc = (inper.sort_values(["passed", "training_end_date", "roster_id"])
        .groupby("person").tail(1).set_index("person"))
# a row without sex takes the NIK's (day above 40: a woman), as the roster import fills it
def nik_sex(n):
    try:
        return "P" if int(n[6:8]) > 40 else "L"
    except ValueError:
        return ""
desc["sex"] = desc.sex.where(desc.sex != "", desc.nik.map(nik_sex))
T = set(desc.index)
G = set(desc.index[desc.passed])

# ---------------------------------------------------------------- interviews
iv = load("interviews")
# a wave's report: the interviews started in the wave
if o.started_from:
    iv = iv[iv.started_at >= o.started_from]
if o.started_to:
    iv = iv[iv.started_at < o.started_to]
iv = iv.reset_index(drop=True)
row_of = ro.set_index("roster_id")
inper_ids = set(inper.roster_id)
nik_person = {}
for _, r in inper.iterrows():
    nik_person.setdefault(r.nik, r.person)


def norm_nik(s):
    return "".join(c for c in s if c.isdigit())


def link(r):
    for rid in (r.respondent_id, r.roster_id if r.respondent_id == "" else ""):
        if rid == "":
            continue
        if rid in inper_ids:
            return inper.loc[inper.roster_id == rid, "person"].iloc[0]
        if rid in row_of.index:  # a row outside the period stands for its person
            nik = row_of.loc[rid, "nik"]
            return nik_person.get(nik) if nik else None
        if r.respondent_id != "":
            return None
    if r.respondent_id == "":
        return nik_person.get(norm_nik(r.nik))
    return None


iv["person"] = iv.apply(link, axis=1)
iv["valid"] = (iv.consent == "yes") & (iv.main_status != "")
lastv = (iv[iv.valid & iv.person.notna()]
         .sort_values(["interview_date", "finalized_at", "revision", "interview_id"],
                      key=lambda s: s.astype(int) if s.name == "revision" else s)
         .groupby("person").tail(1).set_index("person"))
reached = set(iv.person.dropna()) & G
counted = lastv[lastv.index.isin(T)].copy()

# ---------------------------------------------------------------- the person table
P = desc.copy()
P["inG"] = P.index.isin(G)
P["S"] = P.index.isin(set(counted.index) & G)
P["reached"] = P.index.isin(reached)
for c in ["main_status", "interview_date", "domicile_regency", "work_regency", "searching_4w", "available_2w",
          "months_to_first_job", "income_exact", "income_band", "hours_week", "job_match", "skill_use",
          "contract", "cert_assessed", "cert_result", "biz_paid_workers", "status_before", "sat_overall",
          "sat_instructor", "sat_practice", "sat_relevance", "recommend", "job_satisfaction", "work_country",
          "sector_kbli", "occupation_kbji", "employer_type"]:
    P["a_" + c] = counted[c].reindex(P.index) if c in counted else None
ms = pd.to_numeric(P.a_main_status, errors="coerce")
P.loc[~P.S, "a_main_status"] = None
ms = ms.where(P.S)
absorbed = {1, 2, 3, 4} | ({5} if o.ojt else set())
P["A"] = ms.isin(absorbed)
P["W"] = ms.isin({1, 2, 4})
P["O"] = ms == 2
P["SE"] = ms == 3
P["OJT"] = ms == 5
P["U"] = ms.isin({6, 7, 8}) & (P.a_searching_4w == "yes") & (P.a_available_2w == "yes")
P["ED"] = ms == 6
P["I"] = P.S & ~P.A & ~P.U & ~(P.OJT & ~P.A)
ref = pd.Timestamp(o.reference)
idate = pd.to_datetime(P.a_interview_date, errors="coerce")
# m: from the training end the interview answered (else the roster's) to the interview date,
# for everyone of T with a valid interview; else from the roster's to the reference date
aend = pd.to_datetime(counted.training_end_date.reindex(P.index), errors="coerce").fillna(P.end)
P["m"] = (idate - aend).dt.days / 30.4375
P.loc[idate.isna(), "m"] = (ref - P.end).dt.days / 30.4375
t = pd.to_numeric(P.a_months_to_first_job, errors="coerce").where(P.S)
P["t"] = t.clip(lower=0)
P["t_le0"] = t <= 0
inc = pd.to_numeric(P.a_income_exact, errors="coerce")
inc = inc.fillna(P.a_income_band.map(bands))
P["income"] = inc.where(P.A)
# UMK
um = pd.read_csv(o.umk, dtype=str, comment="#")
umk = {(r.region, int(r.year)): float(r.wage) for r in um.itertuples()}


def umk_of(r):
    if not (r.W and not r.O) or pd.isna(r.income) or r.a_work_regency in (None, "") or pd.isna(r.a_work_regency):
        return None
    hrs = pd.to_numeric(r.a_hours_week, errors="coerce")
    if pd.isna(hrs) or hrs < 35:
        return None
    y = int(r.a_interview_date[:4])
    return umk.get((r.a_work_regency, y), umk.get((r.a_work_regency[:2], y), float("nan")))


P["umk"] = P.apply(umk_of, axis=1)

# cell keys
U_ = "(unknown)"


def key(s):
    return s.where((s != "") & s.notna(), U_)


def age_group(r):
    try:
        b = pd.Timestamp(r.birth_date)
        e = r.end
        a = e.year - b.year - ((e.month, e.day) < (b.month, b.day))
    except Exception:
        return U_
    if pd.isna(a) or a < 15:
        return U_
    return "15-24" if a < 25 else "25-34" if a < 35 else "35+"


def window(m):
    if pd.isna(m):
        return U_
    b = [0] + windows
    for lo, hi in zip(b, b[1:]):
        if m < hi:
            return f"{lo}-{hi}"
    return f"{windows[-1]}+"


# the regencies: the answers of the interview that counts (a trainee of T who did not pass
# included), the roster's domicile where unanswered
dims = {
    "kejuruan": key(P.kejuruan), "program_name": key(P.program_name), "institution": key(P.institution),
    "batch": key(P.batch_id), "year": key(P.training_end_date.str[:4]), "budget_year": key(P.get("budget_year", pd.Series("", index=P.index))), "funding": key(P.funding),
    "sex": key(P.sex), "regency": key(P.a_domicile_regency.where(P.a_domicile_regency.notna() & (P.a_domicile_regency != ""), P.domicile_regency)),
    "work_regency": key(P.a_work_regency), "education": key(P.education),
    "age_group": P.apply(age_group, axis=1), "window": P.m.map(window),
}


# ---------------------------------------------------------------- indicators of one cell
def q(v, p):  # QUARTILE.INC
    v = sorted(v)
    n = len(v)
    h = (n - 1) * p
    lo = math.floor(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, n - 1)] - v[lo])


def cell(D):
    S, A = D[D.S], D[D.A]
    W = D[D.W]
    out = {}
    n = lambda x: int(x.sum())
    pop = dict(T=len(D), G=n(D.inG), reached=n(D.reached & D.inG), S=len(S), A=len(A), W=n(D.W), O=n(D.O),
               SE=n(D.SE), OJT=n(D.OJT), U=n(D.U), ED=n(D.ED), I=n(D.I))
    sh = lambda k, a, b: out.__setitem__(k, (a, b))
    sh("response_rate", pop["S"], pop["G"])
    sh("contact_rate", pop["reached"], pop["G"])
    sh("absorption", pop["A"], pop["S"])
    sh("absorption_cohort", pop["A"], pop["G"])
    sh("absorption_trainee", pop["A"], pop["T"])
    sh("wage_employment", pop["W"], pop["S"])
    sh("self_employment", pop["SE"], pop["S"])
    sh("absorbed_industry", pop["W"], pop["A"])
    sh("absorbed_self", pop["SE"], pop["A"])
    if o.ojt:
        sh("absorbed_ojt", pop["OJT"], pop["A"])
    sh("overseas", pop["O"], pop["S"])
    sh("overseas_absorbed", pop["O"], pop["A"])
    sh("unemployment", pop["U"], pop["A"] + pop["U"])
    sh("neet", pop["S"] - pop["A"] - pop["ED"], pop["S"])
    tt = S.t.dropna()
    out["first_job_months"] = ("stat", len(tt), q(tt, .5) if len(tt) else None, q(tt, .25) if len(tt) else None, q(tt, .75) if len(tt) else None)
    sh("employed_at_completion", n(S.t_le0), len(tt))
    for k in windows:
        den = S[S.m >= k]
        sh(f"employed_within_{k}", n(den.t.notna() & (den.t <= k)), len(den))
    jm = pd.to_numeric(A.a_job_match, errors="coerce")
    sh("job_match", n(jm <= 2), n(jm.notna()))
    sh("job_match_top3", n(jm <= 3), n(jm.notna()))
    sh("relevant_employment", n(jm <= 2), len(S))
    su = pd.to_numeric(A.a_skill_use, errors="coerce")
    sh("skill_use", n(su <= 2), n(su.notna()))
    for k, X in (("income_median", A), ("income_median_wage", A[A.W]), ("income_median_self", A[A.SE])):
        v = X.income.dropna()
        out[k] = ("stat", len(v), q(v, .5) if len(v) else None, q(v, .25) if len(v) else None, q(v, .75) if len(v) else None)
    known = W[W.umk.notna()]
    u = known.umk
    sh("umk", n(known.income >= u), len(known))
    sh("umk_120", n(known.income >= 1.2 * u), len(known))
    c = W.a_contract.fillna("")
    sh("formal_contract", n(c.isin(["pkwtt", "pkwt"])), n(c != ""))
    Gd = D[D.inG]
    sh("cert_coverage", n(Gd.a_cert_assessed == "yes"), len(Gd))
    ass = Gd[Gd.a_cert_assessed == "yes"]
    sh("cert_pass", n(ass.a_cert_result == "competent"), len(ass))
    bw = pd.to_numeric(D[D.SE].a_biz_paid_workers, errors="coerce").dropna()
    out["biz_jobs"] = ("stat", len(bw), bw.mean() if len(bw) else None, bw.sum())
    sb = pd.to_numeric(S.a_status_before, errors="coerce")
    nw = S[sb.isin([4, 5, 6, 7])]
    sh("net_entry", n(nw.A), len(nw))
    for k, col in (("training_sat", "a_sat_overall"), ("sat_instructor", "a_sat_instructor"),
                   ("sat_practice", "a_sat_practice"), ("sat_relevance", "a_sat_relevance")):
        v = pd.to_numeric(S[col], errors="coerce").dropna()
        out[k + "_mean"] = ("stat", len(v), (6 - v).mean() if len(v) else None)
        sh(k + "_top2", n(v <= 2), len(v))
    r = pd.to_numeric(S.a_recommend, errors="coerce").dropna()
    out["nps"] = ("stat", len(r), (100 * ((r >= 9).sum() - (r <= 6).sum()) / len(r)) if len(r) else None)
    js = pd.to_numeric(A.a_job_satisfaction, errors="coerce").dropna()
    sh("job_sat_top2", n(js <= 2), len(js))
    return pop, out


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(1, abs(float(a)))


def compare(where, mine, theirs):
    pop, ind = mine
    agreed["cells"] += 1
    tp = theirs["n"]
    for k, v in pop.items():
        if k in tp:
            if tp[k] != v:
                bad(where, "population", k, "tracer", tp[k], "check", v)
            else:
                agreed["values"] += 1
    tind = {i["id"]: i for i in theirs["values"]}
    for k, v in ind.items():
        ti = tind.get(k)
        if ti is None:
            if o.v:
                bad(where, "indicator missing in report", k)
            continue
        if v[0] == "stat":
            mine_n, mine_vals = v[1], v[2:]
            if ti.get("den") != mine_n:
                bad(where, k, "n tracer", ti.get("den"), "check", mine_n)
                continue
            flag = "suppressed" if mine_n < 10 else "n kecil" if mine_n < 30 else ""
            if ti.get("flag", "") != flag:
                bad(where, k, "flag tracer", repr(ti.get("flag", "")), "check", repr(flag))
            names = ["stat", "q1", "q3"] if k.startswith("income") or k == "first_job_months" else ["stat", "num"] if k == "biz_jobs" else ["stat"]
            for nm, mv in zip(names, mine_vals):
                tv = ti.get(nm)
                if mine_n < 10 and nm != "num":
                    mv = None
                if not close(tv, mv):
                    bad(where, k, nm, "tracer", tv, "check", mv, "n", mine_n)
                else:
                    agreed["values"] += 1
        else:
            num, den = v
            if not close(ti.get("num"), num) or ti.get("den") != den:
                bad(where, k, "tracer", ti.get("num"), "/", ti.get("den"), "check", num, "/", den)
            else:
                agreed["values"] += 1
                pct = ti.get("pct")
                want = None if den < 10 else 100 * num / den
                if not close(pct, want):
                    bad(where, k, "pct tracer", pct, "check", want)
                flag = "suppressed" if den < 10 else "n kecil" if den < 30 else ""
                if ti.get("flag", "") != flag:
                    bad(where, k, "flag tracer", repr(ti.get("flag", "")), "check", repr(flag))


compare("total", cell(P), rep["total"])
for b in rep.get("breakdowns", []):
    dim = b["dimension"]
    if dim not in dims:
        bad("breakdown not recomputed", dim)
        continue
    keys = dims[dim]
    seen = set()
    for c in b["cells"]:
        k = c["key"]
        seen.add(k)
        compare(f"{dim}={k}", cell(P[keys == k]), c)
    mineks = set(keys.unique())
    if mineks != seen:
        bad(dim, "cells tracer", sorted(seen - mineks), "only check", sorted(mineks - seen))


# ---------------------------------------------------------------- response rates
al = load("alumni")
order = {"I": 7, "P": 6, "NE": 5, "R": 4, "O": 3, "NC": 2, "U": 1}


def klass(code):
    if code == "1.1":
        return "I"
    if code == "1.2":
        return "P"
    if code.startswith("2.1"):
        return "R"
    if code.startswith("2.2"):
        return "NC"
    if code.startswith("2.3"):
        return "O"
    if code.startswith("3"):
        return "U"
    if code.startswith("4"):
        return "NE"
    return "?"


al["person"] = al.nik.where(al.nik != "", al.roster_id)
# the interviews decide where there is one: consent and main_status a complete, consent
# without it a partial, consent refused a refusal; attempts coded 1.1 or 1.2 left out then
ivp = iv[iv.person.notna()]
ivclass = {}
for p, g in ivp.groupby("person"):
    if g.valid.any():
        ivclass[p] = "I"
    elif (g.consent == "yes").any():
        ivclass[p] = "P"
    elif (g.consent == "no").any():
        ivclass[p] = "R"
rowclass = {}
for p, g in al[al.person.isin(G)].groupby("person"):
    best = None
    for d in g.disposition:
        c = klass(d)
        if c in ("I", "P") and p in ivclass:
            continue
        if best is None or order[c] > order[best]:
            best = c
    if p in ivclass and (best is None or order[ivclass[p]] > order[best]):
        best = ivclass[p]
    rowclass[p] = best or "U"
cases = al[al.case == "1"].set_index("person")
if set(cases.index) != G:
    bad("alumni case rows", len(cases), "persons of G", len(G))
caseclass = {}
for p in G:
    cc = klass(cases.case_disposition.get(p, "3.11"))
    caseclass[p] = rowclass[p]
    if cc != rowclass[p]:
        bad("case", p, "case_disposition", cases.case_disposition.get(p), "check class", rowclass[p])
R = rep["response"]
eE = R["e"]


def rates(cl):
    c = {k: 0 for k in order}
    for x in cl:
        c[x] += 1
    I, P_, Rr, NC, O_, U, NE = c["I"], c["P"], c["R"], c["NC"], c["O"], c["U"], c["NE"]
    d = lambda a, b: None if b == 0 else a / b
    e = eE
    return c, {
        "RR1": d(I, I + P_ + Rr + NC + O_ + U), "RR2": d(I + P_, I + P_ + Rr + NC + O_ + U),
        "RR3": d(I, I + P_ + Rr + NC + O_ + e * U), "RR4": d(I + P_, I + P_ + Rr + NC + O_ + e * U),
        "RR5": d(I, I + P_ + Rr + NC + O_), "RR6": d(I + P_, I + P_ + Rr + NC + O_),
        "COOP1": d(I, I + P_ + Rr + O_), "COOP2": d(I + P_, I + P_ + Rr + O_),
        "COOP3": d(I, I + P_ + Rr), "COOP4": d(I + P_, I + P_ + Rr),
        "REF1": d(Rr, I + P_ + Rr + NC + O_ + U), "REF2": d(Rr, I + P_ + Rr + NC + O_ + e * U),
        "REF3": d(Rr, I + P_ + Rr + NC + O_),
        "CON1": d(I + P_ + Rr + O_, I + P_ + Rr + O_ + NC + U), "CON2": d(I + P_ + Rr + O_, I + P_ + Rr + O_ + NC + e * U),
        "CON3": d(I + P_ + Rr + O_, I + P_ + Rr + O_ + NC)}


allc, _ = rates(caseclass.values())
det = sum(allc[k] for k in ("I", "P", "R", "NC", "O"))
e_want = det / (det + allc["NE"]) if det + allc["NE"] else 1
if R.get("e_estimated") and not close(eE, e_want):
    bad("response e tracer", eE, "check", e_want)


def rcompare(where, cl, tc):
    c, r = rates(cl)
    agreed["rcells"] = agreed.get("rcells", 0) + 1
    for k in order:
        if tc["outcomes"][k] != c[k]:
            bad("response", where, k, "tracer", tc["outcomes"][k], "check", c[k])
        else:
            agreed["values"] += 1
    for k, v in r.items():
        if not close(tc["rates"][k], v):
            bad("response", where, k, "tracer", tc["rates"][k], "check", v)
        else:
            agreed["values"] += 1


rcompare("total", list(caseclass.values()), R["total"])
Gd = desc.loc[sorted(G)]
rdims = {"kejuruan": Gd.kejuruan, "batch": Gd.batch_id, "funding": Gd.funding, "sex": Gd.sex,
         "regency": Gd.domicile_regency, "enumerator": cases.case_enumerator.reindex(Gd.index).fillna("")}
for b in R["breakdowns"]:
    dim = b["dimension"]
    ks = rdims[dim]
    seen = set()
    for c in b["cells"]:
        seen.add(c["key"])
        rcompare(f"{dim}={c['key']}", [caseclass[p] for p in ks.index[ks == c["key"]]], c)
    if set(ks.unique()) != seen:
        bad("response", dim, "cells tracer", sorted(seen - set(ks.unique())), "only check", sorted(set(ks.unique()) - seen))
print(f"agreed: response {agreed.get('rcells')} cells")
resp = [p for p in G if caseclass[p] in ("I", "P")]
for nr in R["nonresponse"]:
    ks = rdims[nr["dimension"]]
    coh = int((ks == nr["key"]).sum())
    rs = int((ks.loc[resp] == nr["key"]).sum())
    cp, rp = 100 * coh / len(G), 100 * rs / len(resp) if resp else 0
    if nr["cohort"] != coh or nr["respondents"] != rs or not close(nr["cohort_pct"], cp) or not close(nr["respondents_pct"], rp) \
            or not close(nr["diff_pp"], rp - cp) or nr["flagged"] != (abs(rp - cp) > R["threshold_pp"]):
        bad("nonresponse", nr, "check", coh, rs, cp, rp)
    else:
        agreed["values"] += 1
nrkeys = {(x["dimension"], x["key"]) for x in R["nonresponse"]}
for dim in ("sex", "kejuruan", "batch", "funding", "regency"):
    for k in rdims[dim].unique():
        if (dim, k) not in nrkeys:
            bad("nonresponse cell missing", dim, k)
# modes: the interview_mode of the latest valid interview of each complete; partials by attempt have none
modes = {}
for p in G:
    if caseclass[p] == "I":
        g = iv[(iv.person == p) & iv.valid].sort_values(["interview_date", "finalized_at", "interview_id"])
        m = g.interview_mode.iloc[-1] if len(g) else ""  # a complete known only from an attempt
        modes.setdefault(m, [0, 0])[0] += 1
    elif caseclass[p] == "P":
        g = iv[(iv.person == p) & (iv.consent == "yes")]
        m = g.interview_mode.iloc[-1] if len(g) else ""
        modes.setdefault(m, [0, 0])[1] += 1
theirs = {x["mode"]: [x["completes"], x["partials"]] for x in R["modes"]}
if theirs != modes:
    bad("modes tracer", theirs, "check", modes)

# ---------------------------------------------------------------- counts, superseded, weights, distributions
C = rep["counts"]
ivT = iv[iv.person.isin(T)]
for k, v in (("roster_rows", len(ro)), ("interviews", len(iv)), ("unlinked", int((~iv.person.isin(T)).sum()))):
    if C[k] != v:
        bad("counts", k, "tracer", C[k], "check", v)
sup = ivT[ivT.valid & ~ivT.interview_id.isin(set(counted.interview_id))]
mine_sup = {(r.interview_id, counted.loc[r.person, "interview_id"]) for r in sup.itertuples()}
theirs_sup = {(x["interview"], x["by"]) for x in rep["superseded"]}
if mine_sup != theirs_sup or C["superseded"] != len(mine_sup):
    bad("superseded: only tracer", sorted(theirs_sup - mine_sup), "only check", sorted(mine_sup - theirs_sup), "count", C["superseded"])
Sg = P[P.S]
unk = Sg[(Sg.W & ~Sg.O) & Sg.income.notna() & (pd.to_numeric(Sg.a_hours_week, errors="coerce") >= 35) & Sg.umk.isna()]
if C["umk_unknown"] != len(unk):
    bad("counts umk_unknown tracer", C["umk_unknown"], "check", len(unk))
if rep.get("weights"):
    kj, sx = key(P.kejuruan), key(P.sex)
    for w in rep["weights"]:
        m_ = (kj == w["kejuruan"]) & (sx == w["sex"])
        g, s_ = int((m_ & P.inG).sum()), int((m_ & P.S).sum())
        want = g / s_ if s_ else None
        if w["G"] != g or w["S"] != s_ or not close(w["weight"], want):
            bad("weight", w, "check", g, s_, want)
        else:
            agreed["values"] += 1
    wt = {(w["kejuruan"], w["sex"]): w["weight"] for w in rep["weights"]}
    ww = [wt.get((a, b)) or 0 for a, b in zip(kj, sx)]
    P["wt"] = ww
    Sw = P[P.S]
    num = (Sw.wt * Sw.A).sum() / Sw.wt.sum() * len(Sw)
    tv = {v["id"]: v for v in rep["total"]["values"]}.get("absorption_weighted")
    if tv is None or not close(tv["num"], num) or tv["den"] != len(Sw):
        bad("absorption_weighted tracer", tv, "check", num, len(Sw))
A_ = P[P.A]
Wd = P[P.W]
for d in rep["distributions"]:
    col = "a_" + d["id"]
    if d["id"] == "how_found":
        ch = counted[[c for c in counted.columns if c.startswith("how_found/")]].reindex(Wd.index)
        den = len(Wd)
        mine = {c.split("/", 1)[1]: int((ch[c] == "1").sum()) for c in ch.columns}
    else:
        v = A_[col].fillna("")
        v = v[v != ""]
        den = len(v)
        mine = v.value_counts().to_dict()
    theirs = {i["code"]: i["num"] for i in d["items"]}
    mine = {k: n for k, n in mine.items() if n}
    if d["den"] != den or theirs != mine:
        bad("distribution", d["id"], "tracer", d["den"], theirs, "check", den, mine)
    else:
        agreed["values"] += len(theirs) + 1
# ---------------------------------------------------------------- the export's derived variables
if "d_respondent" in iv:
    dv = 0
    msi = pd.to_numeric(iv.main_status, errors="coerce")
    resp = iv.valid
    incd = pd.to_numeric(iv.income_exact, errors="coerce").fillna(iv.income_band.map(bands))
    endd = pd.to_datetime(iv.training_end_date.where(iv.training_end_date != "", iv.roster_training_end_date), errors="coerce")
    md = (pd.to_datetime(iv.interview_date, errors="coerce") - endd).dt.days / 30.4375
    hrs = pd.to_numeric(iv.hours_week, errors="coerce")

    def umk_d(i):
        if not (resp[i] and msi[i] in (1, 4)) or pd.isna(incd[i]) or pd.isna(hrs[i]) or hrs[i] < 35 or iv.work_regency[i] == "":
            return None
        y = int(iv.interview_date[i][:4])
        return umk.get((iv.work_regency[i], y), umk.get((iv.work_regency[i][:2], y)))

    b01 = lambda x: "1" if x else "0"
    for i in iv.index:
        u = umk_d(i)
        want = {"d_respondent": b01(resp[i])}
        if resp[i]:
            want.update(d_absorbed=b01(msi[i] in absorbed), d_wage_employed=b01(msi[i] in (1, 2, 4)),
                        d_self_employed=b01(msi[i] == 3),
                        d_unemployed=b01(msi[i] in (6, 7, 8) and iv.searching_4w[i] == "yes" and iv.available_2w[i] == "yes"),
                        d_months_since_training=md[i], d_months_to_first_job=iv.months_to_first_job[i], d_income=incd[i],
                        d_umk=u, d_umk_met=None if u is None else b01(incd[i] >= u))
        for k, v in want.items():
            got = iv[k][i]
            if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
                ok = got == ""
            else:
                try:
                    ok = got != "" and close(float(v), float(got))
                except ValueError:
                    ok = str(v) == got
            if ok:
                agreed["values"] += 1
            else:
                dv += 1
                if dv <= 20:
                    bad("derived", k, iv.interview_id[i], "export", repr(got), "check", repr(v))
    # the non-response weight of the person each respondent's interview counts for
    if "d_weight" in iv and rep.get("weights"):
        for i in iv.index[resp]:
            p = iv.person[i]
            v = P.wt[p] if p in G else None
            v = v or None
            got = iv.d_weight[i]
            if (v is None) != (got == "") or (v is not None and not close(v, float(got))):
                bad("derived d_weight", iv.interview_id[i], "export", repr(got), "check", v)
            else:
                agreed["values"] += 1

print(f"agreed: {agreed['cells']} cells, {agreed['values']} values")
for p in problems:
    print(p)
if o.v:
    for p in G:
        g = iv[(iv.person == p) & iv.valid]
        if len(g) > 1:
            print(p, g[["interview_id", "respondent_id", "interview_date", "finalized_at", "revision", "interview_mode"]].values.tolist())
sys.exit(1 if problems else 0)
