"""``page_author`` gives trafilatura's ``extract_author`` answer, clause by clause and on real pages.

The oracle is the library itself: every case runs both and compares.  The synthetic pages put one
predicate clause of ``AUTHOR_XPATHS`` / ``AUTHOR_DISCARD_XPATHS`` at a time into a page, so a clause
``extractors/byline.py`` gets wrong (or drops) shows up by name.
"""

from __future__ import annotations

import gzip
import hashlib
import inspect
from pathlib import Path

import pytest
from lxml.html import tostring
from trafilatura import metadata as trafilatura_metadata
from trafilatura import xpaths
from trafilatura.utils import load_html

from extractors.byline import page_author

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "tests" / "fixtures" / "pages").glob("*/*.html.gz")) + sorted(
    (ROOT / "seeds" / "demo_site" / "articles").glob("*.html")
)

# sha256 of trafilatura 2.3.1's author XPaths and the two functions that apply them: a change
# there means extractors/byline.py must be checked against the new rules (then update this).
PINNED = "e4d23208218c022b45cc3bf160f4c98d553272a60a2645ebe64ba23fe8a1a915"


def _pinned_source() -> str:
    paths = [x.path for x in (*xpaths.AUTHOR_XPATHS, *xpaths.AUTHOR_DISCARD_XPATHS)]
    funcs = [
        inspect.getsource(f)
        for f in (trafilatura_metadata.extract_author, trafilatura_metadata.extract_metainfo)
    ]
    return "\n".join(paths + funcs)


def _page(body: str) -> str:
    return f"<html><head><title>t</title></head><body><div id='main'>{body}<p>{'Isi berita. ' * 30}</p></div></body></html>"


JOHN = "John Smith"
CASES: dict[str, str] = {
    # AUTHOR_XPATHS[0]
    "rel_author": f"<a rel='author' href='/u'>{JOHN}</a>",
    "id_author": f"<div id='author'>{JOHN}</div>",
    "class_author": f"<span class='author'>{JOHN}</span>",
    "itemprop_author_name": f"<span itemprop='author name'>{JOHN}</span>",
    "data_testid_card": f"<div data-testid='AuthorCard'>{JOHN}</div>",
    "data_testid_url": f"<a data-testid='AuthorURL'>{JOHN}</a>",
    "class_authorname": f"<p class='post-authorname'>{JOHN}</p>",
    "class_author_name": f"<strong class='author-name'>{JOHN}</strong>",
    "class_AuthorName": f"<address class='xAuthorName'>{JOHN}</address>",
    "author_element": f"<author>{JOHN}</author>",
    "rel_child_me": f"<p>{JOHN}<rel>me</rel></p>",
    "tag_outside_first_set": f"<h3 class='author'>{JOHN}</h3>",
    # AUTHOR_XPATHS[1]
    "class_byline_eq": f"<div class='byline'>{JOHN}</div>",
    "class_username": f"<span class='username'>{JOHN}</span>",
    "class_BBL": f"<h4 class='BBL'>{JOHN}</h4>",
    "itemprop_contains_author": f"<span itemprop='creator author'>{JOHN}</span>",
    "id_zuozhe": f"<p id='zuozhe-box'>{JOHN}</p>",
    "class_posted_by": f"<div class='meta posted-by'>{JOHN}</div>",
    "class_journalist": f"<span class='journalist-name'>{JOHN}</span>",
    # AUTHOR_XPATHS[2]
    "any_tag_byline_class": f"<section class='Byline'>{JOHN}</section>",
    "any_tag_writer": f"<li class='writer'>{JOHN}</li>",
    "data_component_byline": f"<footer data-component='ArticleByline'>{JOHN}</footer>",
    "id_Author_any_tag": f"<em id='postAuthor'>{JOHN}</em>",
    # order: an earlier XPath's match wins over an earlier-in-document later one
    "expression_order": f"<li class='writer'>Someone Else</li><span class='author'>{JOHN}</span>",
    "too_short_then_next": "<span class='author'>x</span><div class='byline'>Jane Roe</div>",
    "too_long_then_next": f"<span class='author'>{'word ' * 40}</span><li class='writer'>{JOHN}</li>",
    # AUTHOR_DISCARD_XPATHS: candidates inside discarded nodes are gone
    "in_comments_id": f"<div id='comments'><span class='author'>Commenter One</span></div><div class='byline'>{JOHN}</div>",
    "in_comment_list": f"<section class='commentlist'><span class='author'>C One</span></section><p class='byline'>{JOHN}</p>",
    "in_sidebar": f"<div class='widget sidebar'><span class='author'>Side Bar</span></div><li class='writer'>{JOHN}</li>",
    "in_Comments_start": f"<div class='Comments'><span class='author'>C Two</span></div><div class='byline'>{JOHN}</div>",
    "in_product_reviews": "<div id='xProductReviews'><a rel='author'>Rev Iewer</a></div>",
    "in_figure_component": "<div data-component='FigureBlock'><span class='author'>Photo Grapher</span></div>",
    "candidate_is_discarded": f"<span class='author print'>{JOHN}</span><div class='byline'>Jane Roe</div>",
    "class_title_eq": "<div class='title'><span class='author'>T Itle</span></div>",
    "in_figure": f"<figure><span class='author'>Photo Grapher</span></figure><div class='byline'>{JOHN}</div>",
    "in_time": "<time><span class='author'>T Ime</span></time>",
    # discarded nodes inside the candidate: their text goes, their tail stays
    "time_inside": f"<div class='byline'>By {JOHN} <time>12 Nov 2024</time> in Jakarta</div>",
    "date_span_inside": f"<div class='byline'>By {JOHN}<span class='date'>12 Nov</span>, Jakarta</div>",
    "nested_discards": f"<div class='byline'>By <span class='quote'>x<time>y</time>z</span>{JOHN}<figure>f</figure>!</div>",
    "no_author": "<p>Tanpa penulis.</p>",
}


def test_pinned_trafilatura_author_rules() -> None:
    digest = hashlib.sha256(_pinned_source().encode()).hexdigest()
    assert digest == PINNED, "trafilatura's author rules changed: re-check extractors/byline.py"


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_clause_matches_extract_author(name: str) -> None:
    tree = load_html(_page(CASES[name]))
    assert page_author(tree) == trafilatura_metadata.extract_author(load_html(_page(CASES[name])))


def test_the_clause_cases_are_not_vacuous() -> None:
    """Most cases must find an author, and the discard cases must differ from a search without it."""
    answers = {n: trafilatura_metadata.extract_author(load_html(_page(h))) for n, h in CASES.items()}
    assert sum(a is not None for a in answers.values()) >= len(CASES) - 6
    assert answers["in_comments_id"] == JOHN and answers["no_author"] is None
    assert answers["time_inside"] is not None and "2024" not in answers["time_inside"]


@pytest.mark.parametrize("path", PAGES, ids=[p.name.split(".html")[0] for p in PAGES])
def test_real_pages_match_extract_author(path: Path) -> None:
    data = path.read_bytes()
    html = gzip.decompress(data) if path.suffix == ".gz" else data
    assert page_author(load_html(html)) == trafilatura_metadata.extract_author(load_html(html))


def test_the_tree_is_left_as_it_was() -> None:
    html = _page(CASES["nested_discards"])
    tree = load_html(html)
    before = tostring(tree)
    page_author(tree)
    assert tostring(tree) == before
