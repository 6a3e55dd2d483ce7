"""The study file's schema as named migrations; never edit one that has shipped, add a new one."""

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
