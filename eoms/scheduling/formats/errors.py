"""The one error a reader raises for input it cannot use."""

from __future__ import annotations


class FormatError(ValueError):
    """A schedule file that cannot be read.

    ``code`` is stable (callers translate it): ``empty``, ``too_large``, ``unknown_format``,
    ``xml_invalid``, ``xml_unsafe`` (entities, DTDs: an XML bomb), ``xer_invalid``,
    ``encoding``, ``project_not_found``, ``no_tasks``. ``detail`` says where, for logs.
    """

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
