// The auditor's page: the log's verification, computed by the service over the export it would
// give now (and checkable offline with `pprl audit verify` on the downloaded export), and the log
// as a timeline filtered by kind, principal and purpose.
'use strict';

const {api, el, table, say, fail, download, number} = Pprl;
let events = [];
let exported = '';

const KINDS = {
  upload: a => a.startsWith('extract.') && !a.endsWith('.refuse'),
  run: a => a.startsWith('run.') && !a.endsWith('.refuse'),
  question: a => a.startsWith('question.') && !a.endsWith('.refuse'),
  release: a => a === 'statutory.release' || a === 'matches.release',
  refuse: a => a.endsWith('.refuse'),
  export: a => a.startsWith('audit.'),
  admin: a => a.startsWith('agency.') || a.startsWith('token.') || a === 'project.create',
};

async function main() {
  const v = await api('/audit/verification');
  const box = document.getElementById('verification');
  box.replaceChildren(
    el('p', {class: v.verified ? 'ok' : 'bad', text: v.verified
      ? 'The log verifies: ' + number(v.events) + ' events, ' + number(v.checkpoints)
        + ' signed checkpoints, through event ' + v.through + '.'
      : 'The log does NOT verify: ' + v.problem + ' at event ' + v.seq + ': ' + v.message}),
    el('p', {text: 'Checked in the service against the public key ' + v.publicKey
      + '. Compare it with the key the operator gave you, and check the downloaded export'
      + ' offline: pprl audit verify --log LOG.jsonl --public-key KEY.'}));
  exported = await api('/audit');
  events = exported.split('\n').filter(l => l.trim()).map(l => JSON.parse(l))
    .filter(e => e.type === 'event');
  for (const id of ['kind', 'who-filter', 'purpose-filter']) {
    document.getElementById(id).addEventListener('input', render);
    document.getElementById(id).addEventListener('change', render);
  }
  document.getElementById('download-log').addEventListener('click',
    () => download('audit.jsonl', exported, 'application/x-ndjson'));
  render();
}

function render() {
  const kind = document.getElementById('kind').value;
  const who = document.getElementById('who-filter').value.trim();
  const purpose = document.getElementById('purpose-filter').value.trim();
  const shown = events.filter(e => (!kind || KINDS[kind](e.action))
    && (!who || String(e.actor) === who)
    && (!purpose || (e.purpose || '').includes(purpose)));
  document.getElementById('timeline').replaceChildren(table(
    number(shown.length) + ' of ' + number(events.length) + ' events, oldest first',
    ['event', 'time (UTC)', 'action', 'principal', 'role', 'agency', 'purpose', 'detail'],
    shown.map(e => [String(e.seq), e.time, e.action, String(e.actor), e.role, e.agency || '',
      e.purpose || '', JSON.stringify(e.detail)])));
  say('Showing ' + shown.length + ' events.');
}

Pprl.start('auditor', main);
