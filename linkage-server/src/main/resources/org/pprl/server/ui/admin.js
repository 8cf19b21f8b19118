// The administrator's page: projects with their agencies' current extracts, every extract version
// with its attack self-assessments, runs with their status and progress, starting a run, and each
// succeeded run's linkage report (drawn by the service with the renderer of `pprl link --report`).
'use strict';

const {api, el, table, say, fail, download, number, when, extractVersions} = Pprl;

async function showProjects() {
  const {projects} = await api('/projects');
  const host = document.getElementById('projects');
  host.replaceChildren();
  if (projects.length === 0) {
    host.append(el('p', {text: 'No project yet: create one with pprl project create.'}));
  }
  for (const p of projects) {
    const runs = el('div', {id: 'runs-' + p.id});
    const report = el('div', {id: 'report-' + p.id, tabindex: '-1'});
    host.append(el('section', {'aria-labelledby': 'project-' + p.id},
      el('h2', {id: 'project-' + p.id, text: 'Project ' + p.id + ': ' + p.name}),
      table('Agencies and their current extracts',
        ['agency', 'version', 'records', 'uploaded at', 'ids added', 'ids removed'],
        p.agencies.map(a => {
          const x = p.extracts[a];
          return x
            ? [a, number(x.version), number(x.records), when(x.uploadedAt),
              x.added == null ? 'n/a' : number(x.added), x.removed == null ? 'n/a' : number(x.removed)]
            : [a, 'no extract yet', '', '', '', ''];
        })),
      await extractVersions(p.id, 'Extract versions of project ' + p.id
        + ', newest first, with their attack self-assessments'),
      el('p', {}, el('button', {type: 'button', onclick: () => startRun(p.id)},
        'Start a run of project ' + p.id)),
      runs, report));
    await showRuns(p.id);
  }
}

async function showRuns(project) {
  const {runs} = await api('/projects/' + project + '/runs');
  const host = document.getElementById('runs-' + project);
  const rows = runs.map(r => [
    'run ' + r.run, r.status, r.phase || '', when(r.queuedAt), when(r.finishedAt),
    r.summary ? number(r.summary.entities) : '', r.error || '']);
  const t = table('Runs of project ' + project + ', newest first',
    ['run', 'status', 'phase', 'queued', 'finished', 'entities', 'error'], rows);
  // A button per succeeded run, in its own row cell.
  t.querySelector('thead tr').append(el('th', {scope: 'col', text: 'report'}));
  t.querySelectorAll('tbody tr').forEach((tr, i) => {
    const r = runs[i];
    tr.append(el('td', {}, r.status === 'succeeded'
      ? el('button', {type: 'button', class: 'secondary',
        onclick: () => showReport(project, r.run)}, 'Report of run ' + r.run)
      : ''));
  });
  host.replaceChildren(t);
  if (runs.some(r => r.status === 'queued' || r.status === 'running')) {
    setTimeout(() => showRuns(project).catch(fail), 1500);
  }
}

async function startRun(project) {
  try {
    const r = await api('/projects/' + project + '/runs', {method: 'POST'});
    say('Run ' + r.run + ' of project ' + project + ' is ' + r.status + '.');
    await showRuns(project);
  } catch (e) {
    fail(e);
  }
}

async function showReport(project, run) {
  try {
    const r = await api('/projects/' + project + '/runs/' + run + '/report');
    const host = document.getElementById('report-' + project);
    const body = el('div', {class: 'run-report'});
    // The service's renderer escapes every name and number; the fragment holds no script.
    body.innerHTML = r.html;
    host.replaceChildren(
      el('h2', {text: 'Linkage report of run ' + run}),
      el('p', {}, el('button', {type: 'button', class: 'secondary',
        onclick: () => download('run-' + run + '-report.json', JSON.stringify(r.report, null, 2),
          'application/json')}, 'Download its data (JSON)')),
      body);
    host.focus();
    say('Showing the linkage report of run ' + run + '.');
  } catch (e) {
    fail(e);
  }
}

Pprl.start('admin', showProjects);
