"""Search that finds people: the pairs of each party's name words as search keys, so a
name of common words is looked up by its rarest pair.

The pairs are made here from the word keys already stored, as the search makes them
(two words in alphabetical order, each of at most 40 letters, among a party's first 16
words), so existing parties are found by two-word names as soon as the upgrade is done,
without `flask conflicts rekey`.

Revision ID: af20fc3ab843
Revises: 1d0440417694
Create Date: 2026-11-27 17:40:12.503117

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "af20fc3ab843"
down_revision = "1d0440417694"
branch_labels = None
depends_on = None

#: claims.matching.search.MAX_KEYED_LETTERS and MAX_PAIRED_WORDS when this was written.
MAX_KEYED_LETTERS = 40
MAX_PAIRED_WORDS = 16


def upgrade():
    # Words are ASCII letters; PostgreSQL compares them byte by byte as Python sorts.
    collate = ' COLLATE "C"' if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(
        f"""
        WITH word AS (
            SELECT workspace_id, party_id, claim_id,
                   substr(key, 3, {MAX_KEYED_LETTERS}) AS word,
                   row_number() OVER (PARTITION BY party_id ORDER BY min(id)) AS position
            FROM party_search_key
            WHERE substr(key, 1, 2) = 'W|'
            GROUP BY workspace_id, party_id, claim_id, substr(key, 3, {MAX_KEYED_LETTERS})
        )
        INSERT INTO party_search_key (workspace_id, party_id, claim_id, key)
        SELECT first.workspace_id, first.party_id, first.claim_id,
               'P|' || first.word || ' ' || second.word
        FROM word AS first
        JOIN word AS second
          ON second.party_id = first.party_id AND first.word{collate} < second.word{collate}
        WHERE first.position <= {MAX_PAIRED_WORDS} AND second.position <= {MAX_PAIRED_WORDS}
        """
    )


def downgrade():
    op.execute("DELETE FROM party_search_key WHERE substr(key, 1, 2) = 'P|'")
