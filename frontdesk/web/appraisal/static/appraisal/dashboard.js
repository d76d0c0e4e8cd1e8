/* The team dashboard's charts: reads the JSON the page carries (#dashboard-data) and draws it with
   plotly.js (served by the application itself). Charts follow their container's width, so the
   page works down to a phone. */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || !window.Plotly) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  var config = { responsive: true, displaylogo: false, displayModeBar: false };
  var font = { family: "inherit", size: 12 };
  var colours = { bar: "#1f6f8b", mean: "#0f172a" };

  function margins(left) {
    return { l: left, r: 12, t: 8, b: 44 };
  }

  function drawHistogram() {
    var h = data.histogram;
    Plotly.newPlot(
      "dash-histogram",
      [
        {
          type: "bar",
          x: h.starts.map(function (s) { return s + h.width / 2; }),
          y: h.counts,
          width: h.width * 0.92,
          text: h.bins,
          hovertemplate: "%{text}: %{y}<extra></extra>",
          marker: { color: colours.bar },
        },
      ],
      {
        font: font,
        margin: margins(44),
        xaxis: { title: { text: labels.total }, range: [0, 100], dtick: h.width, fixedrange: true },
        yaxis: { title: { text: labels.agents }, rangemode: "tozero", fixedrange: true },
        bargap: 0,
      },
      config
    );
  }

  function drawTrend() {
    var t = data.trend;
    var traces = t.teams.map(function (line) {
      return { type: "scatter", mode: "lines+markers", name: line.name, x: t.periods, y: line.means, connectgaps: false };
    });
    traces.push({
      type: "scatter",
      mode: "lines+markers",
      name: labels.mean,
      x: t.periods,
      y: t.mean,
      line: { color: colours.mean, width: 3 },
    });
    Plotly.newPlot(
      "dash-trend",
      traces,
      {
        font: font,
        margin: margins(44),
        xaxis: { title: { text: labels.period }, type: "category", fixedrange: true },
        yaxis: { title: { text: labels.total }, fixedrange: true },
        showlegend: traces.length > 1,
        legend: { orientation: "h", y: -0.25 },
      },
      config
    );
  }

  function drawHeatmap() {
    var m = data.heatmap;
    var element = document.getElementById("dash-heatmap");
    // About 22 px a row while that stays readable; many agents share the height of a long page.
    var height = Math.max(260, Math.min(120 + 22 * m.agents.length, 1400));
    element.style.height = height + "px";
    var longest = m.agents.reduce(function (n, a) { return Math.max(n, a.length); }, 0);
    var narrow = element.clientWidth < 500;
    Plotly.newPlot(
      "dash-heatmap",
      [
        {
          type: "heatmap",
          x: m.indicators,
          y: m.agents,
          z: m.scores,
          zmin: 0,
          zmax: 100,
          colorscale: "RdYlGn",
          hoverongaps: false,
          hovertemplate: "%{y}<br>%{x}: %{z:.1f}<extra></extra>",
          colorbar: { title: { text: labels.score }, thickness: 12 },
        },
      ],
      {
        font: font,
        height: height,
        margin: { l: narrow ? 8 : Math.min(220, 7 * longest), r: 8, t: 8, b: 90 },
        xaxis: { side: "bottom", tickangle: -30, fixedrange: true },
        yaxis: { autorange: "reversed", automargin: false, showticklabels: !narrow, fixedrange: true },
      },
      config
    );
  }

  drawHistogram();
  drawTrend();
  drawHeatmap();

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      ["dash-histogram", "dash-trend", "dash-heatmap"].forEach(function (id) {
        var element = document.getElementById(id);
        if (element) {
          Plotly.Plots.resize(element);
        }
      });
    }, 150);
  });
})();
