// The pages in a real browser: `ave serve --demo`, Debian's chromium through playwright-core,
// the main journeys by their visible Dutch labels, a keyboard-only login, and a crawler that
// runs axe-core (WCAG 2.1 A and AA) and the page checks on every page it can reach.
// Exit code 0 when everything passed; 1 with a readable report otherwise; 2 when it could
// not run at all. See README.md.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

const BIN = process.env.AVE_BIN || join(root, 'target/debug/ave');
const CHROMIUM = process.env.AVE_CHROMIUM || '/usr/bin/chromium';
const ARTEFACTS = process.env.AVE_BROWSER_ARTEFACTS || join(root, 'target/browser-artefacts');
const AXE = join(here, 'node_modules/axe-core/axe.min.js');

/** The WCAG rules axe runs: 2.0 and 2.1, levels A and AA. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** How many pages one crawl visits at most. */
const MAX_PAGES = Number(process.env.AVE_BROWSER_MAX_PAGES || 60);
/** How many query variants of one path are visited (`/casussen?pagina=2`, …). */
const MAX_QUERY_VARIANTS = 3;
/** How many paths of one shape are visited (`/casussen/{id}` for different ids). */
const MAX_PER_SHAPE = 5;
/** Paths the crawler never follows: the API, logging out, metrics, health. */
const SKIP_PREFIXES = ['/api/', '/afmelden', '/metrics', '/health', '/openapi.json'];
/** The width of a small phone (WCAG 1.4.10 reflow): pages with a wide table are checked again at it. */
const NARROW = 320;
/** The most a page may transfer, images not counted (the issue's must-reach). */
const PAGE_BUDGET = 200 * 1024;

export const failures = [];
const notes = [];

function fail(where, message) {
  failures.push(`${where}: ${message}`);
  console.log(`  FOUT  ${where}: ${message}`);
}

function ok(message) {
  console.log(`  ok    ${message}`);
}

function check(condition, where, message) {
  if (condition) ok(`${where}: ${message}`);
  else fail(where, message);
  return condition;
}

/** A file name for a path: `/casussen/12?pagina=2` → `casussen_12_pagina-2`. */
function fileName(path) {
  const name = path.replace(/^\//, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  return name || 'start';
}

async function screenshot(page, name) {
  const file = join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---------------------------------------------------------------------------------------
// Logging in

/** Does `action` (a click or a key that submits a form) and waits for the next page's load. */
async function navigates(page, action) {
  await Promise.all([page.waitForEvent('load'), action()]);
}

/** The organisation choice (second step), when there is one: the first organisation. */
async function chooseOrganisation(page, { keyboard = false } = {}) {
  const heading = page.getByRole('heading', { name: 'Kies uw organisatie' });
  if ((await heading.count()) === 0) return;
  if (keyboard) {
    await tabTo(page, page.getByRole('radio').first(), 'de eerste organisatie');
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('button', { name: 'Verder' }), 'de knop Verder');
    await navigates(page, () => page.keyboard.press('Enter'));
  } else {
    await page.getByRole('radio').first().check();
    await navigates(page, () => page.getByRole('button', { name: 'Verder' }).click());
  }
}

/** Logs in with the mouse; resolves on the start page. */
async function login(page, server, login) {
  await page.goto(`${server.base}/aanmelden`);
  await page.getByLabel('Gebruikersnaam').fill(login);
  await page.getByLabel('Wachtwoord').fill(server.password);
  await page.getByLabel('Code').fill(server.code(login));
  await navigates(page, () => page.getByRole('button', { name: 'Aanmelden' }).click());
  await chooseOrganisation(page);
  const path = new URL(page.url()).pathname;
  if (path !== '/') {
    const alert = await page.getByRole('alert').allTextContents();
    throw new Error(`aanmelden als ${login} kwam op ${path} uit, niet op /: ${alert.join(' ')}`);
  }
}

/** Whether `locator` has the keyboard focus. */
async function focused(locator) {
  return (await locator.count()) === 1 && locator.evaluate((el) => el === document.activeElement);
}

/** Presses Tab until `locator` has the focus (at most 15 times); fails otherwise. */
async function tabTo(page, locator, what) {
  for (let i = 0; i < 15; i += 1) {
    await page.keyboard.press('Tab');
    if (await focused(locator)) return;
  }
  throw new Error(`met Tab is ${what} niet te bereiken`);
}

/** Whether the focused element shows that it has the focus (an outline or a shadow). */
async function focusVisible(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  });
}

// ---------------------------------------------------------------------------------------
// Journeys

async function journeyMouseLogin(browser, server, account) {
  const where = 'aanmelden met de muis';
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${server.base}/aanmelden`);
    await screenshot(page, 'aanmelden');
    // A wrong password: the Dutch error, the name kept, the password not.
    await page.getByLabel('Gebruikersnaam').fill(account);
    await page.getByLabel('Wachtwoord').fill('dit-is-niet-het-wachtwoord');
    await page.getByLabel('Code').fill('000000');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/aanmelden')),
      navigates(page, () => page.getByRole('button', { name: 'Aanmelden' }).click()),
    ]);
    check(response.status() === 401, where, `een fout wachtwoord geeft 401 (kreeg ${response.status()})`);
    const alert = (await page.getByRole('alert').allTextContents()).join(' ');
    check(/klopt niet/.test(alert), where, `de foutmelding is Nederlands en zegt wat er mis is ("${alert.trim()}")`);
    check(
      (await page.getByLabel('Gebruikersnaam').inputValue()) === account,
      where,
      'de gebruikersnaam blijft ingevuld',
    );
    check((await page.getByLabel('Wachtwoord').inputValue()) === '', where, 'het wachtwoord is leeg');
    await screenshot(page, 'aanmelden-fout');
    // Now the right one.
    await page.getByLabel('Wachtwoord').fill(server.password);
    await page.getByLabel('Code').fill(server.code(account));
    await navigates(page, () => page.getByRole('button', { name: 'Aanmelden' }).click());
    await chooseOrganisation(page);
    check(new URL(page.url()).pathname === '/', where, `na aanmelden op / (${page.url()})`);
    const logout = page.getByRole('button', { name: 'Afmelden' });
    check((await logout.count()) === 1, where, 'de startpagina heeft een knop Afmelden');
    await screenshot(page, 'start');
    // Logging out goes back to the form, and / then asks to log in again.
    await navigates(page, () => logout.click());
    check(new URL(page.url()).pathname === '/aanmelden', where, 'na afmelden op /aanmelden');
    await page.goto(`${server.base}/`);
    check(new URL(page.url()).pathname === '/aanmelden', where, 'na afmelden stuurt / naar /aanmelden');
  } catch (e) {
    fail(where, e.message);
    await screenshot(page, 'fout-aanmelden-muis').catch(() => {});
  } finally {
    await context.close();
  }
}

async function journeyKeyboardLogin(browser, server, account) {
  const where = 'aanmelden met alleen het toetsenbord';
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${server.base}/aanmelden`);
    const steps = [
      [page.getByLabel('Gebruikersnaam'), 'het veld Gebruikersnaam', account],
      [page.getByLabel('Wachtwoord'), 'het veld Wachtwoord', server.password],
      [page.getByLabel('Code'), 'het veld Code', null],
    ];
    for (const [field, what, text] of steps) {
      await tabTo(page, field, what);
      ok(`${where}: Tab bereikt ${what}`);
      check(await focusVisible(page), where, `${what} laat zien dat het de focus heeft`);
      await page.keyboard.type(text ?? server.code(account));
    }
    const button = page.getByRole('button', { name: 'Aanmelden' });
    await tabTo(page, button, 'de knop Aanmelden');
    ok(`${where}: Tab bereikt de knop Aanmelden`);
    check(await focusVisible(page), where, 'de knop Aanmelden laat zien dat hij de focus heeft');
    await navigates(page, () => page.keyboard.press('Enter'));
    await chooseOrganisation(page, { keyboard: true });
    check(new URL(page.url()).pathname === '/', where, `Enter meldt aan en opent / (${page.url()})`);
    const logout = page.getByRole('button', { name: 'Afmelden' });
    await tabTo(page, logout, 'de knop Afmelden');
    ok(`${where}: Tab bereikt de knop Afmelden op de startpagina`);
    await navigates(page, () => page.keyboard.press('Enter'));
    check(new URL(page.url()).pathname === '/aanmelden', where, 'Enter op Afmelden meldt af');
  } catch (e) {
    fail(where, e.message);
    await screenshot(page, 'fout-aanmelden-toetsenbord').catch(() => {});
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------
// The journey of an escalation.
//
// Find a case from the start page, propose an escalation on it, decide it, and see both in
// the case's timeline. It is SKIPPED (loudly) only while the start page has no link to a
// case; from the moment it has one, every step must work. What it relies on (Dutch labels):
//   - a link on / (or on a page it links to as "Casussen") to /casussen/{id};
//   - on the case page a control named like "Escalatie voorstellen" (button or link) that
//     leads to a form with a field labelled "Toelichting" or "Reden" and a submit button
//     named like "Voorstellen" / "Escalatie voorstellen";
//   - a control to decide it named like "Besluiten", "Akkoord" or "Goedkeuren" (for someone
//     allowed to decide — the run logs in again as another casusregisseur when needed);
//   - a section "Tijdlijn" (a heading) on the case page in which both events appear with
//     the word "escalatie".

async function caseLink(page) {
  const direct = page.locator('a[href^="/casussen/"]');
  if ((await direct.count()) > 0) return direct.first();
  const list = page.getByRole('link', { name: /casussen/i });
  if ((await list.count()) > 0) {
    await settles(page, () => list.first().click());
    const inList = page.locator('a[href^="/casussen/"]');
    if ((await inList.count()) > 0) return inList.first();
  }
  return null;
}

async function clickFirst(page, role, name, what) {
  const control = page.getByRole(role, { name });
  if ((await control.count()) === 0) throw new Error(`geen ${what} gevonden (rol ${role}, naam ${name})`);
  await settles(page, () => control.first().click());
}

/** Does `action` and waits for a page load if it starts one (a control may also just open
 * something on the same page). */
async function settles(page, action) {
  await Promise.all([page.waitForEvent('load', { timeout: 5000 }).catch(() => {}), action()]);
}

/** Fills every empty text area of the form on `page` with `text`. */
async function fillTextAreas(page, text) {
  const areas = page.locator('main form textarea');
  for (let i = 0; i < (await areas.count()); i += 1) {
    const area = areas.nth(i);
    if ((await area.inputValue()) === '') await area.fill(text);
  }
}

/** The journey of the issue: find a case, propose an escalation with the model's criteria,
 * let someone the model allows decide it, and see both in the timeline. `accounts` are
 * demo accounts not used yet (a TOTP code is good once). They are tried per gemeente (the
 * part of the name before the function): the first who can propose an escalation in one of
 * their cases does, then the others of that gemeente are tried as the decider; when nobody
 * there may decide, the next gemeente is tried. */
async function escalationJourney(browser, server, accounts) {
  const where = 'escalatie voorstellen en besluiten';
  const contexts = [];
  const fresh = async (account) => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await login(page, server, account);
    return page;
  };
  const groups = new Map();
  for (const a of accounts) {
    const g = a.replace(/-[a-z]+-.*$/, '').replace(/-(medewerker|zorg|behandel|procesreg|strategisch|ketenpartner|ambtenaar|eerstelijns|specialisten|crisisdienst|wijkteam|hulpverlener|consulent|jeugd|casemanager|team|oggz|oov|reclassering|driehoek|afvaardiging).*$/, '');
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(a);
  }
  const tried = [];
  try {
    for (const [gemeente, members] of groups) {
      // 1. Someone who does the regie proposes an escalation in one of their cases.
      let casePath = null;
      let proposer = null;
      let page = null;
      let used = 0;
      for (const account of members) {
        used += 1;
        page = await fresh(account).catch(() => null);
        if (!page) continue;
        const links = await page.locator('main table a[href^="/casussen/"]').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
        for (const path of links.slice(0, 4)) {
          await page.goto(`${server.base}${path}`);
          const propose = page.getByRole('link', { name: /op- of afschalen voorstellen/i });
          if ((await propose.count()) === 0) continue;
          await navigates(page, () => propose.first().click());
          const choice = page.getByLabel(/^overgang/i);
          if ((await choice.count()) === 0) continue;
          const options = await choice.first().locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
          // Up to another phase if the model offers it here.
          const up = options.find(([v, t]) => v && /opschal/i.test(t) && !/binnen/i.test(t));
          if (!up) continue;
          await choice.first().selectOption(up[0]);
          await navigates(page, () => page.getByRole('button', { name: /kiezen/i }).first().click());
          const boxes = page.locator('main form input[type="checkbox"]');
          for (let i = 0; i < (await boxes.count()); i += 1) await boxes.nth(i).check();
          await fillTextAreas(page, 'Browsertest: de afspraken lopen vast en er is sprake van onveiligheid; graag opschalen.');
          await navigates(page, () => page.getByRole('button', { name: /verzoek indienen/i }).first().click());
          if (new URL(page.url()).pathname === path && (await page.getByText(/het verzoek is ingediend/i).count()) > 0) {
            casePath = path;
            proposer = account;
            ok(`${where}: ${account} stelde in ${path} voor: ${up[1].trim()}`);
            await screenshot(page, 'escalatie-voorgesteld');
            break;
          }
          const said = await page.getByRole('alert').allTextContents();
          console.log(`  (voorstel in ${path} door ${account} lukte niet: ${said.join(' ').replace(/\s+/g, ' ').slice(0, 200)})`);
        }
        if (casePath) break;
      }
      if (!casePath) {
        tried.push(`${gemeente}: niemand kon opschalen voorstellen`);
        continue;
      }
      // 2. Someone the model lets decide does so: the proposer, or the others in turn.
      let decided = null;
      for (const account of [proposer, ...members.slice(used)]) {
        const deciding = account === proposer ? page : await fresh(account).catch(() => null);
        if (!deciding) continue;
        await deciding.goto(`${server.base}${casePath}`);
        const decide = deciding.getByRole('link', { name: /besluiten over het verzoek/i });
        if ((await decide.count()) === 0) continue;
        await navigates(deciding, () => decide.first().click());
        const approve = deciding.getByLabel(/^goedkeuren/i);
        if ((await approve.count()) > 0) await approve.first().check();
        else await deciding.getByLabel(/^besluit/i).first().selectOption({ label: 'Goedkeuren' });
        await fillTextAreas(deciding, 'Browsertest: de criteria zijn besproken; opschalen is nodig.');
        await navigates(deciding, () => deciding.getByRole('button', { name: /besluit vastleggen/i }).first().click());
        if ((await deciding.getByText(/het besluit is vastgelegd/i).count()) > 0) {
          decided = account;
          ok(`${where}: ${account} keurde het verzoek goed`);
          page = deciding;
          break;
        }
        const said = await deciding.getByRole('alert').allTextContents();
        console.log(`  (besluit door ${account} lukte niet: ${said.join(' ').replace(/\s+/g, ' ').slice(0, 200)})`);
      }
      if (!decided) {
        tried.push(`${gemeente}: niemand mocht over het verzoek in ${casePath} besluiten`);
        continue;
      }
      // 3. The timeline shows the proposal and the decision.
      await page.goto(`${server.base}${casePath}`);
      if ((await page.getByRole('heading', { name: /tijdlijn/i }).count()) === 0) throw new Error(`${casePath} heeft geen kop "Tijdlijn"`);
      const text = await page.locator('main').innerText();
      check(/verzoek/i.test(text), where, 'de tijdlijn toont het verzoek');
      check(/goedgekeurd/i.test(text), where, 'de tijdlijn toont het besluit (goedgekeurd)');
      await screenshot(page, 'escalatie-besloten');
      return;
    }
    throw new Error(`geen gemeente waar de reis lukte: ${tried.join('; ')}`);
  } catch (e) {
    fail(where, e.message);
  } finally {
    for (const c of contexts) await c.close();
  }
}

// ---------------------------------------------------------------------------------------
// Every page: axe and the page checks

/** Runs axe-core on the page as it is now (its context must bypass the CSP). */
export async function axe(page, label, report) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] }),
    AXE_TAGS,
  );
  report.pages += 1;
  for (const v of result.violations) {
    report.violations.push({
      page: label,
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.join(' ')),
    });
  }
  for (const v of result.incomplete) {
    report.incomplete.push({ page: label, id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) });
  }
  if (result.violations.length === 0) ok(`axe ${label}: geen schendingen`);
  else console.log(`  FOUT  axe ${label}: ${result.violations.map((v) => v.id).join(', ')}`);
}

/** The checks on one page, loaded fresh under the page's own CSP; its same-origin links. */
export async function checkPage(context, base, path, label) {
  const page = await context.newPage();
  const origin = new URL(base).origin;
  const external = [];
  const consoleErrors = [];
  const sizes = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (['data:', 'blob:', 'about:'].includes(url.protocol)) return;
    if (url.origin !== origin) external.push(r.url());
  });
  page.on('requestfinished', (r) => {
    if (r.resourceType() === 'image') return;
    sizes.push(r.sizes().then((s) => s.responseBodySize + s.responseHeadersSize).catch(() => 0));
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  try {
    const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
    const finalPath = new URL(page.url()).pathname;
    const where = `pagina ${label}`;
    const status = response ? response.status() : 0;
    check(status === 200, where, `status 200 (kreeg ${status}${finalPath !== new URL(`${base}${path}`).pathname ? `, uitgekomen op ${finalPath}` : ''})`);
    const type = response ? response.headers()['content-type'] || '' : '';
    if (!type.startsWith('text/html')) {
      fail(where, `geen HTML-pagina (Content-Type ${type || 'ontbreekt'}); links naar niet-pagina's horen niet in de navigatie of moeten in SKIP_PREFIXES`);
      return [];
    }
    const facts = await page.evaluate(() => ({
      lang: document.documentElement.getAttribute('lang') || '',
      title: (document.title || '').trim(),
      h1: document.querySelectorAll('h1').length,
      // A checkbox or radio button whose label does not start beside it, on its line.
      choicesApart: [...document.querySelectorAll('.ave-choice')]
        .filter((c) => {
          const box = c.querySelector('input')?.getBoundingClientRect();
          const label = c.querySelector('label')?.getBoundingClientRect();
          return box && label && (label.left < box.right || label.top >= box.bottom);
        })
        .map((c) => c.querySelector('label')?.textContent.trim()),
      links: [...document.querySelectorAll('a[href]')]
        .filter((a) => !a.hasAttribute('download'))
        .map((a) => a.href),
    }));
    check(facts.lang !== '', where, `<html lang> is gezet (${facts.lang})`);
    check(facts.title !== '', where, `heeft een <title> (${facts.title})`);
    check(facts.h1 === 1, where, `precies één <h1> (${facts.h1})`);
    check(facts.choicesApart.length === 0, where, facts.choicesApart.length === 0 ? 'elk keuzevakje staat naast zijn label' : `keuzevakjes los van hun label: ${facts.choicesApart.join(' | ')}`);
    const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    check(bytes <= PAGE_BUDGET, where, `${(bytes / 1024).toFixed(1)} KB over de lijn zonder afbeeldingen (max ${PAGE_BUDGET / 1024} KB)`);
    check(external.length === 0, where, external.length === 0 ? 'geen verzoeken naar andere sites' : `verzoeken naar andere sites: ${external.join(', ')}`);
    check(consoleErrors.length === 0, where, consoleErrors.length === 0 ? 'geen fouten in de console (ook geen CSP-weigeringen)' : `fouten in de console: ${consoleErrors.join(' | ')}`);
    await screenshot(page, fileName(label));
    return facts.links;
  } catch (e) {
    fail(`pagina ${label}`, e.message);
    return [];
  } finally {
    await page.close();
  }
}

/** The shape of a path: segments with a digit become `{id}`. */
function shape(pathname) {
  return pathname.split('/').map((s) => (/\d/.test(s) ? '{id}' : s)).join('/');
}

/**
 * Breadth-first over every same-origin link from `/`, as `who`: the page checks in
 * `strict` (the pages' own CSP), axe in `axeContext` (CSP bypassed, to inject axe).
 */
export async function crawl(strict, axeContext, base, who, report) {
  const origin = new URL(base).origin;
  const queue = ['/'];
  const queued = new Set(queue);
  const variants = new Map();
  const shapes = new Map();
  let visited = 0;
  const skipped = [];
  while (queue.length > 0 && visited < MAX_PAGES) {
    const path = queue.shift();
    visited += 1;
    const label = `${who}${path === '/' ? '/' : path}`;
    const links = await checkPage(strict, base, path, label);
    const page = await axeContext.newPage();
    try {
      await page.goto(`${base}${path}`);
      await axe(page, label, report);
      // A table that scrolls sideways on a phone must be reachable by keyboard
      // (scrollable-region-focusable): the pages with one again at 320 px wide.
      if ((await page.locator('.ave-table-wrap').count()) > 0) {
        await page.setViewportSize({ width: NARROW, height: 900 });
        await axe(page, `${label} (${NARROW} px)`, report);
      }
    } catch (e) {
      fail(`axe ${label}`, e.message);
    } finally {
      await page.close();
    }
    for (const href of links) {
      let url;
      try {
        url = new URL(href);
      } catch {
        continue;
      }
      if (url.origin !== origin) continue;
      if (SKIP_PREFIXES.some((p) => url.pathname === p.replace(/\/$/, '') || url.pathname.startsWith(p))) continue;
      const key = url.pathname + url.search;
      if (queued.has(key)) continue;
      queued.add(key);
      const v = (variants.get(url.pathname) || 0) + 1;
      variants.set(url.pathname, v);
      if (v > MAX_QUERY_VARIANTS) {
        skipped.push(key);
        continue;
      }
      if (v === 1) {
        const s = shape(url.pathname);
        const n = (shapes.get(s) || 0) + 1;
        if (n > MAX_PER_SHAPE) {
          skipped.push(key);
          continue;
        }
        shapes.set(s, n);
      }
      queue.push(key);
    }
  }
  console.log(`  crawler ${who}: ${visited} pagina's bezocht${queue.length > 0 ? `, ${queue.length} niet meer (maximum ${MAX_PAGES})` : ''}, ${skipped.length} varianten overgeslagen`);
  return visited;
}

// ---------------------------------------------------------------------------------------

export function printAxeReport(report) {
  console.log(`\naxe-core (${AXE_TAGS.join(', ')}): ${report.pages} pagina's, ${report.violations.length} schendingen`);
  for (const v of report.violations) {
    console.log(`  [${v.impact}] ${v.id} op ${v.page}: ${v.help}\n      ${v.helpUrl}\n      ${v.targets.join('\n      ')}`);
  }
  if (report.incomplete.length > 0) {
    console.log(`axe kon ${report.incomplete.length} punt(en) niet zelf beslissen (niet fataal, wel nakijken):`);
    for (const v of report.incomplete) console.log(`  ${v.id} op ${v.page}: ${v.help} (${v.targets.join(', ')})`);
  }
}

async function main() {
  for (const [what, path] of [['het ave-programma (AVE_BIN)', BIN], ['chromium (AVE_CHROMIUM)', CHROMIUM], ['axe-core (npm ci in tests/browser)', AXE]]) {
    if (!existsSync(path)) {
      console.error(`${what} ontbreekt: ${path}`);
      return 2;
    }
  }
  rmSync(ARTEFACTS, { recursive: true, force: true });
  mkdirSync(ARTEFACTS, { recursive: true });
  console.log(`ave serve --demo starten (${BIN}) …`);
  const started = Date.now();
  const server = await startServer(BIN);
  let browser;
  try {
    console.log(`server op ${server.base} na ${((Date.now() - started) / 1000).toFixed(1)} s; ${server.accounts.length} demo-accounts`);
    const staff = server.accounts.filter((a) => a.login.startsWith('regio-'));
    const regisseurs = server.accounts.filter((a) => !a.login.startsWith('regio-')).map((a) => a.login);
    if (regisseurs.length < 5) throw new Error(`te weinig demo-accounts van regisseurs (${regisseurs.length}):\n${server.log()}`);
    // A TOTP code is good once: every login below is a different account.
    const [mouse, keys, crawler, ...journey] = regisseurs;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    console.log(`chromium ${browser.version()}`);

    console.log('\n# aanmelden met de muis');
    await journeyMouseLogin(browser, server, mouse);
    console.log('\n# aanmelden met alleen het toetsenbord');
    await journeyKeyboardLogin(browser, server, keys);

    const report = { pages: 0, violations: [], incomplete: [] };
    console.log('\n# de pagina\'s zonder aanmelding');
    {
      const strict = await browser.newContext();
      const axeContext = await browser.newContext({ bypassCSP: true });
      await checkPage(strict, server.base, '/aanmelden', 'anoniem/aanmelden');
      const page = await axeContext.newPage();
      await page.goto(`${server.base}/aanmelden`);
      await axe(page, 'anoniem/aanmelden', report);
      // The form with its error message.
      await page.getByLabel('Gebruikersnaam').fill(mouse);
      await page.getByLabel('Wachtwoord').fill('dit-is-niet-het-wachtwoord');
      await page.getByLabel('Code').fill('000000');
      await navigates(page, () => page.getByRole('button', { name: 'Aanmelden' }).click());
      await axe(page, 'anoniem/aanmelden (met foutmelding)', report);
      await strict.close();
      await axeContext.close();
    }

    const roles = [[crawler, `regisseur ${crawler}`], ...staff.map((a) => [a.login, a.login])];
    for (const [account, who] of roles) {
      console.log(`\n# crawler als ${who}`);
      const strict = await browser.newContext();
      const first = await strict.newPage();
      try {
        await login(first, server, account);
      } catch (e) {
        fail(`crawler ${who}`, e.message);
        await strict.close();
        continue;
      }
      await first.close();
      const axeContext = await browser.newContext({ bypassCSP: true, storageState: await strict.storageState() });
      await crawl(strict, axeContext, server.base, account, report);
      await strict.close();
      await axeContext.close();
    }

    console.log('\n# escalatie');
    await escalationJourney(browser, server, journey);

    printAxeReport(report);
    if (report.violations.length > 0) fail('axe-core', `${report.violations.length} schending(en) van WCAG 2.1 A/AA (zie hierboven)`);
  } finally {
    if (browser) await browser.close();
    await server.stop();
  }
  console.log(`\nschermafdrukken: ${ARTEFACTS}`);
  for (const n of notes) console.log(n);
  if (failures.length > 0) {
    console.log(`\n${failures.length} FOUT(EN):`);
    for (const f of failures) console.log(`  - ${f}`);
    return 1;
  }
  console.log('\nalles in orde');
  return 0;
}

// Imported (for a check of the crawler itself) it only defines; run, it runs.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`de browsertest kon niet draaien: ${e.stack || e}`);
    process.exit(2);
  },
  );
}
