"""What every applied file import records: the file, who sent it, its counts and its rows'
errors. A domain's import table (grant_imports, survey_imports) takes these columns and adds its
own (the digest's index, the file's size, the survey it belongs to)."""

from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class ImportRecord:
    """Columns shared by every import record (a mixin of a mapped class)."""

    # Audited once, with its counts, when the import is done; not row by row.
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column()
    actor_name: Mapped[str] = mapped_column(String(200))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    # [{"row": 7, "field": "cvr", "column": "CVR-nr.", "message": "…"}], the first ones kept.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
