"""The page's frame in the browser, one small components-v2 component on every page: the session
cookie, the activity beacon with the idle warning, and our own message when the connection drops.

- **Cookie.** The session token is kept in a cookie (``Path=/``, ``SameSite=Strict``, ``Max-Age``,
  ``Secure`` on https) set by this component's JavaScript; the server reads it from
  ``st.context.cookies`` when a new browser session starts (after F5, a reconnect, a restart, on another
  replica). JavaScript sets it, so it cannot be ``HttpOnly``: see docs/deployment.md.
- **Activity.** It listens on ``document`` (capture phase, so events inside other components' shadow
  DOM count: keyboard, input and focus events are composed) for keydown, input, pointerdown, wheel,
  scroll and focusin, and tells the server at most every ``activity_ping_seconds`` through a trigger
  of the idle watch fragment: a fragment run, not a rerun of the page.
- **Idle warning.** ``idle_warning_seconds`` before the idle sign-out it shows a warning with a button
  to stay; unsent activity is sent instead of warning. At the deadline it asks the fragment to check.
- **Connection.** While ``[data-testid='stApp']`` is not ``CONNECTED`` a CSS rule hides Streamlit's
  developer modal (the ``stDialog`` that says "Is Streamlit still running?") and shows our banner.

Everything it draws is made with ``textContent`` from our translation table: no page text is HTML.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

COOKIE_NAME = "judging_session"
SHELL_KEY = "judging_shell"  # the component's key (its container gets the class st-key-judging_shell)

_JS = r"""
const CSS = `
.st-key-judging_shell { display: none !important; }
#judging-offline, #judging-idle {
  position: fixed; left: 50%; transform: translateX(-50%); z-index: 1000100; max-width: min(46rem, 94vw);
  padding: .75rem 1rem; border-radius: .5rem; font: 500 1rem/1.5 "Source Sans", "Noto Sans CJK SC", sans-serif;
  box-shadow: 0 .25rem 1rem rgba(0,0,0,.25);
}
#judging-offline { top: .75rem; display: none; background: #7a271a; color: #fff; }
#judging-idle { bottom: 1.25rem; display: none; background: #fff4e5; color: #3d2600; border: 1px solid #f0a040; }
#judging-idle button { margin-left: .75rem; padding: .25rem .9rem; border-radius: .4rem; border: 0;
  background: #b54708; color: #fff; font: inherit; cursor: pointer; }
body:has([data-testid='stApp']:not([data-test-connection-state='CONNECTED'])) #judging-offline { display: block; }
body:has([data-testid='stApp']:not([data-test-connection-state='CONNECTED'])) [data-testid='stDialog'] {
  display: none !important;
}
`;
// What the person does. keyup, pointerup, click, change and focusout count too: they are the moments
// when Streamlit's widgets send their values, and a ping must never go out in the same batch as those.
const EVENTS = ["keydown", "keyup", "input", "pointerdown", "pointerup", "click", "change", "wheel", "scroll",
                "focusin", "focusout"];
// Streamlit sends the widget updates of one moment as one batch (setTimeout 0) and runs that batch as a
// fragment run if any update in it comes from a fragment: a ping (from the idle watch fragment) sent in
// the same batch as a click or a committed field would turn that click into a fragment run. So a ping
// waits until the page has been quiet this long: every widget update of the last event has been sent
// (they go out within a few ms). Someone typing without any such pause gets it after STARVED_MS, at
// the next shorter pause.
const QUIET_MS = 150;
const STARVED_MS = 3000;
const STARVED_QUIET_MS = 60;
// Nor while a script run is going on or has just ended: a ping sent from the page the browser still
// shows, while the server has switched to another one (a click on a link to another page), would run
// the old page's fragment and blank the new page. So a ping also waits until the app has been idle
// ("notRunning", connected) for this long.
const SETTLED_MS = 150;

function shell() {
  if (window.__judgingShell) return window.__judgingShell;
  const style = document.createElement("style");
  style.id = "judging-shell-style";
  style.textContent = CSS;
  document.head.appendChild(style);
  const offline = document.createElement("div");
  offline.id = "judging-offline";
  offline.setAttribute("role", "alert");
  const idle = document.createElement("div");
  idle.id = "judging-idle";
  idle.setAttribute("role", "alertdialog");
  const idleText = document.createElement("span");
  const stay = document.createElement("button");
  stay.type = "button";
  idle.append(idleText, stay);
  document.body.append(offline, idle);
  const s = {
    offline, idle, idleText, stay, api: null, owner: null, watch: null, cookiesDone: new Set(),
    lastActivity: 0, lastSent: 0, pending: null, warnTimer: null, deadlineTimer: null, countdown: null,
    lastRunChange: Date.now(),
  };
  s.waitMs = (since) => {  // how long a ping wanted since ``since`` must still wait (0: it may go now)
    const app = document.querySelector("[data-testid='stApp']");
    if (!app) return QUIET_MS;
    if (!s.observed || s.observed !== app) {  // the app element is the same for the page's life
      s.observed = app;
      new MutationObserver(() => { s.lastRunChange = Date.now(); })
        .observe(app, { attributes: true, attributeFilter: ["data-test-script-state", "data-test-connection-state"] });
    }
    if (app.getAttribute("data-test-script-state") !== "notRunning"
        || app.getAttribute("data-test-connection-state") !== "CONNECTED") return SETTLED_MS;
    const now = Date.now();
    const quiet = now - since > STARVED_MS ? STARVED_QUIET_MS : QUIET_MS;
    return Math.max(0, quiet - (now - s.lastActivity), SETTLED_MS - (now - s.lastRunChange));
  };
  s.send = (kind) => {  // from a timer or our own button only, never inside a widget's event
    if (!s.api || !s.watch) return;
    if (s.pending) { clearTimeout(s.pending); s.pending = null; }
    s.lastSent = Date.now();
    s.api.setTriggerValue("activity", { kind, at: s.lastSent });
  };
  s.sendWhenQuiet = (kind, delay) => {
    const wanted = Date.now() + Math.max(0, delay);
    if (s.pending && s.pendingWanted <= wanted) return;  // one ping at a time: the one due first
    clearTimeout(s.pending);
    s.pendingWanted = wanted;
    s.pending = setTimeout(function quiet() {
      const wait = s.waitMs(wanted);
      if (wait > 0) { s.pending = setTimeout(quiet, wait); return; }
      s.pending = null;
      s.send(kind);
    }, Math.max(QUIET_MS, delay));
  };
  s.onActivity = () => {
    if (!s.watch) return;
    const now = Date.now();
    s.lastActivity = now;
    const due = s.idle.style.display === "block" ? 0 : s.lastSent + s.watch.ping_s * 1000 - now;
    s.sendWhenQuiet("activity", due);
  };
  for (const name of EVENTS) document.addEventListener(name, s.onActivity, { capture: true, passive: true });
  stay.addEventListener("click", () => s.sendWhenQuiet("stay", 0));
  window.__judgingShell = s;
  return s;
}

function readCookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

function cookies(s, c) {
  if (!c) return;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  if (c.set && !s.cookiesDone.has(c.set)) {
    document.cookie = `${c.name}=${c.set}; Path=/; Max-Age=${c.max_age}; SameSite=Strict${secure}`;
    s.cookiesDone.add(c.set);
  }
  if (c.clear_if && readCookie(c.name) === c.clear_if) {
    document.cookie = `${c.name}=; Path=/; Max-Age=0; SameSite=Strict${secure}`;
  }
}

function hideWarning(s) {
  s.idle.style.display = "none";
  if (s.countdown) { clearInterval(s.countdown); s.countdown = null; }
}

function watchIdle(s, w, texts) {
  clearTimeout(s.warnTimer);
  clearTimeout(s.deadlineTimer);
  hideWarning(s);
  s.watch = w;
  if (!w) return;
  const deadline = Date.now() + w.idle_left_s * 1000;
  const showWarning = () => {
    if (s.lastActivity > s.lastSent) { s.sendWhenQuiet("activity", 0); return; }  // acted since the last ping
    const tick = () => {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      s.idleText.textContent = texts.idle_warning.replace("{seconds}", String(left));
    };
    tick();
    s.stay.textContent = texts.stay;
    s.idle.style.display = "block";
    s.countdown = setInterval(tick, 1000);
  };
  s.warnTimer = setTimeout(showWarning, Math.max(0, w.idle_left_s - w.warn_s) * 1000);
  const checkAt = deadline + 500;
  s.deadlineTimer = setTimeout(function deadlineCheck() {
    if (s.lastActivity > s.lastSent) { s.sendWhenQuiet("activity", 0); return; }
    const wait = s.waitMs(checkAt);
    if (wait > 0) { s.deadlineTimer = setTimeout(deadlineCheck, wait); return; }
    if (s.api) s.api.setTriggerValue("check", Date.now());
  }, checkAt - Date.now());
}

export default function (component) {
  const { data, setTriggerValue } = component;
  const s = shell();
  const owner = {};
  s.owner = owner;
  s.api = data.watch ? { setTriggerValue } : null;
  s.offline.textContent = data.texts.offline;
  s.offline.lang = s.idle.lang = data.lang;
  cookies(s, data.cookie);
  watchIdle(s, data.watch, data.texts);
  return () => {
    if (s.owner !== owner) return;  // a newer mount has taken over
    s.api = null;
    watchIdle(s, null, data.texts);
  };
}
"""

_component = st.components.v2.component("judging_shell", js=_JS)


def mount(*, lang: str, texts: dict[str, str], cookie: dict | None, watch: dict | None,
          on_activity: Callable[[], None] | None = None, on_check: Callable[[], None] | None = None) -> None:
    """Draw the frame: ``watch`` (idle_left_s, warn_s, ping_s) only on a signed-in page, where
    ``on_activity`` and ``on_check`` are the idle watch's callbacks."""
    callbacks = {}
    if watch is not None:
        callbacks = {"on_activity_change": on_activity or _nothing, "on_check_change": on_check or _nothing}
    _component(key=SHELL_KEY, data={"lang": lang, "texts": texts, "cookie": cookie, "watch": watch},
               **callbacks)


def _nothing() -> None:
    return None
