from __future__ import annotations

from django.db import models


class HsSection(models.Model):
    """One of the 21 sections of the Harmonized System (I-XXI)."""

    numeral = models.CharField(max_length=5, unique=True)
    name = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        verbose_name = "HS section"

    def __str__(self) -> str:
        return f"{self.numeral}: {self.name}"


class HsCode(models.Model):
    """A node of the HS 2022 nomenclature: chapter (2 digits), heading (4) or subheading (6)."""

    code = models.CharField(max_length=6, unique=True)
    level = models.PositiveSmallIntegerField(
        choices=[(2, "chapter"), (4, "heading"), (6, "subheading")]
    )
    description = models.TextField()
    parent_code = models.CharField(max_length=6, blank=True)
    section = models.ForeignKey(HsSection, null=True, blank=True, on_delete=models.PROTECT)
    edition = models.CharField(max_length=10, default="HS2022")

    class Meta:
        ordering = ["code"]
        verbose_name = "HS code"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[2, 4, 6]), name="hs_code_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:80]}"
