/**
 * multistudio.js: a client for the MultiStudio Protocol v1, as one dependency-free ES module.
 *
 *   import { MultiStudioClient } from '/client/multistudio.js';
 *   const client = new MultiStudioClient({ name: 'Ada' });
 *   client.on('MESSAGE', (message) => console.log(message.from, message.data));
 *   await client.connect();
 *   await client.joinRoom('lobby');
 *
 * It correlates requests with answers, keeps the room state current, and resumes the session by itself after an
 * abnormal loss, replaying what was missed exactly once. Every request carries an idempotency key, so the requests
 * that were in flight when the connection dropped are sent again after the resume and take effect exactly once.
 * docs/client.md describes it in full.
 */

/** Room events carry a per-room seq; the client processes each seq at most once. */
const ROOM_EVENTS = new Set([
  'USER_JOINED', 'USER_LEFT', 'USER_AWAY', 'USER_BACK', 'USER_UPDATED', 'ROOM_UPDATED', 'MESSAGE',
]);
const NORMAL_CLOSURE = 1000;
const TAKEN_OVER = 4000;
/**
 * The code this client closes with when it gives a connection up to reconnect: anything but 1000 keeps the session
 * resumable, and browsers only allow 1000 or 3000-4999.
 */
const ABANDONED = 4100;
/** The code a WebSocket reports for a connection that ended without a close frame. */
const NO_CLOSE_FRAME = 1006;
/** HELLO errors that retrying cannot fix: the request itself or the credentials are wrong. */
const FATAL_HELLO_CODES = new Set(['BADR', 'DENY']);
/** The requests that cannot carry a key (PROTOCOL.md §2.7a), so are never sent again after a loss. */
const UNKEYED = new Set(['HELLO', 'BYE']);

const DEFAULTS = {
  name: undefined,
  data: undefined,
  auth: undefined,
  requestTimeout: 15000,
  heartbeatInterval: 20000,
  heartbeatTimeout: 10000,
  initialDelay: 250,
  maxDelay: 10000,
  WebSocket: globalThis.WebSocket,
};

/** An error answer from the server: any message with a `why`. */
export class MultiStudioError extends Error {
  constructor(message) {
    super(`${message.kind}/${message.why}${message.detail ? `: ${message.detail}` : ''}`);
    this.name = 'MultiStudioError';
    /** The Four-Character Status Code, e.g. 'NFND'. Unknown codes are generic errors. */
    this.code = message.kind;
    /** The exact error case, e.g. 'ROOM_NOT_FOUND'. */
    this.why = message.why;
    this.field = message.field ?? null;
    this.detail = message.detail ?? null;
  }
}

/**
 * A request that got no answer. `reason` is 'lost' (the connection dropped after the request was sent and the session
 * could not be resumed: it may or may not have taken effect), 'timeout', or 'closed' (the client is closed or was
 * closed meanwhile).
 */
export class ConnectionError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = 'ConnectionError';
    this.reason = reason;
  }
}

export class MultiStudioClient {
  #url;
  #options;
  #state = 'closed';
  #closeReason = 'not-connected';
  #listeners = new Map();
  #socket = null;
  #token = null;
  #user = null;
  #room = null;
  #members = new Map();
  #lastSeq = null;
  #nextRid = 0;
  /** Makes this client's keys unique within its session, whatever other client resumed it before. */
  #keyPrefix = randomId();
  /** After a JOINED_ROOM that is not a resume: events up to its seq that follow are the history asked for. */
  #pastUntil = null;
  /** Requests by rid, from the moment they are made until their direct answer. */
  #pending = new Map();
  /** Requests made while no session is established, sent after the next HELLO answer. */
  #queue = [];
  #attempt = 0;
  #retryTimer = null;
  #heartbeatTimer = null;
  #resumeAttempted = false;
  #takenOver = false;
  #closing = false;
  #connected = null;
  #onlineListener = () => this.#retryNow();

  /**
   * @param {string|URL|object} [url] the WebSocket endpoint; defaults to `/ws` on the page's own origin. May be
   *   left out and the options passed first.
   * @param {object} [options] `name`, `data`, `auth` for HELLO; `requestTimeout`, `heartbeatInterval`,
   *   `heartbeatTimeout` (ms, 0 disables the heartbeat), `initialDelay`, `maxDelay` (reconnect backoff, ms);
   *   `WebSocket` (a constructor, for runtimes without a global one).
   */
  constructor(url, options) {
    if (options === undefined && url !== undefined && typeof url === 'object' && !(url instanceof URL)) {
      options = url;
      url = undefined;
    }
    this.#url = url === undefined ? sameOriginEndpoint() : String(url);
    this.#options = { ...DEFAULTS, ...options };
  }

  /** 'connecting', 'connected', 'resuming' or 'closed'. */
  get state() {
    return this.#state;
  }

  /** Why the client is 'closed': 'not-connected', 'bye', 'ended', 'taken-over' or 'hello-rejected'. */
  get closeReason() {
    return this.#state === 'closed' ? this.#closeReason : null;
  }

  /** The MultiUser of the current session, null before the first HELLO answer. */
  get user() {
    return this.#user;
  }

  /** The MultiRoom the user is in, null if none. */
  get room() {
    return this.#room;
  }

  /** The members of the room, oldest first, each a Member with `connected`. */
  get members() {
    return [...this.#members.values()];
  }

  /** The highest room event seq processed in the current room; sent as `last_seq` on resume. */
  get lastSeq() {
    return this.#lastSeq;
  }

  /**
   * Adds a listener and returns a function that removes it. `event` is a message kind ('MESSAGE', 'USER_JOINED',
   * 'JOINED_ROOM', ...), '*' for every message, 'error' for errors that answer no request of this client,
   * 'state' for state changes ({state, previous, reason, error, reconnected, sessionLost}), or 'retry' for a
   * scheduled reconnect ({attempt, delay, code}).
   */
  on(event, listener) {
    if (!this.#listeners.has(event)) {
      this.#listeners.set(event, new Set());
    }
    this.#listeners.get(event).add(listener);
    return () => this.off(event, listener);
  }

  off(event, listener) {
    this.#listeners.get(event)?.delete(listener);
  }

  /**
   * Opens the connection and starts a session. Resolves with the HELLO answer once connected (retrying with backoff
   * while the server cannot be reached); rejects if the client closes first, e.g. because HELLO was refused.
   */
  connect() {
    if (this.#state !== 'closed') {
      return this.#connected.promise;
    }
    this.#connected = deferred();
    // Nobody has to await connect(): the state events tell the same story.
    this.#connected.promise.catch(() => {});
    this.#takenOver = false;
    this.#closing = false;
    this.#attempt = 0;
    globalThis.addEventListener?.('online', this.#onlineListener);
    this.#setState('connecting');
    this.#open();
    return this.#connected.promise;
  }

  /**
   * Ends the session for good with BYE: the user leaves its room and cannot resume. While the client is
   * reconnecting there is no connection to say BYE on, and the server lets the session expire after its grace.
   */
  async close() {
    if (this.#state === 'closed') {
      return;
    }
    this.#closing = true;
    if (this.#state === 'connected') {
      try {
        await this.request('BYE', {}, { timeout: 5000 });
      } catch {
        // The session ends either way: the close below uses 1000, which the server treats like BYE.
      }
    }
    this.#finish('bye');
  }

  /**
   * Sends a request with a fresh rid and resolves with its direct answer, or rejects with a MultiStudioError (the
   * server's error answer) or a ConnectionError. Requests made while the client is connecting or resuming are
   * sent once the session is back.
   */
  request(kind, fields = {}, { timeout = this.#options.requestTimeout } = {}) {
    if (this.#state === 'closed') {
      return Promise.reject(new ConnectionError('closed', `cannot send ${kind}: the client is closed`));
    }
    const entry = this.#track(kind, fields, timeout);
    if (this.#state === 'connected') {
      this.#transmit(entry);
    } else {
      this.#queue.push(entry);
    }
    return entry.promise;
  }

  createRoom({ room, name, capacity, password, listed, data } = {}) {
    return this.request('CREATE_ROOM', { room, name, capacity, password, listed, data });
  }

  joinRoom(room, password) {
    return this.join(room, { password });
  }

  /**
   * Joins `room`. With `history: N` (0-100) the N latest events of the room that this user may see are emitted right
   * after JOINED_ROOM, oldest first, to the listeners of their kind; they change no room state.
   */
  join(room, { password, history } = {}) {
    return this.request('JOIN_ROOM', { room, password, history });
  }

  /**
   * Resolves with a HISTORY answer: `events` of the current room with a seq below `before` (default: all), oldest
   * first, at most `limit` (1-100, default 50), and `more` if older ones exist.
   */
  history({ before, limit } = {}) {
    return this.request('HISTORY', { before, limit });
  }

  leaveRoom() {
    return this.request('LEAVE_ROOM');
  }

  /** Resolves with the ROOM_LIST answer; its `rooms` are the listed rooms, oldest first. */
  listRooms(limit) {
    return this.request('LIST_ROOMS', { limit });
  }

  /** Owner only: `name`, `capacity`, `password` (null clears it), `listed`. */
  updateRoom(changes) {
    return this.request('UPDATE_ROOM', changes);
  }

  kick(userId) {
    return this.request('KICK', { user: userId });
  }

  /** Sends `data` to the whole room, or only to user `to`; resolves with the sender's own MESSAGE. */
  send(data, to) {
    return this.request('SEND', { data, to });
  }

  /** Applies a JSON Merge Patch to the user's data. */
  setUserData(patch) {
    return this.request('SET_USER_DATA', { data: patch });
  }

  /** Applies a JSON Merge Patch to the room's shared data: `null` removes a key. */
  setRoomData(patch) {
    return this.request('SET_ROOM_DATA', { data: patch });
  }

  ping() {
    return this.request('PING');
  }

  #track(kind, fields, timeout) {
    const rid = String(++this.#nextRid);
    const message = { ...fields, kind, rid };
    if (!UNKEYED.has(kind)) {
      message.key = `${this.#keyPrefix}.${rid}`;
    }
    const entry = { rid, message, sent: false, resent: false, ...deferred() };
    entry.timer = setTimeout(() => {
      this.#forget(entry);
      entry.reject(new ConnectionError('timeout', `no answer to ${kind} within ${timeout} ms`));
    }, timeout);
    this.#pending.set(rid, entry);
    return entry;
  }

  #forget(entry) {
    clearTimeout(entry.timer);
    this.#pending.delete(entry.rid);
    const queued = this.#queue.indexOf(entry);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
    }
  }

  #transmit(entry) {
    entry.sent = true;
    this.#socket.send(JSON.stringify(entry.message));
  }

  #open() {
    const socket = new this.#options.WebSocket(this.#url);
    this.#socket = socket;
    socket.onopen = () => socket === this.#socket && this.#hello();
    socket.onmessage = (event) => socket === this.#socket && typeof event.data === 'string' && this.#received(event.data);
    socket.onclose = (event) => socket === this.#socket && this.#lost(event.code);
    // Browsers follow an error with a close event, but some runtimes never do after a failed handshake.
    socket.onerror = () => socket === this.#socket && this.#abandon(NO_CLOSE_FRAME);
  }

  #hello() {
    const { name, data, auth } = this.#options;
    this.#resumeAttempted = this.#token !== null;
    const fields = { name, data, auth };
    if (this.#token !== null) {
      fields.reconnect_token = this.#token;
      if (this.#lastSeq !== null) {
        fields.last_seq = this.#lastSeq;
      }
    }
    const entry = this.#track('HELLO', fields, this.#options.requestTimeout);
    const socket = this.#socket;
    this.#transmit(entry);
    entry.promise.catch((error) => {
      if (socket !== this.#socket) {
        return;
      }
      if (error instanceof MultiStudioError && FATAL_HELLO_CODES.has(error.code)) {
        this.#finish('hello-rejected', error);
      } else {
        this.#abandon();
      }
    });
  }

  #received(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message === null || typeof message !== 'object' || typeof message.kind !== 'string') {
      return;
    }
    const entry = message.rid === undefined ? undefined : this.#pending.get(message.rid);
    if (entry) {
      this.#forget(entry);
    }
    if ('why' in message) {
      this.#failed(message, entry);
      return;
    }
    const roomEvent = ROOM_EVENTS.has(message.kind) && typeof message.seq === 'number';
    if (roomEvent && this.#past(message)) {
      this.#emit(message.kind, message);
      this.#emit('*', message);
      return;
    }
    // A request sent again after a resume may be answered with what the resume or its replay already delivered.
    if ((roomEvent && this.#alreadyProcessed(message)) || (entry?.resent && this.#alreadyInRoom(message))) {
      entry?.resolve(message);
      return;
    }
    if (roomEvent) {
      this.#pastUntil = null;
    }
    this.#apply(message);
    this.#emit(message.kind, message);
    this.#emit('*', message);
    if (roomEvent) {
      this.#lastSeq = message.seq;
    }
    entry?.resolve(message);
  }

  #failed(message, entry) {
    const error = new MultiStudioError(message);
    if (message.why === 'SESSION_TAKEN_OVER') {
      this.#takenOver = true;
    }
    this.#emit('*', message);
    if (entry) {
      entry.reject(error);
    } else {
      this.#emit('error', error);
    }
  }

  /** An event from the history a join asked for: older than the JOINED_ROOM, so not a change of the room now. */
  #past(event) {
    return this.#pastUntil !== null && event.seq <= this.#pastUntil;
  }

  /** The remembered JOINED_ROOM of a join that the resume already put this client back into. */
  #alreadyInRoom(message) {
    return message.kind === 'JOINED_ROOM' && !message.resumed && this.#room?.id === message.room.id;
  }

  /** A replay may repeat what this client already processed before the connection dropped. */
  #alreadyProcessed(event) {
    const roomId = typeof event.room === 'object' ? event.room?.id : event.room;
    return this.#room !== null && roomId === this.#room.id && this.#lastSeq !== null && event.seq <= this.#lastSeq;
  }

  /** Keeps the session and room state current before listeners see the message. */
  #apply(message) {
    switch (message.kind) {
      case 'HELLO':
        this.#token = message.reconnect_token;
        this.#user = message.user;
        if (!message.reconnected) {
          this.#leaveRoomState();
          this.#dropResends();
        }
        this.#attempt = 0;
        this.#flushQueue();
        this.#setState('connected', {
          reconnected: message.reconnected,
          sessionLost: this.#resumeAttempted && !message.reconnected,
        });
        this.#startHeartbeat();
        this.#connected?.resolve(message);
        break;
      case 'JOINED_ROOM':
        // On resume the replay continues from the last_seq this client sent, which the snapshot's seq may exceed.
        if (!message.resumed || this.#room?.id !== message.room.id) {
          this.#lastSeq = message.resumed ? null : message.seq;
        }
        this.#room = message.room;
        this.#members = new Map(message.members.map((member) => [member.id, member]));
        this.#pastUntil = message.resumed ? null : message.seq;
        break;
      case 'LEFT_ROOM':
        this.#leaveRoomState();
        break;
      case 'ROOM_UPDATED':
        this.#room = message.room;
        break;
      case 'USER_JOINED':
        this.#members.set(message.user.id, message.user);
        this.#countMembers();
        break;
      case 'USER_UPDATED':
        this.#userUpdated(message.user);
        break;
      case 'USER_LEFT':
        this.#members.delete(message.user_id);
        this.#countMembers();
        break;
      case 'USER_AWAY':
      case 'USER_BACK':
        this.#presence(message.user_id, message.kind === 'USER_BACK');
        break;
      default:
        break;
    }
  }

  /** Outside a room USER_UPDATED only answers SET_USER_DATA; in a room it also updates a member. */
  #userUpdated(user) {
    if (this.#members.has(user.id)) {
      this.#members.set(user.id, user);
    }
    if (user.id === this.#user?.id) {
      this.#user = { id: user.id, name: user.name, data: user.data };
    }
  }

  /** The server sends no ROOM_UPDATED when only the membership changes. */
  #countMembers() {
    if (this.#room !== null) {
      this.#room = { ...this.#room, member_count: this.#members.size };
    }
  }

  #presence(userId, connected) {
    const member = this.#members.get(userId);
    if (member) {
      this.#members.set(userId, { ...member, connected });
    }
  }

  #leaveRoomState() {
    this.#room = null;
    this.#members = new Map();
    this.#lastSeq = null;
    this.#pastUntil = null;
  }

  /** A fresh session cannot tell whether the old one executed what was in flight: those requests are lost. */
  #dropResends() {
    for (const entry of this.#queue.filter((queued) => queued.resent)) {
      this.#forget(entry);
      entry.reject(lostError(entry));
    }
  }

  #flushQueue() {
    const queued = this.#queue;
    this.#queue = [];
    queued.forEach((entry) => this.#transmit(entry));
  }

  #startHeartbeat() {
    const { heartbeatInterval, heartbeatTimeout } = this.#options;
    if (heartbeatInterval <= 0) {
      return;
    }
    const socket = this.#socket;
    // Browsers answer WebSocket pings but never tell the page about a silent network: a PING request does.
    this.#heartbeatTimer = setInterval(() => {
      this.request('PING', {}, { timeout: heartbeatTimeout }).catch((error) => {
        if (error instanceof ConnectionError && error.reason === 'timeout' && socket === this.#socket) {
          this.#abandon();
        }
      });
    }, heartbeatInterval);
  }

  #stopHeartbeat() {
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = null;
  }

  /** Gives the current connection up without ending the session, and reconnects. */
  #abandon(code = ABANDONED) {
    closeQuietly(this.#socket, ABANDONED);
    this.#lost(code);
  }

  /**
   * Requests in flight are sent again, with their keys and before anything queued, once the session is back: the
   * server executes each of them at most once and answers a repeat with the remembered answer.
   */
  #lost(code) {
    this.#socket = null;
    this.#stopHeartbeat();
    const resend = [];
    for (const entry of [...this.#pending.values()]) {
      if (!entry.sent) {
        continue;
      }
      if (entry.message.key === undefined) {
        this.#forget(entry);
        entry.reject(lostError(entry));
      } else {
        entry.sent = false;
        entry.resent = true;
        resend.push(entry);
      }
    }
    this.#queue = [...resend, ...this.#queue];
    if (this.#state === 'closed') {
      return;
    }
    if (this.#closing) {
      this.#finish('bye');
    } else if (code === TAKEN_OVER || this.#takenOver) {
      this.#finish('taken-over');
    } else if (code === NORMAL_CLOSURE) {
      this.#finish('ended');
    } else {
      this.#scheduleReconnect(code);
    }
  }

  /** Exponential backoff with equal jitter, so that clients cut off together do not return together. */
  #scheduleReconnect(code) {
    this.#setState(this.#token === null ? 'connecting' : 'resuming');
    const ceiling = Math.min(this.#options.maxDelay, this.#options.initialDelay * 2 ** this.#attempt);
    const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    this.#attempt += 1;
    this.#emit('retry', { attempt: this.#attempt, delay, code });
    this.#retryTimer = setTimeout(() => this.#retryNow(), delay);
  }

  /** Reconnects at once if a reconnect is waiting, e.g. when the browser reports it is back online. */
  #retryNow() {
    if (this.#retryTimer === null) {
      return;
    }
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#open();
  }

  #finish(reason, error = null) {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#stopHeartbeat();
    globalThis.removeEventListener?.('online', this.#onlineListener);
    const socket = this.#socket;
    this.#socket = null;
    closeQuietly(socket, NORMAL_CLOSURE);
    for (const entry of [...this.#pending.values()]) {
      this.#forget(entry);
      entry.reject(new ConnectionError('closed', `the client closed before the answer to ${entry.message.kind}`));
    }
    this.#token = null;
    this.#leaveRoomState();
    this.#closeReason = reason;
    this.#setState('closed', { reason, error });
    this.#connected?.reject(error ?? new ConnectionError('closed', `the client closed: ${reason}`));
  }

  #setState(state, details = {}) {
    const previous = this.#state;
    if (previous === state) {
      return;
    }
    this.#state = state;
    this.#emit('state', { state, previous, ...details });
  }

  #emit(event, payload) {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (failure) {
        // A failing listener must not stop the others nor the client's own bookkeeping.
        (globalThis.reportError ?? console.error)(failure);
      }
    }
  }
}

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function lostError(entry) {
  return new ConnectionError('lost', `the connection was lost before the answer to ${entry.message.kind}`);
}

function randomId() {
  const bytes = new Uint8Array(9);
  globalThis.crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

function closeQuietly(socket, code) {
  if (socket === null) {
    return;
  }
  socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
  try {
    socket.close(code);
  } catch {
    // Already closing: nothing left to do.
  }
}

function sameOriginEndpoint() {
  const location = globalThis.location;
  if (!location) {
    throw new TypeError('MultiStudioClient needs a URL outside a browser page');
  }
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}
