// The signing screen of a customer service report: signature_pad (static/vendor) draws on the
// canvas with a finger, a pen or the mouse; the drawing is sent as a PNG file with the form's
// CSRF token. No inline script (Content-Security-Policy): everything hangs on data- attributes.
(function () {
  "use strict";
  var form = document.querySelector("[data-signature-form]");
  if (!form || typeof SignaturePad === "undefined") return;
  var canvas = form.querySelector("[data-signature-pad]");
  var errorBox = form.querySelector("[data-signature-error]");
  var pad = new SignaturePad(canvas, { backgroundColor: "rgba(0,0,0,0)", penColor: "#111827" });

  // The canvas's backing store follows its CSS size and the device pixel ratio, so the strokes
  // are sharp on a phone and land under the finger.
  function resize() {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(data);
  }
  window.addEventListener("resize", resize);
  resize();

  function showError(text) {
    errorBox.textContent = text;
    errorBox.classList.remove("d-none");
  }

  form.querySelector("[data-signature-clear]").addEventListener("click", function () {
    pad.clear();
    errorBox.classList.add("d-none");
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (pad.isEmpty()) {
      showError(form.querySelector("[data-msg-empty]").textContent);
      return;
    }
    var button = form.querySelector("[type=submit]");
    button.disabled = true;
    canvas.toBlob(function (blob) {
      var data = new FormData();
      data.append("signature", blob, "signature.png");
      var name = form.querySelector("[name=signer_name]");
      if (name) data.append("signer_name", name.value);
      fetch(form.dataset.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (result.ok && result.body.redirect) {
          window.location.assign(result.body.redirect);
          return;
        }
        button.disabled = false;
        showError(result.body.detail || form.querySelector("[data-msg-failed]").textContent);
      }).catch(function () {
        button.disabled = false;
        showError(form.querySelector("[data-msg-failed]").textContent);
      });
    }, "image/png");
  });
})();
