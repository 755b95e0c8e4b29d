#include "report.hpp"

#include <cerrno>
#include <string>
#include <system_error>

namespace ubench {

namespace {

std::string str(std::string_view v) {
    return std::string(v);
}

std::string block_name(std::size_t size) {
    return size >= (1 << 20) ? std::to_string(size >> 20) + " MiB"
                             : std::to_string(size >> 10) + " KiB";
}

std::string hex(std::uint64_t v) {
    char text[20];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
    return text;
}

}  // namespace

// 1234567 -> "1.23M", 45678 -> "45.7k": three significant digits are all the noise allows.
std::string short_number(double v) {
    char text[32];
    if (v >= 1e6) {
        std::snprintf(text, sizeof text, "%.3gM", v / 1e6);
    } else if (v >= 1e3) {
        std::snprintf(text, sizeof text, "%.3gk", v / 1e3);
    } else {
        std::snprintf(text, sizeof text, "%.3g", v);
    }
    return text;
}

void print_table(std::FILE* out, const files_report& report) {
    std::fprintf(out,
                 "ubench files: kernel %s, %s data file of %llu MiB, %u small files of 8 KiB\n"
                 "each case: %u runs of about %.2f s of blocking work; median [min-max] over runs;"
                 " p50/p99: medians over runs\ncold cache: %s\n",
                 report.kernel.c_str(), report.dir.c_str(),
                 static_cast<unsigned long long>(report.file_size >> 20), report.small_files,
                 report.repeat, report.seconds, report.cold_method.c_str());
    for (const std::string& note : report.notes) std::fprintf(out, "note: %s\n", note.c_str());
    const case_result* previous = nullptr;
    for (const case_result& c : report.cases) {
        if (!previous || previous->kind != c.kind || previous->mode != c.mode) {
            std::fprintf(out, "\n%s, %s %s, %llu operations per run\n", str(name(c.mode)).c_str(),
                         str(name(c.kind)).c_str(), block_name(c.block_size).c_str(),
                         static_cast<unsigned long long>(c.operations));
            std::fprintf(out, "  %-15s %4s  %-24s %9s %9s %9s %10s  %s\n", "engine", "QD",
                         "ops/s median [min-max]", "MB/s", "p50 us", "p99 us", "x blocking",
                         "checksum");
        }
        previous = &c;
        spread ops = c.ops();
        std::string ops_text = short_number(ops.median) + " [" + short_number(ops.min) + "-" +
                               short_number(ops.max) + "]";
        std::fprintf(out, "  %-15s %4u  %-24s %9.1f %9.1f %9.1f %9.2fx  %s\n",
                     str(name(c.engine)).c_str(), c.queue_depth, ops_text.c_str(), c.mb().median,
                     c.p50(), c.p99(), c.ratio, c.checksum_ok ? "ok" : "MISMATCH");
    }
    std::fprintf(out, "\nchecksums: %s\n",
                 report.checksums_agree ? "all engines agree" : "MISMATCH (see the rows marked)");
}

void write_json(std::FILE* out, const files_report& report) {
    auto array = [&](const std::vector<double>& values) {
        std::string text = "[";
        for (std::size_t i = 0; i < values.size(); ++i) {
            char number[32];
            std::snprintf(number, sizeof number, "%s%.6g", i ? ", " : "", values[i]);
            text += number;
        }
        return text + "]";
    };
    auto spread_json = [](const spread& s) {
        char text[128];
        std::snprintf(text, sizeof text, "{\"median\": %.6g, \"min\": %.6g, \"max\": %.6g}",
                      s.median, s.min, s.max);
        return std::string(text);
    };
    std::fprintf(out, "{\n  \"tool\": \"ubench files\",\n  \"kernel\": %s,\n  \"dir\": %s,\n",
                 json_string(report.kernel).c_str(), json_string(report.dir).c_str());
    std::fprintf(out,
                 "  \"file_size\": %llu,\n  \"small_files\": %u,\n  \"seconds\": %.6g,\n"
                 "  \"repeat\": %u,\n  \"cold_method\": %s,\n  \"notes\": [",
                 static_cast<unsigned long long>(report.file_size), report.small_files,
                 report.seconds, report.repeat, json_string(report.cold_method).c_str());
    for (std::size_t i = 0; i < report.notes.size(); ++i) {
        std::fprintf(out, "%s%s", i ? ", " : "", json_string(report.notes[i]).c_str());
    }
    std::fprintf(out, "],\n  \"checksums_agree\": %s,\n  \"cases\": [",
                 report.checksums_agree ? "true" : "false");
    for (std::size_t i = 0; i < report.cases.size(); ++i) {
        const case_result& c = report.cases[i];
        std::fprintf(out,
                     "%s\n    {\"workload\": \"%s\", \"mode\": \"%s\", \"engine\": \"%s\", "
                     "\"queue_depth\": %u, \"block_size\": %zu, \"operations\": %llu,\n",
                     i ? "," : "", str(name(c.kind)).c_str(), str(name(c.mode)).c_str(),
                     str(name(c.engine)).c_str(), c.queue_depth, c.block_size,
                     static_cast<unsigned long long>(c.operations));
        std::fprintf(out, "     \"ops_per_s\": %s, \"mb_per_s\": %s,\n",
                     spread_json(c.ops()).c_str(), spread_json(c.mb()).c_str());
        std::fprintf(out, "     \"p50_us\": %.6g, \"p99_us\": %.6g, \"ratio_to_blocking\": %.6g,\n",
                     c.p50(), c.p99(), c.ratio);
        std::fprintf(out, "     \"checksum\": \"%s\", \"checksum_ok\": %s,\n",
                     hex(c.checksum).c_str(), c.checksum_ok ? "true" : "false");
        std::fprintf(out,
                     "     \"samples\": {\"ops_per_s\": %s, \"mb_per_s\": %s, \"p50_us\": %s, "
                     "\"p99_us\": %s}}",
                     array(c.ops_per_s).c_str(), array(c.mb_per_s).c_str(), array(c.p50_us).c_str(),
                     array(c.p99_us).c_str());
    }
    std::fprintf(out, "\n  ]\n}\n");
}

void write_csv(std::FILE* out, const files_report& report) {
    std::fprintf(out,
                 "workload,mode,engine,queue_depth,block_size,operations,ops_per_s_median,"
                 "ops_per_s_min,ops_per_s_max,mb_per_s_median,p50_us,p99_us,ratio_to_blocking,"
                 "checksum,checksum_ok\n");
    for (const case_result& c : report.cases) {
        spread ops = c.ops();
        std::fprintf(out, "%s,%s,%s,%u,%zu,%llu,%.1f,%.1f,%.1f,%.2f,%.2f,%.2f,%.4f,%s,%s\n",
                     str(name(c.kind)).c_str(), str(name(c.mode)).c_str(),
                     str(name(c.engine)).c_str(), c.queue_depth, c.block_size,
                     static_cast<unsigned long long>(c.operations), ops.median, ops.min, ops.max,
                     c.mb().median, c.p50(), c.p99(), c.ratio, hex(c.checksum).c_str(),
                     c.checksum_ok ? "true" : "false");
    }
}

void write_output(const std::string& path, const std::function<void(std::FILE*)>& write) {
    if (path == "-") {
        write(stdout);
        std::fflush(stdout);
        return;
    }
    std::FILE* out = std::fopen(path.c_str(), "w");
    if (!out) throw std::system_error(errno, std::generic_category(), "write '" + path + "'");
    write(out);
    if (std::fclose(out) != 0)
        throw std::system_error(errno, std::generic_category(), "write '" + path + "'");
}

}  // namespace ubench
