// Between's only script; every page works without it (online), but for
// passkeys, which need WebAuthn.
// Quick exit: leave at once and replace this page in the history, so the
// back button does not return here. Esc twice does the same.
(function () {
  "use strict";
  var exit = document.querySelector("[data-quick-exit]");
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    window.location.replace(exit.href);
  }
  if (exit) {
    exit.addEventListener("click", leave);
    var last = 0;
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") { return; }
      var now = Date.now();
      if (now - last < 600) { leave(e); }
      last = now;
    });
  }
  // Large uploads (imports): show how much has been sent. Without this
  // script the form posts normally.
  var upload = document.querySelector("form[data-upload-progress]");
  if (upload && window.FormData && window.XMLHttpRequest) {
    upload.addEventListener("submit", function (e) {
      e.preventDefault();
      var bar = upload.querySelector("[data-progress]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.action);
      if (bar) {
        bar.hidden = false;
        xhr.upload.addEventListener("progress", function (p) {
          if (p.lengthComputable) { bar.value = Math.round(100 * p.loaded / p.total); }
        });
      }
      xhr.addEventListener("load", function () {
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () { upload.submit(); });
      xhr.send(new FormData(upload));
    });
  }
  // Reminders in this browser (Web Push): ask for a subscription, then send
  // it as a channel through the form it sits in. Without this script (or
  // without push in the browser) the form stays hidden.
  var push = document.querySelector("form[data-push-subscribe]");
  if (push && "serviceWorker" in navigator && "PushManager" in window && window.Notification) {
    push.hidden = false;
    push.addEventListener("submit", function (e) {
      if (push.elements.endpoint.value) { return; }
      e.preventDefault();
      var status = push.querySelector("[data-push-status]");
      navigator.serviceWorker.register("/sw.js")
        .then(function () { return navigator.serviceWorker.ready; })
        .then(function (reg) {
          return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(push.dataset.key) });
        })
        .then(function (sub) {
          var json = sub.toJSON();
          push.elements.endpoint.value = json.endpoint;
          push.elements.p256dh.value = json.keys.p256dh;
          push.elements.auth.value = json.keys.auth;
          push.submit();
        })
        .catch(function (err) {
          status.textContent = "Notifications were not allowed here (" + err.message + ").";
        });
    });
  }
  function bytes(base64url) {
    var s = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  // Writing offline (see routes/offline.rs): the service worker keeps the
  // blank forms; a form marked data-offline that is sent without a network
  // is sealed here to the account's public key (X25519 + HKDF-SHA-256 +
  // AES-256-GCM, WebCrypto only; the ephemeral secret is never kept) and
  // queued in IndexedDB, so nothing on this device can read it. Signed in
  // and online, the queue goes to POST /sync one item at a time.
  offline();
  function offline() {
    var subtle = window.crypto && window.crypto.subtle;
    var canKeep = window.isSecureContext && subtle && window.indexedDB && window.TextEncoder && window.crypto.randomUUID;
    if (!canKeep) { return; }
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* online only */ });
    }
    var INFO = "between offline item v1";
    var body = document.body;
    var signedIn = body.dataset.account && body.dataset.sealKey ? { slot: "current", account: body.dataset.account, key: body.dataset.sealKey } : null;
    var status = document.querySelector("[data-offline-count]");
    var flushing = false;

    function open() {
      return new Promise(function (ok, fail) {
        var r = indexedDB.open("between-offline", 1);
        r.onupgradeneeded = function () {
          r.result.createObjectStore("queue", { keyPath: "id" });
          r.result.createObjectStore("keys", { keyPath: "slot" });
        };
        r.onsuccess = function () { ok(r.result); };
        r.onerror = function () { fail(r.error); };
      });
    }
    function run(store, mode, work) {
      return open().then(function (db) {
        return new Promise(function (ok, fail) {
          var t = db.transaction(store, mode), req = work(t.objectStore(store));
          t.oncomplete = function () { db.close(); ok(req ? req.result : undefined); };
          t.onerror = t.onabort = function () { db.close(); fail(t.error); };
        });
      });
    }
    function b64(u8) {
      var s = "";
      for (var i = 0; i < u8.length; i++) { s += String.fromCharCode(u8[i]); }
      return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    }
    function seal(to, plain) {
      var id = window.crypto.randomUUID(), pub = bytes(to.key), enc = new TextEncoder(), pair, epk;
      return subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]).then(function (p) {
        pair = p;
        return Promise.all([subtle.exportKey("raw", p.publicKey), subtle.importKey("raw", pub, { name: "X25519" }, false, [])]);
      }).then(function (r) {
        epk = new Uint8Array(r[0]);
        return subtle.deriveBits({ name: "X25519", public: r[1] }, pair.privateKey, 256);
      }).then(function (shared) {
        return subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
      }).then(function (ikm) {
        var salt = new Uint8Array(64);
        salt.set(epk); salt.set(pub, 32);
        return subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: salt, info: enc.encode(INFO) }, ikm, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
      }).then(function (key) {
        var iv = window.crypto.getRandomValues(new Uint8Array(12));
        return subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: enc.encode(id) }, key, enc.encode(JSON.stringify(plain)))
          .then(function (ct) {
            return { id: id, account: to.account, at: Date.now(), epk: b64(epk), iv: b64(iv), ct: b64(new Uint8Array(ct)) };
          });
      });
    }
    function recipient() {
      if (signedIn) { return Promise.resolve(signedIn); }
      return run("keys", "readonly", function (s) { return s.get("current"); });
    }
    function waiting() {
      return Promise.all([recipient(), run("queue", "readonly", function (s) { return s.getAll(); })]).then(function (r) {
        var to = r[0], items = r[1] || [];
        return items.filter(function (i) { return !to || i.account === to.account; })
          .sort(function (a, b) { return a.at - b.at; });
      });
    }
    // "3 waiting to be sent"; after a sync, what was saved and a link that
    // shows this page again with it.
    function show(extra, reload) {
      if (!status) { return Promise.resolve(); }
      return waiting().then(function (items) {
        var parts = [];
        if (extra) { parts.push(extra); }
        if (items.length) { parts.push(items.length + " waiting to be sent" + (navigator.onLine ? "." : " (you are offline).")); }
        status.textContent = parts.join(" ");
        if (reload) {
          var again = document.createElement("a");
          again.href = window.location.pathname + window.location.search;
          again.textContent = "Show them";
          status.appendChild(document.createTextNode(" "));
          status.appendChild(again);
        }
        status.hidden = parts.length === 0;
      }).catch(function () { /* storage unavailable */ });
    }
    function say(form, text) {
      var note = form.querySelector("[data-offline-said]");
      if (!note) {
        note = document.createElement("p");
        note.className = "notice";
        note.setAttribute("role", "status");
        note.setAttribute("data-offline-said", "");
        form.insertBefore(note, form.firstChild);
      }
      note.textContent = text;
    }
    document.addEventListener("submit", function (e) {
      var form = e.target;
      if (!form.matches || !form.matches("form[data-offline]")) { return; }
      if (form.dataset.offline !== "shell" && navigator.onLine) { return; }
      e.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrf" && typeof value === "string") { fields.push([name, value]); }
      });
      var plain = { path: new URL(form.action, window.location.href).pathname, fields: fields, written_at: new Date().toISOString() };
      recipient().then(function (to) {
        if (!to) { throw new Error("Sign in once while online, so that this device can keep what you write offline."); }
        return seal(to, plain);
      }).then(function (item) {
        return run("queue", "readwrite", function (s) { return s.put(item); });
      }).then(function () {
        form.reset();
        // A one-tap "Done" is not offered twice.
        if (form.classList.contains("inline")) {
          form.querySelectorAll("button").forEach(function (b) { b.hidden = true; });
        }
        say(form, "Kept on this device, sealed. It will be sent when you are back online and signed in.");
        return show();
      }).catch(function (err) { say(form, "Not kept: " + err.message); });
    }, true);
    function flush() {
      var token = document.querySelector("input[name=csrf]");
      if (flushing || !signedIn || !token || !navigator.onLine) { return show(); }
      flushing = true;
      var saved = 0, refused = [];
      function next(items) {
        if (!items.length) { return null; }
        var item = items[0], form = new URLSearchParams();
        form.append("csrf", token.value);
        form.append("item", JSON.stringify({ id: item.id, epk: item.epk, iv: item.iv, ct: item.ct }));
        return fetch("/sync", { method: "POST", body: form, credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) {
            if (!r.ok) { throw new Error("not now"); }
            return r.json();
          })
          .then(function (answer) {
            var outcome = answer.results && answer.results[0];
            if (!outcome || outcome.status === "pending") { throw new Error("not now"); }
            if (outcome.status === "refused") { refused.push(outcome.message); } else { saved += 1; }
            return run("queue", "readwrite", function (s) { return s["delete"](item.id); });
          })
          .then(function () { return next(items.slice(1)); });
      }
      return waiting().then(next).catch(function () { /* kept for the next try */ }).then(function () {
        flushing = false;
        var said = [];
        if (saved) { said.push(saved === 1 ? "1 thing written offline was saved." : saved + " things written offline were saved."); }
        if (refused.length) { said.push("Not saved: " + refused.join(" ")); }
        return show(said.join(" "), saved > 0);
      });
    }
    (signedIn ? run("keys", "readwrite", function (s) { return s.put(signedIn); }) : Promise.resolve())
      .catch(function () { /* private mode without storage */ })
      .then(flush);
    window.addEventListener("online", flush);
    window.addEventListener("offline", function () { show(); });
  }
  // Fill an empty time-zone field from the browser.
  var zone = document.querySelector("[data-detect-zone]");
  if (zone && window.Intl) {
    try {
      var detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (detected && zone.dataset.userTouched !== "1") { zone.value = detected; }
    } catch (e) { /* keep the server's guess */ }
  }
  // Passkeys (WebAuthn with the PRF extension): adding one in Settings →
  // Passkeys and signing in with one. The server sends webauthn-rs's
  // options; this turns their base64url fields into bytes and back, asks
  // for PRF of one constant input, and posts the answers with the page's
  // form token. Without WebAuthn the buttons stay hidden.
  var PRF_INPUT = "between root key v1";
  function b64uToBytes(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }
  function bytesToB64u(buf) {
    var bytes = new Uint8Array(buf), raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function withoutNulls(value) {
    if (Array.isArray(value)) { return value.map(withoutNulls); }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (k) { if (value[k] !== null) { out[k] = withoutNulls(value[k]); } });
      return out;
    }
    return value;
  }
  function creationOptions(options) {
    var o = withoutNulls(options.publicKey);
    o.challenge = b64uToBytes(o.challenge);
    o.user.id = b64uToBytes(o.user.id);
    (o.excludeCredentials || []).forEach(function (c) { c.id = b64uToBytes(c.id); });
    o.extensions = Object.assign({}, o.extensions, { prf: {} });
    return o;
  }
  function requestOptions(options) {
    var o = withoutNulls(options.publicKey);
    o.challenge = b64uToBytes(o.challenge);
    (o.allowCredentials || []).forEach(function (c) { c.id = b64uToBytes(c.id); });
    o.extensions = Object.assign({}, o.extensions, { prf: { eval: { first: new TextEncoder().encode(PRF_INPUT) } } });
    return o;
  }
  function registration(cred) {
    return JSON.stringify({
      id: cred.id, rawId: bytesToB64u(cred.rawId), type: cred.type, extensions: {},
      response: {
        attestationObject: bytesToB64u(cred.response.attestationObject),
        clientDataJSON: bytesToB64u(cred.response.clientDataJSON)
      }
    });
  }
  function assertion(cred) {
    var r = cred.response;
    return JSON.stringify({
      id: cred.id, rawId: bytesToB64u(cred.rawId), type: cred.type, extensions: {},
      response: {
        authenticatorData: bytesToB64u(r.authenticatorData),
        clientDataJSON: bytesToB64u(r.clientDataJSON),
        signature: bytesToB64u(r.signature),
        userHandle: r.userHandle ? bytesToB64u(r.userHandle) : null
      }
    });
  }
  function prfOf(cred) {
    var ext = cred.getClientExtensionResults ? cred.getClientExtensionResults() : {};
    var first = ext.prf && ext.prf.results && ext.prf.results.first;
    return first ? bytesToB64u(first) : "";
  }
  function postJson(url, fields) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json" },
      body: new URLSearchParams(fields)
    }).then(function (r) {
      return r.json().catch(function () { return { error: "Something went wrong (" + r.status + "). Please try again." }; })
        .then(function (body) { if (!r.ok) { throw new Error(body.error || "Please try again."); } return body; });
    });
  }
  function failed(box, err) {
    var text = err && err.name === "NotAllowedError"
      ? "The passkey was not used (cancelled, or it took too long). Nothing changed."
      : (err && err.message) || "Please try again.";
    if (box) { box.textContent = text; box.hidden = false; box.focus && box.focus(); }
  }
  if (window.PublicKeyCredential && navigator.credentials) {
    document.querySelectorAll("[data-passkey-needs-script]").forEach(function (p) { p.hidden = true; });
    // A passkey standing in for a code: its assertion goes into the form's
    // hidden fields, then the form is sent as typed. With a code field it
    // is a button of its own; without one, the form's own button asks for
    // the passkey first.
    document.querySelectorAll("button[data-passkey-confirm]").forEach(function (button) {
      var form = button.form;
      var box = form.querySelector("[data-passkey-error]");
      var filled = form.querySelector("input[name=passkey_assertion]");
      function confirmThenSend() {
        var csrf = form.querySelector("input[name=csrf]").value;
        return postJson(button.getAttribute("data-passkey-confirm"), { csrf: csrf })
          .then(function (begun) {
            return navigator.credentials.get({ publicKey: requestOptions(begun.options) })
              .then(function (cred) {
                form.querySelector("input[name=passkey_ceremony]").value = begun.ceremony;
                filled.value = assertion(cred);
                if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
              });
          })
          .catch(function (err) { failed(box, err); });
      }
      var ownButton = form.querySelector("button[type=submit]");
      if (form.querySelector("input[name=code]") || !ownButton) {
        button.hidden = false;
        button.addEventListener("click", confirmThenSend);
      } else {
        form.addEventListener("submit", function (e) {
          if (filled.value || !form.reportValidity()) { return; }
          e.preventDefault();
          e.stopImmediatePropagation();
          confirmThenSend();
        }, true);
      }
    });
    var add = document.querySelector("form[data-passkey-add]");
    if (add) {
      add.querySelector("button[type=submit]").hidden = false;
      add.addEventListener("submit", function (e) {
        e.preventDefault();
        var box = add.querySelector("[data-passkey-error]");
        var csrf = add.querySelector("input[name=csrf]").value;
        var fields = new FormData(add);
        var plain = {};
        fields.forEach(function (v, k) { plain[k] = v; });
        postJson(add.action, plain)
          .then(function (begun) {
            return navigator.credentials.create({ publicKey: creationOptions(begun.options) })
              .then(function (cred) { return postJson(add.action + "/finish", { csrf: csrf, ceremony: begun.ceremony, credential: registration(cred) }); });
          })
          .then(function (unlock) {
            return navigator.credentials.get({ publicKey: requestOptions(unlock.options) })
              .then(function (cred) { return postJson(add.action + "/unlock", { csrf: csrf, ceremony: unlock.ceremony, credential: assertion(cred), prf: prfOf(cred) }); });
          })
          .then(function (done) { window.location.assign(done.go); })
          .catch(function (err) { failed(box, err); });
      });
    }
    var signin = document.querySelector("button[data-passkey-signin]");
    if (signin) {
      signin.hidden = false;
      signin.addEventListener("click", function () {
        var form = signin.form;
        var box = form.querySelector("[data-passkey-error]");
        var name = form.querySelector("input[name=name]");
        if (!name.value.trim()) { failed(box, new Error("Enter your name first, then choose the passkey.")); name.focus(); return; }
        var csrf = form.querySelector("input[name=csrf]").value;
        var next = form.querySelector("input[name=next]").value;
        postJson("/signin/passkey", { csrf: csrf, name: name.value })
          .then(function (begun) {
            return navigator.credentials.get({ publicKey: requestOptions(begun.options) })
              .then(function (cred) { return postJson("/signin/passkey/finish", { csrf: csrf, ceremony: begun.ceremony, credential: assertion(cred), prf: prfOf(cred), next: next }); });
          })
          .then(function (done) { window.location.assign(done.go); })
          .catch(function (err) { failed(box, err); });
      });
    }
  }
})();
