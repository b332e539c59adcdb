// Check-in with proof (issue 16.2): the browser's position goes into the hidden fields, and
// the asset label's QR code (read by jsQR from the camera or a chosen picture) into the tag
// field. Everything is optional here: what the contract requires, the server checks.
(function () {
  "use strict";

  function say(element, key, values) {
    if (!element) return;
    var text = element.getAttribute("data-text-" + key) || "";
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("%(" + name + ")s", values[name]);
    });
    element.textContent = text;
  }

  function locate(form) {
    var status = form.querySelector("[data-geo-status]");
    if (!navigator.geolocation) { say(status, "none"); return; }
    say(status, "waiting");
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      form.querySelector("[data-geo=latitude]").value = c.latitude.toFixed(6);
      form.querySelector("[data-geo=longitude]").value = c.longitude.toFixed(6);
      form.querySelector("[data-geo=accuracy]").value = Math.round(c.accuracy);
      say(status, "found", { m: Math.round(c.accuracy) });
    }, function () {
      say(status, "none");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  // Decode the QR code in a drawable (image or video frame); returns its text or null.
  function decode(source, width, height) {
    if (!width || !height || typeof window.jsQR !== "function") return null;
    var canvas = document.createElement("canvas");
    // Large photos are scaled down: jsQR is quick on 1000 px and labels stay readable.
    var scale = Math.min(1, 1000 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    var context = canvas.getContext("2d");
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(pixels.data, pixels.width, pixels.height,
                           { inversionAttempts: "attemptBoth" });
    return code && code.data ? code.data : null;
  }

  function scanner(form) {
    var box = form.querySelector("[data-scanner]");
    if (!box) return;
    var target = box.querySelector("[data-scan-target]");
    var status = box.querySelector("[data-scan-status]");
    var video = box.querySelector("[data-scan-video]");
    var stream = null;

    function found(text) {
      target.value = text;
      target.dispatchEvent(new Event("change", { bubbles: true }));
      say(status, "found", { tag: text });
    }

    function stop() {
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      video.classList.add("d-none");
    }

    box.querySelector("[data-scan-image]").addEventListener("change", function (event) {
      var file = event.target.files && event.target.files[0];
      if (!file) return;
      // A data: URL, not a blob: one: the CSP allows images from data: only.
      var reader = new FileReader();
      reader.onload = function () {
        var image = new Image();
        image.onload = function () {
          var text = decode(image, image.naturalWidth, image.naturalHeight);
          if (text) { found(text); } else { say(status, "none"); }
        };
        image.onerror = function () { say(status, "none"); };
        image.src = reader.result;
      };
      reader.onerror = function () { say(status, "none"); };
      reader.readAsDataURL(file);
    });

    box.querySelector("[data-scan-camera]").addEventListener("click", function () {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        say(status, "nocamera");
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          video.classList.remove("d-none");
          return video.play();
        })
        .then(function tick() {
          if (!stream) return;
          var text = decode(video, video.videoWidth, video.videoHeight);
          if (text) { found(text); stop(); return; }
          window.requestAnimationFrame(tick);
        })
        .catch(function () { stop(); say(status, "nocamera"); });
    });
    form.addEventListener("submit", stop);
  }

  document.querySelectorAll("form[data-check-in]").forEach(function (form) {
    var details = form.closest("details");
    var started = false;
    function start() {
      if (started) return;
      started = true;
      locate(form);
    }
    // Ask for the position when the engineer opens the check-in, not on every page view.
    if (details && !details.open) {
      details.addEventListener("toggle", function () { if (details.open) start(); });
    } else {
      start();
    }
    scanner(form);
  });
})();
