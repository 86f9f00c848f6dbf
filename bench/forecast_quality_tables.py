#!/usr/bin/env python3
"""Tables of bench/forecast-quality: reads <out>/<data set>-<config>/model/metrics.json, prints one
markdown table per data set and writes them into the docs file between its table markers."""
import json
import os
import sys

out, doc = sys.argv[1], sys.argv[2]
SETS = ["txhousing", "weather", "unemployment"]
BEGIN, END = "<!-- tables: bench/forecast-quality -->", "<!-- /tables -->"


def fmt(v, f):
    return "n/a" if v is None else f % v


def table(name):
    rows = []
    for config in ["default", "tuned"]:
        path = os.path.join(out, f"{name}-{config}", "model", "metrics.json")
        if not os.path.exists(path):
            continue
        m = json.load(open(path))
        t = m["test"]["all"]
        naive = t["mae_seasonal_naive"]
        rows.append((config, "seasonal-naive", naive, 1.0, ""))
        rows.append((config, "last-value", t["mae_last_value"], t["mae_last_value"] / naive, ""))
        rows.append((config, "ridge", t["mae_ridge"], t["mae_ridge"] / naive, ""))
        choice = m.get("model_choice")
        for c in (choice["candidates"] if choice else []):
            chosen = "chosen" if c["type"] == choice["chosen"] else ""
            rows.append((config, c["type"], c["test"]["mae"], c["test"]["mase_seasonal_naive"],
                         f"val MAE {fmt(c.get('val_mae'), '%.4g')}"
                         + (f" (+{c['val_mae_minus_lowest']:.3g} over the lowest, SE {fmt(c.get('standard_error'), '%.3g')})"
                            if c.get("val_mae_minus_lowest") is not None else "")
                         + (f"; vs the ensemble {c['val_mae_minus_ensemble']:+.3g}, SE {fmt(c.get('standard_error_vs_ensemble'), '%.3g')}"
                            f" over {c.get('blocks_vs_ensemble')} blocks"
                            if c.get("val_mae_minus_ensemble") is not None else "")
                         + (f", best epoch {c['best_epoch']} of {c['epochs']}" if c.get("epochs") is not None
                            else ", the mean of linear, mlp and lstm")
                         + (f"; **{chosen}**" if chosen else "")))
        if not choice:
            rows.append((config, m.get("model", "model"), t["mae"], t["mase_seasonal_naive"], ""))
    if not rows:
        return ""
    lines = [f"### {name}", "", "| config | forecast | test MAE | MASE (vs seasonal-naive) | MAE / ridge | note |",
             "|---|---|---|---|---|---|"]
    ridge = {r[0]: r[2] for r in rows if r[1] == "ridge"}
    for config, what, mae, mase, note in rows:
        lines.append(f"| {config} | {what} | {fmt(mae, '%.4g')} | {fmt(mase, '%.4f')} | "
                     f"{fmt(mae / ridge[config] if mae is not None else None, '%.3f')} | {note} |")
    return "\n".join(lines) + "\n"


def kept(doc_text, name):
    """The docs' current table of a data set (a partial rerun leaves the others as they were)."""
    if BEGIN not in doc_text or END not in doc_text:
        return ""
    block = doc_text[doc_text.index(BEGIN) + len(BEGIN):doc_text.index(END)]
    head = f"### {name}\n"
    if head not in block:
        return ""
    rest = block[block.index(head):]
    nxt = rest.find("\n### ", 1)
    return (rest if nxt < 0 else rest[:nxt + 1]).strip() + "\n"


d = open(doc).read() if os.path.exists(doc) else ""
text = "\n".join(t for t in (table(s) or kept(d, s) for s in SETS) if t)
print(text)
open(os.path.join(out, "tables.md"), "w").write(text)
if BEGIN in d and END in d:
    d = d[:d.index(BEGIN) + len(BEGIN)] + "\n\n" + text + "\n" + d[d.index(END):]
    open(doc, "w").write(d)
