// Pictures on a phone: a tap on the picture or its button opens it at a
// legible size with horizontal scrolling; a second tap fits it again.
// Without JavaScript the pictures stay fitted to the column. Only an opened
// picture's box scrolls, so only then is it a stop for the Tab key (a
// keyboard user scrolls it with the arrow keys); a fitted one is not.
(function () {
  "use strict";
  var figures = document.querySelectorAll("figure.screen-pic");
  Array.prototype.forEach.call(figures, function (fig) {
    var button = fig.querySelector("button.zoom");
    var scroll = fig.querySelector(".pic-scroll");
    if (!button || !scroll) return;
    var open = button.textContent;
    var close = button.getAttribute("data-close") || open;
    button.hidden = false;
    function toggle() {
      var on = !fig.classList.contains("zoomed");
      fig.classList.toggle("zoomed", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? close : open;
      if (on) scroll.setAttribute("tabindex", "0");
      else scroll.removeAttribute("tabindex");
    }
    button.addEventListener("click", toggle);
    scroll.addEventListener("click", function () {
      if (window.matchMedia("(max-width: 40rem)").matches) toggle();
    });
  });
})();
