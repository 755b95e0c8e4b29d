#include "svg_plot.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <map>
#include <system_error>
#include <vector>

namespace ubench {

namespace {

constexpr double plot_w = 300, plot_h = 260;
constexpr double left = 62, right = 125, top = 58, bottom = 48;
constexpr double panel_w = left + plot_w + right;
constexpr double label_gap = 13;  // minimum vertical distance between two end labels

const char* colour(engine_kind e) {
    switch (e) {
        case engine_kind::blocking:
            return "#555555";
        case engine_kind::thread_pool:
            return "#d62728";
        case engine_kind::uio:
            return "#1f77b4";
        case engine_kind::uio_fixed_bufs:
            return "#2ca02c";
        case engine_kind::uio_fixed_files:
            return "#9467bd";
        case engine_kind::uio_sqpoll:
            return "#ff7f0e";
    }
    return "#000000";
}

// A round axis maximum and tick step covering `v`.
std::pair<double, double> nice_axis(double v) {
    if (v <= 0) return {1, 0.25};
    double magnitude = std::pow(10, std::floor(std::log10(v)));
    for (double step : {0.1, 0.2, 0.25, 0.5, 1.0, 2.0}) {
        double s = step * magnitude;
        if (v / s <= 6) return {std::ceil(v / s) * s, s};
    }
    return {v, v / 5};
}

std::string tick_text(double v) {
    char text[32];
    if (v >= 1e6) {
        std::snprintf(text, sizeof text, "%gM", v / 1e6);
    } else if (v >= 1e3) {
        std::snprintf(text, sizeof text, "%gk", v / 1e3);
    } else {
        std::snprintf(text, sizeof text, "%g", v);
    }
    return text;
}

struct end_label {
    double y;       // where the line ends
    double placed;  // where the text goes after spreading
    std::string text;
    const char* fill;
};

// Spreads labels apart vertically, keeping each as close to its line's end as possible.
void spread_labels(std::vector<end_label>& labels, double low, double high) {
    std::sort(labels.begin(), labels.end(),
              [](const end_label& a, const end_label& b) { return a.y < b.y; });
    for (std::size_t i = 0; i < labels.size(); ++i) {
        labels[i].placed = labels[i].y;
        if (i > 0) labels[i].placed = std::max(labels[i].placed, labels[i - 1].placed + label_gap);
    }
    if (!labels.empty() && labels.back().placed > high) {
        labels.back().placed = high;
        for (std::size_t i = labels.size() - 1; i > 0; --i) {
            labels[i - 1].placed = std::min(labels[i - 1].placed, labels[i].placed - label_gap);
        }
    }
    for (auto& l : labels) l.placed = std::max(l.placed, low);
}

}  // namespace

void write_plot(const std::string& path, const files_report& report) {
    std::vector<cache_mode> modes;
    std::vector<unsigned> depths;
    for (const case_result& c : report.cases) {
        if (c.kind != workload_kind::random_read) continue;
        if (std::find(modes.begin(), modes.end(), c.mode) == modes.end()) modes.push_back(c.mode);
        if (std::find(depths.begin(), depths.end(), c.queue_depth) == depths.end())
            depths.push_back(c.queue_depth);
    }
    std::sort(depths.begin(), depths.end());
    std::FILE* out = std::fopen(path.c_str(), "w");
    if (!out) throw std::system_error(errno, std::generic_category(), "write '" + path + "'");

    const double width = panel_w * static_cast<double>(std::max<std::size_t>(modes.size(), 1));
    const double height = top + plot_h + bottom;
    std::fprintf(out,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                 "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
                 "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                 width, height, width, height);
    std::fprintf(
        out,
        "<text x=\"12\" y=\"20\" font-size=\"15\" font-weight=\"bold\">4 KiB random reads: "
        "operations/s against queue depth (median of %u runs)</text>\n",
        report.repeat);
    if (depths.empty()) {
        std::fprintf(out, "<text x=\"12\" y=\"60\">no random-read cases were run</text>\n</svg>\n");
        std::fclose(out);
        return;
    }
    const double lo = std::log2(depths.front()), hi = std::log2(depths.back());
    auto x_of = [&](unsigned qd) {
        return hi > lo ? (std::log2(qd) - lo) / (hi - lo) * plot_w : plot_w / 2;
    };

    for (std::size_t p = 0; p < modes.size(); ++p) {
        const double ox = static_cast<double>(p) * panel_w + left, oy = top;
        // Lines per engine, in queue-depth order.
        std::map<engine_kind, std::vector<std::pair<unsigned, double>>> lines;
        double peak = 0;
        for (const case_result& c : report.cases) {
            if (c.kind != workload_kind::random_read || c.mode != modes[p]) continue;
            lines[c.engine].emplace_back(c.queue_depth, c.ops().median);
            peak = std::max(peak, c.ops().median);
        }
        const auto axis = nice_axis(peak * 1.05);
        const double y_max = axis.first, y_step = axis.second;
        auto y_of = [&](double v) { return plot_h - v / y_max * plot_h; };

        std::fprintf(out, "<g transform=\"translate(%.1f,%.1f)\">\n", ox, oy);
        std::fprintf(out,
                     "<text x=\"0\" y=\"-12\" font-size=\"13\" font-weight=\"bold\">%s</text>\n",
                     std::string(name(modes[p])).c_str());
        for (double v = 0; v <= y_max + y_step / 2; v += y_step) {
            std::fprintf(out,
                         "<line x1=\"0\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                         "<text x=\"-6\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%s</text>\n",
                         plot_w, y_of(v), y_of(v), y_of(v) + 4, tick_text(v).c_str());
        }
        for (unsigned qd : depths) {
            std::fprintf(
                out,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%.1f\" stroke=\"#f0f0f0\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444\">%u</text>\n",
                x_of(qd), x_of(qd), plot_h, x_of(qd), plot_h + 16, qd);
        }
        std::fprintf(out,
                     "<rect x=\"0\" y=\"0\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                     "stroke=\"#888\"/>\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                     "fill=\"#444\">queue depth (requests in flight)</text>\n",
                     plot_w, plot_h, plot_w / 2, plot_h + 36);
        if (p == 0) {
            std::fprintf(out,
                         "<text transform=\"translate(-48,%.1f) rotate(-90)\" "
                         "text-anchor=\"middle\" fill=\"#444\">operations/s</text>\n",
                         plot_h / 2);
        }

        std::vector<end_label> labels;
        for (auto& [engine, points] : lines) {
            std::sort(points.begin(), points.end());
            const char* fill = colour(engine);
            std::string text(name(engine));
            if (engine == engine_kind::blocking) {
                // One thread has one request in flight whatever the depth: a flat reference.
                double y = y_of(points.front().second);
                std::fprintf(out,
                             "<line x1=\"0\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                             "stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n",
                             plot_w, y, y, fill);
                labels.push_back({y, y, text + " (QD 1)", fill});
                continue;
            }
            std::string d;
            for (auto [qd, v] : points) {
                char segment[64];
                std::snprintf(segment, sizeof segment, "%s%.1f,%.1f ", d.empty() ? "M" : "L",
                              x_of(qd), y_of(v));
                d += segment;
                std::fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                             x_of(qd), y_of(v), fill);
            }
            std::fprintf(out, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                         d.c_str(), fill);
            labels.push_back({y_of(points.back().second), 0, text, fill});
        }
        spread_labels(labels, 4, plot_h);
        for (const end_label& l : labels) {
            if (std::abs(l.placed - l.y) > 1) {  // a leader line back to the line's end
                std::fprintf(out,
                             "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                             "stroke-width=\"0.8\"/>\n",
                             plot_w + 2, l.y, plot_w + 8, l.placed, l.fill);
            }
            std::fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>\n", plot_w + 10,
                         l.placed + 4, l.fill, l.text.c_str());
        }
        std::fprintf(out, "</g>\n");
    }
    std::fprintf(out, "</svg>\n");
    if (std::fclose(out) != 0) {
        throw std::system_error(errno, std::generic_category(), "write '" + path + "'");
    }
}

}  // namespace ubench
