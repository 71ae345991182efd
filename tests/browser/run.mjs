// End-to-end browser test of `workbench serve`: the real binary (target/debug/workbench), the
// machine's Docker daemon, and headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core. Run from the repository root:
//
//   node tests/browser/run.mjs
//
// It prepares the daemon itself (offline stand-ins of the .NET base images, no leftover
// golden/aspnet-core:3.0), then walks through the page as a learner would: launch URL → home,
// lessons, quiz, the golden-runtime exercise (failing build, hint, fix, passing build), progress
// on the home page, the language switch, and a server restart that must keep the progress.
// Screenshots go to artifacts/screenshots/. The last line printed is `N passed, M failed`; the
// exit code is non-zero when anything failed. At most one workbench and one Chromium run at a
// time, and both are always stopped (finally blocks, signal and 'exit' handlers, a watchdog).
import assert from "node:assert/strict";
import { spawn, spawnSync, execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const BIN = path.join(ROOT, "target", "debug", "workbench");
const SHOTS = path.join(ROOT, "artifacts", "screenshots");
const DOCKER = "/usr/bin/docker";
const CHROMIUM = "/usr/bin/chromium";
const GOLDEN_TAG = "golden/aspnet-core:3.0";
const EXERCISE = "golden-runtime";

const PAGE_TIMEOUT = 15_000; // page things: navigation, selectors, small API calls
const BUILD_TIMEOUT = 90_000; // a build through the daemon plus the automatic check
// The whole run, set-up included (WORKBENCH_E2E_WATCHDOG_S overrides it, e.g. to try the watchdog).
const WATCHDOG_MS = (Number(process.env.WORKBENCH_E2E_WATCHDOG_S) || 5 * 60) * 1000;

const STARTER_LINE = "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0";
const SOLUTION = [
  "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0",
  'LABEL framework="dotnet" version="3.0" description=".NET Core 3.0 Runtime" owner="platform-team@example.com"',
  "EXPOSE 80",
  "",
].join("\n");
// The open question's answer: mentions every key point of `official-image-trust`.
const OPEN_ANSWER = "오픈소스 프로젝트의 개발팀과 도커가 함께 관리합니다. 공개 전에 취약점 스캔을 거치고, 정기적으로 업데이트되며, 최적화된 Dockerfile로 빌드됩니다.";
// The order question and its right order (bottom first), from lessons/quiz.yaml.
const ORDER_QUESTION = "image-chain-order";
const ORDER_RIGHT = ["official", "golden", "app"];

// ---------------------------------------------------------------------------------------------
// Bookkeeping: steps, results, everything started (so it can be stopped on any path).

const results = []; // { name, ok, error }
const skipped = [];
const started = { server: null, chromiumPids: [] };
const tempDirs = [];
let summaryPrinted = false;

function log(msg) {
  process.stdout.write(`${msg}\n`);
}

function printSummary(extraFailures = 0) {
  if (summaryPrinted) return;
  summaryPrinted = true;
  const passed = results.filter((r) => r.ok).length;
  const failed = results.filter((r) => !r.ok).length + extraFailures;
  if (skipped.length) log(`(${skipped.length} step(s) not run because a step they need failed: ${skipped.join("; ")})`);
  log(`${passed} passed, ${failed} failed`);
}

/** Stops, synchronously and by pid, whatever is still running. Safe to call more than once. */
function killEverythingNow() {
  const s = started.server;
  if (s && s.child.exitCode === null && s.child.signalCode === null) {
    try { s.child.kill("SIGKILL"); } catch { /* already gone */ }
  }
  for (const pid of started.chromiumPids) {
    // Playwright starts Chromium as the leader of its own process group: end the group.
    try { process.kill(-pid, "SIGKILL"); } catch { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } }
  }
  started.chromiumPids = [];
}

/** For the abrupt ends (signal, watchdog): the test image must not be left on the daemon. */
function removeGoldenImageNow() {
  spawnSync(DOCKER, ["image", "rm", "-f", GOLDEN_TAG], { stdio: "ignore", timeout: 20_000, killSignal: "SIGKILL" });
}

function removeTempDirs() {
  for (const d of tempDirs.splice(0)) {
    try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* best effort */ }
  }
}

process.on("exit", () => {
  killEverythingNow();
  removeTempDirs();
});
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    log(`\ninterrupted by ${sig}: stopping the workbench and Chromium`);
    killEverythingNow();
    removeGoldenImageNow();
    printSummary(1);
    process.exit(130);
  });
}

const watchdog = setTimeout(() => {
  log(`\nWATCHDOG: the run took longer than ${WATCHDOG_MS / 1000} s; stopping everything`);
  const s = started.server;
  if (s) dumpServerLog(s);
  killEverythingNow();
  removeGoldenImageNow();
  printSummary(1);
  process.exit(1);
}, WATCHDOG_MS);

/**
 * Runs one step: an assertion group with a name and a key. A step whose `needs` (keys of earlier
 * steps) did not all pass is not run, and is listed as skipped; other steps still run after a
 * failure, so one product bug does not hide the rest.
 */
const passedKeys = new Set();
async function step(key, name, needs, fn) {
  const missing = needs.filter((k) => !passedKeys.has(k));
  if (missing.length) {
    skipped.push(name);
    log(`skip ${name} (needs: ${missing.join(", ")})`);
    return false;
  }
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    passedKeys.add(key);
    log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return true;
  } catch (e) {
    results.push({ name, ok: false, error: e });
    log(`FAIL ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    log(indent(String((e && e.stack) || e)));
    await failureEvidence(name);
    return false;
  }
}

/** A step that runs even after a failure (clean-up). */
async function finalStep(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    log(`ok   ${name}`);
  } catch (e) {
    results.push({ name, ok: false, error: e });
    log(`FAIL ${name}`);
    log(indent(String((e && e.stack) || e)));
  }
}

function indent(s) {
  return s.split("\n").map((l) => `     ${l}`).join("\n");
}

let currentPage = null;
async function failureEvidence(name) {
  if (currentPage && !currentPage.isClosed()) {
    const file = path.join(SHOTS, `failure-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}.png`);
    try {
      await currentPage.screenshot({ path: file, fullPage: true, timeout: 5_000 });
      log(`     screenshot of the failure: ${path.relative(ROOT, file)}`);
      log(`     page URL: ${currentPage.url()}`);
    } catch { /* the page may be gone */ }
  }
  if (started.server) dumpServerLog(started.server);
}

function dumpServerLog(s) {
  const lines = s.stderr.slice(-30);
  if (lines.length) log(`     last lines of the workbench's stderr:\n${indent(lines.join("\n"))}`);
}

// ---------------------------------------------------------------------------------------------
// Processes: docker CLI, the set-up script, the workbench.

function run(cmd, args, { timeout = 60_000, cwd = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, timeout, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        err.message = `${cmd} ${args.join(" ")} failed: ${err.message}\n${stderr}`;
        reject(err);
      } else resolve({ stdout, stderr });
    });
  });
}

const docker = (...args) => run(DOCKER, args, { timeout: 60_000 });

function childEnv() {
  const env = { ...process.env };
  // A random token, the built-in content, and only the folders given on the command line.
  for (const k of ["WORKBENCH_TOKEN", "WORKBENCH_CONTENT", "WORKBENCH_WORKSPACE", "WORKBENCH_DATA", "WORKBENCH_LANG"]) delete env[k];
  return env;
}

/** Starts `workbench serve` and resolves once it printed its launch URL. */
function startServer(ws, data) {
  assert.equal(started.server, null, "only one workbench at a time");
  const child = spawn(BIN, ["--workspace", ws, "--data", data, "serve", "--no-open", "--port", "0"], {
    cwd: ROOT,
    env: childEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const s = { child, stderr: [], stdout: [], url: null, exited: null };
  started.server = s;
  s.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const keep = (buf, line) => { buf.push(line); if (buf.length > 200) buf.shift(); };
  // Keep reading both pipes for the whole life of the server, so they never fill.
  readline.createInterface({ input: child.stderr }).on("line", (l) => keep(s.stderr, l));
  const out = readline.createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the workbench printed no launch URL within ${PAGE_TIMEOUT / 1000} s`)), PAGE_TIMEOUT);
    child.once("error", (e) => { clearTimeout(timer); reject(e); });
    s.exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`the workbench exited early (code ${code}, signal ${signal}):\n${s.stderr.join("\n")}`)); });
    let first = true;
    out.on("line", (line) => {
      keep(s.stdout, line);
      if (!first) return;
      first = false;
      clearTimeout(timer);
      const m = /^Workbench ready at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+))$/.exec(line);
      if (!m) return reject(new Error(`unexpected first line from the workbench: ${JSON.stringify(line)}`));
      s.url = m[1];
      s.port = Number(m[2]);
      s.token = m[3];
      s.origin = `http://127.0.0.1:${s.port}`;
      resolve(s);
    });
  });
}

/** Stops the workbench: Ctrl+C (its graceful shutdown), then SIGKILL after 5 s. */
async function stopServer() {
  const s = started.server;
  if (!s) return null;
  let result;
  if (s.child.exitCode === null && s.child.signalCode === null) {
    s.child.kill("SIGINT");
    const timer = setTimeout(() => s.child.kill("SIGKILL"), 5_000);
    result = await s.exited;
    clearTimeout(timer);
  } else result = await s.exited;
  started.server = null;
  return result;
}

/** Pids of the Chromium processes that are direct children of this Node process. */
function chromiumChildren() {
  const pids = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      const exe = fs.readlinkSync(`/proc/${entry}/exe`);
      if (/chrom/i.test(exe)) pids.push(Number(entry));
    } catch { /* raced with an exit */ }
  }
  return pids;
}

// ---------------------------------------------------------------------------------------------
// Page helpers.

async function shot(page, name) {
  // From the top, so the sticky header is drawn once, at the top of the full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

/** The progress rows of the home page (lessons read, quiz answered, quiz right, exercises passed). */
async function homeStats(page) {
  return page.$$eval("dl.stats dt", (dts) =>
    dts.map((dt) => {
      const dd = dt.nextElementSibling;
      const m = /(\d+)\s*\/\s*(\d+)/.exec(dd.textContent);
      const p = dd.querySelector("progress");
      return { label: dt.textContent.trim(), done: m ? +m[1] : NaN, total: m ? +m[2] : NaN, value: p ? +p.value : NaN, max: p ? +p.max : NaN, text: dd.textContent.trim() };
    }),
  );
}

async function expectHomeProgress(page, { lessonsAtLeast, quizAtLeast }) {
  await page.waitForSelector("dl.stats", { timeout: PAGE_TIMEOUT });
  const stats = await homeStats(page);
  assert.equal(stats.length, 4, `four progress rows, got ${JSON.stringify(stats)}`);
  const [lessons, answered, quiz, exercises] = stats;
  assert.ok(answered.done >= 3, `quiz answered ≥ 3 (single, open, order): ${answered.label} ${answered.text}`);
  assert.equal(lessons.total, 6, `six lessons: ${lessons.text}`);
  assert.ok(lessons.done >= lessonsAtLeast, `lessons read ≥ ${lessonsAtLeast}: ${lessons.label} ${lessons.text}`);
  assert.ok(quiz.done >= quizAtLeast, `quiz right ≥ ${quizAtLeast}: ${quiz.label} ${quiz.text}`);
  assert.equal(`${exercises.done} / ${exercises.total}`, "1 / 3", `exercises passed: ${exercises.label} ${exercises.text}`);
  assert.equal(exercises.value, 1, "the exercises progress bar is at 1");
  const badge = await page.$eval(`a[href="/exercises/${EXERCISE}"] ~ .badge`, (b) => ({ cls: b.className, text: b.textContent.trim() }));
  assert.match(badge.cls, /\bok\b/, `the ${EXERCISE} badge shows passed: ${JSON.stringify(badge)}`);
  return stats;
}

/**
 * The quiz page after a reload or restart: the answers are kept on the server (the chosen option
 * and the written text come back in the HTML) and each answered question shows its result again.
 */
async function expectQuizKept(page, ids) {
  const [singleId, openId] = ids;
  await page.waitForSelector("li.question");
  assert.equal(await page.locator(`li.question[data-id="${singleId}"] input[type=radio]`).first().isChecked(), true, "the chosen option is still selected");
  assert.equal(await page.locator(`li.question[data-id="${openId}"] textarea`).inputValue(), OPEN_ANSWER, "the written answer is kept");
  const answered = await answeredOnQuizPage(page);
  assert.deepEqual([...answered].sort(), [...ids].sort(), "the answered questions show their results again (.result filled from data-previous)");
}

/** The question ids whose `.result` shows a verdict (answered and kept). */
async function answeredOnQuizPage(page) {
  await page.waitForSelector("li.question", { timeout: PAGE_TIMEOUT });
  return page.$$eval("li.question", (qs) => qs.filter((q) => q.querySelector(".result .verdict-ok, .result .verdict-bad")).map((q) => q.dataset.id));
}

// ---------------------------------------------------------------------------------------------
// The test.

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const f of fs.readdirSync(SHOTS)) if (f.endsWith(".png")) fs.rmSync(path.join(SHOTS, f));
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-e2e-ws-"));
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "workbench-e2e-data-"));
  tempDirs.push(ws, data);
  log(`workspace ${ws}\ndata      ${data}`);

  await step("env", "set-up: the binary and Chromium exist, the Docker daemon answers", [], async () => {
    assert.ok(fs.existsSync(BIN), `${BIN} exists (run cargo build first)`);
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} exists`);
    const { stdout } = await docker("version", "--format", "{{.Server.Version}}");
    assert.match(stdout.trim(), /^\d+\.\d+/, "the daemon reports its version");
  });

  await step("images", "set-up: offline stand-in base images built, no old golden image", ["env"], async () => {
    const { stdout } = await run("bash", ["tests/fixtures/stand-ins/build.sh"], { timeout: 240_000 });
    assert.match(stdout, /stand-in ready: mcr\.microsoft\.com\/dotnet\/core\/aspnet:3\.0/);
    await docker("image", "rm", "-f", GOLDEN_TAG);
    await docker("image", "inspect", "mcr.microsoft.com/dotnet/core/aspnet:3.0");
    await docker("image", "inspect", "mcr.microsoft.com/dotnet/core/sdk:3.0.100");
    await assert.rejects(docker("image", "inspect", GOLDEN_TAG), `${GOLDEN_TAG} is gone before the test`);
  });

  let server = null;
  let browser = null;
  try {
    await step("server", "workbench serve prints its launch URL", ["env"], async () => {
      server = await startServer(ws, data);
      log(`     ${server.origin} (token ${server.token.length} hex digits)`);
    });

    await step("chromium", "Chromium starts headless", ["env"], async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        timeout: 30_000,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
      });
      started.chromiumPids = chromiumChildren();
      assert.ok(started.chromiumPids.length >= 1, "the Chromium process is known by its pid");
    });
    if (!passedKeys.has("server") || !passedKeys.has("chromium")) return;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light", locale: "ko-KR" });
    context.setDefaultTimeout(PAGE_TIMEOUT);
    context.setDefaultNavigationTimeout(PAGE_TIMEOUT);
    const page = await context.newPage();
    currentPage = page;
    const consoleErrors = [];
    const failedRequests = [];
    page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
    // Chromium asks for /favicon.ico by itself (the pages declare no icon); its 404 is only noted.
    let faviconMisses = 0;
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      if (/\/favicon\.ico$/.test(m.location().url || "")) faviconMisses++;
      else consoleErrors.push(`console: ${m.text()} (${m.location().url || "?"})`);
    });
    page.on("response", (r) => { if (r.status() >= 400) failedRequests.push(`${r.status()} ${r.request().method()} ${r.url()}`); });
    page.on("requestfailed", (r) => failedRequests.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    const url = (p) => `${server.origin}${p}`;

    // 1 ─ the launch URL
    await step("launch", "1. launch URL → home without token, lang=ko, Docker connected", ["server", "chromium"], async () => {
      const resp = await page.goto(server.url);
      assert.ok(resp, "a response");
      assert.equal(resp.status(), 200);
      const redirect = resp.request().redirectedFrom();
      assert.ok(redirect, "the launch URL was redirected");
      assert.equal((await redirect.response()).status(), 303);
      assert.equal(page.url(), url("/"), "lands on / with no token in the URL");
      const cookies = await context.cookies(server.origin);
      const tok = cookies.find((c) => c.name === `workbench_token_${new URL(server.origin).port}`);
      assert.ok(tok, "the token cookie is set");
      assert.equal(tok.httpOnly, true, "the token cookie is HttpOnly");
      assert.equal(tok.sameSite, "Strict");
      assert.equal(await page.getAttribute("html", "lang"), "ko");
      assert.equal((await page.textContent("h1")).trim(), "공식 이미지에서 골든 이미지로 전환하기");
      await page.waitForFunction(() => /Docker Engine/.test(document.querySelector("#docker-status")?.textContent || ""), null, { timeout: PAGE_TIMEOUT });
      const status = await page.$eval("#docker-status", (p) => ({ text: p.textContent, cls: p.className }));
      assert.match(status.text, /^연결됨: Docker Engine \d+\.\d+\S* \(API \d+\.\d+\)$/, status.text);
      assert.equal(status.cls, "summary-ok");
      const stats = await homeStats(page);
      assert.deepEqual(stats.map((s) => s.done), [0, 0, 0, 0], `fresh progress: ${JSON.stringify(stats)}`);
      await shot(page, "01-home.png");
    });

    // 2 ─ lessons
    await step("lessons", "2. lessons: h1, next link, read marks, copy button", ["launch"], async () => {
      const readPost = (id) => page.waitForResponse((r) => r.url() === url(`/api/lessons/${id}/read`) && r.request().method() === "POST");
      let read = readPost("trust");
      await page.goto(url("/lessons/trust"));
      assert.equal((await read).status(), 200, "opening a lesson marks it read");
      assert.ok((await page.$$("article.lesson h1")).length >= 1, "the lesson article has an h1");
      const next = page.locator("nav.pager a[rel=next]");
      assert.equal(await next.getAttribute("href"), "/lessons/verified-publishers");
      read = readPost("verified-publishers");
      await next.click();
      await page.waitForURL(url("/lessons/verified-publishers"));
      assert.equal((await read).status(), 200);
      assert.ok((await page.$$("article.lesson h1")).length >= 1);
      assert.equal(await page.locator("nav.pager a[rel=prev]").getAttribute("href"), "/lessons/trust");

      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.origin });
      read = readPost("golden-images");
      await page.goto(url("/lessons/golden-images"));
      assert.equal((await read).status(), 200);
      const copy = page.locator("article.lesson pre button.copy").first();
      await copy.waitFor();
      assert.equal((await copy.textContent()).trim(), "복사");
      const code = await copy.evaluate((b) => b.closest("pre").querySelector("code").innerText);
      await copy.click();
      await page.waitForFunction((b) => b.textContent === "복사됨", await copy.elementHandle());
      const clip = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(clip, code, "the code block was copied to the clipboard");
      await shot(page, "02-lesson.png");
    });

    // 3 ─ quiz
    let singleId = null, openId = null, answeredIds = [];
    await step("quiz", "3. quiz: single, open and order questions judged by the server", ["launch"], async () => {
      await page.goto(url("/quiz"));
      await page.waitForSelector("li.question");
      const kinds = await page.$$eval("li.question", (qs) => qs.map((q) => q.dataset.kind));
      for (const k of ["open", "single", "multiple", "truefalse", "order"]) assert.ok(kinds.includes(k), `a ${k} question is shown`);
      assert.deepEqual(await answeredOnQuizPage(page), [], "nothing answered yet");
      const answerPost = (id) => page.waitForResponse((r) => r.url() === url(`/api/quiz/${id}`) && r.request().method() === "POST");

      // single choice: the first option
      const single = page.locator('li.question[data-kind="single"]').first();
      singleId = await single.getAttribute("data-id");
      await single.locator('input[type="radio"][name="answer"]').first().check();
      let posted = answerPost(singleId);
      await single.locator('button[type="submit"]').click();
      assert.equal((await posted).status(), 200);
      await single.locator(".result .verdict-ok, .result .verdict-bad").waitFor();

      // open: a written answer → key points and the model answer
      const open = page.locator('li.question[data-kind="open"]').first();
      openId = await open.getAttribute("data-id");
      await open.locator("textarea").fill(OPEN_ANSWER);
      posted = answerPost(openId);
      await open.locator('button[type="submit"]').click();
      assert.equal((await posted).status(), 200);
      await open.locator(".result ul.points li").first().waitFor();
      const points = await open.locator(".result ul.points li").evaluateAll((lis) => lis.map((li) => li.className));
      assert.ok(points.length >= 2, `key points listed: ${points}`);
      assert.ok(points.every((c) => c === "yes" || c === "no"), `each key point covered or missing: ${points}`);
      assert.ok(points.includes("yes"), `the answer covers at least one key point: ${points}`);
      const modelLabel = await page.$eval("#quiz-strings", (t) => t.dataset.model);
      const resultText = await open.locator(".result").textContent();
      assert.ok(resultText.includes(`${modelLabel}:`), `the model answer is shown: ${resultText.slice(0, 200)}`);
      await open.locator(".result .verdict-ok, .result .verdict-bad").waitFor();

      // order: put the items right with the ↑ buttons
      const order = page.locator(`li.question[data-kind="order"][data-id="${ORDER_QUESTION}"]`);
      const ids = () => order.locator("ol.order > li").evaluateAll((lis) => lis.map((li) => li.dataset.id));
      const shown = await ids();
      assert.deepEqual([...shown].sort(), [...ORDER_RIGHT].sort(), `the order items: ${shown}`);
      assert.notDeepEqual(shown, ORDER_RIGHT, "the items are shown shuffled");
      for (let i = 0; i < ORDER_RIGHT.length; i++) {
        const now = await ids();
        for (let j = now.indexOf(ORDER_RIGHT[i]); j > i; j--) {
          await order.locator(`ol.order > li[data-id="${ORDER_RIGHT[i]}"] button.up`).click();
        }
      }
      assert.deepEqual(await ids(), ORDER_RIGHT, "the buttons moved the items into order");
      posted = answerPost(ORDER_QUESTION);
      await order.locator('button[type="submit"]').click();
      assert.equal((await posted).status(), 200);
      await order.locator(".result .verdict-ok").waitFor();
      await shot(page, "03-quiz.png");

      answeredIds = [singleId, openId, ORDER_QUESTION];
    });

    await step("quiz-kept", "3b. quiz: after a reload the answered questions show their results again", ["quiz"], async () => {
      await page.reload();
      await expectQuizKept(page, answeredIds);
    });

    // 4 ─ exercise: build the starter, it fails
    const exerciseUrl = url(`/exercises/${EXERCISE}`);
    const checkPosts = [];
    page.on("request", (r) => { if (r.method() === "POST" && r.url() === url(`/api/exercises/${EXERCISE}/check`)) checkPosts.push(Date.now()); });
    await step("ex-fail", "4. exercise: the starter builds and fails the check (no EXPOSE), more help", ["launch", "images"], async () => {
      await page.goto(exerciseUrl);
      await page.uncheck("#auto");
      assert.equal(await page.isChecked("#auto"), false);
      await page.waitForFunction((line) => document.querySelector("#editor").value.includes(line), STARTER_LINE);
      assert.equal((await page.textContent("#folder")).trim(), path.join(ws, EXERCISE), "the workspace folder is shown");
      const tabs = await page.$$eval("#file-tabs button", (bs) => bs.map((b) => ({ name: b.dataset.name, text: b.textContent, selected: b.getAttribute("aria-selected") })));
      assert.ok(tabs.length >= 1, "file tabs");
      assert.equal(tabs[0].text, "Dockerfile", `Dockerfile is the first tab: ${JSON.stringify(tabs)}`);
      assert.equal(tabs[0].selected, "true");
      assert.equal(await page.locator("#verdict").innerHTML(), "", "no verdict yet");

      await page.click("#build");
      await page.waitForSelector("#verdict p.summary-bad", { timeout: BUILD_TIMEOUT });
      const buildLog = await page.textContent("#build-log");
      assert.match(buildLog, /✓ built golden\/aspnet-core:3\.0/, `the build log ends with success:\n${buildLog}`);
      assert.match(buildLog, /Step 1\/\d+ : FROM mcr\.microsoft\.com\/dotnet\/core\/aspnet:3\.0/, "the build log streams the steps");
      assert.ok(await page.$('#verdict li.bad[data-check="expose.80/tcp"]'), "the EXPOSE check fails");
      assert.ok(await page.$('#verdict li.bad[data-check="label.owner"]'), "the owner label check fails");
      assert.ok(await page.$('#verdict li.ok[data-check="base"]'), "the base check passes");
      assert.ok(await page.$('#verdict li.ok[data-check="image"]'), "the image check passes");
      await page.waitForSelector("#lineage svg rect");
      await shot(page, "04-exercise-failed.png");

      const hint = page.locator('#verdict li.bad[data-check="expose.80/tcp"] .hint');
      const before = await hint.locator(":scope > *").count();
      const more = hint.locator("button");
      assert.equal((await more.textContent()).trim(), "더 보기");
      const hintPost = page.waitForResponse((r) => r.url() === url(`/api/exercises/${EXERCISE}/hint`));
      await more.click();
      assert.equal((await hintPost).status(), 200);
      await hint.locator('a[href="/lessons/hands-on"]').waitFor();
      assert.ok((await hint.locator(":scope > *").count()) > before, "more hint content appeared");
    });

    await step("ex-cancel", "4b. exercise: the Cancel button is hidden while no build runs", ["ex-fail"], async () => {
      const cancel = await page.$eval("#cancel", (b) => ({ hidden: b.hidden, display: getComputedStyle(b).display }));
      assert.equal(cancel.hidden, true, "the page script marked #cancel hidden after the build");
      assert.equal(cancel.display, "none", `a [hidden] #cancel is not displayed: ${JSON.stringify(cancel)}`);
      assert.equal(await page.isVisible("#build-progress"), false, "no build progress bar after the build");
    });

    // 5 ─ fix, save, build, pass
    await step("ex-pass", "5. exercise: the solution saved to disk, built, and passes", ["ex-fail"], async () => {
      await page.fill("#editor", SOLUTION);
      const saved = await page.$eval("#ex-strings", (t) => t.dataset.saved);
      assert.equal((await page.textContent("#save-state")).trim(), await page.$eval("#ex-strings", (t) => t.dataset.unsaved), "edits show as unsaved");
      await page.click("#save");
      await page.waitForFunction((s) => document.querySelector("#save-state").textContent === s, saved);
      assert.notEqual(saved, "");
      const onDisk = fs.readFileSync(path.join(ws, EXERCISE, "Dockerfile"), "utf8");
      assert.equal(onDisk, SOLUTION, "the file on disk is the editor's text");
      assert.match(onDisk, /^EXPOSE 80$/m);

      await page.click("#build");
      await page.waitForSelector("#verdict p.summary-ok", { timeout: BUILD_TIMEOUT });
      const checks = await page.$$eval("#verdict ul.checks > li", (lis) => lis.map((li) => `${li.className}:${li.dataset.check}`));
      assert.ok(checks.length >= 4, `checks listed: ${checks}`);
      assert.ok(checks.every((c) => c.startsWith("ok:")), `every check passes: ${checks}`);
      assert.ok(checks.includes("ok:expose.80/tcp") && checks.includes("ok:label.owner"), `${checks}`);
      const { stdout } = await docker("image", "inspect", "--format", "{{json .Config.ExposedPorts}} {{index .Config.Labels \"owner\"}}", GOLDEN_TAG);
      assert.match(stdout, /"80\/tcp"/, `the image exposes 80/tcp: ${stdout}`);
      assert.match(stdout, /platform-team@example\.com/);
      await page.waitForSelector("#lineage svg rect");
      await shot(page, "05-exercise-passed.png");
      await page.locator("section.lineage").screenshot({ path: path.join(SHOTS, "05b-lineage.png") });
    });

    // 6 ─ the last verdict is shown again after a reload
    await step("ex-reload", "6. exercise: after a reload the last verdict (passed) is shown without a check", ["ex-pass"], async () => {
      const n = checkPosts.length;
      await page.reload();
      await page.uncheck("#auto"); // at once: watch mode must not start a check of its own
      await page.waitForSelector("#verdict p.summary-ok", { timeout: PAGE_TIMEOUT });
      assert.equal(checkPosts.length, n, "the verdict came with the page: no check was requested");
      await page.waitForFunction(() => document.querySelector("#editor").value.includes("EXPOSE 80"));
    });

    // 7 ─ home shows the progress
    let homeBefore = null;
    await step("home", "7. home: 1 / 3 exercises passed, lessons read ≥ 2, quiz answered", ["lessons", "quiz", "ex-pass"], async () => {
      await page.goto(url("/"));
      homeBefore = await expectHomeProgress(page, { lessonsAtLeast: 2, quizAtLeast: 1 });
      const readBadges = await page.$$eval("ol.outline li.done a", (as) => as.map((a) => a.getAttribute("href")));
      for (const id of ["trust", "verified-publishers", "golden-images"]) assert.ok(readBadges.includes(`/lessons/${id}`), `lesson ${id} shows as read: ${readBadges}`);
      await shot(page, "06-home-after.png");
    });

    // 8 ─ language
    await step("lang", "8. language switch → en, remembered after a reload", ["launch"], async () => {
      assert.equal(await page.getAttribute("#lang-switch", "data-to"), "en");
      await page.click("#lang-switch");
      await page.waitForSelector('html[lang="en"]', { state: "attached" });
      await page.waitForLoadState("load");
      assert.equal((await page.textContent("h1")).trim(), "From official images to golden images");
      assert.equal(await page.getAttribute("#lang-switch", "data-to"), "ko");
      const lang = (await context.cookies(server.origin)).find((c) => c.name === "workbench_lang");
      assert.equal(lang && lang.value, "en", "the language cookie is set");
      await page.waitForFunction(() => /^Connected: Docker Engine/.test(document.querySelector("#docker-status")?.textContent || ""));
      await shot(page, "07-english.png");
      await page.reload();
      assert.equal(await page.getAttribute("html", "lang"), "en", "still English after a reload");
      assert.equal((await page.textContent("h1")).trim(), "From official images to golden images");
      await page.goto(url("/quiz"));
      assert.equal(await page.getAttribute("html", "lang"), "en", "other pages are English too");
    });

    // 9 ─ restart: progress survives
    await step("restart", "9. restart with the same --data/--workspace: new URL, home shows the same progress", ["home"], async () => {
      const oldToken = server.token;
      const oldOrigin = server.origin;
      const exit = await stopServer();
      assert.ok(exit.code === 0 || exit.signal === "SIGINT", `the workbench stopped on Ctrl+C: ${JSON.stringify(exit)}`);
      server = await startServer(ws, data);
      assert.notEqual(server.token, oldToken, "a new random token");
      const resp = await page.goto(server.url);
      assert.equal(resp.status(), 200);
      assert.equal(page.url(), url("/"), `lands on the new server's /: ${page.url()} (was ${oldOrigin})`);
      const lang = passedKeys.has("lang") ? "en" : "ko";
      assert.equal(await page.getAttribute("html", "lang"), lang, "the language is still remembered");
      const after = await expectHomeProgress(page, { lessonsAtLeast: 2, quizAtLeast: 1 });
      assert.deepEqual(after.map((s) => s.text), homeBefore.map((s) => s.text), "the same progress as before the restart");
    });

    await step("restart-kept", "9b. after the restart the quiz answers and the last verdict are shown again", ["restart"], async () => {
      await page.goto(url("/quiz"));
      await expectQuizKept(page, answeredIds);
      await page.goto(url(`/exercises/${EXERCISE}`));
      await page.uncheck("#auto");
      await page.waitForSelector("#verdict p.summary-ok");
    });

    await step("errors", "no script errors, no failed requests (but /favicon.ico, and the event stream aborted on leaving)", ["launch"], async () => {
      assert.deepEqual(consoleErrors, [], consoleErrors.join("\n"));
      // The exercise page's event stream (/api/events) is open until the page is left, so
      // leaving the page aborts it: that is not a failure.
      const unexpected = failedRequests.filter((r) => !/ GET http:\/\/127\.0\.0\.1:\d+\/favicon\.ico$/.test(r) && !/\/api\/events: net::ERR_ABORTED$/.test(r));
      assert.deepEqual(unexpected, [], unexpected.join("\n"));
      if (faviconMisses) log(`     note: /favicon.ico was not found ${faviconMisses} time(s) (the pages declare no icon)`);
    });
  } finally {
    currentPage = null;
    if (browser) {
      await finalStep("clean-up: Chromium closed", async () => {
        let timer;
        await Promise.race([browser.close(), new Promise((_, rej) => { timer = setTimeout(() => rej(new Error("browser.close() took over 10 s")), 10_000); })]);
        clearTimeout(timer);
        started.chromiumPids = []; // closed and reaped: nothing of it left to end
      });
    }
    killEverythingNow(); // Chromium's group, should close() have left anything
    if (started.server) {
      await finalStep("clean-up: workbench stopped", async () => {
        const exit = await stopServer();
        assert.ok(exit, "it exited");
      });
    }
    await finalStep(`clean-up: ${GOLDEN_TAG} removed`, async () => {
      await docker("image", "rm", "-f", GOLDEN_TAG);
      await assert.rejects(docker("image", "inspect", GOLDEN_TAG));
    });
    removeTempDirs();
  }
}

let crashed = false;
try {
  await main();
} catch (e) {
  crashed = true;
  log(`the runner itself failed: ${(e && e.stack) || e}`);
} finally {
  clearTimeout(watchdog);
  killEverythingNow();
}
printSummary(crashed ? 1 : 0);
const anyFailed = crashed || results.some((r) => !r.ok);
process.exit(anyFailed ? 1 : 0);
