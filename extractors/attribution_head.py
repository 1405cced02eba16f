"""Attribution at the top of a text: datelines (D1-D13), bylines, ``Laporan Wartawan``, names alone."""

from __future__ import annotations

import re

from extractors.attribution_patterns import (
    _BRACKETED,
    _BYLINE,
    _COLON,
    _COURTESY,
    _D8_DOT,
    _D8_NODASH,
    _DATEISH,
    _DOMAINISH,
    _LAPORAN,
    _NAMES_LINE,
    _NOT_NAME_WORDS,
    _ONE,
    _PAREN,
    _PIPE,
    _TASS,
    _TWO,
)
from extractors.attribution_state import (
    _Acc,
    _add,
    _courtesy,
    _looks_place,
    _outlet_like,
)

# --------------------------------------------------------------------------- head


def _dateline_outlet(acc: _Acc, out_tok: str, span: str) -> None:
    canonical = acc.pick(acc.table.resolve(out_tok))
    if canonical is None:  # domain-like token unknown to the table: a self-credit
        if not acc.outlet_known:
            acc.outlet, acc.outlet_known = out_tok, True
        acc.ev("outlet", out_tok, span)
        return
    acc.credit(canonical, span, slot_is_dateline=True)


def _paren_credit(acc: _Acc, credit: str, has_dash: bool, span: str) -> bool:
    """Handle ``(AGENCY)``; return False if the parenthesis is not a dateline credit."""
    parts = [p.strip() for p in re.split(r"\s*(?:/|,|&|\band\b|\bdan\b)\s*", credit) if p.strip()]
    resolved = [(p, acc.pick(acc.table.resolve(p))) for p in parts]
    known = [(p, c) for p, c in resolved if c]
    unknown = [p for p, c in resolved if not c]
    if known and unknown and any(len(u.split()) >= 2 and u[:1].isupper() for u in unknown):
        return False  # (REUTERS/Mike Blake): a photo credit
    if known:
        for _, canonical in known:
            acc.credit(canonical, span, slot_is_dateline=True)
        return True
    if (
        has_dash
        and len(parts) == 1
        and re.fullmatch(r"[A-Z][\w.& -]{1,30}", parts[0])
        and len(parts[0].split()) <= 3
    ):
        if not acc.outlet_known:
            acc.outlet, acc.outlet_known = parts[0], True
        acc.ev("outlet", parts[0], span)
        return True
    return False


def _try_dateline(line: str, acc: _Acc) -> int | None:
    """Match one line against D1–D13; on success record fields and return the dateline's end offset."""
    m = _TASS.match(line)
    if m and acc.pick(acc.table.resolve(m["credit"])):
        acc.place = m["pre"].split(",")[0].strip()
        acc.ev("dateline_place", acc.place, m.group(0))
        _paren_credit(acc, m["credit"], True, m.group(0))
        return m.end()
    m = _PAREN.match(line)
    if m:
        pre = m["pre"]
        pre_ok = pre is None or _looks_place(_BRACKETED.sub("", pre.split(",")[0]))
        if pre_ok and (m.end("credit") < 90) and _paren_credit(acc, m["credit"], bool(m["dash"]), m.group(0)):
            if pre:
                acc.place = _BRACKETED.sub("", pre.split(",")[0]).strip()
                acc.ev("dateline_place", acc.place, m.group(0))
            return m.end()
    m = _PIPE.match(line)
    if m and _looks_place(m["place"]):
        acc.place = m["place"].strip()
        acc.ev("dateline_place", acc.place, m.group(0))
        _dateline_outlet(acc, m["out"], m.group(0))
        return m.end()
    m = _TWO.match(line)
    if m:
        a, b = m["a"].strip(), m["b"].strip()
        if _outlet_like(b, acc) and _looks_place(a):
            acc.place = a
            acc.ev("dateline_place", a, m.group(0))
            _dateline_outlet(acc, b, m.group(0))
            return m.end()
        if _outlet_like(a, acc) and _looks_place(b):
            acc.place = b
            acc.ev("dateline_place", b, m.group(0))
            _dateline_outlet(acc, a, m.group(0))
            return m.end()
        if _looks_place(a) and (_DATEISH.match(b) or _looks_place(b)):
            acc.place = a
            acc.ev("dateline_place", a, m.group(0))
            return m.end()
    m = _D8_DOT.match(line)
    if m and _outlet_like(m["out"], acc) and _looks_place(m["place"]):
        acc.place = m["place"]
        acc.ev("dateline_place", acc.place, m.group(0))
        _dateline_outlet(acc, m["out"], m.group(0))
        return m.end()
    m = _D8_NODASH.match(line)
    if m and _outlet_like(m["out"], acc):
        acc.place = m["place"]
        acc.ev("dateline_place", acc.place, m.group(0))
        _dateline_outlet(acc, m["out"], m.group(0))
        return m.end()
    m = _ONE.match(line)
    if m:
        a = m["a"].strip()
        if _outlet_like(a, acc) and not _looks_place(a) or _DOMAINISH.match(a):
            _dateline_outlet(acc, a, m.group(0))
            return m.end()
        hit = acc.table.match_before(a, len(a))
        if hit and hit[1] > 0 and _looks_place(a[: hit[1]].strip()):
            acc.place = a[: hit[1]].strip()
            acc.ev("dateline_place", acc.place, m.group(0))
            _dateline_outlet(acc, a[hit[1] :], m.group(0))
            return m.end()
        alone = m.end() >= len(line.rstrip())
        if _looks_place(a) and (a.isupper() or alone or " " not in a) and not acc.table.resolve(a):
            acc.place = a
            acc.ev("dateline_place", a, m.group(0))
            return m.end()
    m = _COLON.match(line)
    if m and _looks_place(m["place"]):
        place = m["place"]
        if place.replace(".", "").replace(" ", "").replace("/", "").isupper() and len(place) > 2 or m["rest"]:
            if not acc.table.resolve(place):
                acc.place = place
                acc.ev("dateline_place", place, m.group(0))
                return m.end()
    return None


def _names_line(line: str, acc: _Acc) -> bool:
    """A line near the top that is only a byline's names: ``Mathatisi Sebusi/Mohalenyane Phakela``,
    ``MTHOBISI SITHOLE``, ``Oleh Budi Santoso``.  A single name needs a cue or capitals: a Title
    Case line of two or three words is as likely a short headline."""
    if len(line) > 80 or any(ch.isdigit() for ch in line):
        return False
    m = _NAMES_LINE.match(line)
    if m is None:
        return False
    names = [n.strip() for n in re.split(r"\s*(?:/|,|&| and | dan )\s*", m["names"]) if n.strip()]
    several = len(names) > 1
    capitals = m["names"].isupper()
    if not (m["cue"] or several or capitals):
        return False
    for n in names:
        if any(w.casefold().strip(".") in _NOT_NAME_WORDS for w in n.split()) or acc.table.resolve(n):
            return False
    for n in names:
        person = n.title() if n.isupper() else n
        _add(acc.reporters, person)
        acc.ev("reporters", person, line)
    return True


def _parse_head(lines: list[str], acc: _Acc) -> tuple[int, int]:
    """Find the dateline in the first 4 lines; return (line index, end offset) or (-1, 0)."""
    for i, line in enumerate(lines[:4]):
        if _names_line(line, acc):
            continue
        m = _LAPORAN.match(line)
        if m:
            acc.people("reporters", m["name"], line)
            continue
        m = _COURTESY.match(line)
        if m:
            _courtesy(acc, m["src"].strip(), line)
            continue
        m = _BYLINE.match(line)
        if m and len(line) < 120:
            cand = acc.pick(acc.table.resolve(re.sub(r"\s+(?:Staff|staff)$", "", m["names"])))
            if cand:
                acc.credit(cand, line)
            else:
                names = m["names"].rstrip(" .")
                hit = acc.table.match_before(names, len(names))
                if hit and hit[1] > 0 and names[: hit[1]].rstrip(" ,|-–—"):
                    org = acc.pick(hit[0])
                    if org and acc.table.kind(org) in ("agency", "press_release_wire"):
                        acc.credit(org, line)
                    names = names[: hit[1]].rstrip(" ,|-–—")
                acc.people("reporters", re.split(r",\s*(?=[A-Z][\w ]*(?:,|$))", names)[0], line)
            continue
        if line.startswith(("- ", "– ")):
            acc.flag("dateline_lost")
            return i, 2
        end = _try_dateline(line, acc)
        if end is not None:
            return i, end
    for i, line in enumerate(lines[4:8], start=4):  # only an explicit agency credit this deep
        if "(" not in line[:90] and "/" not in line[:60]:
            continue
        probe = _Acc(
            table=acc.table,
            selfs=acc.selfs,
            outlet=acc.outlet,
            outlet_known=True,
            url_host=acc.url_host,
            language=acc.language,
            taiwan_hint=acc.taiwan_hint,
        )
        end = _try_dateline(line, probe)
        if end is not None and probe.agencies:
            for canonical in probe.agencies:
                acc.credit(canonical, line[:end])
            if probe.place:
                acc.place = probe.place
                acc.ev("dateline_place", probe.place, line[:end])
            return i, end
    return -1, 0
