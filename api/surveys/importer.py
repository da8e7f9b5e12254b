"""Import of a survey tool's export (CSV or XLSX): one row a respondent, one column a question.

The same contract as the grant import: a dry run reports row by row and writes nothing (it runs
in a SAVEPOINT that is rolled back), a real import applies exactly the rows it accepts and is
recorded; the same file again changes nothing. Columns are the survey's questions, recognised
by the question's text or key (or a mapping); a response id and a date column are used when
present. Columns with names or e-mails are not kept: the survey needs no personal data.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.auth.audit import record
from api.auth.permissions import SYSTEM, Actor
from api.kit.columns import TabularError
from api.kit.danish import parse_date
from api.kit.db import utcnow
from api.kit.errors import InvalidInputError
from api.kit.imports import file_error, no_rows_error, upload_size
from api.kit.tabular import Table, read_table
from api.surveys.enums import NO, NO_ANSWER, SCALE_WORDS, YES, QuestionKind, RowOutcome
from api.surveys.models import Survey, SurveyAnswer, SurveyImport, SurveyQuestion, SurveyResponse
from api.surveys.schemas import (
    ImportCounts,
    ImportMessage,
    ImportRow,
    SurveyImportReport,
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # far above any survey of Lejre's companies
ERRORS_KEPT = 1000
META_ALIASES: dict[str, list[str]] = {
    "respondent": [
        "respondent", "respondent id", "respondent-id", "response id", "svar-id", "svar id",
        "besvarelse", "besvarelses-id", "besvarelsesid", "løbenummer", "id",
    ],
    "submitted_on": [
        "dato", "besvaret", "besvarelsesdato", "tidspunkt", "indsendt", "submitted",
        "submitted at", "date", "timestamp", "completed",
    ],
}  # fmt: skip
_SCALE = {word: value for value, words in SCALE_WORDS.items() for word in words}

Answer = tuple[int | None, str | None]  # (value, text)


@dataclass(frozen=True)
class Upload:
    filename: str
    sha256: str
    table: Table
    rows: list[tuple[int, dict[str, str]]]


def read_answers(
    survey: Survey,
    file: IO[bytes],
    *,
    filename: str | None,
    content_type: str | None,
    mapping: dict[str, str] | None,
) -> Upload:
    """The export's table, its question columns found; 413 or 422 naming what is wrong."""
    upload_size(file, MAX_UPLOAD_BYTES)
    file.seek(0)
    sha256 = hashlib.file_digest(file, "sha256").hexdigest()  # type: ignore[arg-type]
    file.seek(0)
    aliases = {q.key: [q.text] for q in survey.questions} | META_ALIASES
    try:
        table = read_table(
            file, filename=filename, content_type=content_type, aliases=aliases, mapping=mapping
        )
        rows = list(islice(table.rows, MAX_ROWS + 1))
    except TabularError as exc:
        raise file_error(exc) from None
    if not any(q.key in table.fields for q in survey.questions):
        message = (
            "None of the survey's questions has a column: a header must be a question's text or "
            f"key, or give a mapping. The file's headers: {', '.join(table.headers)}."
        )
        raise InvalidInputError(message, errors=[{"field": "file", "message": message}])
    if len(rows) > MAX_ROWS:
        message = f"The file has more than {MAX_ROWS} respondents; split it."
        raise InvalidInputError(message, errors=[{"field": "file", "message": message}])
    if not rows:
        raise no_rows_error(table.header_row)
    return Upload((filename or "upload")[:255], sha256, table, rows)


def mapping_fields(survey: Survey) -> list[str]:
    return [*(q.key for q in survey.questions), *META_ALIASES]


# ------------------------------------------------------------------------- one row


def parse_answer(question: SurveyQuestion, raw: str) -> Answer:
    """A cell as the answer to its question; ValueError says what is accepted."""
    text = " ".join(raw.split())
    if text.casefold() in NO_ANSWER:
        return None, None
    if question.kind is QuestionKind.free_text:
        return None, text[:5000]
    word = text.casefold().rstrip(".")
    if question.kind is QuestionKind.yes_no:
        if word in YES:
            return 1, None
        if word in NO:
            return 0, None
        raise ValueError(f"{raw!r} is not an answer to a yes/no question (ja or nej)")
    if word in _SCALE:
        return _SCALE[word], None
    head = word.split(" ", 1)[0].rstrip(".:-")  # "5 - meget stor", "4."
    if head.isdigit() and 1 <= int(head) <= 5:
        return int(head), None
    raise ValueError(
        f"{raw!r} is not on the scale (1–5, or meget lille, lille, nogen, stor, meget stor)"
    )


@dataclass
class _Parsed:
    number: int
    respondent: str | None  # as given in the file
    submitted_on: date | None
    answers: dict[int, Answer]  # question id → answer


def _parse(
    survey: Survey, table: Table, number: int, values: dict[str, str], today: date
) -> _Parsed | ImportRow:
    problems: list[ImportMessage] = []

    def fail(field: str, message: str) -> None:
        problems.append(ImportMessage(field=field, column=table.fields.get(field), message=message))

    answers: dict[int, Answer] = {}
    for question in survey.questions:
        if question.key not in table.fields:
            continue
        try:
            answer = parse_answer(question, values.get(question.key, ""))
        except ValueError as exc:
            fail(question.key, str(exc))
            continue
        if answer != (None, None):
            answers[question.id] = answer
    respondent = values.get("respondent") or None
    if respondent is not None and len(respondent) > 90:
        fail("respondent", "the response id is longer than 90 characters")
    submitted_on = None
    if values.get("submitted_on"):
        try:
            submitted_on = parse_date(values["submitted_on"].split(" ")[0].split("T")[0])
        except ValueError as exc:
            fail("submitted_on", str(exc))
        else:
            if submitted_on > today:
                fail("submitted_on", f"{submitted_on.isoformat()} is in the future")
    if not problems and not answers and respondent is None:
        # With its id, a respondent who answered "ved ikke" throughout still took part.
        problems.append(ImportMessage(field=None, column=None, message="the row has no answers"))
    if problems:
        return ImportRow(row=number, outcome=RowOutcome.rejected, respondent=respondent,
                         messages=problems)  # fmt: skip
    return _Parsed(number, respondent, submitted_on, answers)


def _content_key(parsed: _Parsed, occurrence: int) -> str:
    """A respondent without id: a digest of the answers, and which alike row of the file."""
    canonical = json.dumps(
        [parsed.submitted_on and parsed.submitted_on.isoformat(), sorted(parsed.answers.items())]
    )
    return f"h:{hashlib.sha256(canonical.encode()).hexdigest()[:40]}#{occurrence}"


# -------------------------------------------------------------------------- the import


def import_answers(
    session: Session, survey: Survey, upload: Upload, *, dry_run: bool, today: date
) -> SurveyImportReport:
    actor: Actor = session.info.get("actor", SYSTEM)
    table = upload.table
    savepoint = session.begin_nested()
    try:
        imported = SurveyImport(
            survey_id=survey.id,
            filename=upload.filename,
            sha256=upload.sha256,
            actor_kind=actor.kind.value,
            actor_id=actor.id,
            actor_name=actor.name,
        )
        session.add(imported)
        session.flush()
        results = _import_rows(session, survey, upload, imported.id, today)
        counts = Counter(result.outcome for result in results)
        summary = ImportCounts(rows=len(results), **{o.value: counts[o] for o in RowOutcome})
        for name, value in summary.model_dump().items():
            setattr(imported, name, value)
        imported.errors = [
            {"row": r.row, **m.model_dump()}
            for r in results
            if r.outcome not in (RowOutcome.created, RowOutcome.updated, RowOutcome.unchanged)
            for m in r.messages
        ][:ERRORS_KEPT]
        imported.imported_at = utcnow()
        session.flush()
        changes = {"survey_id": survey.id, "filename": upload.filename, **summary.model_dump()}
        record(session, "survey_import", str(imported.id), "import", changes)
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    used = set(table.fields.values())
    return SurveyImportReport(
        import_id=None if dry_run else imported.id,
        dry_run=dry_run,
        survey_id=survey.id,
        filename=upload.filename,
        columns=table.fields,
        missing_questions=[q.key for q in survey.questions if q.key not in table.fields],
        ignored_columns=[h for h in table.headers if h and h not in used],
        counts=summary,
        rows=results,
    )


def _import_rows(
    session: Session, survey: Survey, upload: Upload, import_id: int, today: date
) -> list[ImportRow]:
    existing = {
        response.respondent_ref: response
        for response in session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id)
            .options(selectinload(SurveyResponse.answers))
        )
    }
    seen: dict[str, int] = {}
    alike: Counter[str] = Counter()
    results: list[ImportRow] = []
    for number, values in upload.rows:
        parsed = _parse(survey, upload.table, number, values, today)
        if isinstance(parsed, ImportRow):
            results.append(parsed)
            continue
        if parsed.respondent is not None:
            ref = f"id:{parsed.respondent}"
        else:
            base = _content_key(parsed, 0)
            alike[base] += 1
            ref = _content_key(parsed, alike[base])
        if ref in seen:
            message = ImportMessage(
                field="respondent",
                column=upload.table.fields.get("respondent"),
                message=f"the same respondent as row {seen[ref]}; this row is not imported",
            )
            results.append(_row(parsed, RowOutcome.duplicate, message))
            continue
        seen[ref] = number
        results.append(_apply(session, survey, existing.get(ref), ref, parsed, import_id))
    return results


def _apply(
    session: Session,
    survey: Survey,
    response: SurveyResponse | None,
    ref: str,
    parsed: _Parsed,
    import_id: int,
) -> ImportRow:
    if response is None:
        response = SurveyResponse(
            survey_id=survey.id,
            respondent_ref=ref,
            submitted_on=parsed.submitted_on,
            import_id=import_id,
            answers=[
                SurveyAnswer(question_id=q, value=v, text=t) for q, (v, t) in parsed.answers.items()
            ],
        )
        session.add(response)
        session.flush()
        return _row(parsed, RowOutcome.created)
    stored = {a.question_id: (a.value, a.text) for a in response.answers}
    if stored == parsed.answers and response.submitted_on == parsed.submitted_on:
        return _row(parsed, RowOutcome.unchanged)
    response.submitted_on = parsed.submitted_on
    response.import_id = import_id
    # In place: an answer is known by (response, question), so it is changed, not replaced.
    by_question = {a.question_id: a for a in response.answers}
    for question_id, answer in by_question.items():
        if question_id not in parsed.answers:
            response.answers.remove(answer)
    for question_id, (value, text) in parsed.answers.items():
        if question_id in by_question:
            by_question[question_id].value, by_question[question_id].text = value, text
        else:
            response.answers.append(SurveyAnswer(question_id=question_id, value=value, text=text))
    session.flush()
    return _row(parsed, RowOutcome.updated)


def _row(parsed: _Parsed, outcome: RowOutcome, *messages: ImportMessage) -> ImportRow:
    return ImportRow(
        row=parsed.number, outcome=outcome, respondent=parsed.respondent, messages=list(messages)
    )
