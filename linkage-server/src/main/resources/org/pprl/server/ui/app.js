// Shared by every page: the token in session storage, calls to the JSON API, and DOM helpers.
// The token is entered once on the sign-in page, kept in sessionStorage (gone when the tab
// closes), and sent only in the Authorization header; never in a URL, a cookie or a log.
'use strict';

const Pprl = (() => {
  const KEY = 'pprl.token';

  function token() {
    return sessionStorage.getItem(KEY);
  }

  function signOut() {
    sessionStorage.removeItem(KEY);
    location.assign('/ui/index.html');
  }

  /** A refusal of the API: its HTTP status, machine-readable code and message. */
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** Calls the API with the token; JSON answers are parsed, others returned as text. */
  async function api(path, options = {}) {
    const t = token();
    if (!t) {
      location.assign('/ui/index.html');
      throw new ApiError(401, 'unauthenticated', 'not signed in');
    }
    const headers = Object.assign({}, options.headers || {}, {Authorization: 'Bearer ' + t});
    const r = await fetch(path, Object.assign({}, options, {
      headers, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer'}));
    const type = r.headers.get('Content-Type') || '';
    const body = type.includes('application/json') ? await r.json() : await r.text();
    if (!r.ok) {
      if (r.status === 401) {
        sessionStorage.removeItem(KEY);
      }
      throw new ApiError(r.status, body.code || 'http_' + r.status, body.message || r.statusText);
    }
    return body;
  }

  /** An element with attributes and children (strings become text nodes: never parsed). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) {
        continue;
      }
      if (k === 'text') {
        e.textContent = v;
      } else if (k.startsWith('on')) {
        e.addEventListener(k.substring(2), v);
      } else {
        e.setAttribute(k, v === true ? '' : v);
      }
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) {
        e.append(c instanceof Node ? c : String(c));
      }
    }
    return e;
  }

  /** A table with a caption, column headers and rows whose first cell heads its row. */
  function table(caption, headers, rows, cellClass) {
    return el('table', {},
      el('caption', {text: caption}),
      el('thead', {}, el('tr', {}, headers.map(h => el('th', {scope: 'col', text: h})))),
      el('tbody', {}, rows.map((row, r) => el('tr', {}, row.map((v, c) => c === 0
        ? el('th', {scope: 'row', text: v})
        : el('td', {class: cellClass ? cellClass(r, c, v) : null, text: v}))))));
  }

  /** Says what happened in the page's live region, or a refusal in its alert region. */
  function say(message) {
    document.getElementById('status').textContent = message;
  }

  function fail(e) {
    notice(e instanceof ApiError
      ? 'The service refused (' + e.code + ', HTTP ' + e.status + '): ' + e.message
      : 'Something went wrong: ' + e.message);
  }

  function notice(text) {
    document.getElementById('alert').append(el('p', {text}));
  }

  /** Offers text as a file to save. */
  function download(name, text, type) {
    const url = URL.createObjectURL(new Blob([text], {type}));
    const a = el('a', {href: url, download: name});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function number(v) {
    return typeof v === 'number' ? v.toLocaleString('en-US') : String(v);
  }

  /** An instant of the API as shown: to the second, in UTC. */
  function when(t) {
    return t ? t.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
  }

  /** An attack self-assessment as text: its verdict and the checks that failed. */
  function verdict(a) {
    return a ? a.verdict + (a.failed.length ? ': ' + a.failed.join('; ') : '') : 'not assessed';
  }

  /**
   * The table of a project's extract versions as GET /projects/{project}/extracts gives them to
   * the caller (every agency's to an administrator, its own agency's to a steward), newest first,
   * with the assessment with the other agencies' extracts where the API gives it.
   */
  async function extractVersions(project, caption) {
    const {extracts} = await api('/projects/' + project + '/extracts');
    const withOthers = extracts.some(x => 'assessmentWithOthers' in x);
    const headers = ['agency and version', 'current', 'records', 'ids added', 'ids removed',
      'uploaded at', 'sha256', 'attack self-assessment'];
    if (withOthers) {
      headers.push('assessment with the other agencies\u2019 extracts');
    }
    const rows = extracts.map(x => {
      const row = [x.agency + ' v' + x.version, x.current ? 'current' : '', number(x.records),
        x.added == null ? 'n/a' : number(x.added), x.removed == null ? 'n/a' : number(x.removed),
        when(x.uploadedAt), x.sha256, verdict(x.assessment)];
      if (withOthers) {
        row.push(verdict(x.assessmentWithOthers));
      }
      return row;
    });
    const t = table(caption, headers, rows,
      (r, c, v) => c >= 7 ? 'verdict-' + v.split(':')[0].replace(' ', '-') : null);
    t.id = 'extracts-' + project;
    return extracts.length === 0 ? el('p', {id: t.id, text: 'No extract uploaded yet.'}) : t;
  }

  /**
   * Starts a role's page: signs out on request, finds who the token is for, says so when it is
   * another role's page (the API still decides what it answers), then runs the page's main.
   */
  function start(role, main) {
    document.addEventListener('DOMContentLoaded', async () => {
      document.getElementById('sign-out').addEventListener('click', signOut);
      try {
        const who = await api('/whoami');
        document.getElementById('who').textContent = 'Signed in as ' + who.role
          + (who.agency ? ' of ' + who.agency : '') + (who.name ? ' (' + who.name + ')' : '');
        if (who.role !== role) {
          notice('This is the ' + role + '\u2019s page, and your token is for '
            + ('aeiou'.includes(who.role[0]) ? 'an ' : 'a ') + who.role
            + ': the service answers only what that role may see, and its refusals are shown here.');
        }
        await main(who);
      } catch (e) {
        fail(e);
      }
    });
  }

  return {api, el, table, say, fail, download, number, when, verdict, extractVersions, start, token,
    ApiError, KEY};
})();
