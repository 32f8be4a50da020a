// Drag a scheduled publication onto another day of the calendar: htmx asks the server to
// move it (same time of day) and swaps in the refreshed calendar.
(function () {
  "use strict";
  function root() { return document.getElementById("calendar-body"); }
  function dayOf(target) { return target instanceof Element ? target.closest("[data-day]") : null; }
  function clearTargets() {
    document.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
  }
  document.addEventListener("dragstart", function (event) {
    var entry = event.target instanceof Element ? event.target.closest("[data-variant][draggable=true]") : null;
    if (!entry) { return; }
    event.dataTransfer.setData("text/plain", entry.dataset.variant);
    event.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", function (event) {
    var day = dayOf(event.target);
    var body = root();
    if (!day || !body || body.dataset.canMove !== "1") { return; }
    event.preventDefault();
    clearTargets();
    day.classList.add("drop-target");
  });
  document.addEventListener("dragleave", function (event) {
    var day = dayOf(event.target);
    if (day && !day.contains(event.relatedTarget)) { day.classList.remove("drop-target"); }
  });
  document.addEventListener("drop", function (event) {
    var day = dayOf(event.target);
    var body = root();
    clearTargets();
    if (!day || !body) { return; }
    event.preventDefault();
    var variant = event.dataTransfer.getData("text/plain");
    if (!variant) { return; }
    htmx.ajax("POST", body.dataset.moveUrl, {
      target: "#calendar-body", swap: "outerHTML",
      headers: { "X-CSRFToken": body.dataset.csrf },
      values: {
        variant: variant, day: day.dataset.day, view: body.dataset.view,
        date: body.dataset.date, channel: body.dataset.channel, status: body.dataset.status
      }
    });
  });
  document.addEventListener("dragend", clearTargets);
})();
