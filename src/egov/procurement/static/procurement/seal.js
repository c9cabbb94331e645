/* Seal a bid in the browser with WebCrypto, exactly as egov/procurement/crypto.py describes:
 * ephemeral ECDH P-256 with the tender's opening key, HKDF-SHA256 (salt = the ephemeral public
 * key, 65-byte uncompressed point; info = "egov-procurement-bid-v1") to an AES-256-GCM key,
 * 12-byte random IV, additional data "egov-bid:<tender>:<BRN>". The result is
 * "v1.<epk>.<iv>.<ciphertext+tag>" in base64url without padding. The price never leaves the
 * page in the clear: the form sends only the sealed string (the price, content and pick fields
 * have no name, so a browser without this script sends none of them either). A multiple
 * reserve price tender's bid also seals the bidder's two picks (numbers 1..15) as "picks". */
(function (root) {
  "use strict";
  var subtle = root.crypto.subtle;
  var enc = new TextEncoder();

  function b64u(bytes) {
    var s = "";
    bytes = new Uint8Array(bytes);
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function b64uDecode(text) {
    var s = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  function checkPicks(picks) {
    var ok = Array.isArray(picks) && picks.length === 2 && picks[0] !== picks[1] &&
      picks.every(function (p) { return Number.isInteger(p) && p >= 1 && p <= 15; });
    if (!ok) throw new Error("choose two different reserve price numbers from 1 to 15");
    return picks.slice();
  }

  async function sealBid(openingKeyRaw, tender, brn, price, content, picks) {
    if (!Number.isSafeInteger(price) || price <= 0) throw new Error("price is a positive whole number of won");
    var data = { tender: tender, supplier: brn, price: price, content: content || "" };
    if (picks !== undefined && picks !== null) data.picks = checkPicks(picks);
    var recipient = await subtle.importKey("raw", b64uDecode(openingKeyRaw), { name: "ECDH", namedCurve: "P-256" }, false, []);
    var ephemeral = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
    var epk = new Uint8Array(await subtle.exportKey("raw", ephemeral.publicKey));
    var shared = await subtle.deriveBits({ name: "ECDH", public: recipient }, ephemeral.privateKey, 256);
    var hkdfKey = await subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
    var aesKey = await subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: epk, info: enc.encode("egov-procurement-bid-v1") },
      hkdfKey, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
    var iv = root.crypto.getRandomValues(new Uint8Array(12));
    var plaintext = enc.encode(JSON.stringify(data));
    var ct = await subtle.encrypt(
      { name: "AES-GCM", iv: iv, additionalData: enc.encode("egov-bid:" + tender + ":" + brn) }, aesKey, plaintext);
    return ["v1", b64u(epk), b64u(iv), b64u(ct)].join(".");
  }

  root.egovSealBid = sealBid;
  if (typeof module !== "undefined") module.exports = { sealBid: sealBid };

  if (typeof document === "undefined") return;
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("bid-form");
    if (!form) return;
    form.addEventListener("submit", async function (event) {
      if (form.dataset.sealed === "1") return;
      event.preventDefault();
      var price = form.querySelector("[data-seal=price]");
      var content = form.querySelector("[data-seal=content]");
      var brn = form.querySelector("[name=brn]").value;
      var pickBoxes = form.querySelectorAll("[data-seal=pick]");
      var picks = null;
      if (pickBoxes.length) {
        picks = [];
        pickBoxes.forEach(function (box) { if (box.checked) picks.push(parseInt(box.value, 10)); });
      }
      try {
        form.querySelector("[name=sealed]").value = await sealBid(
          form.dataset.openingKey, form.dataset.tender, brn, parseInt(price.value, 10), content.value, picks);
      } catch (err) {
        form.querySelector(".seal-error").textContent = err.message;
        return;
      }
      price.value = ""; price.disabled = true; content.value = ""; content.disabled = true;
      pickBoxes.forEach(function (box) { box.checked = false; box.disabled = true; });
      form.dataset.sealed = "1";
      form.submit();
    });
  });
})(typeof window !== "undefined" ? window : globalThis);
