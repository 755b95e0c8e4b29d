// The three ways out of `ubench files`: a table for people (grouped by case, ratios to the
// blocking baseline), and JSON and CSV with every field for programs.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include "results.hpp"
#include "uio/db/formats/json_string.hpp"

namespace ubench {

void print_table(std::FILE* out, const files_report& report);
void write_json(std::FILE* out, const files_report& report);
void write_csv(std::FILE* out, const files_report& report);

// Where --json (and --csv) output goes, one rule for every subcommand: a FILE, or standard
// output for "-" (a bare --json means "-"); "" for none. When it takes standard output, the
// table for people goes to stderr (`people`).
void write_output(const std::string& path, const std::function<void(std::FILE*)>& write);
inline std::FILE* people(const std::string& json_path) {
    return json_path == "-" ? stderr : stdout;
}

// Helpers every subcommand's report uses.
using uio::formats::json_string;     // quoted and escaped
std::string short_number(double v);  // 1234567 -> "1.23M", 45678 -> "45.7k": 3 digits of noise

}  // namespace ubench
