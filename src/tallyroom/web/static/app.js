// tallyroom: progress for uploads and counts. Forms work without this script;
// with it, an upload shows a real progress bar and a count shows that it is running.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var bar = form.querySelector("progress");
      var button = form.querySelector("button[type=submit]");
      if (!bar || !window.XMLHttpRequest || !window.FormData) { return; }
      event.preventDefault();
      bar.hidden = false;
      if (button) { button.disabled = true; button.textContent = form.dataset.progress === "upload" ? "Uploading…" : "Counting…"; }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      if (form.dataset.progress === "upload") {
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
          if (e.loaded === e.total) { bar.removeAttribute("value"); if (button) { button.textContent = "Checking files…"; } }
        });
      }
      xhr.addEventListener("load", function () {
        // Follow the server: a redirect lands on the new page; an error page replaces this one.
        if (xhr.responseURL && xhr.responseURL !== form.action) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open(); document.write(xhr.responseText); document.close();
        }
      });
      xhr.addEventListener("error", function () { form.submit(); });
      xhr.send(new FormData(form));
    });
  });
});

// A count running in the background: follow its stages, then open the result.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-job]");
  if (!box || !document.getElementById("job-stage")) { return; }
  var id = box.getAttribute("data-job");
  function poll() {
    fetch("/api/jobs/" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.state === "done") { window.location.assign("/counts/" + job.count_id); return; }
        if (job.state === "failed") { window.location.reload(); return; }
        document.getElementById("job-stage").textContent = job.stage;
        document.getElementById("job-elapsed").textContent = job.elapsed_seconds;
        var list = document.getElementById("job-stages");
        list.textContent = "";
        job.stages.forEach(function (s) {
          var li = document.createElement("li");
          li.textContent = s.stage + " (" + s.seconds + " s)";
          list.appendChild(li);
        });
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
});
