// Focal point: a click on an image preview fills the two numeric inputs and saves them.
// Compose: tell the live checks that an image is chosen, so media rules are counted.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var picker = event.target instanceof Element ? event.target.closest("[data-focal-form]") : null;
    if (!picker) { return; }
    var img = picker.querySelector("img");
    var form = document.getElementById(picker.dataset.focalForm);
    if (!img || !form) { return; }
    var box = img.getBoundingClientRect();
    var x = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
    var y = Math.min(Math.max((event.clientY - box.top) / box.height, 0), 1);
    form.elements.focal_x.value = x.toFixed(3);
    form.elements.focal_y.value = y.toFixed(3);
    var marker = picker.querySelector(".focal-marker");
    if (marker) { marker.style.left = (x * 100) + "%"; marker.style.top = (y * 100) + "%"; }
    form.requestSubmit();
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.pendingFlag) { return; }
    var flag = document.getElementById(input.dataset.pendingFlag);
    if (flag) { flag.value = input.files && input.files.length ? "1" : ""; }
  }, true);
})();
