"""Where the Edit & Merge tab keeps a session's fine-tuned adapters and its merged model: bounded, per session.

A session (a browser page, or one gradio_client Client: gradio's session hash) owns what it made, and no other
session can see it. Everything is bounded by spaces.yaml `limits`:
    max_session_adapters  adapters one session keeps (a new one drops the oldest);
    max_edit_sessions     sessions kept at once (a new session drops the least recently used one);
    max_merged_models     merged models kept at once over all sessions (each is a private copy of a model's
                          weights, so this bounds the memory; a dropped one is rebuilt from its adapter when its
                          session asks again, at the price of one copy).
`free(session)` drops everything of a session; the tab calls it when the page closes (gradio's unload event).
API clients have no page to close: the bounds above free what they leave behind.

Not here: training (core.finetune), merging (core.merge), gradio.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from playground import config
from playground.core.finetune import Adapter
from playground.errors import InputError


@dataclass
class _Session:
    adapters: OrderedDict[str, Adapter] = field(default_factory=OrderedDict)  # oldest first
    merged: Any = None  # a core.merge.MergedModel, or None


class EditStore:
    """Thread-safe: requests of one session may overlap, and every session shares the store."""

    def __init__(
        self, max_adapters: int | None = None, max_sessions: int | None = None, max_merged: int | None = None
    ) -> None:
        limits = config.settings().limits
        self.max_adapters = max(1, max_adapters or limits.max_session_adapters)
        self.max_sessions = max(1, max_sessions or limits.max_edit_sessions)
        self.max_merged = max(1, max_merged or limits.max_merged_models)
        self._sessions: OrderedDict[str, _Session] = OrderedDict()  # least recently used first
        self._merged_order: OrderedDict[str, None] = OrderedDict()  # sessions holding a merged model, LRU first
        self._lock = threading.Lock()

    def _session(self, key: str) -> _Session:
        """The session (made if new), marked as just used; drops the least recently used beyond the bound."""
        s = self._sessions.get(key)
        if s is None:
            s = self._sessions[key] = _Session()
        self._sessions.move_to_end(key)
        while len(self._sessions) > self.max_sessions:
            old, _ = self._sessions.popitem(last=False)
            self._merged_order.pop(old, None)
        return s

    def add(self, session: str, adapter: Adapter) -> str:
        """Keep `adapter` for `session`; returns its id. The session's oldest adapter goes beyond the bound,
        and with it a merged model made from it."""
        with self._lock:
            s = self._session(session)
            adapter.id = adapter.id or uuid.uuid4().hex[:8]
            s.adapters[adapter.id] = adapter
            while len(s.adapters) > self.max_adapters:
                old_id, _ = s.adapters.popitem(last=False)
                if s.merged is not None and getattr(s.merged, "adapter_id", None) == old_id:
                    self._drop_merged(session, s)
            return adapter.id

    def adapter(self, session: str, adapter_id: str | None = None) -> Adapter:
        """The session's adapter `adapter_id`, or its newest one when empty; InputError when there is none."""
        with self._lock:
            s = self._session(session)
            if not s.adapters:
                raise InputError("This session has no fine-tuned adapter yet: run a fine-tune first.")
            if not adapter_id:
                return next(reversed(s.adapters.values()))
            if adapter_id not in s.adapters:
                raise InputError(
                    f"This session has no adapter {adapter_id!r} (it keeps {self.max_adapters}: "
                    f"{', '.join(s.adapters)})."
                )
            return s.adapters[adapter_id]

    def adapter_ids(self, session: str) -> list[str]:
        with self._lock:
            s = self._sessions.get(session)
            return list(s.adapters) if s else []

    def merged(self, session: str) -> Any:
        """The session's merged model, or None."""
        with self._lock:
            s = self._session(session)
            if s.merged is not None:
                self._merged_order.move_to_end(session)
            return s.merged

    def set_merged(self, session: str, merged: Any) -> None:
        """Keep `merged` as the session's merged model (replacing its old one); the least recently used
        other session's merged model is dropped beyond max_merged."""
        with self._lock:
            s = self._session(session)
            s.merged = merged
            self._merged_order[session] = None
            self._merged_order.move_to_end(session)
            while len(self._merged_order) > self.max_merged:
                old = next(iter(self._merged_order))
                self._drop_merged(old, self._sessions.get(old))

    def _drop_merged(self, key: str, s: _Session | None) -> None:
        self._merged_order.pop(key, None)
        if s is not None:
            s.merged = None

    def free(self, session: str) -> bool:
        """Drop everything of `session`; True when it had something."""
        with self._lock:
            self._merged_order.pop(session, None)
            return self._sessions.pop(session, None) is not None

    def counts(self) -> dict[str, int]:
        """{'sessions', 'adapters', 'merged'}: what is kept now (for tests and the status of the store)."""
        with self._lock:
            return {
                "sessions": len(self._sessions),
                "adapters": sum(len(s.adapters) for s in self._sessions.values()),
                "merged": sum(1 for s in self._sessions.values() if s.merged is not None),
            }


_STORE = EditStore()  # made at import: reading spaces.yaml's limits is all it costs, and no race can make two


def get_store() -> EditStore:
    """The process-wide store the Edit & Merge tab uses."""
    return _STORE
