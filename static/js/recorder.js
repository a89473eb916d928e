/* Optional help on the writing page: record a message in the browser, and say a file is too big
   before it is sent. Without this script (or without MediaRecorder) the "Record here" control
   stays hidden and the file input works alone; the server checks everything again.

   The camera and microphone are asked for only when the person presses a Record button. What
   was recorded is shown back to them, then put into the form's file input, so the same form
   posts it as if they had chosen a file. The words come from data attributes (translated). */
(function () {
  "use strict";

  // The upload controls are a form of their own, or (on the writing page) part of the writing
  // form through form="..." attributes, so the words typed so far are sent with the file.
  function tooBigCheck(form) {
    var max = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    var status = form.querySelector("[data-upload-status]");
    var button = form.querySelector("button[type=submit]");
    if (!max || !status || !button) { return; }
    button.addEventListener("click", function (event) {
      var inputs = form.querySelectorAll("input[type=file]");
      for (var i = 0; i < inputs.length; i += 1) {
        var files = inputs[i].files || [];
        for (var j = 0; j < files.length; j += 1) {
          if (files[j].size > max) {
            event.preventDefault();
            status.textContent = form.getAttribute("data-too-big");
            inputs[i].focus();
            return;
          }
        }
      }
      status.textContent = "";
    });
  }

  function supported() {
    return !!(window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
      window.DataTransfer && window.File && window.URL && URL.createObjectURL);
  }

  function chooseType(video) {
    var types = video
      ? ["video/webm;codecs=vp9,opus", "video/webm;codecs=vp8,opus", "video/webm", "video/mp4"]
      : ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
    for (var i = 0; i < types.length; i += 1) {
      if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) { return types[i]; }
    }
    return "";
  }

  function clock(seconds) {
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function recorder(box) {
    var form = box.closest("[data-upload]");
    var input = form && form.querySelector("input[type=file]");
    if (!input || !supported()) { return; }
    var words = box.dataset;
    var limit = parseInt(words.limitSeconds || "600", 10);
    var starts = box.querySelectorAll("[data-record]");
    var stop = box.querySelector("[data-stop]");
    var timer = box.querySelector("[data-timer]");
    var elapsed = box.querySelector("[data-elapsed]");
    var live = box.querySelector("[data-live]");
    var result = box.querySelector("[data-result]");
    var previewVideo = box.querySelector("[data-preview-video]");
    var previewAudio = box.querySelector("[data-preview-audio]");
    var status = box.querySelector("[data-status]");
    var stream = null;
    var media = null;
    var pieces = [];
    var ticking = null;
    var started = 0;
    var preview = null;
    var stoppedAtLimit = false;

    box.hidden = false;

    function showStarts(shown) {
      Array.prototype.forEach.call(starts, function (button) { button.hidden = !shown; });
      stop.hidden = shown;
    }

    function done() {
      busy = false;
      Array.prototype.forEach.call(starts, function (button) { button.disabled = false; });
    }

    function release() {
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
      }
      live.srcObject = null;
      live.hidden = true;
      window.clearInterval(ticking);
    }

    function finished(video, type) {
      var blob = new Blob(pieces, { type: type || (video ? "video/webm" : "audio/webm") });
      pieces = [];
      var extension = blob.type.indexOf("mp4") >= 0 ? "mp4" : blob.type.indexOf("ogg") >= 0 ? "ogg" : "webm";
      var file = new File([blob], "recording." + extension, { type: blob.type });
      var transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      if (preview) { URL.revokeObjectURL(preview); }
      preview = URL.createObjectURL(blob);
      previewVideo.hidden = !video;
      previewAudio.hidden = video;
      (video ? previewVideo : previewAudio).src = preview;
      result.hidden = false;
      showStarts(true);
      status.textContent = (stoppedAtLimit ? words.wordsLimit + " " : "") + words.wordsStopped;
    }

    var busy = false;  // one recording at a time: a second press never opens a second camera

    function start(video) {
      if (busy) { return; }
      busy = true;
      Array.prototype.forEach.call(starts, function (button) { button.disabled = true; });
      stoppedAtLimit = false;
      var constraints = video ? { audio: true, video: { facingMode: "user" } } : { audio: true };
      navigator.mediaDevices.getUserMedia(constraints).then(function (got) {
        release();
        stream = got;
        var type = chooseType(video);
        var recorder;
        try {
          recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
        } catch (error) {
          release();
          done();
          status.textContent = words.wordsDenied;
          return;
        }
        media = recorder;
        var mine = [];
        pieces = mine;
        recorder.addEventListener("dataavailable", function (event) {
          if (event.data && event.data.size) { mine.push(event.data); }
        });
        recorder.addEventListener("stop", function () {
          release();
          pieces = mine;
          finished(video, recorder.mimeType || type);
          done();
        });
        if (video) {
          live.srcObject = stream;
          live.hidden = false;
          live.play().catch(function () { /* the preview is only a help */ });
        }
        result.hidden = true;
        media.start(1000);
        started = Date.now();
        elapsed.textContent = clock(0);
        timer.hidden = false;
        ticking = window.setInterval(function () {
          var seconds = Math.floor((Date.now() - started) / 1000);
          elapsed.textContent = clock(seconds);
          if (seconds >= limit && media && media.state === "recording") {
            stoppedAtLimit = true;
            media.stop();
          }
        }, 250);
        showStarts(false);
        stop.focus();
        status.textContent = words.wordsRecording;
      }).catch(function () {
        release();
        done();
        status.textContent = words.wordsDenied;
      });
    }

    Array.prototype.forEach.call(starts, function (button) {
      button.addEventListener("click", function () { start(button.getAttribute("data-record") === "video"); });
    });
    stop.addEventListener("click", function () {
      if (media && media.state === "recording") { media.stop(); }
      var add = form.querySelector("button[type=submit]");
      if (add) { add.focus(); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-upload]"), tooBigCheck);
  Array.prototype.forEach.call(document.querySelectorAll("[data-recorder]"), recorder);
}());
