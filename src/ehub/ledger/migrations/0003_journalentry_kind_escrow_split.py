"""A new entry kind, ``escrow_split`` (one payment's order escrow split into per-parcel escrows).

Only the field's ``choices`` change: no SQL on either vendor, so SQLite does not rebuild
``ledger_journalentry`` and its triggers stay (``ehub ledger check`` verifies them).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_ledger_triggers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="journalentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("payment_captured", "payment_captured"),
                    ("escrow_release", "escrow_release"),
                    ("escrow_split", "escrow_split"),
                    ("refund", "refund"),
                    ("cancellation", "cancellation"),
                    ("payout", "payout"),
                    ("reversal", "reversal"),
                ],
                max_length=30,
            ),
        ),
    ]
