/**
 * @module console/page-script
 * The debug console's script (served at `/console/app.js`): plain browser JavaScript, no
 * framework. It logs in when needed (key and secret go to this server once, only the session token
 * is kept, in sessionStorage), reads the live log as Server-Sent Events, polls the overview every
 * two seconds, filters the log by channel and event, and sends the trigger form. Every value from
 * the server is written with textContent, never as HTML.
 */

export const CONSOLE_PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var base = location.pathname.replace(/\/+$/, '');
  var api = base + '/api';
  var STORAGE = 'pushwire-console-session';
  var MAX_ROWS = 1000;
  var CHANNEL_PATTERN = /^[A-Za-z0-9_\-=@,.;]+$/;
  var state = { appId: null, token: null, source: null, poll: null, renew: null, paused: false };

  function $(id) { return document.getElementById(id); }
  function show(id, visible) { $(id).hidden = !visible; }
  function text(node, value) { node.textContent = value === undefined || value === null ? '' : String(value); return node; }
  function el(tag, value, className) {
    var node = document.createElement(tag);
    if (value !== undefined) text(node, value);
    if (className) node.className = className;
    return node;
  }

  function appPath(action) {
    var path = api + '/apps/' + encodeURIComponent(state.appId) + '/' + action;
    return state.token ? path + '?token=' + encodeURIComponent(state.token) : path;
  }

  function call(method, url, body) {
    var init = { method: method, headers: {} };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, body: json };
      });
    });
  }

  function message(textValue) {
    text($('message'), textValue);
    show('message', Boolean(textValue));
  }

  function setStatus(label, kind) {
    var node = text($('app-status'), label);
    node.className = 'status' + (kind ? ' ' + kind : '');
  }

  // --- session -------------------------------------------------------------------------------

  function start() {
    call('GET', api + '/config').then(function (result) {
      var config = result.body || {};
      var saved = null;
      try { saved = JSON.parse(sessionStorage.getItem(STORAGE) || 'null'); } catch (e) { saved = null; }
      if (saved && saved.expiresAt > Date.now() + 60000) return open(saved.appId, saved.token);
      if (config.open && config.open.length > 0) return open(config.open[0], null);
      if (config.login) return showLogin();
      setStatus('disabled', 'down');
      message(config.error || 'The console is not enabled on this server.');
    }, function () {
      setStatus('offline', 'down');
      message('The server did not answer.');
    });
  }

  function showLogin() {
    stop();
    setStatus('logged out');
    show('app', false);
    show('logout', false);
    show('login', true);
    $('login-key').focus();
  }

  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var secretInput = $('login-secret');
    var body = { key: $('login-key').value.trim(), secret: secretInput.value };
    text($('login-error'), '');
    call('POST', api + '/login', body).then(function (result) {
      secretInput.value = '';
      if (result.status !== 200) {
        text($('login-error'), result.body.error || ('HTTP ' + result.status));
        return;
      }
      sessionStorage.setItem(STORAGE, JSON.stringify(result.body));
      open(result.body.appId, result.body.token);
    });
  });

  $('logout').addEventListener('click', function () {
    sessionStorage.removeItem(STORAGE);
    state.token = null;
    showLogin();
  });

  function open(appId, token) {
    stop();
    state.appId = appId;
    state.token = token;
    message('');
    show('login', false);
    show('app', true);
    show('logout', Boolean(token));
    text($('app-id'), appId);
    connect();
    refresh();
    state.poll = setInterval(refresh, 2000);
    if (token) state.renew = setInterval(renew, 10 * 60 * 1000);
  }

  function stop() {
    if (state.source) state.source.close();
    clearInterval(state.poll);
    clearInterval(state.renew);
    state.source = null;
  }

  function renew() {
    call('POST', appPath('session')).then(function (result) {
      if (result.status !== 200) return showLogin();
      state.token = result.body.token;
      sessionStorage.setItem(STORAGE, JSON.stringify(result.body));
    });
  }

  function unauthorized(result) {
    if (result.status !== 401 && result.status !== 403) return false;
    sessionStorage.removeItem(STORAGE);
    showLogin();
    text($('login-error'), result.body.error || 'Log in again');
    return true;
  }

  // --- live log ------------------------------------------------------------------------------

  function connect() {
    var source = new EventSource(appPath('stream'));
    state.source = source;
    setStatus('connecting…');
    source.addEventListener('hello', function () { setStatus('live', 'live'); });
    source.addEventListener('entry', function (event) { addEntry(JSON.parse(event.data)); });
    source.addEventListener('dropped', function (event) {
      addNote(JSON.parse(event.data).dropped + ' entries dropped (the page could not keep up)');
    });
    source.addEventListener('error', function () {
      setStatus('reconnecting…', 'down');
      if (source.readyState === EventSource.CLOSED) {
        // Refused (401/403/429): ask the overview why.
        call('GET', appPath('overview')).then(function (result) {
          if (!unauthorized(result) && state.source === source) setTimeout(connect, 2000);
        });
      }
    });
  }

  function matches(pattern, value) {
    if (!pattern) return true;
    if (value === undefined || value === null) return false;
    return pattern.charAt(pattern.length - 1) === '*'
      ? String(value).indexOf(pattern.slice(0, -1)) === 0
      : String(value) === pattern;
  }

  function visible(row) {
    return matches($('filter-channel').value.trim(), row.dataset.channel) &&
      matches($('filter-event').value.trim(), row.dataset.event);
  }

  function details(entry) {
    var parts = [];
    function add(label, value) { if (value !== undefined && value !== null && value !== '') parts.push(label + value); }
    add('socket ', entry.socketId);
    add('user ', entry.userId);
    add('code ', entry.code);
    add('', entry.refusal);
    add('', entry.reason);
    add('→ ', entry.target);
    add('', entry.latencyMs !== undefined ? entry.latencyMs + ' ms' : undefined);
    add('attempt ', entry.attempt);
    add('events ', entry.events);
    add('from ', entry.remoteAddress);
    add('data ', entry.data);
    return parts.join(' · ');
  }

  var LABELS = {
    connection_opened: 'connected', connection_closed: 'disconnected', subscribed: 'subscribed',
    unsubscribed: 'unsubscribed', refused: 'refused', api_event: 'API event',
    client_event: 'client event', webhook: 'webhook'
  };

  function addRow(row) {
    var body = $('log').tBodies[0];
    row.hidden = !visible(row);
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
  }

  function addEntry(entry) {
    if (state.paused) return;
    var row = document.createElement('tr');
    row.dataset.kind = entry.kind;
    if (entry.channel !== undefined) row.dataset.channel = entry.channel;
    if (entry.event !== undefined) row.dataset.event = entry.event;
    if (entry.kind === 'webhook' && entry.reason) row.className = 'failed';
    var time = new Date(entry.time);
    row.appendChild(el('td', time.toLocaleTimeString() + '.' + String(time.getMilliseconds()).padStart(3, '0')));
    row.appendChild(el('td', String(entry.node).slice(0, 12)));
    row.appendChild(el('td', LABELS[entry.kind] || entry.kind));
    row.appendChild(el('td', entry.channel));
    row.appendChild(el('td', entry.event));
    row.appendChild(el('td', details(entry)));
    addRow(row);
  }

  function addNote(note) {
    var row = document.createElement('tr');
    row.className = 'note';
    var cell = el('td', note);
    cell.colSpan = 6;
    row.appendChild(cell);
    addRow(row);
  }

  function refilter() {
    var rows = $('log').tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) if (rows[i].className !== 'note') rows[i].hidden = !visible(rows[i]);
  }
  $('filter-channel').addEventListener('input', refilter);
  $('filter-event').addEventListener('input', refilter);
  $('pause').addEventListener('click', function () {
    state.paused = !state.paused;
    text($('pause'), state.paused ? 'Resume' : 'Pause');
  });
  $('clear').addEventListener('click', function () { $('log').tBodies[0].textContent = ''; });

  // --- overview ------------------------------------------------------------------------------

  function refresh() {
    if (!state.appId) return;
    call('GET', appPath('overview')).then(function (result) {
      if (unauthorized(result) || result.status !== 200) return;
      render(result.body);
    }, function () { setStatus('offline', 'down'); });
  }

  function render(overview) {
    text($('connections'), overview.connections);
    text($('nodes'), overview.nodes);
    text($('channel-count'), overview.channelCount);
    var body = $('channels').tBodies[0];
    body.textContent = '';
    overview.channels.forEach(function (channel) {
      var row = document.createElement('tr');
      row.dataset.channel = channel.name;
      row.appendChild(el('td', channel.name, 'mono'));
      row.appendChild(el('td', channel.subscriptionCount));
      row.appendChild(el('td', channel.userCount === undefined ? '' : channel.userCount));
      body.appendChild(row);
      if (channel.members && channel.members.length > 0) {
        var membersRow = document.createElement('tr');
        membersRow.className = 'members';
        membersRow.dataset.membersOf = channel.name;
        var cell = document.createElement('td');
        cell.colSpan = 3;
        channel.members.forEach(function (member) {
          var chip = el('span', member.id, 'member');
          chip.dataset.userId = member.id;
          if (member.info !== undefined) chip.title = JSON.stringify(member.info);
          cell.appendChild(chip);
        });
        membersRow.appendChild(cell);
        body.appendChild(membersRow);
      }
    });
    show('no-channels', overview.channels.length === 0);
  }

  // --- trigger form ----------------------------------------------------------------------------

  $('trigger-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var output = $('trigger-result');
    output.className = 'error';
    var channel = $('trigger-channel').value.trim();
    var name = $('trigger-event').value.trim();
    var data = $('trigger-data').value;
    if (!CHANNEL_PATTERN.test(channel) || channel.length > 200) {
      return text(output, 'The channel name may only contain letters, digits and _-=@,.; (200 at most).');
    }
    if (name === '' || name.length > 200) return text(output, 'The event name must have 1 to 200 characters.');
    if (/^pusher(_internal)?:/.test(name)) return text(output, 'Event names starting with pusher: are reserved.');
    try { JSON.parse(data); } catch (e) { return text(output, 'The data is not valid JSON: ' + e.message); }
    text(output, 'sending…');
    output.className = 'muted';
    call('POST', appPath('events'), { name: name, channel: channel, data: data }).then(function (result) {
      if (unauthorized(result)) return;
      output.className = result.status === 200 ? 'ok' : 'error';
      text(output, result.status === 200 ? 'Triggered.' : (result.body.error || 'HTTP ' + result.status));
    });
  });

  start();
})();
`;
