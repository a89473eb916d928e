"""Form controls drawn with plain strings: the same HTML as WTForms 3.3's widgets, faster (issue 13).

WTForms builds each attribute with ``Markup.format``, finds a field's flags with ``dir()`` and
inspects ``render_option``'s signature for every ``<select>``; on a page with forms that was
15-27% of the time. These renderers give the same elements, attributes (in WTForms' sorted
order) and text, escaped with ``markupsafe.escape`` as WTForms does. They know only the widget
classes listed in ``RENDERERS``, matched exactly (a subclass may draw itself differently);
``render`` answers None for anything else, and ``PortalForm.Meta`` lets WTForms draw it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape
from wtforms import widgets as w
from wtforms.widgets.core import clean_key

Attrs = dict[str, Any]


def _quoted(value: Any) -> str:
    """An attribute value as ``html_params`` writes it: escaped, and a quote kept by markup as ``&quot;``."""
    text = escape(value)
    return str.replace(text, '"', "&quot;") if '"' in text else text


def attributes(kw: Attrs) -> str:
    """``html_params`` without Markup: sorted by name; True a bare name, False left out (None is "None")."""
    parts: list[str] = []
    for key in sorted(kw):
        value, name = kw[key], escape(key)  # names come from templates, escaped all the same (as WTForms)
        if value is True:
            parts.append(name)
        elif value is not False:
            parts.append(f'{name}="{_quoted(value)}"')
    return " ".join(parts)


def _flags(widget: Any, field: Any, kw: Attrs, call: bool) -> None:
    """The field's flags the widget turns into attributes (required, maxlength, ...) unless given.

    ``vars`` holds what ``dir(flags)`` finds, without its cost; only inputs call a callable flag."""
    flags = vars(field.flags)
    for key in widget.validation_attrs:
        if key in flags and key not in kw:
            value = flags[key]
            kw[key] = value() if call and callable(value) else value


def _input(widget: Any, field: Any, kw: Attrs) -> str:
    kw.setdefault("id", field.id)
    kw.setdefault("type", widget.input_type)
    if "value" not in kw:
        kw["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in kw:
        kw["list"] = datalist if isinstance(datalist, str) else datalist.id
    _flags(widget, field, kw, call=True)
    kw["name"] = field.name
    return f"<input {attributes(kw)}>"


def _password(widget: Any, field: Any, kw: Attrs) -> str:
    if widget.hide_value:  # a password is never drawn back into the page, even if given
        kw["value"] = ""
    return _input(widget, field, kw)


def _checkbox(widget: Any, field: Any, kw: Attrs) -> str:
    if getattr(field, "checked", field.data):  # an option of a multiple choice has `checked`
        kw.setdefault("checked", True)
    return _input(widget, field, kw)


def _radio(widget: Any, field: Any, kw: Attrs) -> str:
    if field.checked:
        kw.setdefault("checked", True)
    return _input(widget, field, kw)


def _file(widget: Any, field: Any, kw: Attrs) -> str:
    kw["value"] = False  # browsers ignore a file input's value
    if widget.multiple:
        kw["multiple"] = True
    return _input(widget, field, kw)


def _number(widget: Any, field: Any, kw: Attrs) -> str:
    for key in ("step", "min", "max"):
        value = getattr(widget, key)
        if value is not None:
            kw.setdefault(key, value)
    return _input(widget, field, kw)


def _date(widget: Any, field: Any, kw: Attrs) -> str:
    """A date or time: a min or max that is a date is written in the field's own format."""
    form = getattr(field, "format", None)
    if form is not None:
        form = form[0] if isinstance(form, list) else form
        for key in ("min", "max"):
            value: Any = kw.get(key, getattr(field.flags, key, None))
            if callable(value):
                value = value()
            if hasattr(value, "strftime"):
                kw[key] = value.strftime(form)
    return _input(widget, field, kw)


def _textarea(widget: Any, field: Any, kw: Attrs) -> str:
    kw.setdefault("id", field.id)
    _flags(widget, field, kw, call=False)
    kw["name"] = field.name
    return f"<textarea {attributes(kw)}>\r\n{escape(field._value())}</textarea>"


def option(choice: Any) -> str:
    """One ``<option>``, as ``Select.render_option`` draws it."""
    value = choice.value
    if isinstance(value, bool):
        value = str(value)
    label = choice.label
    if label.__class__ is LazyString:
        # What escape() makes of a lazy string (it has __html__, so it is taken as markup),
        # translated once here where WTForms translates it twice.
        label = Markup(str(label))  # noqa: S704 (as WTForms: a lazy string is taken as markup)
    text = escape(label or choice.value)
    if choice.render_kw:
        kw = {"value": value, **{clean_key(k): v for k, v in choice.render_kw.items()}}
        if choice.selected:
            kw["selected"] = True
        return f"<option {attributes(kw)}>{text}</option>"
    if choice.selected:
        return f'<option selected value="{_quoted(value)}">{text}</option>'
    return f'<option value="{_quoted(value)}">{text}</option>'


def _select(widget: Any, field: Any, kw: Attrs) -> str:
    kw.setdefault("id", field.id)
    if widget.multiple:
        kw["multiple"] = True
    _flags(widget, field, kw, call=False)
    kw["name"] = field.name
    html = [f"<select {attributes(kw)}>"]
    if field.has_groups():
        for group, choices in field._iter_groups_normalized():
            if group is not None:
                html.append(f"<optgroup {attributes({'label': group})}>")
            html.extend(map(option, choices))
            if group is not None:
                html.append("</optgroup>")
    else:
        html.extend(map(option, field._iter_choices_normalized()))
    html.append("</select>")
    return "".join(html)


Renderer = Callable[[Any, Any, Attrs], str]
RENDERERS: dict[type, Renderer] = {
    w.TextInput: _input,
    w.EmailInput: _input,
    w.HiddenInput: _input,
    w.SearchInput: _input,
    w.TelInput: _input,
    w.URLInput: _input,
    w.PasswordInput: _password,
    w.CheckboxInput: _checkbox,
    w.RadioInput: _radio,
    w.FileInput: _file,
    w.NumberInput: _number,
    w.DateInput: _date,
    w.DateTimeLocalInput: _date,
    w.TimeInput: _date,
    w.TextArea: _textarea,
    w.Select: _select,
}


def render(field: Any, render_kw: Attrs) -> Markup | None:
    """The field drawn as ``DefaultMeta.render_field`` would (the field's render_kw, then the call's),
    or None when its widget is not one of ours."""
    draw = RENDERERS.get(type(field.widget))
    if draw is None:
        return None
    kw = {clean_key(k): v for k, v in render_kw.items()}
    if field.render_kw is not None:
        kw = {**{clean_key(k): v for k, v in field.render_kw.items()}, **kw}
    if "name" in kw:  # WTForms refuses a second name (TypeError); let it say so
        return None
    return Markup(draw(field.widget, field, kw))  # noqa: S704 (every value in it went through escape)
