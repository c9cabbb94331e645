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

  /* "45,500,000", "45500000원", "45 500 000" -> 45500000; anything else -> NaN. */
  function parseAmount(text) {
    var digits = String(text || "").replace(/[,\s원₩]/g, "");
    return /^[0-9]{1,16}$/.test(digits) ? parseInt(digits, 10) : NaN;
  }

  function formatAmount(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  /* 45500000 -> "사천오백오십만"; read as the amount is written on a Korean cheque or contract. */
  function koreanWords(n) {
    if (!Number.isSafeInteger(n) || n <= 0) return "";
    var digits = ["", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"];
    var small = ["", "십", "백", "천"];
    var big = ["", "만", "억", "조", "경"];
    var words = "";
    for (var group = 0; n > 0; group++) {
      var part = n % 10000;
      n = Math.floor(n / 10000);
      if (!part) continue;
      var text = "";
      for (var place = 3; place >= 0; place--) {
        var d = Math.floor(part / Math.pow(10, place)) % 10;
        if (!d) continue;
        text += (d === 1 && place > 0 ? "" : digits[d]) + small[place];
      }
      if (part === 1 && group) text = "일";
      words = text + big[group] + words;
    }
    return words;
  }

  function amountKey(tender, brn) { return "egov-bid-amount:" + tender + ":" + brn; }

  root.egovSealBid = sealBid;
  root.egovAmount = { parse: parseAmount, format: formatAmount, words: koreanWords };
  if (typeof module !== "undefined") module.exports = { sealBid: sealBid, parseAmount: parseAmount, koreanWords: koreanWords };

  if (typeof document === "undefined") return;
  document.addEventListener("DOMContentLoaded", function () {
    var printButton = document.querySelector("[data-print]");
    if (printButton) printButton.addEventListener("click", function () { root.print(); });
    var receipt = document.querySelector("[data-testid=bid-receipt]");
    if (receipt) {
      /* The amount was kept on this device when the bid was sealed; the server never had it. */
      var kept = null;
      try { kept = JSON.parse(root.sessionStorage.getItem(amountKey(receipt.dataset.tender, receipt.dataset.brn)) || "null"); } catch (e) { kept = null; }
      if (kept && kept.amount) {
        receipt.querySelector("[data-receipt=amount]").textContent =
          formatAmount(kept.amount) + "원 (금 " + koreanWords(kept.amount) + "원정)";
      }
    }
    var form = document.getElementById("bid-form");
    if (!form) return;
    var priceInput = form.querySelector("[data-seal=price]");
    var wordsLine = form.querySelector("[data-seal=words]");
    var wordsHint = wordsLine ? wordsLine.textContent : "";
    function showWords() {
      var n = parseAmount(priceInput.value);
      if (!wordsLine) return;
      wordsLine.textContent = n > 0 ? formatAmount(n) + "원 = 금 " + koreanWords(n) + "원정" : wordsHint;
    }
    priceInput.addEventListener("input", showWords);
    priceInput.addEventListener("blur", function () {
      var n = parseAmount(priceInput.value);
      if (n > 0) priceInput.value = formatAmount(n);
      showWords();
    });
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
          form.dataset.openingKey, form.dataset.tender, brn, parseAmount(price.value), content.value, picks);
        try {
          root.sessionStorage.setItem(amountKey(form.dataset.tender, brn), JSON.stringify({ amount: parseAmount(price.value) }));
        } catch (e) { /* private mode: the receipt then says the amount is not kept */ }
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
