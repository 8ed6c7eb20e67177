// The score sheet's inputs (see judging/ui/sheet_inputs.py for the protocol).
//
// The browser owns what the judge types; the server owns what is stored. Every edit becomes an
// operation {id, round, entry, field, value, base} kept in localStorage until the server answers it:
// "stored" (with the new version), "conflict" (with what is stored: the judge chooses), "refused"
// (with the message) or "retry". At most one operation per field is on its way; a later edit of the
// same field waits and is sent on the answer, based on the version that answer gave. Nothing here puts
// text into innerHTML: entry and judge text only ever goes into textContent.

const PREFIX = "judging.sheet.";
const BEAT_MS = 2000; // this tab's heartbeat in localStorage
const ORPHAN_MS = 8000; // an outbox whose tab has not beaten for this long is taken over
const RESEND_MS = 2500; // an operation not answered for this long is sent again
const TEXT_PAUSE_MS = 600; // typing pause after which a comment or score is sent
const SCORE_PAUSE_MS = 900;

const controllers = new Map();
// The sheet whose element went away last, and when: Streamlit swaps the component's element by taking
// the old one away and mounting a new one for the same sheet a moment later (a swap, not an opening).
let lastGone = null;
const SWAP_MS = 2000;
// One outbox per judge for the whole page: while Streamlit replaces the sheet's element, an old and a
// new instance of the component can be alive together; they must share one list of operations.
const outboxes = new Map();

function outboxOf(judge) {
  if (!outboxes.has(judge)) outboxes.set(judge, new Outbox(judge));
  return outboxes.get(judge);
}

function uid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}

function fill(template, params) {
  return String(template).replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function sameValue(a, b) {
  const num = (v) => typeof v === "number";
  if (num(a) || num(b)) return num(a) && num(b) && a === b;
  return (a || "") === (b || "");
}

function connected() {
  const app = document.querySelector("[data-testid='stApp']");
  const state = app ? app.getAttribute("data-test-connection-state") : null;
  return navigator.onLine !== false && (state === null || state === "CONNECTED");
}

function tabId() {
  let id = null;
  try { id = sessionStorage.getItem(PREFIX + "tab"); } catch (e) { /* storage off */ }
  if (!id) {
    id = uid();
    try { sessionStorage.setItem(PREFIX + "tab", id); } catch (e) { /* storage off */ }
  }
  return id;
}

function focused() {
  // where typing would go now: the focused element, looked for inside shadow roots (the sheet lives in one)
  let now = document.activeElement;
  while (now && now.shadowRoot && now.shadowRoot.activeElement) now = now.shadowRoot.activeElement;
  return now;
}

function judgeIsInAField() {
  const now = focused();
  return !!now && (["INPUT", "TEXTAREA", "SELECT"].includes(now.tagName) || now.isContentEditable);
}

function keepTypeable() {
  // While the server is gone Streamlit opens its connection dialog (hidden by the page's frame, which
  // shows our own message instead), and the dialog makes the rest of the page inert: the judge could no
  // longer type. The sheet keeps what is typed meanwhile, so the page must stay usable.
  for (const node of document.querySelectorAll("[inert]")) {
    if (!node.closest("[data-testid='stDialog']")) node.removeAttribute("inert");
  }
}

class Outbox {
  // The judge's unanswered operations of this tab, in the order they were made, kept in localStorage.
  constructor(judge) {
    this.judge = judge;
    this.tab = tabId();
    this.key = `${PREFIX}outbox.${judge}.${this.tab}`;
    this.beatKey = `${PREFIX}beat.${judge}.${this.tab}`;
    this.ops = this.read(this.key);
    this.beat();
  }
  read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]") || []; } catch (e) { return []; }
  }
  save() {
    try {
      if (this.ops.length) localStorage.setItem(this.key, JSON.stringify(this.ops));
      else localStorage.removeItem(this.key);
    } catch (e) { /* full or off: the operations still live in this page */ }
  }
  beat() {
    try { localStorage.setItem(this.beatKey, String(Date.now())); } catch (e) { /* off */ }
  }
  adoptOrphans() {
    // Operations of a closed tab (or of this tab before a reload under a new id) are sent from here.
    let adopted = 0;
    const mine = `${PREFIX}outbox.${this.judge}.`;
    try {
      for (let i = localStorage.length - 1; i >= 0; i--) {
        const key = localStorage.key(i);
        if (!key || !key.startsWith(mine) || key === this.key) continue;
        const tab = key.slice(mine.length);
        const beat = Number(localStorage.getItem(`${PREFIX}beat.${this.judge}.${tab}`) || 0);
        if (Date.now() - beat < ORPHAN_MS) continue;
        const known = new Set(this.ops.map((o) => o.id));
        for (const op of this.read(key)) {
          if (!known.has(op.id)) { op.sent = false; this.ops.push(op); adopted++; }
        }
        localStorage.removeItem(key);
        localStorage.removeItem(`${PREFIX}beat.${this.judge}.${tab}`);
      }
    } catch (e) { /* off */ }
    if (adopted) this.save();
    return adopted;
  }
  forField(round, entry, field) {
    return this.ops.filter((o) => o.round === round && o.entry === entry && o.field === field);
  }
  sendable() {
    // the first operation of each field: later ones wait for its answer
    const seen = new Set();
    const out = [];
    for (const op of this.ops) {
      const f = `${op.round}/${op.entry}/${op.field}`;
      if (seen.has(f)) continue;
      seen.add(f);
      if (op.base) out.push(op);
    }
    return out;
  }
}

// A submit click not answered is sent again after this long, this many times in all.
const SUBMIT_RESEND_MS = 4000;
const SUBMIT_TRIES = 8;
const confirmingSheets = new Set(); // the sheets ("round/entry") whose submit confirmation is open
const askedSubmits = new Map(); // sheet -> the submit click sent and not answered yet

// The page around the sheet: less empty space above it, so that two criteria fit on a 1366×768 laptop.
const PAGE_CSS = "[data-testid='stMainBlockContainer'] { padding-top: 2.2rem; }";

class Sheet {
  constructor(parent) {
    this.parent = parent;
    this.pageStyle = document.createElement("style");
    this.pageStyle.textContent = PAGE_CSS;
    document.head.append(this.pageStyle);
    this.root = parent.querySelector(".sheet") || parent.appendChild(el("div", "sheet"));
    this.fields = new Map();
    this.sheetKey = null;
    this.nonce = 0;
    this.lastSent = 0;
    this.waitingNext = false;
    this.timers = new Map();
    this.tick = setInterval(() => this.onTick(), 1000);
    this.guard = new MutationObserver(() => { if (!connected()) keepTypeable(); });
    this.guard.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["inert"] });
    this.wasConnected = connected();
  }

  destroy() {
    // What the judge typed and whose pause has not passed yet goes into the outbox, which outlives this
    // element: the next instance, or the next sheet opened, sends it.
    if (!this.leaving) this.sendTyped(false);
    // a refused value still shown is not stored: kept, so that the list names it and the sheet shows it again
    for (const f of this.fields.values()) {
      if (f.state === "refused" && !this.outbox.forField(f.round, f.entry, f.name).length) {
        this.keepRefusal({ round: f.round, entry: f.entry, field: f.name, value: f.read(), base: f.base }, f.message);
      }
    }
    // (with the entry list already shown, whichever of the two Streamlit does first, it is no swap)
    const listShown = [...controllers.values()].some((c) => c !== this && c.data && c.data.courier);
    if (this.sheetKey !== null && !listShown) lastGone = { key: this.sheetKey, at: Date.now() };
    this.fields.clear(); // a blur that fires as the element goes commits nothing more
    this.pageStyle.remove();
    this.guard.disconnect();
    clearInterval(this.tick);
    clearTimeout(this.submitTimer);
    this.dropTyped();
  }

  // --- data from the server --------------------------------------------------------------------

  update(data, setStateValue, setTriggerValue) {
    this.setStateValue = setStateValue;
    this.setTriggerValue = setTriggerValue;
    this.data = data;
    this.L = data.labels;
    if (!this.outbox || this.outbox.judge !== data.judge) {
      this.outbox = outboxOf(data.judge);
      this.outbox.adoptOrphans();
    }
    if (data.courier) { this.courier(data); return; }
    const key = `${data.round}/${data.entry}`;
    const fresh = key !== this.sheetKey;
    // the judge asked for this sheet: opened it (a new element) or pressed "save and next"; a live final
    // moving the judge on is not their doing, and must not put a caret where their next keys would land
    const asked = this.sheetKey === null || this.leaving;
    if (fresh && this.sheetKey !== null) this.leaveSubmit();
    this.sheetKey = key;
    this.answerSubmit(data);
    if (fresh) {
      this.build(true);
      this.toTop(asked);
    } else if (!!data.locked !== this.lockedShown || (data.next_entry || null) !== this.nextShown) {
      this.build(false); // submitted (or reopened), or the next entry changed: the same values, other controls
    }
    this.answer(data.acks || {});
    this.syncFromServer(data.fields || {});
    if (fresh) this.restoreRefusals();
    this.render();
    this.flush(false);
  }

  courier(data) {
    // no sheet here (the entry list): only the outbox, sent and answered, and a line while it is not empty
    this.pageStyle.remove();
    lastGone = null; // the list was shown: a sheet opened next is opened by the judge, not swapped
    // out of the page's flow (no gap, no jump of the list): the line floats at the foot of the window
    const host = this.parent.getRootNode && this.parent.getRootNode().host;
    const box = (host || this.parent).closest("[data-testid='stElementContainer']");
    if (box) box.style.position = "absolute";
    this.answer(data.acks || {});
    this.flush(false);
    this.renderCourier();
  }

  renderCourier() {
    // while the outbox is not empty: how many changes are on their way; and, until the judge opens the
    // sheet, which entries of this list hold a change the server did not take (a conflict to choose in,
    // or a refusal answered here)
    const n = this.outbox.ops.length;
    const lines = [];
    if (n) lines.push(["", fill(connected() ? this.L.bar_saving : this.L.bar_offline, { n })]);
    const kept = this.keptOnList();
    if (kept.length) lines.push(["kept", fill(this.L.kept_notice, { entries: kept.join("、") })]);
    this.root.classList.add("courier");
    this.root.hidden = !lines.length;
    const text = lines.map(([, t]) => t).join("\n");
    if (this.root.dataset.text === text) return;
    this.root.dataset.text = text;
    this.root.replaceChildren(...lines.map(([cls, t]) => el("div", cls, t)));
  }

  keptOnList() {
    // the entries of the list shown (data.entries: "round/entry" -> its name) with a kept conflict or refusal
    const found = [];
    for (const [sheet, name] of Object.entries(this.data.entries || {})) {
      const [round, entry] = sheet.split("/");
      const held = (kind) => Object.keys(this.kept(kind, round, entry)).length > 0;
      if (held("conflicts") || held("refused")) found.push(name);
    }
    return found.sort();
  }

  // A submit is answered when the server says it has handled that click (locked, or refused with a
  // reason shown). A click can be lost on the way (a rerun that was already under way, a dropped
  // connection): until its answer comes, the same click goes again every few seconds; the server
  // handles each click once.
  // The open confirmation and the unanswered click belong to the sheet, not to this element: Streamlit
  // sometimes swaps the component's element for a new one, which must carry on with them.
  get confirming() { return confirmingSheets.has(this.sheetKey); }
  set confirming(on) { if (on) confirmingSheets.add(this.sheetKey); else confirmingSheets.delete(this.sheetKey); }
  get submitAsked() { return askedSubmits.get(this.sheetKey) || null; }
  set submitAsked(asked) { if (asked) askedSubmits.set(this.sheetKey, asked); else askedSubmits.delete(this.sheetKey); }

  answerSubmit(data) {
    if (!this.submitAsked) return;
    const stale = Date.now() - this.submitAsked.at > SUBMIT_TRIES * SUBMIT_RESEND_MS; // given up on
    if (stale || data.locked || data.submit_answered === this.submitAsked.at) {
      this.submitAsked = null;
      clearTimeout(this.submitTimer);
      this.submitTimer = null;
    } else if (!this.submitTimer) {
      this.submitTimer = setTimeout(() => this.sendSubmit(), SUBMIT_RESEND_MS);
    }
  }

  leaveSubmit() { // the judge went to another sheet: what was asked on this one is dropped
    this.confirming = false;
    this.submitAsked = null;
    clearTimeout(this.submitTimer);
    this.submitTimer = null;
  }

  sendSubmit() {
    const asked = this.submitAsked;
    clearTimeout(this.submitTimer);
    this.submitTimer = null;
    if (!asked || !this.setTriggerValue) return;
    if (asked.tries >= SUBMIT_TRIES) { this.submitAsked = null; this.render(); return; }
    asked.tries += 1;
    this.setTriggerValue("submit", { round: asked.round, entry: asked.entry, at: asked.at });
    this.submitTimer = setTimeout(() => this.sendSubmit(), SUBMIT_RESEND_MS);
  }

  answer(acks) {
    const ob = this.outbox;
    let changed = false;
    for (const op of [...ob.ops]) {
      const ack = acks[op.id];
      if (!ack || ack.status === "retry") continue;
      changed = true;
      ob.ops.splice(ob.ops.indexOf(op), 1);
      const later = ob.forField(op.round, op.entry, op.field);
      const f = this.isHere(op) ? this.fields.get(op.field) : null;
      if (ack.status === "stored") {
        (window.__judgingSheetAcks ||= []).push(Date.now() - op.at); // ms from the edit to its answer (benchmarks)
        const base = { version: ack.version, value: ack.value };
        if (later.length) later[0].base = base;
        if (f) {
          f.base = base;
          if (!later.length) { f.state = "saved"; f.at = ack.at; f.message = null; }
        }
      } else if (ack.status === "conflict") {
        const mine = later.length ? later[later.length - 1].value : op.value;
        for (const l of later) ob.ops.splice(ob.ops.indexOf(l), 1);
        this.park(op, { theirs: ack.theirs, version: ack.version, mine });
        if (f) this.restoreConflict(f);
      } else { // refused: nothing changed on the server; a later edit goes on from the same base
        if (later.length) later[0].base = op.base;
        if (f && !later.length) { f.state = "refused"; f.message = ack.message; }
        // answered where that sheet is not shown (the entry list, or another sheet sending an old tab's
        // change): kept, so that the sheet shows the value and the reason when it is next opened
        if (!f && !later.length) this.keepRefusal(op, ack.message);
      }
    }
    if (changed) ob.save();
  }

  syncFromServer(fields) {
    // Each field shows what is stored, unless the judge is typing in it, has a change on its way
    // (then it shows that change, also one kept from a closed tab), or has to choose in a conflict.
    const active = this.parent.activeElement || document.activeElement;
    for (const [name, f] of this.fields) {
      const stored = fields[name];
      if (!stored) continue;
      f.stored = stored;
      const editing = f.input === active && !sameValue(f.read(), f.base ? f.base.value : null);
      const queued = this.outbox.forField(this.data.round, this.data.entry, name);
      if (queued.length || f.state === "conflict") {
        if (!f.base) f.base = { version: stored.version, value: stored.value };
        if (queued.length && !editing && !sameValue(f.read(), queued[queued.length - 1].value)) {
          f.show(queued[queued.length - 1].value);
        }
        continue;
      }
      const baseSame = f.base && f.base.version === stored.version && sameValue(f.base.value, stored.value);
      if (baseSame && (sameValue(f.read(), stored.value) || f.state === "refused")) continue;
      if (editing) continue; // the judge is typing: their change will meet the new version and ask
      const changedElsewhere = f.base && !baseSame;
      f.base = { version: stored.version, value: stored.value };
      f.show(stored.value);
      if (changedElsewhere) { f.state = "refreshed"; f.at = null; f.message = null; }
    }
  }

  // --- the judge's edits -----------------------------------------------------------------------

  commit(f, send = true) {
    // A field commits to the sheet it was built for, and only while it is on the page: a field being
    // replaced (its blur fires as it goes) has had what was typed into it sent by sendTyped already.
    if (this.fields.get(f.name) !== f || f.locked) return;
    if (f.state === "conflict") { this.repark(f, send); return; } // nothing goes until the judge chooses
    if (f.kind === "veto" && f.read() === "") return; // a veto needs its reason: nothing to send yet
    const value = f.read();
    const ob = this.outbox;
    const queued = ob.forField(f.round, f.entry, f.name);
    const last = queued[queued.length - 1];
    const current = last ? last.value : (f.base ? f.base.value : null);
    if (sameValue(value, current) && f.state !== "refused") return;
    if (last && !last.sent && queued.length > 1) {
      last.value = value; // not sent yet: the newest edit replaces it
    } else if (!last && f.state === "refused" && sameValue(value, f.base ? f.base.value : null)) {
      f.state = null; f.message = null; // back to what is stored: nothing to send
      if (send) this.render();
      return;
    } else {
      ob.ops.push({
        id: uid(), round: f.round, entry: f.entry, field: f.name, value,
        base: last ? null : { ...(f.base || { version: 0, value: null }) }, sent: false, at: Date.now(),
      });
    }
    f.state = "saving"; f.message = null;
    ob.save();
    if (!send) return;
    this.render();
    this.flush(true);
  }

  flush(force) {
    // Send what is sendable: on a new operation, or again when answers are overdue.
    const ob = this.outbox;
    const ops = ob.sendable();
    if (!ops.length || !this.setStateValue) return;
    const fresh = ops.some((o) => !o.sent);
    const overdue = Date.now() - this.lastSent > RESEND_MS;
    if (!(force || fresh || overdue) || !connected()) return;
    for (const o of ops) o.sent = true;
    ob.save();
    this.lastSent = Date.now();
    this.nonce += 1;
    this.setStateValue("outbox", {
      nonce: `${ob.tab}:${this.nonce}`,
      ops: ops.map(({ id, round, entry, field, value, base }) => ({ id, round, entry, field, value, base })),
    });
  }

  onTick() {
    const ob = this.outbox;
    if (!ob) return;
    ob.beat();
    const now = connected();
    if (!now) keepTypeable();
    if (now && !this.wasConnected) { // back online: everything unanswered goes again
      for (const o of ob.ops) o.sent = false;
      setTimeout(() => this.flush(true), 300);
    }
    this.wasConnected = now;
    if (ob.adoptOrphans()) this.flush(true);
    else this.flush(false);
    if (this.waitingNext) this.tryNext();
    if (this.data && this.data.courier) this.renderCourier();
    this.renderBar();
  }

  // --- conflicts: kept until the judge chooses, also across reloads ----------------------------

  // what is kept per sheet in localStorage, field by field: "conflicts" until the judge chooses,
  // "refused" (a refusal answered where its sheet was not shown) until the sheet is next opened
  keptKey(kind, round, entry) { return `${PREFIX}${kind}.${this.data.judge}.${round}.${entry}`; }

  kept(kind, round, entry) {
    try { return JSON.parse(localStorage.getItem(this.keptKey(kind, round, entry)) || "{}") || {}; }
    catch (e) { return {}; }
  }

  keep(kind, round, entry, all) {
    const key = this.keptKey(kind, round, entry);
    try {
      if (Object.keys(all).length) localStorage.setItem(key, JSON.stringify(all));
      else localStorage.removeItem(key);
    } catch (e) { /* off */ }
  }

  keepRefusal(op, message) {
    // with the version it was based on: a value stored since (another tab) makes the refusal moot
    const all = this.kept("refused", op.round, op.entry);
    all[op.field] = { value: op.value, message, version: op.base ? op.base.version : null };
    this.keep("refused", op.round, op.entry, all);
  }

  restoreRefusals() {
    // after the fields show what is stored: a refusal answered elsewhere shows the value and the reason
    const { round, entry } = this.data;
    const all = this.kept("refused", round, entry);
    this.keep("refused", round, entry, {});
    for (const [name, kept] of Object.entries(all)) {
      const f = this.fields.get(name);
      if (!f || f.locked || f.state === "conflict" || this.outbox.forField(f.round, f.entry, name).length) continue;
      const since = f.base ? f.base.version : 0;
      if (kept.version !== null && kept.version !== undefined && kept.version !== since) continue; // stored since
      f.show(kept.value);
      f.state = "refused"; f.message = kept.message;
    }
  }

  park(op, choice) {
    const all = this.kept("conflicts", op.round, op.entry);
    all[op.field] = choice;
    this.keep("conflicts", op.round, op.entry, all);
  }

  repark(f, show = true) {
    // typing into a field in conflict changes "mine": what "overwrite" sends, also after a reload
    if (!f.choice || sameValue(f.read(), f.choice.mine)) return;
    f.choice = { ...f.choice, mine: f.read() };
    this.park({ round: f.round, entry: f.entry, field: f.name }, f.choice);
    if (show) this.render();
  }

  parked() { return this.kept("conflicts", this.data.round, this.data.entry); }

  unpark(name) {
    const all = this.parked();
    delete all[name];
    this.keep("conflicts", this.data.round, this.data.entry, all);
  }

  restoreConflict(f) {
    const choice = this.parked()[f.name];
    if (!choice) return;
    f.state = "conflict";
    f.choice = choice;
    // the judge is typing into it (the conflict answers a change sent at a pause): what is on screen is
    // theirs and newer than the change; showing that change would rewrite the text under the caret
    // (7 shown as "7.0" while "74.5" was being typed)
    if (!f.locked && focused() === f.input) { this.repark(f, false); return; }
    f.show(f.locked ? choice.theirs : choice.mine); // a locked field shows what is stored, not a value it cannot take
  }

  choose(f, keepTheirs) {
    if (!keepTheirs && f.locked) return; // a locked sheet takes no change: only "keep stored" is offered
    if (!keepTheirs) this.repark(f, false); // what the judge typed into the field since is theirs to send
    const choice = f.choice;
    this.unpark(f.name);
    f.choice = null;
    f.base = { version: choice.version, value: choice.theirs };
    if (keepTheirs) {
      f.show(choice.theirs);
      f.state = "saved"; f.at = null;
      this.render();
    } else {
      f.state = null;
      f.show(choice.mine);
      this.commit(f);
    }
  }

  // --- building the sheet ----------------------------------------------------------------------

  build(fresh) {
    // What was typed into the fields being replaced goes to the sheet they were built for (another entry
    // when a live final moves the judge on), before they go; update() sends it with its flush. The same
    // sheet rebuilt locked would only refuse it: it is dropped, and the fields show what is stored.
    if (!fresh && this.data.locked) this.dropTyped(); else this.sendTyped(false);
    const d = this.data, L = this.L;
    // the same sheet rebuilt (locked, reopened, another next entry): the caret goes back where it was
    const deep = focused();
    const focusedName = !fresh && deep && this.root.contains(deep) ? deep.dataset.field : null;
    this.fields.clear();
    this.root.replaceChildren();
    this.lockedShown = !!d.locked;
    this.leaving = false;
    this.root.dataset.entry = String(d.entry);
    this.root.classList.remove("leaving");
    this.nextShown = d.next_entry || null;
    if (d.locked) this.confirming = false; // a rebuild of the same sheet keeps an open confirmation
    this.waitingNext = false;

    this.bar = el("div", "bar");
    this.barTotal = el("div", "total");
    this.barState = el("div", "state");
    this.barPos = el("div", "pos", d.position);
    this.bar.append(this.barTotal, this.barState, this.barPos);
    this.banner = el("div", "banner offline");
    this.banner.hidden = true;
    this.root.append(this.bar, this.banner);
    if (d.locked) this.root.append(el("div", "locked", d.locked));

    for (const c of d.criteria) this.root.append(this.criterion(c));
    const overall = el("div", "card overall");
    overall.append(this.textField("comment:", L.overall_comment, ""));
    this.root.append(overall);
    if (d.vetoes.length) this.root.append(this.vetoes(d.vetoes));

    this.blockers = el("ul", "blockers");
    this.actions = el("div", "actions");
    this.root.append(this.blockers, this.actions);
    this.buildActions();
    for (const f of this.fields.values()) this.restoreConflict(f);
    const back = focusedName && this.fields.get(focusedName);
    if (back && !back.input.disabled) {
      this.keepCaret = true; // not the select-all of a click into a score: the judge is typing on
      back.input.focus({ preventScroll: true });
      this.keepCaret = false;
      const end = back.input.value.length;
      try { back.input.setSelectionRange(end, end); } catch (e) { /* not a text input */ }
    }
  }

  criterion(c) {
    const L = this.L;
    const card = el("section", "card criterion");
    card.dataset.criterion = c.key;
    const info = el("div", "info");
    const head = el("div", "head");
    head.append(el("span", "label", c.label), el("span", "weight", c.weight));
    info.append(head);
    if (c.description) info.append(el("div", "desc", c.description));
    if (c.sub_items.length) {
      const box = el("div", "subitems");
      box.append(el("div", "caption", c.sub_items_caption));
      const list = el("ul");
      for (const s of c.sub_items) {
        const li = el("li");
        li.append(el("span", "sub-label", s.label));
        if (s.points) li.append(el("span", "points", s.points));
        if (s.description) li.append(el("span", "sub-desc", s.description));
        list.append(li);
      }
      box.append(list);
      info.append(box);
    }
    const bands = el("div", "bands");
    bands.append(el("div", "caption", c.bands_caption));
    const table = el("div", "band-list");
    c.band_rows = [];
    for (const b of c.bands) {
      const row = el("div", "band");
      row.append(el("span", "band-range", `${b.low}–${b.high}`), el("span", "band-label", b.label),
        el("span", "band-desc", b.description));
      row.dataset.low = b.low_value; row.dataset.high = b.high_value;
      table.append(row);
      c.band_rows.push(row);
    }
    bands.append(table);
    info.append(bands);

    const entry = el("div", "entry");
    const score = this.scoreField(c);
    entry.append(score, this.textField(`comment:${c.key}`, L.comment_optional, c.key));
    card.append(info, entry);
    return card;
  }

  scoreField(c) {
    const L = this.L, name = `score:${c.key}`;
    const wrap = el("div", "field score");
    const label = el("label", null, c.score_label);
    const input = el("input");
    input.type = "text";
    input.inputMode = "decimal";
    input.autocomplete = "off";
    input.placeholder = L.score_placeholder;
    input.setAttribute("aria-label", c.score_label);
    input.dataset.field = name;
    input.disabled = !!this.data.locked;
    const id = `f-${name.replace(/[^a-z0-9_-]/gi, "_")}`;
    input.id = id; label.htmlFor = id;
    const status = el("div", "status");
    const band = el("div", "band-now");
    wrap.append(label, input, band, status);
    const f = this.field(name, input, status, "score");
    f.criterion = c;
    f.bandNow = band;
    f.decimals = c.decimals;
    // A click into a filled score selects it, so that typing replaces it. Selected at once, not from a
    // timer: a timer that fires late on a busy page would select the first digit already typed, and
    // the next one would replace it (77.5 stored as 7.5). The click's own mouseup, which would put a
    // caret into the selection, is cancelled once.
    let justFocused = false;
    input.addEventListener("focus", () => { if (this.keepCaret) return; input.select(); justFocused = true; });
    input.addEventListener("mouseup", (e) => { if (justFocused) e.preventDefault(); justFocused = false; });
    input.addEventListener("keydown", () => { justFocused = false; });
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); this.commit(f); } });
    input.addEventListener("input", () => { this.later(f, SCORE_PAUSE_MS); this.showBand(f); });
    return wrap;
  }

  textField(name, labelText, criterionKey) {
    const wrap = el("div", "field text");
    const label = el("label", null, labelText);
    const area = el("textarea");
    area.rows = 2;
    area.dataset.field = name;
    area.disabled = !!this.data.locked;
    area.placeholder = this.data.comment_rule;
    const id = `f-${name.replace(/[^a-z0-9_-]/gi, "_") || "overall"}`;
    area.id = id; label.htmlFor = id;
    const status = el("div", "status");
    wrap.append(label, area, status);
    const f = this.field(name, area, status, "comment");
    f.label = label;
    f.criterionKey = criterionKey;
    area.addEventListener("input", () => this.later(f, TEXT_PAUSE_MS));
    return wrap;
  }

  vetoes(items) {
    const L = this.L;
    const box = el("details", "card vetoes");
    const summary = el("summary", null, L.vetoes);
    box.append(summary, el("div", "caption", L.veto_help));
    for (const v of items) {
      const name = `veto:${v.key}`;
      const row = el("div", "field veto");
      const label = el("label", "check");
      const box1 = el("input");
      box1.type = "checkbox";
      box1.disabled = !!this.data.locked;
      box1.dataset.field = name;
      label.append(box1, el("span", null, v.label));
      const reason = el("input", "reason");
      reason.type = "text";
      reason.placeholder = L.veto_reason;
      reason.setAttribute("aria-label", `${v.label} ${L.veto_reason}`);
      reason.disabled = !!this.data.locked;
      const status = el("div", "status");
      row.append(label);
      if (v.description) row.append(el("div", "caption", v.description));
      row.append(reason, status);
      box.append(row);
      const f = this.field(name, reason, status, "veto");
      f.check = box1;
      f.details = box;
      f.read = () => (box1.checked ? (reason.value.trim() || "") : null);
      f.show = (value) => {
        box1.checked = value !== null && value !== undefined;
        reason.value = value || "";
        reason.hidden = !box1.checked;
        if (box1.checked) box.open = true;
      };
      box1.addEventListener("change", () => {
        reason.hidden = !box1.checked;
        if (box1.checked) { reason.focus(); if (reason.value.trim()) this.commit(f); else this.render(); }
        else this.commit(f);
      });
      reason.addEventListener("input", () => this.later(f, TEXT_PAUSE_MS));
    }
    return box;
  }

  field(name, input, status, kind) {
    const f = {
      name, input, status, kind, base: null, state: null, at: null, message: null, choice: null,
      round: this.data.round, entry: this.data.entry, locked: !!this.data.locked,
      read: () => (kind === "score" ? this.readScore(input.value) : input.value),
      show: (value) => {
        input.value = value === null || value === undefined ? "" :
          (kind === "score" && typeof value === "number" ? value.toFixed(f.decimals || 0) : String(value));
        if (kind === "score") this.showBand(f);
      },
    };
    const send = () => !leavingByLink();
    if (kind !== "veto") {
      input.addEventListener("change", () => this.commit(f, send()));
      input.addEventListener("blur", () => this.commit(f, send()));
    } else {
      input.addEventListener("change", () => { if (f.read() !== "") this.commit(f, send()); });
    }
    this.fields.set(name, f);
    return f;
  }

  readScore(text) {
    const t = String(text).trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .replace(/．/g, ".").replace(/－/g, "-");
    if (t === "") return null;
    return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : String(text).trim();
  }

  later(f, ms) {
    clearTimeout(this.timers.get(f));
    this.timers.set(f, setTimeout(() => {
      this.timers.delete(f);
      this.commit(f);
    }, ms));
  }

  dropTyped() {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  sendTyped(send) {
    // the fields typed into whose pause has not passed: committed now (into the outbox; sent if ``send``)
    const typed = [...this.timers.keys()];
    this.dropTyped();
    for (const f of typed) this.commit(f, send);
  }

  showBand(f) {
    const c = f.criterion;
    if (!c) return;
    const v = this.readScore(f.input.value);
    let label = "";
    for (const row of c.band_rows) {
      const hit = typeof v === "number" && v >= Number(row.dataset.low) && v <= Number(row.dataset.high);
      row.classList.toggle("current", hit);
      if (hit) label = row.querySelector(".band-label").textContent;
    }
    f.bandNow.textContent = label ? fill(this.L.band, { band: label }) : "";
  }

  buildActions() {
    const d = this.data, L = this.L;
    this.actions.replaceChildren();
    if (!d.locked) {
      this.submitBtn = el("button", "primary", L.submit);
      this.submitBtn.type = "button";
      this.submitBtn.dataset.action = "submit";
      this.submitBtn.addEventListener("click", () => { this.confirming = true; this.render(); });
      this.actions.append(this.submitBtn);
    }
    if (d.next_entry) {
      this.nextBtn = el("button", null, L.save_next);
      this.nextBtn.type = "button";
      this.nextBtn.dataset.action = "next";
      this.nextBtn.addEventListener("click", () => { this.waitingNext = true; this.tryNext(); this.render(); });
      this.actions.append(this.nextBtn);
    }
    this.confirmBox = el("div", "confirm");
    this.confirmBox.hidden = true;
    this.confirmBox.append(el("div", null, L.submit_confirm_text));
    const yes = el("button", "primary danger", L.submit_confirm);
    yes.type = "button";
    yes.dataset.action = "confirm-submit";
    yes.addEventListener("click", () => {
      this.confirming = false;
      this.submitAsked = { round: d.round, entry: d.entry, at: Date.now(), tries: 0 };
      this.sendSubmit();
      this.render();
    });
    const no = el("button", null, L.cancel);
    no.type = "button";
    no.addEventListener("click", () => { this.confirming = false; this.render(); });
    this.confirmBox.append(yes, no);
    this.actions.append(this.confirmBox);
    this.nextNote = el("div", "caption");
    this.actions.append(this.nextNote);
  }

  tryNext() {
    const d = this.data;
    for (const f of this.fields.values()) {
      clearTimeout(this.timers.get(f));
      this.timers.delete(f);
      if (f.input === (this.parent.activeElement || document.activeElement)) this.commit(f);
    }
    const here = this.outbox.ops.filter((o) => this.isHere(o)).length;
    if (here) { this.flush(false); return; }
    this.waitingNext = false;
    // until the next sheet arrives nothing more can be typed into this one: focus and keys are not
    // lost into a sheet that is about to be replaced
    this.leaving = true;
    this.root.classList.add("leaving");
    for (const f of this.fields.values()) { f.input.disabled = true; if (f.check) f.check.disabled = true; }
    this.setTriggerValue("next", { entry: d.next_entry, at: Date.now() });
  }

  toTop(asked) {
    // Streamlit swapping the component's element shows the same sheet again in a new instance (while the
    // old one is still there, or just after it went): the judge is somewhere in it, so the page is
    // neither scrolled nor given a caret.
    for (const other of controllers.values()) if (other !== this && other.sheetKey === this.sheetKey) return;
    if (lastGone && lastGone.key === this.sheetKey && Date.now() - lastGone.at < SWAP_MS) return;
    const main = document.querySelector("[data-testid='stMain']") || document.querySelector("section.main");
    if (main) main.scrollTo(0, 0);
    window.scrollTo(0, 0);
    if (this.data.locked) return;
    const first = this.root.querySelector("input[data-field^='score:']");
    // The caret goes into the first score only if the judge has not gone into a field meanwhile: a timer
    // on a busy laptop runs late, and typing meant for the second score went into the first, over what
    // was stored there (the first score selects its value on focus).
    if (first && asked) setTimeout(() => { if (!judgeIsInAField()) first.focus({ preventScroll: true }); }, 50);
  }

  isHere(op) { return op.round === this.data.round && op.entry === this.data.entry; }

  // --- showing the state -----------------------------------------------------------------------

  render() {
    const L = this.L, d = this.data;
    const online = connected();
    for (const f of this.fields.values()) {
      const pending = this.outbox.forField(d.round, d.entry, f.name).length > 0;
      f.status.replaceChildren();
      f.status.className = "status";
      f.input.classList.toggle("conflict", f.state === "conflict");
      f.input.classList.toggle("refused", f.state === "refused");
      if (f.state === "conflict" && f.choice) {
        f.status.classList.add("conflict");
        const fmt = (v) => (v === null || v === undefined || v === "" ? "—" : String(v).slice(0, 80));
        f.status.append(el("div", null, L.state_conflict),
          el("div", null, fill(L.stale, { theirs: fmt(f.choice.theirs), mine: fmt(f.choice.mine) })));
        const keep = el("button", null, L.keep_stored);
        keep.type = "button"; keep.dataset.action = "keep-stored";
        keep.addEventListener("click", () => this.choose(f, true));
        const over = el("button", null, L.overwrite);
        over.type = "button"; over.dataset.action = "overwrite";
        over.addEventListener("click", () => this.choose(f, false));
        f.status.append(keep);
        if (!f.locked) f.status.append(over); // a submitted sheet takes no change
      } else if (pending) {
        f.status.classList.add(online ? "saving" : "offline");
        f.status.textContent = online ? L.state_saving : L.state_offline;
      } else if (f.state === "refused") {
        f.status.classList.add("refused");
        f.status.textContent = f.message || "";
      } else if (f.state === "saved" && f.at) {
        f.status.classList.add("saved");
        f.status.textContent = fill(L.state_saved, { time: f.at });
      } else if (f.state === "refreshed") {
        f.status.classList.add("refreshed");
        f.status.textContent = L.refreshed;
      }
      if (f.kind === "comment" && f.criterionKey !== "") {
        const needed = (d.needs_comment || []).includes(f.criterionKey);
        f.label.textContent = needed ? L.comment_required : L.comment_optional;
        f.input.classList.toggle("needed", needed && !String(f.input.value).trim());
      }
      if (f.kind === "veto" && f.check.checked && !f.input.value.trim() && !pending) {
        f.status.className = "status refused";
        f.status.textContent = L.veto_needs_reason;
      }
    }
    this.blockers.replaceChildren(...(d.locked ? [] : (d.blockers || []).map((b) => el("li", null, b))));
    if (this.submitBtn) {
      const conflicts = [...this.fields.values()].some((f) => f.state === "conflict");
      const here = this.outbox.ops.some((o) => this.isHere(o));
      this.submitBtn.disabled = !!((d.blockers || []).length || conflicts || here || this.submitAsked);
      this.submitBtn.hidden = this.confirming;
    }
    this.confirmBox.hidden = !this.confirming;
    if (this.nextBtn) this.nextBtn.disabled = this.waitingNext;
    this.nextNote.textContent = this.submitAsked ? L.submitting
      : this.waitingNext ? L.next_waiting : (d.submit_error || "");
    this.renderBar();
  }

  renderBar() {
    if (!this.bar) return;
    const L = this.L, d = this.data;
    const online = connected();
    const n = this.outbox.ops.length;
    this.barTotal.replaceChildren(el("span", "caption", L.total), el("strong", null, d.total === null ? "—" : d.total));
    let text, cls;
    if (n && !online) { text = fill(L.bar_offline, { n }); cls = "offline"; }
    else if (n) { text = fill(L.bar_saving, { n }); cls = "saving"; }
    else if ([...this.fields.values()].some((f) => f.state === "conflict")) { text = L.state_conflict; cls = "conflict"; }
    else if (d.saved_at) { text = fill(L.bar_saved, { time: d.saved_at }); cls = "saved"; }
    else { text = L.bar_nothing; cls = ""; }
    this.barState.textContent = text;
    this.barState.className = `state ${cls}`;
    this.bar.dataset.unsaved = String(n);
    this.banner.hidden = online || !n;
    this.banner.textContent = fill(L.banner_offline, { n });
    for (const f of this.fields.values()) {
      if (f.status.classList.contains("saving") && !online) { f.status.className = "status offline"; f.status.textContent = L.state_offline; }
      else if (f.status.classList.contains("offline") && online) { f.status.className = "status saving"; f.status.textContent = L.state_saving; }
    }
  }
}

// A press on a link (back to the list, the sidebar's pages) is about to change the page. The blur it
// causes commits into the outbox without sending: a send there started a rerun of the sheet's page that
// raced the page change, and the list was left blank (3 in 6 tries). The list's courier sends it.
let linkPressedAt = 0;
const LINK_MS = 1500;
document.addEventListener("pointerdown", (e) => {
  if (e.composedPath().some((n) => n.tagName === "A" && n.href)) linkPressedAt = Date.now();
}, true);
function leavingByLink() { return Date.now() - linkPressedAt < LINK_MS; }

// A reload or a closed tab inside a typing pause: what was typed goes into the outbox (localStorage, so
// the next load of the page sends it) before the page goes.
window.addEventListener("pagehide", () => { for (const sheet of controllers.values()) sheet.sendTyped(false); });

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  let sheet = controllers.get(parentElement);
  if (!sheet) {
    sheet = new Sheet(parentElement);
    controllers.set(parentElement, sheet);
  }
  sheet.update(data, setStateValue, setTriggerValue);
  return () => {
    sheet.destroy();
    controllers.delete(parentElement);
  };
}
