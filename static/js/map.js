// Literature map: pan (drag), zoom (wheel, buttons) and a tooltip on hover or
// focus. The SVG already works without this: nodes are links with <title>s.
(function () {
  "use strict";

  function viewBox(svg) {
    return svg.getAttribute("viewBox").split(/\s+/).map(Number);
  }

  function setViewBox(svg, box) {
    svg.setAttribute("viewBox", box.map(function (v) { return v.toFixed(2); }).join(" "));
  }

  // Zoom by factor around a point given in SVG coordinates.
  function zoom(svg, factor, cx, cy) {
    var box = viewBox(svg);
    var width = Math.min(Math.max(box[2] * factor, 60), 4000);
    var scale = width / box[2];
    var height = box[3] * scale;
    setViewBox(svg, [cx - (cx - box[0]) * scale, cy - (cy - box[1]) * scale, width, height]);
  }

  function svgPoint(svg, clientX, clientY) {
    var rect = svg.getBoundingClientRect();
    var box = viewBox(svg);
    return [box[0] + (clientX - rect.left) / rect.width * box[2],
            box[1] + (clientY - rect.top) / rect.height * box[3]];
  }

  function showTooltip(figure, node) {
    var tip = figure.querySelector(".map-tooltip");
    var canvas = figure.querySelector(".map-canvas");
    var year = node.dataset.year ? " (" + node.dataset.year + ")" : "";
    tip.textContent = node.dataset.title + year;
    var small = document.createElement("small");
    small.textContent = node.dataset.group + " · cited " + node.dataset.citations + "× in this map";
    tip.appendChild(small);
    tip.hidden = false;
    var circle = node.querySelector("circle").getBoundingClientRect();
    var outer = canvas.getBoundingClientRect();
    var left = circle.right - outer.left + 8;
    if (left + tip.offsetWidth > outer.width) {
      left = Math.max(0, circle.left - outer.left - tip.offsetWidth - 8);
    }
    tip.style.left = left + "px";
    tip.style.top = Math.max(0, circle.top - outer.top - 4) + "px";
    node.classList.add("active");
  }

  function hideTooltip(figure, node) {
    figure.querySelector(".map-tooltip").hidden = true;
    if (node) { node.classList.remove("active"); }
  }

  function enablePanning(svg) {
    var start = null;
    var moved = false;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      start = { point: svgPoint(svg, event.clientX, event.clientY), box: viewBox(svg),
                x: event.clientX, y: event.clientY };
      moved = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!start) { return; }
      if (!moved && Math.abs(event.clientX - start.x) + Math.abs(event.clientY - start.y) < 4) {
        return;
      }
      if (!moved) { svg.setPointerCapture(event.pointerId); svg.classList.add("dragging"); }
      moved = true;
      var rect = svg.getBoundingClientRect();
      var dx = (event.clientX - start.x) / rect.width * start.box[2];
      var dy = (event.clientY - start.y) / rect.height * start.box[3];
      setViewBox(svg, [start.box[0] - dx, start.box[1] - dy, start.box[2], start.box[3]]);
    });
    function end() { start = null; svg.classList.remove("dragging"); }
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    // A drag that ends on a node must not open the paper.
    svg.addEventListener("click", function (event) {
      if (moved) { event.preventDefault(); moved = false; }
    }, true);
  }

  function enableZoom(figure, svg) {
    var initial = svg.getAttribute("viewBox");
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var point = svgPoint(svg, event.clientX, event.clientY);
      zoom(svg, event.deltaY > 0 ? 1.15 : 1 / 1.15, point[0], point[1]);
    }, { passive: false });
    var buttons = figure.querySelector(".map-zoom");
    buttons.hidden = false;
    buttons.addEventListener("click", function (event) {
      var action = event.target.dataset.zoom;
      var box = viewBox(svg);
      var cx = box[0] + box[2] / 2;
      var cy = box[1] + box[3] / 2;
      if (action === "in") { zoom(svg, 1 / 1.3, cx, cy); }
      if (action === "out") { zoom(svg, 1.3, cx, cy); }
      if (action === "reset") { svg.setAttribute("viewBox", initial); }
    });
  }

  function enableTooltips(figure, svg) {
    svg.querySelectorAll("a.node").forEach(function (node) {
      node.addEventListener("pointerenter", function () { showTooltip(figure, node); });
      node.addEventListener("pointerleave", function () { hideTooltip(figure, node); });
      node.addEventListener("focus", function () { showTooltip(figure, node); });
      node.addEventListener("blur", function () { hideTooltip(figure, node); });
    });
  }

  document.querySelectorAll("[data-map-figure]").forEach(function (figure) {
    var svg = figure.querySelector("svg[data-map]");
    if (!svg) { return; }
    enablePanning(svg);
    enableZoom(figure, svg);
    enableTooltips(figure, svg);
  });
})();
