// The steward's page: its agency's projects and current extracts, an upload with its receipt, its
// agency's earlier uploads with their receipts, and the summary of its consented matches.
'use strict';

const {api, el, table, say, fail, number, verdict, extractVersions} = Pprl;

async function main(who) {
  const {projects} = await api('/projects');
  const host = document.getElementById('projects');
  host.replaceChildren();
  if (projects.length === 0) {
    host.append(el('p', {text: 'No project takes part your agency yet.'}));
  }
  const agency = who.agency;
  for (const p of projects) {
    const x = agency ? p.extracts[agency] : null;
    const file = el('input', {type: 'file', id: 'file-' + p.id, required: true});
    const receipt = el('div', {id: 'receipt-' + p.id});
    const uploads = el('div', {id: 'uploads-' + p.id});
    const matches = el('div', {id: 'matches-' + p.id});
    host.append(el('section', {'aria-labelledby': 'project-' + p.id},
      el('h2', {id: 'project-' + p.id, text: 'Project ' + p.id + ': ' + p.name}),
      el('p', {text: x
        ? 'Current extract of ' + agency + ': version ' + x.version + ', '
          + number(x.records) + ' records, uploaded ' + x.uploadedAt
        : 'No extract of ' + (agency || 'your agency') + ' yet.'}),
      el('form', {method: 'post', action: '#', onsubmit: e => {
        e.preventDefault();
        upload(p, agency, file, receipt).then(() => showUploads(p, agency, uploads)).catch(fail);
      }},
      el('label', {for: 'file-' + p.id, text: 'Extract file (from pprl encode) to upload'}),
      file, ' ', el('button', {type: 'submit'}, 'Upload to project ' + p.id)),
      receipt, uploads, matches));
    await showUploads(p, agency, uploads);
    await showMatches(p, matches);
  }
}

async function upload(p, agency, input, host) {
  const file = input.files[0];
  if (!file) {
    return;
  }
  try {
    say('Uploading ' + file.name + '…');
    const r = await api('/projects/' + p.id + '/extracts/' + agency,
      {method: 'PUT', body: file, headers: {'Content-Type': 'application/octet-stream'}});
    host.replaceChildren(table('Receipt of the upload',
      ['field', 'value'],
      [['project', String(r.project)], ['agency', r.agency], ['version', number(r.version)],
        ['records', number(r.records)], ['ids added', number(r.added)],
        ['ids removed', number(r.removed)], ['sha256', r.sha256], ['uploaded at', r.uploadedAt],
        ['unchanged', r.unchanged ? 'yes: the same bytes as the current version' : 'no'],
        ['attack self-assessment', verdict(r.assessment)]]));
    say('Uploaded: version ' + r.version + '.');
  } catch (e) {
    fail(e);
  }
}

/** The agency's uploads to the project, each with its receipt, as the API gives them to it. */
async function showUploads(p, agency, host) {
  host.replaceChildren(el('h3', {text: 'Uploads of ' + agency + ' and their receipts'}),
    await extractVersions(p.id, 'Uploads of ' + agency + ' to project ' + p.id + ', newest first'));
}

async function showMatches(p, host) {
  const purpose = p.recordLevelPurposes[0];
  if (!purpose) {
    host.replaceChildren(el('p', {text: 'This project releases no record-level matches.'}));
    return;
  }
  try {
    const m = await api('/projects/' + p.id + '/matches?purpose=' + encodeURIComponent(purpose));
    const byAgencies = new Map();
    for (const row of m.matches) {
      const key = row.agencies.join(', ');
      byAgencies.set(key, (byAgencies.get(key) || 0) + 1);
    }
    host.replaceChildren(
      el('h3', {text: 'Consented matches (' + purpose + ')'}),
      el('p', {text: number(m.count) + ' records of ' + m.agency
        + ' have a consented match, from run ' + m.run + '.'}),
      table('Consented matches by the other agencies that hold the person',
        ['other agencies', 'records'],
        [...byAgencies.entries()].sort().map(([k, v]) => [k, number(v)])));
  } catch (e) {
    if (e.code === 'no_links') {
      host.replaceChildren(el('p', {text: 'No consented matches yet: ' + e.message}));
    } else {
      throw e;
    }
  }
}

Pprl.start('steward', main);
