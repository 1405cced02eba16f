"""Attribution in the running text: organisations cited after a cue (``according to X``, ``dilansir X``)."""

from __future__ import annotations

from extractors.attribution_patterns import (
    _CREDIT_CUE,
    _CREDIT_UNKNOWN,
    _CUE_AFTER_WORD,
    _CUE_WORD,
    _ENGLISH_CUE,
    _FILLER_TOKEN,
    _JOINER_AT,
    _LEADING_NOT_NAME,
    _LINK_LOST,
    _MEDIA_NAMED,
    _NAME_NEIGHBOURS_OK,
    _NATIONALITY,
    _NEWSISH,
    _NOT_NEWS_ORG,
    _NOT_SOURCES,
    _PERSONISH_CUE,
    _QUOTE_SPANS,
    _SENT_START,
    _UNKNOWN_AFTER_CUE,
    _UNKNOWN_BEFORE,
    _UNKNOWN_START,
    _WS_RUN,
    _name_continues,
    _name_precedes,
)
from extractors.attribution_state import (
    _Acc,
    _add,
    _mask,
)
from extractors.attribution_table import TOKEN as _TOKEN

# --------------------------------------------------------------------------- body


def _record(acc: _Acc, slot: str, canonicals: tuple[str, ...], para: str, start: int, end: int) -> None:
    canonical = acc.pick(canonicals)
    if canonical is None:
        return
    span = para[max(0, start - 40) : end + 20]
    if slot == "credit":
        acc.credit(canonical, span)
    else:
        acc.cite(canonical, span)


def _cued_names(masked: str, para: str, index: int, acc: _Acc) -> None:
    """Aliases right after a citation cue (``dilansir X``, ``according to X``) and their list mates."""
    table = acc.table
    for cm in _CUE_WORD.finditer(masked):
        cue = cm.group(0)[1:]
        pos = cm.end()
        hit = None
        for _ in range(5):  # up to 4 filler tokens between the cue and the name
            ws = _WS_RUN.match(masked, pos)
            if not ws:
                break
            pos = ws.end()
            hit = table.match_at(masked, pos)
            if hit and acc.pick(hit[0]) in acc.selfs and acc.table.kind(acc.pick(hit[0]) or "") != "agency":
                pos, hit = hit[1], None  # "Dikutip detikNews dari Antara": the same-group hop is skipped
                continue
            if hit:
                break
            tok = _TOKEN.match(masked, pos)
            if not tok or not _FILLER_TOKEN.fullmatch(tok.group(0)):
                break
            pos = tok.end()
        if not hit:
            if _ENGLISH_CUE.match(cue) and (um := _UNKNOWN_AFTER_CUE.match(masked, cm.end())):
                _cite_unknown(
                    acc, um["name"] or um["named"], masked[cm.start() : um.end()], named=bool(um["named"])
                )
            continue
        canonicals, end = hit
        if len(masked[pos:end]) <= 2 and _PERSONISH_CUE.match(cue):
            continue  # "kepada AP": Indonesian initials, not the agency
        if _name_continues(masked, end):
            continue  # "menurut Bloomberg Philanthropies"
        sentence_initial = bool(_SENT_START.search(masked[max(0, cm.start() - 4) : cm.start()]))
        slot = "credit" if sentence_initial and _CREDIT_CUE.match(cue) and index <= 2 else "cite"
        _record(acc, slot, canonicals, para, pos, end)
        while True:  # "Dilansir AFP, BBC, dan CNN"
            jm = _JOINER_AT.match(masked, end)
            if not jm or jm.end() == end:
                break
            nxt = table.match_at(masked, jm.end())
            if not nxt:
                break
            _record(acc, slot, nxt[0], para, jm.end(), nxt[1])
            end = nxt[1]


def _cite_unknown(acc: _Acc, name: str, span: str, *, named: bool = False) -> None:
    """A news organisation missing from the table, named with a news word (``Philadelphia Magazine``,
    ``Kyiv Post``) or followed by one (``People magazine``) right after a citation cue or right
    before ``reported``: cited as written."""
    words = name.split()
    while words and (words[0].casefold() in _NAME_NEIGHBOURS_OK or words[0].casefold() in _LEADING_NOT_NAME):
        words.pop(0)
    if len(words) < (1 if named else 2) or any(w.casefold().strip(".,") in _NOT_NEWS_ORG for w in words):
        return
    name = " ".join(words)
    if acc.table.resolve(name) or name.casefold() in _NOT_SOURCES:
        return
    if acc.outlet and name.casefold() == acc.outlet.casefold():
        return
    acc.cite(name, span)


def _parse_body(paragraphs: list[tuple[int, str]], acc: _Acc) -> None:
    table = acc.table
    for index, para in paragraphs:
        masked = " " + _mask(para, _QUOTE_SPANS)
        para = " " + para
        if ("ilansir" in masked or "ikutip" in masked or "engutip" in masked) and _LINK_LOST.search(masked):
            acc.flag("source_link_lost")
        # cues need a table organisation or a news-like name to cite: most paragraphs have neither
        if table.may_name(masked) or _NEWSISH.search(masked):
            _cued_names(masked, para, index, acc)
            for am in _CUE_AFTER_WORD.finditer(masked):  # "X reported", "The Wall Street Journal reported"
                hit = table.match_before(masked, am.start())
                if hit and _name_precedes(masked, hit[1]):
                    continue  # "Michael Bloomberg reported"
                if hit:
                    _record(acc, "cite", hit[0], para, hit[1], am.start())
                elif um := _UNKNOWN_BEFORE.search(masked, max(0, am.start() - 60), am.start()):
                    _cite_unknown(acc, um["name"], masked[um.start() : am.end()])
        for nm in _MEDIA_NAMED.finditer(masked):
            words = nm["name"].split()
            while words and words[0].casefold() in _NATIONALITY:
                words.pop(0)
            name = " ".join(words).rstrip(".")
            if not name or acc.table.resolve(name) or name.casefold() in _NOT_SOURCES:
                continue
            if (
                nm.group(0)[1:2] in "DdMm"
                and _SENT_START.search(masked[max(0, nm.start() - 4) : nm.start()])
                and index <= 2
            ):
                _add(acc.agencies, name)
                acc.ev("agencies", name, nm.group(0))
            else:
                acc.cite(name, nm.group(0))
        if index <= 2:
            for um in _UNKNOWN_START.finditer(masked):
                cm = _CREDIT_UNKNOWN.match(masked, um.end())
                if not cm:
                    continue
                src = cm["src"].strip(".")
                if not src or acc.table.resolve(src) or src.casefold() in _NOT_SOURCES:
                    continue
                if src.casefold() in {s.casefold() for s in acc.selfs} or (
                    acc.outlet and src.casefold() == acc.outlet.casefold()
                ):
                    continue
                _add(acc.agencies, src)
                acc.ev("agencies", src, cm.group(0))
