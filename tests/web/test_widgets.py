"""portal.web.widgets draws every form control as WTForms' own widgets do: the same elements,
attributes and text, for every field of every portal form, with and without data and errors."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DataList,
    DateField,
    DateTimeLocalField,
    EmailField,
    FileField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms import widgets as w
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.choices import SelectChoice, SelectFieldBase
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Disabled, Length, NumberRange, ReadOnly

import portal.web
from portal.web import widgets
from portal.web.assessment_forms import risk_form
from portal.web.forms import PortalForm, TextListField

TRICKY = 'Ann <b>"O\'Neil"</b> & co'
# The widgets the portal's forms use: each must be drawn by portal.web.widgets, not by WTForms.
PORTAL_WIDGETS = {
    w.TextInput,
    w.PasswordInput,
    w.HiddenInput,
    w.DateInput,
    w.DateTimeLocalInput,
    w.NumberInput,
    w.CheckboxInput,
    w.RadioInput,
    w.FileInput,
    w.TextArea,
    w.Select,
}
CALLS = [
    {},
    {
        "class_": "field__input",
        "aria-describedby": "x-hint x-error",
        "aria-invalid": "true",
        "autocomplete": "off",
        "spellcheck": False,
        "autofocus": True,
    },
    {"class_": "field__input", "type": "email", "rows": 5, "inputmode": "numeric", "data_seen": '3 "q" <b>'},
    {"value": "given <&>", "required": False, "checked": False, "maxlength": 9, "id": "other-id", "tabindex": -1},
]
OPTION_CALLS = [{}, {"class_": "radio__input"}, {"class_": "checkbox__input", "checked": True}, {"checked": False}]
RENDER_KW = {"class_": "from-render-kw", "aria_label": "A & B", "title": '"t"', "autocomplete": "on"}


class _Parts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(("start", tag, tuple(sorted(attrs, key=lambda a: (a[0], a[1] or "")))))

    def handle_endtag(self, tag):
        self.parts.append(("end", tag))

    def handle_data(self, data):
        self.parts.append(("text", data))


def parts(html: str) -> list[tuple]:
    """Elements, their attributes (in any order) and text, as a browser would read them."""
    parser = _Parts()
    parser.feed(html)
    parser.close()
    assert parser.parts, f"nothing drawn: {html!r}"
    return parser.parts


def assert_drawn_alike(field, kw: dict, where: str) -> type:
    """The fast path and WTForms' own rendering (DefaultMeta.render_field: render_kw merged, then
    field.widget(field, **kw)) give the same HTML; the form's own call takes the fast path."""
    own = DefaultMeta.render_field(field.meta, field, dict(kw))
    fast = widgets.render(field, dict(kw))
    kind = type(field.widget)
    if kind not in PORTAL_WIDGETS:
        assert fast is None, f"{where}: {kind.__name__} is not a portal widget"
        assert field(**kw) == own, where
        return kind
    assert fast is not None, f"{where}: {kind.__name__} is left to WTForms"
    assert isinstance(fast, Markup), where
    assert parts(fast) == parts(own), f"{where} with {kw}:\n{fast}\n{own}"
    assert field(**kw) == fast, where
    return kind


def _portal_forms() -> list[type]:
    for module in pkgutil.iter_modules(portal.web.__path__):
        importlib.import_module(f"portal.web.{module.name}")
    found, todo = [], [PortalForm]
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        if form.__module__.startswith("portal.") and form.__name__ != "PeopleRiskForm":
            found.append(form)
    found.append(risk_form([("p1", "Alex <A&B>"), ("p2", "Sam")]))
    return found


def _give_choices(form) -> None:
    """Choices the views set at request time, so those selects have options to draw."""
    for field in form:
        if isinstance(field, SelectFieldBase) and not field.choices:
            field.choices = [SelectChoice("p1", "Alex <A&B>"), SelectChoice("p2", _l("Staff")), SelectChoice("p3")]


def _sample(field, wrong: bool) -> list[str]:
    """What a browser might send for the field: plausible, or wrong in a way WTForms draws back."""
    if isinstance(field, CSRFTokenField | FileField | MultipleFileField):
        return []
    if isinstance(field, SelectFieldBase):
        values = [choice.value for choice in field.iter_choices()]
        if wrong:
            return ['not <a> "choice"']
        return values[1:3] if isinstance(field, SelectMultipleField) else values[-1:]
    if isinstance(field, BooleanField):
        return ['<"y">'] if wrong else ["y"]
    if isinstance(field, DateTimeLocalField):
        return [TRICKY] if wrong else ["2024-02-29T13:45"]
    if isinstance(field, DateField):
        return ["2024-02-30"] if wrong else ["2024-02-29"]
    if isinstance(field, IntegerField):
        return ["1e<3"] if wrong else ["12"]
    if isinstance(field, TextListField):
        return [TRICKY, "two"]
    return [TRICKY * 20] if wrong else [TRICKY]


def _draw_all(form, where: str) -> set[type]:
    seen = set()
    for field in form:
        if field.widget is None:  # TextListField: read from the request, never drawn
            continue
        here = f"{where}.{field.name}"
        for render_kw in (None, RENDER_KW):
            field.render_kw = render_kw
            for kw in CALLS:
                seen.add(assert_drawn_alike(field, kw, here))
            if isinstance(field, SelectFieldBase) and type(field.option_widget) in PORTAL_WIDGETS:
                for option in field:  # radios and checkboxes, drawn one by one in the templates
                    for kw in OPTION_CALLS:
                        seen.add(assert_drawn_alike(option, kw, f"{here}:{option.id}"))
    return seen


def test_every_field_of_every_portal_form_is_drawn_as_wtforms_draws_it(app):
    forms = _portal_forms()
    assert len(forms) > 40
    seen: set[type] = set()
    multiple = False
    with app.test_request_context("/"):
        for form_class in forms:
            where = f"{form_class.__module__}.{form_class.__qualname__}"
            blank = form_class(formdata=None)
            _give_choices(blank)
            seen |= _draw_all(blank, f"{where}(blank)")
            for wrong in (False, True):
                data = MultiDict([(f.name, value) for f in blank for value in _sample(f, wrong)])
                form = form_class(formdata=data)
                _give_choices(form)
                form.validate()
                if wrong:
                    assert any(f.errors for f in form), where
                seen |= _draw_all(form, f"{where}({'wrong' if wrong else 'sent'})")
                multiple |= any(isinstance(f, SelectMultipleField) and f.data for f in form)
    assert seen >= PORTAL_WIDGETS, PORTAL_WIDGETS - seen
    assert multiple, "no select-multiple field was drawn with data"


def test_a_form_draws_its_fields_without_wtforms_widgets(app, monkeypatch):
    """Proof that PortalForm.Meta sends the portal's widgets down the fast path."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("drawn by WTForms")

    for kind in PORTAL_WIDGETS:
        monkeypatch.setattr(kind, "__call__", refuse)
    from portal.web.caseload import CaseFilterForm
    from portal.web.forms import NotificationChoicesForm

    with app.test_request_context("/"):
        notifications = NotificationChoicesForm(formdata=MultiDict({"channel": "sms", "phone": "<07911>"}))
        assert 'value="&lt;07911&gt;"' in notifications.phone(class_="field__input")
        assert 'type="checkbox"' in str(notifications.by_email)
        assert [str(option) for option in notifications.channel][1].startswith("<input checked")
        assert "<select" in CaseFilterForm(formdata=None).stage()
        assert 'type="hidden"' in str(notifications.csrf_token)


class _Shout(w.TextInput):
    def __call__(self, field, **kwargs):
        return Markup("<shout>%s</shout>") % field._value()


def test_a_widget_it_does_not_know_is_drawn_by_wtforms(app):
    class Unknown(PortalForm):
        class Meta(PortalForm.Meta):
            csrf = False

        loud = StringField(widget=_Shout())  # a subclass of a known widget may draw itself differently
        plain = StringField(widget=lambda field, **kw: Markup("<b>%s</b>") % kw.get("class", ""))
        submit = BooleanField(widget=w.SubmitInput())
        channel = RadioField(choices=[SelectChoice("a", "A"), SelectChoice("b", "<B>")], default="b")
        text = StringField()

    with app.test_request_context("/"):
        form = Unknown(formdata=MultiDict({"loud": "<hi>"}))
        assert widgets.render(form.loud, {}) is None
        assert form.loud() == Markup("<shout>&lt;hi&gt;</shout>")
        assert form.plain(class_="x") == Markup("<b>x</b>")
        assert widgets.render(form.submit, {}) is None
        assert parts(form.submit()) == parts(w.SubmitInput()(form.submit))
        # The list of radios is WTForms' own; each radio in it is drawn by the fast path.
        assert widgets.render(form.channel, {}) is None
        assert parts(form.channel(class_="r")) == parts(
            DefaultMeta.render_field(form.meta, form.channel, {"class_": "r"})
        )
        with pytest.raises(TypeError):  # WTForms refuses a second name, and still does
            form.text(name="other")
        with pytest.raises(TypeError):
            form.channel.__iter__().__next__()(name="other")


def _pattern() -> str:
    return "[a-z]+"


class _Flags:
    """A validator that only sets flags: min and max as dates (one computed), a pattern computed."""

    def __init__(self, **flags):
        self.field_flags = flags

    def __call__(self, form, field):
        return None


def test_widgets_the_portal_does_not_use_yet_are_drawn_as_wtforms_draws_them(app):
    class Odd(PortalForm):
        class Meta(PortalForm.Meta):
            csrf = False

        email = EmailField(validators=[DataRequired(), Length(min=3, max=9)])
        search = SearchField(validators=[ReadOnly()])
        tel = TelField(validators=[Disabled()])
        url = URLField(datalist=DataList(["https://a.example", "https://b.example"]))
        listed = StringField(datalist="shared-list", validators=[_Flags(pattern=_pattern)])
        time = TimeField(validators=[_Flags(min=datetime(2024, 1, 1, 9, 30))])
        day = DateField(validators=[_Flags(min=date(2024, 1, 1), max=lambda: date(2030, 12, 31))])
        count = IntegerField(widget=w.NumberInput(step=5, min=0), validators=[NumberRange(max=100)])
        shown = PasswordField(widget=w.PasswordInput(hide_value=False))
        hidden = PasswordField()
        notes = TextAreaField(validators=[DataRequired(), Length(max=20)])
        grouped = SelectField(
            choices=[
                SelectChoice("", ""),
                SelectChoice("a", _l("<em>Lazy</em> & trusted"), optgroup="First <group>"),
                SelectChoice("b", 'B "quoted"', render_kw={"class_": "opt", "data_x": 'y"z', "disabled": True}),
                SelectChoice("c", Markup('<i>"C"</i>'), optgroup=Markup('Mark "up"')),
            ],
            default="b",
        )
        many = SelectMultipleField(
            choices=[SelectChoice("1", "One"), SelectChoice("2", "Two"), SelectChoice("3")],
            validators=[DataRequired()],
        )
        flag = SelectField(coerce=lambda v: v == "True", choices=[SelectChoice(True, "Yes"), SelectChoice(False, "")])
        ticks = SelectMultipleField(
            choices=[SelectChoice("x", "X"), SelectChoice("y", "Y")], option_widget=w.CheckboxInput()
        )
        agreed = BooleanField(validators=[DataRequired()])

    odd_calls = [
        {"value": Markup('a "b" <c>'), "title": None, "for_": "me", "data_two_words": "x", "min": date(2020, 5, 6)},
        {"max": "2031-01-01", "size": 3, "multiple": False, "class": "c"},
    ]
    with app.test_request_context("/"):
        for data in (
            None,
            MultiDict(
                [
                    ("email", TRICKY),
                    ("shown", TRICKY),
                    ("hidden", TRICKY),
                    ("notes", "line\nnext <&>"),
                    ("grouped", "c"),
                    ("many", "1"),
                    ("many", "3"),
                    ("flag", "True"),
                    ("ticks", "y"),
                    ("agreed", "y"),
                    ("count", "7"),
                    ("day", "2024-05-06"),
                ]
            ),
        ):
            form = Odd(formdata=data)
            form.validate()
            for field in form:
                field.render_kw = {"class_": "base", "data_from": "render_kw"}
                for kw in [*CALLS, *odd_calls]:
                    kind = type(field.widget)
                    fast = widgets.render(field, dict(kw))
                    assert fast is not None, kind
                    own = DefaultMeta.render_field(field.meta, field, dict(kw))
                    assert parts(fast) == parts(own), f"{field.name} with {kw}:\n{fast}\n{own}"
                if isinstance(field, SelectMultipleField) and field.name == "ticks":
                    for option in field:
                        for kw in OPTION_CALLS:
                            assert parts(option(**kw)) == parts(DefaultMeta.render_field(option.meta, option, kw))
        assert 'value=""' in form.hidden() and 'value="Ann' in form.shown()
        assert '<optgroup label="First &lt;group&gt;">' in form.grouped()
        assert "<em>Lazy</em>" in form.grouped()  # WTForms takes a lazy string as markup, and so do we
        assert 'list="url-datalist"' in form.url() and 'pattern="[a-z]+"' in form.listed()
        assert 'min="09:30"' in form.time() and 'max="2030-12-31"' in form.day()
