#!/usr/bin/env python3
"""Recompute every figure of `tracer report --format json` from the exported files alone.

An analyst's check, written from the definitions (docs/INDICATORS.md, docs/REPORT.md,
docs/TRACING.md, AAPOR's Standard Definitions), not from tracer's code: the roster, the
interview table and the alumni table of `tracer export --alumni` (CSV), and, when given,
the server database's contact attempts and interviews, whose final dispositions it decides
by the documented rule. It does not read the export's derived variables (d_*) to compute;
it compares them with its own.

    recompute.py [--roster roster.csv] --export DIR --report report.json --umk umk.csv [--db server.db]
        [--latest interviews.csv] [--text report.txt]

Prints each group of figures compared with its count and every difference; exits 1 when
any differs.
"""

import argparse
import json
import math
import sqlite3
import sys

import pandas as pd

p = argparse.ArgumentParser()
p.add_argument("--roster", help="the roster CSV the server holds (default: the server database's roster)")
p.add_argument("--export", required=True, help="folder with interviews.csv and alumni.csv")
p.add_argument("--report", required=True, help="the report, --format json")
p.add_argument("--db", help="the server database: recompute the final dispositions too")
p.add_argument("--umk", required=True, help="the UMK table the report used")
p.add_argument("--latest", help="interviews.csv of an export with --revisions latest (interview modes)")
p.add_argument("--text", help="the same report as text (--lang en): its figures must be the JSON's")
p.add_argument("--html", help="the same report as HTML (--lang en): its figures must be the JSON's")
args = p.parse_args()

rep = json.load(open(args.report))
st = rep["settings"]
ojt = st["paid_ojt_absorbed"]
windows = st["windows"]
mid = {str(k): float(v) for k, v in st["income_band_midpoints"].items()}

compared = {}
diffs = []


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and math.isnan(a):
        return b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))


def check(group, where, mine, theirs):
    compared[group] = compared.get(group, 0) + 1
    if not close(mine, theirs):
        diffs.append(f"{group} {where}: recomputed {mine}, report {theirs}")


def read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


# ---------------------------------------------------------------- roster: T, G, persons
if args.roster:
    ro = read(args.roster)
else:
    # The roster rows as the server stores them, one JSON object each.
    body = [json.loads(b) for (b,) in sqlite3.connect(args.db).execute("SELECT body FROM server_roster ORDER BY roster_id")]
    ro = pd.DataFrame([{k: str(v) for k, v in r.items() if not isinstance(v, dict)} | (r.get("extra") or {}) for r in body]).fillna("")
ro["nik"] = ro["nik"].str.replace(r"[\s.\-]", "", regex=True)
ro["person"] = ro.nik.where(ro.nik != "", ro.roster_id)
inp = ro
if st.get("from"):
    inp = inp[inp.training_end_date >= st["from"]]
if st.get("to"):
    inp = inp[inp.training_end_date <= st["to"]]
inp = inp.copy()
inp["passed"] = inp.completion == "pass"
# The row describing a person: the latest batch they passed, else their latest batch.
desc = inp.sort_values(["passed", "training_end_date", "roster_id"]).groupby("person").tail(1).set_index("person")
T = set(desc.index)
G = set(desc.index[desc.passed])
in_period = set(inp.roster_id)
row_person = dict(zip(inp.roster_id, inp.person))
nik_person = {n: pr for n, pr in zip(inp.nik, inp.person) if n}
all_rows = ro.set_index("roster_id")

# ---------------------------------------------------------------- interviews
iv = read(args.export + "/interviews.csv")


def link(r):
    """The person an interview counts for (docs/INDICATORS.md, Linking)."""
    rid = r.respondent_id or r.roster_id
    if rid:
        if rid in in_period:
            return row_person[rid]
        if rid in all_rows.index:
            n = all_rows.loc[rid, "nik"]
            if isinstance(n, pd.Series):
                n = n.iloc[0]
            return nik_person.get(n, "") if n else ""
        if r.respondent_id:
            return ""
    n = r.nik.replace(" ", "").replace(".", "").replace("-", "").lstrip("'")
    return nik_person.get(n, "")


iv["person"] = iv.apply(link, axis=1)
# The export's join names the row the report counts: its person must be ours.
joined = iv.roster_roster_id.map(lambda x: row_person.get(x, ""))
for (a, b, i) in zip(iv.person, joined, iv.interview_id):
    check("linking (interview -> person)", i, 1 if a == b else 0, 1)
iv["valid"] = (iv.consent == "yes") & (iv.main_status != "")
iv["rev"] = iv.revision.astype(int)
srt = ["interview_date", "finalized_at", "rev", "interview_id"]
lk = iv[iv.person.isin(T)]
reached = set(lk.person) & G
cnt = lk[lk.valid].sort_values(srt).groupby("person").tail(1).set_index("person")
S_all = cnt[cnt.index.isin(G)].copy()

# Derived per respondent.
s = S_all
ms = s.main_status.astype(int)
s["A"] = ms.between(1, 4) | ((ms == 5) & ojt)
s["W"] = ms.isin([1, 2, 4])
s["O"] = ms == 2
s["SE"] = ms == 3
s["OJT"] = ms == 5
s["U"] = ms.isin([6, 7, 8]) & (s.searching_4w == "yes") & (s.available_2w == "yes")
s["ED"] = ms == 6
s["I"] = ~s.A & ~s.U & ~(s.OJT & ~s.A)
s["desc_end"] = desc.loc[s.index, "training_end_date"]
end = pd.to_datetime(s.training_end_date.where(s.training_end_date != "", s.desc_end))
s["m"] = (pd.to_datetime(s.interview_date) - end).dt.days / 30.4375


def months_first(r):
    """months_to_first_job, else the first of the first-job dates, from the training's end."""
    if r.months_to_first_job != "":
        return float(r.months_to_first_job)
    e = r.training_end_date or r.desc_end
    for q in ("first_job_date", "first_job_date_nw", "job_start_date"):
        if r[q] != "" and e:
            return (pd.Timestamp(r[q]) - pd.Timestamp(e)).days / 30.4375
    return math.nan


s["t"] = s.apply(months_first, axis=1)
s["t0"] = s.t.clip(lower=0)


def income(r):
    if r.income_exact != "":
        return float(r.income_exact)
    if r.income_band != "" and r.income_band in mid:
        return mid[r.income_band]
    return math.nan


s["inc"] = s.apply(income, axis=1)
umk = pd.read_csv(args.umk, dtype=str, keep_default_na=False, comment="#")
umkd = {(r.region, r.year): float(r.wage) for r in umk.itertuples()}


def umk_of(r):
    if not r.W or r.O or math.isnan(r.inc) or r.hours_week == "" or float(r.hours_week) < 35 or r.work_regency == "":
        return math.nan
    y = r.interview_date[:4]
    return umkd.get((r.work_regency, y), umkd.get((r.work_regency[:2], y), math.nan))


s["umk"] = s.apply(umk_of, axis=1)

# The export's derived variables, against ours.
for col, mine in [("d_absorbed", s.A), ("d_wage_employed", s.W), ("d_self_employed", s.SE), ("d_unemployed", s.U)]:
    for a, b, i in zip(mine, s[col], s.index):
        check("derived " + col, i, int(a), int(b))
for a, b, i in zip(s.m, s.d_months_since_training, s.index):
    check("derived d_months_since_training", i, a, float(b))
for a, b, i in zip(s.inc, s.d_income, s.index):
    check("derived d_income", i, None if math.isnan(a) else a, float(b) if b else None)
for a, b, i in zip(s.umk, s.d_umk, s.index):
    check("derived d_umk", i, None if math.isnan(a) else a, float(b) if b else None)
for a, b, i in zip(s.t, s.d_months_to_first_job, s.index):
    check("derived d_months_to_first_job", i, None if math.isnan(a) else a, float(b) if b else None)

# Months since training of every person of G for the window breakdown.
asof = pd.Timestamp(st["as_of"])
g = desc.loc[sorted(G)].copy()
g["m"] = (asof - pd.to_datetime(g.training_end_date)).dt.days / 30.4375
g.loc[s.index, "m"] = s.m
t_only = desc.loc[sorted(T - G)].copy()
t_only["m"] = (asof - pd.to_datetime(t_only.training_end_date)).dt.days / 30.4375
lk_nonvalid = set()  # persons of T-G interviewed: their m from their interview
tv = lk[lk.valid].sort_values(srt).groupby("person").tail(1).set_index("person")
tg = tv[tv.index.isin(T - G)]
if len(tg):
    e2 = pd.to_datetime(tg.training_end_date.where(tg.training_end_date != "", desc.loc[tg.index, "training_end_date"]))
    t_only.loc[tg.index, "m"] = (pd.to_datetime(tg.interview_date) - e2).dt.days / 30.4375
pop = pd.concat([g, t_only])
pop["inG"] = pop.index.isin(G)
pop["inS"] = pop.index.isin(s.index)
pop["reached"] = pop.index.isin(reached)


def age_group(r):
    try:
        b = pd.Timestamp(r.birth_date)
        e = pd.Timestamp(r.training_end_date)
    except Exception:
        return "(unknown)"
    a = e.year - b.year - ((e.month, e.day) < (b.month, b.day))
    if a < 15:
        return "(unknown)"
    return "15-24" if a < 25 else "25-34" if a < 35 else "35+"


def window(m):
    lo = 0
    for k in windows:
        if m < k:
            return f"{lo}-{k}"
        lo = k
    return f"{lo}+"


def attr(dim, frame):
    unk = "(unknown)"
    col = {"kejuruan": "kejuruan", "program_name": "program_name", "institution": "institution", "batch": "batch_id",
           "budget_year": "budget_year", "funding": "funding", "sex": "sex", "education": "education"}.get(dim)
    if col:
        v = frame[col] if col in frame else pd.Series("", index=frame.index)
        return v.where(v != "", unk)
    if dim == "year":
        return frame.training_end_date.str[:4].where(frame.training_end_date != "", unk)
    # The regencies answered in the interview that counts for the person: a respondent's,
    # or a trainee's of T who did not pass (G is T's graduates; T-G's interviews count too).
    if dim == "regency":
        v = frame.domicile_regency.copy()
        ans = tv.domicile_regency
        ans = ans[ans != ""]
        idx = v.index.intersection(ans.index)
        v.loc[idx] = ans.loc[idx]
        return v.where(v != "", unk)
    if dim == "work_regency":
        v = pd.Series(unk, index=frame.index)
        ans = tv.work_regency[tv.work_regency != ""]
        idx = v.index.intersection(ans.index)
        v.loc[idx] = ans.loc[idx]
        return v
    if dim == "window":
        return frame.m.map(window)
    if dim == "age_group":
        return frame.apply(age_group, axis=1)
    raise KeyError(dim)


# Non-response weights G/S by kejuruan x sex.
gw = pop[pop.inG].groupby(["kejuruan", "sex"]).size()
sw = pop[pop.inS].groupby(["kejuruan", "sex"]).size()
weights = (gw / sw).dropna()
for w in rep.get("weights") or []:
    key = (w["kejuruan"], w["sex"])
    check("weights G", key, int(gw.get(key, 0)), w["G"])
    check("weights S", key, int(sw.get(key, 0)), w["S"])
    check("weights G/S", key, float(weights.get(key, math.nan)) if key in weights else None, w["weight"])
s["w"] = [weights.get((desc.loc[i, "kejuruan"], desc.loc[i, "sex"]), math.nan) for i in s.index]


def qinc(x):
    return (x.median(), x.quantile(0.25), x.quantile(0.75)) if len(x) else (None, None, None)


def share(num, den):
    return (int(num), int(den))


def indicators(people):
    """Every indicator over the persons of one cell (a frame of pop)."""
    c = s[s.index.isin(people.index)]
    Tn, Gn, Sn = len(people), int(people.inG.sum()), len(c)
    A, W, O, SE, U, ED = c[c.A], c[c.W], c[c.O], c[c.SE], c[c.U], c[c.ED]
    n = {"T": Tn, "G": Gn, "reached": int(people.reached.sum()), "S": Sn, "A": len(A), "W": len(W), "O": len(O),
         "SE": len(SE), "OJT": int(c.OJT.sum()), "U": len(U), "ED": len(ED), "I": int(c.I.sum())}
    v = {}
    v["response_rate"] = (Sn, Gn)
    v["contact_rate"] = (n["reached"], Gn)
    v["absorption"] = (len(A), Sn)
    if st.get("nonresponse_weights"):
        ws = c.w.sum()
        v["absorption_weighted"] = ((c.w * c.A).sum() / ws * Sn if ws else 0, Sn)
    v["absorption_cohort"] = (len(A), Gn)
    v["absorption_trainee"] = (len(A), Tn)
    v["wage_employment"] = (len(W), Sn)
    v["self_employment"] = (len(SE), Sn)
    v["absorbed_industry"] = (len(W), len(A))
    v["absorbed_self"] = (len(SE), len(A))
    if ojt:
        v["absorbed_ojt"] = (int((c.A & c.OJT).sum()), len(A))
    v["overseas"] = (len(O), Sn)
    v["overseas_absorbed"] = (len(O), len(A))
    v["unemployment"] = (len(U), len(A) + len(U))
    v["neet"] = (Sn - len(A) - len(ED), Sn)
    fj = c[c.t.notna()]
    v["first_job_months"] = (0, len(fj)) + qinc(fj.t0)
    v["employed_at_completion"] = ((fj.t <= 0).sum(), len(fj))
    for k in windows:
        obs = c[c.m >= k]
        v[f"employed_within_{k}"] = (((obs.t.notna()) & (obs.t0 <= k)).sum(), len(obs))
    jm = A[A.job_match != ""].job_match.astype(int)
    v["job_match"] = ((jm <= 2).sum(), len(jm))
    v["job_match_top3"] = ((jm <= 3).sum(), len(jm))
    v["relevant_employment"] = ((jm <= 2).sum(), Sn)
    su = A[A.skill_use != ""].skill_use.astype(int)
    v["skill_use"] = ((su <= 2).sum(), len(su))
    for key, grp in [("income_median", A), ("income_median_wage", W), ("income_median_self", SE)]:
        x = grp.inc.dropna()
        v[key] = (0, len(x)) + qinc(x)
    um = W[W.umk.notna()]
    v["umk"] = ((um.inc >= um.umk).sum(), len(um))
    v["umk_120"] = ((um.inc >= 1.2 * um.umk).sum(), len(um))
    ct = W[W.contract != ""]
    v["formal_contract"] = (ct.contract.isin(["pkwtt", "pkwt"]).sum(), len(ct))
    # Certification: the roster's record first, else the answers.
    pg = people[people.inG]
    ra = pg.get("cert_assessed", pd.Series("", index=pg.index))
    rr = pg.get("cert_result", pd.Series("", index=pg.index))
    ans_a = c.cert_assessed.reindex(pg.index).fillna("") if "cert_assessed" in c else pd.Series("", index=pg.index)
    ans_r = c.cert_result.reindex(pg.index).fillna("") if "cert_result" in c else pd.Series("", index=pg.index)
    assessed = ra.where(ra != "", ans_a)
    result = rr.where(ra != "", ans_r)
    ass = assessed == "yes"
    v["cert_coverage"] = (ass.sum(), Gn)
    v["cert_pass"] = ((result[ass] == "competent").sum(), ass.sum())
    bz = SE.biz_paid_workers.replace("", "0").astype(float)
    v["biz_jobs"] = (bz.sum(), len(SE), bz.sum() / len(SE) if len(SE) else None)
    nb = c[c.status_before.isin(["4", "5", "6", "7"])]
    v["net_entry"] = (nb.A.sum(), len(nb))
    for key, q in [("training_sat", "sat_overall"), ("sat_instructor", "sat_instructor"), ("sat_practice", "sat_practice"), ("sat_relevance", "sat_relevance")]:
        x = c[c[q] != ""][q].astype(int)
        v[key + "_mean"] = ((6 - x).sum(), len(x), (6 - x).mean() if len(x) else None)
        v[key + "_top2"] = ((x <= 2).sum(), len(x))
    r = c[c.recommend != ""].recommend.astype(int)
    npsn = (r >= 9).sum() - (r <= 6).sum()
    v["nps"] = (npsn, len(r), 100 * npsn / len(r) if len(r) else None)
    js = A[A.job_satisfaction != ""].job_satisfaction.astype(int)
    v["job_sat_top2"] = ((js <= 2).sum(), len(js))
    return n, v


def compare_cell(where, people, cell):
    n, v = indicators(people)
    for k, x in n.items():
        check("population " + k, where, x, cell["n"][k])
    got = {x["id"]: x for x in cell["values"]}
    for k, x in v.items():
        if k not in got:
            diffs.append(f"indicator {k} {where}: recomputed, missing from the report")
            continue
        y = got.pop(k)
        check("indicator numerator", f"{k} {where}", x[0], y["num"])
        check("indicator denominator", f"{k} {where}", x[1], y["den"])
        # A mean or a median over fewer than 10 is not computed (docs/REPORT.md).
        if len(x) == 3:
            check("indicator mean or share", f"{k} {where}", x[2] if x[1] >= 10 else None, y.get("stat"))
        elif len(x) == 5:
            for j, name in ((2, "stat"), (3, "q1"), (4, "q3")):
                check("indicator median or quartile", f"{k} {where} {name}", None if x[j] is None or x[1] < 10 or (isinstance(x[j], float) and math.isnan(x[j])) else x[j], y.get(name))
        else:
            pct = 100 * x[0] / x[1] if x[1] >= 10 else None  # not computed under 10
            check("indicator percentage", f"{k} {where}", pct, y.get("pct"))
    for k in got:
        diffs.append(f"indicator {k} {where}: in the report, not recomputed")


compare_cell("total", pop, rep["total"])
for b in rep["breakdowns"]:
    dim = b.get("dimension") or b.get("by")
    keys = attr(dim, pop)
    mine = set(keys)
    theirs = {c["key"] for c in b["cells"]}
    check("breakdown cells", dim, sorted(mine), sorted(theirs)) if False else None
    if mine != theirs:
        diffs.append(f"breakdown {dim}: cells {sorted(mine)} recomputed, {sorted(theirs)} in the report")
    compared["breakdown cells"] = compared.get("breakdown cells", 0) + 1
    for c in b["cells"]:
        compare_cell(f"{dim}={c['key']}", pop[keys == c["key"]], c)

# How the input was used, and who lost to a later interview.
cn = rep["counts"]
check("counts", "roster_rows", len(ro), cn["roster_rows"])
check("counts", "interviews", iv.interview_id.nunique(), cn["interviews"])
check("counts", "unlinked", int((~iv.person.isin(T)).sum()), cn["unlinked"])
valid_t = lk[lk.valid].sort_values(srt)
lost = []
for pr, grp in valid_t.groupby("person"):
    if len(grp) > 1:
        win = grp.iloc[-1]
        lost += [(x.interview_id, x.interview_date, win.interview_id, win.interview_date) for x in grp.iloc[:-1].itertuples()]
check("counts", "superseded", len(lost), cn["superseded"])
theirs = {(x["interview"], x["interview_date"], x["by"], x["by_date"]) for x in rep.get("superseded") or []}
check("superseded interviews (pairs)", "all", 1 if set(lost) == theirs else 0, 1)
if set(lost) != theirs:
    diffs.append(f"superseded: {sorted(set(lost) - theirs)[:3]} recomputed only, {sorted(theirs - set(lost))[:3]} reported only")
fj = s[s.t.notna()]
hist = [int((fj.t <= 0).sum()), int(((fj.t > 0) & (fj.t <= 3)).sum()), int(((fj.t > 3) & (fj.t <= 6)).sum()),
        int(((fj.t > 6) & (fj.t <= 12)).sum()), int((fj.t > 12).sum())]
for k, (a, b) in enumerate(zip(hist, rep["first_job_histogram"])):
    check("first-job histogram", k, a, b)
fw = s[s.W & ~s.O & s.inc.notna() & (s.hours_week != "")]
fw = fw[fw.hours_week.astype(float) >= 35]
check("counts", "umk_unknown", int(fw.umk.isna().sum()), cn["umk_unknown"])

# Distributions.
Aall = s[s.A]
for d in rep["distributions"]:
    q = d["id"]
    if q == "how_found":
        W = s[s.W]
        den = len(W)
        cols = [c for c in iv.columns if c.startswith("how_found/")]
        counts = {c.split("/", 1)[1]: (W[c] == "1").sum() for c in cols}
    else:
        x = Aall[Aall[q] != ""][q]
        den = len(x)
        counts = x.value_counts().to_dict()
    check("distribution denominators", q, den, d["den"])
    for it in d["items"]:
        check("distribution counts", f"{q}={it['code']}", int(counts.get(it["code"], 0)), it["num"])
        check("distribution percentages", f"{q}={it['code']}", 100 * counts.get(it["code"], 0) / den if den else None, it["pct"])
    listed = {it["code"] for it in d["items"]}
    missing = [k for k, x in counts.items() if x and k not in listed]
    if missing:
        diffs.append(f"distribution {q}: answered codes {missing} not listed")

# ---------------------------------------------------------------- response rates (AAPOR)
al = read(args.export + "/alumni.csv")
cases = al[al.case == "1"].copy()
cases["person"] = cases.nik.where(cases.nik != "", cases.roster_id)
check("cases are the persons of G", "count", len(cases), len(G))
check("cases are the persons of G", "same persons", 1 if set(cases.person) == G else 0, 1)
check("case rows describe their person", "rows", 1 if set(cases.roster_id) == set(desc.loc[sorted(G), "roster_id"]) else 0, 1)

if args.db:
    # Decide every case's final disposition from the database, by docs/TRACING.md's rule.
    con = sqlite3.connect(args.db)
    rank = {"I": 7, "P": 6, "NE": 5, "R": 4, "O": 3, "NC": 2, "U": 1}

    def cls(code):
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
        if code.startswith("3."):
            return "U"
        if code.startswith("4."):
            return "NE"
        return None

    ev_att, ev_iv = {}, {}
    for rid, code, at in con.execute("SELECT roster_id, outcome, at FROM server_attempts"):
        pr = row_person.get(rid)
        if pr in G:
            ev_att.setdefault(pr, []).append((code, at))
    latest = con.execute("""SELECT s.respondent_id, s.body FROM submissions s WHERE s.revision =
        (SELECT max(revision) FROM submissions t WHERE t.interview_id = s.interview_id)""")
    recs = []
    for resp, body in latest:
        r = json.loads(body)
        a = r.get("answers", {})

        def ans(name):
            for k, x in a.items():
                if k == name or k.endswith("/" + name):
                    return x
            return ""
        recs.append({"respondent_id": resp, "roster_id": ans("roster_id"), "nik": ans("nik"),
                     "consent": ans("consent"), "main_status": ans("main_status"), "at": r.get("finalized_at", "")})
    for r in recs:
        pr = link(pd.Series(r))
        if pr not in G:
            continue
        c = r["consent"]
        code = "1.1" if c == "yes" and r["main_status"] else "1.2" if c == "yes" else "2.11" if c else ""
        if code:
            ev_iv.setdefault(pr, []).append((code, r["at"]))
    final = {}
    for pr in G:
        evs = [e for e in ev_att.get(pr, []) if not (pr in ev_iv and e[0] in ("1.1", "1.2"))] + ev_iv.get(pr, [])
        best, br, bat = "3.11", 0, ""
        for code, at in evs:
            k = rank.get(cls(code), 0)
            if k > br or (k == br and at >= bat):
                best, br, bat = code, k, at
        final[pr] = best
    for pr, code in zip(cases.person, cases.case_disposition):
        check("case dispositions from the database", pr, 1 if final[pr] == code else 0, 1)

cases["cls"] = cases.case_disposition.map(lambda c: {"1.1": "I", "1.2": "P"}.get(c) or {"2.1": "R", "2.2": "NC", "2.3": "O"}.get(c[:3]) or {"3": "U", "4": "NE"}.get(c[0]))
resp = rep["response"]
dcount = cases.case_disposition.value_counts()
for d in resp["dispositions"]:
    check("disposition counts", d["code"], int(dcount.get(d["code"], 0)), d["n"])
extra = set(dcount.index) - {d["code"] for d in resp["dispositions"]}
if extra:
    diffs.append(f"dispositions {extra} not in the report's table")


def outcomes(fr):
    return {k: int((fr.cls == k).sum()) for k in ["I", "P", "R", "NC", "O", "U", "NE"]}


tot = outcomes(cases)
det = tot["I"] + tot["P"] + tot["R"] + tot["NC"] + tot["O"]
e = det / (det + tot["NE"]) if det + tot["NE"] else 1.0
if resp["e_estimated"]:
    check("e (proportion method)", "total", e, resp["e"])
else:
    e = resp["e"]


def rates(o):
    I, P, R, NC, O, U = o["I"], o["P"], o["R"], o["NC"], o["O"], o["U"]

    def q(a, b):
        return a / b if b else None
    return {
        "RR1": q(I, I + P + R + NC + O + U), "RR2": q(I + P, I + P + R + NC + O + U),
        "RR3": q(I, I + P + R + NC + O + e * U), "RR4": q(I + P, I + P + R + NC + O + e * U),
        "RR5": q(I, I + P + R + NC + O), "RR6": q(I + P, I + P + R + NC + O),
        "COOP1": q(I, I + P + R + O), "COOP2": q(I + P, I + P + R + O), "COOP3": q(I, I + P + R), "COOP4": q(I + P, I + P + R),
        "REF1": q(R, I + P + R + NC + O + U), "REF2": q(R, I + P + R + NC + O + e * U), "REF3": q(R, I + P + R + NC + O),
        "CON1": q(I + P + R + O, I + P + R + O + NC + U), "CON2": q(I + P + R + O, I + P + R + O + NC + e * U),
        "CON3": q(I + P + R + O, I + P + R + O + NC),
    }


def compare_rates(where, fr, cell):
    o = outcomes(fr)
    check("response cell sizes", where, len(fr), cell["n"])
    for k, x in o.items():
        check("response outcome counts", f"{k} {where}", x, cell["outcomes"][k])
    for k, x in rates(o).items():
        check("response rates", f"{k} {where}", x, cell["rates"].get(k))


compare_rates("total", cases, resp["total"])
cdesc = desc.loc[cases.person]
cases["kejuruan_"] = cdesc.kejuruan.values
cases["batch_"] = cdesc.batch_id.values
cases["funding_"] = cdesc.funding.values
cases["sex_"] = cdesc.sex.values
# The roster's regency: the frame's value, known for every case (docs/TRACING.md).
cases["regency_"] = cdesc.domicile_regency.values
cases["enumerator_"] = cases.case_enumerator
for b in resp["breakdowns"]:
    dim = b.get("dimension") or b.get("by")
    col = cases[dim + "_"]  # an unknown attribute is the cell "", as in the alumni table
    mine, theirs = set(col), {c["key"] for c in b["cells"]}
    compared["response breakdown cells"] = compared.get("response breakdown cells", 0) + 1
    if mine != theirs:
        diffs.append(f"response breakdown {dim}: cells {sorted(mine)} recomputed, {sorted(theirs)} in the report")
    for c in b["cells"]:
        compare_rates(f"{dim}={c['key']}", cases[col == c["key"]], c)

# Non-response table: each category's share of the cohort and of the respondents (I+P).
rs = cases[cases.cls.isin(["I", "P"])]
for row in resp.get("nonresponse") or []:
    dim = row.get("dimension") or row["by"]
    col = cases[dim + "_"]
    rcol = col[rs.index]
    co, re_ = int((col == row["key"]).sum()), int((rcol == row["key"]).sum())
    check("non-response counts", f"{dim}={row['key']}", co, row["cohort"])
    check("non-response counts", f"{dim}={row['key']} respondents", re_, row["respondents"])
    cp = 100 * co / len(cases)
    rp = 100 * re_ / len(rs) if len(rs) else None
    check("non-response shares", f"{dim}={row['key']} cohort", cp, row["cohort_pct"])
    check("non-response shares", f"{dim}={row['key']} respondents", rp, row["respondents_pct"])
    check("non-response shares", f"{dim}={row['key']} diff", rp - cp, row["diff_pp"])
    check("non-response flags", f"{dim}={row['key']}", abs(rp - cp) > resp["threshold_pp"], row["flagged"])

if args.latest:
    lt = read(args.latest)
    lt["person"] = lt.apply(link, axis=1)
    lt["code"] = [("1.1" if m else "1.2") if c == "yes" else "" for c, m in zip(lt.consent, lt.main_status)]
    modes = {}
    for pr, code in zip(cases.person, cases.case_disposition):
        if code not in ("1.1", "1.2"):
            continue
        x = lt[(lt.person == pr) & (lt.code == code)].sort_values(["interview_date", "finalized_at"])
        mode = x.interview_mode.iloc[-1] if len(x) else ""
        k = modes.setdefault(mode, [0, 0])
        k[0 if code == "1.1" else 1] += 1
    for m in resp.get("modes") or []:
        got = modes.get(m["mode"], [0, 0])
        check("interview modes", m["mode"] or "(unknown)", got[0], m["completes"])
        check("interview modes", (m["mode"] or "(unknown)") + " partials", got[1], m["partials"])

# ---------------------------------------------------------------- the text report
def pct1(x):
    """A percentage as the text prints it: one decimal."""
    return f"{x:.1f}"


if args.text:
    import re
    lines = open(args.text, encoding="utf-8").read().split("\n")
    # The indicator table of the whole cohort: each share's numerator, denominator and %.
    shares = [v for v in rep["total"]["values"] if "stat" not in v]
    rows = [m for m in (re.match(r"^\s*\d+ .{20,}?\s(-?[\d.]+)/(\d+)\s+(\(<10\)|-|[\d.]+)", l) for l in lines) if m]
    rows = rows[:len(shares)]
    check("text: indicator rows", "count", len(rows), len(shares))
    for v, m in zip(shares, rows):
        num = round(v["num"], 1) if isinstance(v["num"], float) else v["num"]
        check("text: indicator numerators", v["id"], float(m.group(1)), float(num))
        check("text: indicator denominators", v["id"], int(m.group(2)), v["den"])
        want = "(<10)" if v["den"] < 10 else "-" if v.get("pct") is None else pct1(v["pct"])
        check("text: indicator percentages", v["id"], 1 if m.group(3) == want else 0, 1)
    # The breakdown tables: T, G, S, response %, A, W, SE, U, A/S % of every cell, in order.
    at = 0
    for b in rep["breakdowns"]:
        while at < len(lines) and not lines[at].startswith("By ") or at < len(lines) and "Num/Den" in lines[at]:
            at += 1
        at += 3  # heading, column names, rule
        for c in b["cells"]:
            f = re.sub(r"\s+(small n|n kecil|\(<10\))\s*$", "", lines[at]).split()
            at += 1
            n = c["n"]
            vals = {x["id"]: x for x in c["values"]}

            def p_(i):
                x = vals[i]
                return "-" if x.get("pct") is None or x["den"] < 10 else pct1(x["pct"])
            want = [str(n["T"]), str(n["G"]), str(n["S"]), p_("response_rate"), str(n["A"]), str(n["W"]), str(n["SE"]), str(n["U"]), p_("absorption")]
            got = f[-len(want):]
            check("text: breakdown rows", f"{b.get('dimension')}={c['key']}", 1 if got == want else 0, 1)
            if got != want:
                diffs.append(f"text row {lines[at - 1]!r}: want {want}")
    # The dispositions, the outcome counts and the rates of every cell.
    text = "\n".join(lines)
    for d in rep["response"]["dispositions"]:
        m = re.search(r"^  " + re.escape(d["code"]) + r" .* (\d+)$", text, re.M)
        check("text: disposition counts", d["code"], int(m.group(1)) if m else None, d["n"])
    cells = [("All", rep["response"]["total"])] + [(c["key"], c) for b in rep["response"]["breakdowns"] for c in b["cells"]]
    for title, names in [("Final dispositions per cell", ["I", "P", "R", "NC", "O", "U", "NE"]),
                         ("Response and refusal rates", ["RR1", "RR2", "RR3", "RR4", "RR5", "RR6", "REF1", "REF2", "REF3"]),
                         ("Cooperation and contact rates", ["COOP1", "COOP2", "COOP3", "COOP4", "CON1", "CON2", "CON3"])]:
        at = next(i for i, l in enumerate(lines) if l.startswith(title)) + 2
        for key, c in cells:
            while lines[at].startswith("  By "):
                at += 1
            f = lines[at].split()
            at += 1
            if names[0] == "I":
                want = [str(c["n"])] + [str(c["outcomes"][k]) for k in names]
            else:
                want = [str(c["n"])] + ["-" if c["rates"].get(k) is None else pct1(100 * c["rates"][k]) for k in names]
            check("text: response cells", f"{title} {key}", 1 if f[-len(want):] == want else 0, 1)
            if f[-len(want):] != want:
                diffs.append(f"text row {lines[at - 1]!r}: want {want}")

# ---------------------------------------------------------------- the HTML report
if args.html:
    from html.parser import HTMLParser

    class Tables(HTMLParser):
        """Every table of the page: its attributes and its rows of cell texts."""

        def __init__(self):
            super().__init__()
            self.tables, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append((dict(attrs), []))
            elif tag == "tr" and self.tables:
                self.tables[-1][1].append([])
            elif tag in ("td", "th") and self.tables:
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.tables[-1][1][-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    h = Tables()
    h.feed(open(args.html, encoding="utf-8").read())
    byid = {a.get("id"): rows for a, rows in h.tables if a.get("id")}
    pops = [r for r in byid["populations"] if r]
    for k, v in zip(pops[0], pops[1]):
        check("html: populations", k, int(v), rep["total"]["n"][k])

    def hpct(x):
        return "-" if x is None else f"{x:.1f}%"
    # The indicator table: the one whose heading names Num/Den.
    ind = next(rows for a, rows in h.tables if rows and "Num/Den" in rows[0])
    shares = [v for v in rep["total"]["values"] if "stat" not in v]
    got = [r for r in ind[1:] if " / " in r[2]]
    check("html: indicator rows", "count", len(got), len(shares))
    for v, r in zip(shares, got):
        num, den = r[2].split(" / ")
        n_ = round(v["num"], 1) if isinstance(v["num"], float) else v["num"]
        check("html: indicator numerators", v["id"], float(num), float(n_))
        check("html: indicator denominators", v["id"], int(den), v["den"])
        want = hpct(v.get("pct")) if v["den"] >= 10 else r[3]
        check("html: indicator percentages", v["id"], 1 if r[3].startswith(want) else 0, 1)
    # The breakdown tables: T, G, S, S/G, A, W, O, SE, U, ED, I, A/S of every cell.
    bts = [rows for a, rows in h.tables if a.get("class") == "breakdown"]
    check("html: breakdown tables", "count", len(bts), len(rep["breakdowns"]))
    for b, rows in zip(rep["breakdowns"], bts):
        for c, r in zip(b["cells"], rows[1:]):
            n = c["n"]
            vals = {x["id"]: x for x in c["values"]}

            def hp(i):
                x = vals[i]
                return "-" if x.get("pct") is None or x["den"] < 10 else hpct(x["pct"])
            want = [str(n[k]) for k in ("T", "G", "S")] + [hp("response_rate")] + [str(n[k]) for k in ("A", "W", "O", "SE", "U", "ED", "I")] + [hp("absorption")]
            got_ = r[1:13]
            ok = all(g == w or (w == "-" and not g[:1].isdigit()) for g, w in zip(got_, want))
            check("html: breakdown rows", f"{b.get('dimension')}={c['key']}", 1 if ok else 0, 1)
            if not ok:
                diffs.append(f"html row {r}: want {want}")
    for r in byid["dispositions"][1:]:
        d = next((d for d in rep["response"]["dispositions"] if float(d["code"]) == float(r[0]) and d["class"] == r[1]), None)
        check("html: disposition counts", r[0], int(r[-1]), d["n"] if d else None)
    cells = [c for c in [rep["response"]["total"]] + [c for b in rep["response"]["breakdowns"] for c in b["cells"]]]
    for tid, names in [("response-counts", ["I", "P", "R", "NC", "O", "U", "NE"]),
                       ("response-rates-0", ["RR1", "RR2", "RR3", "RR4", "RR5", "RR6", "REF1", "REF2", "REF3"]),
                       ("response-rates-1", ["COOP1", "COOP2", "COOP3", "COOP4", "CON1", "CON2", "CON3"])]:
        rows = [r for r in byid[tid][1:] if len(set(r)) > 1]
        check("html: response cells", f"{tid} count", len(rows), len(cells))
        for c, r in zip(cells, rows):
            if names[0] == "I":
                want = [str(c["n"])] + [str(c["outcomes"][k]) for k in names]
            else:
                want = [str(c["n"])] + ["-" if c["rates"].get(k) is None else pct1(100 * c["rates"][k]) for k in names]
            check("html: response cells", f"{tid} {c['key']}", 1 if r[1:] == want else 0, 1)
            if r[1:] != want:
                diffs.append(f"html {tid} row {r}: want {want}")
    nr = [r for r in byid["nonresponse"][1:] if len(r) >= 7]
    check("html: non-response rows", "count", len(nr), len(rep["response"]["nonresponse"]))
    for x, r in zip(rep["response"]["nonresponse"], nr):
        want = [str(x["cohort"]), pct1(x["cohort_pct"]), str(x["respondents"]), pct1(x["respondents_pct"])]
        check("html: non-response rows", f"{x.get('dimension', x.get('by'))}={x['key']}", 1 if r[2:6] == want else 0, 1)
        if r[2:6] != want:
            diffs.append(f"html non-response row {r}: want {want}")

total = sum(compared.values())
for k, x in compared.items():
    print(f"{x:8d}  {k}")
print(f"{total:8d}  figures compared, {len(diffs)} differ")
for d in diffs[:200]:
    print("DIFF", d)
sys.exit(1 if diffs else 0)
