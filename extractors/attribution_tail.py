"""Attribution at the end of a text: trailers, role labels, sources, staff codes, sign-offs."""

from __future__ import annotations

import re

from extractors.attribution_patterns import (
    _ADAPTED,
    _AGENCY_CODES_LINE,
    _ASSIST,
    _BARE_CODES,
    _CAPS_SIGNOFF,
    _CONTRIB,
    _CONTRIB_ORG,
    _CONTRIBUTING,
    _COPYRIGHT,
    _COURTESY,
    _DW_CODES,
    _ENDITEM,
    _INFO_CAME,
    _MIT_AGENCY,
    _NEWSISH,
    _NON_PERSON,
    _PAREN_BY,
    _PERSON_NAME,
    _REUTERS_ROLE,
    _ROLE_HINT,
    _ROLE_LABEL,
    _ROLE_OF,
    _SIGNOFF,
    _SITE_CODES,
    _SOURCE_LINE,
    _SOURCE_TAG,
    _STAFF_TAIL,
    _TAYANG,
    _TRANSLATED_FROM,
    _UNNAMED_WIRE,
    _WITH_FILES,
)
from extractors.attribution_state import (
    _Acc,
    _add,
    _courtesy,
)

# --------------------------------------------------------------------------- tail


def _source_value(acc: _Acc, rest: str, span: str) -> None:
    rest = rest.strip()
    if not rest or re.fullmatch(r"[\s,.;:]*", rest):
        acc.flag("source_link_lost")
        return
    org_part, _, initials = rest.partition("/")
    for org in re.split(r"\s*(?:,|;|&|\band\b|\bAND\b|\bdan\b|\bDAN\b)\s*", org_part):
        org = org.strip(" .")
        if not org:
            continue
        if re.search(r"\b(?:news )?agencies\b|\bwires?\b|kantor berita", org, re.IGNORECASE):
            acc.flag("wire_unnamed")
            continue
        canonical = acc.pick(acc.table.resolve(org))
        if canonical:
            acc.trailer_orgs.append(canonical)
            acc.credit(canonical, span)
    if initials:
        codes = re.findall(r"[A-Za-z]{1,5}", initials)
        for code in codes:
            agency = acc.pick(acc.table.resolve(code)) if len(code) >= 3 else None
            if agency and acc.table.kind(agency) == "agency":  # "Quelle: APA/sda/dpa": more agencies
                acc.trailer_orgs.append(agency)
                acc.credit(agency, span)
                continue
            _add(acc.staff, code)
            acc.ev("staff_initials", code, span)


def _role_line(seg: str, acc: _Acc) -> bool:
    """``Pewarta: A Editor: B``, ``Rep: A Red: B``, ``Reporter: X, Sumber: Y``; True when handled."""
    if not _ROLE_LABEL.match(seg.lstrip("(|, ")):
        return False
    labels = list(_ROLE_LABEL.finditer(seg))
    if not labels or labels[0].start() > 2:
        return False
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(seg)
        value = seg[m.end() : end].strip(" ,;|/")
        role = _ROLE_OF.get(m["label"].casefold(), "")
        if role == "source":
            _source_value(acc, value, seg)
        elif role == "both":
            acc.people("reporters", value, seg)
            acc.people("editors", value, seg)
        elif role:
            if role == "reporters":
                value = re.sub(r"^(?:Kontributor|Koresponden)\s+[A-Z][\w]*(?: [A-Z][\w]*)?,\s*", "", value)
            acc.people(role, value, seg)
    return True


def _credit_list(acc: _Acc, raw: str, span: str, *, people: bool = False) -> None:
    """Credit every table organisation in ``A, B and C``; unnamed wires (``agencies``) only flag.

    With ``people`` (``With files from The Canadian Press and Jane Doe``), a personal name is a
    reporter and another name is credited as written (a credit slot names a source, rule A)."""
    for org in re.split(r"\s*(?:,|;|&|/|\band\b|\bdan\b)\s*", raw):
        org = org.strip(" .")
        if not org:
            continue
        if re.fullmatch(
            r"(?:(?:news |other )?(?:agencies|wires?|wire services)|staff|our correspondents?)",
            org,
            re.IGNORECASE,
        ):
            acc.flag("wire_unnamed")
            continue
        canonical = acc.pick(acc.table.resolve(org))
        if canonical:
            acc.credit(canonical, span)
        elif people and _PERSON_NAME.match(org) and not _NEWSISH.search(org):
            _add(acc.reporters, org)
            acc.ev("reporters", org, span)
        elif people and len(org.split()) <= 5 and org[:1].isupper():
            _add(acc.agencies, org)
            acc.ev("agencies", org, span)


def _tail_segment(seg: str, acc: _Acc, *, last: bool) -> None:
    if _role_line(seg, acc):
        return
    m = _SOURCE_LINE.match(seg)
    if m:
        _source_value(acc, m["rest"], seg)
        return
    m = _DW_CODES.match(seg)
    if m:
        for code in m["codes"].split("/"):
            _add(acc.staff, code)
            acc.ev("staff_initials", code, seg)
        _source_value(acc, m["orgs"], seg)
        return
    low = seg.casefold()
    translated = "adapt" in low or "terjemah" in low or "translat" in low or "alihbahasa" in low
    for m in _ADAPTED.finditer(seg) if translated else ():
        acc.people("translators", m["names"], seg)
    m = _TRANSLATED_FROM.search(seg) if translated else None
    if m:
        src = acc.pick(acc.table.resolve(m["src"])) or m["src"]
        acc.translated_from = src
        acc.ev("translated_from", src, seg)
    roles = (
        list(_REUTERS_ROLE.finditer(seg))
        if (" by " in seg or " from " in seg) and _ROLE_HINT.search(seg)
        else []
    )
    if roles:
        for rm in roles:
            role = "editors" if rm["role"] in ("Editing", "Edited") else "reporters"
            if rm["role"] in ("Graphics", "Fact-checked"):
                continue
            acc.people(role, rm["names"], seg)
        if any(rm["role"] in ("Editing", "Edited") for rm in roles) and ";" in seg:
            cand = acc.pick(acc.table.resolve("Reuters"))
            if cand:
                acc.credit(cand, seg)
        return
    m = _CONTRIBUTING.match(seg)
    if m:
        acc.people("reporters", re.sub(r",\s*(?:[A-Z]{2,}[\w ]*|The [A-Z][\w ]*)$", "", m["names"]), seg)
        return
    m = (
        _WITH_FILES.match(seg)
        if ("iles" in seg or "eport" in seg) and seg.lstrip("(-–— ")[:4].casefold() == "with"
        else None
    )
    if m:
        _credit_list(acc, m["names"], seg, people=True)
        return
    m = _COURTESY.match(seg) if "ublished" in seg or "ppeared" in seg or "ourtesy" in seg else None
    if m:
        _courtesy(acc, m["src"].strip(), seg)
        return
    m = _ASSIST.match(seg) if "ssistance" in seg or "nputs" in seg else None
    if m:
        if m["kind"].casefold().startswith("assist"):
            acc.people("reporters", m["names"], seg)
        else:
            _credit_list(acc, m["names"], seg)
        return
    m = _CONTRIB.match(seg) if "contributed" in seg else None
    if m and acc.pick(acc.table.resolve(m["pre"])):  # an organisation contributed: a trailer credit
        _credit_list(acc, m["pre"], seg)
        return
    if m:
        pre = m["pre"]
        om = _CONTRIB_ORG.match(pre)
        if om:
            org = om["org"] or om["org2"]
            canonical = acc.pick(acc.table.resolve(org)) if org else None
            if canonical:
                acc.credit(canonical, seg)
            pre = pre[om.end() :]
        acc.people("reporters", pre, seg)
        return
    m = _TAYANG.search(seg) if "Artikel ini" in seg else None
    if m:
        src = m["src"].strip(" ,.")
        canonical = acc.pick(acc.table.resolve(src)) if src else None
        if canonical:
            acc.credit(canonical, seg)
        elif not src:
            acc.flag("source_link_lost")
        return
    m = _INFO_CAME.search(seg) if "nformation for this" in seg else None
    if m:
        for org in re.split(r"\s*(?:,|\band\b)\s*", m["orgs"]):
            canonical = acc.pick(acc.table.resolve(org))
            if canonical:
                acc.credit(canonical, seg)
        return
    m = _SOURCE_TAG.search(seg) if seg.startswith("[") or "(via " in seg else None
    if m:
        canonical = acc.pick(acc.table.resolve(m["a"] or m["b"]))
        if canonical:
            acc.credit(canonical, seg)
            return
    if ("wire" in low or "agenc" in low or "adapted" in low) and _UNNAMED_WIRE.search(seg):
        acc.flag("wire_unnamed")
    if "©" in seg or "Copyright" in seg or "(c)" in seg or "Hak Cipta" in seg or "Hak cipta" in seg:
        m = _COPYRIGHT.search(seg)
        if m:
            canonical = acc.pick(acc.table.resolve(m["org"]))
            if canonical:
                acc.credit(canonical, seg)
                return
    if last:
        _end_signoff(seg, acc)


def _end_signoff(seg: str, acc: _Acc) -> None:
    """Staff codes ``(abc/def)``, ``(ant)``, bare ``— AFP`` / ``PTI ABC`` / ``ANTARA`` at the very end."""
    if "Enditem" in seg:
        seg = _ENDITEM.sub("", seg)
    bare = _AGENCY_CODES_LINE.match(seg)
    if bare and acc.table.kind(acc.pick(acc.table.resolve(bare["org"])) or "") == "agency":
        seg = f"({seg.strip()})"  # "SDA/sep" on a line of its own, as "(SDA/sep)"
    m = _MIT_AGENCY.match(seg)
    if m:
        _credit_list(acc, m["orgs"], seg)  # German "mit dpa", "Mit Material von AFP und dpa"
        return
    seg = seg.rstrip()[-160:]
    m = _STAFF_TAIL.search(seg)
    if m:
        codes = [c.strip() for c in m["codes"].split("/")]
        is_codes = len(codes) > 1 or codes[0].islower() or "-" in codes[0]
        single_org = acc.pick(acc.table.resolve(codes[0])) if len(codes) == 1 else None
        if is_codes or single_org:
            for n, code in enumerate(codes):
                canonical = acc.pick(acc.table.resolve(code))
                if canonical and acc.table.kind(canonical) == "agency":
                    acc.credit(canonical, m.group(0))
                    continue
                low = code.casefold()
                if low in _SITE_CODES or (n == 0 and low == "kpl") or low in _NON_PERSON:
                    continue
                if n == len(codes) - 1 and acc.table.resolve(code):  # (abc/jpnn): the site
                    continue
                _add(acc.staff, code)
                acc.ev("staff_initials", code, m.group(0))
            return
    m = _SIGNOFF.search(seg)
    if m:
        org = m["org"]
        canonical = acc.pick(acc.table.resolve(org))
        if canonical and acc.table.kind(canonical) in ("agency", "press_release_wire"):
            before = seg[: m.start("org")].rstrip()
            glued = m.start("org") == 0 or before.endswith(("-", "–", "—")) or before[-1:] in '.!?"”’)'
            if glued:
                acc.credit(canonical, m.group(0))
                for code in (m["codes"] or "").split():
                    _add(acc.staff, code)
                    acc.ev("staff_initials", code, m.group(0))
                return
    if acc.language == "id" and _CAPS_SIGNOFF.match(seg) and not acc.table.resolve(seg):
        for name in re.split(r"\s*\|\s*", seg):
            org = acc.pick(acc.table.resolve(name))
            if org is None:
                _add(acc.reporters, name)
                acc.ev("reporters", name, seg)
            elif acc.table.kind(org) in ("agency", "press_release_wire"):
                acc.credit(org, seg)


def _is_credit_line(seg: str) -> bool:
    """A trailer line that follows the body's last paragraph (role labels, bare codes, ©, Source:)."""
    head = seg.lstrip("(|, ")
    return bool(
        _ROLE_LABEL.match(head)
        or _BARE_CODES.match(seg)
        or _SOURCE_LINE.match(seg)
        or _DW_CODES.match(seg)
        or seg.startswith(("©", "Copyright", "(c)", "Hak Cipta", "Diadaptasi", "Artikel ini"))
    )


def _parse_tail(segments: list[str], acc: _Acc) -> None:
    end_body = len(segments) - 1  # the last body segment: sign-offs glued to it count too
    while end_body > 0 and _is_credit_line(segments[end_body]):
        end_body -= 1
    for k, seg in enumerate(segments):
        m = _PAREN_BY.match(seg)
        if m:
            acc.people("reporters", m["names"], seg)
            continue
        m = _BARE_CODES.match(seg)
        if m and k > 0:  # "--IANS" / "sr/dpb": desk codes on a line of their own
            for code in m.group(0).split("/"):
                _add(acc.staff, code)
                acc.ev("staff_initials", code, seg)
            continue
        _tail_segment(seg, acc, last=k in (len(segments) - 1, end_body))
