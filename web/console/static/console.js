// Draws each chart of the page: its ECharts options are JSON in the
// element's data-chart attribute, written (and escaped) by the server.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (typeof echarts === "undefined") return;
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var c = echarts.init(el, null, { renderer: "canvas" });
    c.setOption(JSON.parse(el.getAttribute("data-chart")));
    charts.push(c);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
});
