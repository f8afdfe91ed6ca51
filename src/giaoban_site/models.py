"""The council's registers: what a content type's items are beyond their fields.

A type with a model (content_types.Model) is read, checked and published by it in two steps:

- when a file is parsed (in a worker), ``fill`` derives the common fields the model can
  (a document's title, date and address come from its number) and ``check`` checks what one file
  alone can tell, at its line;
- once the site model is built, ``arrange`` files every item of the type into a ``Register``:
  relations between items and with other types, problems only the whole site shows (two documents
  with one number), and the register's own pages (filters, directories) with their contexts.

Adding a register is one module with a model class and one entry in MODELS.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from .content_types import ContentType, Model
from .delegates import DelegateModel
from .documents import DocumentModel
from .sessions import SessionModel
from .site import RegisterKey

if TYPE_CHECKING:
    from .content import Document, FieldReader
    from .errors import Problem
    from .render import PageJob
    from .site import Site


class Register(Protocol):
    """A model's arrangement of one type's published items, for one build."""

    def problems(self) -> list[Problem]:
        """What only the whole site shows (duplicates, references to nothing), each at file:line."""

    def jobs(self) -> list[PageJob]:
        """The register's own pages: indexes, filters, directories."""

    def context(self, key: RegisterKey, number: int) -> dict:
        """The template context of one of its pages (its ``number``-th, when paginated)."""

    def item_context(self, doc: Document) -> dict:
        """What an item's own page shows beyond the item (its relations)."""

    def home_context(self) -> dict:
        """What the home page shows of the register."""

    def item_data(self, doc: Document) -> dict:
        """What the site's data file (open_data.py) says of an item beyond its fields: its status, relations."""

    def changes_at(self) -> list[dt.datetime]:
        """Future moments at which its pages change by themselves (a document coming into force)."""


class TypeModel(Protocol):
    own_fields: frozenset[str]  # fields it reads itself, beyond the type's declared ones
    title_field: str  # the field `giaoban new "..."` fills with its text

    def fill(self, reader: FieldReader, content_type: ContentType) -> None:
        """Derive missing common fields from the model's own (before they are read)."""

    def check(self, doc: Document, reader: FieldReader, content_type: ContentType) -> Document:
        """The parsed item, its own fields read (a delegate's changes); raises its first problem at its line."""

    def arrange(self, site: Site, content_type: ContentType) -> Register: ...


def model_of(content_type: ContentType) -> TypeModel | None:
    return MODELS.get(content_type.model)


def arrange_registers(site: Site) -> None:
    """Fill ``site.registers`` by type name: documents first, as the others refer to them (a register
    may look at those arranged before it)."""
    order = {Model.DOCUMENT: 0, Model.SESSION: 1, Model.DELEGATE: 2}
    site.registers = {}
    for content_type in sorted(site.config.types, key=lambda t: order.get(t.model, 9)):
        model = model_of(content_type)
        if model is not None:
            site.registers[content_type.name] = model.arrange(site, content_type)


MODELS: dict[Model, TypeModel] = {Model.DOCUMENT: DocumentModel(), Model.SESSION: SessionModel(), Model.DELEGATE: DelegateModel()}
