// The sign-in page: keeps the token in session storage and opens the page of its role.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('sign-in').addEventListener('submit', async event => {
    event.preventDefault();
    const input = document.getElementById('token');
    sessionStorage.setItem(Pprl.KEY, input.value.trim());
    input.value = '';
    document.getElementById('alert').textContent = '';
    try {
      const who = await Pprl.api('/whoami');
      location.assign('/ui/' + who.role + '.html');
    } catch (e) {
      sessionStorage.removeItem(Pprl.KEY);
      Pprl.fail(e);
    }
  });
});
