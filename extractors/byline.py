"""The page's author line, as trafilatura's ``extract_author`` finds it, in one pass over the tree.

trafilatura 2.3.1's ``metadata.extract_author`` deep-copies the whole tree, deletes the nodes its
``AUTHOR_DISCARD_XPATHS`` select, then runs up to three ``AUTHOR_XPATHS`` (each a ``//*[...]``
scan with EXSLT ``re:test`` predicates) and returns the first match whose text is 3-119
characters.  On the 110 corpus pages that is 12-15 ms a page (a quarter of a whole extraction),
paid on every page without an author meta tag; ``page_author`` takes 3.5-4.5 ms.

``page_author`` gives the same answer from one ``tree.iter()`` pass: the same predicates, written
over each element's tag and attributes in Python (EXSLT ``re:test`` is Python's ``re.search``, so
the patterns are copied as they are).  Only the few candidates whose text is read are copied, and
only when a discarded node sits inside them.  ``tests/extractors/test_byline.py`` checks it
against ``extract_author`` on every test page and on one page per predicate clause, and pins
trafilatura's XPath sources, so an upgrade that changes them fails a test instead of the data.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

# AUTHOR_XPATHS[0]: specific attributes on a few tags, or any <author> element
_TAGS_0 = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_CLASS_0 = re.compile("author-?name|AuthorName|authorName")
# AUTHOR_XPATHS[1]: "almost generic"
_TAGS_1 = frozenset({"a", "div", "h3", "h4", "p", "span"})
_CLASS_EQ_1 = frozenset({"byline", "username", "byl", "BBL"})
_ID_1 = re.compile("author|zuozhe|bianji|xiaobian")
_CLASS_1 = re.compile("author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
# AUTHOR_XPATHS[2]: last resort, any element
_ID_2 = re.compile("[Aa]uthor")
_CLASS_2 = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")
# AUTHOR_DISCARD_XPATHS[0] (deleted before the search; AUTHOR_DISCARD_XPATHS[1] is //time|//figure)
_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_EQ = frozenset({"comments"})
_DISCARD_CLASS_EQ = frozenset({"comments", "title", "date"})
_DISCARD_ID = re.compile("^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    "article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
_DISCARD_LATE = frozenset({"time", "figure"})
_LEN_LIMIT = 120
# A superset of every class/id clause above (each pattern, or equality, contains one of these), so
# an element whose class and id miss it can only be selected through its tag or other attributes.
_HOT = re.compile(
    "uthor|yline|byl|BBL|username|writer|screenname|zuozhe|bianji|xiaobian|channel-name|"
    "submitted-by|posted-by|journalist-name|omment|ProductReviews|sidebar|is-hidden|quote|"
    "embedly-instagram|article-|print|category|meta-|title|date"
)
_OTHER_ATTRIBUTES = frozenset({"itemprop", "rel", "data-testid", "data-component"})


def _rel_me(el: Any) -> bool:
    """XPath ``rel='me'`` in a predicate: a child element named ``rel`` whose string value is 'me'."""
    return any(ch.tag == "rel" and ch.xpath("string()") == "me" for ch in el)


def _first_match(el: Any, tag: str, cls: str | None, ident: str | None, rel_parent: bool) -> int:
    """Which of the three AUTHOR_XPATHS selects ``el`` first (0, 1, 2), or -1."""
    get = el.get
    itemprop = get("itemprop") or ""
    if tag == "author" or (
        tag in _TAGS_0
        and (
            get("rel") == "author"
            or ident == "author"
            or cls == "author"
            or itemprop == "author name"
            or get("data-testid") in ("AuthorCard", "AuthorURL")
            or (cls is not None and _CLASS_0.search(cls) is not None)
            or (rel_parent and _rel_me(el))
        )
    ):
        return 0
    ident = ident or ""
    cls = cls or ""
    if tag in _TAGS_1 and (
        cls in _CLASS_EQ_1
        or "author" in itemprop
        or _ID_1.search(ident) is not None
        or _CLASS_1.search(cls) is not None
    ):
        return 1
    if (
        "Byline" in (get("data-component") or "")
        or "author" in itemprop
        or _ID_2.search(ident) is not None
        or _CLASS_2.search(cls) is not None
    ):
        return 2
    return -1


def _discarded_early(el: Any, tag: str, cls: str, ident: str) -> bool:
    if tag not in _DISCARD_TAGS:
        return False
    return (
        ident in _DISCARD_EQ
        or cls in _DISCARD_CLASS_EQ
        or _DISCARD_ID.search(ident) is not None
        or _DISCARD_CLASS.search(cls) is not None
        or "Figure" in (el.get("data-component") or "")
    )


def _pruned_text(el: Any, early: set[Any], late: set[Any]) -> str:
    """``el``'s text as it reads after the discard step (its own discarded descendants deleted)."""
    from trafilatura.xml import delete_element  # what extract_author's pruning calls (keeps tails)

    nodes = list(el.iter())
    doomed_early = [i for i, n in enumerate(nodes) if n in early]
    doomed_late = [i for i, n in enumerate(nodes) if n in late]
    if not doomed_early and not doomed_late:
        return " ".join(el.itertext())
    copy = deepcopy(el)
    copies = list(copy.iter())
    for i in doomed_early:  # the early XPath's matches, in document order, then the late one's
        delete_element(copies[i])
    for i in doomed_late:
        delete_element(copies[i])
    return " ".join(copy.itertext())


def page_author(tree: Any) -> str | None:
    """The author line trafilatura's ``extract_author(tree)`` returns (normalised), or None."""
    from trafilatura.metadata import normalize_authors

    # candidates by the first AUTHOR_XPATHS expression that selects them, in document order: an
    # element a later expression selects again was already read (and refused) under the earlier one
    found: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    early: set[Any] = set()
    late: set[Any] = set()
    rel_parents = {r.getparent() for r in tree.iter("rel")}
    for el in tree.iter():
        tag = el.tag
        if tag.__class__ is not str:  # comments and processing instructions are not elements
            continue
        get = el.get
        cls = get("class")
        ident = get("id")
        if tag in _DISCARD_LATE:
            late.add(el)
        elif not ((cls and _HOT.search(cls)) or (ident and _HOT.search(ident))) and (
            tag != "author" and _OTHER_ATTRIBUTES.isdisjoint(el.keys()) and el not in rel_parents
        ):
            continue  # no clause of any of the five XPaths can select it
        if _discarded_early(el, tag, cls or "", ident or ""):
            early.add(el)
        k = _first_match(el, tag, cls, ident, el in rel_parents)
        if k >= 0:
            found[k].append(el)
    removed = early | late
    for candidates in found:
        for el in candidates:
            # deleted by the discard step, itself or with an ancestor
            if el in removed or any(a in removed for a in el.iterancestors()):
                continue
            content = " ".join(_pruned_text(el, early, late).split())
            if content and 2 < len(content) < _LEN_LIMIT:
                return normalize_authors(None, content)
    return None
