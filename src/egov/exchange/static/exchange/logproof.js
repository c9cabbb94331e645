/* Check an access-log inclusion proof in the browser (docs/transparency-log.md): fetch the
 * line's proof JSON, recompute the Merkle root from the leaf hash and the proof with WebCrypto
 * SHA-256 (RFC 9162 §2.1.3.2) and compare it with the checkpoint's root. The signatures of the
 * log and the witnesses are checked by scripts/verify_log_proof.py with their published keys. */
(function () {
  "use strict";
  function hex(bytes) { return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join(""); }
  function unhex(text) { return new Uint8Array(text.match(/../g).map(function (h) { return parseInt(h, 16); })); }
  function unb64(text) { return Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); }); }
  async function node(left, right) {
    var data = new Uint8Array(65);
    data[0] = 1; data.set(left, 1); data.set(right, 33);
    return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  }
  async function rootFromProof(index, size, leaf, proof) {
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < proof.length; i++) {
      if (sn === 0) { return null; }
      if ((fn & 1) || fn === sn) {
        r = await node(proof[i], r);
        while (!(fn & 1) && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = await node(r, proof[i]);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }
  document.querySelectorAll("button[data-log-proof]").forEach(function (button) {
    button.addEventListener("click", async function () {
      var out = button.parentElement.querySelector("output");
      try {
        var bundle = await (await fetch(button.dataset.logProof, { credentials: "same-origin" })).json();
        if (!bundle.inclusion_proof) { out.textContent = button.dataset.pending; return; }
        var root = unb64(bundle.checkpoint.split("\n")[2]);
        var got = await rootFromProof(bundle.index, bundle.tree_size, unhex(bundle.leaf_hash), bundle.inclusion_proof.map(unb64));
        out.textContent = got && hex(got) === hex(root) ? button.dataset.ok : button.dataset.fail;
      } catch (e) {
        out.textContent = button.dataset.fail;
      }
    });
  });
})();
