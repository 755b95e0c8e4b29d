// The three ways out of `ubench files`: a table for people (grouped by case, ratios to the
// blocking baseline), and JSON and CSV with every field for programs.
#pragma once

#include <cstdio>
#include <string>

#include "results.hpp"
#include "uio/db/formats/json_string.hpp"

namespace ubench {

void print_table(std::FILE* out, const files_report& report);
void write_json(std::FILE* out, const files_report& report);
void write_csv(std::FILE* out, const files_report& report);

// Helpers every subcommand's report uses.
using uio::formats::json_string;     // quoted and escaped
std::string short_number(double v);  // 1234567 -> "1.23M", 45678 -> "45.7k": 3 digits of noise

}  // namespace ubench
