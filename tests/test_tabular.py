"""Reading uploaded spreadsheets: encodings, delimiters, XLSX, header aliases and mapping."""

import io
import zipfile
from datetime import date, datetime

import pytest

from api.kit.columns import TabularError, TabularMappingError, TabularTooLargeError
from api.kit.tabular import cell_text, read_raw_rows, read_table, sniff_delimiter
from tests.helpers import xlsx

ALIASES = {
    "name": ["navn", "fulde navn"],
    "email": ["e-mail", "mail"],
    "phone": ["telefon", "tlf."],
}


def rows_of(
    data: bytes, filename: str | None = None, content_type: str | None = None
) -> list[tuple[int, dict[str, str]]]:
    table = read_table(data, filename=filename, content_type=content_type, aliases=ALIASES)
    return list(table.rows)


class TestCsv:
    def test_utf8_with_bom_and_semicolons(self) -> None:
        data = "\ufeffNavn;E-mail\r\nSøren Ærø;soren@firma.dk\r\n".encode()
        assert rows_of(data) == [(2, {"name": "Søren Ærø", "email": "soren@firma.dk"})]

    def test_utf8_without_bom_and_commas(self) -> None:
        data = "Navn,E-mail\nÅse,aase@firma.dk\n".encode()
        assert rows_of(data) == [(2, {"name": "Åse", "email": "aase@firma.dk"})]

    def test_windows_1252(self) -> None:
        data = "Navn;Telefon\nBjørn Ødegård;+45 12 34 56 78\n".encode("cp1252")
        assert rows_of(data) == [(2, {"name": "Bjørn Ødegård", "phone": "+45 12 34 56 78"})]

    def test_utf16_from_excels_unicode_text_export(self) -> None:
        data = "Navn\tMail\nÆble\ta@b.dk\n".encode("utf-16")
        assert rows_of(data) == [(2, {"name": "Æble", "email": "a@b.dk"})]

    def test_excels_sep_line_sets_the_delimiter_and_is_no_row(self) -> None:
        data = b"sep=;\nNavn;Mail,Kommentar\nBo;bo@x.dk,hej\n"
        table = read_table(data, aliases=ALIASES)
        assert table.headers == ["Navn", "Mail,Kommentar"]
        assert next(table.rows)[0] == 2

    def test_quoted_cells_with_delimiters_and_newlines_are_one_row(self) -> None:
        data = b'Navn;Kommentar\n"Hansen; Bo";"to\nlinjer"\nAnna;x\n'
        assert rows_of(data) == [
            (2, {"name": "Hansen; Bo", "kommentar": "to\nlinjer"}),
            (3, {"name": "Anna", "kommentar": "x"}),
        ]

    def test_decimal_commas_in_data_do_not_mislead_the_delimiter(self) -> None:
        assert sniff_delimiter("Navn;Beløb;Dato") == ";"
        data = "Navn;Beløb\nBo;1.234,50\nAnna;2,5\n".encode()
        assert [row["beløb"] for _, row in rows_of(data)] == ["1.234,50", "2,5"]

    def test_blank_rows_are_skipped_but_counted(self) -> None:
        data = b"\nNavn;Mail\n;;\nBo;bo@x.dk\n\n  ;  \nAnna;\n"
        table = read_table(data, aliases=ALIASES)
        assert table.header_row == 2
        assert [number for number, _ in table.rows] == [4, 7]

    def test_cells_are_stripped_and_short_rows_padded(self) -> None:
        assert rows_of(b"Navn;Mail;Tlf.\n  Bo  \n") == [
            (2, {"name": "Bo", "email": "", "phone": ""})
        ]


class TestXlsx:
    def test_first_sheet_with_numbers_and_dates_as_text(self) -> None:
        data = xlsx(
            ["Navn", "Telefon", "Dato", "Tid", "Beløb"],
            ["Bo", 45123456, datetime(2026, 3, 10), datetime(2026, 3, 10, 16, 30), 12.5],
        )
        assert rows_of(data) == [
            (
                2,
                {
                    "name": "Bo",
                    "phone": "45123456",
                    "dato": "2026-03-10",
                    "tid": "2026-03-10T16:30:00",
                    "beløb": "12.5",
                },
            )
        ]

    def test_empty_rows_are_skipped_and_numbers_kept(self) -> None:
        data = xlsx(["Navn"], ["Bo"], [None], [], ["Anna"])
        assert [number for number, _ in rows_of(data)] == [2, 5]

    def test_the_name_does_not_matter_the_content_does(self) -> None:
        data = xlsx(["Navn"], ["Bo"])
        assert rows_of(data, filename="list.csv", content_type="text/csv") == [(2, {"name": "Bo"})]

    def test_a_zip_bomb_is_refused_before_unpacking(self) -> None:
        data = xlsx(["Navn"], ["Bo" * 1000])
        with pytest.raises(TabularTooLargeError, match=r"limit is 1\.0 KB"):
            read_table(data, max_uncompressed=1024)

    def test_a_zip_that_is_no_workbook(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        with pytest.raises(TabularError, match="not a readable XLSX"):
            read_table(buffer.getvalue())

    def test_a_damaged_zip(self) -> None:
        with pytest.raises(TabularError, match="damaged"):
            read_table(xlsx(["Navn"])[:200])

    def test_cell_text(self) -> None:
        assert cell_text(3.0) == "3" and cell_text(0.1) == "0.1" and cell_text(None) == ""
        assert cell_text(date(2026, 1, 2)) == "2026-01-02" and cell_text(True) == "true"


class TestHeaders:
    def test_aliases_ignore_case_space_and_required_markers(self) -> None:
        table = read_table(b" FULDE  NAVN *;E-MAIL:\nBo;b@x.dk\n", aliases=ALIASES)
        assert table.fields == {"name": "FULDE  NAVN *", "email": "E-MAIL:"}

    def test_the_field_name_itself_is_an_alias(self) -> None:
        assert read_table(b"Email;Name\n", aliases=ALIASES).fields == {
            "name": "Name",
            "email": "Email",
        }

    def test_the_explicit_mapping_wins(self) -> None:
        data = b"Deltager;Navn\nBo;Kontoret\n"
        table = read_table(data, aliases=ALIASES, mapping={"name": "deltager"})
        assert table.fields == {"name": "Deltager"}
        assert list(table.rows) == [(2, {"name": "Bo", "navn": "Kontoret"})]
        assert table.unknown_headers == ["Navn"]

    def test_a_mapping_to_a_missing_header_names_it(self) -> None:
        with pytest.raises(TabularMappingError, match="'Deltager'") as caught:
            read_table(b"Navn\n", aliases=ALIASES, mapping={"name": "Deltager"})
        assert caught.value.column == "Deltager"

    def test_a_mapping_of_an_unknown_field(self) -> None:
        with pytest.raises(TabularMappingError, match="unknown field 'age'"):
            read_table(b"Navn\n", aliases=ALIASES, mapping={"age": "Navn"})

    def test_missing_required_column_is_named(self) -> None:
        with pytest.raises(TabularError, match="'email' is missing") as caught:
            read_table(b"Navn\nBo\n", aliases=ALIASES, required=["name", "email"])
        assert caught.value.column == "email"

    def test_two_columns_for_one_field_are_ambiguous(self) -> None:
        with pytest.raises(TabularError, match="'Navn' and 'Fulde navn' both give name"):
            read_table(b"Navn;Fulde navn\n", aliases=ALIASES)

    def test_without_aliases_every_column_keeps_its_header(self) -> None:
        table = read_table(b"Dato;Kommentar\n2026-01-02;ok\n")
        assert table.fields == {}
        assert list(table.rows) == [(2, {"dato": "2026-01-02", "kommentar": "ok"})]


class TestRefusals:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "empty"),
            (b"  \r\n\r\n", "empty"),
            (b"%PDF-1.7\n1 0 obj", "PDF"),
            (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
            (b"Navn\x00\x01\x02", "binary"),
        ],
    )
    def test_not_a_table(self, data: bytes, message: str) -> None:
        with pytest.raises(TabularError, match=message):
            read_table(data)

    def test_an_xlsx_name_on_text_is_refused(self) -> None:
        with pytest.raises(TabularError, match="not one"):
            read_table(b"Navn\nBo\n", filename="liste.xlsx")

    def test_only_blank_rows_is_empty(self) -> None:
        with pytest.raises(TabularError, match="no header row"):
            read_table(b";;\n;;\n")

    def test_raw_rows_keep_blank_rows(self) -> None:
        assert list(read_raw_rows(b"a\n\nb\n")) == [(1, ["a"]), (2, []), (3, ["b"])]


class TestStreaming:
    def test_a_file_is_read_as_it_goes_and_left_open(self) -> None:
        import io

        from api.kit.tabular import read_table

        lines = ["navn;beløb"] + [f"raekke nummer {n};{n}" for n in range(60_000)]
        # A Windows-1252 byte far beyond the first chunk still decides the encoding.
        data = ("\r\n".join(lines) + "\r\nSlut æ;1\r\n").encode("cp1252")
        assert len(data) > 1024 * 1024
        file = io.BytesIO(data)
        table = read_table(file, aliases={"name": ["navn"], "amount": ["beløb"]})
        rows = list(table.rows)
        assert len(rows) == 60_001
        assert rows[-1] == (60_002, {"name": "Slut æ", "amount": "1"})
        assert not file.closed
