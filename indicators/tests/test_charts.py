"""The SVG charts: accessible, safe under a strict CSP, small, and honest about missing data."""

from __future__ import annotations

import csv
import gzip
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from functools import cache

from django.utils import translation

from indicators.catalogue import DATA_DIR, TILES
from indicators.charts import (
    LINE_COLOURS,
    TILE_CLASSES,
    Chart,
    Point,
    Series,
    Tile,
    line_chart,
    tile_map,
)

SVG = "{http://www.w3.org/2000/svg}"
COMPARATORS = {"PSS": "Pacific island small states", "EAS": "East Asia & Pacific",
               "EAP": "East Asia & Pacific (excluding high income)", "WLD": "World"}


@cache
def mobile_rows() -> dict[str, list[tuple[int, Decimal]]]:
    """The real WDI file: (year, value) by economy code."""
    by_code: dict[str, list[tuple[int, Decimal]]] = {}
    with (DATA_DIR / "wdi" / "wdi_IT.CEL.SETS.P2_data.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            if row["Value"]:
                by_code.setdefault(row["Country Code"], []).append(
                    (int(row["Year"]), Decimal(row["Value"])))
    return by_code


def real_series(code: str, label: str, emphasis: bool = False) -> Series:
    return Series(label, tuple(Point(year, value) for year, value in mobile_rows()[code]),
                  emphasis)


def tonga_against_comparators() -> list[Series]:
    return [real_series("TON", "Tonga", emphasis=True),
            *(real_series(code, label) for code, label in COMPARATORS.items())]


def pict_tiles() -> list[Tile]:
    latest = {code: rows[-1] for code, rows in mobile_rows().items()}
    return [Tile(code, code, column, row, latest.get(code, (None, None))[1],
                 latest.get(code, (None, None))[0], f"/indicators/{code}/")
            for code, (column, row) in TILES.items()]


def mobile_chart(**kwargs) -> Chart:
    return Chart(**{"title": "Mobile cellular subscriptions",
                    "description": "Tonga against the comparators.",
                    "unit": "per 100 people", "chart_id": "mobile", **kwargs})


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def elements(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(SVG + tag))


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in elements(root, "text")]


def gzipped_size(svg: str) -> int:
    return len(gzip.compress(svg.encode(), compresslevel=6, mtime=0))


def series_paths(root: ET.Element, colour: str) -> list[ET.Element]:
    """The drawn line(s) of one series (the legend's swatch is a single "h20" stroke)."""
    return [p for p in elements(root, "path")
            if p.get("stroke") == colour and "h20" not in p.get("d", "")]


# --- What every chart is ----------------------------------------------------------------------


def all_charts() -> list[str]:
    return [line_chart(mobile_chart(), tonga_against_comparators()),
            tile_map(mobile_chart(chart_id="map"), pict_tiles()),
            line_chart(mobile_chart(chart_id="empty"), []),
            tile_map(mobile_chart(chart_id="empty-map"), [])]


def test_it_is_a_self_contained_scalable_svg_labelled_for_screen_readers():
    for svg in all_charts():
        root = parse(svg)
        assert root.tag == SVG + "svg"
        assert re.fullmatch(r"0 0 \d+ [\d.]+", root.get("viewBox"))
        assert root.get("width") is None and root.get("height") is None
        if root.find(f".//{SVG}a") is None:
            assert root.get("role") == "img"
            title_id, desc_id = root.get("aria-labelledby").split()
        else:  # a map of links: a group of named links, not one picture
            assert root.get("role") == "group"
            title_id, desc_id = root.get("aria-labelledby"), root.get("aria-describedby")
        assert root.find(f"{SVG}title").get("id") == title_id
        assert root.find(f"{SVG}title").text == "Mobile cellular subscriptions"
        assert root.find(f"{SVG}desc").get("id") == desc_id
        assert root.find(f"{SVG}desc").text.startswith("Tonga against the comparators.")
        assert root.get("font-family") == "sans-serif"


def test_it_uses_no_script_style_or_event_attributes():
    for svg in all_charts():
        for element in parse(svg).iter():
            assert element.tag.removeprefix(SVG) not in {"script", "foreignObject", "style"}
            assert "style" not in element.attrib
            assert not any(name.startswith("on") for name in element.attrib)


def test_ids_are_unique_and_prefixed_by_the_chart_id():
    page = [line_chart(mobile_chart(chart_id="ton-mobile"), tonga_against_comparators()),
            tile_map(mobile_chart(chart_id="map-mobile"), pict_tiles())]
    ids = []
    for svg, prefix in zip(page, ["ton-mobile-", "map-mobile-"], strict=True):
        found = [e.get("id") for e in parse(svg).iter() if e.get("id")]
        assert found and all(i.startswith(prefix) for i in found)
        ids += found
    assert len(ids) == len(set(ids))
    assert any(i.endswith("-nd") for i in ids)  # the hatch pattern too, not only title/desc


def test_a_chart_id_that_would_break_aria_labelledby_is_made_safe():
    root = parse(line_chart(mobile_chart(chart_id="a b\"c"), tonga_against_comparators()))

    title_id, desc_id = root.get("aria-labelledby").split()
    assert title_id == "a-b-c-t" and desc_id == "a-b-c-d"


def test_it_escapes_every_text():
    attack = "<script>alert(1)</script>"
    svgs = [line_chart(Chart(attack, attack, unit=attack, chart_id="x", show_title=True),
                       [Series(attack, (Point(2020, Decimal(1), ("break",)),))]),
            tile_map(Chart(attack, attack, unit=attack, chart_id="y"),
                     [Tile(attack, attack, 0, 0, Decimal(1), 2022),
                      Tile("B", attack, 1, 0, None)])]
    for svg in svgs:
        assert "<script" not in svg
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
        root = parse(svg)
        assert root.find(f"{SVG}title").text == attack
        assert not list(root.iter(SVG + "script"))


def test_control_characters_do_not_make_the_file_unparseable():
    root = parse(line_chart(Chart("A\x00B\x1f", "d", chart_id="c"),
                            [Series("T\x0bonga", (Point(2020, Decimal(1)),))]))

    assert root.find(f"{SVG}title").text == "AB"
    assert "Tonga" in texts(root)


def test_the_same_input_gives_the_same_bytes():
    assert all_charts() == all_charts()


# --- Line chart -------------------------------------------------------------------------------


def test_a_missing_year_breaks_the_line():
    points = tuple(Point(year, Decimal(year - 1990)) for year in (2000, 2001, 2002, 2004, 2005))
    root = parse(line_chart(mobile_chart(), [Series("Tonga", points)]))

    (path,) = series_paths(root, LINE_COLOURS[0])
    assert path.get("d").count("M") == 2


def test_consecutive_years_draw_one_line():
    points = tuple(Point(year, Decimal(year - 1990)) for year in range(2000, 2006))
    root = parse(line_chart(mobile_chart(), [Series("Tonga", points)]))

    (path,) = series_paths(root, LINE_COLOURS[0])
    assert path.get("d").count("M") == 1
    assert not elements(root, "circle")


def test_a_single_point_draws_a_dot():
    root = parse(line_chart(mobile_chart(), [Series("Tonga", (Point(2022, Decimal("61.7")),))]))

    assert not series_paths(root, LINE_COLOURS[0])
    (dot,) = elements(root, "circle")
    assert dot.get("fill") == LINE_COLOURS[0]
    assert "2022" in texts(root)


def test_a_lone_year_between_gaps_draws_a_dot_and_the_rest_a_line():
    points = tuple(Point(year, Decimal(5)) for year in (2000, 2002, 2003, 2004))
    root = parse(line_chart(mobile_chart(), [Series("Tonga", points)]))

    assert len(elements(root, "circle")) == 1
    assert series_paths(root, LINE_COLOURS[0])[0].get("d").count("M") == 1


def test_marks_draw_markers_that_say_what_they_are():
    points = (Point(2022, Decimal("111.7")), Point(2023, Decimal("361.0"), ("break", "jump")),
              Point(2024, Decimal("574.2"), ("estimate",)))
    root = parse(line_chart(mobile_chart(), [Series("Fiji", points)]))

    titles = [t.text for t in root.iter(SVG + "title")][1:]
    assert "Break in series, 2023 (Fiji: 361.0)" in titles
    assert "Jump (more than 2× year on year), 2023 (Fiji: 361.0)" in titles
    assert "Estimate, 2024 (Fiji: 574.2)" in titles
    # The legend explains each kind of marker once.
    assert {"Break in series", "Estimate", "Jump (more than 2× year on year)"} <= set(
        texts(root))
    assert "Break in series, 2023 (Fiji: 361.0)." in root.find(f"{SVG}desc").text


def test_the_emphasised_series_is_thicker_and_first_in_the_legend():
    root = parse(line_chart(mobile_chart(), tonga_against_comparators()[::-1]))

    legend = [t for t in texts(root) if t in {"Tonga", *COMPARATORS.values()}]
    assert legend[0] == "Tonga"
    (tonga,) = series_paths(root, LINE_COLOURS[0])
    assert tonga.get("stroke-width") == "3"
    world = series_paths(root, LINE_COLOURS[4])
    assert world and world[0].get("stroke-width") == "1.75"
    # Drawn last, on top of the comparators.
    lines = [p for p in elements(root, "path") if p.get("stroke") in LINE_COLOURS
             and "h20" not in p.get("d")]
    assert lines[-1] is tonga


def test_values_of_zero_or_more_start_the_axis_at_zero():
    points = tuple(Point(year, Decimal(50 + year - 2000)) for year in range(2000, 2011))
    labels = texts(parse(line_chart(mobile_chart(decimals=0), [Series("Tonga", points)])))

    assert labels[labels.index("per 100 people") + 1:][:3] == ["0", "20", "40"]
    assert "60" in labels


def test_negative_values_get_ticks_below_zero():
    points = (Point(2000, Decimal("-3.5")), Point(2001, Decimal("4")))
    labels = texts(parse(line_chart(mobile_chart(unit=""), [Series("Change", points)])))

    assert "-4" in labels and "0" in labels and "4" in labels


def test_year_ticks_fall_on_round_years():
    labels = texts(parse(line_chart(mobile_chart(), tonga_against_comparators())))

    assert [t for t in labels if re.fullmatch(r"\d{4}", t)] == [
        "1960", "1970", "1980", "1990", "2000", "2010", "2020"]


def test_tick_labels_and_description_use_the_readers_decimal_separator():
    points = (Point(2020, Decimal("0.25")), Point(2021, Decimal("0.96")))
    with translation.override("fr"):
        french = parse(line_chart(mobile_chart(decimals=2), [Series("Tonga", points)]))
    with translation.override("en"):
        english = parse(line_chart(mobile_chart(decimals=2), [Series("Tonga", points)]))

    assert "0,2" in texts(french) and "0.2" in texts(english)
    assert "0.2" not in texts(french)
    french_desc = french.find(f"{SVG}desc").text
    assert "0,25" in french_desc and "0,96" in french_desc and "0.96" not in french_desc
    assert "Tonga: 0.25 in 2020, 0.96 in 2021." in english.find(f"{SVG}desc").text


def test_values_are_rounded_not_truncated():
    root = parse(line_chart(mobile_chart(), [Series("Tonga", (Point(2020, Decimal("0.96")),))]))

    assert "Tonga: 1.0 in 2020." in root.find(f"{SVG}desc").text


def test_the_description_summarises_each_series():
    series = [*tonga_against_comparators(), Series("Cook Islands", ())]
    desc = parse(line_chart(mobile_chart(), series)).find(f"{SVG}desc").text

    assert desc.startswith("Tonga against the comparators. Tonga: 0.0 in 1960, 61.7 in 2022.")
    assert "Cook Islands: no data." in desc
    assert len(desc) < 600


def test_a_series_without_points_says_so_in_the_legend():
    root = parse(line_chart(mobile_chart(), [Series("Tonga", (Point(2020, Decimal(1)),)),
                                             Series("Cook Islands", ())]))

    assert "Cook Islands (no data)" in texts(root)
    assert not [p for p in elements(root, "path") if p.get("stroke") == LINE_COLOURS[1]]


def test_nothing_to_draw_says_no_data():
    for series in ([], [Series("Cook Islands", ())]):
        root = parse(line_chart(mobile_chart(), series))

        assert "No data" in texts(root)
        assert not elements(root, "circle")
        assert root.find(f"{SVG}desc").text == "Tonga against the comparators. No data."


def test_a_realistic_line_chart_stays_small():
    svg = line_chart(mobile_chart(show_title=True), tonga_against_comparators())

    assert gzipped_size(svg) <= 5 * 1024


def test_five_full_series_of_65_years_with_marks_stay_under_10_kb():
    # Every year from 1960 to 2024 and jagged values: more than the real files hold, and
    # harder to compress.
    series = [Series(label, tuple(
        Point(year, Decimal(f"{(year - 1950) * (n + 1) + (year * 7919 % 97) / 7:.12f}"),
              ("estimate",) if year % 9 == 0 else ())
        for year in range(1960, 2025)), emphasis=n == 0)
        for n, label in enumerate(["Tonga", *COMPARATORS.values()][:5])]
    svg = line_chart(mobile_chart(show_title=True), series)

    assert sum(len(s.points) for s in series) == 5 * 65
    assert gzipped_size(svg) <= 10 * 1024
    assert gzipped_size(svg) <= 6 * 1024


# --- Tile map ---------------------------------------------------------------------------------


def tile(root: ET.Element, code: str) -> ET.Element:
    """The tile's link or group: the element whose texts include the code."""
    for element in root.iter():
        if element.tag in {SVG + "a", SVG + "g"} and element.find(f"{SVG}rect") is not None \
                and code in [t.text for t in element.iter(SVG + "text")]:
            return element
    raise AssertionError(code)


def test_a_tile_shows_its_code_and_rounded_value_with_a_title():
    root = parse(tile_map(mobile_chart(), pict_tiles()))

    tonga = tile(root, "TON")
    assert [t.text for t in tonga.iter(SVG + "text")] == ["TON", "61.7"]
    assert tonga.find(f"{SVG}title").text == "TON: 61.7 (2022)"
    assert tonga.get("href") == "/indicators/TON/"


def test_no_data_is_hatched_grey_and_never_looks_like_zero():
    tiles = [Tile("TON", "Tonga", 0, 0, Decimal("61.7"), 2022),
             Tile("ASM", "American Samoa", 1, 0, Decimal(0), 2022),
             Tile("COK", "Cook Islands", 2, 0, None)]
    root = parse(tile_map(mobile_chart(chart_id="m"), tiles))

    cook, samoa = tile(root, "COK"), tile(root, "ASM")
    assert cook.find(f"{SVG}title").text == "Cook Islands: no data"
    assert [t.text for t in cook.iter(SVG + "text")] == ["COK", "no data"]
    assert cook.find(f"{SVG}rect").get("fill") == "url(#m-nd)"
    assert root.find(f".//{SVG}pattern").get("id") == "m-nd"
    assert samoa.find(f"{SVG}title").text == "American Samoa: 0.0 (2022)"
    assert [t.text for t in samoa.iter(SVG + "text")] == ["ASM", "0.0"]
    assert samoa.find(f"{SVG}rect").get("fill") == TILE_CLASSES[0][0]
    assert "no data" in texts(root)[-1:]  # the legend's last entry
    assert "No data: Cook Islands." in root.find(f"{SVG}desc").text


def test_values_fall_in_five_classes_of_about_as_many_tiles_with_a_legend():
    values = [0, 25, 50, 75, 100]
    tiles = [Tile(f"T{v}", f"T{v}", n, 0, Decimal(v), 2022) for n, v in enumerate(values)]
    root = parse(tile_map(mobile_chart(decimals=0), tiles))

    fills = [tile(root, f"T{v}").find(f"{SVG}rect").get("fill") for v in values]
    assert fills == [fill for fill, _ink in TILE_CLASSES]
    assert texts(root)[-5:] == ["0", "25", "50", "75", "100"]  # one value per class
    assert "no data" not in texts(root)  # nothing missing: no "no data" in the legend
    assert not elements(root, "pattern")


def test_an_outlier_does_not_squash_the_others_into_one_colour():
    # Fiji's mobile subscriptions after its break in series, against ten ordinary islands
    values = [Decimal(v) for v in (20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 574)]
    tiles = [Tile(f"T{n}", f"T{n}", n, 0, v, 2023) for n, v in enumerate(values)]
    root = parse(tile_map(mobile_chart(decimals=0), tiles))

    fills = [tile(root, f"T{n}").find(f"{SVG}rect").get("fill") for n in range(len(values))]
    assert len(set(fills[:10])) == 5  # the ordinary ones spread over all five classes
    assert fills == sorted(fills, key=[f for f, _ink in TILE_CLASSES].index)  # in value order
    legend = [t for t in texts(root) if "–" in t]
    assert legend[0] == "20 – 40" and legend[-1] == "110 – 574"


def test_equal_values_share_a_class():
    values = [Decimal(v) for v in (5, 5, 5, 5, 9, 10)]
    tiles = [Tile(f"T{n}", f"T{n}", n, 0, v, 2023) for n, v in enumerate(values)]
    root = parse(tile_map(mobile_chart(decimals=0), tiles))

    fills = [tile(root, f"T{n}").find(f"{SVG}rect").get("fill") for n in range(len(values))]
    assert len(set(fills[:4])) == 1 and len(set(fills)) == 3


def test_the_same_value_everywhere_or_one_tile_does_not_break():
    middle = TILE_CLASSES[len(TILE_CLASSES) // 2][0]
    for tiles in ([Tile("TON", "Tonga", 0, 0, Decimal(5), 2022),
                   Tile("FJI", "Fiji", 1, 0, Decimal(5), 2022)],
                  [Tile("TON", "Tonga", 0, 0, Decimal(5), 2022)]):
        root = parse(tile_map(mobile_chart(), tiles))

        assert {tile(root, t.code).find(f"{SVG}rect").get("fill") for t in tiles} == {middle}
        assert texts(root)[-1] == "5.0"  # the legend's one class


def test_a_map_with_no_value_at_all_draws_every_tile_as_no_data():
    root = parse(tile_map(mobile_chart(), [Tile("COK", "Cook Islands", 0, 0, None),
                                           Tile("NIU", "Niue", 1, 0, None)]))

    assert texts(root).count("no data") == 3  # two tiles and the legend
    assert "Highest" not in root.find(f"{SVG}desc").text


def test_legend_bounds_get_more_decimals_rather_than_repeat():
    tiles = [Tile("A", "A", 0, 0, Decimal("0.10"), 2022),
             Tile("B", "B", 1, 0, Decimal("0.20"), 2022)]
    labels = [t for t in texts(parse(tile_map(mobile_chart(), tiles))) if "–" in t]

    assert labels == []  # two values: two classes of one value each, shown as values
    tiles += [Tile(f"C{n}", "C", 2 + n, 0, Decimal(v), 2022)
              for n, v in enumerate(("0.104", "0.3", "0.4", "0.5"))]
    labels = [t for t in texts(parse(tile_map(mobile_chart(), tiles))) if "–" in t]
    assert labels == ["0.100 – 0.104"]


def test_tile_values_use_the_readers_decimal_separator():
    with translation.override("fr"):
        root = parse(tile_map(mobile_chart(), pict_tiles()))

    assert [t.text for t in tile(root, "TON").iter(SVG + "text")] == ["TON", "61,7"]
    assert tile(root, "TON").find(f"{SVG}title").text == "TON: 61,7 (2022)"


def test_only_site_paths_and_web_addresses_become_links():
    hrefs = {"/indicators/TON/": True, "https://data.worldbank.org/": True,
             "HTTP://example.org": True, "javascript:alert(1)": False, "//evil.example": False,
             "/\\evil.example": False, "data:text/html,x": False, "indicators/TON/": False,
             "": False}
    tiles = [Tile(f"T{i}", f"T{i}", i, 0, Decimal(i), 2022, href)
             for i, href in enumerate(hrefs)]
    root = parse(tile_map(mobile_chart(), tiles))

    links = [a.get("href") for a in elements(root, "a")]
    assert links == [href for href, allowed in hrefs.items() if allowed]
    assert "javascript" not in tile_map(mobile_chart(), tiles)


def test_the_legend_sits_in_the_empty_north_east_of_the_pacific():
    root = parse(tile_map(mobile_chart(), pict_tiles()))

    assert root.get("viewBox") == "0 0 640 448"


def test_the_legend_moves_right_when_tiles_fill_the_corner():
    tiles = [Tile("A", "A", 9, 0, Decimal(1), 2022)]
    root = parse(tile_map(mobile_chart(), tiles))

    assert root.get("viewBox").split()[2] == str(10 * 64 + 200)


def test_an_empty_map_says_no_data():
    assert "No data" in texts(parse(tile_map(mobile_chart(), [])))


def test_the_tile_map_of_the_pacific_stays_small():
    assert gzipped_size(tile_map(mobile_chart(show_title=True), pict_tiles())) <= 5 * 1024


def test_many_marks_are_counted_in_the_description_not_listed():
    points = tuple(Point(year, Decimal(year - 1990), ("estimate",)) for year in range(2000, 2020))
    root = parse(line_chart(mobile_chart(), [Series("Tonga", points)]))

    desc = root.find(f"{SVG}desc").text
    assert desc.count("Estimate, ") == 6
    assert desc.endswith("14 more marked values.")
    assert len([t for t in root.iter(SVG + "title") if t.text.startswith("Estimate, ")]) == 20


def test_tiles_given_floats_are_classed_like_decimals():
    as_float = tile_map(mobile_chart(), [Tile("A", "A", 0, 0, 1.5, 2022),
                                         Tile("B", "B", 1, 0, 3.0, 2022)])
    as_decimal = tile_map(mobile_chart(), [Tile("A", "A", 0, 0, Decimal("1.5"), 2022),
                                           Tile("B", "B", 1, 0, Decimal("3.0"), 2022)])

    assert as_float == as_decimal
