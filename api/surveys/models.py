"""Surveys, their questions, respondents' answers, and the record of each import."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.kit.db import Base, Timestamped, UTCDateTime, db_enum, utcnow
from api.kit.import_record import ImportRecord
from api.surveys.enums import QuestionKind, SurveyKind


class Survey(Base, Timestamped):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(index=True)
    kind: Mapped[SurveyKind] = mapped_column(db_enum(SurveyKind, "survey_kind"))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column()

    questions: Mapped[list["SurveyQuestion"]] = relationship(
        order_by="SurveyQuestion.position", cascade="all, delete-orphan", back_populates="survey"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class SurveyQuestion(Base):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    # What goals name it by ("ivaerksaettervejledning"); the same key in every year's survey.
    key: Mapped[str] = mapped_column(String(100), index=True)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[QuestionKind] = mapped_column(db_enum(QuestionKind, "question_kind"))

    survey: Mapped[Survey] = relationship(back_populates="questions")

    __table_args__ = (UniqueConstraint("survey_id", "key"),)


class SurveyImport(ImportRecord, Base):
    """One applied import of answers: file, who, when, counts and row errors."""

    __tablename__ = "survey_imports"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyResponse(Base, Timestamped):
    """One respondent's answers; no name or e-mail is kept."""

    __tablename__ = "survey_responses"
    __audited__ = False  # the import that wrote it is audited, with its counts

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    # The survey tool's response id, or, where the file has none, a digest of the answers
    # (with the occurrence: two people may answer alike), so a re-import finds it again.
    respondent_ref: Mapped[str] = mapped_column(String(100))
    submitted_on: Mapped[date | None] = mapped_column()
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_imports.id", ondelete="SET NULL")
    )

    answers: Mapped[list["SurveyAnswer"]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("survey_id", "respondent_ref"),)


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __audited__ = False

    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[int | None] = mapped_column()  # 1–5 on a scale, 1/0 for yes/no
    text: Mapped[str | None] = mapped_column(Text)  # free text
