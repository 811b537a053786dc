import { MultiStudioClient } from './client/multistudio.js';

const CANVAS_ROWS = 8;
const CANVAS_COLUMNS = 12;
const PALETTE = ['#e8590c', '#1c7ed6', '#2f9e44', '#ae3ec9', '#f08c00', '#0ca678', '#d6336c', '#5c7cfa'];
const MONITOR_PERIOD_MS = 1000;
const SPARK_POINTS = 60;
const LOG_LIMIT = 80;
const ROOM_REFRESH_MS = 5000;
const STATE_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  resuming: 'Connection lost, resuming…',
  closed: 'Not connected',
};
const CLOSE_TEXT = {
  'not-connected': 'Not connected',
  bye: 'Disconnected',
  ended: 'The server ended the session',
  'taken-over': 'Session opened elsewhere',
  'hello-rejected': 'The server refused to connect',
};

const $ = (selector) => document.querySelector(selector);

let client = null;
/** Names of users seen in the room, so that a line about someone who just left can still name them. */
const names = new Map();
let roomRefresh = null;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function colorFor(name) {
  let hash = 0;
  for (const char of name) {
    hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  }
  return PALETTE[hash % PALETTE.length];
}

function myColor() {
  return client?.user?.data?.color ?? '#868e96';
}

function nameOf(userId) {
  return names.get(userId) ?? userId;
}

function toast(text) {
  const box = $('#toast');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    box.hidden = true;
  }, 4000);
}

function report(error) {
  toast(error.why ? `${error.why}${error.detail ? `: ${error.detail}` : ''}` : error.message);
}

function log(text, kind = 'event') {
  const list = $('#log');
  const line = element('li', kind);
  line.append(element('time', '', new Date().toLocaleTimeString()), ` ${text}`);
  list.prepend(line);
  while (list.children.length > LOG_LIMIT) {
    list.lastElementChild.remove();
  }
}

/* Connection */

function connect(name) {
  client = new MultiStudioClient({ name, data: { color: colorFor(name) } });
  client.on('state', stateChanged);
  client.on('retry', ({ attempt, delay }) => {
    if (client.state === 'resuming' || client.state === 'connecting') {
      $('#status-text').textContent = `${STATE_TEXT[client.state]} (attempt ${attempt}, ${(delay / 1000).toFixed(1)} s)`;
    }
    log(`retry ${attempt} in ${delay} ms`, 'state');
  });
  client.on('error', report);
  client.on('*', (message) => {
    if (message.kind !== 'PONG') {
      log(`← ${message.kind}${message.seq !== undefined ? ` #${message.seq}` : ''}${message.why ? ` ${message.why}` : ''}`,
        message.why ? 'error' : 'event');
    }
  });
  client.on('JOINED_ROOM', joinedRoom);
  client.on('LEFT_ROOM', (message) => {
    leftRoomView();
    systemLine(message.reason === 'kicked' ? 'You were removed from the room.' : 'You left the room.');
    refreshRooms();
  });
  client.on('MESSAGE', chatLine);
  client.on('USER_JOINED', (event) => membership(event.user.id, `${event.user.name} joined`, event.user.name));
  client.on('USER_LEFT', (event) => membership(event.user_id, `${nameOf(event.user_id)} ${leftText(event.reason)}`));
  client.on('USER_AWAY', (event) => membership(event.user_id, `${nameOf(event.user_id)} lost the connection`));
  client.on('USER_BACK', (event) => membership(event.user_id, `${nameOf(event.user_id)} is back`));
  client.on('USER_UPDATED', renderMembers);
  client.on('ROOM_UPDATED', () => {
    renderRoomHeader();
    renderStudio();
  });
  client.connect().then(refreshRooms, () => {});
}

function leftText(reason) {
  return { kicked: 'was removed', expired: 'timed out' }[reason] ?? 'left';
}

function stateChanged({ state, reason, error, sessionLost }) {
  const status = $('#status');
  status.dataset.state = state;
  $('#status-text').textContent = state === 'closed' ? CLOSE_TEXT[reason] ?? 'Closed' : STATE_TEXT[state];
  log(`state ${state}${reason ? ` (${reason})` : ''}`, 'state');
  const connected = state === 'connected';
  const online = state !== 'closed';
  $('#connect-form').hidden = online;
  $('#me').hidden = !online;
  for (const control of ['#refresh-rooms', '#room-name', '#create-btn']) {
    $(control).disabled = !connected;
  }
  if (connected) {
    const { user } = client;
    $('#me-name').textContent = user.name;
    $('#me-id').textContent = user.id;
    $('#me').dataset.userId = user.id;
    $('#me .swatch').style.background = myColor();
    clearInterval(roomRefresh);
    roomRefresh = setInterval(() => client.room === null && refreshRooms(), ROOM_REFRESH_MS);
  }
  if (state === 'resuming' && client.room) {
    systemLine('Connection lost: resuming, nothing will be missed…');
  }
  if (sessionLost) {
    leftRoomView();
    systemLine('Your previous session had expired: this is a new one.');
  }
  if (state === 'closed') {
    clearInterval(roomRefresh);
    leftRoomView();
    renderRooms([]);
    $('#rooms-empty').textContent = 'Connect to see the rooms.';
    if (error) {
      report(error);
    }
  }
  renderComposerState();
}

/* Rooms */

async function refreshRooms() {
  if (client?.state !== 'connected') {
    return;
  }
  try {
    const answer = await client.listRooms();
    renderRooms(answer.rooms);
  } catch (error) {
    report(error);
  }
}

function renderRooms(rooms) {
  const list = $('#rooms');
  list.replaceChildren(...rooms.map((room) => {
    const item = element('li', client?.room?.id === room.id ? 'current' : '');
    item.dataset.roomId = room.id;
    const label = element('div', 'room-label');
    label.append(element('span', 'room-name', room.name || room.id),
      element('span', 'room-meta', `${room.member_count}/${room.capacity}${room.has_password ? ' · locked' : ''}`));
    const join = element('button', 'join', client?.room?.id === room.id ? 'Here' : 'Join');
    join.type = 'button';
    join.disabled = client?.room != null;
    join.addEventListener('click', () => joinRoom(room));
    item.append(label, join);
    return item;
  }));
  $('#rooms-empty').hidden = rooms.length > 0;
  $('#rooms-empty').textContent = 'No rooms yet: create one.';
}

async function joinRoom(room) {
  const password = room.has_password ? prompt(`Password for ${room.name || room.id}`) ?? undefined : undefined;
  try {
    await client.joinRoom(room.id, password);
  } catch (error) {
    report(error);
  }
}

function joinedRoom(message) {
  if (!message.resumed) {
    $('#messages').replaceChildren();
    systemLine(`You joined ${message.room.name || message.room.id}.`);
  } else if (message.recovered) {
    systemLine('Reconnected: catching up on what you missed.');
  } else {
    systemLine('Reconnected, but some older messages could not be recovered.');
  }
  renderRoomHeader();
  renderMembers();
  renderStudio();
  renderComposerState();
  refreshRooms();
}

function leftRoomView() {
  names.clear();
  renderRoomHeader();
  renderMembers();
  renderStudio();
  renderComposerState();
}

function renderRoomHeader() {
  const room = client?.room;
  $('#room-title').textContent = room ? room.name || room.id : 'Chat';
  $('#room-title').dataset.roomId = room?.id ?? '';
  $('#leave-btn').hidden = !room;
}

function renderMembers() {
  const room = client?.room;
  const members = room ? client.members : [];
  members.forEach((member) => names.set(member.id, member.name));
  $('#members').replaceChildren(...members.map((member) => {
    const item = element('li');
    item.dataset.userId = member.id;
    item.dataset.connected = String(member.connected);
    const swatch = element('span', 'swatch');
    swatch.style.background = member.data?.color ?? '#868e96';
    const tags = [member.id === room.owner ? 'owner' : null, member.id === client.user?.id ? 'you' : null]
      .filter(Boolean).join(', ');
    item.append(swatch, element('span', 'member-name', member.name),
      element('span', 'member-tags', tags),
      element('span', 'presence', member.connected ? 'online' : 'away'));
    return item;
  }));
  $('#members-empty').hidden = members.length > 0;
  $('#member-count').textContent = room ? `${members.length}/${room.capacity}` : '';
}

function membership(userId, text, name) {
  if (name) {
    names.set(userId, name);
  }
  renderMembers();
  systemLine(text);
}

/* Chat */

function messageText(data) {
  return typeof data?.text === 'string' ? data.text : JSON.stringify(data);
}

function chatLine(message) {
  const mine = message.from === client.user?.id;
  const item = element('li', mine ? 'msg mine' : 'msg');
  item.dataset.seq = message.seq;
  const author = element('span', 'who', nameOf(message.from));
  author.style.color = client.members.find((member) => member.id === message.from)?.data?.color ?? '';
  item.append(author, element('span', 'text', messageText(message.data)));
  if (message.to) {
    item.append(element('span', 'direct', 'direct'));
  }
  appendToChat(item);
}

function systemLine(text) {
  appendToChat(element('li', 'sys', text));
}

function appendToChat(item) {
  const list = $('#messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(item);
  if (atBottom) {
    list.scrollTop = list.scrollHeight;
  }
}

function renderComposerState() {
  const inRoom = client?.room != null && client.state !== 'closed';
  $('#chat-empty').hidden = inRoom || $('#messages').children.length > 0;
  // Sending stays possible while resuming: the client queues requests until the session is back.
  for (const control of ['#chat-input', '#chat-send', '#note-text', '#note-add']) {
    $(control).disabled = !inRoom;
  }
  document.body.classList.toggle('in-room', inRoom);
}

/* Studio: notes and canvas live in the room's data and change only through ROOM_UPDATED. */

function renderStudio() {
  const data = client?.room?.data ?? {};
  const notes = Object.entries(data.notes ?? {})
    .sort(([idA, a], [idB, b]) => (a.at ?? 0) - (b.at ?? 0) || idA.localeCompare(idB));
  $('#notes').replaceChildren(...notes.map(([id, note]) => {
    const item = element('li', 'note');
    item.dataset.noteId = id;
    item.style.setProperty('--note-color', note.color ?? '#868e96');
    const remove = element('button', 'note-delete', '×');
    remove.type = 'button';
    remove.title = 'Remove this note';
    remove.addEventListener('click', () => patchRoom({ notes: { [id]: null } }));
    item.append(element('span', 'note-text', note.text), element('span', 'note-by', note.by ?? ''), remove);
    return item;
  }));
  const grid = data.grid ?? {};
  for (const cell of $('#canvas').children) {
    const color = grid[cell.dataset.cell];
    cell.style.background = color ?? '';
    cell.dataset.color = color ?? '';
    cell.disabled = !client?.room;
  }
}

async function patchRoom(patch) {
  try {
    await client.setRoomData(patch);
  } catch (error) {
    report(error);
  }
}

function buildCanvas() {
  const canvas = $('#canvas');
  canvas.style.setProperty('--columns', CANVAS_COLUMNS);
  for (let row = 0; row < CANVAS_ROWS; row++) {
    for (let column = 0; column < CANVAS_COLUMNS; column++) {
      const cell = element('button', 'cell');
      cell.type = 'button';
      cell.dataset.cell = `${row},${column}`;
      cell.disabled = true;
      cell.setAttribute('aria-label', `Row ${row + 1}, column ${column + 1}`);
      cell.addEventListener('click', () => {
        const painted = client.room?.data?.grid?.[cell.dataset.cell];
        patchRoom({ grid: { [cell.dataset.cell]: painted === myColor() ? null : myColor() } });
      });
      canvas.append(cell);
    }
  }
}

/* Monitor */

const samples = { in: [], out: [] };

async function pollMonitor() {
  try {
    const response = await fetch('/monitor/stats', { cache: 'no-store' });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const stats = await response.json();
    $('#stat-connections').textContent = stats.connections;
    $('#stat-rooms').textContent = stats.rooms;
    $('#stat-in').textContent = stats.messages_in_per_second.toFixed(1);
    $('#stat-out').textContent = stats.messages_out_per_second.toFixed(1);
    $('#stat-totals').textContent = `${stats.messages_in_total} in / ${stats.messages_out_total} out`;
    $('#monitor-status').textContent = 'live';
    $('#monitor-status').classList.remove('off');
    plot(stats.messages_in_per_second, stats.messages_out_per_second);
  } catch {
    $('#monitor-status').textContent = 'unavailable';
    $('#monitor-status').classList.add('off');
  }
  setTimeout(pollMonitor, MONITOR_PERIOD_MS);
}

function plot(inRate, outRate) {
  samples.in.push(inRate);
  samples.out.push(outRate);
  if (samples.in.length > SPARK_POINTS) {
    samples.in.shift();
    samples.out.shift();
  }
  const top = Math.max(1, ...samples.in, ...samples.out);
  // The newest sample sits at the right edge, so the line grows leftwards like a scrolling chart.
  const offset = SPARK_POINTS - samples.in.length;
  const points = (values) => values
    .map((value, index) => `${((offset + index) * 120) / (SPARK_POINTS - 1)},${(28 - (value / top) * 26).toFixed(1)}`)
    .join(' ');
  $('#spark-in').setAttribute('points', points(samples.in));
  $('#spark-out').setAttribute('points', points(samples.out));
}

/* Wiring */

$('#connect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = $('#name').value.trim();
  if (name) {
    connect(name);
  }
});

$('#disconnect-btn').addEventListener('click', () => client?.close());
$('#refresh-rooms').addEventListener('click', refreshRooms);
$('#leave-btn').addEventListener('click', () => client.leaveRoom().catch(report));

$('#create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = $('#room-name').value.trim();
  try {
    await client.createRoom({ name: name || undefined });
    $('#room-name').value = '';
  } catch (error) {
    report(error);
  }
});

$('#chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('#chat-input');
  const text = input.value.trim();
  if (!text) {
    return;
  }
  input.value = '';
  // The message shows up when the server echoes it as a room event, in the room's order.
  client.send({ text }).catch((error) => {
    report(error);
    input.value ||= text;
  });
});

$('#note-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('#note-text');
  const text = input.value.trim();
  if (!text) {
    return;
  }
  input.value = '';
  const id = `${client.user.id}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  patchRoom({ notes: { [id]: { text, by: client.user.name, color: myColor(), at: Date.now() } } });
});

buildCanvas();
pollMonitor();
$('#name').focus();
