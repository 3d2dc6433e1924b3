"""Forms that save through a service: version check, duplicate confirmation, service errors.

    class CustomerForm(ServiceFormMixin, forms.ModelForm): ...

    form = CustomerForm(request.POST, instance=customer)
    if form.is_valid():
        saved = form.submit(lambda allow_duplicate: services.update_record(
            customer, actor=request.user, data=form.service_data(),
            expected_version=form.expected_version, allow_duplicate=allow_duplicate))
        if saved is not None:
            return redirect(...)
    # else render the form again: it now carries the service's errors

What the services raise (Django ValidationError) lands on the form:
- errors naming a field go to that field, others become non-field errors;
- a stale version (code "stale") becomes the non-field error "该记录已被 X 于 … 修改";
- a possible duplicate (an error with `.matches`) lists the matches (`form.duplicates`,
  each with a link from `duplicate_url()`) and adds a "仍然保存" checkbox
  (`confirm_duplicate`); ticked, the next submit calls the service with allow_duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")
CONTROL_FIELDS = ("version", "confirm_duplicate")


class ServiceFormMixin:
    """Mix into a Form or ModelForm whose data a service function saves."""

    fields: dict[str, forms.Field]
    is_bound: bool
    data: Any
    cleaned_data: dict[str, Any]
    add_error: Callable[..., None]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        instance = getattr(self, "instance", None)
        version = getattr(instance, "version", None) if getattr(instance, "pk", None) else None
        self.duplicates: list[dict[str, str]] = []
        if version is not None:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, initial=version, label=_("版本"),
                error_messages={"required": _("缺少版本号，请刷新页面后重新编辑。")})
        if self.is_bound and "confirm_duplicate" in self.data:
            self._add_confirm_field()

    def _add_confirm_field(self) -> None:
        self.fields["confirm_duplicate"] = forms.BooleanField(
            required=False, label=_("仍然保存"),
            help_text=_("确认这不是同一条记录后勾选，再点保存。"))

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    @property
    def confirmed_duplicate(self) -> bool:
        return bool(self.cleaned_data.get("confirm_duplicate"))

    def service_data(self, *exclude: str) -> dict[str, Any]:
        """The cleaned values for the service, without the form's own control fields."""
        skip = {*CONTROL_FIELDS, *exclude}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    def duplicate_url(self, obj: Any) -> str:
        url = getattr(obj, "get_absolute_url", None)
        return url() if url else ""

    def submit(self, save: Callable[[bool], T]) -> T | None:
        """Run `save(allow_duplicate)`; on a ValidationError, show it and return None."""
        try:
            return save(self.confirmed_duplicate)
        except ValidationError as exc:
            self.show_errors(exc)
            return None

    def show_errors(self, exc: ValidationError) -> None:
        matches = getattr(exc, "matches", None)
        if matches is not None:
            self.duplicates = [{"code": str(getattr(m, "code", "")), "name": str(m),
                                "url": self.duplicate_url(m)} for m in matches]
            self._add_confirm_field()
            self.add_error(None, _("名称可能与下列已有记录重复。请核对；确认不是同一条记录时，"
                                   "勾选“仍然保存”后再保存。"))
            return
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for name, messages in exc.message_dict.items():
            target = name if name in self.fields and name != NON_FIELD_ERRORS else None
            for message in messages:
                self.add_error(target, message if target else self._prefixed(name, message))

    def _prefixed(self, name: str, message: str) -> str:
        if name == NON_FIELD_ERRORS:
            return message
        return f"{name}：{message}"
