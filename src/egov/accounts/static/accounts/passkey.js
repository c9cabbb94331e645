// Passkeys (WebAuthn): turns the server's JSON options into navigator.credentials calls and
// posts the answer back. Buttons carry data-passkey="login|second-factor|register" and the
// URLs of the two steps; errors are shown in the element named by data-passkey-status.
// data-passkey="step-up" (a fresh confirmation before an act, e.g. signing) puts the answer in
// the button's form (field passkey_assertion) and submits that form.
(function () {
  "use strict";
  function fromB64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": csrf(), "Content-Type": "application/json"},
      body: body || "{}"
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || response.statusText);
        return data;
      });
    });
  }
  function descriptors(list) {
    return (list || []).map(function (c) { return {type: c.type, id: fromB64url(c.id), transports: c.transports}; });
  }
  function registerCall(options) {
    options.challenge = fromB64url(options.challenge);
    options.user.id = fromB64url(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return navigator.credentials.create({publicKey: options}).then(function (cred) {
      return {
        id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
        response: {
          clientDataJSON: toB64url(cred.response.clientDataJSON),
          attestationObject: toB64url(cred.response.attestationObject),
          transports: cred.response.getTransports ? cred.response.getTransports() : []
        },
        clientExtensionResults: cred.getClientExtensionResults()
      };
    });
  }
  function getCall(options) {
    options.challenge = fromB64url(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return navigator.credentials.get({publicKey: options}).then(function (cred) {
      return {
        id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
        response: {
          clientDataJSON: toB64url(cred.response.clientDataJSON),
          authenticatorData: toB64url(cred.response.authenticatorData),
          signature: toB64url(cred.response.signature),
          userHandle: cred.response.userHandle ? toB64url(cred.response.userHandle) : null
        },
        clientExtensionResults: cred.getClientExtensionResults()
      };
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-passkey]");
    if (!button) return;
    event.preventDefault();
    var status = document.getElementById(button.dataset.passkeyStatus || "passkey-status");
    if (!window.PublicKeyCredential) {
      if (status) status.textContent = button.dataset.unsupported || "";
      return;
    }
    var optionsUrl = button.dataset.optionsUrl, finishUrl = button.dataset.finishUrl;
    var username = document.getElementById("id_username");
    if (button.dataset.passkey === "register" && username) {
      optionsUrl += "?username=" + encodeURIComponent(username.value);
    }
    var ceremony = button.dataset.passkey === "register" ? registerCall : getCall;
    button.disabled = true;
    if (status) status.textContent = "";
    var done = post(optionsUrl).then(ceremony);
    if (button.dataset.passkey === "step-up") {
      done = done.then(function (answer) {
        button.form.elements.passkey_assertion.value = JSON.stringify(answer);
        button.form.submit();
      });
    } else {
      done = done
        .then(function (answer) { return post(finishUrl, JSON.stringify(answer)); })
        .then(function (data) { window.location.assign(data.redirect); });
    }
    done
      .catch(function (error) {
        if (status) status.textContent = error.name === "NotAllowedError" ? (button.dataset.cancelled || error.message) : error.message;
        button.disabled = false;
      });
  });
})();
