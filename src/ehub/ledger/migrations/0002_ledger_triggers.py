"""Database triggers that back the ledger's rules (ADR 0007).

Both vendors:
- entries, postings and accounts are append-only: UPDATE and DELETE are refused;
- a posting's currency must be its account's currency.
PostgreSQL also:
- a deferred constraint trigger refuses, at commit, an entry whose postings do not sum to zero in
  every currency, or that has fewer than two postings.

The trigger names are listed in ``ehub.ledger.checks.REQUIRED_TRIGGERS``; `ehub ledger check`
reports a missing one (SQLite drops triggers when a migration rebuilds a table).
"""

from django.db import migrations

APPEND_ONLY_TABLES = ["ledger_ledgeraccount", "ledger_journalentry", "ledger_posting"]

SQLITE_FORWARD = [
    *(
        f"""
        CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
        BEGIN SELECT RAISE(ABORT, 'ledger: {table} is append-only ({op} refused)'); END;
        """
        for table in APPEND_ONLY_TABLES
        for op in ("UPDATE", "DELETE")
    ),
    """
    CREATE TRIGGER ledger_posting_currency BEFORE INSERT ON ledger_posting
    WHEN NEW.currency IS NOT (SELECT currency FROM ledger_ledgeraccount WHERE id = NEW.account_id)
    BEGIN SELECT RAISE(ABORT, 'ledger: posting currency differs from its account currency'); END;
    """,
]
SQLITE_BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()};"
        for table in APPEND_ONLY_TABLES
        for op in ("UPDATE", "DELETE")
    ),
    "DROP TRIGGER IF EXISTS ledger_posting_currency;",
]

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'ledger: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END $$;
    """,
    *(
        f"""
        CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
        """
        for table in APPEND_ONLY_TABLES
        for op in ("UPDATE", "DELETE")
    ),
    """
    CREATE FUNCTION ledger_posting_currency() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.currency IS DISTINCT FROM
           (SELECT currency FROM ledger_ledgeraccount WHERE id = NEW.account_id) THEN
            RAISE EXCEPTION 'ledger: posting currency % differs from its account currency',
                NEW.currency USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$;
    """,
    """
    CREATE TRIGGER ledger_posting_currency BEFORE INSERT ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_posting_currency();
    """,
    """
    CREATE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        checked_entry bigint;
        posting_count integer;
        unbalanced record;
    BEGIN
        IF TG_TABLE_NAME = 'ledger_posting' THEN
            checked_entry := NEW.entry_id;
        ELSE
            checked_entry := NEW.id;
        END IF;
        SELECT count(*) INTO posting_count FROM ledger_posting WHERE entry_id = checked_entry;
        IF posting_count < 2 THEN
            RAISE EXCEPTION 'ledger: journal entry % has % posting(s), needs at least two',
                checked_entry, posting_count USING ERRCODE = 'check_violation';
        END IF;
        SELECT currency, sum(amount_minor) AS total INTO unbalanced
            FROM ledger_posting WHERE entry_id = checked_entry
            GROUP BY currency HAVING sum(amount_minor) <> 0 ORDER BY currency LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'ledger: journal entry % does not balance in %: postings sum to % minor units',
                checked_entry, unbalanced.currency, unbalanced.total
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$;
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_posting_balanced AFTER INSERT ON ledger_posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_journalentry_balanced AFTER INSERT ON ledger_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
    """,
]
POSTGRES_BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()} ON {table};"
        for table in APPEND_ONLY_TABLES
        for op in ("UPDATE", "DELETE")
    ),
    "DROP TRIGGER IF EXISTS ledger_posting_currency ON ledger_posting;",
    "DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting;",
    "DROP TRIGGER IF EXISTS ledger_journalentry_balanced ON ledger_journalentry;",
    "DROP FUNCTION IF EXISTS ledger_refuse_change();",
    "DROP FUNCTION IF EXISTS ledger_posting_currency();",
    "DROP FUNCTION IF EXISTS ledger_entry_balanced();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"ledger triggers are written for SQLite and PostgreSQL, not "
                f"{schema_editor.connection.vendor}: the ledger would not be append-only"
            )
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
