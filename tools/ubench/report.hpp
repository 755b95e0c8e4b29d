// The three ways out of `ubench files`: a table for people (grouped by case, ratios to the
// blocking baseline), and JSON and CSV with every field for programs.
#pragma once

#include <cstdio>

#include "results.hpp"

namespace ubench {

void print_table(std::FILE* out, const files_report& report);
void write_json(std::FILE* out, const files_report& report);
void write_csv(std::FILE* out, const files_report& report);

}  // namespace ubench
