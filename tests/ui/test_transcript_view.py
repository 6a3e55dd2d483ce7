"""workbench.ui.transcript_view: what the transcript component is given to draw (plain functions)."""

from __future__ import annotations

from workbench.ui.transcript_view import coder_marks, legend_data, stripe_lanes, view_data

TEXT = "Q: Where was your passport?\nA: The agency kept it. They kept my wages too.\nQ: Then?\nA: I left."
TURNS = [{"seq": 0, "start": 3, "end": 27, "speaker": "Q", "is_interviewer": 1, "language": "en"},
         {"seq": 1, "start": 31, "end": 74, "speaker": "A", "is_interviewer": 0, "language": "en"},
         {"seq": 2, "start": 78, "end": 83, "speaker": "Q", "is_interviewer": 1, "language": "en"},
         {"seq": 3, "start": 87, "end": 94, "speaker": "A", "is_interviewer": 0, "language": "en"}]


def _coding(cid, start, end, code="c/passport", coder="chan", **kw):
    return {"id": cid, "start": start, "end": end, "code_id": code, "coder": coder, "name_en": code.split("/")[-1],
            "name_zh": "護照", "assessment": None, **kw}


def test_codings_sharing_a_turn_get_their_own_lanes_and_others_reuse_them():
    codings = [_coding(1, 31, 52), _coding(2, 31, 52, coder="reyes"), _coding(3, 53, 73, code="c/wages"),
               _coding(4, 87, 94, code="c/wages")]
    lanes = stripe_lanes(codings, TURNS)
    assert len({lanes[1], lanes[2], lanes[3]}) == 3  # three stripes beside one turn
    assert lanes[4] == 0  # a later turn with nothing else: the first lane again


def test_the_same_code_and_coder_share_a_lane_within_a_turn_when_the_spans_do_not_overlap():
    lanes = stripe_lanes([_coding(1, 31, 52), _coding(2, 53, 73)], TURNS)
    assert lanes == {1: 0, 2: 0}
    lanes = stripe_lanes([_coding(1, 31, 60), _coding(2, 53, 73)], TURNS)
    assert lanes[1] != lanes[2]


def test_a_coding_across_turns_blocks_its_lane_in_every_turn():
    lanes = stripe_lanes([_coding(1, 31, 90), _coding(2, 78, 83, code="c/other")], TURNS)
    assert lanes[1] != lanes[2]


def test_coders_get_patterns_and_initials_that_tell_them_apart():
    marks = coder_marks(["reyes", "chan", "chan", "cheung"])
    assert marks["chan"] == {"pattern": 0, "initials": "CH"} and marks["cheung"]["initials"] == "CH"
    assert marks["reyes"] == {"pattern": 2, "initials": "R"}
    assert len({m["pattern"] for m in marks.values()}) == 3


def test_view_data_carries_page_turns_sentences_and_the_codings_that_touch_them():
    codings = [_coding(1, 31, 52), _coding(2, 87, 94, code="c/wages", assessment="barrier")]
    data = view_data(TEXT, TURNS[:2], codings, colours={"c/passport": "#123456"}, lang="zh",
                     sentences=[(3, 27), (31, 50), (51, 74), (78, 83)])
    assert [t["text"] for t in data["turns"]] == ["Where was your passport?", "The agency kept it. They kept my wages too."]
    assert data["sentences"] == [[3, 27], [31, 50], [51, 74]]  # only those on the page
    [shown] = data["codings"]
    assert (shown["id"], shown["colour"], shown["label"], shown["initials"], shown["lane"]) == (1, "#123456", "護照",
                                                                                                 "C", 0)
    assert data["lanes"] == 1 and shown["ink"] in ("#000000", "#ffffff")


def test_a_coding_of_an_unknown_colour_is_drawn_grey():
    data = view_data(TEXT, TURNS, [_coding(1, 31, 52, code="c/new")], colours={})
    assert data["codings"][0]["colour"] == "#888888"


def test_legend_counts_codings_per_code_and_lists_the_coders():
    data = legend_data([_coding(1, 31, 52), _coding(2, 53, 60), _coding(3, 31, 52, coder="reyes", code="c/wages")],
                       colours={"c/passport": "#123456"}, lang="en")
    assert [(c["code_id"], c["count"], c["colour"]) for c in data["codes"]] == [
        ("c/passport", 2, "#123456"), ("c/wages", 1, "#888888")]
    assert [(c["name"], c["initials"], c["pattern"]) for c in data["coders"]] == [("chan", "C", 0), ("reyes", "R", 1)]
