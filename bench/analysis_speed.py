"""Analysis and search speed on a synthetic study: 1,000 transcripts and 1,000,000 codings.

The study is built quickly: the nine demo transcripts go through the real import once, then bulk SQL
copies them (with their segments; the search-index triggers fire as for any import) to 1,000 transcripts
of 1,000 participants, and a recursive CTE inserts the codings; a third of them get a confirmed measure and
the rest of their code's mapping turned down (the triggers keep the summaries, as for any write). Each figure
is set against plain SQL doing the nearest thing by hand: the theme × measure matrix against the same GROUP BY
on the summary table it reads (coding_counts, attribution_tallies), with the same filter; a search against a
LIKE scan.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from workbench.services.analysis import Filters, theme_measure_matrix
from workbench.services.codebook import load_with_framework
from workbench.services.codes import install_codebook
from workbench.services.importing import import_files
from workbench.services.participants import load_manifest
from workbench.services.search import search
from workbench.store.study import Study

REPO = Path(__file__).resolve().parent.parent
TRANSCRIPTS = 1_000
CODINGS = 1_000_000
QUERIES = ["passport", "passports", "護照", "勞資審裁處", "labour tribunal", "錢"]
PLAIN_MATRIX = ("SELECT c.parent_id, cm.measure_id, count(DISTINCT t.participant_id), count(*) FROM codings k "
                "JOIN codes c ON c.id = k.code_id JOIN code_measures cm ON cm.code_id = k.code_id "
                "JOIN transcripts t ON t.id = k.transcript_id GROUP BY 1, 2")
PLAIN_SEARCH = "SELECT id FROM transcripts WHERE text LIKE '%' || ? || '%'"
# The same GROUP BY on the summary tables the matrix reads: confirmed attributions (attribution_tallies) and,
# for derived ones, coding_counts × the code → measure mapping. {where} takes the filter.
PLAIN_CONFIRMED = ("SELECT c.parent_id, a.measure_id, count(DISTINCT t.participant_id), sum(a.n) FROM attribution_tallies a "
                   "JOIN codes c ON c.id = a.code_id JOIN transcripts t ON t.id = a.transcript_id "
                   "LEFT JOIN participants p ON p.id = t.participant_id WHERE {where} "
                   "GROUP BY 1, 2")
PLAIN_DERIVED = ("SELECT c.parent_id, cm.measure_id, count(DISTINCT t.participant_id), sum(a.n - a.decided) "
                 "FROM coding_counts a "
                 "JOIN code_measures cm ON cm.code_id = a.code_id JOIN codes c ON c.id = a.code_id "
                 "JOIN transcripts t ON t.id = a.transcript_id LEFT JOIN participants p ON p.id = t.participant_id "
                 "WHERE a.n > a.decided AND {where} GROUP BY 1, 2")
MATRIX_CASES = [  # (label, filters, plain SQL condition on the summary row a and participant p)
    ("no filter", Filters(), "1"),
    ("language zh", Filters(languages=("zh",)), "a.language = 'zh'"),
    ("group survivor", Filters(groups=("survivor",)), "p.participant_group = 'survivor'"),
    ("language en + derived", Filters(languages=("en",), include_derived=True), "a.language = 'en'"),
]


def _clone_transcripts(study: Study, *, total: int) -> None:
    """Copy the imported transcripts (and segments) with bulk SQL until there are `total`, one participant each."""
    db = study.db
    originals = db.execute("SELECT count(*) FROM transcripts").fetchone()[0]
    t_step = db.execute("SELECT max(id) FROM transcripts").fetchone()[0]
    s_step = db.execute("SELECT max(id) FROM segments").fetchone()[0]
    actor = db.execute("SELECT id FROM users WHERE username = 'system'").fetchone()[0]
    with db.atomic():
        for copy in range(1, -(-total // originals)):
            t_off, s_off, last = copy * t_step, copy * s_step, min(t_step, total - copy * t_step)
            db.execute("INSERT INTO participants (id, pseudonym, participant_group, attributes, created_at, "
                       "created_by) SELECT t.id + ?, 'P' || (t.id + ?), coalesce(p.participant_group, 'other'), '{}', "
                       "t.created_at, ? FROM transcripts t LEFT JOIN participants p ON p.id = t.participant_id "
                       "WHERE t.id <= ?", [t_off, t_off, actor, last])
            db.execute("INSERT INTO transcripts (id, uid, participant_id, source_name, stem, format, encoding, "
                       "language, text, sha256, text_hash, speakers, created_at, created_by) SELECT id + ?, "
                       "uid || '-' || ?, id + ?, source_name, stem || '-' || ?, format, encoding, language, text, "
                       "sha256 || '-' || ?, text_hash, speakers, created_at, created_by FROM transcripts "
                       "WHERE id <= ?", [t_off, copy, t_off, copy, copy, last])
            db.execute('INSERT INTO segments (id, transcript_id, kind, turn_id, seq, start, "end", speaker, '
                       "is_interviewer, language, t_start_ms, t_end_ms, words) SELECT id + ?, transcript_id + ?, "
                       "kind, turn_id + ?, seq, start, \"end\", speaker, is_interviewer, language, t_start_ms, "
                       "t_end_ms, words FROM segments WHERE transcript_id <= ? ORDER BY kind DESC, id",
                       [s_off, t_off, s_off, last])


def _insert_codings(study: Study, *, total: int) -> None:
    """`total` random codings over every transcript, leaf code, coder and assessment, in one statement."""
    db = study.db
    with db.atomic():
        db.execute("CREATE TEMP TABLE leaf AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id FROM codes "
                   "WHERE parent_id IS NOT NULL")
        db.execute("CREATE TEMP TABLE doc AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id, text_hash, "
                   "length(text) AS n FROM transcripts")
        db.execute("CREATE TEMP TABLE coder AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id FROM users "
                   "WHERE role != 'reviewer' AND username != 'system'")
        leaves, docs, coders = (db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("leaf", "doc", "coder"))
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?), "
            "r AS MATERIALIZED (SELECT i, abs(random()) AS a, abs(random()) AS b FROM n) "
            'INSERT INTO codings (uid, transcript_id, start, "end", code_id, coder_id, snippet, text_hash, '
            "assessment, origin, created_at) SELECT 'bench-' || i, doc.id, a % (doc.n - 200), a % (doc.n - 200) "
            "+ 20 + b % 150, leaf.id, coder.id, '', doc.text_hash, "
            "CASE b % 4 WHEN 0 THEN 'facilitator' WHEN 1 THEN 'barrier' WHEN 2 THEN 'neutral' END, 'import', "
            "'2026-01-01T00:00:00+00:00' FROM r JOIN doc ON doc.rn = r.a % ? JOIN leaf ON leaf.rn = r.b % ? "
            "JOIN coder ON coder.rn = (r.a / 7) % ?", [total, docs, leaves, coders])


def _attribute_measures(study: Study) -> None:
    """A third of the codings confirm their code's first mapped measure (and turn the others down)."""
    db = study.db
    with db.atomic():
        db.execute("INSERT INTO coding_measures (coding_id, measure_id, status, decided_by, decided_at) "
                   "SELECT k.id, cm.measure_id, CASE WHEN cm.measure_id = (SELECT min(measure_id) FROM code_measures "
                   "WHERE code_id = k.code_id) THEN 'confirmed' ELSE 'rejected' END, k.coder_id, k.created_at "
                   "FROM codings k JOIN code_measures cm ON cm.code_id = k.code_id WHERE k.id % 3 = 0")


def build(path: Path) -> Study:
    """The synthetic study: demo transcripts cloned to TRANSCRIPTS, CODINGS random codings."""
    study = Study.open(path, create=True)
    for username in ("chan", "reyes"):
        study.add_user(username=username, role="coder", password="bench-password")
    book, framework = load_with_framework(REPO / "codebooks" / "justice_access.yaml")
    install_codebook(study, book, framework, by="system")
    manifest = load_manifest(REPO / "transcripts" / "manifest.yaml")
    import_files(study, [REPO / "transcripts" / name for name in manifest], by="system", manifest=manifest)
    _clone_transcripts(study, total=TRANSCRIPTS)
    _insert_codings(study, total=CODINGS)
    _attribute_measures(study)
    study.db.execute("ANALYZE")
    return study


def _median(func: Callable[[], object], *, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _per_coding(study: Study, filters: Filters) -> float:
    """Seconds for the matrix when the summaries are bypassed (every coding read and joined)."""
    original = Filters.summarised
    Filters.summarised = lambda self, **kw: False  # type: ignore[method-assign]
    try:
        return _median(lambda: theme_measure_matrix(study, filters=filters), repeat=1)
    finally:
        Filters.summarised = original  # type: ignore[method-assign]


def run() -> None:
    """Build the synthetic study and print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        study = build(Path(tmp) / "bench.db")
        counts = study.counts()
        print(f"synthetic study: {counts['transcripts']} transcripts, {counts['participants']} participants, "
              f"{counts['segments']} segments, {counts['codings']} codings "
              f"(built in {time.perf_counter() - start:.1f} s)")
        attributions = study.db.execute("SELECT status, count(*) FROM coding_measures GROUP BY 1").fetchall()
        print(f"measure attributions: {dict(attributions)} (the other codings' measures are derived)")
        plain = _median(lambda: study.db.execute(PLAIN_MATRIX).fetchall(), repeat=3)
        print(f"plain SQL GROUP BY over the 1,000,000 codings (code mapping, no filter): {plain * 1000:.0f} ms")
        for label, filters, where in MATRIX_CASES:
            matrix = _median(lambda f=filters: theme_measure_matrix(study, filters=f), repeat=5)
            sql = PLAIN_CONFIRMED.format(where=where)
            if filters.include_derived:
                sql += " UNION ALL " + PLAIN_DERIVED.format(where=where)
            summary = _median(lambda q=sql: study.db.execute(q).fetchall(), repeat=5)
            print(f"theme × measure, {label:<22} {matrix * 1000:6.0f} ms median   (target ≤ 1000 ms; the same GROUP BY "
                  f"on the summary tables {summary * 1000:.0f} ms, ratio {matrix / summary:.2f})")
        per_coding = _per_coding(study, MATRIX_CASES[1][1])
        print(f"theme × measure, language zh, counting each coding instead of the summaries: {per_coding * 1000:.0f} ms "
              "(the path a filter the summaries cannot answer takes)")
        for query in QUERIES:
            start = time.perf_counter()
            result = search(study, query, limit=100)
            cold = time.perf_counter() - start
            lib = _median(lambda q=query: search(study, q, limit=100), repeat=15)
            raw = _median(lambda q=query: study.db.execute(PLAIN_SEARCH, [q]).fetchall(), repeat=5)
            print(f"search {query!r:<14} {lib * 1000:6.1f} ms median, first {cold * 1000:5.0f} ms   (target ≤ 50 ms; "
                  f"{result.sentences} sentences, {result.mode}; plain LIKE over transcripts {raw * 1000:.1f} ms, "
                  f"ratio {lib / raw:.2f})")
        study.close()


def main() -> None:
    """Entry point for `python -m bench.analysis_speed`."""
    run()


if __name__ == "__main__":
    main()
