// The analyst's page: a project's statutory tables, or a question in a declared shape (made with a
// form of the project's agencies, categories, dates and windows, or written as JSON), answered by
// the service with its protection (suppression or the cell-key method); each table with its
// suppressed cells marked, a chart of its column totals, its disclosure notes and a CSV download.
'use strict';

const {api, el, table, say, fail, download, number} = Pprl;
const SVG = 'http://www.w3.org/2000/svg';
let projects = [];

async function main() {
  projects = (await api('/projects')).projects;
  const select = document.getElementById('project');
  select.replaceChildren(...projects.map(p => el('option', {value: p.id, text: p.id + ': ' + p.name})));
  select.addEventListener('change', chooseProject);
  document.getElementById('shape').addEventListener('change', shapeChanged);
  document.getElementById('ask').addEventListener('submit', ask);
  chooseProject();
}

/** Fills the question form with the project's agencies and declared shapes. */
function chooseProject() {
  const p = current();
  if (!p) {
    return;
  }
  document.getElementById('purpose').replaceChildren(
    ...p.purposes.map(x => el('option', {value: x, text: x})));
  const shapes = p.questions || {};
  const categories = Object.keys(shapes.categories || {});
  const dates = shapes.dates || [];
  options('cohort-agency', p.agencies);
  options('where-attribute', categories, 'no filter: every record');
  options('from-attribute', dates);
  options('to-agency', p.agencies);
  options('to-attribute', dates);
  options('rows-agency', p.agencies, 'no breakdown: one row');
  options('rows-attribute', categories);
  checks('days', (shapes.windows || []).map(String), []);
  whereCategories();
  otherAgencies();
  document.getElementById('shapes').replaceChildren(el('details', {},
    el('summary', {text: 'The shapes the project declares (docs/questions.md)'}),
    el('pre', {text: JSON.stringify(p.questions, null, 2)})));
  compose();
}

/** The options of a select, with a first option of no value when {@code none} names it. */
function options(id, values, none) {
  const list = values.map(v => el('option', {value: v, text: v}));
  if (none) {
    list.unshift(el('option', {value: '', text: none}));
  }
  document.getElementById(id).replaceChildren(...list);
}

/** A group of labelled checkboxes under its legend, those in {@code on} checked. */
function checks(id, values, on) {
  const host = document.getElementById(id);
  host.replaceChildren(host.querySelector('legend'), ...values.map((v, i) => el('span',
    {class: 'check'},
    el('input', {type: 'checkbox', id: id + '-' + i, value: v, checked: on.includes(v)}),
    el('label', {for: id + '-' + i, class: 'inline', text: v}))));
}

function checked(id) {
  return [...document.querySelectorAll('#' + id + ' input:checked')].map(c => c.value);
}

function value(id) {
  return document.getElementById(id).value;
}

/** The categories of the chosen filter attribute, none kept yet. */
function whereCategories() {
  const shapes = current().questions || {};
  const attribute = value('where-attribute');
  checks('where-categories', attribute ? shapes.categories[attribute] : [], []);
  document.getElementById('where-categories').hidden = !attribute;
}

/** The agencies other than the cohort's, those still chosen kept. */
function otherAgencies() {
  const kept = checked('with');
  checks('with', current().agencies.filter(a => a !== value('cohort-agency')), kept);
}

function shapeChanged(event) {
  const id = event.target.id;
  if (id === 'where-attribute') {
    whereCategories();
  } else if (id === 'cohort-agency') {
    otherAgencies();
  }
  const windows = document.getElementById('form-window').checked;
  document.getElementById('window-fields').hidden = !windows;
  document.getElementById('overlap-fields').hidden = windows;
  document.getElementById('kind-question').checked = true;
  compose();
}

/** The question the form describes, written where it is sent from (docs/questions.md). */
function compose() {
  const cohort = {agency: value('cohort-agency')};
  const where = value('where-attribute');
  if (where && checked('where-categories').length > 0) {
    cohort.where = {[where]: checked('where-categories')};
  }
  const q = {cohort};
  if (document.getElementById('form-window').checked) {
    q.from = {agency: cohort.agency, attribute: value('from-attribute')};
    q.to = {agency: value('to-agency'), attribute: value('to-attribute')};
    q.days = checked('days').map(Number);
  } else {
    q.with = checked('with');
    q.columns = value('columns');
  }
  if (value('rows-agency') && value('rows-attribute')) {
    q.rows = {agency: value('rows-agency'), attribute: value('rows-attribute')};
  }
  document.getElementById('question').value = JSON.stringify(q, null, 2);
}

function current() {
  const id = document.getElementById('project').value;
  return projects.find(p => String(p.id) === id);
}

async function ask(event) {
  event.preventDefault();
  const p = current();
  const purpose = document.getElementById('purpose').value;
  const host = document.getElementById('answer');
  document.getElementById('alert').textContent = '';
  host.replaceChildren();
  try {
    if (document.getElementById('kind-statutory').checked) {
      const r = await api('/projects/' + p.id + '/statutory?purpose=' + encodeURIComponent(purpose));
      r.tables.forEach((t, i) => host.append(answer(t.name, t.table, 's' + i)));
      host.scrollIntoView();
      say(r.tables.length + ' statutory tables of project ' + p.id + ', from run ' + r.run + '.');
    } else {
      let question;
      try {
        question = JSON.parse(document.getElementById('question').value);
      } catch (e) {
        throw new Error('the question is not JSON: ' + e.message);
      }
      const r = await api('/projects/' + p.id + '/questions', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: JSON.stringify({purpose, question})});
      host.append(answer('Answer', r.table, 'q'));
      host.scrollIntoView();
      say('Answered from run ' + r.run + ' of project ' + p.id + '.');
    }
  } catch (e) {
    fail(e);
  }
}

/** One released table: the table, its chart, its notes and its CSV. */
function answer(name, t, id) {
  const symbol = t.suppressedSymbol;
  const columns = t.columns.slice();
  const withTotals = 'rowTotals' in t;
  if (withTotals) {
    columns.push('total');
  }
  const rows = t.rows.map((r, i) => [r, ...t.cells[i].map(String),
    ...(withTotals ? [String(t.rowTotals[i])] : [])]);
  rows.push(['total', ...t.columnTotals.map(String), ...(withTotals ? [String(t.grandTotal)] : [])]);
  const shown = table(name + (t.cumulativeColumns ? ' (persons within each window)' : ''),
    ['', ...columns], rows, (r, c, v) => v === symbol ? 'suppressed' : null);
  shown.querySelectorAll('td.suppressed').forEach(td => {
    td.setAttribute('aria-label', 'suppressed');
    td.setAttribute('title', 'suppressed');
  });
  const exact = t.protection === 'suppression';
  const notes = el('div', {class: 'notes'},
    el('p', {text: 'Base: ' + number(t.base) + ' persons. '
      + (exact
        ? 'Exact counts; ' + symbol + ' marks a count of 1 to ' + (t.minCellSize - 1)
          + ', or one hidden so that no such count can be worked out from the others.'
        : 'Every number is perturbed by the cell-key method; ' + symbol + ' marks 0 to '
          + (t.minCellSize - 1) + ' after perturbation.')}),
    el('p', {text: 'Suppressed cells (' + symbol + ') are shaded in the table; the chart leaves them out and says so.'}));
  const csv = [['', ...columns], ...rows].map(r => r.map(csvField).join(',')).join('\r\n') + '\r\n';
  return el('section', {'aria-labelledby': id + '-h', class: 'answer'},
    el('h2', {id: id + '-h', text: name}),
    shown, chart(id, name, t, symbol), notes,
    el('p', {}, el('button', {type: 'button', class: 'secondary',
      onclick: () => download(name + '.csv', csv, 'text/csv')}, 'Download ' + name + ' as CSV')));
}

function csvField(v) {
  return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}

/** Bars of the column totals (the persons within each window); suppressed totals are named. */
function chart(id, name, t, symbol) {
  const values = t.columnTotals;
  const max = Math.max(1, ...values.filter(v => typeof v === 'number'));
  const w = 640, h = 240, left = 56, bottom = 48, top = 16;
  const slot = (w - left - 16) / values.length;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', id + '-ct');
  const title = document.createElementNS(SVG, 'title');
  title.id = id + '-ct';
  title.textContent = 'Chart of ' + name + ': the total of each column; the table above gives every number';
  svg.append(title);
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) {
      e.setAttribute(k, v);
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    svg.append(e);
    return e;
  };
  add('line', {class: 'axis', x1: left, y1: top, x2: left, y2: h - bottom});
  add('line', {class: 'axis', x1: left, y1: h - bottom, x2: w - 16, y2: h - bottom});
  add('text', {x: left - 6, y: top + 4, 'text-anchor': 'end'}, number(max));
  add('text', {x: left - 6, y: h - bottom, 'text-anchor': 'end'}, '0');
  values.forEach((v, i) => {
    const x = left + i * slot + slot * 0.15;
    if (typeof v === 'number') {
      const bh = (h - bottom - top) * v / max;
      add('rect', {class: 'bar s0 hi', x, y: h - bottom - bh, width: slot * 0.7, height: bh});
      add('text', {x: x + slot * 0.35, y: h - bottom - bh - 4, 'text-anchor': 'middle'}, number(v));
    } else {
      add('text', {x: x + slot * 0.35, y: h - bottom - 4, 'text-anchor': 'middle'}, symbol + ' suppressed');
    }
    add('text', {x: x + slot * 0.35, y: h - bottom + 16, 'text-anchor': 'middle'}, t.columns[i]);
  });
  return svg;
}

Pprl.start('analyst', main);
