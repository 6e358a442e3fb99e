"""Declarative processes: loading and checking process documents, and the registry of guards and
effects they name.

A process (``schemas/process.schema.json``) is data: states, and transitions with the roles that may
fire them, guards that must pass and effects that run inside the transition's transaction. The core
ships the generic ``standard`` process (the eight case kinds of seeds 000/001); plugins add theirs
through ``register_processes`` and their guards and effects through ``register_guards`` and
``register_effects``. A process naming an unknown state, guard or effect is refused when the app is
created, with a message that says which.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.plumbing.errors import UserError
from core.services.case_memo import flush
from core.services.schema_files import schema_errors

if TYPE_CHECKING:
    from core.services.accounts import Actor
    from core.plumbing.models import Case, Center, Document, ItemVersion
    from core.services.runtime import GovHall

CORE_PROCESS_DIR = Path(__file__).resolve().parent / "processes"
SAME_STATE = "="

Guard = Callable[["TransitionContext"], Awaitable[list[UserError]]]
Effect = Callable[..., Awaitable[None]]
EffectGroup = Callable[["TransitionContext", Sequence[Mapping[str, Any]]], Awaitable[None]]


def before_insert(effect: Effect) -> Effect:
    """Mark a core effect that may run on a submission before its case is written (the case has
    no id or number yet: :mod:`core.plumbing.new_case`): it changes the case in memory (marking the
    fields with ``ctx.touch``), keeps the rows it makes for the case through the case memo
    (:mod:`core.services.case_memo`), reads none of the case's rows from the database and writes
    none directly."""
    effect.before_insert = True  # type: ignore[attr-defined]
    return effect


class ProcessError(Exception):
    """A process document is broken: the app refuses to start with it."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    to: str
    roles: frozenset[str]
    comment_required: bool
    edits_data: bool
    set_kind: str | None
    guards: tuple[str, ...]
    effects: tuple[Mapping[str, Any], ...]
    roles_from: Mapping[str, frozenset[str]] = field(default_factory=dict)
    department_only: bool = False
    decision: bool = False

    def target(self, current: str) -> str:
        return current if self.to == SAME_STATE else self.to

    def roles_for(self, state: str) -> frozenset[str]:
        """Who may fire the action from ``state``: ``rolesFrom[state]`` where given, else ``roles``."""
        return self.roles_from.get(state, self.roles)

    @property
    def opinion_required(self) -> bool:
        """A decision always needs the decider's opinion (意见), as does ``commentRequired``."""
        return self.comment_required or self.decision


@dataclass(frozen=True)
class Process:
    id: str
    name: str
    initial: str
    states: Mapping[str, Mapping[str, Any]]
    transitions: tuple[Transition, ...]
    on_submit: tuple[Mapping[str, Any], ...]
    source: str
    description: str = ""

    def state_label(self, state: str) -> str:
        return self.states.get(state, {}).get("label", state)

    def is_completed(self, state: str) -> bool:
        return bool(self.states.get(state, {}).get("completed"))

    def is_terminal(self, state: str) -> bool:
        return bool(self.states.get(state, {}).get("terminal"))

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def find(self, state: str, action: str) -> Transition | None:
        for t in self.transitions:
            if t.action == action and state in t.sources:
                return t
        return None

    def states_with_queue(self, queue: str) -> list[str]:
        return [name for name, s in self.states.items() if s.get("queue") == queue]

    def awaits_pickup(self, state: str) -> bool:
        """Whether a case in ``state`` waits at the pickup window (the state's ``queue`` is ``pickup``):
        decided (办结), its result not handed out yet."""
        return self.states.get(state, {}).get("queue") == "pickup"


@dataclass
class TransitionContext:
    """Everything a guard or effect may look at or change during one transition."""

    govhall: GovHall
    actor: Actor
    center: Center
    case: Case
    item: ItemVersion
    process: Process
    transition: Transition
    comment: str
    params: dict[str, Any]
    from_state: str
    to_state: str
    role: str
    changes: dict[str, Any] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    case_fields: set[str] = field(default_factory=set)

    def touch(self, *names: str) -> None:
        """Mark case fields an effect changed, so the final UPDATE writes them."""
        self.case_fields.update(names)


def _parse(doc: Mapping[str, Any], source: str) -> Process:
    transitions = tuple(
        Transition(
            action=t["action"],
            label=t["label"],
            sources=frozenset(t["from"]),
            to=t["to"],
            roles=frozenset(t["roles"]),
            comment_required=bool(t.get("commentRequired")),
            edits_data=bool(t.get("editsData")),
            set_kind=t.get("setKind"),
            guards=tuple(t.get("guards", ())),
            effects=tuple(t.get("effects", ())),
            roles_from={state: frozenset(roles) for state, roles in t.get("rolesFrom", {}).items()},
            department_only=bool(t.get("departmentOnly")),
            decision=bool(t.get("decision")),
        )
        for t in doc["transitions"]
    )
    return Process(
        id=doc["id"], name=doc["name"], initial=doc["initial"], states=doc["states"],
        transitions=transitions, on_submit=tuple(doc.get("onSubmit", ())), source=source,
        description=str(doc.get("description", "")),
    )


def check_process(doc: Any, guards: Iterable[str], effects: Iterable[str]) -> list[UserError]:
    """Every problem of a process document: its schema, then states, guards and effects it names."""
    errors = schema_errors("process", doc)
    if errors:
        return errors
    guards, effects = set(guards), set(effects)
    states = set(doc["states"])
    if doc["initial"] not in states:
        errors.append(UserError("unknown_state", f"初始状态“{doc['initial']}”未定义", "/initial"))
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(doc["transitions"]):
        for j, s in enumerate(t["from"]):
            if s not in states:
                errors.append(UserError("unknown_state", f"动作“{t['action']}”的起始状态“{s}”未定义", f"/transitions/{i}/from/{j}"))
            if (t["action"], s) in seen:
                errors.append(UserError("duplicate", f"动作“{t['action']}”在状态“{s}”下重复定义", f"/transitions/{i}/from/{j}"))
            seen.add((t["action"], s))
        for s in t.get("rolesFrom", {}):
            if s not in t["from"]:
                errors.append(UserError("unknown_state", f"动作“{t['action']}”的 rolesFrom 状态“{s}”不是它的起始状态", f"/transitions/{i}/rolesFrom/{s}"))
        if t["to"] != SAME_STATE and t["to"] not in states:
            errors.append(UserError("unknown_state", f"动作“{t['action']}”的目标状态“{t['to']}”未定义", f"/transitions/{i}/to"))
        for j, g in enumerate(t.get("guards", [])):
            if g not in guards:
                errors.append(UserError("unknown_guard", f"动作“{t['action']}”引用了未知的检查“{g}”", f"/transitions/{i}/guards/{j}"))
        for j, e in enumerate(t.get("effects", [])):
            if e["effect"] not in effects:
                errors.append(UserError("unknown_effect", f"动作“{t['action']}”引用了未知的效果“{e['effect']}”", f"/transitions/{i}/effects/{j}/effect"))
    for j, e in enumerate(doc.get("onSubmit", [])):
        if e["effect"] not in effects:
            errors.append(UserError("unknown_effect", f"提交时引用了未知的效果“{e['effect']}”", f"/onSubmit/{j}/effect"))
    return errors


@dataclass
class ProcessRegistry:
    """The processes, guards and effects of one app."""

    processes: dict[str, Process]
    guards: dict[str, Guard]
    effects: dict[str, Effect]
    plugin_effects: frozenset[str] = frozenset()  # the effects plugins registered (core ones replaced too)
    # core effects that run several of themselves in a row as one (an accept's notices: numbered in
    # one statement), given each one's parameters; none for an effect a plugin replaced
    together: Mapping[str, EffectGroup] = field(default_factory=dict)

    def get(self, process_id: str) -> Process:
        return self.processes[process_id]

    @cached_property
    def ended_states(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each process with its states that are completed or terminal: a case in any other state
        of its process is open, as :func:`core.services.handover.open_cases_of` decides (the duplicate
        filing check leaves out the returned too: :data:`core.services.duplicate_cases.NOT_PENDING`)."""
        return tuple(
            (p.id, tuple(s for s in p.states if p.is_terminal(s) or p.is_completed(s))) for p in self.processes.values()
        )

    def submits_before_insert(self, process: Process) -> bool:
        """Whether every effect ``process`` runs on submission is a core effect that may run
        before the case is written (:func:`before_insert`; none replaced by a plugin)."""
        return all(
            e["effect"] not in self.plugin_effects and getattr(self.effects[e["effect"]], "before_insert", False)
            for e in process.on_submit
        )

    @classmethod
    def build(
        cls, govhall: GovHall, *, core_guards: Mapping[str, Guard], core_effects: Mapping[str, Effect],
        core_together: Mapping[str, EffectGroup] | None = None,
    ) -> "ProcessRegistry":
        """The core's processes and the plugins', checked against the core's guards and effects
        (passed in: they are built on this module) and the ones plugins register."""
        guards: dict[str, Guard] = dict(core_guards)
        effects: dict[str, Effect] = dict(core_effects)
        plugin_effects: set[str] = set()
        for contributed in govhall.pm.hook.register_guards():
            guards.update(contributed)
        for contributed in govhall.pm.hook.register_effects():
            effects.update(contributed)
            plugin_effects.update(contributed)
        documents: list[tuple[str, Mapping[str, Any]]] = [
            (str(path), json.loads(path.read_text("utf-8"))) for path in sorted(CORE_PROCESS_DIR.glob("*.json"))
        ]
        for name, plugin in govhall.pm.list_name_plugin():
            impl = getattr(plugin, "register_processes", None)
            if impl is not None:
                documents.extend((f"plugin {name}", doc) for doc in impl() or ())
        processes: dict[str, Process] = {}
        for source, doc in documents:
            problems = check_process(doc, guards, effects)
            if problems:
                lines = "\n".join(f"  {e.path or '/'}: {e.message}" for e in problems)
                raise ProcessError(f"流程文件有误（{source}）：\n{lines}")
            if doc["id"] in processes:
                raise ProcessError(f"流程标识“{doc['id']}”重复：{processes[doc['id']].source} 与 {source}")
            processes[doc["id"]] = _parse(doc, source)
        together = {name: group for name, group in (core_together or {}).items() if name not in plugin_effects}
        return cls(
            processes=processes, guards=guards, effects=effects, plugin_effects=frozenset(plugin_effects), together=together
        )


def effect_applies(effect: Mapping[str, Any], ctx: TransitionContext) -> bool:
    """An effect's ``when``: only for some case kinds, only for joint items, only with a certificate."""
    when = effect.get("when")
    if not when:
        return True
    if "kind" in when and ctx.case.kind not in when["kind"]:
        return False
    if "joint" in when and bool(ctx.item.definition.get("jointDepartments")) != when["joint"]:
        return False
    if "certificate" in when and bool(ctx.item.definition.get("certificate")) != when["certificate"]:
        return False
    return True


def _params(effect: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in effect.items() if k not in ("effect", "when")}


async def run_effects(ctx: TransitionContext, effects: Iterable[Mapping[str, Any]]) -> None:
    registry: ProcessRegistry = ctx.govhall.processes
    listed = list(effects)
    i = 0
    while i < len(listed):
        effect = listed[i]
        i += 1
        if not effect_applies(effect, ctx):
            continue
        name = effect["effect"]
        together = registry.together.get(name)
        if together is not None:  # the same core effect right after it (an accept's notices): run as one
            group = [_params(effect)]
            while i < len(listed) and listed[i]["effect"] == name:
                if effect_applies(listed[i], ctx):
                    group.append(_params(listed[i]))
                i += 1
            if len(group) > 1:
                await together(ctx, group)
                continue
        if name in registry.plugin_effects:
            await flush(ctx.case)  # a plugin's effect finds the rows the core's wrote (see case_memo)
        await registry.effects[name](ctx, **_params(effect))
