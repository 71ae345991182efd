// workbench page script: progressive enhancement over server-rendered pages. No framework, no
// external URLs. Every state change is a same-origin JSON POST (the server checks Origin).
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

async function post(url, body = {}) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin" });
  let data = null;
  try { data = await r.json(); } catch (_) { /* not JSON */ }
  if (!r.ok) { const err = new Error((data && data.error) || `HTTP ${r.status}`); err.advice = data && data.advice; err.status = r.status; throw err; }
  return data;
}

// Language: remembered in a cookie the server reads; the page is rendered in that language.
function setupLanguage() {
  const b = $("#lang-switch");
  if (!b) return;
  b.addEventListener("click", () => {
    document.cookie = `workbench_lang=${b.dataset.to}; path=/; max-age=31536000; samesite=strict`;
    location.reload();
  });
}

function setupCopyButtons() {
  const label = document.body.dataset.lang === "ko" ? ["복사", "복사됨"] : ["Copy", "Copied"];
  for (const pre of $$("pre")) {
    if (!pre.querySelector("code") || pre.closest(".code-edit")) continue;
    const b = el("button", { type: "button", class: "copy secondary", text: label[0] });
    b.addEventListener("click", async () => {
      const text = pre.querySelector("code").innerText;
      try { await navigator.clipboard.writeText(text); } catch (_) {
        const ta = el("textarea"); ta.value = text; document.body.append(ta); ta.select(); document.execCommand("copy"); ta.remove();
      }
      b.textContent = label[1];
      setTimeout(() => (b.textContent = label[0]), 1500);
    });
    pre.append(b);
  }
}

function setupLesson() {
  const a = $("article.lesson[data-lesson]");
  if (a) post(`/api/lessons/${a.dataset.lesson}/read`).catch(() => {});
}

async function setupDockerStatus() {
  const p = $("#docker-status");
  if (!p) return;
  try {
    const s = await (await fetch("/api/status")).json();
    if (s.reachable) {
      p.textContent = `${p.dataset.ok}: ${s.engine.product} ${s.engine.version} (API ${s.engine.api_version})`;
      p.className = "summary-ok";
    } else {
      p.replaceChildren(el("strong", { class: "env", text: p.dataset.bad }), el("br"), document.createTextNode(s.error), el("br"), el("small", { text: s.advice }));
    }
  } catch (e) { p.textContent = String(e); }
}

// ---- Quiz ----
function renderJudgement(box, j, s) {
  box.replaceChildren();
  const open = j.model_answer != null;
  if (open) {
    const covered = j.key_points.filter(p => p.covered).length;
    box.append(el("p", { class: j.correct ? "verdict-ok" : "verdict-bad", text: `${s.points}: ${covered} / ${j.key_points.length}` }));
    const ul = el("ul", { class: "points" });
    for (const p of j.key_points) ul.append(el("li", { class: p.covered ? "yes" : "no", text: `${p.text} — ${p.covered ? s.covered : s.missing}` }));
    box.append(ul, el("p", {}, el("strong", { text: s.model + ": " }), document.createTextNode(j.model_answer)));
  } else {
    box.append(el("p", { class: j.correct ? "verdict-ok" : "verdict-bad", text: j.correct ? `✓ ${s.correct}` : `✗ ${s.incorrect}` }));
    if (j.explanation) box.append(el("p", {}, el("strong", { text: s.explanation + ": " }), document.createTextNode(j.explanation)));
  }
}

function setupQuiz() {
  const strings = $("#quiz-strings");
  if (!strings) return;
  const s = strings.dataset;
  for (const li of $$(".question")) {
    const box = $(".result", li);
    if (box.dataset.previous) { try { renderJudgement(box, JSON.parse(box.dataset.previous), s); } catch (_) {} }
    for (const b of $$(".order button", li)) {
      b.addEventListener("click", () => {
        const item = b.closest("li");
        if (b.classList.contains("up") && item.previousElementSibling) item.parentNode.insertBefore(item, item.previousElementSibling);
        if (b.classList.contains("down") && item.nextElementSibling) item.parentNode.insertBefore(item.nextElementSibling, item);
        b.focus();
      });
    }
    $("form", li).addEventListener("submit", async ev => {
      ev.preventDefault();
      const kind = li.dataset.kind;
      let answer;
      if (kind === "open") answer = $("textarea", li).value;
      else if (kind === "truefalse") { const c = $("input:checked", li); if (!c) return; answer = c.value === "true"; }
      else if (kind === "order") answer = $$(".order li", li).map(x => x.dataset.id);
      else { answer = $$("input:checked", li).map(x => x.value); if (!answer.length) return; }
      try { renderJudgement(box, await post(`/api/quiz/${li.dataset.id}`, { answer }), s); }
      catch (e) { box.replaceChildren(el("p", { class: "env", text: e.message })); }
    });
  }
}

// ---- Exercise ----
function setupExercise() {
  const root = $(".exercise[data-id]");
  if (!root) return;
  const id = root.dataset.id;
  const s = $("#ex-strings").dataset;
  const editor = $("#editor"), gutter = $("#gutter"), tabs = $("#file-tabs"), saveState = $("#save-state");
  let files = [], current = null, dirty = false, lastVerdictKey = "";
  const hintLevels = {};

  const updateGutter = () => {
    const n = editor.value.split("\n").length;
    gutter.textContent = Array.from({ length: n }, (_, i) => i + 1).join("\n");
    gutter.scrollTop = editor.scrollTop;
  };
  editor.addEventListener("scroll", () => (gutter.scrollTop = editor.scrollTop));
  editor.addEventListener("input", () => { dirty = true; saveState.textContent = s.unsaved; updateGutter(); });
  // Tab indents; Escape then Tab leaves the editor (no keyboard trap).
  let escaped = false;
  editor.addEventListener("keydown", ev => {
    if (ev.key === "Escape") { escaped = true; return; }
    if (ev.key === "Tab" && !escaped && !ev.shiftKey) {
      ev.preventDefault();
      const { selectionStart: a, selectionEnd: b } = editor;
      editor.setRangeText("    ", a, b, "end");
      editor.dispatchEvent(new Event("input"));
    }
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "s") { ev.preventDefault(); save(); }
    if (ev.key !== "Escape") escaped = false;
  });

  function show(name) {
    current = files.find(f => f.name === name) || files[0];
    if (!current) return;
    editor.value = current.content;
    dirty = false;
    saveState.textContent = "";
    for (const b of $$("button", tabs)) b.setAttribute("aria-selected", String(b.dataset.name === current.name));
    updateGutter();
  }

  async function loadFiles(keep) {
    const r = await (await fetch(`/api/exercises/${id}/files`)).json();
    const before = current && files.find(f => f.name === current.name);
    files = r.files;
    tabs.replaceChildren(...files.map(f => {
      const b = el("button", { type: "button", role: "tab", "data-name": f.name, text: f.name });
      b.addEventListener("click", () => show(f.name));
      return b;
    }));
    const name = keep && current ? current.name : (files[0] && files[0].name);
    const now = files.find(f => f.name === name);
    if (keep && before && now && before.content !== now.content && !dirty) { show(name); $("#disk-note").hidden = false; return true; }
    if (keep && now) current = now;
    if (!keep) show(name);
    else for (const b of $$("button", tabs)) b.setAttribute("aria-selected", String(b.dataset.name === (current && current.name)));
    return keep && before && now && before.content !== now.content;
  }

  async function save() {
    if (!current) return;
    await post(`/api/exercises/${id}/files/${encodeURIComponent(current.name)}`, { content: editor.value });
    current.content = editor.value;
    const listed = files.find(f => f.name === current.name);
    if (listed) listed.content = editor.value;
    dirty = false;
    saveState.textContent = s.saved;
  }
  $("#save").addEventListener("click", () => save().catch(e => (saveState.textContent = e.message)));
  $("#reset").addEventListener("click", async ev => {
    if (!confirm(ev.target.dataset.confirm)) return;
    await post(`/api/exercises/${id}/reset`);
    await loadFiles(false);
    $("#verdict").replaceChildren();
  });

  // Build: the response is a server-sent-event stream; aborting the fetch cancels the build.
  let controller = null;
  const log = $("#build-log"), progress = $("#build-progress"), step = $("#build-step");
  async function build() {
    if (dirty) await save();
    controller = new AbortController();
    $("#build").disabled = true; $("#cancel").hidden = false; progress.hidden = false; log.hidden = false;
    log.textContent = ""; step.textContent = s.building;
    let result = null;
    try {
      const r = await fetch(`/api/exercises/${id}/build`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}", signal: controller.signal });
      if (!r.ok) { const d = await r.json().catch(() => ({})); throw new Error(d.error || `HTTP ${r.status}`); }
      const reader = r.body.getReader(), dec = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const chunk = buf.slice(0, i); buf = buf.slice(i + 2);
          let event = "message", data = [];
          for (const line of chunk.split("\n")) {
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          const text = data.join("\n");
          if (event === "line") {
            log.textContent += text + "\n"; log.scrollTop = log.scrollHeight;
            const m = /^Step (\d+)\/(\d+)/.exec(text);
            if (m) { $("#build-bar").max = +m[2]; $("#build-bar").value = +m[1]; step.textContent = text; }
          } else if (event === "done") { result = JSON.parse(text); }
        }
      }
    } catch (e) {
      result = { ok: false, message: e.name === "AbortError" ? "cancelled" : e.message };
    } finally {
      controller = null;
      $("#build").disabled = false; $("#cancel").hidden = true; progress.hidden = true;
    }
    if (result) log.textContent += (result.ok ? "✓ " : "✗ ") + result.message + "\n";
    log.scrollTop = log.scrollHeight;
    if (result && result.ok) await check();
  }
  $("#build").addEventListener("click", build);
  $("#cancel").addEventListener("click", () => controller && controller.abort());

  function renderVerdict(v) {
    const box = $("#verdict");
    box.replaceChildren();
    box.append(el("p", { class: v.passed ? "summary-ok" : "summary-bad", text: v.passed ? `✓ ${s.passed}` : `✗ ${s.failed}` }));
    const ul = el("ul", { class: "checks" });
    for (const c of v.checks) {
      const li = el("li", { class: c.passed ? "ok" : "bad", "data-check": c.id },
        el("span", { class: "mark", text: c.passed ? "✓" : "✗" }), el("span", { class: "id", text: c.id }), el("div", { class: "msg", text: c.message }));
      if (!c.passed) {
        const hintBox = el("div", { class: "hint" });
        if (c.hint) hintBox.append(el("p", {}, el("strong", { text: s.hint + ": " }), document.createTextNode(c.hint)));
        const more = el("button", { type: "button", class: "secondary", text: s.more });
        more.addEventListener("click", async () => {
          const level = (hintLevels[c.id] || 1) + 1;
          hintLevels[c.id] = level;
          const h = await post(`/api/exercises/${id}/hint`, { check: c.id, level });
          if (h.level === 2) hintBox.append(el("p", {}, document.createTextNode(s.lesson + " "), el("a", { href: `/lessons/${h.lesson}`, text: h.title || h.lesson })));
          if (h.level === 3) {
            const pre = el("pre", { class: "diff", "aria-label": s.diff });
            for (const d of h.diff) pre.append(el("span", { class: d.op === "+" ? "add" : d.op === "-" ? "del" : "", text: `${d.op} ${d.line}\n` }));
            hintBox.append(el("p", { text: s.diff }), pre);
            more.textContent = s.solution;
          }
          if (h.level >= 4) { hintBox.append(el("pre", {}, el("code", { text: h.solution }))); more.remove(); }
        });
        hintBox.append(more);
        li.append(hintBox);
      }
      ul.append(li);
    }
    box.append(ul);
  }

  let checking = false;
  let check = async function () {
    if (checking) return;
    checking = true;
    const b = $("#check"); b.disabled = true;
    const box = $("#verdict");
    box.setAttribute("aria-busy", "true");
    try { const v = await post(`/api/exercises/${id}/check`); lastVerdictKey = JSON.stringify(v); renderVerdict(v); drawLineage(); }
    catch (e) { box.replaceChildren(el("p", { class: "env" }, el("strong", { text: s.env + ": " }), document.createTextNode(e.message)), el("p", { text: e.advice || "" })); }
    finally { b.disabled = false; checking = false; box.removeAttribute("aria-busy"); }
  };
  $("#check").addEventListener("click", () => check());

  // Watch mode, like rustlings: an image with this exercise's tag (re)built anywhere — this page,
  // the CLI, the learner's own `docker build` — is re-checked (Docker events, streamed by the
  // server), and files changed in another editor are reloaded and re-checked.
  let lastCheck = 0;
  const origCheck = check;
  check = async () => { lastCheck = Date.now(); return origCheck(); };
  if (window.EventSource) {
    const events = new EventSource("/api/events");
    events.addEventListener("image", ev => {
      let e; try { e = JSON.parse(ev.data); } catch (_) { return; }
      if (e.name !== root.dataset.tag || !$("#auto").checked || controller || Date.now() - lastCheck < 3000) return;
      check();
    });
  }
  // Watch mode: files changed in another editor are reloaded and re-checked.
  setInterval(async () => {
    if (!$("#auto").checked || controller || document.hidden) return;
    try { if (await loadFiles(true)) await check(); } catch (_) {}
  }, 3000);

  const last = $("#verdict").dataset.last;
  if (last) { try { renderVerdict(JSON.parse(last)); } catch (_) {} }
  loadFiles(false).catch(() => {});
  $("#lineage-refresh").addEventListener("click", drawLineage);
  drawLineage();

  async function drawLineage() {
    const box = $("#lineage");
    let data;
    try { data = await (await fetch("/api/lineage")).json(); } catch (_) { return; }
    if (!data.images) { box.textContent = data.error || ""; return; }
    const palette = ["#6b8fd6", "#d69a6b", "#7cbf8e", "#c27bc4", "#c9b458", "#6bc2c9", "#d66b7a", "#8f8f8f"];
    const colour = new Map();
    const imgs = data.images;
    for (const im of imgs) for (const l of im.layers || []) if (!colour.has(l)) colour.set(l, palette[colour.size % palette.length]);
    const colW = 150, gap = 24, unit = 22, top = 40;
    const maxLayers = Math.max(1, ...imgs.map(i => (i.layers || []).length));
    const labelsH = 16 * Math.max(0, ...imgs.map(i => Object.keys(i.labels || {}).filter(k => !k.startsWith("workbench.")).length));
    const h = top + maxLayers * unit + 50 + labelsH, w = imgs.length * (colW + gap);
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    const add = (name, attrs, text) => { const n = document.createElementNS(ns, name); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); if (text != null) n.textContent = text; svg.append(n); return n; };
    imgs.forEach((im, i) => {
      const x = i * (colW + gap);
      add("text", { x: x + colW / 2, y: 16, "text-anchor": "middle", "font-size": 11, "font-weight": 700 }, im.name.length > 26 ? "…" + im.name.slice(-25) : im.name);
      if (!im.present) { add("text", { x: x + colW / 2, y: top + 14, "text-anchor": "middle", "font-size": 11 }, s.notpresent); return; }
      const layers = im.layers || [];
      add("text", { x: x + colW / 2, y: 30, "text-anchor": "middle", "font-size": 10 }, `${layers.length} ${s.layers} · ${(im.size / 1e6).toFixed(1)} MB`);
      layers.forEach((l, j) => {
        const y = top + (maxLayers - 1 - j) * unit;
        const r = add("rect", { x, y, width: colW, height: unit - 3, rx: 3, fill: colour.get(l) });
        add("title", {}, l).remove(); r.append(Object.assign(document.createElementNS(ns, "title"), { textContent: l }));
        add("text", { x: x + 6, y: y + 14, "font-size": 9 }, l.slice(7, 19));
      });
      // An arrow only where this image is built on the one to its left.
      if (i > 0 && im.from && im.from === imgs[i - 1].name) add("text", { x: x - gap / 2, y: top + maxLayers * unit / 2, "text-anchor": "middle", "font-size": 16 }, "→");
      Object.entries(im.labels || {}).filter(([k]) => !k.startsWith("workbench.")).forEach(([k, v], n) => {
        const text = `${k}=${v}`;
        add("text", { x, y: top + maxLayers * unit + 18 + n * 16, "font-size": 10 }, text.length > 30 ? text.slice(0, 29) + "…" : text);
      });
    });
    box.replaceChildren(svg);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  setupLanguage();
  setupCopyButtons();
  setupLesson();
  setupDockerStatus();
  setupQuiz();
  setupExercise();
});
