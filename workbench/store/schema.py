"""The study file's schema as named migrations; never edit one that has shipped, add a new one."""

import re

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("workbench")

_INITIAL = [
    """CREATE TABLE study_meta (
        key TEXT PRIMARY KEY,
        value TEXT
    )""",
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'coder', 'reviewer')),
        password_hash TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id)
    )""",
    """CREATE TABLE participants (
        id INTEGER PRIMARY KEY,
        pseudonym TEXT NOT NULL UNIQUE,
        participant_group TEXT NOT NULL CHECK (participant_group IN ('survivor', 'stakeholder', 'other')),
        attributes TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES users(id)
    )""",
    """CREATE TABLE transcripts (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        participant_id INTEGER REFERENCES participants(id),
        source_name TEXT NOT NULL,
        stem TEXT NOT NULL,
        format TEXT NOT NULL,
        encoding TEXT NOT NULL,
        language TEXT NOT NULL CHECK (language IN ('en', 'zh', 'mixed')),
        text TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        text_hash TEXT NOT NULL,
        interview_date TEXT,
        interviewer TEXT,
        interviewer_speaker TEXT,
        speakers TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES users(id)
    )""",
    "CREATE INDEX idx_transcripts_stem ON transcripts(stem)",
    """CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('turn', 'sentence')),
        turn_id INTEGER REFERENCES segments(id),
        seq INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        speaker TEXT,
        is_interviewer INTEGER NOT NULL DEFAULT 0,
        language TEXT NOT NULL,
        t_start_ms INTEGER,
        t_end_ms INTEGER,
        words TEXT NOT NULL DEFAULT '',
        CHECK (start >= 0 AND "end" >= start)
    )""",
    "CREATE INDEX idx_segments_transcript ON segments(transcript_id, kind, start)",
    """CREATE TABLE frameworks (
        id TEXT PRIMARY KEY,
        title_en TEXT NOT NULL,
        title_zh TEXT,
        published TEXT,
        source TEXT,
        pillars TEXT NOT NULL DEFAULT '[]'
    )""",
    """CREATE TABLE measures (
        id TEXT PRIMARY KEY,
        framework_id TEXT NOT NULL REFERENCES frameworks(id),
        pillar TEXT NOT NULL,
        kind TEXT,
        title_en TEXT NOT NULL,
        title_zh TEXT,
        description_en TEXT,
        description_zh TEXT,
        source TEXT,
        position INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE codes (
        id TEXT PRIMARY KEY,
        parent_id TEXT REFERENCES codes(id),
        codebook_id TEXT NOT NULL,
        name_en TEXT NOT NULL,
        name_zh TEXT,
        definition_en TEXT,
        definition_zh TEXT,
        include TEXT NOT NULL DEFAULT '[]',
        exclude TEXT NOT NULL DEFAULT '[]',
        examples TEXT NOT NULL DEFAULT '[]',
        keywords TEXT NOT NULL DEFAULT '{}',
        color TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged', 'deleted')),
        merged_into TEXT REFERENCES codes(id),
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES users(id),
        updated_at TEXT,
        updated_by INTEGER REFERENCES users(id)
    )""",
    """CREATE TABLE code_measures (
        code_id TEXT NOT NULL REFERENCES codes(id),
        measure_id TEXT NOT NULL REFERENCES measures(id),
        PRIMARY KEY (code_id, measure_id)
    )""",
    """CREATE TABLE suggestions (
        id INTEGER PRIMARY KEY,
        transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        code_id TEXT NOT NULL REFERENCES codes(id),
        method TEXT NOT NULL,
        model_version TEXT NOT NULL,
        score REAL NOT NULL,
        evidence TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
        created_at TEXT NOT NULL,
        decided_by INTEGER REFERENCES users(id),
        decided_at TEXT
    )""",
    "CREATE INDEX idx_suggestions_transcript ON suggestions(transcript_id, status)",
    """CREATE TABLE codings (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        code_id TEXT NOT NULL REFERENCES codes(id),
        coder_id INTEGER NOT NULL REFERENCES users(id),
        snippet TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        assessment TEXT CHECK (assessment IN ('facilitator', 'barrier', 'neutral')),
        memo TEXT,
        origin TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'suggestion', 'import', 'reference')),
        suggestion_id INTEGER REFERENCES suggestions(id),
        created_at TEXT NOT NULL,
        updated_at TEXT,
        CHECK (start >= 0 AND "end" > start)
    )""",
    "CREATE INDEX idx_codings_transcript ON codings(transcript_id, start)",
    "CREATE INDEX idx_codings_code ON codings(code_id)",
    """CREATE TABLE memos (
        id INTEGER PRIMARY KEY,
        target_type TEXT NOT NULL CHECK (target_type IN ('study', 'transcript', 'code', 'coding', 'participant')),
        target_id TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        author_id INTEGER NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL,
        updated_at TEXT
    )""",
    "CREATE INDEX idx_memos_target ON memos(target_type, target_id)",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
    )""",
]


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    """Create every table of the first release."""
    for statement in _INITIAL:
        db.execute(statement)


def migrate(db: Database) -> None:
    """Apply pending migrations."""
    migrations.apply(db)


# -- 0002: cached suggestion models (see workbench/services/suggest/models.py) -------------------------
@migrations(name="0002_suggestion_models")
def suggestion_models(db: Database) -> None:
    """Trained suggestion models cached in the study: plain arrays (never pickles), one row per version."""
    db.execute(
        """CREATE TABLE suggestion_models (
            id INTEGER PRIMARY KEY,
            version TEXT NOT NULL UNIQUE,
            method TEXT NOT NULL,
            rules TEXT,
            created_at TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id),
            training_size INTEGER NOT NULL,
            metrics TEXT NOT NULL DEFAULT '{}',
            model BLOB NOT NULL
        )"""
    )
    db.execute("CREATE INDEX idx_suggestion_models_rules ON suggestion_models(rules, id)")


# -- 0003: full-text search over sentences (see workbench/services/search.py) --------------------------
# search_words indexes the `words` column of sentence segments (English lemmas, Chinese jieba words) as an
# external-content FTS5 table; search_text holds each sentence's text under the trigram tokenizer for
# substring queries of three or more characters. Triggers keep both in step with the segments table, so
# every import (and any other SQLite tool writing segments) updates the index.
_SEARCH_INDEX = [
    """CREATE VIRTUAL TABLE search_words USING fts5(
        words, content='segments', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    "CREATE VIRTUAL TABLE search_text USING fts5(text, tokenize='trigram')",
    """CREATE TRIGGER search_segments_insert AFTER INSERT ON segments WHEN new.kind = 'sentence' BEGIN
        INSERT INTO search_words (rowid, words) VALUES (new.id, new.words);
        INSERT INTO search_text (rowid, text)
            SELECT new.id, substr(t.text, new.start + 1, new."end" - new.start) FROM transcripts t
            WHERE t.id = new.transcript_id;
    END""",
    """CREATE TRIGGER search_segments_delete AFTER DELETE ON segments WHEN old.kind = 'sentence' BEGIN
        INSERT INTO search_words (search_words, rowid, words) VALUES ('delete', old.id, old.words);
        DELETE FROM search_text WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER search_segments_update AFTER UPDATE OF words, start, "end", kind ON segments BEGIN
        INSERT INTO search_words (search_words, rowid, words)
            SELECT 'delete', old.id, old.words WHERE old.kind = 'sentence';
        DELETE FROM search_text WHERE rowid = old.id;
        INSERT INTO search_words (rowid, words) SELECT new.id, new.words WHERE new.kind = 'sentence';
        INSERT INTO search_text (rowid, text)
            SELECT new.id, substr(t.text, new.start + 1, new."end" - new.start) FROM transcripts t
            WHERE t.id = new.transcript_id AND new.kind = 'sentence';
    END""",
    "INSERT INTO search_words (search_words) VALUES ('rebuild')",
    """INSERT INTO search_text (rowid, text)
        SELECT s.id, substr(t.text, s.start + 1, s."end" - s.start) FROM segments s
        JOIN transcripts t ON t.id = s.transcript_id WHERE s.kind = 'sentence'""",
]


@migrations(name="0003_search_index")
def search_index(db: Database) -> None:
    """Full-text indexes over sentence segments (words and trigram text), kept in step by triggers."""
    for statement in _SEARCH_INDEX:
        db.execute(statement)



# -- 0004: per (code, transcript, coder, assessment) coding counts for the analysis pages -------------------
# A summary of the codings table kept exact by triggers (whoever writes codings), so the theme × measure
# matrix reads thousands of rows instead of every coding (see workbench/services/analysis/base.py).
_CODING_COUNTS = [
    """CREATE TABLE coding_counts (
        code_id TEXT NOT NULL,
        transcript_id INTEGER NOT NULL,
        coder_id INTEGER NOT NULL,
        assessment TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (code_id, transcript_id, coder_id, assessment)
    ) WITHOUT ROWID""",
    """CREATE TRIGGER coding_counts_insert AFTER INSERT ON codings BEGIN
        INSERT INTO coding_counts (code_id, transcript_id, coder_id, assessment, n)
            VALUES (new.code_id, new.transcript_id, new.coder_id, coalesce(new.assessment, 'none'), 1)
            ON CONFLICT DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER coding_counts_delete AFTER DELETE ON codings BEGIN
        UPDATE coding_counts SET n = n - 1 WHERE code_id = old.code_id AND transcript_id = old.transcript_id
            AND coder_id = old.coder_id AND assessment = coalesce(old.assessment, 'none');
        DELETE FROM coding_counts WHERE code_id = old.code_id AND transcript_id = old.transcript_id
            AND coder_id = old.coder_id AND assessment = coalesce(old.assessment, 'none') AND n <= 0;
    END""",
    """CREATE TRIGGER coding_counts_update AFTER UPDATE OF code_id, transcript_id, coder_id, assessment ON codings
    BEGIN
        UPDATE coding_counts SET n = n - 1 WHERE code_id = old.code_id AND transcript_id = old.transcript_id
            AND coder_id = old.coder_id AND assessment = coalesce(old.assessment, 'none');
        DELETE FROM coding_counts WHERE code_id = old.code_id AND transcript_id = old.transcript_id
            AND coder_id = old.coder_id AND assessment = coalesce(old.assessment, 'none') AND n <= 0;
        INSERT INTO coding_counts (code_id, transcript_id, coder_id, assessment, n)
            VALUES (new.code_id, new.transcript_id, new.coder_id, coalesce(new.assessment, 'none'), 1)
            ON CONFLICT DO UPDATE SET n = n + 1;
    END""",
    """INSERT INTO coding_counts (code_id, transcript_id, coder_id, assessment, n)
        SELECT code_id, transcript_id, coder_id, coalesce(assessment, 'none'), count(*) FROM codings
        GROUP BY 1, 2, 3, 4""",
]


@migrations(name="0004_coding_counts")
def coding_counts(db: Database) -> None:
    """A trigger-maintained count of codings per code, transcript, coder and assessment."""
    for statement in _CODING_COUNTS:
        db.execute(statement)


# -- 0005: deleting a transcript cascades to its segments, whose turn_id points at other segments ---------
@migrations(name="0005_segment_turn_index")
def segment_turn_index(db: Database) -> None:
    """Index segments.turn_id so cascading deletes do not scan the table once per row."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_segments_turn ON segments(turn_id)")


# -- 0006: each sentence carries its text and its words' positions (see workbench/services/importing.py) ---------
# The search triggers of 0003 read substr(t.text, …) from transcripts once per inserted sentence, and SQLite loads
# the whole text value (its overflow pages) every time: importing a 4 MB transcript took 74 times as long as
# tokenizing it. Now a sentence segment stores its own text (segments.text; NULL on turns) and where each of its
# words is (segments.word_spans: little-endian int32 start/end pairs in code points from the sentence start, one
# per word of `words`), so search, suggestions and training read sentences without touching the transcript text,
# and suggestions reuse the stored words instead of running the NLP again.
# search_text (trigram) serves only queries holding a Chinese character (English is searched by lemma in
# search_words), so it now indexes only sentences holding one (HAN_GLOB), as a contentless table: an English
# import no longer builds a trigram index three times the size of its text.
# Who indexes: a sentence inserted WITH its text is indexed by its writer, in bulk (`index_sentences`, called by
# importing.store: FTS5 flushes its pending terms at every trigger statement, so indexing row by row from a trigger
# cost five times the whole import). A sentence inserted WITHOUT text (another SQLite tool, an older script) gets
# its text from its transcript and its index entries by trigger: the old per-row cost, paid only by such writers.
# Updates and deletes keep both indexes in step by trigger. Invariant: a sentence is in search_words exactly when
# its text is not NULL, and in search_text exactly when its text also holds a Chinese character.
HAN_GLOB = "'*[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]*'"
_SEGMENT_TEXT_BEFORE = [
    "ALTER TABLE segments ADD COLUMN text TEXT",
    "ALTER TABLE segments ADD COLUMN word_spans BLOB",
    "DROP TRIGGER search_segments_insert",
    "DROP TRIGGER search_segments_delete",
    "DROP TRIGGER search_segments_update",
    "DROP TABLE search_text",
]
_SEGMENT_TEXT_AFTER = [
    "CREATE VIRTUAL TABLE search_text USING fts5(text, content='', tokenize='trigram')",
    f"""INSERT INTO search_text (rowid, text) SELECT id, text FROM segments
        WHERE kind = 'sentence' AND text GLOB {HAN_GLOB}""",
    """CREATE TRIGGER segments_text_fill AFTER INSERT ON segments WHEN new.kind = 'sentence' AND new.text IS NULL BEGIN
        UPDATE segments SET text = (SELECT substr(t.text, new.start + 1, new."end" - new.start) FROM transcripts t
            WHERE t.id = new.transcript_id) WHERE id = new.id;
    END""",
    f"""CREATE TRIGGER search_segments_delete AFTER DELETE ON segments
    WHEN old.kind = 'sentence' AND old.text IS NOT NULL BEGIN
        INSERT INTO search_words (search_words, rowid, words) VALUES ('delete', old.id, old.words);
        INSERT INTO search_text (search_text, rowid, text) SELECT 'delete', old.id, old.text
            WHERE old.text GLOB {HAN_GLOB};
    END""",
    f"""CREATE TRIGGER search_segments_update AFTER UPDATE OF words, text, kind ON segments BEGIN
        INSERT INTO search_words (search_words, rowid, words)
            SELECT 'delete', old.id, old.words WHERE old.kind = 'sentence' AND old.text IS NOT NULL;
        INSERT INTO search_text (search_text, rowid, text)
            SELECT 'delete', old.id, old.text WHERE old.kind = 'sentence' AND old.text GLOB {HAN_GLOB};
        INSERT INTO search_words (rowid, words)
            SELECT new.id, new.words WHERE new.kind = 'sentence' AND new.text IS NOT NULL;
        INSERT INTO search_text (rowid, text)
            SELECT new.id, new.text WHERE new.kind = 'sentence' AND new.text GLOB {HAN_GLOB};
    END""",
]


@migrations(name="0006_segment_text")
def segment_text(db: Database) -> None:
    """Sentence text and word positions on each sentence segment; search_text indexes sentences with Chinese."""
    for statement in _SEGMENT_TEXT_BEFORE:
        db.execute(statement)
    for (transcript_id,) in db.execute("SELECT id FROM transcripts").fetchall():
        text = db.execute("SELECT text FROM transcripts WHERE id = ?", [transcript_id]).fetchone()[0]
        rows = db.execute('SELECT id, start, "end" FROM segments WHERE transcript_id = ? AND kind = \'sentence\'',
                          [transcript_id]).fetchall()
        db.conn.executemany("UPDATE segments SET text = ? WHERE id = ?", [(text[a:b], i) for i, a, b in rows])
    for statement in _SEGMENT_TEXT_AFTER:
        db.execute(statement)


def index_sentences(db: Database, *, first: int, last: int) -> None:
    """Add the sentences with ids first..last, stored with their text, to both search indexes in bulk (see 0006)."""
    db.execute("INSERT INTO search_words (rowid, words) SELECT id, words FROM segments "
               "WHERE id BETWEEN ? AND ? AND kind = 'sentence' AND text IS NOT NULL", [first, last])
    db.execute("INSERT INTO search_text (rowid, text) SELECT id, text FROM segments "
               f"WHERE id BETWEEN ? AND ? AND kind = 'sentence' AND text GLOB {HAN_GLOB}", [first, last])


# -- 0007: a coding's id is never given to another coding ---------------------------------------------------
# Without AUTOINCREMENT SQLite hands the largest deleted id to the next coding, so "coding 57" in the audit log
# could name two passages. SQLite cannot add AUTOINCREMENT in place: the table is rebuilt from its own stored
# definition (so every column, index and trigger, including ones added after 0001, comes back exactly) with
# foreign keys off, so tables that reference codings keep their rows. The sequence starts above every coding id
# the audit log or a memo has ever named.
@migrations(name="0007_codings_autoincrement", transactional=False)
def codings_autoincrement(db: Database) -> None:
    """Rebuild codings with AUTOINCREMENT ids, keeping its columns, rows, indexes and triggers."""
    definition = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'codings'").fetchone()[0]
    if "AUTOINCREMENT" in definition.upper():
        return  # already rebuilt (the record of this migration is written after the rebuild commits)
    rebuilt, renamed = re.subn(r'^CREATE TABLE\s+"?codings"?', "CREATE TABLE codings_rebuilt", definition)
    rebuilt, keyed = re.subn(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b", "id INTEGER PRIMARY KEY AUTOINCREMENT", rebuilt,
                             flags=re.IGNORECASE)
    if (renamed, keyed) != (1, 1):
        raise RuntimeError("unexpected definition of the codings table; cannot add AUTOINCREMENT")
    companions = [sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'codings' AND type IN ('index', 'trigger') AND sql IS NOT NULL "
        "ORDER BY rowid").fetchall()]
    columns = ", ".join(f'"{row[1]}"' for row in db.execute("PRAGMA table_xinfo(codings)").fetchall() if row[6] == 0)
    if db.conn.in_transaction:  # PRAGMA foreign_keys is ignored inside one, and DROP TABLE would then cascade
        raise RuntimeError("0007_codings_autoincrement must run outside a transaction")
    foreign_keys = db.execute("PRAGMA foreign_keys").fetchone()[0]
    legacy = db.execute("PRAGMA legacy_alter_table").fetchone()[0]
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA legacy_alter_table = ON")  # the rename must not rewrite other tables' triggers or views
    try:
        with db.atomic():
            db.execute(rebuilt)
            db.execute(f"INSERT INTO codings_rebuilt ({columns}) SELECT {columns} FROM codings")
            db.execute("DROP TABLE codings")
            db.execute("ALTER TABLE codings_rebuilt RENAME TO codings")
            for sql in companions:
                db.execute(sql)
            named = db.execute(
                "SELECT max(coalesce((SELECT max(id) FROM codings), 0), "
                "coalesce((SELECT max(CAST(entity_id AS INTEGER)) FROM audit_log WHERE entity = 'coding' "
                "AND entity_id GLOB '[0-9]*'), 0), "
                "coalesce((SELECT max(CAST(target_id AS INTEGER)) FROM memos WHERE target_type = 'coding' "
                "AND target_id GLOB '[0-9]*'), 0))").fetchone()[0]
            db.execute("DELETE FROM sqlite_sequence WHERE name IN ('codings', 'codings_rebuilt')")
            db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('codings', ?)", [named])
    finally:
        db.execute(f"PRAGMA legacy_alter_table = {int(legacy)}")
        db.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")


# -- 0008: which framework measures each coding speaks to, and summaries that split by language -------------
# A coding is *decided* once its coder has set its measures: coding_measures holds the measures confirmed and
# the code's mapped measures turned down. A decided coding speaks to exactly its confirmed measures; an
# undecided one to every measure of its code's mapping, marked *derived* (the codebook's default).
# Each coding keeps the language of the turn it was coded in (set once, when it is inserted), so a language
# filter reads the summaries instead of looking up every coding's turn. coding_counts is rebuilt with that
# language and a count of decided codings; attribution_tallies counts confirmed attributions by the same keys
# and measure. Triggers keep both exact whoever writes (the cascade from a deleted coding is counted on the
# coding's side, because the coding is already gone when its coding_measures rows are deleted).
CODING_LANGUAGE_SQL = ("coalesce((SELECT s.language FROM segments s WHERE s.transcript_id = {k}.transcript_id "
                       "AND s.kind = 'turn' AND s.start <= {k}.start ORDER BY s.start DESC LIMIT 1), "
                       "(SELECT t.language FROM transcripts t WHERE t.id = {k}.transcript_id))")
_KEYS = "code_id, transcript_id, coder_id, assessment, language"


def _keys_of(row: str) -> str:
    return (f"{row}.code_id, {row}.transcript_id, {row}.coder_id, coalesce({row}.assessment, 'none'), "
            f"{row}.language")


def _match(row: str) -> str:
    return f"({_KEYS}) = ({_keys_of(row)})"


def _decided(coding_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM coding_measures d WHERE d.coding_id = {coding_id})"


def _confirmed_of(row: str, sign: str) -> str:
    """Statements adding (+) or removing (-) one coding's confirmed measures from attribution_tallies."""
    if sign == "+":
        return (f"INSERT INTO attribution_tallies ({_KEYS}, measure_id, n) SELECT {_keys_of(row)}, a.measure_id, 1 "
                f"FROM coding_measures a WHERE a.coding_id = {row}.id AND a.status = 'confirmed' "
                f"AND {row}.language IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;")
    return (f"UPDATE attribution_tallies SET n = n - 1 WHERE {_match(row)} AND measure_id IN (SELECT a.measure_id "
            f"FROM coding_measures a WHERE a.coding_id = {row}.id AND a.status = 'confirmed'); "
            f"DELETE FROM attribution_tallies WHERE {_match(row)} AND n <= 0;")


def _one_row(row: str, sign: str, *, moved: str = "1") -> str:
    """Statements counting one coding_measures row (`row` is new or old) in or out of both summaries.

    Its coding becomes decided with its first row and undecided with its last (`moved`: only when true).
    """
    group = f"({_KEYS}) = (SELECT {_keys_of('k')} FROM codings k WHERE k.id = {row}.coding_id)"
    rows = f"(SELECT count(*) FROM coding_measures d WHERE d.coding_id = {row}.coding_id)"
    if sign == "+":
        return (f"INSERT INTO attribution_tallies ({_KEYS}, measure_id, n) SELECT {_keys_of('k')}, {row}.measure_id, 1 "
                f"FROM codings k WHERE k.id = {row}.coding_id AND k.language IS NOT NULL AND {row}.status = 'confirmed' "
                "ON CONFLICT DO UPDATE SET n = n + 1; "
                f"UPDATE coding_counts SET decided = decided + 1 WHERE {group} AND {rows} = 1 AND {moved};")
    return (f"UPDATE attribution_tallies SET n = n - 1 WHERE {group} AND measure_id = {row}.measure_id "
            f"AND {row}.status = 'confirmed'; DELETE FROM attribution_tallies WHERE {group} AND n <= 0; "
            f"UPDATE coding_counts SET decided = decided - 1 WHERE {group} AND {rows} = 0 AND {moved};")


_CODING_MEASURES = [
    "ALTER TABLE codings ADD COLUMN language TEXT",
    f"UPDATE codings SET language = {CODING_LANGUAGE_SQL.format(k='codings')}",
    """CREATE TABLE coding_measures (
        coding_id INTEGER NOT NULL REFERENCES codings(id) ON DELETE CASCADE,
        measure_id TEXT NOT NULL REFERENCES measures(id),
        status TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected')),
        decided_by INTEGER NOT NULL REFERENCES users(id),
        decided_at TEXT NOT NULL,
        PRIMARY KEY (coding_id, measure_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX idx_coding_measures_measure ON coding_measures(measure_id, status)",
    "DROP TRIGGER IF EXISTS coding_counts_insert",
    "DROP TRIGGER IF EXISTS coding_counts_delete",
    "DROP TRIGGER IF EXISTS coding_counts_update",
    "DROP TABLE IF EXISTS coding_counts",
    """CREATE TABLE coding_counts (
        code_id TEXT NOT NULL,
        transcript_id INTEGER NOT NULL,
        coder_id INTEGER NOT NULL,
        assessment TEXT NOT NULL,
        language TEXT NOT NULL,
        n INTEGER NOT NULL,
        decided INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (code_id, transcript_id, coder_id, assessment, language)
    ) WITHOUT ROWID""",
    """CREATE TABLE attribution_tallies (
        code_id TEXT NOT NULL,
        transcript_id INTEGER NOT NULL,
        coder_id INTEGER NOT NULL,
        assessment TEXT NOT NULL,
        language TEXT NOT NULL,
        measure_id TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (code_id, transcript_id, coder_id, assessment, language, measure_id)
    ) WITHOUT ROWID""",
    # A coding inserted without a language gets its turn's; the UPDATE then counts it (update trigger).
    f"""CREATE TRIGGER codings_language AFTER INSERT ON codings WHEN new.language IS NULL BEGIN
        UPDATE codings SET language = {CODING_LANGUAGE_SQL.format(k='new')} WHERE id = new.id;
    END""",
    f"""CREATE TRIGGER coding_counts_insert AFTER INSERT ON codings WHEN new.language IS NOT NULL BEGIN
        INSERT INTO coding_counts ({_KEYS}, n) VALUES ({_keys_of('new')}, 1) ON CONFLICT DO UPDATE SET n = n + 1;
    END""",
    f"""CREATE TRIGGER coding_counts_delete BEFORE DELETE ON codings BEGIN
        UPDATE coding_counts SET n = n - 1, decided = decided - {_decided('old.id')} WHERE {_match('old')};
        DELETE FROM coding_counts WHERE {_match('old')} AND n <= 0;
        {_confirmed_of('old', '-')}
    END""",
    f"""CREATE TRIGGER coding_counts_update AFTER UPDATE OF code_id, transcript_id, coder_id, assessment, language
    ON codings BEGIN
        UPDATE coding_counts SET n = n - 1, decided = decided - {_decided('old.id')} WHERE {_match('old')};
        DELETE FROM coding_counts WHERE {_match('old')} AND n <= 0;
        INSERT INTO coding_counts ({_KEYS}, n, decided) SELECT {_keys_of('new')}, 1, {_decided('new.id')}
            WHERE new.language IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1, decided = decided + excluded.decided;
        {_confirmed_of('old', '-')}
        {_confirmed_of('new', '+')}
    END""",
    f"""CREATE TRIGGER attribution_tallies_insert AFTER INSERT ON coding_measures BEGIN
        {_one_row('new', '+')}
    END""",
    f"""CREATE TRIGGER attribution_tallies_delete AFTER DELETE ON coding_measures BEGIN
        {_one_row('old', '-')}
    END""",
    f"""CREATE TRIGGER attribution_tallies_update AFTER UPDATE OF coding_id, measure_id, status ON coding_measures
    BEGIN
        {_one_row('old', '-', moved='old.coding_id != new.coding_id')}
        {_one_row('new', '+', moved='old.coding_id != new.coding_id')}
    END""",
    f"""INSERT INTO coding_counts ({_KEYS}, n) SELECT code_id, transcript_id, coder_id, coalesce(assessment, 'none'),
        language, count(*) FROM codings WHERE language IS NOT NULL GROUP BY 1, 2, 3, 4, 5""",
]


@migrations(name="0008_coding_measures")
def coding_measures(db: Database) -> None:
    """Per-coding measure attributions, each coding's language, and the summaries the analysis reads."""
    for statement in _CODING_MEASURES:
        db.execute(statement)


# -- 0009: research rigour (see workbench/services/agreement/ and workbench/store/codebook_versions.py) ------
# transcript_coders: who is assigned to code a transcript (blind or not) and when each coder marked it done;
# agreement compares the transcripts every compared coder marked done. resolutions: how each disagreement
# was settled and from which codings (a snapshot of their coder, span and assessment, never their text).
# The consensus layer is the codings of the reserved account CONSENSUS_USER (a name no login can take:
# usernames may not contain '@'), so every analysis, count and trigger treats it like any coder's codings.
# codebook_versions: a snapshot of the codebook after every change that altered it, with a readable summary.
CONSENSUS_USER = "@consensus"

_AGREEMENT = [
    """CREATE TABLE transcript_coders (
        transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        coder_id INTEGER NOT NULL REFERENCES users(id),
        blind INTEGER NOT NULL DEFAULT 1 CHECK (blind IN (0, 1)),
        assigned_by INTEGER REFERENCES users(id),
        assigned_at TEXT,
        done_at TEXT,
        PRIMARY KEY (transcript_id, coder_id)
    )""",
    "CREATE INDEX idx_transcript_coders_coder ON transcript_coders(coder_id)",
    """CREATE TABLE resolutions (
        id INTEGER PRIMARY KEY,
        transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        code_id TEXT NOT NULL REFERENCES codes(id),
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('agreed', 'chosen', 'merged', 'written', 'uncoded')),
        coding_uids TEXT NOT NULL DEFAULT '[]',
        chosen_coder_id INTEGER REFERENCES users(id),
        sources TEXT NOT NULL DEFAULT '[]',
        coders TEXT NOT NULL DEFAULT '[]',
        note TEXT,
        resolved_by INTEGER NOT NULL REFERENCES users(id),
        resolved_at TEXT NOT NULL,
        CHECK (start >= 0 AND "end" > start)
    )""",
    "CREATE INDEX idx_resolutions_place ON resolutions(transcript_id, code_id, start)",
    """CREATE TABLE codebook_versions (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id),
        fingerprint TEXT NOT NULL,
        summary TEXT NOT NULL,
        snapshot TEXT NOT NULL
    )""",
]


@migrations(name="0009_agreement")
def agreement(db: Database) -> None:
    """Assignments and done marks, resolutions, the consensus account, and codebook versions (with a baseline)."""
    from datetime import UTC, datetime

    from workbench.store import codebook_versions

    for statement in _AGREEMENT:
        db.execute(statement)
    at = datetime.now(UTC).isoformat(timespec="seconds")
    db.execute("INSERT INTO users (username, display_name, role, password_hash, active, created_at) "
               "VALUES (?, 'Consensus (agreed and resolved codings)', 'coder', NULL, 0, ?)", [CONSENSUS_USER, at])
    codebook_versions.record(db, author_id=None, first_summary="the codebook as it stood when versioning began")


# -- 0010: accounts — login attempts for the rate limit and lockout, last login (see workbench/store/accounts.py) --
# Attempts are keyed by a hash of the username typed, so unknown usernames lock out exactly like real ones (the
# lockout never tells an attacker which accounts exist) and a password typed into the username field is not
# stored as text.
_ACCOUNTS = [
    """CREATE TABLE login_attempts (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        username_key TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'refused', 'unlocked')),
        client TEXT
    )""",
    "CREATE INDEX idx_login_attempts_key ON login_attempts(username_key, id)",
    "CREATE INDEX idx_login_attempts_at ON login_attempts(at)",
    "ALTER TABLE users ADD COLUMN last_login_at TEXT",
    "CREATE INDEX IF NOT EXISTS idx_audit_log_at ON audit_log(at)",
]


@migrations(name="0010_accounts")
def accounts(db: Database) -> None:
    """Login attempts (rate limit, lockout, audit) and each account's last login."""
    for statement in _ACCOUNTS:
        db.execute(statement)


# -- 0012: suggestions explain themselves (issue 14) ------------------------------------------------------------
@migrations(name="0012_suggest_feedback")
def suggest_feedback(db: Database) -> None:
    """Each suggestion's explanation as JSON: the patterns and words that triggered it, the rules' and the learned
    model's parts of its score (see workbench/services/suggest/combine.py `explanation`). Decisions on suggestions
    (accepted, rejected) already live in `suggestions.status`; the learner and the per-code thresholds read them."""
    if "details" not in db["suggestions"].columns_dict:
        db.execute("ALTER TABLE suggestions ADD COLUMN details TEXT NOT NULL DEFAULT '{}'")



# -- 0012b: the PII gate's names list (real name → pseudonym) and per-user settings (trauma-informed reading) --
# pii_names holds real names: only users who may configure the study read it (services/pii_gate.py); exports
# never include it.
_PII_READING = [
    """CREATE TABLE pii_names (
        id INTEGER PRIMARY KEY,
        real_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        pseudonym TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES users(id)
    )""",
    """CREATE TABLE user_settings (
        user_id INTEGER NOT NULL REFERENCES users(id),
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (user_id, key)
    )""",
]


@migrations(name="0012b_pii_reading")
def pii_reading(db: Database) -> None:
    """The study's names list for the PII gate and each user's own settings."""
    for statement in _PII_READING:
        db.execute(statement)
