"""The HS 2022 nomenclature: import of the public CSV, search, code validation, ``ehub hs``.

The data is read from ``settings.EHUB_HS_DATA_DIR`` (``../shared/data/hs/``), never copied here.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from ehub.core.errors import DomainError
from ehub.customs.models import HsCode, HsSection
from ehub.customs.nomenclature import HsFileInvalid, hs_code_clean, hs_import, hs_search

HEADER = "section,hscode,description,parent,level\n"


@pytest.fixture
def hs_data_dir() -> Path:
    path = Path(settings.EHUB_HS_DATA_DIR)
    if not (path / "harmonized-system.csv").is_file():
        pytest.fail(f"the HS data is missing from EHUB_HS_DATA_DIR={path}")
    return path


@pytest.fixture
def nomenclature(db, hs_data_dir) -> Path:
    hs_import(path=hs_data_dir)
    return hs_data_dir


def _levels() -> dict[int, int]:
    return {level: HsCode.objects.filter(level=level).count() for level in (2, 4, 6)}


# -- import ----------------------------------------------------------------------------------------


def test_import_loads_every_chapter_heading_and_subheading(db, hs_data_dir):
    chunks: list[int] = []

    result = hs_import(path=hs_data_dir, progress=chunks.append)

    assert (result.sections, result.codes, result.created, result.updated) == (21, 6939, 6939, 0)
    assert sum(chunks) == 6939
    assert _levels() == {2: 97, 4: 1229, 6: 5613}
    assert HsSection.objects.count() == 21
    assert not HsCode.objects.filter(code="TOTAL").exists()
    coffee = HsCode.objects.select_related("section").get(code="090121")
    assert (coffee.level, coffee.description, coffee.parent_code, coffee.section.numeral) == (
        6,
        "Coffee; roasted, not decaffeinated",
        "0901",
        "II",
    )
    assert HsCode.objects.get(code="01").parent_code == ""  # "TOTAL" is not a parent


def test_import_from_the_csv_path_reads_the_sections_beside_it(db, hs_data_dir):
    result = hs_import(path=hs_data_dir / "harmonized-system.csv")

    assert (result.sections, result.codes) == (21, 6939)


def test_reimport_is_idempotent(nomenclature):
    ids = dict(HsCode.objects.values_list("code", "id"))

    result = hs_import(path=nomenclature)

    assert (result.codes, result.created, result.updated) == (6939, 0, 6939)
    assert HsCode.objects.count() == 6939
    assert HsSection.objects.count() == 21
    assert dict(HsCode.objects.values_list("code", "id")) == ids


def test_a_malformed_file_imports_nothing(db, tmp_path):
    path = tmp_path / "harmonized-system.csv"
    path.write_text(
        HEADER
        + "II,09,Coffee tea mate and spices,TOTAL,2\n"
        + "II,0901,Coffee,09,4\n"
        + "II,09012,Coffee; roasted,0901,6\n"  # 5 digits at level 6
        + "II,090122,,0901,6\n"  # no description
        + "II,090190,Coffee; other,0901,8\n",  # no such level
        encoding="utf-8",
    )

    with pytest.raises(HsFileInvalid) as caught:
        hs_import(path=path)

    assert caught.value.code == "hs_file_invalid"
    assert caught.value.detail == [
        "harmonized-system.csv line 4: code '09012' is not 6 digits",
        "harmonized-system.csv line 5: no description",
        "harmonized-system.csv line 6: level '8' is not 2, 4 or 6",
    ]
    assert HsCode.objects.count() == 0
    assert HsSection.objects.count() == 0


def test_a_file_without_the_expected_columns_imports_nothing(db, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("code,text\n090121,Coffee\n", encoding="utf-8")

    with pytest.raises(HsFileInvalid):
        hs_import(path=path)

    assert HsCode.objects.count() == 0


# -- search ----------------------------------------------------------------------------------------


def test_search_by_words_lists_subheadings_first(nomenclature):
    codes = [c.code for c in hs_search(text="coffee roasted", limit=20)]

    assert codes == ["090111", "090112", "090121", "090122", "210130", "0901", "2101"]


def test_search_by_code_prefix(nomenclature):
    assert [c.code for c in hs_search(text="0901", limit=20)] == [
        "090111",
        "090112",
        "090121",
        "090122",
        "090190",
        "0901",
    ]
    assert [c.code for c in hs_search(text="0901.2", limit=20)] == ["090121", "090122"]


def test_search_respects_the_limit_and_finds_nothing_for_nonsense(nomenclature):
    assert len(hs_search(text="09", limit=3)) == 3
    assert hs_search(text="zzqqxx", limit=20) == []
    assert hs_search(text="   ", limit=20) == []


# -- hs_code_clean ---------------------------------------------------------------------------------


def test_hs_code_clean_checks_only_the_format_before_the_nomenclature_is_loaded(db):
    assert hs_code_clean("0901.21") == "090121"
    assert hs_code_clean("999990") == "999990"  # not a real code, but nothing to check against
    with pytest.raises(DomainError) as caught:
        hs_code_clean("0901")
    assert caught.value.code == "invalid_hs_code"


def test_hs_code_clean_accepts_known_subheadings_once_loaded(nomenclature):
    assert hs_code_clean("090121") == "090121"
    assert hs_code_clean(" 1702.20 ") == "170220"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("999990", "unknown_hs_code"),
        ("090100", "unknown_hs_code"),
        ("0901", "invalid_hs_code"),  # a heading, not a subheading
        ("09012a", "invalid_hs_code"),
        ("", "invalid_hs_code"),
    ],
)
def test_hs_code_clean_rejects_unknown_codes_once_loaded(nomenclature, code, error):
    with pytest.raises(DomainError) as caught:
        hs_code_clean(code)

    assert caught.value.code == error
    assert caught.value.detail == {"field": "hs_code"}


# -- ehub hs ---------------------------------------------------------------------------------------


def test_command_import_defaults_to_the_data_dir_and_prints_counts(db):
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("hs", "import", stdout=stdout, stderr=stderr)

    codes_file = Path(settings.EHUB_HS_DATA_DIR) / "harmonized-system.csv"
    assert stdout.getvalue() == (
        f"imported 6,939 HS codes (6,939 new, 0 updated) and 21 sections from {codes_file}\n"
        "nomenclature now holds 97 chapters, 1,229 headings and 5,613 subheadings\n"
    )
    assert "6939/6939" in stderr.getvalue()  # the tqdm bar reached the end
    assert _levels() == {2: 97, 4: 1229, 6: 5613}


def test_command_reimport_reports_updates(nomenclature):
    stdout = io.StringIO()

    call_command("hs", "import", str(nomenclature), stdout=stdout, stderr=io.StringIO())

    assert stdout.getvalue().startswith("imported 6,939 HS codes (0 new, 6,939 updated)")
    assert HsCode.objects.count() == 6939


def test_command_import_of_a_missing_path_exits_2(db, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("hs", "import", str(tmp_path / "nope.csv"), stdout=io.StringIO())

    assert caught.value.returncode == 2
    assert str(caught.value) == f"no such file: {tmp_path / 'nope.csv'}"


def test_command_import_of_a_directory_without_the_csv_exits_2(db, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("hs", "import", str(tmp_path), stdout=io.StringIO())

    assert caught.value.returncode == 2
    assert str(caught.value) == f"no such file: {tmp_path / 'harmonized-system.csv'}"


def test_command_import_of_a_malformed_file_exits_2_and_imports_nothing(db, tmp_path):
    path = tmp_path / "harmonized-system.csv"
    path.write_text(HEADER + "II,0901,Coffee,09,5\n", encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("hs", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        f"{path}: nothing was imported: harmonized-system.csv line 2: level '5' is not 2, 4 or 6"
    )
    assert HsCode.objects.count() == 0


def test_command_import_of_a_file_that_is_not_utf8_exits_2(db, tmp_path, hs_data_dir):
    shutil.copy(hs_data_dir / "sections.csv", tmp_path / "sections.csv")
    path = tmp_path / "harmonized-system.csv"
    path.write_bytes((HEADER + "II,0901,Caf\u00e9,09,4\n").encode("utf-16"))

    with pytest.raises(CommandError) as caught:
        call_command("hs", "import", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())

    assert caught.value.returncode == 2
    assert str(caught.value).startswith(f"{path}: nothing was imported: not a UTF-8 CSV file (")
    assert HsCode.objects.count() == 0
    assert HsSection.objects.count() == 0


def test_command_search_prints_code_level_description(nomenclature):
    stdout = io.StringIO()

    call_command("hs", "search", "maple", "syrup", stdout=stdout)

    assert stdout.getvalue() == (
        "170220  subheading  Sugars; maple sugar, chemically pure, in solid form; maple syrup, "
        "not containing added flavouring or colouring matter\n"
    )


def test_command_search_by_prefix_with_limit(nomenclature):
    stdout = io.StringIO()

    call_command("hs", "search", "0901", "--limit", "2", stdout=stdout)

    assert stdout.getvalue() == (
        "090111  subheading  Coffee; not roasted or decaffeinated\n"
        "090112  subheading  Coffee; decaffeinated, not roasted\n"
    )


def test_command_search_without_match(nomenclature):
    stdout = io.StringIO()

    call_command("hs", "search", "zzqqxx", stdout=stdout)

    assert stdout.getvalue() == "no HS code matches 'zzqqxx'\n"


def test_command_search_before_import_exits_2(db):
    with pytest.raises(CommandError) as caught:
        call_command("hs", "search", "coffee", stdout=io.StringIO())

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        "the HS nomenclature is not loaded yet: run `ehub hs import` first"
    )


def test_a_file_that_is_not_utf8_imports_nothing(db, tmp_path):
    from ehub.customs.models import HsCode
    from ehub.customs.nomenclature import HsFileInvalid, hs_import

    bad = tmp_path / "harmonized-system.csv"
    bad.write_bytes(
        "section,hscode,description,parent,level\nI,01,Animaux vivants\xe9,TOTAL,2\n".encode(
            "latin-1"
        )
    )

    with pytest.raises(HsFileInvalid) as error:
        hs_import(path=bad)

    assert "not a UTF-8 CSV file" in error.value.message
    assert not HsCode.objects.exists()
