#include "option_names.hpp"

namespace uio::cli_doc {

std::vector<const CLI::Option*> documented_options(const CLI::App& app) {
    return app.get_options([](const CLI::Option* o) { return o->nonpositional(); });
}

std::vector<std::string> option_names(const CLI::Option& option) {
    std::vector<std::string> names;
    for (const std::string& s : option.get_snames()) names.push_back("-" + s);
    for (const std::string& l : option.get_lnames()) names.push_back("--" + l);
    return names;
}

std::vector<std::string> choices(const CLI::Option& option) {
    // CLI11 names an IsMember-checked value "TEXT:{auto,always,never}".
    const std::string type = option.get_type_name();
    const std::size_t open = type.find(":{");
    const std::size_t close = type.find('}', open);
    std::vector<std::string> out;
    if (open == std::string::npos || close == std::string::npos) return out;
    std::string item;
    for (char c : type.substr(open + 2, close - open - 2)) {
        if (c == ',') {
            out.push_back(item);
            item.clear();
        } else if (c != ' ') {
            item += c;
        }
    }
    if (!item.empty()) out.push_back(item);
    return out;
}

bool takes_value(const CLI::Option& option) {
    return option.get_expected_max() > 0;
}

std::string value_name(const CLI::Option& option) {
    if (!takes_value(option)) return "";
    if (auto set = choices(option); !set.empty()) {
        std::string joined;
        for (const auto& c : set) joined += (joined.empty() ? "" : "|") + c;
        return joined;
    }
    const std::string type = option.get_type_name();
    return type.substr(0, type.find_first_of(": "));
}

std::vector<const CLI::App*> subcommands(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App*) { return true; });
}

}  // namespace uio::cli_doc
