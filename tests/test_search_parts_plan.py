"""How the pages are split into Pagefind runs (generator/search/pagefind.py: part_sizes, deal)."""

from __future__ import annotations

import pytest

from generator.search.pagefind import FIRST_PART, GROWTH, deal, part_sizes


@pytest.mark.parametrize("count", [1, 39, 40, 41, 163, 2000, 2001, 2400, 5163, 50000])
@pytest.mark.parametrize("part_pages", [40, 2000])
def test_parts_hold_every_page_and_none_is_too_large(count, part_pages):
    sizes = part_sizes(count, part_pages)
    assert sum(sizes) == count and all(0 < s <= part_pages for s in sizes), sizes
    if count <= part_pages:
        assert sizes == [count]


def test_the_parts_ramp_up_then_stay_even():
    """Small first parts start Pagefind early; each is at most GROWTH times the one before; the rest is even."""
    sizes = part_sizes(5163, 2000)
    assert sizes == [500, 800, 1280, 1292, 1291]
    assert sizes[0] == 2000 * FIRST_PART
    for before, after in zip(sizes, sizes[1:], strict=False):
        assert after <= before * GROWTH + 1
    big = part_sizes(50000, 2000)
    assert (
        big[:3] == [500, 800, 1280] and max(big[3:]) - min(big[3:]) <= 1 and len(big) == 3 + -(-(50000 - 2580) // 2000)
    )


def test_pages_are_dealt_in_proportion_in_their_order():
    """Every part gets the same mix of page kinds (the pages come in runs of a kind: cases, then indices …)."""
    runs = {"case": 3000, "index": 500, "hand": 100}
    pages = [f"{kind}{i}" for kind, n in runs.items() for i in range(n)]
    parts = deal(pages, 1000)
    assert [len(p) for p in parts] == part_sizes(len(pages), 1000)
    assert sorted(sum(parts, [])) == sorted(pages)
    order = {page: i for i, page in enumerate(pages)}
    for part in parts:
        assert part == sorted(part, key=order.get)
        for kind, n in runs.items():
            share = sum(page.startswith(kind) for page in part)
            assert abs(share - n * len(part) / len(pages)) <= 1, (len(part), kind, share)
    assert deal(pages[:10], 1000) == [pages[:10]]
