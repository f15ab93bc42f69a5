"""Links in the page: "Copy link" writes the open tab's inputs as a URL, and opening such a URL puts the page back
in that state (the tab, the model, the language, every input; with run=1 it computes the view, as a click on
the tab's button would). Plus the presentation-mode switch (large type, fewer controls), and the page CSS of
both (with the lesson chart's width on a phone: a links-and-lessons rule, kept out of the app's own CSS).

A tab's linkable inputs are read from the built app: the inputs of the tab's public events (those with an
api_name), each under its API parameter name, so a link and an API call name a value the same way and a new
tab is linkable without code here. So are its sub-tabs (a gr.Tabs inside the tab, each gr.Tab with an id):
a sub-tab's event is the first public event that a component inside it triggers, and a link that names the
sub-tab (`view`) selects it, runs that event with run=1, and "Copy link" in it writes that event's inputs.
Query values are checked by playground.core.links and only ever set as component values; the rest is ignored
and listed in a note.

Not here: the link format and its checks (playground.core.links), the tabs' own handlers.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from playground import config
from playground.choice import ModelChoice
from playground.core import links as core
from playground.i18n import Translatable, register, t

QUIET: dict[str, Any] = {"api_visibility": "private", "queue": False, "show_progress": "hidden"}
RUN: dict[str, Any] = {"api_visibility": "private", "show_progress": "minimal"}  # queued: it may stream
KINDS = {"Slider": "number", "Number": "number", "Checkbox": "bool", "Radio": "choice", "Dropdown": "choice"}
# Copy the link into the clipboard (where the browser allows it) and show the full URL.
COPY_JS = """(q) => { const u = window.location.origin + window.location.pathname + q;
  try { navigator.clipboard.writeText(u); } catch (e) {} return u; }"""
PRESENT_JS = "(on) => { document.body.classList.toggle('lp-present', !!on); }"
CSS = """
body.lp-present { --text-xs: 16px; --text-sm: 18px; --text-md: 22px; --text-lg: 26px; --text-xl: 32px;
  --text-xxl: 40px; }
body.lp-present .gradio-container { font-size: 22px; max-width: 100% !important; }
body.lp-present #model-bar, body.lp-present .lp-secondary, body.lp-present #link-row .lp-link-box,
body.lp-present #app-subtitle { display: none !important; }
/* A lesson step's chart of bars or a heatmap (a tab's own chart: a token and its id under each bar, a token in
   every cell; class lp-wide, see playground.lesson_visuals) keeps a readable width on a phone, and its block
   scrolls sideways, as the Layers tab's lens does. Line charts fit any width. */
#lesson-plot.lp-wide { overflow-x: auto !important; }
#lesson-plot.lp-wide .js-plotly-plot { min-width: 640px; }
"""

register(
    {
        "links.copy": ("Copy link", "複製連結", "复制链接"),
        "links.link": ("Link to this view", "這個畫面的連結", "这个画面的链接"),
        "links.present": ("Presentation mode", "簡報模式", "演示模式"),
        "links.ignored": (
            "The link's {names} could not be used and were ignored.",
            "連結中的 {names} 無法使用，已略過。",
            "链接中的 {names} 无法使用，已忽略。",
        ),
    }
)


@dataclass
class Controls:
    """The link row: built above the tabs, wired once the tabs exist."""

    copy: gr.Button
    link: gr.Textbox
    present: gr.Checkbox
    note: gr.Markdown
    selected: gr.State  # the open tab's id
    linked: gr.State = field(default=None)  # type: ignore[assignment]  # what the opened link asked to run
    views: gr.State = field(default=None)  # type: ignore[assignment]  # tab id -> its open sub-tab's id


def controls(tr: Translatable) -> Controls:
    """The "Copy link" button, the link box, the presentation switch and the note about ignored parameters."""
    with gr.Row(elem_id="link-row"):  # on a phone the three wrap onto lines of their own (min_width)
        copy = tr.make(gr.Button, i18n={"value": "links.copy"}, size="sm", scale=0, min_width=130, elem_id="copy-link")
        present = tr.make(
            gr.Checkbox, i18n={"label": "links.present"}, value=False, scale=0, min_width=200, elem_id="present"
        )
        link = tr.make(
            gr.Textbox,
            i18n={"label": "links.link"},
            interactive=False,
            show_label=False,
            scale=4,
            min_width=240,
            elem_id="link-box",
            elem_classes=["lp-link-box"],
        )
    note = gr.Markdown("", elem_id="link-note")
    return Controls(copy, link, present, note, gr.State(""), gr.State({}), gr.State({}))


def _field(component: Any) -> core.Field | None:
    kind = KINDS.get(type(component).__name__) or ("text" if isinstance(component, gr.Textbox) else None)
    if kind == "number":
        step = getattr(component, "step", None)
        lo, hi = getattr(component, "minimum", None), getattr(component, "maximum", None)
        whole = (step is not None and float(step).is_integer() and float(lo or 0).is_integer()) or getattr(
            component, "precision", None
        ) == 0
        return core.Field("number", lo, hi, whole=bool(whole))
    if kind == "choice":
        values = tuple(str(c[1]) if isinstance(c, (tuple, list)) else str(c) for c in component.choices or [])
        return core.Field("choice", choices=values)
    if kind == "text":
        return core.Field("text", max_chars=config.settings().limits.max_input_chars)
    return core.Field("bool") if kind == "bool" else None


def _descendants(block: Any) -> Iterator[Any]:
    for child in getattr(block, "children", []) or []:
        yield child
        yield from _descendants(child)


@dataclass
class View:
    """A sub-tab: its event (run by run=1) and the parameter names a link of it writes (that event's inputs)."""

    runner: Any  # a BlockFunction
    names: list[str]


@dataclass
class TabLinks:
    inputs: dict[str, Any]  # API parameter name -> component
    fields: dict[str, core.Field]
    runner: Any = None  # the tab's first public event (a BlockFunction), run by run=1
    views: dict[str, View] = field(default_factory=dict)  # sub-tab id -> its event, in the page's order
    strip: Any = None  # the gr.Tabs that holds the sub-tabs


def _public(demo: gr.Blocks) -> list[Any]:
    return [fn for fn in demo.fns.values() if fn.api_name and fn.api_visibility == "public" and fn.fn is not None]


def _views(demo: gr.Blocks, tab: Any, inside: set[int], found: TabLinks) -> None:
    """The tab's sub-tabs, each with the first public event one of its components triggers (`inside`: the ids of
    the tab's components)."""
    for sub in _descendants(tab):
        if not isinstance(sub, gr.Tab) or sub.id is None:
            continue
        triggers = {b._id for b in _descendants(sub)}
        for fn in _public(demo):
            if any(target[0] in triggers for target in fn.targets):
                names = [n for n, c in zip(inspect.signature(fn.fn).parameters, fn.inputs) if id(c) in inside]
                found.views[str(sub.id)] = View(fn, [n for n in names if n in found.inputs])
                found.strip = sub.parent
                break


def linkable(demo: gr.Blocks, tabs: list[Any]) -> dict[str, TabLinks]:
    """Each tab id -> its linkable inputs: the inputs of its public events that sit inside the tab."""
    out: dict[str, TabLinks] = {}
    for tab in tabs:
        inside = {id(b) for b in _descendants(tab)}
        found = TabLinks({}, {})
        for fn in _public(demo):
            names = list(inspect.signature(fn.fn).parameters)
            mine = [(n, c) for n, c in zip(names, fn.inputs) if id(c) in inside]
            if not mine:
                continue
            found.runner = found.runner or fn
            for name, component in mine:
                f = _field(component)
                if f is not None and name not in found.inputs:
                    found.inputs[name], found.fields[name] = component, f
        _views(demo, tab, inside, found)
        out[str(tab.id)] = found
    return out


def wire(demo: gr.Blocks, c: Controls, tabs: gr.Tabs, items: list[Any], model: Any, lang: Any) -> None:
    """Open links, copy links, run linked views, switch presentation mode (`model`: the bar's model name)."""
    per_tab = linkable(demo, items)
    slots = [(tab_id, name, comp) for tab_id, tl in per_tab.items() for name, comp in tl.inputs.items()]
    models = tuple(e.name for e in config.settings().catalog)
    strips = [(tab_id, tl.strip) for tab_id, tl in per_tab.items() if tl.strip is not None]
    views = {tab_id: tuple(tl.views) for tab_id, tl in per_tab.items()}

    def open_link(open_views: dict | None, request: gr.Request) -> tuple[Any, ...]:
        query = dict(request.query_params) if request is not None else {}
        p = core.parse(query, {k: v.fields for k, v in per_tab.items()}, models, views)
        values = [p.values[name] if p.tab == tab_id and name in p.values else gr.skip() for tab_id, name, _ in slots]
        names = ", ".join(sorted({n for n, _ in p.ignored}))
        note = t("links.ignored", p.lang or "en", names=names) if p.ignored else ""
        linked = {"tab": p.tab, "view": p.view, "run": p.run, "model": p.model}
        picked = [gr.update(selected=p.view) if p.view and p.tab == tab_id else gr.skip() for tab_id, _ in strips]
        return (
            gr.update(selected=p.tab) if p.tab else gr.skip(),
            p.tab or gr.skip(),
            p.model or gr.skip(),
            p.lang or gr.skip(),
            True if p.present else gr.skip(),
            note,
            linked,
            {**(open_views or {}), p.tab: p.view} if p.view else gr.skip(),
            *picked,
            *values,
        )

    outputs = [tabs, c.selected, model, lang, c.present, c.note, c.linked, c.views, *(s for _, s in strips)]
    outputs += [comp for _, _, comp in slots]
    runners: dict[tuple[str, str], Any] = {}
    for tab_id, tl in per_tab.items():
        if tl.runner is not None:
            runners[(tab_id, "")] = tl.runner
        runners.update({(tab_id, view): v.runner for view, v in tl.views.items()})
    run_linked, ins, outs = _runner(runners, {fn.api_name: fn for fn in _public(demo)})
    demo.load(open_link, [c.views], outputs, **QUIET).then(run_linked, [c.linked, *ins], outs, **RUN)
    for tab in items:
        tab.select(lambda tid=str(tab.id): tid, None, c.selected, **QUIET)
    for tab_id, tl in per_tab.items():
        for sub in tl.strip.children if tl.strip is not None else []:
            if str(getattr(sub, "id", None)) in tl.views:
                sub.select(
                    lambda now, tid=tab_id, vid=str(sub.id): {**(now or {}), tid: vid}, c.views, c.views, **QUIET
                )

    all_inputs = [comp for _, _, comp in slots]

    def copy_link(selected: str, model_name: str, page_lang: str, present: bool, open_views: dict, *values: Any) -> str:
        tab_id = selected or str(items[0].id)
        mine = {name: v for (tid, name, _), v in zip(slots, values) if tid == tab_id}
        tl, view = per_tab[tab_id], None
        if tl.views:  # a tab with sub-tabs: the open one (the first until another is picked) and its inputs
            view = (open_views or {}).get(tab_id) or next(iter(tl.views))
            mine = {name: mine[name] for name in tl.views[view].names if name in mine}
        # A tab with a model field of its own (Architecture, VRAM) links that model: one `model` parameter.
        model_name = mine.pop("model", None) or model_name
        page = {"view": view, "model": model_name or None, "lang": page_lang, "run": True, "present": bool(present)}
        return core.query(tab_id, mine, **page)

    c.copy.click(copy_link, [c.selected, model, lang, c.present, c.views, *all_inputs], c.link, **QUIET).then(
        None, c.link, c.link, js=COPY_JS, **QUIET
    )
    c.present.change(None, c.present, None, js=PRESENT_JS, **QUIET)


def _unique(components: list[Any]) -> list[Any]:
    return list({id(x): x for x in components}.values())


def _runner(runners: dict[tuple[str, str], Any], by_name: dict[str, Any]) -> tuple[Any, list[Any], list[Any]]:
    """One handler for every tab (one queued event per page open, not one per tab): it runs the linked view's
    event (the linked sub-tab's, else the tab's first public event) when the link says run=1, after the event
    core.BEFORE names for it, and changes nothing otherwise. Returns it with its inputs and outputs (the union
    of the events'). The link's model replaces the session's choice, whose update from the model bar may not
    have landed yet; the page's request goes to the events that take one (their session's store)."""
    events = _unique([*runners.values(), *(by_name[b[0]] for b in core.BEFORE.values() if b[0] in by_name)])
    ins = _unique([x for fn in events for x in fn.inputs])
    outs = _unique([x for fn in events for x in fn.outputs])
    where_in = {id(x): i for i, x in enumerate(ins)}
    where_out = {id(x): i for i, x in enumerate(outs)}

    def spread(fn: Any, value: Any) -> tuple[Any, ...]:
        values = value if len(fn.outputs) > 1 else (value,)
        row: list[Any] = [gr.skip()] * len(outs)
        for component, v in zip(fn.outputs, values):
            row[where_out[id(component)]] = v
        return tuple(row)

    def call(fn: Any, values: tuple[Any, ...], model: str | None, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        args = [values[where_in[id(x)]] for x in fn.inputs]
        if args and getattr(fn.inputs[0], "elem_id", None) == "model-choice" and model:
            args[0] = ModelChoice(model).to_json()
        extra = {"request": request} if "request" in inspect.signature(fn.fn).parameters else {}
        if inspect.isgeneratorfunction(fn.fn):
            for value in fn.fn(*args, **extra):
                yield spread(fn, value)
        else:
            yield spread(fn, fn.fn(*args, **extra))

    def run_linked(request: gr.Request, linked: dict | None, *values: Any) -> Iterator[tuple[Any, ...]]:
        linked = linked or {}
        fn = runners.get((linked.get("tab") or "", linked.get("view") or ""))
        if fn is None or not linked.get("run"):
            yield (gr.skip(),) * len(outs)
            return
        before, name, wanted = core.BEFORE.get(fn.api_name, ("", "", ""))
        params = list(inspect.signature(fn.fn).parameters)
        given = {n: values[where_in[id(x)]] for n, x in zip(params, fn.inputs)}
        if before in by_name and given.get(name) == wanted:
            yield from call(by_name[before], values, linked.get("model"), request)
        yield from call(fn, values, linked.get("model"), request)

    return run_linked, ins, outs
